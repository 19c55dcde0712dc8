// Analytics (write): per-concept trend figures ($rows: id, first_year, mentions, burst).
// The cast types a batch whose first years are all null: LadybugDB would type them STRING.
UNWIND $rows AS row
MATCH (c:Concept {id: row.id})
SET c.first_year = CAST(row.first_year AS INT64), c.mentions = row.mentions, c.burst = CAST(row.burst AS DOUBLE)
