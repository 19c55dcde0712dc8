// Analytics (write): each author's community as an edge ($rows: an Arrow table with src = author id, dst = the
// community's key). CREATE, not MERGE: only authors that moved come here, once each, after unlink_authors.
LOAD FROM $rows
MATCH (a:Author {id: src})
MATCH (c:Community {id: dst})
CREATE (a)-[:IN_COMMUNITY]->(c)
