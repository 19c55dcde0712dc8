// Question: How big is the graph, node label by node label?
// Parameters: none
// Returns: one row per label: label, nodes. (Relationships per type: `kg stats`.)
MATCH (n:Paper) RETURN 'Paper' AS label, count(n) AS nodes
UNION ALL MATCH (n:Author) RETURN 'Author' AS label, count(n) AS nodes
UNION ALL MATCH (n:Affiliation) RETURN 'Affiliation' AS label, count(n) AS nodes
UNION ALL MATCH (n:Concept) RETURN 'Concept' AS label, count(n) AS nodes
UNION ALL MATCH (n:Result) RETURN 'Result' AS label, count(n) AS nodes
UNION ALL MATCH (n:Community) RETURN 'Community' AS label, count(n) AS nodes
