"""Split a layout (a) line: the title glued to its byline, with no separator.

``On the Expressive Power of Geometric Graph Neural NetworksChaitanya K. Joshi, Cristian Bodnar,
Simon V. Mathis et al. · cambridge`` -> title, authors in order, ``et al.``, org slugs.

The split point is found from evidence, not from a list of answers: the org slugs follow the
last `` · ``; `` et al.`` ends the author list; the authors are a comma list of name-shaped
strings; the title ends where the first author begins, which is a glue point (a capital letter
right after a non-space character: ``NetworksChaitanya``, ``scale?Johann``, ``ModelsFAIR``).
Of the glue points whose remainder is a valid author list, a title already seen in another
listing wins; otherwise the earliest wins, because a glue point inside the first author's
name would leave a name-shaped tail only by cutting a name, which the token shapes forbid
(``ITaco Cohen`` is not a name; ``Taco Cohen`` is).
"""

from __future__ import annotations

import re
from collections.abc import Container
from dataclasses import dataclass, field

from kg.models import normalise_title

#: lowercase name particles ("Pim de Haan", "Ties van Rozendaal"); never first or last
PARTICLES = frozenset(
    "de del della der den di da das do dos du la le van von ter ten zu bin ibn al el y".split()
)
#: surname prefixes after which a name carries an inner capital ("McDonald", "LeCun", "O'Neil")
NAME_PREFIXES = frozenset(
    "Mc Mac O' D' O’ D’ De Di Da Du Le La Van Von Fitz St".split()
)
#: last word of a group author ("FAIR CodeGen team", "Gemini Team")
GROUP_WORDS = frozenset(
    "team group lab laboratory consortium collaboration project community committee".split()
)

#: longer than any real title plus byline; the search is quadratic, so hostile lines are refused
MAX_BYLINE_CHARS = 4000

_UP = r"[^\W\d_a-z]"  # an uppercase letter (any script), written so \w stays Unicode-aware
_INITIALS_RE = re.compile(rf"(?:{_UP}\.){{1,3}}|{_UP}\.-{_UP}\.")  # "K.", "J.R.", "J.-P."
_ASCII_GLUE_RE = re.compile(r"(?<=\S)[A-Z]")
_PLAIN_WORD_RE = re.compile(r"[A-Z][a-z]+")
_GROUP_TOKEN_RE = re.compile(r"[\w&+.\-]+")
_SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9._\-]*$")
_ET_AL_RE = re.compile(r",?\s+et\s+al\.?$")


@dataclass(frozen=True)
class Byline:
    """What one glued title+byline line says (internal to ingest; it becomes Paper fields)."""

    title: str
    authors: list[str] = field(default_factory=list)
    et_al: bool = False
    orgs: list[str] = field(default_factory=list)


def _is_upper(ch: str) -> bool:
    return ch.isalpha() and ch.isupper()


def _is_lower(ch: str) -> bool:
    return ch.isalpha() and ch.islower()


def _has_cut_acronym(token: str) -> bool:
    """``ITaco``/``IOpenAI``: an uppercase run of two or more running into lowercase letters,
    the shape a glue point inside an acronym leaves behind."""
    for i in range(len(token) - 2):
        if _is_upper(token[i]) and _is_upper(token[i + 1]) and _is_lower(token[i + 2]):
            return True
    return False


def _name_part_ok(part: str) -> bool:
    """One hyphen-free piece of a name token: ``Joshi``, ``Löwe``, ``O'Neil``, ``McDonald``, ``LeCun``."""
    if _PLAIN_WORD_RE.fullmatch(part):
        return True  # the common case, decided without the letter-by-letter checks below
    if not part or not _is_upper(part[0]):
        return False
    letters = part.replace("'", "").replace("’", "")
    if not letters.isalpha():
        return False
    # an inner capital belongs to a name only after a surname prefix (McDonald, LeCun,
    # O'Neil); after anything else it is a title word glued to a name ("WorldYann", "GenHugo")
    for i in range(1, len(part)):
        if _is_upper(part[i]) and part[:i] not in NAME_PREFIXES:
            return False
    return True


def is_name_token(token: str) -> bool:
    """A word of a person's name: a capitalised word (hyphenated parts too) or an initial."""
    if _INITIALS_RE.fullmatch(token):
        return True
    if token in ("Jr.", "Sr.", "II", "III", "IV"):
        return True
    return all(_name_part_ok(piece) for piece in token.split("-"))


def is_person_name(text: str) -> bool:
    """``Chaitanya K. Joshi``, ``Pim de Haan``, ``Jordi Armengol Estapé``: 2-6 name words."""
    tokens = text.split()
    if not 2 <= len(tokens) <= 6 or text != " ".join(tokens):
        return False
    if tokens[0] in PARTICLES or tokens[-1] in PARTICLES:
        return False
    if tokens[0] in ("Jr.", "Sr.", "II", "III", "IV"):
        return False
    return all(t in PARTICLES or is_name_token(t) for t in tokens)


def _is_group_token(token: str) -> bool:
    """A word of a group author: ``FAIR``, ``CodeGen``, ``DeepSeek-AI``, ``Qwen``, ``3D``."""
    if not _GROUP_TOKEN_RE.fullmatch(token):
        return False
    return (_is_upper(token[0]) or token[0].isdigit()) and not _has_cut_acronym(token)


def is_group_name(text: str) -> bool:
    """A group author: ``FAIR CodeGen team``, ``Qwen Team``, or one organisation-like word with an
    inner capital (``OpenAI``, ``DeepSeek-AI``)."""
    tokens = text.split()
    if not tokens or text != " ".join(tokens):
        return False
    if len(tokens) == 1:
        token = tokens[0]
        return (
            _is_group_token(token)
            and _is_upper(token[0])
            and any(_is_upper(ch) for ch in token[1:])
        )
    if tokens[-1].casefold() not in GROUP_WORDS or len(tokens) > 6:
        return False
    return all(_is_group_token(t) for t in tokens[:-1])


def is_author(text: str) -> bool:
    return is_person_name(text) or is_group_name(text)


def split_orgs(line: str) -> tuple[str, list[str]]:
    """Take the org slugs after the last `` · `` (``baidu, cmu``) off the end of the line."""
    head, sep, tail = line.rpartition(" · ")
    if not sep:
        return line, []
    slugs = [s.strip() for s in tail.split(",")]
    if not slugs or not all(_SLUG_RE.match(s) for s in slugs):
        return line, []
    return head, slugs


def _glue_points(text: str) -> list[int]:
    """Positions where an author list could start: a capital right after a non-space."""
    if text.isascii():
        return [m.start() for m in _ASCII_GLUE_RE.finditer(text)]
    return [i for i, ch in enumerate(text) if i and ch.isupper() and not text[i - 1].isspace()]


def _authors_if_valid(rest: str) -> list[str] | None:
    names = [n.strip() for n in rest.split(",")]
    if all(names) and all(is_author(n) for n in names):
        return names
    return None


def split_byline(line: str, *, known_titles: Container[str] = frozenset()) -> Byline | None:
    """Split a glued ``<title><authors>[ et al.][ · orgs]`` line; None when no split is credible.

    ``known_titles`` holds normalised titles (kg.models.normalise_title) seen in other
    listings: evidence that breaks a tie between credible split points.

    >>> split_byline("Natural Graph NetworksPim de Haan, Taco Cohen, Max Welling").title
    'Natural Graph Networks'
    """
    if len(line) > MAX_BYLINE_CHARS:
        return None
    body, orgs = split_orgs(line.strip())
    et_al = False
    match = _ET_AL_RE.search(body)
    if match:
        body, et_al = body[: match.start()], True
    candidates: list[tuple[str, list[str]]] = []
    for point in _glue_points(body):
        title = body[:point].rstrip()
        if not title:
            continue
        authors = _authors_if_valid(body[point:])
        if authors is not None:
            candidates.append((title, authors))
    if not candidates:
        return None
    chosen = candidates[0]
    if len(candidates) > 1 and known_titles:
        chosen = next((c for c in candidates if normalise_title(c[0]) in known_titles), chosen)
    return Byline(title=chosen[0], authors=chosen[1], et_al=et_al, orgs=orgs)
