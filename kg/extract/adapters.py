"""ADAPTER (temporary): calls into the rules engineer's modules, with fallbacks until they land.

``kg.extract.abbreviations.find_abbreviations`` and ``kg.extract.relations.extract_relations``
belong to another engineer. This module is the one place that imports them; when a module is
missing, a minimal Schwartz-Hearst detector stands in so the pipeline keeps working.
"""

from __future__ import annotations

import re
from typing import NamedTuple


class AbbrevPair(NamedTuple):
    """A "long form (SHORT)" definition as character offsets in the text."""

    long_start: int
    long_end: int
    short_start: int
    short_end: int


_PAREN = re.compile(r"\(([^()]{1,20})\)")


def _initials_match(long_form: str, short: str) -> int | None:
    """Schwartz-Hearst: index in long_form where a long form covering ``short`` starts, or None."""
    s = len(short) - 1
    l_i = len(long_form) - 1
    while s >= 0:
        c = short[s].lower()
        if not c.isalnum():
            s -= 1
            continue
        while l_i >= 0 and (
            long_form[l_i].lower() != c or (s == 0 and l_i > 0 and long_form[l_i - 1].isalnum())
        ):
            l_i -= 1
        if l_i < 0:
            return None
        l_i -= 1
        s -= 1
    start = long_form.rfind(" ", 0, l_i + 1) + 1
    return start


def fallback_find_abbreviations(text: str) -> list[AbbrevPair]:
    """Minimal "long form (SHORT)" finder used only while kg.extract.abbreviations is absent."""
    pairs = []
    for m in _PAREN.finditer(text):
        short = m.group(1).strip()
        short = short.split(",")[0].split(";")[0].strip()
        if not (2 <= len(short) <= 12) or not any(ch.isupper() for ch in short) or " " in short:
            continue
        before = text[: m.start()].rstrip()
        n_words = min(len(short) + 5, len(short) * 2)
        words = list(re.finditer(r"\S+", before))
        if not words:
            continue
        window_start = words[max(0, len(words) - n_words)].start()
        window = before[window_start:]
        # the long form stays inside the clause: never cross sentence punctuation or another parenthesis
        cut = max(window.rfind(". "), window.rfind("; "), window.rfind(": "), window.rfind(")"), window.rfind("("))
        if cut >= 0:
            window_start += cut + 2
            window = before[window_start:]
        idx = _initials_match(window, short)
        if idx is None:
            continue
        long_start = window_start + idx
        long_end = len(before)
        long_text = text[long_start:long_end]
        if len(long_text) <= len(short) or long_text.lower() == short.lower():
            continue
        s_start = m.start(1) + m.group(1).index(short)
        pairs.append(AbbrevPair(long_start, long_end, s_start, s_start + len(short)))
    return pairs


def find_abbreviation_pairs(text: str) -> list[AbbrevPair]:
    """Abbreviation definitions in ``text``: the rules engineer's detector when present."""
    try:
        from kg.extract.abbreviations import find_abbreviations  # type: ignore[attr-defined]
    except ImportError:
        return fallback_find_abbreviations(text)
    return [_to_pair(text, item) for item in find_abbreviations(text)]


def _to_pair(text: str, item) -> AbbrevPair:
    # tolerate the likely shapes of the rules engineer's record until the interface is fixed
    for names in (("long_start", "long_end", "short_start", "short_end"),):
        if all(hasattr(item, n) for n in names):
            return AbbrevPair(*(getattr(item, n) for n in names))
    long_text, short_text = (item.long, item.short) if hasattr(item, "long") else (item[0], item[1])
    s = text.find("(" + short_text)
    s = s + 1 if s >= 0 else text.find(short_text)
    l_end = text.rfind(long_text, 0, max(s, 0))
    return AbbrevPair(l_end, l_end + len(long_text), s, s + len(short_text))


# --------------------------------------------------------------------------- relations

_PROPOSE = re.compile(
    r"\b(?:we|this paper|this work|here we)\s+(?:\w+\s+){0,2}?(?:propose|introduce|present|release|develop|design|build|construct|curate)[sd]?\b",
    re.I,
)
_RESULT = re.compile(r"(\d+(?:\.\d+)?\s?%?)\s+(?:\w+\s+){0,3}?on\s+", re.I)


def fallback_relations(paper, text, mentions, acronyms, evidence):
    """Minimal proposes/results rules used only while kg.extract.relations is absent."""
    from kg.models import Proposal, ResultRecord

    proposes: list = []
    seen: set[str] = set()
    named = [m for m in mentions if m.type in ("METHOD", "DATASET", "BENCHMARK")]
    title_end = text.find("\n") if "\n" in text else len(text)
    colon = text.find(":", 0, title_end)
    if colon > 0:
        for m in named:
            if m.start == 0 and m.end == colon:
                proposes.append(Proposal(name=m.text, type=m.type, evidence=evidence(m.start, m.end, 0.8)))
                seen.add(m.text.lower())
    for v in _PROPOSE.finditer(text):
        for m in named:
            if v.end() <= m.start <= v.end() + 60:
                if m.text.lower() not in seen:
                    proposes.append(Proposal(name=m.text, type=m.type, evidence=evidence(m.start, m.end, 0.7)))
                    seen.add(m.text.lower())
                break
    results = []
    for m in mentions:
        if m.type != "BENCHMARK":
            continue
        head = text[max(0, m.start - 40) : m.start]
        r = re.search(r"(\d+(?:\.\d+)?%?)\s+(?:\w+\s+){0,3}?on\s+$", head)
        if r:
            metric = None
            for x in mentions:
                if x.type == "METRIC" and m.start - 120 <= x.start < m.start:
                    metric = x.text
            results.append(ResultRecord(benchmark=m.text, metric=metric, value=r.group(1), evidence=evidence(m.start, m.end, 0.6)))
    return proposes, [], results


def extract_paper_relations(paper, text, mentions, acronyms, evidence):
    """Proposes, derived-from and results: the rules engineer's extractor when present."""
    try:
        from kg.extract.relations import extract_relations  # type: ignore[attr-defined]
    except ImportError:
        return fallback_relations(paper, text, mentions, acronyms, evidence)
    return _call_relations(extract_relations, paper, text, mentions, acronyms, evidence)


def _call_relations(fn, paper, text, mentions, acronyms, evidence):
    from kg.extract.pipeline import sentence_starts

    starts = sentence_starts(text)
    sentences = [(s, e) for s, e in zip(starts, starts[1:] + [len(text)])]
    return fn(paper.id, text, sentences, mentions, acronyms)
