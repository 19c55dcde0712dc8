// Analytics (write): forget the previous lineage run.
MATCH (:Concept)-[l:LINEAGE]->(:Concept)
DELETE l
