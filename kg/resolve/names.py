"""Normalisation of surface forms: the keys under which variants of one name meet.

Keys are never shown to users; they only decide what is "the same string". They fold
Unicode compatibility forms, diacritics, case, hyphen/space variants, British spellings and
plurals, and keep the characters that change meaning ("PFGM++", "pass@1", "C#").
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_HYPHENS = "\u2010\u2011\u2012\u2013\u2014\u2212\u00ad"
_KEEP = re.compile(r"[^0-9a-z+#@.*]")
#: words ending in "s" that are not plurals
_NOT_PLURAL = re.compile(r"(ss|us|is|ics|sis|ous|as|ys|ps|cs)$")
_ACRONYM_PLURAL = re.compile(r"^([A-Z][A-Za-z0-9\-]*[A-Z0-9])s$")
_ACRONYM = re.compile(r"^(?=.*[A-Z].*[A-Z0-9])[A-Za-z0-9][A-Za-z0-9\-+.&/]*$")
_IZE = re.compile(r"is(ation|ations|e|ed|es|ing)$")
#: distinct strings remembered by the memoised keys: a corpus repeats its surface forms and names
#: many times, and the bound keeps memory flat however large the corpus
_MEMO = 1 << 17


def fold(text: str) -> str:
    """NFKC, diacritics removed, unusual hyphens made ASCII, spaces collapsed."""
    if text.isascii():  # no decomposition, combining mark or unusual hyphen is ASCII
        return " ".join(text.split())
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = unicodedata.normalize("NFKC", text)
    for h in _HYPHENS:
        text = text.replace(h, "-")
    return " ".join(text.split())


def singular(word: str) -> str:
    """A conservative English singular of one lower-case word ("networks" -> "network")."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4 and word != "series":
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if word.endswith("s") and not _NOT_PLURAL.search(word):
        return word[:-1]
    return word


def is_acronym(text: str) -> bool:
    """True for acronym-like tokens: "GNN", "GNNs", "PFGM++", "LASER-D", "GPT-4", "A-GRAE"."""
    text = text.strip()
    return " " not in text and bool(_ACRONYM.match(text)) and sum(ch.isupper() for ch in text) >= 2


@lru_cache(maxsize=_MEMO)
def concept_key(text: str) -> str:
    """The variant-insensitive key of a concept surface form.

    >>> concept_key("Graph Neural Networks") == concept_key("graph-neural network")
    True
    >>> concept_key("GNNs") == concept_key("GNN")
    True
    >>> concept_key("PFGM++") == concept_key("PFGM")
    False
    """
    words = fold(text).replace("_", " ").replace("/", " ").split(" ")
    out = []
    for i, w in enumerate(words):
        m = _ACRONYM_PLURAL.match(w)
        if m and sum(ch.isupper() for ch in w) >= 2:
            w = m.group(1)
        w = w.casefold().strip(".,;:!?\"'()[]{}")
        w = _IZE.sub(r"iz\1", w) if len(w) > 6 else w
        # the head noun (last word) and the noun before "of" carry the plural
        if i == len(words) - 1 or (i + 1 < len(words) and words[i + 1].casefold() == "of"):
            w = "-".join(singular(part) for part in w.split("-"))
        out.append(w)
    return _KEEP.sub("", "".join(out).replace("-", ""))


def initials(text: str) -> str:
    """Initial letters of the content words of a long form ("graph neural network" -> "gnn")."""
    words = re.split(r"[\s\-]+", fold(text))
    stop = {"of", "for", "and", "the", "a", "an", "in", "on", "to", "with", "via", "by"}
    return "".join(w[0] for w in words if w and w.casefold() not in stop).casefold()


@lru_cache(maxsize=_MEMO)
def name_key(name: str) -> str:
    """Exact-match key of a person's name: folded, case-free, dots and hyphens as spaces."""
    text = fold(name).casefold().replace(".", " ").replace("-", " ")
    return " ".join(text.split())
