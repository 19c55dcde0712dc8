"""Resolve: one node per real thing (concepts, authors, affiliations), every merge recorded."""
