"""Contextual rules over concept mentions: proposes, derived-from, results, and BENCHMARK vs DATASET.

Everything here is a plain function of the document text (``kg.models.document_text``: title,
newline, abstract), its sentences as ``(start, end)`` offsets, the concept mentions and the acronym
pairs. Each fact carries Evidence: the sentence, the offsets of the matched stretch, this
extractor's name and version, and a confidence that depends on the rule that fired.

Rules, explicit statements only:

- proposes: "we propose/introduce/present/release/develop X", "namely/called/named/termed/dubbed X",
  "X, a new ...", "a novel X", and the title's leading "X:" when X is a name the paper is about;
- derived-from: "X extends/generalizes/improves (on)/modifies/unifies/builds on/follows/is based on Y",
  "we extend/generalize/build on Y" (X: the paper's contribution), "X, a version/variant/extension of Y";
- results: "VALUE [METRIC] on BENCHMARK" (the metric may precede: "pass@1 scores of 65.8% on ...",
  lists share it), and "V1 and V2 on B1 and B2, respectively".
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence

from kg.models import AcronymPair, Derivation, Evidence, Mention, Proposal, ResultRecord

EXTRACTOR = "kg.relations"
VERSION = "1"

NAMED_KINDS = ("METHOD", "DATASET", "BENCHMARK")
DATA_KINDS = ("DATASET", "BENCHMARK")

_PROPOSE_SUBJECT = re.compile(r"\b(?:we|this (?:paper|work|study|article)|here|our (?:work|paper))\b", re.I)
_PROPOSE_VERB = re.compile(
    r"(?=[pidfcbro])(?<!previously )(?<!recently )(?<!originally )(?<!been )(?<!was )(?<!were )(?<!-)"
    r"\b(?:propos(?:e[sd]?|ing)|introduc(?:e[sd]?|ing)|present(?:s|ed|ing)?|releas(?:e[sd]?|ing)|develop(?:s|ed|ing)?|"
    r"design(?:s|ed|ing)?|devis(?:e[sd]?|ing)|formali[sz](?:e[sd]?|ing)|contribute[sd]?|construct(?:s|ed|ing)?|"
    r"curat(?:e[sd]?|ing)|collect(?:s|ed|ing)?|creat(?:e[sd]?|ing)|build|built|offer(?:s|ed)?)\b",
    re.I,
)
#: generic heads a name may follow or stand in apposition to ("a novel algorithm (AGRO", "our framework, DGN")
_HEADS = (
    r"(?:method|approach|framework|model|algorithm|architecture|technique|objective|loss|benchmark|dataset|corpus|"
    r"module|network|system|strategy|scheme|paradigm|procedure|pipeline|tool|library|suite|family|metric|regularizer|"
    r"estimator|policy|agent|optimizer|attack|mechanism|layer|operator)e?s?"
)
# the patterns searched in the text before each mention start with a lookahead of their first letters (IGNORECASE
# like the rest): sre then rejects most positions at once instead of running the lookbehinds and word boundary there
# (2-2.5x faster scans, same matches)
_HEAD_BEFORE = re.compile(r"(?=[mafotlbdcnspre])\b" + _HEADS + r"\s*(?:,|\(|:)\s*$", re.I)
_OUR_BEFORE = re.compile(r"(?=o)\bour\s+(?:(?:new|novel|proposed|final|resulting)\s+)*$", re.I)
_OUR_HEAD_BEFORE = re.compile(r"(?=o)\bour\s+" + _HEADS + r"\s*,\s*$", re.I)
_NAME_FOLLOWS = re.compile(r"^\s*(?:[\w\-]+\s+){0,2}?" + _HEADS + r",?\s+(?:namely|called|named|termed|dubbed|coined)\b", re.I)
_NAMING = re.compile(r"(?=[cntdr])(?<!so-)\b(?:called|named|namely|termed|dubbed|coined|referred to as)\s+(?:the\s+)?$", re.I)
_FIRST_PERSON_NAMING = re.compile(r"(?=[wt])\b(?:we|which we|that we)\s+(?:call|name|term|dub|refer to (?:it|this|them) as)\s+(?:(?:a|an|the|it|this|them)\s+)?$", re.I)
# what may stand between a proposing verb and the name: determiners, evaluative adjectives, generic heads
_GAP_WORDS = (
    "a an the our its their this these new novel simple first general generic unified efficient effective scalable "
    "lightweight principled powerful flexible large-scale open open-source large family set class suite collection "
    "method approach framework model algorithm technique benchmark dataset corpus architecture system pipeline "
    "further then also here therefore thus finally solution remedy"
)
_GAP = re.compile(
    r"^(?:[\s,:\"'\u201c]|\b(?:concept|notion|idea|use) of\b|\band\b(?=\s+\w+\s*,)|\b(?:"
    + "|".join(re.escape(w) for w in _GAP_WORDS.split())
    + r")\b)*$",
    re.I,
)
# Keywords every match of a rule's pattern contains (case-insensitively): a sentence without them cannot
# match in any of its prefixes, so the costlier end-anchored patterns are tried only where one occurs.
_PROPOSE_CUE = re.compile(
    r"propos|introduc|present|releas|develop|design|devis|formali|contribute|construct|curat|collect|creat|build|"
    r"built|offer", re.I)
_NAMING_CUE = re.compile(r"call|name|term|dub|refer|coined", re.I)
_NOVEL_CUE = re.compile(r"new|novel", re.I)
_OUR_CUE = re.compile(r"our", re.I)
_NOVEL_BEFORE = re.compile(r"(?=a)\b(?:a|an)\s+(?:new|novel)\s+$", re.I)
_NOVEL_HEAD_BEFORE = re.compile(r"(?=a)\b(?:a|an)\s+(?:new|novel)\b[^.;()]{0,60}?\b" + _HEADS + r"\s*(?:,|\(|:)\s*$", re.I)
_APPOSITIVE_AFTER = re.compile(r"^\s*(?:\([^()]*\))?\s*(?:,|\bis)\s+(?:a|an)\s+(?:new|novel)\b", re.I)
#: "a regularizer-based method": a name used as a modifier is not what is proposed
_MODIFIER_AFTER = re.compile(r"^-(?:based|like|style|free|guided|driven|aware|inspired|specific)\b", re.I)
_PASSIVE_AFTER = re.compile(
    r"^\s*(?:\([^()]*\))?\s*(?:is|are)\s+(?:(?:then|also|further|first|here|thus|therefore)\s+)?"
    r"(?:proposed|introduced|presented|developed|designed|devised)\b(?!\s+(?:by|in)\b)", re.I)
_THE_PROPOSED_BEFORE = re.compile(r"(?=t)\bthe\s+proposed\s+$", re.I)
_TASK_SAID = re.compile(r"\b(?:tasks?|problems?|settings?|challenges?)\b", re.I)
_TASK_SAID_BEFORE = re.compile(
    r"\b(?:tasks?|problems?|settings?|challenges?|paradigms?)\b[\s,:]*(?:(?:namely|called|termed|dubbed)\s+)?$", re.I)
#: a task's words used as a modifier ("we present a re-ID CNN") are no name of their own
_NAME_ENDS = re.compile(r"\s*(?:[,:;.()]|--|$|(?:a|an|which|that|to|for|is|as|and|with|from|by|in|on)\b)")
_CITATION_AFTER = re.compile(r"^\s*[(\[](?:[^()\[\]]*\bet al\b|[^()\[\]]*\d{4}[a-z]?[)\]]|\d+(?:,\s*\d+)*[)\]])")

# derived-from: verbs with the new thing as subject and the base as object
_DERIVE_VERB = re.compile(
    r"(?=[egimubfar])(?<!-)\b(?:extend(?:s|ed|ing)?|generali[sz](?:es|ed|ing|e)|improv(?:es|ed|ing|e)(?:\s+(?:up)?on)?|modif(?:ies|ied|y)|"
    r"unif(?:ies|ied|y)|builds?\s+(?:up)?on|(?:is|are)\s+built\s+(?:up)?on|(?:is|are)\s+based\s+on|follows|"
    r"adapts|(?:is|are)\s+(?:a|an)\s+(?:\w+\s+)?(?:variant|extension|generali[sz]ation|version|modification)\s+of|"
    r"augments|refines)\s+$",
    re.I,
)
_DERIVE_OF = re.compile(
    r"(?=[vegma])\b(?:version|variant|extension|generali[sz]ation|modification|adaptation)s?\s+of\s+(?:the\s+|a\s+|an\s+)?$", re.I
)
_AND_GAP = re.compile(r"\s+and\s+")
_OPEN_BEFORE = re.compile(r"[(:,]\s*$")
#: _DERIVE_OF anywhere in a name, compiled once
_DERIVE_OF_ANYWHERE = re.compile(_DERIVE_OF.pattern.rstrip("$"), re.I)
_OUR_THING = re.compile(
    r"\b(?:we|our\s+(?:\w+\s+)?(?:method|model|framework|approach|architecture|algorithm|system|technique)|"
    r"the\s+proposed\s+(?:\w+\s+)?(?:method|model|framework|approach|architecture|algorithm)|"
    r"this\s+(?:method|model|framework|approach|architecture|algorithm))\b[^.;]*$",
    re.I,
)
_DERIVE_CUE = re.compile(
    r"extend|generali|improv|modif|unif|build|built|based|follows|adapt|variant|extension|version|augments|refines",
    re.I)
#: the cues as case-sensitive patterns for lowercased ASCII text
_LOWER_CUES = {cue: re.compile(cue.pattern) for cue in (_PROPOSE_CUE, _NAMING_CUE, _NOVEL_CUE, _OUR_CUE, _DERIVE_CUE)}
#: the same by the pattern's id: a dict lookup by a compiled pattern hashes its whole code
_LOWER_CUES_BY_ID = {id(cue): lower for cue, lower in _LOWER_CUES.items()}


def _case_sensitive(pattern: re.Pattern) -> re.Pattern:
    """A re.I ``pattern`` without capital letters, case-sensitive: on lowercased ASCII text it matches what
    ``pattern`` matches on the text, at the same offsets (the matched text lowercased), for a third less (sre
    folds case at every character tried, and its alternations skip only on case-sensitive letters)."""
    assert pattern.flags & re.I and not re.search(r"(?<!\\)[A-Z]", pattern.pattern), pattern.pattern
    return re.compile(pattern.pattern, pattern.flags & ~re.I)


_LOWER_PROPOSE_VERB = _case_sensitive(_PROPOSE_VERB)
_LOWER_DERIVE_VERB = _case_sensitive(_DERIVE_VERB)
_LOWER_DERIVE_OF = _case_sensitive(_DERIVE_OF)
_BASE_GAP_WORDS = (
    "the a an this that these those its their our well known well-known popular standard existing original classic "
    "classical widely used widely-used prior previous vanilla recent conventional seminal traditional ordinary plain "
    "celebrated famous so-called commonly "
    "both all two method methods approach approaches framework frameworks model models algorithm algorithms "
    "architecture technique operator"
)
_BASE_GAP = re.compile(
    r"^(?:[\s(,]|\b(?:" + "|".join(re.escape(w) for w in _BASE_GAP_WORDS.split()) + r")\b)*$", re.I
)
_VARIANT_CUE = re.compile(r"\b(?:variants?|versions?|extensions?|extend\w*|modif\w*|based on|builds? (?:up)?on)\b", re.I)
_LOWER_VARIANT_CUE = _case_sensitive(_VARIANT_CUE)
_COMBINE = re.compile(r"\bcombin(?:es|ed|ing|e)\s+((?:the\s+)?[^\s,.;]+(?:\s+[^\s,.;]+){0,4}?\s+and\s+[^\s,.;]+(?:\s+[^\s,.;]+){0,4}?)\s+into\b", re.I)
_SPECIAL_CASE = re.compile(r"\b(?:is|are)\s+(?:a|an)\s+(?:special|particular|limiting)\s+cases?\s+of\s+(?:the\s+|our\s+)?(?:proposed\s+|new\s+)?", re.I)
_CONJ = re.compile(r"^\s*(?:,\s*(?:and\s+)?|and\s+|as well as\s+)(?:the\s+)?$", re.I)
#: _CONJ for ``match(text, pos, endpos)``: a match there starts at pos, and "$" is endpos
_CONJ_GAP = re.compile(_CONJ.pattern.removeprefix("^"), re.I)

# results
# a number, with a percent sign (then anything may follow: "34.2%uparrow") or standing alone
#: the lookahead of the first characters lets sre skip most positions before the lookbehind (same matches)
_VALUE = re.compile(r"(?=[+\-\u2212\d])(?<![\w.@/\-])([+\-\u2212]?\d+(?:\.\d+)?(?:\s?\\?%|(?![\w@/%]|\.\d|-\w|\s?\\?%)))")
_VALUE_TO_BENCH = re.compile(
    r"^\s*(?:[^\s,;%]+\s+){0,6}?(?:on|in|at|for|of)\s+(?:the\s+)?(?:challenging\s+|popular\s+|standard\s+)?$", re.I
)
_BASELINE_BEFORE = re.compile(
    r"\b(?:baselines?|counterparts?|compared (?:to|with)|versus|vs\.?|than|from)\b(?:\s+\S+){0,5}?\s*\(?\s*$", re.I
)
# "On CIFAR-10 itself, NASNet achieves 2.4% ...", "for the challenging COCO dataset, our method ..."
_SCOPE_BEFORE = re.compile(r"(?:^|[,;:]\s+|--\s*)(?:on|for)\s+(?:the\s+)?(?:challenging\s+|popular\s+|standard\s+)?$", re.I)
_VALUE_AND = re.compile(r"\s*(?:[^\s,;()]+\s+)?(?:and|or)\s+", re.I)
_EXAMPLE_LEAD = re.compile(r"(?:\be\.g\.|\bi\.e\.|\bfor (?:example|instance))\s*,?\s*$", re.I)
_SCOPE_AFTER = re.compile(r"^(?:\s+(?:dataset|benchmark|data\s?set|test\s?set|split|itself))?\s*,", re.I)



_ASCII_UPPER = re.compile(r"[A-Z]")
_DIGIT = re.compile(r"\d")


def _has_upper(s: str) -> bool:
    """any(ch.isupper() for ch in s), by one scan: ASCII capitals are A-Z, other text takes the loop."""
    return _ASCII_UPPER.search(s) is not None or (not s.isascii() and any(ch.isupper() for ch in s))


def _has_digit(s: str) -> bool:
    """any(ch.isdigit() for ch in s): a regex digit is a digit; only non-ASCII text holds other digits ("²")."""
    return _DIGIT.search(s) is not None or (not s.isascii() and any(ch.isdigit() for ch in s))

# --------------------------------------------------------------------------- context


_UNSET = object()


class _Doc:
    """Offsets, sentences, mentions and aliases of one document, with small lookups."""

    def __init__(self, paper_id: str, text: str, sentences: Sequence[tuple[int, int]], mentions: Iterable[Mention],
                 acronyms: Iterable[AcronymPair], extractor: str, version: str):
        self.paper_id, self.text, self.extractor, self.version = paper_id, text, extractor, version
        self.sentences = sorted(sentences) or sentence_spans(text)
        self.mentions = sorted(mentions, key=lambda m: (m.start, -m.end))
        self._starts = [m.start for m in self.mentions]
        self._ends = {m.end for m in self.mentions}
        # sorted, non-overlapping sentences (the usual case) are found by bisection; others by the scan
        spans = [(start, end) for start, end in self.sentences if start < end]
        ordered = all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))
        self._spans = spans if ordered else None
        self._span_starts = [start for start, _ in spans]
        self._maximal: list[Mention] | None = None
        self._sentence_of: dict[int, tuple[int, int]] = {}
        self._cues: dict[tuple[int, int, int], bool] = {}
        self._per_sentence: dict[tuple[int, int, int], object] = {}
        self._name_like: dict[tuple[str, int], bool] = {}
        # ASCII text lowercased matches as re.I would, and a case-sensitive scan is 8x cheaper
        self._lower = text.lower() if text.isascii() else None
        self.title_end = text.find("\n") if "\n" in text else len(text)
        self.alias: dict[str, str] = {}
        self.acronym_names: set[str] = set()
        for pair in acronyms:
            long, short = pair.long.casefold(), pair.short.casefold()
            self.acronym_names.update((long, short))
            long_root, short_root = self._root(long), self._root(short)
            if long_root != short_root:  # union distinct roots only: a self-link would loop forever
                self.alias[long_root] = short_root

    def _root(self, key: str) -> str:
        while key in self.alias:
            key = self.alias[key]
        return key

    def key(self, name: str) -> str:
        """Alias-resolved key: a name and its acronym share one."""
        return self._root(name.casefold())

    def sentence_at(self, offset: int) -> tuple[int, int]:
        found = self._sentence_of.get(offset)
        if found is None:
            if self._spans is not None:
                k = bisect_right(self._span_starts, offset) - 1
                found = self._spans[k] if k >= 0 and offset < self._spans[k][1] else (0, len(self.text))
            else:
                found = next(((start, end) for start, end in self.sentences if start <= offset < end),
                             (0, len(self.text)))
            self._sentence_of[offset] = found
        return found

    def has_cue(self, cue: re.Pattern, start: int, end: int) -> bool:
        """Whether ``cue`` occurs in text[start:end] (memoised: many mentions share a sentence)."""
        # keyed by the pattern's id: hashing a compiled pattern hashes its whole code each time
        key = (id(cue), start, end)
        found = self._cues.get(key)
        if found is None:
            if self._lower is not None:
                found = _LOWER_CUES_BY_ID[key[0]].search(self._lower, start, end) is not None
            else:
                found = cue.search(self.text, start, end) is not None
            self._cues[key] = found
        return found

    def per_sentence(self, offset: int, test: Callable[[_Doc, int, int], object]) -> tuple[tuple[int, int], object]:
        """The sentence around ``offset`` and ``test(self, start, end)`` on it, once per sentence and test: the
        mentions of a sentence share the answer (``test`` is a module-level function, keyed by its id)."""
        span = self.sentence_at(offset)
        key = (id(test), span[0], span[1])
        found = self._per_sentence.get(key, _UNSET)
        if found is _UNSET:
            found = self._per_sentence[key] = test(self, span[0], span[1])
        return span, found

    def acronym_of_previous(self, m: Mention) -> bool:
        """Whether ``m`` is the "(GNNs)" right after another mention ("Graph Neural Networks (GNNs)")."""
        head = self.text[max(0, m.start - 3):m.start]
        if "(" not in head:
            return False
        cut = m.start - len(head) + head.index("(")
        previous_end = len(self.text[:cut].rstrip())
        return previous_end in self._ends

    def seen_before(self, m: Mention, before: int) -> bool:
        """Whether ``m``'s string occurs in the abstract before offset ``before`` (the title does not count)."""
        return m.text.casefold() in self.text[self.title_end:before].casefold()

    def maximal(self) -> list[Mention]:
        """Mentions not inside a longer one ("PFGM" inside "PFGM++" is dropped)."""
        if self._maximal is None:
            # one sweep over the (start, -end) order instead of all pairs: a mention is inside a longer one
            # when an earlier start reaches its end, or the first (longest) mention at its start ends later
            kept, reach, group_start, group_end = [], -1, None, -1
            for m in self.mentions:
                if m.start != group_start:
                    reach = max(reach, group_end)
                    group_start, group_end = m.start, m.end
                if reach < m.end and group_end <= m.end:
                    kept.append(m)
            self._maximal = kept
        return list(self._maximal)

    def mentions_in(self, start: int, end: int, kinds: Sequence[str] = NAMED_KINDS) -> list[Mention]:
        # mentions are sorted by start: only those starting in [start, end] can lie inside
        lo, hi = bisect_left(self._starts, start), bisect_right(self._starts, end)
        return [m for m in self.mentions[lo:hi] if m.end <= end and m.type in kinds]

    def mention_at(self, offset: int, end: int, kinds: Sequence[str] = NAMED_KINDS) -> Mention | None:
        """The longest mention starting at ``offset`` (ending before ``end``)."""
        # mentions are sorted by (start, -end): only those starting at the offset are looked at
        for m in self.mentions[bisect_left(self._starts, offset):bisect_right(self._starts, offset)]:
            if m.end <= end and m.type in kinds:
                return m
        return None

    def evidence(self, start: int, end: int, confidence: float) -> Evidence:
        s_start, s_end = self.sentence_at(start)
        return Evidence(paper_id=self.paper_id, sentence=self.text[s_start:s_end].strip(), start=start, end=end,
                        extractor=self.extractor, version=self.version, confidence=confidence)

    def name_like(self, m: Mention) -> bool:
        """A name, not a common phrase: inner capitals or digits, a capital mid-sentence, or an acronym pair."""
        key = (m.text, m.start)
        found = self._name_like.get(key)
        if found is None:
            found = self._name_like[key] = self._is_name_like(m)
        return found

    def _is_name_like(self, m: Mention) -> bool:
        text = m.text
        if m.text.casefold() in self.acronym_names:
            return True
        if _has_upper(text[1:]) or _has_digit(text):
            return True
        s_start, _ = self.sentence_at(m.start)
        return text[:1].isupper() and m.start != s_start


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """A plain sentence splitter (newline, or . ! ? before a capital) for callers without one."""
    spans, start = [], 0
    for m in re.finditer(r"\n|(?<!\be\.g)(?<!\bi\.e)(?<!\bet al)[.!?](?=\s+[\"'(\[]?[A-Z0-9])", text):
        end = m.end()
        if text[start:end].strip():
            spans.append((start, end))
        start = end
        while start < len(text) and text[start].isspace():
            start += 1
    if start < len(text):
        spans.append((start, len(text)))
    return spans


# --------------------------------------------------------------------------- proposes


def _proposal_gate(doc: _Doc, start: int, end: int) -> bool:
    """Whether a sentence holds a cue some proposal rule needs (the appositive "is a new" the novelty cue, "the
    proposed" the proposing one)."""
    return (doc.has_cue(_PROPOSE_CUE, start, end) or doc.has_cue(_NAMING_CUE, start, end)
            or doc.has_cue(_NOVEL_CUE, start, end) or doc.has_cue(_OUR_CUE, start, end))


def _derivation_gate(doc: _Doc, start: int, end: int) -> bool:
    """Whether a sentence holds a derivation verb or "a version of": no base can match without one."""
    return doc.has_cue(_DERIVE_CUE, start, end)


def find_proposals(doc: _Doc) -> list[Proposal]:
    """Names the paper introduces, deduplicated by alias key, in order of appearance."""
    found: list[tuple[Mention, float, int, int]] = []
    text = doc.text
    # a name the paper introduces is a method even where the tagger read its head as a task's ("we propose Stein
    # Variational Goal Generation (SVGG)", "RAP: Risk-Aware Prediction for ..."); a new task is said to be one
    named = [m for m in doc.maximal() if m.type in NAMED_KINDS or (
        m.type == "TASK" and doc.name_like(m) and _NAME_ENDS.match(text, m.end)
        and not _TASK_SAID.search(text, m.end, min(m.end + 40, len(text)))
        and not _TASK_SAID_BEFORE.search(text, max(0, m.start - 30), m.start))]

    # the title's leading "X:" when X is a whole mention that names something
    colon = text.find(":", 0, doc.title_end)
    if colon > 0:
        lead = doc.mention_at(0, colon, NAMED_KINDS + ("TASK",))
        if lead is not None and lead.end == len(text[:colon].rstrip()) and _title_name(lead):
            found.append((lead, 0.75, 0, colon))

    for m in named:
        # every rule below needs one of the proposing cues in the sentence: about half of the mentions are in
        # sentences without any
        (s_start, s_end), gate = doc.per_sentence(m.start, _proposal_gate)
        if not gate:
            continue
        before = text[s_start:m.start]
        after = text[m.end:s_end]
        if _CITATION_AFTER.match(after) or _MODIFIER_AFTER.match(after):
            continue
        verb = None
        if doc.has_cue(_PROPOSE_CUE, s_start, s_end):
            # offsets only are read from the verb: on ASCII text the lowercased slice serves
            for v in (_PROPOSE_VERB.finditer(before) if doc._lower is None
                      else _LOWER_PROPOSE_VERB.finditer(doc._lower[s_start:m.start])):
                verb = v
        subject_ok = verb is not None and _PROPOSE_SUBJECT.search(before[max(0, verb.start() - 40): verb.start()])
        if subject_ok and _GAP.match(before[verb.end():]):
            # "a new self-supervised learning framework, namely Alice": the name comes later; a common
            # phrase already used before this sentence ("language models") is not new
            if not _NAME_FOLLOWS.match(after) and (doc.name_like(m) or not doc.seen_before(m, s_start)):
                found.append((m, 0.9, s_start + verb.start(), m.end))
            continue
        if subject_ok and _HEAD_BEFORE.search(before[verb.end():]) and _OPEN_BEFORE.search(before) \
                and "(" not in before[verb.end():].rstrip()[:-1] and doc.name_like(m) \
                and not doc.acronym_of_previous(m):
            found.append((m, 0.8, s_start + verb.start(), m.end))
            continue
        naming_cue = doc.has_cue(_NAMING_CUE, s_start, s_end)
        naming = _NAMING.search(before) if naming_cue else None
        if naming is not None and doc.name_like(m):
            found.append((m, 0.85, s_start + naming.start(), m.end))
            continue
        naming = _FIRST_PERSON_NAMING.search(before) if naming_cue else None
        if naming is not None:
            found.append((m, 0.8, s_start + naming.start(), m.end))
            continue
        if not doc.name_like(m) or after.startswith("-") or doc.acronym_of_previous(m):
            continue
        novel = (_NOVEL_BEFORE.search(before) or _NOVEL_HEAD_BEFORE.search(before)) \
            if doc.has_cue(_NOVEL_CUE, s_start, s_end) else None
        if novel is not None:
            found.append((m, 0.7, s_start + novel.start(), m.end))
            continue
        our = (_OUR_BEFORE.search(before) or _OUR_HEAD_BEFORE.search(before)) \
            if doc.has_cue(_OUR_CUE, s_start, s_end) else None
        if our is not None:
            found.append((m, 0.7, s_start + our.start(), m.end))
            continue
        appositive = _APPOSITIVE_AFTER.match(after)
        if appositive is not None:
            found.append((m, 0.75, m.start, m.end + appositive.end()))
            continue
        # "a ... network (MD-FRN) is proposed", "the proposed Protein Geometric AutoEncoder (ProGAE) model"
        # (earlier work is introduced the same way: "a model known as X is introduced" by "Sohn et al.")
        passive = _PASSIVE_AFTER.match(after) if doc.has_cue(_PROPOSE_CUE, s_start, s_end) \
            and "et al" not in text[s_start:s_end] else None
        if passive is not None:
            found.append((m, 0.75, m.start, m.end + passive.end()))
            continue
        proposed = _THE_PROPOSED_BEFORE.search(before) if "proposed" in before else None
        if proposed is not None:
            found.append((m, 0.7, s_start + proposed.start(), m.end))

    # "SGDP and AdamP": a name joined to a proposed one shares its cue
    proposed_ends = {f[0].end: f for f in found}
    for m in named:
        for end, (first, confidence, start, _) in list(proposed_ends.items()):
            if m.start > end and _AND_GAP.fullmatch(text[end:m.start]) and doc.name_like(m):
                found.append((m, confidence, start, m.end))

    proposals, seen = [], set()
    for m, confidence, start, end in sorted(found, key=lambda f: f[0].start):
        key = doc.key(m.text)
        if key in seen:
            continue
        seen.add(key)
        kind = "METHOD" if m.type == "TASK" else m.type
        proposals.append(Proposal(name=m.text, type=kind, evidence=doc.evidence(start, end, confidence)))
    return proposals


def _title_name(m: Mention) -> bool:
    """A title lead that names a contribution ("CWM", "PooDLe", "Learn-by-interact"), not a phrase."""
    words = m.text.split()
    return len(words) <= 4 and (_has_upper(m.text[1:]) or "-" in m.text or len(words) <= 3)


# --------------------------------------------------------------------------- derived-from


def find_derivations(doc: _Doc, proposals: Sequence[Proposal]) -> list[Derivation]:
    """Explicit "new extends / improves on / is a variant of base" statements."""
    text = doc.text
    proposal_keys = {doc.key(p.name) for p in proposals}
    found: list[Derivation] = []
    seen: set[tuple[str, str]] = set()

    def add(new: str, base: Mention, start: int, end: int, confidence: float, relation: str, *,
            stated: bool = False) -> None:
        # a proposal is rarely the base of a name that is not one, unless the sentence says so outright
        pair = (doc.key(new), doc.key(base.text))
        if pair[0] == pair[1] or pair in seen or (not stated and pair[1] in proposal_keys and pair[0] not in proposal_keys):
            return
        seen.add(pair)
        found.append(Derivation(new=new, base=base.text, relation=relation,
                                evidence=doc.evidence(start, end, confidence)))

    # "a geometric version of the WL test (GWL)": the base nested inside the proposed name
    for outer in doc.maximal():
        if doc.key(outer.text) not in proposal_keys:
            continue
        for of in _DERIVE_OF_ANYWHERE.finditer(outer.text):
            inner = doc.mention_at(outer.start + of.end(), outer.end)
            if inner is not None:
                add(outer.text, inner, outer.start, outer.end, 0.75, _relation(of.group(0)))

    # "two variants of our FST framework (FST-D) and (FST-W)", "to obtain the D-PPO variant": a hyphenated
    # name built on another name of the paper, in a sentence that calls it a variant or extension
    names = {m.text: m for m in doc.mentions if m.type in NAMED_KINDS}
    for new in doc.maximal():
        if new.type not in NAMED_KINDS or "-" not in new.text:
            continue
        s_start, s_end = doc.sentence_at(new.start)
        if not (_VARIANT_CUE.search(text[s_start:s_end]) if doc._lower is None
                else _LOWER_VARIANT_CUE.search(doc._lower[s_start:s_end])):
            continue
        for part in new.text.split("-"):
            base = names.get(part)
            # the base is named in the same sentence, on its own: "the PPO algorithm to obtain the D-PPO variant"
            if base is not None and len(part) >= 2 and any(ch.isupper() for ch in part) and any(
                    b.text == part for b in doc.mentions_in(s_start, s_end)):
                add(new.text, base, new.start, new.end, 0.6, "variant_of", stated=True)

    # "combines TAXONS and SERENE into a single approach: STAX"; ASCII text without the cue word skips the scan
    lower = doc._lower
    for m in _COMBINE.finditer(text) if lower is None or "combin" in lower else ():
        s_start, s_end = doc.sentence_at(m.start())
        parts = doc.mentions_in(m.start(1), m.end(1))
        into = m.end() - len("into")
        targets = doc.mentions_in(into, s_end) if into >= 0 else []
        for base in parts:
            for target in targets[:1]:
                add(target.text, base, m.start(), target.end, 0.65, "unifies", stated=True)

    # "the conventional Kalman filter is a special case of the proposed structured Kalman filter"
    for m in _SPECIAL_CASE.finditer(text) if lower is None or "case" in lower else ():
        s_start, s_end = doc.sentence_at(m.start())
        before = [b for b in doc.mentions_in(s_start, m.start()) if len(text[b.end:m.start()].split()) <= 2]
        after = [n for n in doc.mentions_in(m.end(), s_end) if len(text[m.end():n.start].split()) <= 3]
        if before and after:
            add(after[0].text, before[-1], before[-1].start, after[0].end, 0.65, "generalizes")

    for base in doc.maximal():
        if base.type not in NAMED_KINDS:
            continue
        (s_start, s_end), cue = doc.per_sentence(base.start, _derivation_gate)
        if not cue:
            continue  # neither a derivation verb nor "a version of" can match before the base
        before = text[s_start:base.start]
        # the base may be the second of a conjunction: "unifies diffusion models and PFGM"
        head = _conjunction_head(doc, base, s_start)
        anchor = head.start if head is not None else base.start
        before = text[s_start:anchor]
        gap_start = _gap_start(before)
        verb_zone = before[:gap_start]
        # offsets and _relation (case-folded) are read from the matches: on ASCII text the lowercased slice serves
        if doc._lower is None:
            of, verb = _DERIVE_OF.search(verb_zone), _DERIVE_VERB.search(verb_zone)
        else:
            lower_zone = doc._lower[s_start : s_start + gap_start]
            of, verb = _LOWER_DERIVE_OF.search(lower_zone), _LOWER_DERIVE_VERB.search(lower_zone)
        if of is not None:
            new = _new_near(doc, proposals, s_start, s_end, base, s_start + of.start())
            lead = text[s_start:s_start + of.start()]
            stated = re.search(r"(?:\bis|\bare|\bbe|\bas)\s+(?:a|an)\s+(?:\w+\s+)?$", lead, re.I)
            if new is None and stated is not None:
                # "MORL is a generalization of RL": any named subject; "it can be viewed as a variant of MoCo"
                subjects = [m for m in doc.mentions_in(s_start, s_start + of.start()) if m.type in NAMED_KINDS
                            and len(text[m.end:s_start + of.start()].split()) <= 8]
                if subjects:
                    new = subjects[-1].text
                elif re.search(r"\b(?:it|our (?:\w+\s+)?(?:method|model|approach|framework))\b", lead, re.I):
                    new = _main_proposal(doc, proposals, s_start, exclude=doc.key(base.text), prefer_before=True)
            if new is not None:
                add(new, base, min(s_start + of.start(), _proposal_start(doc, new, s_start, s_end)), base.end, 0.75,
                    _relation(of.group(0)))
            continue
        if verb is None:
            continue
        verb_at = s_start + verb.start()
        subject = _subject_before(doc, proposals, s_start, verb_at)
        if subject is not None:
            add(subject.text, base, subject.start, base.end, 0.8, _relation(verb.group(0)))
            continue
        lead = text[s_start:verb_at]
        if _OUR_THING.search(lead + " ") or re.match(r"\s*$", lead):
            # "our framework builds on Y" describes a contribution already named; "we extend Y" one to come
            described = re.search(r"\b(?:our|the proposed|this)\s", lead, re.I) is not None
            new = _main_proposal(doc, proposals, verb_at, exclude=doc.key(base.text), prefer_before=described)
            if new is not None:
                add(new, base, verb_at, base.end, 0.65, _relation(verb.group(0)))
    return found


def _relation(cue: str) -> str:
    cue = cue.casefold()
    for word, relation in (("extend", "extends"), ("extension", "extends"), ("generali", "generalizes"),
                           ("improv", "improves"), ("modif", "modifies"), ("unif", "unifies"),
                           ("variant", "variant_of"), ("version", "variant_of"), ("build", "builds_on"),
                           ("built", "builds_on"), ("based", "based_on"), ("follow", "builds_on")):
        if word in cue:
            return relation
    return "derived_from"


def _gap_start(before: str) -> int:
    """Where the determiners and generic words right before a base begin."""
    index = len(before)
    # the words (runs of non-space) from the end, walked backwards: listing every word of the sentence cost more
    end = index
    while True:
        while end > 0 and before[end - 1].isspace():
            end -= 1
        start = end
        while start > 0 and not before[start - 1].isspace():
            start -= 1
        if start == end or not _BASE_GAP.match(before[start:]):
            return index
        index = end = start


def _conjunction_head(doc: _Doc, base: Mention, s_start: int) -> Mention | None:
    """The first member of "A, B and C" ending right before ``base``'s conjunction, if any."""
    head = None
    current = base
    text = doc.text
    while True:
        # the gap ends in ",", "and", "as" (as well as) or "the" before ``current``, whatever mention it starts at:
        # without one no mention can match (most bases), and none is tried
        end = current.start
        while end > s_start and text[end - 1].isspace():
            end -= 1
        if not (text.endswith(",", s_start, end) or text[max(s_start, end - 3) : end].casefold() in ("and", "the")
                or text[max(s_start, end - 2) : end].casefold() == "as"):  # casefold: re.I takes "ſ" for "s"
            return head
        # the last mention with a conjunction up to ``current``: walked from the end, the gap matched in place
        # (a slice per mention of the sentence, and the whole list, cost more than the rest of the rule)
        prev = next((m for m in reversed(doc.mentions_in(s_start, current.start))
                     if _CONJ_GAP.match(text, m.end, current.start)), None)
        if prev is None:
            return head
        head = current = prev


def _subject_before(doc: _Doc, proposals: Sequence[Proposal], s_start: int, verb_at: int) -> Mention | None:
    """The nearest mention of a proposal before the verb, with only adverbs or a clause between."""
    keys = {doc.key(p.name) for p in proposals}
    candidates = [m for m in doc.mentions_in(s_start, verb_at) if doc.key(m.text) in keys]
    if not candidates:
        return None
    subject = candidates[-1]
    between = doc.text[subject.end:verb_at]
    if len(between.split()) > 8 or re.search(r"\b(?:not|than|unlike|whereas|while)\b", between, re.I):
        return None
    return subject


def _main_proposal(doc: _Doc, proposals: Sequence[Proposal], at: int, *, exclude: str,
                   prefer_before: bool = False) -> str | None:
    """The contribution a "we extend Y" sentence refers to: the next proposal after it, else the last
    before (with ``prefer_before``, the other way round)."""
    after = [p.name for p in proposals if p.evidence.start >= at and doc.key(p.name) != exclude]
    before = [p.name for p in proposals if p.evidence.start < at and doc.key(p.name) != exclude]
    order = (before[::-1] + after) if prefer_before else (after + before[::-1])
    return order[0] if order else None


def _new_near(doc: _Doc, proposals: Sequence[Proposal], s_start: int, s_end: int, base: Mention, cue_at: int) -> str | None:
    """For "X, a version of Y": a proposal in the same sentence (or the mention spanning the cue)."""
    keys = {doc.key(p.name) for p in proposals}
    for m in doc.mentions_in(s_start, s_end):
        if m.start < cue_at < m.end and doc.key(m.text) in keys:
            return m.text
    for m in doc.mentions_in(s_start, s_end):
        if doc.key(m.text) in keys and doc.key(m.text) != doc.key(base.text):
            return m.text
    return None


def _proposal_start(doc: _Doc, name: str, s_start: int, s_end: int) -> int:
    for m in doc.mentions_in(s_start, s_end):
        if m.text == name:
            return m.start
    return s_start


# --------------------------------------------------------------------------- results


def find_results(doc: _Doc, proposals: Sequence[Proposal] = ()) -> list[ResultRecord]:
    """Values reported on a named benchmark or data set, with the metric when the sentence states it,
    and the method they are reported for when the sentence names it (its subject, or "our method")."""
    text = doc.text
    results: list[ResultRecord] = []
    seen: set[tuple[str, str, str]] = set()
    for s_start, s_end in doc.sentences:
        benches = doc.mentions_in(s_start, s_end, DATA_KINDS)
        if not benches:
            continue
        sentence = text[s_start:s_end]
        values = _reported_values(sentence)
        if not values:
            continue
        metrics = doc.mentions_in(s_start, s_end, ("METRIC",))
        attached: dict[int, Mention] = {}
        if re.search(r"\brespectively\b", sentence, re.I):
            last_value = values[-1].end() + s_start
            after = [b for b in benches if b.start >= last_value]
            if len(after) == len(values) and len(values) > 1:
                attached = {i: b for i, b in enumerate(after)}
        scope = next((b for b in benches if _SCOPE_BEFORE.search(text[s_start:b.start])
                      and _SCOPE_AFTER.match(text[b.end:s_end])), None)
        if scope is None and len({doc.key(b.text) for b in benches}) == 1 and not text[s_start:benches[0].start].strip():
            # "ScienceQA demonstrates ... by 1.20% in few-shot GPT-3": the benchmark is the subject
            scope = benches[0]
        baseline: set[int] = set()
        for i, v in enumerate(values):
            if i in attached:
                continue
            v_start, v_end = s_start + v.start(), s_start + v.end()
            lead = text[s_start + (values[i - 1].end() if i else 0):v_start]
            # "outperforms the baseline ViLD in all settings, e.g., +3.4 APbox": an example of the gain is ours
            if _BASELINE_BEFORE.search(lead) and not _EXAMPLE_LEAD.search(lead):
                baseline.add(i)
                continue  # "close (23.5%) to the supervised counterpart (24.4%)": a baseline's number
            following = next((b for b in benches if b.start >= v_end and _VALUE_TO_BENCH.match(text[v_end:b.start])), None)
            preceding = None
            if re.search(r"\bby\s+$", text[s_start:v_start]):
                # "improve pass@250 on LCB/hard by 3.3%"
                near = [b for b in benches if b.end <= v_start and len(text[b.end:v_start].split()) <= 4
                        and not _VALUE.search(text[b.end:v_start])]
                preceding = near[-1] if near else None
            bench = following or preceding or (scope if scope is not None and scope.end <= v_start else None)
            if bench is not None:
                attached[i] = bench
        # "+3.4 APbox and +3.0 APmask improvements on LVIS": coordinated values share the benchmark of the last
        for i in range(len(values) - 2, -1, -1):
            if i not in attached and i not in baseline and i + 1 in attached and _VALUE_AND.fullmatch(
                    sentence, values[i].end(), values[i + 1].start()):
                attached[i] = attached[i + 1]
        previous_metric: tuple[int, str] | None = None
        for i, v in enumerate(values):
            if i not in attached:
                continue
            bench = attached[i]
            v_start, v_end = s_start + v.start(), s_start + v.end()
            metric = _metric_for(doc, metrics, v_start, v_end, bench)
            if metric is None and previous_metric is not None and not any(
                    previous_metric[0] <= m.start < v_start for m in metrics):
                metric = previous_metric[1]
            if metric is not None:
                previous_metric = (v_end, metric)
            value = v.group(1).strip()
            key = (doc.key(bench.text), metric.casefold() if metric else "", value)
            if key in seen:
                continue
            seen.add(key)
            method = _method_for(doc, proposals, s_start, v_start)
            results.append(ResultRecord(benchmark=_bench_name(bench.text), metric=metric, value=value, method=method,
                                        evidence=doc.evidence(min(v_start, bench.start), max(v_end, bench.end), 0.8)))
    return results


#: a lowercase generic head after a data set's name: "the COCO dataset" reports on "COCO" (ANNOTATION.md: no generic heads)
_BENCH_HEAD = re.compile(r"\s+(?:dataset|data\s+set|benchmark|corpus|test\s+set)$")


def _bench_name(name: str) -> str:
    """The benchmark a result names, without a trailing lowercase data head ("COCO dataset" -> "COCO")."""
    head = _BENCH_HEAD.search(name)
    if head is None or name[: head.start()].islower():
        return name
    return name[: head.start()]


def _method_for(doc: _Doc, proposals: Sequence[Proposal], s_start: int, v_start: int) -> str | None:
    """The subject of the verb that reports a value: "LASER-D achieves 65.8% on ..." -> "LASER-D";
    "our method reaches ..." -> the paper's first proposal. An object ("outperforms PPO by 3%") is a baseline."""
    lead = doc.text[s_start:v_start]
    for verb in _REPORT_VERB.finditer(lead):
        verb_at = s_start + verb.start()
        before = doc.mentions_in(s_start, verb_at, ("METHOD",))
        gap_from = before[-1].end if before else s_start
        if proposals and _OUR_SUBJECT.search(doc.text[gap_from:verb_at]):
            return proposals[0].name
        if re.search(r"\b(?:it|this model|this method)\s+(?:\w+\s+)?$", doc.text[gap_from:verb_at], re.I):
            return before[0].text if before else (proposals[0].name if proposals else None)
        subjects = [m for m in before if len(doc.text[m.end:verb_at].split()) <= 6
                    and not _BASELINE_BEFORE.search(doc.text[s_start:m.start])]
        if subjects:
            return subjects[-1].text
    return None


_REPORT_VERB = re.compile(
    r"\b(?:achiev|reach|obtain|attain|scor|improv|outperform|surpass|set|yield|boost|deliver|record|exceed)\w*", re.I
)
_OUR_SUBJECT = re.compile(r"\b(?:our\s+(?:\w+\s+)?(?:method|model|approach|framework|system|agent|algorithm)s?|we|"
                          r"the\s+proposed\s+(?:\w+\s+)?\w+)\b", re.I)


@functools.lru_cache(maxsize=512)
def _reported_values(sentence: str) -> tuple[re.Match, ...]:
    # classify_data_mentions and extract_relations both read the same sentences' values
    if _DIGIT.search(sentence) is None:
        return ()  # a value needs a digit: one scan instead of the value pattern at every word
    return tuple(v for v in _VALUE.finditer(sentence) if _is_reported_value(v.group(1)))


def _is_reported_value(value: str) -> bool:
    """A score, not a count, year or list index: a percentage, a decimal or a signed number."""
    number = value.strip().lstrip("+-\u2212")
    if "%" in value:
        return True
    if value[:1] in "+-\u2212":
        return True
    return "." in number


def _metric_for(doc: _Doc, metrics: list[Mention], v_start: int, v_end: int, bench: Mention) -> str | None:
    """The metric right after the value or between it and the benchmark, else the nearest one before."""
    between = [m for m in metrics if v_end <= m.start and m.end <= bench.start]
    if between:
        return between[0].text
    right_after = [m for m in metrics if v_end <= m.start and len(doc.text[v_end:m.start].split()) <= 2
                   and not re.search(r"[,;]", doc.text[v_end:m.start])]
    if right_after:
        return right_after[0].text
    before = [m for m in metrics if m.end <= v_start]
    if before:
        gap = doc.text[before[-1].end:v_start]
        # "pass@1 scores of 65.8%": only a short connective, or a list the metric distributes over
        if len(gap) <= 25 or re.match(r"^[\s\w@]*?(?:of|=|:|at|reaching|reaches)\s", gap, re.I):
            return before[-1].text
    return None


# --------------------------------------------------------------------------- benchmark vs dataset

# scores reported on it make a data set a BENCHMARK; experiments on it alone do not (ANNOTATION.md: BDD100K
# "used" in experiments stays a DATASET, FAUST with "improved performance on these benchmarks" is one)
# first-letter lookaheads as on the patterns before mentions (same matches, fewer positions tried)
_BENCH_CUES = re.compile(
    r"(?=[btlsoapierumfe])\b(?:benchmarks?|test[- ]?beds?|leaderboards?|suites?|outperform\w*|state[- ]of[- ]the[- ]art|sota|"
    r"accuracy|scores?|performance|results?|achiev\w*|surpass\w*|effectiveness|superior\w*|improv\w*|"
    r"pass@\d+|error|mAP|F1|BLEU|evaluat\w*|test(?:ed|ing)?\s+(?:\w+\s+){0,2}on)\b",
    re.I,
)
_DATA_CUES = re.compile(
    r"(?=[tprcaw])\b(?:train(?:ed|ing)?\s+(?:\w+\s+)?on|pre-?train(?:ed|ing)?|release[sd]?|collect(?:ed|ing)?|curat(?:e[sd]?|ing)|"
    r"construct(?:ed|ing)?|annotat\w*|we\s+(?:build|create|introduce|present)\w*)\b",
    re.I,
)


_DESCRIBED_AS_DATA = re.compile(r"\s+(?:[a-z][\w-]*\s+){1,3}(?:dataset|corpus|data)\b")


def _data_cue_score(doc: _Doc, start: int, end: int) -> int:
    """Benchmark cues less data cues in a sentence, each counted up to two."""
    sentence = doc.text[start:end]
    return min(2, len(_BENCH_CUES.findall(sentence))) - min(2, len(_DATA_CUES.findall(sentence)))


def classify_data_mentions(
    text: str,
    sentences: Sequence[tuple[int, int]],
    mentions: Iterable[Mention],
    acronyms: Iterable[AcronymPair] = (),
) -> list[Mention]:
    """Retype DATASET / BENCHMARK mentions by their use in this abstract, one type per string.

    A data set the abstract reports scores on (a value on it, "benchmark", "evaluate", "outperform",
    "accuracy" ... near it) is a BENCHMARK; one it trains on, releases or describes as data is a
    DATASET. Ties keep the type the mentions came with (the majority, then the first). A long form
    and its acronym (``acronyms``) vote together and get one type.
    """
    mentions = list(mentions)
    if not any(m.type in DATA_KINDS for m in mentions):
        return mentions  # nothing to retype: skip the context and the result scan
    doc = _Doc("", text, sentences, mentions, acronyms, EXTRACTOR, VERSION)
    scored_on = {doc.key(r.benchmark) for r in find_results(doc)}
    votes: dict[str, float] = {}
    original: dict[str, list[str]] = {}
    for m in mentions:
        if m.type not in DATA_KINDS:
            continue
        key = doc.key(m.text)
        original.setdefault(key, []).append(m.type)
        # the sentence's cue counts, once per sentence: data sets come in lists ("on A, B and C")
        (_, s_end), cues = doc.per_sentence(m.start, _data_cue_score)
        tail = text[m.end:min(s_end, m.end + 40)]
        score = 3.0 if doc.key(m.text) in scored_on else 0.0
        score += cues
        # "the BDD100K driving video dataset", "ImageNet-trained": the words right after the name
        if re.match(r"^(?:-trained|-pretrained|\s+pre-?train)", tail, re.I):
            score -= 2
        # "the BDD100K driving video dataset": a data set described as data; "on the COCO dataset" and "on the A and
        # B datasets" name where scores are reported, the sentence's other cues decide
        if _DESCRIBED_AS_DATA.match(tail):
            score -= 1
        if re.match(r"^[\w\s\-]{0,30}?\bbenchmarks?\b", tail, re.I):
            score += 1.5
        votes[key] = votes.get(key, 0.0) + score
    decided = {}
    for key, kinds in original.items():
        if votes[key] > 0:
            decided[key] = "BENCHMARK"
        elif votes[key] < 0:
            decided[key] = "DATASET"
        else:
            decided[key] = max(set(kinds), key=lambda k: (kinds.count(k), -kinds.index(k)))
    # a copy only where the type changes: most keep theirs, and a copy per mention cost more than the vote
    return [m.model_copy(update={"type": kind}) if m.type in DATA_KINDS and (kind := decided[doc.key(m.text)]) != m.type
            else m for m in mentions]


# --------------------------------------------------------------------------- entry point


def proposed_are_methods(mentions: list[Mention], acronyms: Sequence[AcronymPair],
                         proposals: Sequence[Proposal]) -> tuple[list[Mention], list[AcronymPair]]:
    """TASK mentions of a name the paper proposes (and of its acronym pair) retyped METHOD: ANNOTATION.md's
    proposals are methods, data sets or benchmarks."""
    names = {p.name.casefold() for p in proposals}
    if not any(m.type == "TASK" and m.text.casefold() in names for m in mentions):
        return mentions, list(acronyms)
    for a in acronyms:
        if a.long.casefold() in names or a.short.casefold() in names:
            names |= {a.long.casefold(), a.short.casefold()}
    mentions = [m.model_copy(update={"type": "METHOD"}) if m.type == "TASK" and m.text.casefold() in names else m
                for m in mentions]
    acronyms = [a.model_copy(update={"type": "METHOD"}) if a.type == "TASK" and a.short.casefold() in names else a
                for a in acronyms]
    return mentions, acronyms


def extract_relations(
    paper_id: str,
    text: str,
    sentences: Sequence[tuple[int, int]],
    mentions: Iterable[Mention],
    acronyms: Iterable[AcronymPair],
    *,
    extractor: str = EXTRACTOR,
    version: str = VERSION,
) -> tuple[list[Proposal], list[Derivation], list[ResultRecord]]:
    """Proposes, derived-from and results of one paper, each with evidence.

    ``text`` is ``document_text(title, abstract)``; ``sentences`` are ``(start, end)`` offsets into it
    (empty: a plain splitter is used); ``mentions`` are the concept mentions (nested ones allowed).
    """
    doc = _Doc(paper_id, text, sentences, mentions, acronyms, extractor, version)
    proposals = find_proposals(doc)
    derivations = find_derivations(doc, proposals)
    results = find_results(doc, proposals)
    return proposals, derivations, results
