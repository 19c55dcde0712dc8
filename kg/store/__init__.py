"""Store: one schema, one loader design, two backends (LadybugDB embedded, Neo4j 5)."""
