"""`kg` commands of the ingest stage."""

from __future__ import annotations

from kg.cli import main  # noqa: F401
