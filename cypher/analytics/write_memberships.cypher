// Analytics (write): each author's community ($rows: id = author id, community), as a property and an edge.
UNWIND $rows AS row
MATCH (a:Author {id: row.id})
MATCH (c:Community {id: row.community})
SET a.community = row.community
MERGE (a)-[:IN_COMMUNITY]->(c)
