"""`kg` commands of the extract stage."""

from __future__ import annotations

from kg.cli import main  # noqa: F401
