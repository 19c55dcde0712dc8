// Question: Which authors bridge two co-authorship communities?
// Parameters:
//   $a  a community's number: its rank by size, 0 the largest (example: 0)
//   $b  another community's number (example: 2)
// Returns: author, community (the author's own), in_a and in_b (their co-authors in each of
//   the two communities); authors with co-authors in both, alphabetically.
MATCH (x:Author)-[:AUTHORED]->(:Paper)<-[:AUTHORED]-(ya:Author)-[:IN_COMMUNITY]->(ka:Community)
WHERE ya <> x AND ka.rank = $a
WITH x, ya.name AS co_a
ORDER BY co_a SKIP 0
WITH x, collect(DISTINCT co_a) AS in_a
MATCH (x)-[:AUTHORED]->(:Paper)<-[:AUTHORED]-(yb:Author)-[:IN_COMMUNITY]->(kb:Community)
WHERE yb <> x AND kb.rank = $b
WITH x, in_a, yb.name AS co_b
ORDER BY co_b SKIP 0
WITH x, in_a, collect(DISTINCT co_b) AS in_b
OPTIONAL MATCH (x)-[:IN_COMMUNITY]->(k:Community)
RETURN x.name AS author, k.rank AS community, in_a, in_b
ORDER BY author
