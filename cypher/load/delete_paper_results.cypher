// Loader: remove the Result nodes a paper reports (they are derived from it alone).
UNWIND $ids AS id
MATCH (:Paper {id: id})-[:REPORTS]->(r:Result)
DETACH DELETE r
