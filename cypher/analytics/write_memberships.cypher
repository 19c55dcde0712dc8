// Analytics (write): each author's community ($rows: id = author id, community = the community's key).
// CREATE, not MERGE: only authors that moved come here, once each, after unlink_authors removed their old edge.
UNWIND $rows AS row
MATCH (a:Author {id: row.id})
MATCH (c:Community {id: row.community})
CREATE (a)-[:IN_COMMUNITY]->(c)
