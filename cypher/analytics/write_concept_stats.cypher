// Analytics (write): per-concept trend figures ($rows: id, first_year, mentions, burst).
UNWIND $rows AS row
MATCH (c:Concept {id: row.id})
SET c.first_year = row.first_year, c.mentions = row.mentions, c.burst = row.burst
