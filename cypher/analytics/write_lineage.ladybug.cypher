// Analytics (write): LINEAGE edges child -> parent ($rows: an Arrow table with src = child id, dst = parent id,
// evidence, sentences, papers, child_year, parent_year). LadybugDB scans the table (LOAD FROM): typed columns.
// CREATE, not MERGE: every stored edge of a written (src, dst) was deleted first and each (src, dst) comes once.
LOAD FROM $rows
MATCH (c:Concept {id: src})
MATCH (p:Concept {id: dst})
CREATE (c)-[l:LINEAGE {evidence: evidence, sentences: sentences, papers: papers,
                       child_year: child_year, parent_year: parent_year}]->(p)
