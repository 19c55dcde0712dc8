"""Analytics: co-authorship communities, concept lineage, trends; plain functions on networkx graphs and arrays."""

from kg.analytics.run import run_analytics

__all__ = ["run_analytics"]
