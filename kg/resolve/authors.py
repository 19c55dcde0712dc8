"""Author resolution: normalised names, a conservative same-person test, group authors kept as groups.

Two spellings that differ only in Unicode form, diacritics, case, spacing, dots or hyphens
("Francesco Viganò" / "Francesco Vigano", "C.K. Joshi" / "C. K. Joshi") are one person
(rule ``normalised-name``). Names that are merely compatible ("David W. Zhang" / "David Zhang",
"C. K. Joshi" / "Chaitanya K. Joshi") are one person only with supporting evidence: a shared
co-author (rule ``compatible-name+shared-coauthor``), and only when the shorter name is
compatible with exactly one fuller name. Group authors ("FAIR CodeGen team") never merge with people.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from kg.models import Author, MergeDecision, author_id
from kg.resolve.names import fold, name_key

_GROUP_WORDS = re.compile(
    r"\b(team|group|consortium|collaboration|project|lab|labs|laboratory|initiative|contributors|"
    r"committee|community|organi[sz]ation|institute|university|inc|ltd|corp|research|authors|et al)\b",
    re.IGNORECASE,
)
_INITIALS_GLUED = re.compile(r"\b([A-Z])\.(?=[A-Z])")


def clean_name(name: str) -> str:
    """Display form of a name: Unicode folded to NFKC (accents kept), spacing and initials tidied.

    >>> clean_name("C.K.  Joshi")
    'C. K. Joshi'
    """
    import unicodedata

    text = unicodedata.normalize("NFKC", name)
    text = " ".join(text.split()).strip(" ,;")
    text = _INITIALS_GLUED.sub(r"\1. ", text)
    return " ".join(text.split())


def is_group_name(name: str) -> bool:
    """True for group authors ("FAIR CodeGen team", "The BigScience Workshop consortium").

    >>> is_group_name("FAIR CodeGen team"), is_group_name("Jade Copet")
    (True, False)
    """
    return bool(_GROUP_WORDS.search(fold(name)))


_PARTICLES = frozenset({"de", "van", "von", "der", "den", "da", "di", "del", "le", "la", "du"})


@lru_cache(maxsize=1 << 17)  # the surname grouping asks about each name many times
def _parts(name: str) -> tuple[tuple[str, ...], str]:
    """Given names and surname of a person's name key ("david w zhang" -> (("david", "w"), "zhang"))."""
    tokens = name_key(name).split()
    i = len(tokens) - 1
    while i > 1 and tokens[i - 1] in _PARTICLES:
        i -= 1
    return tuple(tokens[:i]), " ".join(tokens[i:])


def names_compatible(a: str, b: str) -> bool:
    """Whether two person names could be one person: same surname, same first given name (or its
    initial), and middle names that agree where both have them.

    >>> names_compatible("David W. Zhang", "David Zhang"), names_compatible("David W. Zhang", "David K. Zhang")
    (True, False)
    """
    ga, sa = _parts(a)
    gb, sb = _parts(b)
    if sa != sb or not ga or not gb:
        return False

    def same(x: str, y: str) -> bool:
        return x == y or (len(x) == 1 and y.startswith(x)) or (len(y) == 1 and x.startswith(y))

    if not same(ga[0], gb[0]):
        return False
    for x, y in zip(ga[1:], gb[1:]):
        if not same(x, y):
            return False
    return True


@lru_cache(maxsize=1 << 17)
def _fullness(name: str) -> tuple[int, int, str]:
    given, _ = _parts(name)
    return (sum(len(g) > 1 for g in given), len(given), name)


@dataclass
class AuthorResolution:
    authors: dict[str, Author] = field(default_factory=dict)
    merges: list[MergeDecision] = field(default_factory=list)
    #: name as listed -> author id
    lookup: dict[str, str] = field(default_factory=dict)

    def author_of(self, name: str) -> str:
        return self.lookup[name]


def resolve_authors(bylines: Iterable[Sequence[str]]) -> AuthorResolution:
    """Resolve the author names of many bylines (one list of names per paper) to authors.

    >>> r = resolve_authors([["David W. Zhang", "Taco Cohen"], ["David Zhang", "Taco Cohen"], ["David Zhang", "Ann Lee"]])
    >>> r.author_of("David W. Zhang") == r.author_of("David Zhang")
    True
    """
    # one pass over the bylines, keeping only per-name statistics: callers may stream a corpus
    # 1. exact keys
    forms: dict[str, Counter[str]] = defaultdict(Counter)
    coauthors: dict[str, set[str]] = defaultdict(set)
    #: each distinct spelling as listed -> its cleaned form
    raw_names: dict[str, str] = {}
    for listed in bylines:
        byline = []
        for n in listed:
            if n and n.strip():
                if n not in raw_names:
                    raw_names[n] = clean_name(n)
                byline.append(raw_names[n])
        for name in byline:
            forms[name_key(name)][name] += 1
        keys = {name_key(n) for n in byline}
        for k in keys:
            coauthors[k] |= keys - {k}
    groups = {k for k, f in forms.items() if is_group_name(next(iter(f)))}

    # 2. compatible names with a shared co-author: merge the shorter form into the fuller one
    parent: dict[str, str] = {k: k for k in forms}
    evidence: dict[str, str] = {}
    by_surname: dict[str, list[str]] = defaultdict(list)
    for k in forms:
        if k not in groups:
            by_surname[_parts(k)[1]].append(k)
    for surname, keys in sorted(by_surname.items()):
        keys.sort(key=lambda k: _fullness(k), reverse=True)
        # compatible names share the first letter of their first given name: compare within it, not
        # with every name of a common surname (that grew with the square of its names)
        by_initial: dict[str, list[str]] = defaultdict(list)
        for k in keys:
            given = _parts(k)[0]
            if given:
                by_initial[given[0][0]].append(k)
        for short in sorted(keys, key=_fullness):
            given = _parts(short)[0]
            if not given:
                continue  # compatible with nothing
            candidates = by_initial[given[0][0]]
            fuller = [k for k in candidates if k != short and _fullness(k) > _fullness(short) and names_compatible(k, short)]
            # the fuller names must all be one person, else the short name is ambiguous
            if not fuller or any(not names_compatible(fuller[0], f) for f in fuller[1:]):
                continue
            target = fuller[0]
            if target in coauthors[short]:
                continue  # two names on one byline are two people
            shared = (coauthors[short] & coauthors[target]) - {short, target}
            if shared:
                parent[short] = target
                names = ", ".join(sorted(_top(forms[s]) for s in shared))
                evidence[short] = f"compatible names; shared co-author(s): {names}"

    def root(k: str) -> str:
        while parent[k] != k:
            k = parent[k]
        return k

    result = AuthorResolution()
    members: dict[str, list[str]] = defaultdict(list)
    for k in forms:
        members[root(k)].append(k)
    for r, keys in sorted(members.items()):
        surfaces: Counter[str] = Counter()
        for k in keys:
            surfaces.update(forms[k])
        name = max(forms[r], key=lambda s: (forms[r][s], sum(not c.isascii() for c in s), s))
        aid = author_id(name)
        result.authors[aid] = Author(
            id=aid, name=name, aliases=sorted(s for s in surfaces if s != name), is_group=r in groups
        )
        for s in surfaces:
            result.lookup[s] = aid
        for k in sorted(keys):
            for s in sorted(forms[k]):
                if s == name:
                    continue
                if k == r:
                    rule, ev = "normalised-name", f"key={k}"
                else:
                    rule, ev = "compatible-name+shared-coauthor", evidence[k]
                result.merges.append(MergeDecision(entity="author", kept=name, merged=s, rule=rule, evidence=ev))
    # raw spellings map too, so callers can look up the name as the listing gave it
    for n, cleaned in raw_names.items():
        result.lookup.setdefault(n, result.lookup[cleaned])
    return result


def _top(c: Counter[str]) -> str:
    return max(c, key=lambda s: (c[s], s))
