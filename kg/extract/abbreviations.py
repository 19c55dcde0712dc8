"""Abbreviation definitions: "long form (SHORT)" and its variants, as character offsets.

The algorithm (:func:`find_abbreviations`) is a plain function in the spirit of Schwartz & Hearst
(2003): a parenthesis holding something shaped like a short form, and a long form before it whose
characters cover the short form's letters right to left, the first letter at a word start. On top
of that, the conventions of ANNOTATION.md:

- plurals and mixed forms: "Graph Neural Networks (GNNs)", "Asymmetric GRAE (A-GRAE)", "LRMs";
- "(AGRO, for Any-Generation Reward Optimization)": the long form follows the short form;
- "CWM (Code World Model)": the reversed order, when the parenthesis spells the word before it;
- the shortest long form: "Weisfeiler-Leman (WL) graph isomorphism test" gives "Weisfeiler-Leman",
  and generic heads the short form does not spell are dropped ("... shaping method (LASER)");
- a leading "3D-" of the short form may sit anywhere in the long form
  ("Subequivariant Graph RL in 3D environments (3D-SGRL)").

:func:`acronym_pairs` turns the definitions into typed ``AcronymPair`` records, and the spaCy
component ``kg_abbreviations_v1`` is a thin shell that stores the definitions on the Doc.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from spacy.language import Language
from spacy.tokens import Doc

from kg.models import AcronymPair, Evidence, Mention, Record

EXTRACTOR = "kg.abbreviations"
VERSION = "1"

#: heads a long form may end with that are not part of the name unless the short form spells them
GENERIC_HEADS = frozenset(
    "method methods approach approaches framework frameworks algorithm algorithms technique techniques "
    "scheme schemes strategy strategies paradigm paradigms scenario scenarios setting settings".split()
)

#: function words that neither start a long form nor need an initial in the short form
STOPWORDS = frozenset("a an the of for and or with via in on to by from at as into using".split())

# where a long form may not reach back across: sentence and clause punctuation, brackets, newlines
_CLAUSE_BREAK = re.compile(r"[.!?;:](?=\s)|[()\[\]\n]|,(?=\s)")
# markup and quotes that may wrap a long form: "{\em replica symmetry breaking} (RSB)", "Avatars~(DELTA)"
_WRAPPERS = "{}~\"'\u201c\u201d\u2018\u2019`"
_WORD = re.compile(r"\S+")
# the last clause break before a position in one match: a greedy prefix backtracks from the end (C speed)
# where iterating every break of the 400-character window cost more than the rest of the rule
_LAST_CLAUSE_BREAK = re.compile(r"(?s:.*)(?:" + _CLAUSE_BREAK.pattern + ")")


class Abbreviation(Record):
    """One definition: ``text[long_start:long_end]`` is abbreviated ``text[short_start:short_end]``."""

    long: str
    short: str
    long_start: int
    long_end: int
    short_start: int
    short_end: int
    #: True for "SHORT (long form)"
    reversed: bool = False


# --------------------------------------------------------------------------- the algorithm


def is_short_form(candidate: str) -> bool:
    """Shaped like an acronym: one token, 2-12 characters, two capitals or a capital and a digit."""
    if not (2 <= len(candidate) <= 12) or any(ch.isspace() for ch in candidate):
        return False
    if not candidate[0].isalnum() or not any(ch.isalpha() for ch in candidate):
        return False
    upper = sum(ch.isupper() for ch in candidate)
    digits = sum(ch.isdigit() for ch in candidate)
    return upper >= 2 or (upper >= 1 and digits >= 1)


def match_long_form(candidate: str, short: str) -> int | None:
    """Offset in ``candidate`` where the shortest long form ending at its end starts, or None.

    The short form's letters and digits are found right to left in the candidate, each at or
    before the previous one; the first must begin a word (after a non-alphanumeric character).
    The long form then starts at the beginning of the whitespace-delimited token holding it.
    """
    chars = [ch.casefold() for ch in short if ch.isalnum()]
    if not chars:
        return None
    pos = len(candidate) - 1
    for index in range(len(chars) - 1, -1, -1):
        wanted = chars[index]
        while pos >= 0:
            at_word_start = pos == 0 or not candidate[pos - 1].isalnum()
            if candidate[pos].casefold() == wanted and (index > 0 or at_word_start):
                break
            pos -= 1
        if pos < 0:
            return None
        if index > 0:
            pos -= 1
    return candidate.rfind(" ", 0, pos) + 1


def _trim_generic_heads(long_form: str, short: str) -> str:
    """Drop trailing generic heads ("method") that the short form does not spell."""
    words = long_form.split()
    while len(words) > 1 and words[-1].casefold() in GENERIC_HEADS:
        # only heads the short form does not need: the rest must still spell it
        trimmed = " ".join(words[:-1])
        if match_long_form(trimmed, short) is None:
            break
        words = words[:-1]
    return " ".join(words)


def _long_form_before(text: str, paren: int, short: str) -> tuple[int, int] | None:
    """Offsets of the long form that ends just before the parenthesis at ``paren``."""
    end = paren
    while end > 0 and (text[end - 1].isspace() or text[end - 1] in _WRAPPERS):
        end -= 1
    if end == 0:
        return None
    last_break = _LAST_CLAUSE_BREAK.match(text, max(0, end - 400), end)
    clause_start = last_break.end() if last_break is not None else 0
    n_chars = sum(ch.isalnum() for ch in short)
    max_words = min(n_chars + 5, n_chars * 2)
    words = list(_WORD.finditer(text, clause_start, end))
    if not words:
        return None
    window_start = words[max(0, len(words) - max_words)].start()
    window = text[window_start:end]
    offset = _best_start(window, short)
    if offset is None:
        return None
    while offset < len(window) and window[offset] in _WRAPPERS + "\\":
        offset += 1
    if window[offset:].startswith("em "):  # LaTeX "{\em ...}"
        offset += 3
    offset = _extend_title_case(window, offset)
    long_form = _trim_generic_heads(window[offset:], short)
    start = window_start + offset
    return start, start + len(long_form)


def _is_title_word(word: str) -> bool:
    """A capitalised word with lowercase letters ("Large-scale", "CelebFaces"), not an acronym or a function word."""
    return word[:1].isupper() and any(ch.islower() for ch in word) and word.casefold() not in STOPWORDS


def _extend_title_case(window: str, offset: int) -> int:
    """Reach back over capitalised words of the same name: "the Large-scale CelebFaces Attributes (CelebA)".

    Only when the long form is capitalised and the run of capitalised words before it follows an
    article, so a sentence-initial word ("Using Graph ...") never joins the name.
    """
    if not _is_title_word(window[offset:].split(" ", 1)[0]):
        return offset
    words = list(_NON_SPACE.finditer(window[:offset]))
    run = len(words)
    while run > 0 and _is_title_word(words[run - 1].group(0)):
        run -= 1
    if run == len(words) or run == 0 or words[run - 1].group(0).casefold() not in {"the", "a", "an"}:
        return offset
    return words[run].start()


def _letters(short: str) -> str:
    """The short form's letters and digits, casefolded, without a plural "s"."""
    chars = "".join(ch.casefold() for ch in short if ch.isalnum())
    return chars[:-1] if short.endswith("s") and len(chars) > 2 else chars


def _content_initials(long_form: str) -> str:
    """Initials of the words and hyphenated parts, function words skipped ("in-context" gives "ic")."""
    initials = []
    for word in long_form.split():
        if word.casefold() in STOPWORDS:
            continue
        initials.extend(part[0].casefold() for part in _WORD_PARTS.split(word) if part and part[0].isalnum())
    return "".join(initials)


def _best_start(window: str, short: str) -> int | None:
    """Start of the long form in ``window``: the shortest match, unless a longer one is spelled by its initials."""
    offset = match_long_form(window, short)
    if offset is None and "-" in short:
        # "3D-SGRL": the prefix may appear anywhere in the long form
        prefix, rest = short.split("-", 1)
        offset = match_long_form(window, rest)
        if offset is not None and prefix.casefold() not in window[offset:].casefold():
            offset = None
    if offset is None and _NUMBER_SUFFIX.search(short):
        # "Caltech-UCSD Birds (CUB-200-2011)": a numeric version or year suffix is not spelled
        stem = _NUMBER_SUFFIXES.sub("", short)
        offset = match_long_form(window, stem) if stem != short and is_short_form(stem + "0") else None
        if offset is not None and _content_initials(window[offset:]) != _letters(stem):
            offset = None
    if offset is None and _DIGIT_FOR_WORD.search(short):
        # "text-to-image (T2I)": a digit standing for "to" / "for"
        offset = match_long_form(window, short.replace("2", "t").replace("4", "f"))
    if offset is None:
        return None
    wanted = _letters(short)
    if _content_initials(window[offset:]) == wanted:
        return offset
    # "Proximal policy optimization (PPO)", "Abstraction and Reasoning Corpus (ARC)": the shortest
    # match stops at a word that merely contains the first letter; prefer the exact initialism
    for m in reversed(list(_WORD_AFTER_SPACE.finditer(window[:offset]))):
        if m.group(0).casefold() in STOPWORDS:
            continue
        if _content_initials(window[m.start():]) == wanted and window[m.start()].casefold() == wanted[0]:
            return m.start()
    return offset


def _valid(long_form: str, short: str) -> bool:
    if len(long_form) <= len(short) or long_form.casefold() == short.casefold():
        return False
    # a long form is words, not another acronym or a number
    return any(ch.islower() for ch in long_form) or " " in long_form


def _closing(text: str, open_at: int) -> int | None:
    """Index of the parenthesis closing the one at ``open_at`` (nesting allowed), or None."""
    depth = 0
    for index in range(open_at, min(len(text), open_at + 300)):
        if text[index] == "(":
            depth += 1
        elif text[index] == ")":
            depth -= 1
            if depth == 0:
                return index
        elif text[index] == "\n":
            return None
    return None


#: patterns compiled once (module-level re calls cost a cache lookup each, per parenthesis and per word)
_NON_SPACE = re.compile(r"\S+")
_WORD_PARTS = re.compile(r"[-/]+")
_NUMBER_SUFFIX = re.compile(r"[a-zA-Z]-\d")
_NUMBER_SUFFIXES = re.compile(r"(?:-\d+)+$")
_DIGIT_FOR_WORD = re.compile(r"[a-zA-Z][24][a-zA-Z]")
_WORD_AFTER_SPACE = re.compile(r"(?:^|(?<=\s))\S+")
_OPEN_PAREN = re.compile(r"\(")
_CLAUSE_SPLIT = re.compile(r"[,;]\s*")
_SHORT_FOR = re.compile(r"(?:for|or|i\.e\.,?|aka|short for)\s+(.+?)[\s.]*$")
_COLON_DEFINITION = re.compile(r"(?:^|(?<=[\s(]))([^\s:()]+): +([^\n.;:,()]+)")
_NOT_IN_NAME = ":()"  # with white space: what _COLON_DEFINITION's name may not hold
#: what a kept dash definition needs: a dash with white space on both sides, then a short form that is not
#: lowercase (the pattern's scan from every capital cost 0.1 ms on each abstract with a spaced dash, one in nine)
_DASH_SPACE = re.compile(r"[-\u2013\u2014](?<=\s.)\s+[^\s,.;:()a-z]")
_DASH_DEFINITION = re.compile(r"((?:[A-Z][\w-]*\s+){1,7}?)[-\u2013\u2014]\s+([^\s,.;:()]+)")
_WORD_BEFORE = re.compile(r"(\S+)\s+$")
_NOT_A_LONG_FORM = re.compile(r"(?:e\.g|i\.e|cf|see|resp)\b", re.I)


def find_abbreviations(text: str) -> list[Abbreviation]:
    """Every abbreviation definition in ``text``, in order of appearance."""
    found: list[Abbreviation] = []
    for open_m in _OPEN_PAREN.finditer(text):
        open_at = open_m.start()
        close_at = _closing(text, open_at)
        if close_at is None:
            continue
        inner_start = open_at + 1
        while inner_start < close_at and text[inner_start].isspace():
            inner_start += 1
        inner = text[inner_start:close_at]
        head = _CLAUSE_SPLIT.split(inner, maxsplit=1)
        first = head[0].rstrip()
        if is_short_form(first):
            short_start, short_end = inner_start, inner_start + len(first)
            rest = head[1] if len(head) > 1 else ""
            after = _SHORT_FOR.match(rest)
            if after:
                long_start = inner_start + len(inner) - len(rest) + after.start(1)
                long_form = after.group(1)
                if match_long_form(long_form, first) == 0 and _valid(long_form, first):
                    found.append(
                        Abbreviation(long=long_form, short=first, long_start=long_start,
                                     long_end=long_start + len(long_form), short_start=short_start, short_end=short_end)
                    )
                    continue
            span = _long_form_before(text, open_at, first)
            if span is not None and _valid(text[span[0]:span[1]], first):
                found.append(
                    Abbreviation(long=text[span[0]:span[1]], short=first, long_start=span[0], long_end=span[1],
                                 short_start=short_start, short_end=short_end)
                )
            continue
        reverse = _reversed_definition(text, open_at, inner_start, head[0].rstrip())
        if reverse is not None:
            found.append(reverse)
    found.extend(_colon_definitions(text))
    found.extend(_dash_definitions(text))
    found.sort(key=lambda a: min(a.short_start, a.long_start))
    return found


def _colon_definitions(text: str) -> list[Abbreviation]:
    """"GRAPE: Generalizing Robot Policy via Preference Alignment": a name spelled by what follows the colon.

    Strict, since most "Name: subtitle" titles are not definitions: the words after the colon must
    begin with the short form's first letter, spell it, be no more words than it has letters, end
    with a word holding its last letter (and before a function word, if not at the clause end),
    and all but at most one have initials found in it.
    """
    found = []
    # every match ends its name at a ": " and its name holds no space: the scan starts at the word before the first
    first = text.find(": ")
    if first < 0:
        return found
    for m in _colon_matches(text, first):
        short = m.group(1)
        if not is_short_form(short):
            continue
        letters = _letters(short)
        words = list(_WORD.finditer(m.group(2)))
        for n in range(min(len(words), len(letters) + 3), 1, -1):
            long_form = m.group(2)[: words[n - 1].end()]
            content = [w for w in long_form.split() if w.casefold() not in STOPWORDS]
            if len(content) > len(letters) or long_form.split()[-1].casefold() in STOPWORDS:
                continue
            # a prefix of the subtitle only when a function word follows: "Risk-Aware Prediction for ..."
            if n < len(words) and words[n].group(0).casefold() not in STOPWORDS:
                continue
            if long_form[0].casefold() != letters[0] or letters[-1] not in content[-1].casefold():
                continue
            misses = sum(ch not in letters for ch in _content_initials(long_form))
            if misses > 1 or match_long_form(long_form, short) != 0:
                continue
            long_start = m.start(2)
            found.append(Abbreviation(long=long_form, short=short, long_start=long_start,
                                      long_end=long_start + len(long_form), short_start=m.start(1),
                                      short_end=m.end(1)))
            break
    return found


def _colon_matches(text: str, first: int):
    """``_COLON_DEFINITION.finditer`` over the text from the word holding its first ": " (at ``first``).

    Each match's name is the run of non-space characters right before a ": ", so the pattern is tried only
    where such a run starts, one ": " after another: the scan of every word after the first colon cost more
    than the rule (most abstracts have a colon in the title and none after it).
    """
    last_end = 0
    at = first
    while at >= 0:
        start = at
        while start > 0 and text[start - 1] not in _NOT_IN_NAME and not text[start - 1].isspace():
            start -= 1
        # the name starts the text or follows white space or "(", and a match resumes after the previous one
        if start < at and start >= last_end and (start == 0 or text[start - 1] == "(" or text[start - 1].isspace()):
            m = _COLON_DEFINITION.match(text, start)
            if m is not None:
                yield m
                last_end = m.end()
        at = text.find(": ", max(at + 1, last_end))


def _dash_definitions(text: str) -> list[Abbreviation]:
    """"a novel Differentiable Semantic Rendering - DSR loss": capitalised words, a spaced dash, their initialism.

    Strict, since dashes also join clauses: every long-form word is capitalised and their initials
    (hyphenated parts included) are exactly the short form's letters.
    """
    found = []
    if not _DASH_SPACE.search(text):
        return found  # one cheap scan skips nearly every abstract: no match there would be kept
    for m in _DASH_DEFINITION.finditer(text):
        short = m.group(2)
        if not is_short_form(short) or not short.isupper():
            continue
        words = m.group(1).split()
        letters = _letters(short)
        for n in range(len(words), 1, -1):
            long_form = " ".join(words[-n:])
            if _content_initials(long_form) == letters and all(_is_title_word(w) for w in words[-n:]):
                long_start = text.rindex(long_form, m.start(1), m.end(1))
                found.append(Abbreviation(long=long_form, short=short, long_start=long_start,
                                          long_end=long_start + len(long_form), short_start=m.start(2),
                                          short_end=m.end(2)))
                break
    return found


def _reversed_definition(text: str, open_at: int, inner_start: int, inner: str) -> Abbreviation | None:
    """"SHORT (long form)": the word before the parenthesis is spelled by the parenthesis."""
    before = _WORD_BEFORE.search(text[max(0, open_at - 40):open_at])
    if before is None or len(inner.split()) < 2:
        return None
    short = before.group(1)
    if not is_short_form(short):
        return None
    stripped = inner.strip(_WRAPPERS)
    inner_start += inner.index(stripped)
    inner = stripped
    if _NOT_A_LONG_FORM.match(inner) or inner[:1].casefold() != short[0].casefold():
        return None
    if match_long_form(inner, short) != 0 or not _valid(inner, short):
        return None
    short_start = open_at - len(before.group(0))
    return Abbreviation(long=inner, short=short, long_start=inner_start, long_end=inner_start + len(inner),
                        short_start=short_start, short_end=short_start + len(short), reversed=True)


# --------------------------------------------------------------------------- records


def acronym_pairs(
    paper_id: str,
    text: str,
    abbreviations: Iterable[Abbreviation],
    mentions: Iterable[Mention] = (),
    sentences: Iterable[tuple[int, int]] = (),
    *,
    extractor: str = EXTRACTOR,
    version: str = VERSION,
) -> list[AcronymPair]:
    """Typed, deduplicated ``AcronymPair`` records with evidence.

    The type is that of a mention spanning the long form (else the short form), so the pair's
    two members share one type; None when no mention covers either.
    """
    mentions = list(mentions)
    sentences = sorted(sentences)
    pairs: list[AcronymPair] = []
    seen: set[tuple[str, str]] = set()
    for abbr in abbreviations:
        key = (abbr.long.casefold(), abbr.short.casefold())
        if key in seen:
            continue
        seen.add(key)
        kind = _type_of(mentions, abbr.long_start, abbr.long_end) or _type_of(mentions, abbr.short_start, abbr.short_end)
        start, end = min(abbr.long_start, abbr.short_start), max(abbr.long_end, abbr.short_end) + (0 if abbr.reversed else 1)
        end = min(end, len(text))
        s_start, s_end = next(((a, b) for a, b in sentences if a <= start < b), (start, end))
        evidence = Evidence(paper_id=paper_id, sentence=text[s_start:s_end], start=start, end=end,
                            extractor=extractor, version=version, confidence=0.95)
        pairs.append(AcronymPair(long=abbr.long, short=abbr.short, type=kind, evidence=evidence))
    return pairs


def _type_of(mentions: list[Mention], start: int, end: int) -> str | None:
    for mention in mentions:
        if mention.start == start and mention.end == end:
            return mention.type
    return None


# --------------------------------------------------------------------------- spaCy shell

if not Doc.has_extension("kg_abbreviations"):
    Doc.set_extension("kg_abbreviations", default=None)


@Language.factory("kg_abbreviations_v1", default_config={})
def make_abbreviation_detector(nlp: Language, name: str) -> "AbbreviationDetector":
    return AbbreviationDetector(name)


class AbbreviationDetector:
    """Stores :func:`find_abbreviations` of the text in ``doc._.kg_abbreviations``."""

    version = VERSION

    def __init__(self, name: str = "kg_abbreviations_v1"):
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        doc._.kg_abbreviations = find_abbreviations(doc.text)
        return doc
