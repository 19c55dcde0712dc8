"""Analytics: co-authorship communities, concept lineage, trends; plain functions on networkx graphs."""
