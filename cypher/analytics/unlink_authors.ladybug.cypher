// Analytics (write): drop the IN_COMMUNITY edges of authors whose community changed ($rows: an Arrow table with id).
LOAD FROM $rows
MATCH (a:Author {id: id})-[r:IN_COMMUNITY]->(:Community)
DELETE r
