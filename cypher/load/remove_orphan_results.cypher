// Loader: results no paper reports are removed (a bulk load killed between writing them and their REPORTS edges leaves such).
MATCH (r:Result)
WHERE NOT EXISTS { MATCH (:Paper)-[:REPORTS]->(r) }
WITH r
DETACH DELETE r
RETURN count(r) AS removed
