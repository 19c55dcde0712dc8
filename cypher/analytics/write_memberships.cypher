// Analytics (write): each author's community as an edge ($rows: src = author id, dst = the community's key,
// named as the loader names a relationship's ends). CREATE, not MERGE: only authors that moved come here,
// once each, after unlink_authors removed their old edge.
UNWIND $rows AS row
MATCH (a:Author {id: row.src})
MATCH (c:Community {id: row.dst})
CREATE (a)-[:IN_COMMUNITY]->(c)
