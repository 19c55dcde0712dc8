// Analytics (write): each author's community ($rows: an Arrow table with id = author id, community = the
// community's key). CREATE, not MERGE: only authors that moved come here, once each, after unlink_authors.
LOAD FROM $rows
MATCH (a:Author {id: id})
MATCH (c:Community {id: community})
CREATE (a)-[:IN_COMMUNITY]->(c)
