// Analytics (write): each author's community ($rows: an Arrow table with id = author id, community), as a
// property and an edge. CREATE, not MERGE: only authors that moved come here, once each, after unlink_authors.
LOAD FROM $rows
MATCH (a:Author {id: id})
MATCH (c:Community {id: community})
SET a.community = community
CREATE (a)-[:IN_COMMUNITY]->(c)
