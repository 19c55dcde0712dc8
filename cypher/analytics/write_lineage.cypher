// Analytics (write): LINEAGE edges child -> parent ($rows: child, parent, evidence, sentences, papers, child_year, parent_year).
UNWIND $rows AS row
MATCH (c:Concept {id: row.child})
MATCH (p:Concept {id: row.parent})
MERGE (c)-[l:LINEAGE]->(p)
SET l.evidence = row.evidence, l.sentences = row.sentences, l.papers = row.papers,
    l.child_year = row.child_year, l.parent_year = row.parent_year
