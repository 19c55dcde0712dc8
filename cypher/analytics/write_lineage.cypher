// Analytics (write): LINEAGE edges child -> parent ($rows: src = child id, dst = parent id, evidence, sentences, papers, child_year, parent_year).
// CREATE, not MERGE: every stored edge of a written (src, dst) was deleted first and each (src, dst) comes once.
UNWIND $rows AS row
MATCH (c:Concept {id: row.src})
MATCH (p:Concept {id: row.dst})
CREATE (c)-[l:LINEAGE {evidence: row.evidence, sentences: row.sentences, papers: row.papers,
                       child_year: row.child_year, parent_year: row.parent_year}]->(p)
