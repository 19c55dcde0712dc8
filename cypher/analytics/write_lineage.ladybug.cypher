// Analytics (write): LINEAGE edges child -> parent ($rows: src = child id, dst = parent id, evidence, sentences, papers, child_year, parent_year).
// CREATE, not MERGE: every stored edge of a written (src, dst) was deleted first and each (src, dst) comes once.
// The casts type a batch whose years are all null (or whose paper lists are all empty): LadybugDB would type them STRING.
UNWIND $rows AS row
MATCH (c:Concept {id: row.src})
MATCH (p:Concept {id: row.dst})
CREATE (c)-[l:LINEAGE {evidence: row.evidence, sentences: CAST(row.sentences AS STRING[]), papers: CAST(row.papers AS STRING[]),
                       child_year: CAST(row.child_year AS INT64), parent_year: CAST(row.parent_year AS INT64)}]->(p)
