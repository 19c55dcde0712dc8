// Analytics (write): drop the IN_COMMUNITY edges of authors whose community changed ($rows: id).
UNWIND $rows AS row
MATCH (a:Author {id: row.id})-[r:IN_COMMUNITY]->(:Community)
DELETE r
