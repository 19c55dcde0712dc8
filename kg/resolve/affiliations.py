"""Affiliations: org slugs ("meta-ai", "cmu") to readable, stable names through a curated table.

The table (kg/resolve/data/orgs.tsv, ``slug<TAB>name``) is extensible: a user file given by
path or env ``KG_ORGS`` adds or overrides rows. Slugs with the same name are one Affiliation
whose id comes from the first slug listed for that name, so ids stay stable as the table grows.
Unknown slugs stay as listed, with ``known=False``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from kg.errors import InputError, decode_utf8
from kg.models import Affiliation, MergeDecision, affiliation_id


def normalise_slug(slug: str) -> str:
    """Slugs compare case- and space-insensitively ("Meta-AI " -> "meta-ai")."""
    return "-".join(slug.strip().casefold().replace("_", "-").split())


def parse_org_table(text: str, *, source: str = "<orgs>") -> dict[str, str]:
    """Parse ``slug<TAB>name`` lines (``#`` comments, a ``slug name`` header) into slug -> name."""
    table: dict[str, str] = {}
    for lineno, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        cells = [c.strip() for c in raw.split("\t")]
        if cells[0].casefold() == "slug":
            continue
        if len(cells) < 2 or not cells[0] or not cells[1]:
            raise InputError("expected slug<TAB>name", source=source, line=lineno)
        table.setdefault(normalise_slug(cells[0]), cells[1])
    return table


def load_org_table(path: str | os.PathLike[str] | None = None) -> dict[str, str]:
    """The shipped slug table, with the user's rows (``path``, else env ``KG_ORGS``) on top."""
    text = resources.files("kg.resolve").joinpath("data/orgs.tsv").read_text(encoding="utf-8")
    table = parse_org_table(text, source="orgs.tsv")
    path = path or os.environ.get("KG_ORGS")
    if path:
        try:
            raw = Path(path).read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read org table: {exc}", source=str(path)) from exc
        table.update(parse_org_table(decode_utf8(raw, source=str(path)), source=str(path)))
    return table


@dataclass
class AffiliationResolution:
    affiliations: dict[str, Affiliation] = field(default_factory=dict)
    merges: list[MergeDecision] = field(default_factory=list)
    #: slug as listed -> affiliation id
    lookup: dict[str, str] = field(default_factory=dict)


def resolve_affiliations(slugs: Iterable[str], table: dict[str, str] | None = None) -> AffiliationResolution:
    """Resolve org slugs to Affiliations.

    >>> r = resolve_affiliations(["meta-ai", "cmu", "acme-labs"])
    >>> [(a.name, a.known) for a in r.affiliations.values()]
    [('Meta AI', True), ('Carnegie Mellon University', True), ('acme-labs', False)]
    """
    table = table if table is not None else load_org_table()
    first_slug: dict[str, str] = {}
    for slug, name in table.items():
        first_slug.setdefault(name, slug)
    result = AffiliationResolution()
    for raw in slugs:
        slug = normalise_slug(raw)
        if not slug or raw in result.lookup:
            continue
        if slug in table:
            name = table[slug]
            id_slug = first_slug[name]
            aid = affiliation_id(id_slug)
            if aid not in result.affiliations:
                result.affiliations[aid] = Affiliation(id=aid, slug=id_slug, name=name, known=True)
            if slug != id_slug and not any(m.merged == slug for m in result.merges):
                result.merges.append(
                    MergeDecision(entity="affiliation", kept=id_slug, merged=slug, rule="curated-org-table", evidence=name)
                )
        else:
            aid = affiliation_id(slug)
            result.affiliations.setdefault(aid, Affiliation(id=aid, slug=slug, name=raw.strip(), known=False))
        result.lookup[raw] = aid
    return result
