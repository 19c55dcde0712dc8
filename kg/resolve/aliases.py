"""The curated concept alias file: force-merge and force-split decisions a user can edit.

A TSV with a header line ``action<TAB>name<TAB>target<TAB>note``; ``#`` starts a comment.

* ``merge  GNN  graph neural network``: ``name`` is an alias of ``target`` (one concept).
* ``split  PPO  proximal point optimization``: the two must never be one concept, whatever
  the rules say.

A paper's own acronym definition beats a curated ``merge`` for that paper (the paper says
what it means), but nothing beats a ``split``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from kg.errors import InputError, decode_utf8
from kg.resolve.names import concept_key

ACTIONS = ("merge", "split")


@dataclass
class AliasTable:
    """Curated decisions, by concept key."""

    #: alias key -> (target surface, source:line)
    merges: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: unordered key pairs that must stay apart -> source:line
    splits: dict[frozenset[str], str] = field(default_factory=dict)

    def update(self, other: AliasTable) -> AliasTable:
        """Add ``other``'s decisions; on conflict ``other`` wins (the user's file after the shipped one)."""
        for key, value in other.merges.items():
            self.merges[key] = value
        for pair, where in other.splits.items():
            self.splits[pair] = where
            # a user split undoes a shipped merge between the same two forms
            a, b = tuple(pair) if len(pair) == 2 else (next(iter(pair)),) * 2
            for x, y in ((a, b), (b, a)):
                if x in self.merges and concept_key(self.merges[x][0]) == y:
                    del self.merges[x]
        return self


def read_alias_file(path: str | os.PathLike[str]) -> AliasTable:
    """Read one curated alias TSV; a malformed line raises InputError with file and line."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read alias file: {exc}", source=str(path)) from exc
    return parse_alias_text(decode_utf8(raw, source=str(path)), source=str(path))


def parse_alias_text(text: str, *, source: str = "<aliases>") -> AliasTable:
    """Parse alias TSV text (see the module docstring for the format)."""
    table = AliasTable()
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].rstrip() if not raw.lstrip().startswith("#") else ""
        if not line.strip():
            continue
        cells = [c.strip() for c in line.split("\t")]
        if cells[0].casefold() == "action":
            continue
        if len(cells) < 3 or not cells[1] or not cells[2]:
            raise InputError("expected action<TAB>name<TAB>target", source=source, line=lineno)
        action = cells[0].casefold()
        if action not in ACTIONS:
            raise InputError(f"unknown action {cells[0]!r}; use one of {', '.join(ACTIONS)}", source=source, line=lineno)
        a, b = concept_key(cells[1]), concept_key(cells[2])
        where = f"{Path(source).name}:{lineno}"
        if action == "merge":
            table.merges[a] = (cells[2], where)
        else:
            table.splits[frozenset((a, b))] = where
    return table


def default_aliases() -> AliasTable:
    """The alias table shipped with kg (kg/resolve/data/concept_aliases.tsv)."""
    text = resources.files("kg.resolve").joinpath("data/concept_aliases.tsv").read_text(encoding="utf-8")
    return parse_alias_text(text, source="concept_aliases.tsv")


def load_aliases(path: str | os.PathLike[str] | None = None) -> AliasTable:
    """The shipped table, overridden by the user's file (``path``, else env ``KG_CONCEPT_ALIASES``)."""
    table = default_aliases()
    path = path or os.environ.get("KG_CONCEPT_ALIASES")
    if path:
        table.update(read_alias_file(path))
    return table
