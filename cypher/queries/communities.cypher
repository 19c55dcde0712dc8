// Question: What co-authorship communities does the graph have?
// Parameters: none
// Returns: one row per community: community (its id), size (members), papers, modularity
//   (of the whole partition), algorithm, members (their names); largest first.
MATCH (c:Community)<-[:IN_COMMUNITY]-(a:Author)
RETURN c.id AS community, c.size AS size, c.papers AS papers, c.modularity AS modularity,
       c.algorithm AS algorithm, collect(a.name) AS members
ORDER BY size DESC, papers DESC, community
