// Analytics (write): LINEAGE edges child -> parent ($rows: src = child id, dst = parent id, evidence, sentences, papers, child_year, parent_year).
UNWIND $rows AS row
MATCH (c:Concept {id: row.src})
MATCH (p:Concept {id: row.dst})
MERGE (c)-[l:LINEAGE]->(p)
SET l.evidence = row.evidence, l.sentences = row.sentences, l.papers = row.papers,
    l.child_year = row.child_year, l.parent_year = row.parent_year
