// Analytics (write): each author's community ($rows: id = author id, community), as a property and an edge.
// CREATE, not MERGE: clear_communities removed every IN_COMMUNITY edge first and each author comes once.
UNWIND $rows AS row
MATCH (a:Author {id: row.id})
MATCH (c:Community {id: row.community})
SET a.community = row.community
CREATE (a)-[:IN_COMMUNITY]->(c)
