// Question: What co-authorship communities does the graph have?
// Parameters: none
// Returns: one row per community: community (its rank by size,
//   0 = largest), size (members), papers, modularity
//   (of the whole partition), algorithm, members (their names); largest first.
MATCH (c:Community)<-[:IN_COMMUNITY]-(a:Author)
WITH c, a.name AS member
ORDER BY member SKIP 0
RETURN c.rank AS community, c.size AS size, c.papers AS papers, c.modularity AS modularity,
       c.algorithm AS algorithm, collect(member) AS members
ORDER BY size DESC, papers DESC, community
