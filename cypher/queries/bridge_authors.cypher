// Question: Which authors bridge two co-authorship communities?
// Parameters:
//   $a  a community id (example: 0)
//   $b  another community id (example: 2)
// Returns: author, community (the author's own), in_a and in_b (their co-authors in each of
//   the two communities); authors with co-authors in both, alphabetically.
MATCH (x:Author)-[:AUTHORED]->(:Paper)<-[:AUTHORED]-(ya:Author)-[:IN_COMMUNITY]->(:Community {id: $a})
WHERE ya <> x
WITH x, collect(DISTINCT ya.name) AS in_a
MATCH (x)-[:AUTHORED]->(:Paper)<-[:AUTHORED]-(yb:Author)-[:IN_COMMUNITY]->(:Community {id: $b})
WHERE yb <> x
RETURN x.name AS author, x.community AS community, in_a, collect(DISTINCT yb.name) AS in_b
ORDER BY author
