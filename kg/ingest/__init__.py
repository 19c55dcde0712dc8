"""Ingest: listing pages and JSON Lines records in, deduplicated Paper records out."""
