"""What the contextual rules make of a text when the tagger's output is set by hand (the rules tests share it)."""

from __future__ import annotations

from kg.extract.concepts import Candidate, combine_candidates
from kg.extract.pipeline import sentence_starts
from kg.extract.shapes import name_shapes


def combined(text: str, tagged: list[tuple[str, str]], pairs=(), known: dict[str, str] | None = None,
             shapes: bool = False) -> set[tuple[str, str]]:
    """(surface, kind) of the mentions when the tagger found ``tagged`` (surface, kind) in ``text`` and the
    gazetteer knows the types ``known``; ``shapes`` adds the name-shaped words as the pipeline does."""
    cands = []
    for surface, kind in tagged:
        at = text.index(surface)
        cands.append(Candidate(at, at + len(surface), kind, "ner", 1, 0.8))
    if shapes:
        cands += [Candidate(s, e, None, "shape", 0, 0.5) for s, e in name_shapes(text)]
    return {(text[c.start : c.end], c.type)
            for c in combine_candidates(text, cands, list(pairs), sentence_starts(text), known_types=known)}


def of_kind(kind: str, text: str, tagged: list[tuple[str, str]] = (), known: dict[str, str] | None = None
            ) -> set[str]:
    """The surfaces ``combined`` types ``kind``."""
    return {s for s, k in combined(text, list(tagged), known=known) if k == kind}
