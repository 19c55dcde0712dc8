"""`kg` commands of the synth stage."""

from __future__ import annotations

from kg.cli import main  # noqa: F401
