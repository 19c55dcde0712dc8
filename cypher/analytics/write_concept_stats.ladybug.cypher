// Analytics (write): per-concept trend figures ($rows: an Arrow table with id, first_year, mentions, burst).
// LadybugDB scans the table (LOAD FROM): typed columns, and no per-row conversion of a list of maps.
LOAD FROM $rows
MATCH (c:Concept {id: id})
SET c.first_year = first_year, c.mentions = mentions, c.burst = burst
