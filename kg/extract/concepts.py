"""Combining candidate spans into concept mentions: the plain algorithm behind ``kg_concepts``.

Candidates come from the statistical NER, the gazetteer, name shapes and acronym definitions;
``combine_candidates`` trims them to the span rules of ANNOTATION.md, resolves overlaps (acronym
pairs first, then the longest confident span), carries types across acronym pairs and across
repeated strings, and decides BENCHMARK versus DATASET from context.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from typing import NamedTuple

from kg.extract.adapters import AbbrevPair
from kg.extract.shapes import (
    CAPS_STOP, GENERIC, LEADING_DROP, PLURAL_ACRONYM, TRAILING_DROP, dataset_or_benchmark, is_name_shape,
    looks_like_benchmark,
    looks_like_training_data,
    type_from_head,
)


#: heads that make a lowercase descriptive phrase a research problem ("motion prediction")
_TASK_HEAD = re.compile(
    r"(?:generation|detection|segmentation|recognition|classification|translation|answering|summarization|parsing|"
    r"retrieval|tracking|forecasting|completion|captioning|localization|prediction|estimation|adaptation|reasoning)$",
    re.I,
)
#: measured quantities the gazetteer's tokens miss ("pass@1") or that it keeps only where a training set
#: annotated them: the standard evaluation measures of NLP, vision and retrieval, written as they are named
#: (cased acronyms stay cased: "LAS" the metric, never "las" the word)
#: the lookahead lists every first character a metric name can have (with the case-insensitive ones' Unicode
#: case partners: Kelvin sign, long s): the long alternation is tried only at those, not at every word
_CASED_METRICS = (
    r"(?:BLEU|ROUGE|NDCG|Recall|Hits|MRR|P|R|mAP|AP)@\d+"
    r"|BLEU(?:-\d)?|ROUGE(?:-(?:\d|L|SU4|W|S))?|METEOR|CIDEr|SPICE|chrF(?:\+\+)?|BERTScore|TER|HTER|WER|CER"
    r"|UAS|LAS|LAA|EM|F1|AP(?:box|mask)|BD-rate|F-?(?:score|measure)s?|F_1|F-1|MRR|NDCG|AUC|AUROC|AUPRC|mAP|mIoU|IoU|FID|PSNR|MS-SSIM|SSIM"
    r"|LPIPS|MAE|MSE|RMSE|BPC|BPB|FLOP[sS]"
)
_METRIC_END = r"(?![\w@]|-(?=\w))"
_METRIC_PATTERN = re.compile(
    r"(?<![\w@-])(?=[ABCDEFGHIKLMNOPRSTUWcekmpstw\u212a\u017f])(?:"
    r"(?i:pass@(?:\d+|k))|" + _CASED_METRICS + r"|(?i:perplexity|exact match|word error rates?|character error rates?"
    r"|top-\d{1,2}(?: accuracy| error)?|end-point error|mean reciprocal rank|mean average precision|(?:Pearson|Spearman)(?:'s)? correlation"
    r"|(?:Pearson|Spearman) correlation coefficients?|Kendall's tau|correlation coefficients?"
    r"|(?:Root[- ])?mean[- ](?:squared|absolute) errors?)"
    r")" + _METRIC_END
)


def _top_alternatives(pattern: str) -> list[str]:
    """The alternatives of ``pattern`` at its top level; a leading group of plain words is distributed over the
    rest ("(?:BLEU|MRR)@\\d+" -> "BLEU@\\d+", "MRR@\\d+": the same order, so the same leftmost-first choice)."""
    parts, depth, start, k = [], 0, 0, 0
    while k < len(pattern):
        ch = pattern[k]
        if ch == "\\":
            k += 1
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append(pattern[start:k])
            start = k + 1
        k += 1
    parts.append(pattern[start:])
    out = []
    for part in parts:
        words = re.match(r"\(\?:([A-Za-z|]+)\)", part)
        out.extend(w + part[words.end() :] for w in words.group(1).split("|")) if words else out.append(part)
    return out


def _literal_led(alternatives: list[str], not_before: str) -> str:
    """``(?<!not_before)(?:alternatives)`` written so that every alternative starts with its literal first letter
    and the one-character lookbehind comes right after it (``(?<!X.)`` there is ``(?<!X)`` before the letter):
    sre then skips to those letters instead of trying the pattern at every position of the text."""
    assert all(a[:1].isalpha() and a[1:2] not in ("?", "*", "{") for a in alternatives), alternatives
    return "(?:" + "|".join(a[0] + "(?<!" + not_before + ".)" + a[1:] for a in alternatives) + ")"


#: _METRIC_PATTERN less its case-insensitive names, for ASCII text that has none of the words they need
#: (_CASE_FREE_METRIC_WORDS, lowercased; three abstracts in four): its first letters leave out most lowercase words
#: (a scan 20 % cheaper); led by the names' first letters, not a lookahead of them (2x cheaper)
_CASED_METRIC_PATTERN = re.compile(_literal_led(_top_alternatives(_CASED_METRICS), r"[\w@-]") + _METRIC_END)
#: ... less the names led by a lowercase letter ("chrF", "mAP", "mIoU"), for text without their leading letters
#: (nearly all): the scan then stops at capitals only, not at every "c" and "m" (30 % cheaper)
_CAPITAL_METRIC_PATTERN = re.compile(
    _literal_led([a for a in _top_alternatives(_CASED_METRICS) if not a[0].islower()], r"[\w@-]") + _METRIC_END)
#: the letters those names start with (a letter before "?", "*" or "{" is not always there)
#: (an empty one is in every text)
_LOWERCASE_LED_METRICS = tuple(sorted({re.match(r"[A-Za-z0-9]*?(?=[^A-Za-z0-9]|[A-Za-z0-9][?*{]|$)", a)[0]
                                        for a in _top_alternatives(_CASED_METRICS) if a[0].islower()}))
_CASE_FREE_METRIC_WORDS = ("pass@", "perplexity", "exact match", "error", "top-", "mean", "correlation", "kendall")
_METRIC_WORD = re.compile(r"(?:accuracy|errors?|error rates?|success rates?|regret|constraint violations?)", re.I)
#: what a measure measures, right before it: a hyphenated compound ("out-of-distribution accuracy", "closed-loop
#: regret") or a word saying how it is aggregated ("cumulative regret"); a noun of action before it says what the
#: measure is taken on, the measure is named alone ("classification accuracy": TDMSci annotates "accuracy" 17 to 1)
_METRIC_COMPOUND = re.compile(r"(?<![\w-])([a-z]+(?:-[a-z]+){1,3}|cumulative|spatial|temporal)\s+$")
#: compounds that say how good or how bound a measure is, not which measure: "variance-dependent regret"
_EVALUATIVE_COMPOUND = re.compile(r"-(?:dependent|independent|free|optimal|perfect|art|quality|known|called|term)$")
_MEASURE_WORD_HEAD = re.compile(r"((?i:(?:mean |average )?precision|recall|accuracy|accuracies))\s+(?:scores?|rates?|criterion|values?)")
_METRIC_VARIANT = re.compile(r"(?<![\w-])(?:[a-z]+-level|[a-z]+-averaged|unigram|bigram|trigram|n-gram|[Ll]abell?ed|"
                             r"[Uu]nlabell?ed|pairwise|[Mm]acro|[Mm]icro)\s+$")
_NOT_METRIC_COMPOUND = frozenset("state-of-the-art high-quality well-known so-called long-term short-term".split())
#: a metric name followed by its generic head: "BLEU score" names "BLEU" (ANNOTATION.md: no generic heads)
_METRIC_HEAD = re.compile(r"\s+(?:scores?|metrics?|measures?|values?|points?)\b")
#: quantities that are set or paid, not measured as a result: hyperparameters and compute costs
_NOT_A_METRIC = re.compile(
    r"(?:learning rates?|batch sizes?|step sizes?|computational (?:cost|costs|efficiency|overhead|expense|burden))$", re.I
)


def _descriptive(phrase: str) -> bool:
    """A phrase written as words, not as a name: every word after the first is lowercase."""
    words = phrase.split()
    return len(words) >= 2 and all(w.islower() or not any(ch.isalpha() for ch in w) for w in words[1:])


#: heads that make a phrase generic when nothing specific modifies them ("teacher model", "deep representations")
_GENERIC_HEADS = frozenset(
    "model models network networks architecture architectures layer layers system systems representation "
    "representations framework frameworks module modules component components".split()
)
#: modifiers that say nothing about which thing is meant
_NONSPECIFIC = frozenset(
    """deep pretrained pre-trained trained learned teacher student base baseline target existing proposed original
    standard full whole entire single multiple final resulting underlying end-to-end ai large small generic general
    data-centric our the a an""".split()
)


def generic_phrase(phrase: str) -> bool:
    """A lowercase phrase of only non-specific words ending in a generic head: not a concept."""
    if not phrase.islower():  # most spans: no split
        return False
    words = phrase.split()
    return (
        len(words) >= 2 and words[-1] in _GENERIC_HEADS
        and all(w in _NONSPECIFIC or w in GENERIC for w in words[:-1])
    )


#: a release number after a name, not a count: "PaLM 2 to", "Llama 3 model" (not "2 layers", "3 million", "2%")
_RELEASE_NUMBER = re.compile(
    r" (\d{1,2}(?:\.\d)?)(?![\w%-]|[.,]\d)(?!\s+(?:[a-z]{2,}s|million|billion|thousand|hundred|x)\b)")

#: a model name goes on with its released variant: "Llama3.1-8B Instruct", "Qwen3-8B Base"
_VARIANT_TAIL = re.compile(r" (?:Instruct|Base|Chat|Coder|Distill|Preview|Turbo|Mini|Pro|Large|Small|XL)\b")


def task_by_head(phrase: str, kind: str | None) -> str | None:
    """METHOD -> TASK for a descriptive phrase with a task head ("domain adaptation", not "Low-Rank Adaptation")."""
    # "retrieval-augmented generation", "diffusion-based generation" name a method, not a problem
    if kind == "METHOD" and _descriptive(phrase) and _TASK_HEAD.search(phrase) and not re.search(
        r"-(?:augmented|based|guided|conditioned)\s", phrase
    ):
        return "TASK"
    return kind


#: a long form written in capitals word by word, each word a plain one ("Domain Adaptation", "Source data-Free
#: Active Domain Adaptation"), not a coined one with inner capitals ("PrototypicAl")
_PLAIN_TITLE_WORD = re.compile(r"(?:[A-Z]?[a-z]+)(?:-(?:[A-Z]?[a-z]+))*")
_INITIALS = re.compile(r"[A-Z]{2,}(?:-[A-Z]{2,})*s?")  # "PLT-MLC" too
_METHOD_LIKE_HEAD = re.compile(r"(?:Estimation|Reasoning)$")


def task_long_form(long_text: str, short_text: str, kind: str | None) -> str | None:
    """METHOD -> TASK for a capitalised long form whose lowercase form is a task phrase ("Domain Adaptation (DA)",
    "Visual Question Answering (VQA)"); a short form with lowercase letters is a coined method ("LoRA")."""
    if kind != "METHOD" or not _INITIALS.fullmatch(short_text):
        return kind
    words = long_text.split()
    if len(words) < 2 or not all(_PLAIN_TITLE_WORD.fullmatch(w) for w in words):
        return kind
    # capitalised "... Estimation"/"... Reasoning" long forms are mostly estimators and methods ("Generalized
    # Advantage Estimation (GAE)", "Noise Contrastive Estimation (NCE)"), unlike "Pose Estimation" in lowercase
    if _METHOD_LIKE_HEAD.search(long_text):
        return kind
    lowered = words[0] + " " + " ".join(w.lower() for w in words[1:])
    return task_by_head(lowered, kind)


_LANGUAGE = (
    r"(?:English|Chinese|Mandarin|Arabic|French|German|Spanish|Japanese|Korean|Czech|Turkish|Urdu|Hindi|Russian|"
    r"Italian|Portuguese|Dutch|Romanian|Finnish|Estonian|Latvian|Lithuanian|Vietnamese|Persian|Farsi|Hebrew|Greek|"
    r"Polish|Swedish|Danish|Norwegian|Hungarian|Thai|Indonesian|Malay|Bengali|Tamil|Telugu|Swahili|Ukrainian|Kazakh|"
    r"Gujarati|Nepali|Sinhala|Pashto|Malagasy|Basque|Catalan|Croatian|Serbian|Slovenian|Bulgarian)"
)
_ONE_LANGUAGE = re.compile(_LANGUAGE)
#: a language a task is done in, ending its span: "parsing of Chinese", "opinion mining for Portuguese"
_LANGUAGE_TAIL = re.compile(r"(?<=\w)\s+(?:of|for|in)\s+" + _LANGUAGE + r"$")
#: the capitals a language name starts with: a span starting otherwise is no language pair (no regex call)
_LANGUAGE_INITIALS = frozenset(w[0] for w in _LANGUAGE[3:-1].split("|"))
#: "Chinese-to-English translation": a language pair with its task word names the task
_LANGUAGE_PAIR = re.compile(
    _LANGUAGE + r"(?:-to-|-|/|\s+to\s+)" + _LANGUAGE
    + r"(\s+(?:(?:machine|speech|patent|document|text)\s+)?(?:translation|transliteration|word alignment))?\b"
)
_LANGUAGE_DATA = re.compile(
    _LANGUAGE + r"(?:\s*(?:-|/|,|and|or)\s*" + _LANGUAGE + r")*"
    r"(?:\s+(?:test|training|development|dev|parallel|monolingual|bilingual|source|target))?"
    r"(?:\s+(?:data|corpus|corpora|datasets?|data\s+sets?|test\s+sets?|sets?|sentences|texts?|test))?")
#: a lowercase data head right after a name: "the MUC-7 corpus", "the Edinburgh Twitter dataset"
_DATA_HEAD_AFTER = re.compile(r"\s+(?:corpus|corpora|datasets?|data\s+sets?|treebanks?|test\s+sets?|lexicon|thesaurus)\b")
#: ", a new benchmark that": an apposition headed by a data word ("a dataset-dependent method", "a suite of
#: algorithms", "a benchmark of" are no data heads of the apposition)
_PAIR_APPOSITION = re.compile(r",\s+(?:a|an|the)\s+(?:[\w-]+\s+){0,4}?(benchmark|dataset|corpus)(?![\w-])(?!\s+of\b)")
_DATA_HEAD_TAIL = re.compile(r"\s+(?:datasets|data\s+sets|benchmarks|corpora|suites|environments?)$")
#: a name ending in its own data head: "British National Corpus", "CMU Pronouncing Dictionary"
_PAIR_DATA_HEAD = re.compile(r"\s+(datasets?|data\s+sets?|corpus|corpora|benchmarks?)\b", re.I)
_DATA_HEAD_LAST = re.compile(r"\s(?:Corpus|Corpora|Treebank|Dictionary|Lexicon|Thesaurus|Dataset|Data\s+Set)$")


_PAIR_ALONE = re.compile(r"\s*(?:[,.;:)]|$)|\s+(?:and|or)\s")


def language_pair_candidates(text: str) -> list["Candidate"]:
    """Translation tasks named by their language pair ("English-to-Czech translation")."""
    # the word boundary is checked here: a leading \b in the pattern costs sre its first-letter scan (5x slower)
    # a direction standing alone ("up to 2.99 (in English-to-Turkish)") names the translation task without its
    # head; before a noun it says which languages another task works on ("English-to-Chinese summarization") and
    # "Urdu-English" may be data. So a kept pair needs its task word or "-to-": substring tests skip the scan of
    # most abstracts (seven in eight)
    if not ("transl" in text or "word alignment" in text or "-to-" in text):
        return []
    return [Candidate(m.start(), m.end(), "TASK", "rule", 1, 0.8) for m in _LANGUAGE_PAIR.finditer(text)
            if (m.group(1) or ("-to-" in m.group(0) and _PAIR_ALONE.match(text, m.end())))
            and (m.start() == 0 or not _word_char(text[m.start() - 1]))]


#: a released model named by its parameter count or its decimal version: "Codestral-22B", "Qwen2.5-32B",
#: "DeepSeek-R1-Distill-Qwen-7B", "Mixtral-8x7B", "Claude-3.5" (ANNOTATION.md: a model family is a METHOD)
_MODEL_NAME = re.compile(r"(?<![\w@./-])[A-Z][A-Za-z0-9.]*(?:-[A-Za-z0-9.]*[A-Za-z0-9])*(?![\w-]|\.\w)")
#: ... also before a released variant's word: "Llama3.1-8B Instruct"
#: (a count starts the number: "Human3.6M" names a data set, its "6M" no size)
_PARAM_COUNT = re.compile(r"(?<![A-Za-z\d.])\d+(?:\.\d+)?(?:x\d+)?[BM](?:$|-|\s)")
_DECIMAL_VERSION = re.compile(r"[A-Za-z]-?\d+\.\d+(?:-|$)")
_MODEL_CUE = re.compile(r"\d(?:\.\d+)?[BM]\b|\d\.\d")
_TOKEN_LEFT = re.compile(r"[A-Za-z0-9.-]*$")
_TOKEN_RIGHT = re.compile(r"[A-Za-z0-9.-]*")


def is_sized_model(name: str) -> bool:
    """A name carrying a parameter count ("Qwen3-8B"): a released model, never a data set."""
    return bool(_PARAM_COUNT.search(name))


def model_name_candidates(text: str) -> list["Candidate"]:
    """Released models by their size or version suffix; a name by version alone only outside data heads."""
    out = []
    seen = set()
    # expand each size or version cue to its word: scanning every capitalised word cost three times more
    for cue in _MODEL_CUE.finditer(text):
        left = _TOKEN_LEFT.search(text, max(0, cue.start() - 60), cue.start())
        start = left.start()
        if start in seen:
            continue
        seen.add(start)
        end = _TOKEN_RIGHT.match(text, cue.start()).end()
        while end > start and text[end - 1] in ".-":
            end -= 1
        m = _MODEL_NAME.fullmatch(text, start, end)
        if m is None or (start > 0 and text[start - 1] in "@/"):
            continue
        name = m.group(0)
        if is_sized_model(name):
            out.append(Candidate(start, end, "METHOD", "rule-model", 1, 0.85))
        elif _DECIMAL_VERSION.search(name) and not _DATA_HEAD_AFTER.match(text, end):
            out.append(Candidate(start, end, "METHOD", "rule-model", 1, 0.7))
    return out


#: adjective, adverb, verb and comparative endings ("lower error", "reduced latency"); "test error" keeps "test"
_MODIFIER_NOT_NOUN = ("ly", "ed", "ive", "ous", "ful", "ble", "ing", "er", "al")


def measured_candidates(text: str) -> list["Candidate"]:
    """Measured quantities named by a noun and a measure head where the text changes them ("token usage")."""
    out = []
    for h in _MEASURED_HEAD.finditer(text):
        if h.start() and _word_char(text[h.start() - 1]):
            continue
        m = _MEASURED_MODIFIER.search(text, max(0, h.start() - 50), h.start())
        if m is None or (m.group(1) is None and not _BY_NUMBER.match(text, h.end())):
            continue
        modifier = m.group(2)
        # "lower error", "the training error of": an evaluative or function word is no part of the name
        if modifier in _TASK_STOP or modifier.endswith(_MODIFIER_NOT_NOUN) or modifier in ("best", "least", "most"):
            continue
        out.append(Candidate(m.start(2), h.end(), "METRIC", "rule-metric", 1, 0.7))
    return out


#: "outperforms ... in terms of training time, sample efficiency and final accuracy": what a comparison is made in
#: terms of is measured (ANNOTATION.md: a METRIC when "used as a measured quantity"); the list ends at a clause
_IN_TERMS_OF = re.compile(r"in terms of\s+")
_LIST_TEXT = re.compile(r"[^.;:()]{1,160}")
_LIST_END = re.compile(
    r"\s(?:on|in|of|over|than|compared|while|with|for|across|without|since|at|when|to|by|from|which|that|under|"
    r"against|as|is|are|was|were|we|it|but|whereas|demonstrating|showing|using|via)\s"
)
_LIST_SEPARATOR = re.compile(r"\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or|as well as)\s+")
#: the same without "as well as": the examples in "(e.g. ...)" and the items coordinated with a TASK
_ITEM_SEPARATOR = re.compile(r"\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+")
_ITEM_LEAD = frozenset("the both their its our a an final overall".split())
#: a one-word item that is a measure on its own; longer items need a measure head ("persona consistency")
_MEASURE_ALONE = frozenset(
    "accuracy error errors precision recall coverage latency perplexity throughput regret fidelity".split())
_MEASURE_HEADS = _MEASURE_ALONE | frozenset(
    """efficiency efficiencies time times speed ratio consistency coherence diversity welfare return returns
    generalization generalisation effectiveness distance quality utility robustness rate rates cost usage""".split())
_ITEM_WORD = re.compile(r"[A-Za-z][\w/-]*")
#: words that make an item a clause, not a measure's name ("the role of", "how well it")
_ITEM_STOP = frozenset("the a an this that these those we our their its it how what which not more less of in on for to with at from".split())


def _list_items(separator: re.Pattern, text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """(start, end) of each item of the list ``text[start:end]``, cut at ``separator``."""
    at = start
    for sep in separator.finditer(text, start, end):
        yield at, sep.start()
        at = sep.end()
    if at < end:
        yield at, end


def in_terms_of_candidates(text: str) -> list["Candidate"]:
    """METRICs listed after "in terms of": one-word measures ("accuracy") and phrases with a measure head."""
    out = []
    for m in _IN_TERMS_OF.finditer(text):
        if m.start() and _word_char(text[m.start() - 1]):
            continue
        # the list is matched apart: one greedy match would swallow a second "in terms of" after it
        span = _LIST_TEXT.match(text, m.end())
        if span is None:
            continue
        start, end = span.start(), span.end()
        stop = _LIST_END.search(text, start, end)
        if stop is not None:
            end = stop.start()
        found, names = [], []
        for at, item_end in _list_items(_LIST_SEPARATOR, text, start, end):
            words = [w for w in _ITEM_WORD.finditer(text, at, item_end)]
            while words and words[0].group(0).lower() in _ITEM_LEAD:
                words.pop(0)
            # every character of the item is a word or the space between two: no digits alone, no brackets
            if words and len(words) <= 3 and not text[words[-1].end() : item_end].strip() and " ".join(
                    w.group(0) for w in words) == text[words[0].start() : words[-1].end()]:
                head = words[-1].group(0).lower()
                if (head in _MEASURE_ALONE if len(words) == 1 else head in _MEASURE_HEADS) and not any(
                        w.group(0).lower() in _ITEM_STOP for w in words):
                    found.append(Candidate(words[0].start(), words[-1].end(), "METRIC", "rule-metric", 1, 0.7))
                elif len(words) == 1 and (is_name_shape(words[0].group(0)) or ("-" in head and head.rsplit("-", 1)[-1] in _MEASURE_HEADS)
                                          or words[0].group(0).istitle()):
                    # "Hypervolume", "R2-distance": a name listed with measures is one
                    names.append(Candidate(words[0].start(), words[-1].end(), "METRIC", "rule-metric", 1, 0.7))
        out.extend(found)
        if found:
            out.extend(names)
    return out


#: "improves helpfulness by 9.6%", "reducing collision rates by 4x": a quantity the text changes by an amount is
#: measured; found from the amount, then the verb and the noun phrase before it
_BY_AMOUNT = re.compile(r"\sby\s+(?:over\s+|up\s+to\s+|about\s+|nearly\s+|more\s+than\s+)?(?:\d|an?\s+order|orders|a\s+factor)")
_CHANGED = re.compile(
    r"(?<![\w-])(?:improv|reduc|increas|decreas|lower|rais|boost|enhanc)[a-z]*\s+(?:the\s+|its\s+|their\s+|our\s+)?"
    r"((?:[a-z][\w-]*\s+){0,2}[a-z][\w-]*)\s*$"
)
#: what a method improves that is no named measure: "performance", "results", "the state of the art"
_NOT_MEASURED = frozenset("performance performances results result state-of-the-art sota baseline baselines it them".split())


def changed_by_candidates(text: str) -> list["Candidate"]:
    """METRICs the text changes by an amount: a measure head, or a quality noun in -ness/-ity ("helpfulness")."""
    out = []
    for b in _BY_AMOUNT.finditer(text):
        m = _CHANGED.search(text, max(0, b.start() - 60), b.start())
        if m is None:
            continue
        words = m.group(1).split()
        head = words[-1]
        if head in _NOT_MEASURED or any(w in _ITEM_STOP or w in _NOT_MEASURED for w in words):
            continue
        if head in _MEASURE_HEADS or head.endswith(("ness", "ity")):
            out.append(Candidate(m.start(1), m.end(1), "METRIC", "rule-metric", 1, 0.7))
    return out


#: "F1 score" is the measure's name in every annotated set we have (TDMSci 11 of 13, SciREX and SciERC 15 of 15),
#: unlike "BLEU score" (TDMSci: "BLEU" 21 of 25): its head stays
_F1_NAMES = frozenset(("F1", "F-1", "F_1"))
_F1_SCORE = re.compile(r"\s+scores?\b")
_SPACED_F1 = re.compile(r"(?<![\w-])F 1(?:\s*-\s*scores?|\s+scores?)?(?![\w-])")


def metric_candidates(text: str) -> list["Candidate"]:
    """Known evaluation measures by name; "EM" only where it is not the EM algorithm."""
    out = []
    lower = text.lower() if text.isascii() else None  # re.I matches only ASCII letters' cases in ASCII text
    pattern = _METRIC_PATTERN
    if lower is not None and not any(w in lower for w in _CASE_FREE_METRIC_WORDS):
        pattern = (_CASED_METRIC_PATTERN if any(word in text for word in _LOWERCASE_LED_METRICS)
                   else _CAPITAL_METRIC_PATTERN)
    for m in pattern.finditer(text):
        if m.group(0) == "EM" and (_EM_ALGORITHM.match(text[m.end() : m.end() + 14]) or not _EM_MEASURE_CUE.search(
                text, max(0, m.start() - 30), m.end() + 30)):
            continue  # "improves over EM", "standard EM", "EM and VB estimation": the algorithm, no measure near
        end = m.end()
        if m.group(0) in _F1_NAMES:
            score = _F1_SCORE.match(text, end)
            if score is not None:
                end = score.end()
        out.append(Candidate(m.start(), end, "METRIC", "pattern", 1, 0.9))
    if "F 1" in text:
        # "F 1 -score", "F 1 scores": F1 with the space a PDF extraction leaves (TDMSci: 8 of 9 annotated)
        out.extend(Candidate(m.start(), m.end(), "METRIC", "pattern", 1, 0.9) for m in _SPACED_F1.finditer(text))
    # the cut-off first: its literal " at " lets the scan skip ahead (a measure-word alternation would not)
    for m in _AT_CUTOFF.finditer(text):
        word = _MEASURE_BEFORE_CUTOFF.search(text, max(0, m.start() - 14), m.start())
        if word is not None:
            out.append(Candidate(word.start(), m.end(), "METRIC", "pattern", 1, 0.9))
    return out


#: a ranking measure at its cut-off: "precision at 30", "precisions at k", "accuracy at 5" name the measure the way
#: "top-1 accuracy" and "pass@1" do (TDMSci annotates the cut-off 3 times of 3)
_AT_CUTOFF = re.compile(r" at (?:\d{1,4}|k|K)(?![\w%-]|[.,]\d)")
_MEASURE_BEFORE_CUTOFF = re.compile(r"(?<![\w-])(?i:precisions?|recall|accuracy|hits|success rate|n?DCG)$")


# --------------------------------------------------------------------------- contextual name rules

_NAME_WORD = r"(?:[A-Z][\w.+\-]*[\w+]|[A-Z]|[a-z]+[A-Z][\w.+\-]*)"
_WE_COIN = (r"e\s+(?:(?:first|further|then|also|here)\s+)?(?:propose|introduce|present|develop|release|call|name|term|dub)"
            r"(?:\s+(?:it|this|them|an?\s+(?:new|novel)))?")
_COINED_NAME = (r"\s+(?P<name>" + _NAME_WORD + r"(?:\s+" + _NAME_WORD + r"){0,4}\**)"  # "SEQ*": a star is part of a name
                r"(?=\s*(?:[,:;(]|\.(?:\s|$)|\s(?:a|an|which|that|to|for|as|is)\s))")
#: a coined name right after the words that introduce it: "we propose EqMotion, ...", "namely Alice"
_COINED = re.compile(
    # the first letters ([Ww]e, the heads) in a lookahead: sre skips most positions before the word boundary
    r"(?=[Wwmfabdsptnlo])(?:\b[Ww]" + _WE_COIN + r"|\b(?P<head>method|framework|model|approach|algorithm|architecture|"
    r"benchmark|dataset|system|pipeline|technique|network|agent|module|tool|loss|metric|suite|strategy|objective|"
    r"paradigm)s?,?\s+(?:namely|called|named|termed|dubbed|coined))" + _COINED_NAME
)
#: _COINED for a text without its naming words (four in five abstracts): only "we propose X" can match there,
#: and a pattern that starts by consuming "W"/"w" lets sre jump between those letters (a scan 40 % cheaper).
#: ``(?<!\w[Ww])`` after the letter is the word boundary before it
_COINED_WE = re.compile(r"[Ww](?<!\w[Ww])" + _WE_COIN + _COINED_NAME)
_NAMING_WORDS = ("namely", "called", "named", "termed", "dubbed", "coined")
_DATA_CUE_HEADS = frozenset(("benchmark", "dataset", "suite"))
#: a lowercase name the authors coin themselves: "what we call equivariance regularizer for ..."
_COINED_LOWER = re.compile(
    r"\b[Ww]e\s+(?:call|term|dub)\s+([a-z][\w-]*(?:\s+[a-z][\w-]*){0,3}?)(?=\s*(?:[,;(]|\s(?:for|which|that)\b))"
)
#: what _COINED_LOWER needs, found from its first letter ("term" and "call" alone are in "long-term", "recall")
_WE_CALL = re.compile(r"[Ww]e\s+(?:call|term|dub)\s")
#: "a geometric version of the WL test": the base named inside a derived name
_MEASURE_LONG_FORM = re.compile(r"[\w-]\s+(?:rates?|scores?|accuracy|errors?|distance|divergence)$", re.I)
_VERSION_OF = re.compile(
    r"\b(?:version|variant|extension|generali[sz]ation|modification|adaptation)s?\s+of\s+(?:the\s+|a\s+|an\s+)?", re.I
)
#: capitalised words that start a sentence or a clause, not a name
_NOT_A_NAME = frozenset("A An The This These That Those Our Its It In We Each Several Such Some Both".split())
#: "the Diffuser framework", "the Walking Tours first-person video dataset": a name before its generic head
#: "the" first, its word boundary as a lookbehind after it: a literal start lets re skip to each "the"
_NAME_BEFORE_HEAD = re.compile(
    r"the(?<!\wthe)\s+(" + _NAME_WORD + r"(?:\s+" + _NAME_WORD + r"){0,2})\s+"
    r"(?:(framework|model|algorithm|architecture|optimizer|method)|((?:[a-z][\w-]*\s+){0,3}?)(dataset|corpus|benchmark|suite)s?)\b"
)
#: the head right before a name: "a new attack GMVFool, while", "an unsupervised ICL method, TopKNearestPR, which"
#: (tried at each name-shaped word, backwards: a scan of the text for the heads cost 1 % of the extraction)
_HEAD_BEFORE_NAME = re.compile(
    r"(?<=\w )(?:method|attack|algorithm|framework|approach|architecture|technique|optimizer|agent|model),?\s+$")
_AFTER_NAME = re.compile(r",\s|\s(?:which|that|to|for|as|is|and)\s|[.;:](?:\s|$)")
_AUTHOR_YEAR = re.compile(r"[A-Z][a-z]+(?:19|20)\d\d[a-z]?")  # "Lee2016": a citation key, not a name
_APPOSITION_KIND = re.compile(
    r"^\s*(?:\([^()]*\)\s*)?,\s+(?:a|an|the)\s+(?:[\w-]+\s+){0,5}?(benchmark|suite|dataset|corpus)\b", re.I
)


def _kind_by_apposition(after: str) -> str:
    m = _APPOSITION_KIND.match(after)
    if m is None:
        return "METHOD"
    return "BENCHMARK" if m.group(1).lower() in ("benchmark", "suite") else "DATASET"


#: a lowercase noun phrase ending in a task head: "human skeleton motion prediction", "mesh processing"
_TASK_HEADS = (
    r"(?:generation|detection|segmentation|recognition|classification|translation|answering|"
    r"summarization|parsing|retrieval|tracking|forecasting|captioning|localization|prediction|estimation|processing|"
    r"manipulation|understanding|extraction|alignment|disambiguation|simplification|tagging|labell?ing|linking|"
    r"correction|adaptation|identification|normalization|transliteration|synthesis|planning|editing|recommendation|"
    r"discovery|diagnosis)"
)


def _word_trie(alternation: str) -> str:
    """``alternation``, a group of lowercase words ("l?" spelling variants allowed), as a character trie: sre tries
    an alternation's branches one by one at each position, a trie only those of the letter there. The words are
    whole words wherever it is used (a word boundary follows), so the trie matches what the alternation does; an
    alternation of other shapes is returned as it is."""
    words = []
    for word in _top_alternatives(alternation[3:-1] if alternation.startswith("(?:") else alternation):
        variant = re.fullmatch(r"([a-z]+)([a-z])\?([a-z]*)", word)
        if variant is not None:
            words += [variant[1] + variant[2] + variant[3], variant[1] + variant[3]]
        elif re.fullmatch(r"[a-z]+", word):
            words.append(word)
        else:
            return alternation
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def walk(node: dict) -> str:
        branches = [ch + walk(sub) for ch, sub in sorted(node.items()) if ch]
        body = "" if not branches else branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node and body else body

    return "(?:" + walk(trie) + ")"


#: the head (group 1) after a lowercase word or a digit and one space; the pattern starts with that space as a
#: literal, which re jumps between (a lookbehind first made it try every position: a scan 45 % dearer); the heads
#: as a trie (at each space sre tried the ~40 heads one by one: 28 us per abstract)
_TASK_HEAD_WORD = re.compile(r" (?<=[a-z0-9] )(" + _word_trie(_TASK_HEADS) + r")\b(?![\w-])")
#: a name ending in a task head names a task, never the benchmark it is measured on ("POS tagging")
_ENDS_IN_TASK_HEAD = re.compile(r"(?<![\w-])" + _TASK_HEADS + r"$", re.I)
#: a measured quantity named by a noun and its head, where the text changes or measures it: "reducing token
#: usage by 63%", "improves the generalization error" (the head alone, "error", is a metric name of its own)
#: (found from the head word, then the modifier and the cue around it: a scan for the cue or the modifier at every
#: word cost more than the rest of the rule)
_MEASURED_HEAD = re.compile(r"(?:usage|errors?|latency|consumption|throughput)(?![\w-])")
_MEASURED_MODIFIER = re.compile(
    r"(?<![\w-])(?:((?:reduc|lower|decreas|improv|minimi[sz]|increas|sav)[a-z]*)\s+(?:(?:the|its|their)\s+)?)?([a-z]+)\s+$"
)
_BY_NUMBER = re.compile(r"\s+by\s+\d")
#: up to three lowercase words right before a task head (searched backwards from the head: one cheap scan)
_TASK_MODIFIERS = re.compile(r"(?<![\w-])((?:[a-z0-9][\w-]*\s+){1,3})$")
#: words that end a task phrase on the left: function words, verbs and evaluative adjectives
_TASK_STOP = frozenset(
    """the a an of for in on to with and or by from as at is are was were be been being this that these those its
    their our we it which who via using use used such many multiple various several different other both each all
    any some more most less new novel efficient effective improved improve improves improving enable enables robust
    accurate better challenging important existing standard general specific downstream traditional conventional
    classical typical common complex simple difficult fundamental key core critical crucial can may will also
    further not only how when where while than then thus into over under across between toward towards within
    without about among after before during through upon perform performs performing achieve achieves tackle
    tackles address addresses study studies solve solves including include includes like accurate
    learning training based end-to-end equivariant invariant state-of-the-art sota art real-world unseen diverse
    possible aid help helps encourage encourages have has make makes made enable joint high low good poor
    competitive systematic cyclic accurate inference fast domain-specific learn learns consider considers require
    requires allow allows show shows propose proposes yield yields provide provides support supports obtain obtains
    outperform outperforms exhibit exhibits lack lacks remain remains benefit benefits one two three four five six
    seven eight nine ten s wherein whereby full combine combines facilitate facilitates capture captures online offline though although whereas compare compares compared evaluate evaluates
    investigate investigates explore explores examine examines present presents describe describes apply applies
    gold first second benchmark lower higher generate generates expected realistic""".split()
    # how right or how special an instance is, no kind of task ("valid extraction", "correct classification")
    + "valid correct special empirical".split()
)


#: heads that end task phrases the guidelines call vague more often than task names ("spatial understanding",
#: "feature distribution alignment"); the tagger and the gazetteer still find the named ones
_VAGUE_TASK_HEADS = frozenset(("understanding", "alignment"))


_TASK_NOUN = r"(?:[a-z]+(?:ion|ing|sis)|retrieval)"
#: "on classification and reconstruction tasks": one-word task nouns coordinated before "tasks"/"problems"
#: searched backwards from each "tasks"/"problems" only: a scan of the whole text tried the nouns at every letter
_COORDINATED_TASKS = re.compile(
    r"(?<![\w-])((?:" + _TASK_NOUN + r",\s+)*" + _TASK_NOUN + r",?\s+(?:and|or)\s+" + _TASK_NOUN + r")\s+$"
)
_TASKS_WORD = re.compile(r"(?:tasks|problems)\b")
#: "vision tasks like classification (e.g. ImageNet), retrieval (...) and segmentation": a list after "tasks like"
#: (the literal start lets re jump between occurrences; the word boundary before it is checked by hand)
_TASKS_LIKE = re.compile(r"[Tt]asks,?\s+(?:like|such\s+as|including)\s+")
_LIST_ITEM = re.compile(r"((?:[a-z][a-z-]*\s+){0,2}?" + _TASK_NOUN + r")\b(?:\s*\([^()]{0,60}\))?(,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+)?")
_ONE_WORD = re.compile(_TASK_NOUN)
_WORD_BEFORE = re.compile(r"([\w-]+)\s+$")
#: nouns with a task suffix that name a field or an ability, not a task ("vision and language tasks")
_NOT_A_TASK_NOUN = frozenset("vision generalization generalisation modeling modelling interpreting".split())


def listed_task_candidates(text: str) -> list["Candidate"]:
    """One-word tasks named in a coordination before "tasks" or in a list after "tasks like"."""
    out = []
    for h in _TASKS_WORD.finditer(text):
        # the noun right before must end like a task noun: most "tasks" follow other words ("downstream tasks")
        if not text.endswith(("ion ", "ing ", "sis ", "val "), 0, h.start()):
            continue
        m = _COORDINATED_TASKS.search(text, max(0, h.start() - 160), h.start())
        if m is None or (m.start() and (_word_char(text[m.start() - 1]) or text[m.start() - 1] == "-")):
            continue
        words = [w for w in _ONE_WORD.finditer(text, m.start(1), m.end(1))]
        # "training and testing tasks": one function word or stage makes it no list of tasks; "novel view
        # synthesis and editing tasks": the first noun heads a longer phrase, so the list is not of one-word tasks
        before = _WORD_BEFORE.search(text, max(0, m.start(1) - 30), m.start(1))
        if (before is None or before.group(1).lower() in _TASK_STOP) and all(
                w.group(0) not in _TASK_STOP and w.group(0) not in _NOT_A_TASK_NOUN for w in words):
            out.extend(Candidate(w.start(), w.end(), "TASK", "rule-task-list", 1, 0.7) for w in words)
    for m in _TASKS_LIKE.finditer(text):
        if m.start() and _word_char(text[m.start() - 1]):
            continue
        at = m.end()
        while True:
            item = _LIST_ITEM.match(text, at)
            if (item is None or item.group(1) in _NOT_A_TASK_NOUN
                    or any(w in _TASK_STOP for w in item.group(1).split())):
                break
            out.append(Candidate(item.start(1), item.end(1), "TASK", "rule-task-list", 1, 0.7))
            if not item.group(2):
                break  # no separator after the item: the list ends
            at = item.end()
    return out


#: "on biochemical design tasks", "a simulated teleoperation task": a lowercase phrase of two or three words right
#: before "task(s)" whose last word is an action noun names the task, whatever its head (the head-noun rule knows only
#: the common heads); one word alone ("math tasks", "control task") is mostly a field or a kind of task
_BEFORE_TASK = re.compile(r"(?<![\w-])([a-z][\w-]*(?:\s+[a-z][\w-]*){1,2})\s+$")
_TASK_WORD = re.compile(r"tasks?\b")
_ACTION_NOUN = ("ion", "ing", "sis", " control", " design")
_ADVERBS = frozenset("often always usually also then still even very quite rather too".split())


def named_task_candidates(text: str) -> list["Candidate"]:
    """TASK phrases of two or three lowercase words right before "task"/"tasks", ending in an action noun."""
    out = []
    for h in _TASK_WORD.finditer(text):
        if not text.endswith(_ACTION_NOUN, 0, h.start() - 1) or text[h.start() - 1] != " ":
            continue
        m = _BEFORE_TASK.search(text, max(0, h.start() - 60), h.start())
        if m is None:
            continue
        words = m.group(1).split()
        one = False
        # cut at the last function word, verb or evaluative word; an adverb or a gerund cannot lead the name
        # a participle ("simulated", "user-specified") says which instance, not which task; an adverb ("very time
        # consuming tasks", "often solving tasks") modifies an adjective or a verb: the words are no task's name
        for k in range(len(words) - 1, -1, -1):
            w = words[k]
            if w in _ADVERBS or w.endswith("ly"):
                words = []
                break
            if w in _TASK_STOP or w.endswith("ed") or w.isdigit():
                # "a simulated teleoperation task": after a participle one action noun names the task, no field
                one = k == len(words) - 2 and w.endswith("ed") and w not in _TASK_STOP
                words = words[k + 1 :]
                break
        # "invariance-demanding tasks": a hyphenated participle is an adjective, no action noun
        if ((len(words) < 2 and not one) or words[0].endswith("ing") or ("-" in words[-1] and words[-1].endswith("ing"))
                or generic_phrase(" ".join(words))):
            continue
        start = h.start() - 1 - len(" ".join(words))
        if text[start : h.start() - 1] != " ".join(words):
            continue  # a line break or a double space inside: no plain phrase
        out.append(Candidate(start, h.start() - 1, "TASK", "rule-task-named", 1, 0.6))
    return out


#: "we address the problem of local fairness, which ...": the noun phrase a problem or task is of names it
_PROBLEM_OF = re.compile(r"\b(?:task|problem)s?\s+of\s+(?:the\s+)?([a-z][\w-]*(?:\s+[a-z][\w-]*){0,4}?)"
                         r"(?=\s*[,.;:]|\s+(?:which|where|that|with|using|via|through|in|on|for|and|or|to|from|under|by|as)\s)")


_ORDINALS = frozenset("first second third fourth fifth sixth seventh eighth ninth tenth last next".split())


def problem_of_candidates(text: str) -> list["Candidate"]:
    """TASKs named as what a problem or task is of: a noun phrase, not a clause ("the problem of learning a ...")."""
    out = []
    for m in _PROBLEM_OF.finditer(text):
        words = m.group(1).split()
        # a gerund first is a clause about doing something ("the task of predicting which caption ..."); an adverb or
        # a function word first is no name
        # one word alone is too often a property ("the problem of vagueness") to name a task
        if len(words) < 2 or words[0].endswith(("ing", "ly")) or words[0] in _ORDINALS or any(
                w in _TASK_STOP or w in _ITEM_STOP for w in words):
            continue
        # a verb or a plural inside ("diagnosis becomes accessible") or an adjective last: a clause, not a name
        if any(w.endswith("s") and not w.endswith(("ss", "sis", "ics")) for w in words[:-1]) or words[-1].endswith(
                ("ly", "ed", "ive", "ous", "ful", "ble", "est")):
            continue
        if generic_phrase(m.group(1)) or m.group(1) in GENERIC:
            continue
        out.append(Candidate(m.start(1), m.end(1), "TASK", "rule-task-of", 1, 0.65))
    return out


#: a table's caption that opens with what it scores: "Table 2: Frame identification results for FrameNet",
#: "Table 5: Disfluency detection performance on ...", "Table 3: MT results on ..."
_CAPTION_SCORED = re.compile(
    r"(?:Table|Figure)\s+\d+[a-z]?\s*[:.]\s+([A-Z][\w-]*(?: (?:and )?[\w-]+){0,3}?)\s+"
    r"(?:results?|performance|accuracy|scores?|evaluation)\b")
#: -ion nouns that name a thing or a quantity a caption reports, not a task ("Sense distribution evaluation")
_CAPTION_NOT_TASK = frozenset("distribution function representation information version configuration condition "
                              "comparison combination proportion position precision correlation".split())


def caption_task_candidates(text: str) -> list["Candidate"]:
    """The task a table's caption scores ("Table 4: Dispute detection results on ..."): an action noun or an
    acronym heads it (TDMSci annotates 23 of the 27 such captions' phrases; "BLEU score results" is a measure)."""
    m = _CAPTION_SCORED.match(text)
    if m is None:
        return []
    phrase = m.group(1)
    words = phrase.split()
    last = words[-1]
    if (any(w.lower() in _TASK_STOP and w != "and" for w in words) or last.lower() in _CAPTION_NOT_TASK
            or _METRIC_PATTERN.search(phrase)
            or not (last.lower().endswith(("ion", "ing", "sis")) or (last.isupper() and len(last) > 1))):
        return []
    return [Candidate(m.start(1), m.end(1), "TASK", "rule-task-caption", 1, 0.7)]


#: a sentence that opens by defining its subject as a task: "Relation extraction is the task of ...", "Automated
#: essay scoring, the task of ...", "Concept-to-text generation broadly refers to the task of ..."
_DEFINED_AS_TASK = re.compile(
    r"(?:^|(?<=[.!?] )|(?<=\n))([A-Z][\w-]*(?: [\w-]+){0,4}?)(?: \([^()]{1,15}\))?"
    r"(?:, (?:the|a|an)| (?:is|was|(?:\w+ly )?refers to) (?:the|a|an|one))(?: \w+)? (?:task|problem)s? of\b")


def defined_task_candidates(text: str) -> list["Candidate"]:
    """The subject a sentence opens with when the sentence defines it as a task (TDMSci: 12 of 12 annotated)."""
    out = []
    for m in _DEFINED_AS_TASK.finditer(text):
        words = m.group(1).split()
        # "This is the task of", "More recently, the task of": a pronoun, a determiner or an adverb is no name
        if words[0] in _NOT_A_NAME or words[0].lower() in _TASK_STOP or any(w in _TASK_STOP for w in words[1:]) or (
                words[-1].endswith("ly")):
            continue
        out.append(Candidate(m.start(1), m.end(1), "TASK", "rule-task-of", 1, 0.7))
    return out


#: optimization named by the class of its problem ("multi-objective optimization", "black-box optimization",
#: "non-smooth non-convex optimization") is a research problem, unlike a named optimizer ("policy optimization")
_PROBLEM_CLASS = re.compile(
    r"(?<![\w-])(?i:(?:non-?smooth\s+)?(?:multi-?objective|single-objective|many-objective|black-box|non-?convex|"
    r"combinatorial|online|bi-?level))\s+$"
)
_OPTIMIZATION_REST = re.compile(r"ptimi[sz]ation(?![\w-])")


def optimization_task_candidates(text: str) -> list["Candidate"]:
    """TASKs named as a class of optimization problem; they outrank the tagger's METHOD and its extra modifiers."""
    out = []
    # found from each "optimization", then the class word before it: a scan for the class words at every
    # character cost ten times more
    at = text.find("ptimi")
    while at > 0:
        rest = _OPTIMIZATION_REST.match(text, at) if text[at - 1] in "oO" else None
        if rest is not None:
            m = _PROBLEM_CLASS.search(text, max(0, at - 50), at - 1)
            if m is not None:
                out.append(Candidate(m.start(), rest.end(), "TASK", "rule-task-class", 2, 0.8))
        at = text.find("ptimi", at + 5)
    return out


#: a title that ends "... via Contrastive Sampling and Visual Persistence", "... through Level Set Projection":
#: the capitalised phrase after the means-preposition names the paper's method ("with" often names a setting instead:
#: "with Synthetic Data", "with Embodied Agents")
_TITLE_MEANS = re.compile(
    r"(?<![\w-])(?:via|through|by|using|Via|Through|By|Using)\s+(?:the\s+|a\s+|an\s+)?"
    r"([A-Z][\w-]*(?:\s+[A-Z][\w-]*)*)(?:\s+and\s+([A-Z][\w-]*(?:\s+[A-Z][\w-]*)*))?\s*$"
)


def title_means_candidates(text: str) -> list["Candidate"]:
    """METHODs named at the end of a title after "via", "through", "by" or "using"."""
    title_end = text.find("\n")
    if title_end < 0:
        return []
    m = _TITLE_MEANS.search(text, 0, title_end)
    if m is None:
        return []
    out = []
    for k in (1, 2):
        if m.group(k) is None:
            continue
        words = m.group(k).split()
        # a gerund first is a clause ("by Creating Stationary Objectives"); one plain word is a topic
        # ("through Regularisation"), unless it is coined ("by InvariancePropagation"); a task head names a task
        # ("Non-Commutativity" is a plain word capitalised)
        if words[0].endswith("ing") or (len(words) == 1 and (
                not is_name_shape(words[0]) or _PLAIN_TITLE_WORD.fullmatch(words[0]))) or _ENDS_IN_TASK_HEAD.search(
                m.group(k)):
            continue
        out.append(Candidate(m.start(k), m.end(k), "METHOD", "rule", 1, 0.75))
    return out


#: "Equivariant Diffusion for Planning with Embodied Agents", "... for Logical Reasoning": the capitalised phrase
#: after "for" in a title is what the method is for; ending in a task head, it names the paper's task
_TITLE_PURPOSE = re.compile(r"(?<![\w-])[Ff]or\s+([A-Z][\w-]*(?:[ \t]+[A-Z][\w-]*){0,3})(?![\w-])(?![ \t]+[A-Z])")


def title_purpose_candidates(text: str, candidates: list["Candidate"]) -> list["Candidate"]:
    """TASKs named after "for" in a title where nothing else found a name."""
    title_end = text.find("\n")
    if title_end < 0 or " for " not in text[:title_end].lower():
        return []
    out = []
    for m in _TITLE_PURPOSE.finditer(text, 0, title_end):
        start, end = m.span(1)
        # ANNOTATION.md: a phenomenon is a task where the paper treats it as one, and "Representations for
        # Covariate Shift" does
        if (not (_ENDS_IN_TASK_HEAD.search(m.group(1)) or _TASK_HEAD.search(m.group(1)) or m.group(1).endswith(_PHENOMENON_HEADS))
                or m.group(1).lower() in _VAGUE_TASK_HEADS
                or any(c.start < end and start < c.end for c in candidates if c.type is not None)):
            continue
        # "for Real-Time UAV Tracking": when or how big the setting is names no part of the task; "for Evaluating
        # Code Generation": a leading gerund is what is done to the task
        while " " in text[start:end] and (
                (word := text[start : text.index(" ", start)]).lower() in _SETTING_ADJECTIVES or word.endswith("ing")):
            start = text.index(" ", start) + 1
        out.append(Candidate(start, end, "TASK", "rule-task", 1, 0.75))
    return out


#: a quoted phrase of two to five words that opens with a name: "the 'NASNet search space'", "named 'X-Net decoder'"
_QUOTED_NAME = re.compile(r'(?:"|\u201c|``)(([A-Za-z][\w.+-]*)(?: [\w.+-]+){1,4})(?:"|\u201d|\'\')')


def quoted_name_candidates(text: str) -> list["Candidate"]:
    """METHODs the text sets off in quotation marks, led by a name ("the 'NASNet search space'"): quotes mark a
    coined term, and the name in it says it is the paper's own thing, not a scare-quoted word ("lazy")."""
    out = []
    for m in _QUOTED_NAME.finditer(text):
        if is_name_shape(m.group(2)):
            kind = "DATASET" if _DATA_HEAD_LAST.search(m.group(1)) else "METHOD"
            out.append(Candidate(m.start(1), m.end(1), kind, "rule", 1, 0.75))
    return out


#: a symmetry group's name leads a method's name ("SE(3)-Transformers", "E(2)-Equivariant Graph Planning",
#: "SE(3)-equivariant networks"); the tokenizer cuts at the parenthesis, so the tagger sees "SE" and the rest apart
#: (no bare "O": "O(n) attention" is a cost)
_GROUP_LEAD = re.compile(r"(?<![\w(])(?:S?E|S[OU])\((?:\d|n)\)[- ](?:((?:[Ee]quivariant|[Ii]nvariant)[- ]))?")
_GROUP_HEAD = re.compile(r"(?:[a-z][\w-]* ){0,2}(?:models?|networks?|attention|convolutions?|layers?)\b")


def group_name_candidates(text: str, candidates: list["Candidate"]) -> list["Candidate"]:
    """``candidates`` with the method names a symmetry group leads, over the tagger's pieces of them."""
    out = list(candidates)
    for g in _GROUP_LEAD.finditer(text):
        letters_end = text.index("(", g.start())
        # the bare group letters are a fragment, whatever follows
        out = [c for c in out if not (c.start == g.start() and c.end == letters_end and c.tier < 2)]
        if g.group(1) is None and text[g.end() - 1] != "-":
            continue  # "SE(3) symmetry": the group alone, no name it leads
        lead_end = g.start(1) if g.group(1) else g.end()
        end = max((c.end for c in candidates if c.type in ("METHOD", "TASK") and c.tier >= 1
                   and c.start in (lead_end, g.end())), default=0)
        if not end and g.group(1):
            head = _GROUP_HEAD.match(text, g.end())
            end = head.end() if head else 0
        if end:
            out.append(Candidate(g.start(), end, "METHOD", "rule", 2, 0.8))
    return out


#: what "processing" of language or text at large is: a field, no task of its own
_FIELD_PROCESSING = frozenset(("language", "text", "information", "data"))
#: the word before a task phrase's first modifier makes that modifier a verb: a subject, a modal or an adverb
_BEFORE_A_VERB = frozenset("we We they They I you You can could will would may might must should cannot".split())


def _verb_follows(text: str, at: int) -> bool:
    """Whether the word before the one at ``at`` says a verb comes next ("we", "could", "fully")."""
    end = at - 1
    while end > 0 and text[end - 1].isspace():
        end -= 1
    start = max(text.rfind(" ", max(0, end - 30), end), text.rfind("\n", max(0, end - 30), end)) + 1
    word = text[start:end]
    return word in _BEFORE_A_VERB or (len(word) > 4 and word.endswith("ly") and word.isalpha() and word.islower())


_ELLIPTIC_MODIFIER = re.compile(r"[a-z]+(?<!ion)(?<!ing)(?<!sis)(?<!ment)(?<!ly)(?<!ed)(?<!ive)(?<!ous)(?<!al)")


def task_candidates(text: str) -> list["Candidate"]:
    """TASK phrases named by their head noun, trimmed on the left at function words and evaluative words;
    a phrase that goes on with a generic head ("motion prediction model") names a method instead."""
    out: list[Candidate] = []
    for h in _TASK_HEAD_WORD.finditer(text):
        window_start = max(0, h.start(1) - 60)
        m = _TASK_MODIFIERS.search(text, window_start, h.start(1))
        if m is None:
            continue
        words = m.group(1).split()
        keep = 0
        compound_before = False
        for w in reversed(words):
            # adjectives and verb forms by their endings ("simulated", "predictive", "enabling")
            # a hyphenated compound says which kind or setting ("single-turn", "image-text", "cross-domain")
            if w in _TASK_STOP or w.isdigit() or w.endswith(_ADJECTIVE_ENDINGS) or "-" in w:
                compound_before = "-" in w and w not in _TASK_STOP
                if w == "novel" and keep and words[-keep].startswith("view"):
                    keep += 1  # ... but the views of "novel view synthesis" are new: the name starts there
                break
            keep += 1
        # "We measure prediction accuracy", "to fully master natural language generation": after a subject or a modal
        # (or an adverb) the first word is a verb, no modifier of the task
        while keep and _verb_follows(text, m.start(1) + len(m.group(1).rstrip()) - len(" ".join(words[-keep:]))):
            keep -= 1
        # ... but where the compound is the kind of this very task or thing ("n-body dynamics prediction",
        # "hypervolume-guided weight adaptation", "one-step ahead prediction") the words after it are no name of
        # their own: the span is unsure on the left, and the head rule leaves it to the tagger
        if compound_before and keep:
            continue
        if keep and keep + 2 <= len(words) and words[-keep - 1] in ("and", "or") and _ELLIPTIC_MODIFIER.fullmatch(words[-keep - 2]):
            continue
        if (keep == 0 or h.group(1) in _VAGUE_TASK_HEADS or _TASK_THEN_HEAD.match(text[h.end() : h.end() + 15])
                or text.startswith(" of ", h.end())):
            continue
        # "language processing", "semantic processing", "subsequent processing": processing of everything or of a
        # kind names a field or a step, no task ("audio processing", "mesh processing" name what is processed)
        if keep == 1 and h.group(1) == "processing" and (words[-1] in _FIELD_PROCESSING or words[-1].endswith(
                ("ic", "al", "ent", "ant", "ive"))):
            continue
        # "an iterative curvature correction", "an expected cost estimation": one action the sentence describes,
        # an instance, no task name
        if keep < len(words) and len(words) - keep >= 2 and words[-keep - 2] in ("a", "an") and (
                words[-keep - 1].endswith(_ADJECTIVE_ENDINGS)):
            continue
        start = m.end(1) - len(" ".join(words[-keep:])) - (len(m.group(1)) - len(m.group(1).rstrip()))
        out.append(Candidate(start, h.end(), "TASK", "rule-task", 1, 0.6))
    return out


#: "Mirror Sinkhorn: Fast Online ...", "FoMo Rewards: Can we ...": two capitalised words alone before a title's
#: colon name the paper's contribution, as one coined word does ("PooDLe: ..."); a verb ("Unveiling X", "Learn
#: X"), a function word or a generic head ("Graph Learning", "Neural Networks") makes a topic, not a name
_TITLE_NAME_WORD = re.compile(r"[A-Z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*")


def _two_word_title_name(lead: str) -> bool:
    """Whether a title's lead before its colon is two capitalised words that name a thing, not a topic."""
    words = lead.split()
    return (len(words) == 2 and all(_TITLE_NAME_WORD.fullmatch(w) for w in words) and words[0] not in _NOT_A_NAME
            and not any(w.endswith("ing") or w.lower() in _TASK_STOP or w.lower() in _ITEM_STOP or w.lower() in GENERIC
                        for w in words)
            and not words[0].lower().startswith(("learn", "toward", "beyond", "rethink", "revisit")))


def name_rule_candidates(text: str) -> list["Candidate"]:
    """Names the context introduces: coined names after a proposing cue, the title's one-word lead
    before a colon, and a capitalised name before a generic head ("the Diffuser framework")."""
    out: list[Candidate] = []
    coined = _COINED if any(w in text for w in _NAMING_WORDS) else _COINED_WE
    for m in coined.finditer(text):
        name = m.group("name")
        if name.split()[0] in _NOT_A_NAME or name.upper() in CAPS_STOP or text.startswith("(", m.end("name")):
            continue  # ... or a name cut at its glued parenthesis: "a new SE(3)-equivariant model"
        head, at, end = m.groupdict().get("head"), m.start("name"), m.end("name")
        if head in _DATA_CUE_HEADS:
            # "a new dataset called CodeQueries": the word the name is given to says its kind, over the tagger's
            kind = "BENCHMARK" if head in ("benchmark", "suite") else "DATASET"
            out.append(Candidate(at, end, kind, "rule", 2, 0.85))
            continue
        out.append(Candidate(at, end, _kind_by_apposition(text[end : end + 80]), "rule", 1, 0.85))
    # the pattern needs one of these words: substring tests skip its scan of most abstracts
    lower_cues = ("call" in text or "term" in text or "dub" in text) and _WE_CALL.search(text) is not None
    for m in _COINED_LOWER.finditer(text) if lower_cues else ():
        # "a phenomenon we call trajectory invariance" names an observation, not a method
        if m.group(1).split()[0] not in LEADING_DROP and m.group(1) not in GENERIC and not re.search(
            r"\b(?:phenomenon|phenomena|issue|problem|effect|property|behaviou?r)\s+(?:that\s+|which\s+)?$",
            text[max(0, m.start() - 40) : m.start()],
        ):
            out.append(Candidate(m.start(1), m.end(1), "METHOD", "rule", 1, 0.8))
    title_end = text.find("\n")
    colon = text.find(":", 0, title_end if title_end >= 0 else len(text))
    if colon > 0:
        lead = text[:colon].strip()
        # one word that looks coined ("PooDLe", "EqMotion", "Learn-by-interact"), not a topic ("Diffusion")
        if (" " not in lead and lead not in CAPS_STOP and (is_name_shape(lead) or "-" in lead.strip("-"))) or _two_word_title_name(lead):
            start = text.index(lead)
            out.append(Candidate(start, start + len(lead), _kind_by_apposition(text[colon + 1 : colon + 80]), "rule", 1, 0.75))
    for m in _NAME_BEFORE_HEAD.finditer(text):
        name = m.group(1)
        if name.split()[0] in _NOT_A_NAME:
            continue
        head = m.group(2) or m.group(4)
        kind = "METHOD" if m.group(2) else ("BENCHMARK" if head in ("benchmark", "suite") else "DATASET")
        # a model named after people keeps its head ("the Bradley-Terry model"), as _without_generic_head does
        end = m.end(2) if head == "model" and _PERSON_PAIR.fullmatch(name) else m.end(1)
        out.append(Candidate(m.start(1), end, kind, "rule", 1, 0.8))
    return out


class Candidate(NamedTuple):
    start: int
    end: int
    type: str | None
    source: str
    #: 2 acronym pair, 1 NER / gazetteer, 0 name shape
    tier: int
    confidence: float


_TRAIL = " \t\n,;:.!?\"'"
#: a parenthesis glued to a capital, holding a number or one letter: a group's argument, not an acronym
_GROUP_ARGUMENT = re.compile(r"[A-Z]\((?:\d{1,2}|[a-zA-Z])\)")
_LEADING_WORD = re.compile(r"(\w+)\s+")
_TRAILING_WORD = re.compile(r"\s+(\w+)$")
_LAST_WORD = re.compile(r"\s+([a-z]+)\s*$")
_LEAD = " \t\n,;:\"'"
_TRAILING_FUNCTION = frozenset("for via of with in on and or by to from at into using except than versus vs".split())
#: heads and function words that end no name, in the case they are written in (no lower() per span)
_TRAILING_CUT = TRAILING_DROP | _TRAILING_FUNCTION | {w.title() for w in _TRAILING_FUNCTION} | {
    w.upper() for w in _TRAILING_FUNCTION}
_ADJECTIVE_END = re.compile(r"\w(?:ive|ous)$")
_MODIFIER_LAST = re.compile(
    r"(?<![\w-])(?:[Nn]eural|[Dd]ynamic|[Ee]quivariant|[Ii]nvariant|[Gg]eometric|[Ss]emantic|[Aa]lgorithmic|[Ll]atent|"
    r"[Nn]atural|[\w]+-based)$")
_MODIFIER_ENDINGS = ("eural", "ynamic", "variant", "eometric", "emantic", "lgorithmic", "atent", "atural", "-based")
#: one hyphenated adjective is a modifier of a name, never the name: "RL-based", "Pre-trained"
_ADJECTIVE_WORD = re.compile(
    r"[\w.+]+-(?:based|trained|aware|free|guided|driven|agnostic|specific|like|style|level|wise|oriented|centric|"
    r"incremental|invariant|equivariant|efficient|robust|dependent|independent|consistent|conditioned|augmented)",
    re.I,
)
#: one hyphenated word of an adverb and an adjective, or two adjectives, modifies a noun ("Minimally-Clothed
#: regions", "Partially-Correct Solutions", "Spatial-Angular Correlation"); it names nothing alone
_ADJECTIVE_PAIR = re.compile(r"[a-z]+ly-[a-z]+|[a-z]+-[a-z]+(?:al|ar)", re.I)


_PROCESS_OWNER = re.compile(r"(?:[A-Z][\w-]*|decision|point|birth-death)\s+$")


def _named_process(text: str, start: int, m: re.Match) -> bool:
    """"Gaussian process", "Markov decision process", "Dirichlet processes": the head is part of the name."""
    return m.group(1) in ("process", "processes") and _PROCESS_OWNER.search(text, start, m.start() + 1) is not None


def _novel_views(text: str, m: re.Match) -> bool:
    """"novel view synthesis": the views are new, the word is part of the task's name, no claim of novelty."""
    return m.group(1) in ("novel", "Novel") and text.startswith(("view", "View"), m.end())


_ACRONYM_BEFORE = re.compile(r"(?<![\w'-])[A-Z][\w'-]*[A-Z0-9][\w'-]*$")


def _shared_task(text: str, start: int, m: re.Match) -> bool:
    """"the CoNLL 2000 shared task": "task" after "shared" ends an event's name; cut, "shared" would dangle.
    "the RTE task", "the WMT09 task": an acronym's task keeps its head, as "WL test" does (ANNOTATION.md)."""
    if m.group(1) not in ("task", "tasks"):
        return False
    return text.endswith(" shared", start, m.start()) or (
        m.group(1) == "task" and _ACRONYM_BEFORE.search(text, start, m.start()) is not None)


def trim_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Apply the span rules: no determiners, no parenthesised acronym, no stray punctuation."""
    span = text[start:end]
    paren = span.find("(")
    # "SE(3)-Transformer", "E(n) equivariant networks": a glued group argument is part of the name
    while paren > 0 and _GROUP_ARGUMENT.match(span, paren - 1):
        paren = span.find("(", paren + 1)
    if paren > 0 and span[paren - 1].isalnum() and ")" not in span[paren:]:
        return None  # "SE(3" cut inside a glued parenthesis: a fragment, not "SE"
    if paren > 0:
        end = start + paren
    elif paren == 0:
        return None
    while end > start and text[end - 1] in _TRAIL:
        end -= 1
    while start < end and text[start] in _LEAD:
        start += 1
    if start < end and (text[start] == "/" or text.startswith("- ", start)):
        return None  # "/English" of "Malagasy/English", "- Chinese" of "English- Chinese": a tagger fragment
    # compiled patterns over text[start:end] by pos/endpos: a slice and a pattern lookup per call dominated
    while True:
        m = _LEADING_WORD.match(text, start, end)
        if m and m.group(1).lower() in LEADING_DROP and not _novel_views(text, m):
            start = m.end()
        else:
            break
    while True:
        m = _TRAILING_WORD.search(text, start, end)
        # a name never ends in a preposition: "Equivariant Diffusion for" is a tagger span run on
        if (m and m.group(1) in _TRAILING_CUT and m.start() > start and not _named_process(text, start, m)
                and not _shared_task(text, start, m)):
            end = m.start()
        else:
            break
    if end <= start:
        return None
    piece = text[start:end]
    if piece.count(")") != piece.count("(") or piece.lower() in GENERIC or len(piece) < 2:
        return None
    return start, end


def _word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _occurrences(lower_text: str, needle: str):
    """(start, end) of ``needle`` in ``lower_text`` not inside a longer word."""
    if not needle:
        return
    at = lower_text.find(needle)
    while at >= 0:
        end = at + len(needle)
        if (at == 0 or not _word_char(lower_text[at - 1])) and (end == len(lower_text) or not _word_char(lower_text[end])):
            yield at, end
        at = lower_text.find(needle, at + 1)


def _inside_hyphenated(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] is one part of a longer name: "LASER" in "LASER-D", "GRAE" in "A-GRAE",
    "PFGM" in "PFGM++"."""
    before = start >= 2 and text[start - 1] == "-" and _word_char(text[start - 2])
    after = end < len(text) and (text[end] == "+" or (
        end + 1 < len(text) and text[end] == "-" and _word_char(text[end + 1])))
    return before or after


class _Coverage:
    """The characters some span covers: overlap tests in one step instead of one per span."""

    def __init__(self, spans: list[Candidate], length: int):
        self.spans = spans
        self.covered = bytearray(length + 1)
        self.odd = []  # empty or out-of-text spans keep the pairwise test
        for c in spans:
            if 0 <= c.start < c.end <= length:
                self.covered[c.start : c.end] = b"\x01" * (c.end - c.start)
            else:
                self.odd.append(c)

    def overlaps(self, start: int, end: int) -> bool:
        """Whether some span has ``c.start < end and start < c.end``."""
        if start >= end:
            return any(c.start < end and start < c.end for c in self.spans)
        return self.covered.find(1, max(start, 0), end) >= 0 or any(c.start < end and start < c.end for c in self.odd)


#: a short piece that makes a variant of a name: "LASER-D", "FST-W", "PFGM++", "A-GRAE", "f-DPG", a released size
#: "UMA-medium" (not "RL-based", "PAC-Bayes")
_VARIANT_SUFFIX = re.compile(r"-[A-Z0-9][A-Za-z0-9]{0,2}(?![\w-])|\++(?![\w+])|-(?:tiny|mini|small|medium|base|large|xl)(?![\w-])")
_VARIANT_PREFIX = re.compile(r"(?<![\w-])(?:[A-Z][A-Za-z0-9]{0,2}|[a-z])-$")


def _variant_name(text: str, start: int, end: int) -> tuple[int, int]:
    """The span of the variant name that text[start:end] is part of, else the span itself."""
    if not _inside_hyphenated(text, start, end):
        return start, end
    suffix = _VARIANT_SUFFIX.match(text, end)
    if suffix is not None:
        return start, suffix.end()
    prefix = _VARIANT_PREFIX.search(text, max(0, start - 4), start)
    if prefix is not None:
        return prefix.start(), end
    return start, end


#: patterns used per candidate, compiled once (module-level re calls cost a cache lookup each)
#: exact match is reported as a score, next to F1 or a number: "EM/F1", "an EM of 81.2", "EM score"
_EM_MEASURE_CUE = re.compile(r"F1|F-1|F 1|[Ee]xact[- ][Mm]atch|\d|%|[Ss]cores?\b")
_EM_ALGORITHM = re.compile(r"\s+(?:algorithm|procedure|step|iterations?|training)")
_ADJECTIVE_ENDINGS = ("ly", "ed", "ive", "ous", "ful", "ble", "ing", "est")
_TASK_THEN_HEAD = re.compile(r"\s+(?:models?|modules?|methods?|networks?|frameworks?|approach|architectures?|"
                             r"algorithms?|loss|layers?|heads?|pipelines?|systems?|strateg(?:y|ies)|techniques?|errors?)\b")
#: a known task phrase followed by the head of another thing modifies it (found by the gazetteer, which sees no
#: context): "pre-training video action recognition models", "classic robotics techniques", "causal discovery method"
_TASK_AS_MODIFIER = re.compile(r"\s+(?:models?|methods?|policies|techniques?|data|capabilities|settings?|systems?|"
                               r"frameworks?|approach(?:es)?|algorithms?|architectures?|networks?|modules?|pipelines?)\b")
_TASK_MODIFIER_SOURCES = frozenset(("gazetteer", "gazetteer-domain"))
_USE_HEADS = (" applications", " issue", " issues")
#: lowercase "neural networks" with no modifier: the kind of every model, not one method
_SYMMETRY_NEAR = re.compile(r"(?<![\w-])(?:rotations?|reflections?|permutations?|scalings?|flips?|rotational)(?![\w-])", re.I)
_TASK_GENERIC_HEADS = (" Task", " task", " challenge", " Challenge")
_METHOD_THEN_LEARNING = re.compile(r"(?:tuning|training|descent|propagation|sampling|distillation) learning$", re.I)
#: the standard losses, named by their kind: a training objective is a METHOD (ANNOTATION.md: "loss"); the
#: kind is read backwards from each " loss" (a scan of the text for the kinds cost more than all the rest)
_LOSS_KIND = re.compile(
    r"(?<![\w-])(?:[Cc]ontrastive|[Aa]dversarial|[Tt]riplet|[Hh]inge|[Cc]ross-[Ee]ntropy|[Ff]ocal|[Pp]erceptual|InfoNCE)$")


def _trie_pattern(terms: list[str]) -> str:
    """One regex alternation shaped as a character trie: each position tries only the branches of its letter."""
    trie: dict = {}
    for term in terms:
        node = trie
        for ch in term:
            node = node.setdefault(ch, {})
        node[""] = {}

    def walk(node: dict) -> str:
        ends = "" in node
        branches = [("[ -]" if ch == " " else re.escape(ch)) + walk(sub) for ch, sub in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if ends else body

    return walk(trie)


def _technique_names() -> re.Pattern:
    from kg.extract.gazetteer import TECHNIQUES_FILE

    lines = TECHNIQUES_FILE.read_text("utf-8").splitlines() if TECHNIQUES_FILE.exists() else []
    terms = sorted({line.replace("-", " ") for line in lines if line and not line.startswith("#")})
    return re.compile("(" + (_trie_pattern(terms) or "(?!)") + r")(?![\w-])")


#: standard lowercase technique names the shared sets agree on (kg/extract/techniques.txt, generated from SciREX,
#: SciERC and TDMSci train by ``kg.extract.gazetteer.technique_lexicon``): the shared gazetteer's METHOD entries need
#: the tagger's support, being mostly generic phrases; these are the process-named techniques among them
_TECHNIQUE_NAME = _technique_names()
#: the separator before a name comes first, each as a literal: the regex engine then jumps from one to the next
#: (a character class before the name cost twice as much); a line's start is tried by itself
_TECHNIQUE_AFTER = tuple(re.compile(re.escape(sep) + _TECHNIQUE_NAME.pattern) for sep in (" ", "(", "/"))
_TECHNIQUE_AS_MODIFIER = re.compile(_TASK_AS_MODIFIER.pattern.replace(r"\s+(?:", r"\s+(?:objectives?|", 1))


def technique_candidates(text: str) -> list["Candidate"]:
    """METHOD candidates for the standard techniques of the generated lexicon ("weight decay", "beam search")."""
    # ... unless it modifies the head of another thing: "a maximum likelihood training objective", "deep-learning models"
    found = [m for rx in _TECHNIQUE_AFTER for m in rx.finditer(text)]
    line = 0
    while line >= 0:
        first = _TECHNIQUE_NAME.match(text, line)
        if first is not None:
            found.append(first)
        line = text.find("\n", line) + 1 or -1
    return sorted(Candidate(m.start(1), m.end(1), "METHOD", "rule", 1, 0.8) for m in found
                  if not _TECHNIQUE_AS_MODIFIER.match(text, m.end()))


#: "we adopt a co-teaching mechanism", "we learn a semantic clothing prior": a part a paper introduces with an article
#: and names by its modifiers is a METHOD with its head, which is no generic word (modules and layers are trimmed
#: like other generic heads); the lookahead lists the verbs' first letters, so the scan tries only those
_INTRODUCED_PART = re.compile(
    r"(?=[pidabeulc])(?<![\w-])(?:propos|introduc|design|adopt|develop|devis|employ|learn|build|construct|us|leverag)(?:e|es|ed|t|s)?"
    r"\s+(?:a|an)\s+(?:(?:novel|new|simple|yet|effective|lightweight|efficient|dedicated|end-to-end)\s+)*"
    r"((?:[a-z][\w-]*\s+){1,3}?(?:mechanism|prior|classifier|renderer|gate|buffer|bank))"
    # the head ends the phrase: "a ... prior distribution" is a distribution
    r"(?=\s*[,.;:(]|\s+(?:to|that|which|for|with|in|on|from|by|and|of|designed|conditioned|based)\b)")


def introduced_part_candidates(text: str) -> list["Candidate"]:
    """METHOD candidates for a component a paper introduces: "we adopt a co-teaching mechanism"."""
    out = []
    for m in _INTRODUCED_PART.finditer(text):
        words = m.group(1).split()
        if any(w in _TASK_STOP or w in _ITEM_STOP for w in words) or generic_phrase(m.group(1)):
            continue
        out.append(Candidate(m.start(1), m.end(1), "METHOD", "rule", 1, 0.7))
    return out


def named_loss_candidates(text: str) -> list["Candidate"]:
    """METHOD candidates for "contrastive loss", "adversarial loss", ...: a standard loss named by its kind."""
    out = []
    at = text.find(" loss")
    while at >= 0:
        end = at + 5
        if end == len(text) or not (text[end].isalnum() or text[end] in "_-"):
            kind = _LOSS_KIND.search(text, max(0, at - 16), at)
            if kind is not None:
                out.append(Candidate(kind.start(), end, "METHOD", "rule", 1, 0.8))
        at = text.find(" loss", end)
    return out


#: the long forms of meetings ("Text Analysis Conference (TAC)", "Workshop on Machine Translation (WMT)")
_MEETING_ENDINGS = (" Conference", " Conferences", " Workshop", " Symposium")
_MEETING_STARTS = ("Workshop on ", "Conference on ", "Symposium on ", "Joint Conference on ")
_ORGANIZATIONS = frozenset(
    "Meta Google OpenAI DeepMind Microsoft NVIDIA Nvidia Anthropic Facebook Amazon Apple Baidu Alibaba Tencent "
    "Huawei Samsung Intel".split())
#: heads of mathematical objects: a defined term headed by one is no method (ANNOTATION.md: METHOD names a
#: method, model, algorithm, architecture, technique, loss or framework)
_OBJECT_HEADS = frozenset("point points cluster clusters equilibrium equilibria".split())
#: heads of phenomena and conditions a method meets, no problem of their own (ANNOTATION.md: "distribution shift")
_PHENOMENON_HEADS = tuple(f" {w}" for w in (
    "shift shifts rewards gradient gradients occlusion occlusions noise bias imbalance drift collapse forgetting "
    "overfitting hallucination hallucinations").split()) + ("Shift", "Rewards", "Noise", "Bias", "Forgetting")
_SETTING_ADJECTIVES = frozenset(
    "real-time near-real-time sparse-view long-tailed self-improving large-scale small-scale high-dimensional "
    "low-dimensional open-source closed-source open-weight open-weights fine-grained coarse-grained long-horizon "
    "short-horizon".split())
_THING_HEADS = tuple(f"{sep}{w}" for sep in (" ", "-") for w in (
    "masks Masks agents Agents representation Representation representations Representations cars vehicles networks "
    "Networks computation").split())
_STAGE_ENDINGS = ("training", "Training", "tuning", "Tuning")
_OWNED_STAGE = re.compile(r"(.+) ((?i:pre-?training|fine-?tuning|post-training))")
_OWNER_NAME = re.compile(r"[A-Z][a-z]*[A-Z][\w-]*|[A-Z]{2,}s?")  # "ImageNet", "LLM": a name-shaped word
_PROCEDURE_HEADS = (" procedure", " procedures")
_BARE_NETWORKS = frozenset(("neural networks", "neural network", "neural nets", "neural net"))
#: a hyphenated participle before a generic head describes the models, it names none ("data-driven models",
#: "post-merged models", "deep-learning models"); "-based" names a family ("energy-based models")
_DESCRIBED_MODELS = re.compile(r"[a-z]+-[a-z]*(?:(?<!bas)ed|driven|learning) (?:models?|networks?)")
_FIELD_OF_STUDY = re.compile(r"(?i:machine learning|artificial intelligence|[a-z-]+ sciences?)")
_WORD_REST = re.compile(r"[\w.+-]*\w")
_YEAR_AFTER = re.compile(r" (?:19|20)\d\d\b")
#: the split, difficulty or image size a data set is used at belongs to its name: "LCB/hard", "ImageNet 32x32"
_DATA_VARIANT_AFTER = re.compile(r"/(?:easy|medium|hard|test|dev|val|valid|train|full|lite|mini|verified)(?![\w-])"
                                 r"| \d{2,4}\s?[x\u00d7]\s?\d{2,4}(?![\w-])", re.I)
_PARTICIPLE_END = re.compile(r"-[a-z]+ed$")
_BENCH_QUALIFIER = re.compile(r"(?: (?:[A-Z][\w-]*|\d{4}))+")
_DIGIT = re.compile(r"\d")


def _has_digit(s: str) -> bool:
    """any(ch.isdigit() for ch in s) without a Python loop: \\d finds every decimal digit; only non-ASCII
    text can hold the other characters isdigit() accepts ('²')."""
    return _DIGIT.search(s) is not None or (not s.isascii() and any(ch.isdigit() for ch in s))


#: endings of nouns that name a task, a field or a device on their own
_THING_ENDINGS = ("ion", "ing", "ics", "sis", "er", "or", "ers", "ors", "ment", "ments")


def _cut_a_head(text: str, start: int, end: int) -> bool:
    """Whether trimming text[start:end] off a span removed a generic head ("design", "tasks"), not just punctuation."""
    return any(w in TRAILING_DROP for w in text[start:end].split())


_DIMENSION = re.compile(r"\d[Dd](?:[-/]\d[Dd])*")
_CONTENT_WORD = re.compile(r"[A-Za-z][\w-]{3,}")


def _title_cased(line: str) -> bool:
    """Most words of four letters or more start with a capital: "Dialogue Management based on Sentence Clustering"."""
    words = _CONTENT_WORD.findall(line)
    return len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.75 * len(words)


_SENTENCE_END_BEFORE = re.compile(r"[.!?:;]\s*$|\n$")
#: when and how a model is run or released is no part of its name ("Real-Time", "Open-Weights LLM")
_NOT_NAME_MODIFIERS = frozenset("real-time open-weights open-weight open-source closed-source proprietary".split())
_TITLE_SOURCES = frozenset(("ner", "gazetteer", "gazetteer-domain"))
_TITLE_WORD = re.compile(r"[A-Z][\w-]*|[0-9][A-Z][\w-]*")
#: words that end a title's modifiers: function words, pronouns and question words ("Why GRPO ...", "Your LLM")
_TITLE_FUNCTION = frozenset("""For And With Via Using Through From Into On In Of To By At As Towards Toward Under
    Without Beyond Across Is Are The A An Its Their Our Your My We You It This These Why How What When Which Where Who
    Does Do Can Should""".split())


_TITLE_GERUND = re.compile(r"[A-Z][a-z]+ing (?=[A-Z])")


def _title_modifiers_start(text: str, start: int) -> int:
    """Where the capitalised modifiers before ``start`` in a title begin (``start`` when there are none)."""
    # the word before is found with rfind, not a regex search over a window: this runs for most capitalised spans
    while start > 1 and text[start - 1] == " ":
        low = max(0, start - 41)
        at = max(text.rfind(" ", low, start - 1), text.rfind("\n", low, start - 1)) + 1
        if at == 0 and low > 0:
            return start  # no word boundary in reach: no title word
        word = text[at : start - 1]
        if not _TITLE_WORD.fullmatch(word) or word in _TITLE_FUNCTION:
            return start
        word = word.lower()
        # a learning setting is part of the task's name ("Source-Free", "Zero-Shot"); verbs, evaluative words and
        # settings of when or how well are not ("Learning", "Optimize", "Efficient", "Real-Time", "Adaptable")
        if word not in _SETTINGS and (word.endswith(("ing", "ed", "ly", "ize", "ous", "ble")) or word in _TASK_STOP
                                      or word in _NOT_NAME_MODIFIERS or _ADJECTIVE_WORD.fullmatch(word)):
            return start
        start = at
    return start


#: learning settings that are part of a method's or task's name ("zero-shot generalization", "safe multi-agent
#: RL", "unsupervised domain adaptation", "3D medical image analysis"); "online" and "offline" mostly say when
_SETTINGS = frozenset(
    """unsupervised self-supervised supervised semi-supervised weakly-supervised few-shot zero-shot one-shot
    open-vocabulary open-world open-set black-box safe model-free model-based parameter-efficient 2d 3d""".split()
    # "automatic differentiation", "automated curriculum design": who does the work is part of the name
    + ["automatic", "automated"]
)


#: the last two letters of every setting, lowercased: combine_candidates calls _with_setting only after one
#: (the word before a span is a setting in few cases; most spans follow "the", "of", "and")
_SETTING_ENDS = frozenset(w[-2:] for w in _SETTINGS | {"supervised"})
_UNTRIMMED = object()
_new_tuple = tuple.__new__


_BY_ITSELF = frozenset(("automatic", "automated"))
#: a generic head after a task: what follows is a thing that does the task ("automatic segmentation methods")
_THING_AFTER_TASK = re.compile(r" (?:methods?|systems?|approach(?:es)?|tools?|pipelines?|techniques?)\b")


def _with_setting(text: str, start: int, end: int) -> int:
    """The start of a method or task span extended over the learning setting right before it; a proper name
    ("GPT-3", "ICL") is named without it."""
    # the word before by plain string search: a regex per candidate cost more than the rest of the rule
    if start < 3 or text[start - 1] != " ":
        return start
    lo = max(0, start - 22)
    at = max(text.rfind(" ", lo, start - 1), text.rfind("\n", lo, start - 1), text.rfind("(", lo, start - 1))
    if at < 0 and lo > 0:
        return start
    word = text[at + 1 : start - 1]
    if word.lower() not in _SETTINGS:
        if word != "supervised" or not text.endswith("weakly ", 0, at + 1):
            return start
        at -= 7  # "weakly supervised"
    elif word[-1] in "cd" and word.lower() in _BY_ITSELF and (
            text.endswith("ly ", 0, at + 1) or _THING_AFTER_TASK.match(text, end)):
        return start  # "fully automatic X", "automatic X methods": "automatic" says how a method runs
    first = text[start:end].split(None, 1)[0]
    if is_name_shape(first) or (first.isupper() and len(first) > 1 and not text[start:end].endswith(("RL", "ML"))):
        return start
    return at + 1


#: a generic head after a name: "Transformer models", "the SERENE algorithm" name "Transformer" and "SERENE"
_NAME_HEAD = re.compile(r" (?:models?|algorithms?|networks?|architectures?|representations?|methods?|training|sampling)$", re.I)
#: (title case too: "Efficient RL Training for LLMs", "Reducing the Transformer Architecture")
_NAME_HEAD_WORDS = tuple(f" {w}{s}" for w in ("model", "algorithm", "network", "architecture", "representation",
                                              "method", "Model", "Algorithm", "Architecture", "Representation",
                                              "Method")
                         for s in ("", "s")) + (" training", " sampling", " Training", " Sampling")
_PERSON_PAIR = re.compile(r"[A-Z][a-z]+(?:-[A-Z][a-z]+)+")
_HEADLESS_NAME = re.compile(r"(?i:transformers?)|.+ (?:learning|inference|[Oo]ptimization|[Pp]re-training)")


def _without_generic_head(text: str, start: int, end: int) -> tuple[int, int]:
    """A method span less a generic head after a proper name or a named technique ("reinforcement learning
    algorithms"); a statistical model named after people keeps its head ("Bradley-Terry model")."""
    if not text.endswith(_NAME_HEAD_WORDS, start, end):
        return start, end
    head = _NAME_HEAD.search(text, start, end)
    if head is None:
        return start, end
    rest = text[start : head.start()]
    if " " not in rest and (is_name_shape(rest) or rest.isupper()) and not _PERSON_PAIR.fullmatch(rest):
        return start, head.start()
    if _HEADLESS_NAME.fullmatch(rest):
        return start, head.start()
    return start, end


def _no_method_name(name: str) -> bool:
    """A name-shaped word a method head beside it does not make a method: a capitalised common word, a sized
    model ("Llama-2-7B") or a citation key ("Lee2016")."""
    return name in CAPS_STOP or is_sized_model(name) or _AUTHOR_YEAR.fullmatch(name) is not None


def _named_after_head(text: str, shapes: list[Candidate]) -> list[Candidate]:
    """A name-shaped word right after a method head, before a clause boundary, is a METHOD."""
    out = []
    for c in shapes:
        name = text[c.start : c.end]
        if (name[:1].isupper() and _AFTER_NAME.match(text, c.end) and _HEAD_BEFORE_NAME.search(text, max(0, c.start - 16), c.start)
                and not _no_method_name(name)):
            out.append(Candidate(c.start, c.end, "METHOD", "rule", 1, 0.75))
    return out


#: "a novel QWeb neural network architecture", "an XNet model": a name after an indefinite article and before a
#: method head (the article says the sentence introduces one thing, the head says what kind)
_ARTICLE_BEFORE_NAME = re.compile(r"(?<![\w-])(?:[Aa]n?|[Oo]ur)\s+(?:(?:novel|new|simple|modified)\s+)?$")
_METHOD_HEAD_AFTER_NAME = re.compile(
    r"\s+(?:(?:neural|deep|convolutional|recurrent|graph)\s+)?(?:network\s+)?"
    r"(architecture|model|network|framework|algorithm|method|module|layer|optimizer)(?![\w-])")
#: "Triplet-Siamese", "Bradley-Terry": ordinary capitalised words joined name a thing only with their head
_PLAIN_WORDS_NAME = re.compile(r"[A-Z][a-z]+(?:-[A-Z][a-z]+)+")


def _named_before_head(text: str, shapes: list[Candidate]) -> list[Candidate]:
    """A name-shaped word between an indefinite article and a method head is a METHOD; a name of plain capitalised
    words keeps its head ("a Triplet-Siamese network")."""
    out = []
    for c in shapes:
        head = _METHOD_HEAD_AFTER_NAME.match(text, c.end)
        if head is None or not _ARTICLE_BEFORE_NAME.search(text, max(0, c.start - 20), c.start):
            continue
        name = text[c.start : c.end]
        if _no_method_name(name):
            continue
        if _PLAIN_WORDS_NAME.fullmatch(name):
            if head.start(1) == c.end + 1:  # the head right after: "Triplet-Siamese network"
                out.append(Candidate(c.start, head.end(1), "METHOD", "rule", 1, 0.75))
            continue
        out.append(Candidate(c.start, c.end, "METHOD", "rule", 1, 0.75))
    return out


#: a one-word task names an activity or a field: an action noun ("segmentation", "planning", "retrieval", "analysis",
#: "alignment"), a field ("robotics", "chemistry") or an acronym ("NER"); "Linear", "video", "Trajectory-Word" name none
_ACTIVITY_ENDING = re.compile(r"(?:ion|ing|sis|ment|ance|ence|al|ics|ry|ure|ity)$", re.I)


def activity_word(text: str, start: int, end: int) -> bool:
    """False for a one-word span that is neither an acronym nor an action or field noun; True for longer spans."""
    word = text[start:end]
    if " " in word or not word.isalpha() and "-" not in word:
        return True
    # an acronym ("ASR", "re-ID") or a hyphenated action ("re-identification", "super-resolution")
    return any(ch.isupper() for ch in word[1:]) or _ACTIVITY_ENDING.search(word) is not None


#: a one-word method is a name or a noun ("Adam", "backpropagation", "fine-tuning"); an adjective alone names
#: none ("Gaussian", "long-tailed", "convolutional")
_ADJECTIVE_ENDING = re.compile(r"(?:ed|ive|ous|al|ian|ic|ful|less|able|ible)$")


def adjective_word(text: str, start: int, end: int) -> bool:
    """True for a one-word span of letters and hyphens, with no capital after its first letter, ending like an adjective."""
    word = text[start:end]
    return (" " not in word and word.replace("-", "").isalpha() and not any(ch.isupper() for ch in word[1:])
            and _ADJECTIVE_ENDING.search(word) is not None)


#: "statistical learning theory", "universal approximation theorems", "stochastic gradient queries", "a pose
#: regression module": a descriptive phrase right before one of these heads says what the thing is about or does; the
#: theory, the query or the module is the thing, and the phrase alone names no concept there
_HEAD_IT_MODIFIES = re.compile(r"\s+(?:modules?|theory|theories|theorems?|queries|scoring)(?![\w-])")


def _without_head_modifiers(text: str, mentions: list[Candidate]) -> list[Candidate]:
    """The mentions less lowercase METHOD/TASK phrases (not defined acronym pairs) that modify such a head."""
    return [c for c in mentions if c.type not in ("METHOD", "TASK") or c.tier == 2 or not text[c.start : c.end].islower()
            or _HEAD_IT_MODIFIES.match(text, c.end) is None]


#: "Horizon-Free and Variance-Dependent Reinforcement Learning", "Bias and Variance Reduction", "Invariant and
#: Equivariant Network Design": in a title, where the conjunct before "and" is no concept, the capitalised phrase after
#: it is the tail of one coordinated phrase (a shared head, or modifiers of it), not a name of its own
_TITLE_CONJUNCT_BEFORE = re.compile(r"(?<![\w-])([A-Za-z][\w-]*)\s+and\s+$")


def _without_title_conjunct_tails(text: str, mentions: list[Candidate], title_end: int) -> list[Candidate]:
    """The mentions less multi-word METHOD/TASK spans in the title right after "X and" where no mention ends at X."""
    ends = {c.end for c in mentions}
    out = []
    for c in mentions:
        # (one word after "and" is a conjunct of its own: "Risk Minimization and Navigation")
        if c.start < title_end and c.type in ("METHOD", "TASK") and c.tier < 2 and " " in text[c.start : c.end]:
            before = _TITLE_CONJUNCT_BEFORE.search(text, max(0, c.start - 40), c.start)
            if before is not None and before.end(1) not in ends:
                continue
        out.append(c)
    return out


#: a mathematical object a method works on or with is no method (ANNOTATION.md: methods, models, algorithms):
#: "transport polytopes", "vector-valued functions", "the gradient operator", "the variational posterior"
_MATH_OBJECT_HEADS = (" function", " functions", " polytope", " polytopes", " kernel", " kernels", " operator", " operators",
                      " posterior", " posteriors")


def object_phrase(text: str, start: int, end: int) -> bool:
    """True for a lowercase phrase headed by a mathematical object ("vector-valued functions")."""
    return text.endswith(_MATH_OBJECT_HEADS, start, end) and text[start:end].islower()


#: "a stochastic gradient-based algorithm", "gradient projection-based optimization": a phrase of two words or more
#: glued to "-based" before a generic head is the method's name (ANNOTATION.md: no generic heads), the hyphen binds
#: the whole phrase; one word ("gradient-based optimization", "energy-based models") names a family and stays
_NAMED_BASIS = re.compile(r"(\S+(?: \S+)+)-based (?:algorithms?|optimization|methods?|approach(?:es)?|models?|frameworks?|techniques?)")


#: "orthogonal regularization loss", "loss minimization scheme": after a technique named by its action noun, a loss or
#: a scheme is a generic head (ANNOTATION.md: no generic heads)
_ACTION_THEN_HEAD = re.compile(r"((?:\S+ )+\S*?[a-z](?:iz|is)ation) (?:loss|losses|scheme|schemes)")


#: "3D shape classification with widely adopted ModelNet10/40", "shape retrieval with ShapeNet-Core": a name right
#: after a lowercase task phrase and "with" is the data the task is done with
_TASK_WITH_BEFORE = re.compile(
    r"(?<![\w-])[a-z][\w-]*(?:ion|ing|sis|val)\s+with\s+(?:(?:the|widely|adopted|popular|standard|public|common|commonly|used)\s+)*$")


#: "on CIFAR-10/FFHQ 64x64": two data sets joined by a slash, where the paper names the first one alone too; a
#: slash name the paper never splits is one name ("CNN/DM", "H.265/HEVC")
_DATA_PAIR = re.compile(r"([A-Z][\w.-]*[\w])/([A-Z][\w.-]*[\w])")


def _split_data_pairs(text: str, mentions: list[Candidate]) -> list[Candidate]:
    """The mentions with each "A/B" data mention split in two where the text names A alone elsewhere."""
    out = []
    for c in mentions:
        pair = _DATA_PAIR.fullmatch(text, c.start, c.end) if c.type in ("DATASET", "BENCHMARK") else None
        if pair is not None and any(s != c.start for s, _ in _occurrences(text, pair.group(1))):
            out.append(c._replace(end=pair.end(1)))
            out.append(c._replace(start=pair.start(2)))
            continue
        out.append(c)
    return out


#: the data noun a defined pair modifies: "light field (LF) image super-resolution", "long-tailed (LT) distribution"
_DATA_NOUN_AFTER_PAIR = re.compile(r"\)\s+(?:images?|videos?|distributions?|data|signals?|recordings?)\b")


def _final_span_rules(text: str, mentions: list[Candidate], known_types: dict[str, str], object_shorts: set[str],
                      object_longs: set[str]) -> list[Candidate]:
    """The last span and kind rules on the chosen mentions (each gated by a cheap substring test)."""
    out = mentions
    if " module" in text or " theor" in text or " queries" in text or " scoring" in text:
        out = _without_head_modifiers(text, out)
    if "-based " in text:
        out = [c._replace(end=based.end(1)) if c.type == "METHOD" and (
            based := _NAMED_BASIS.fullmatch(text, c.start, c.end)) is not None else c for c in out]
    if "/" in text:
        out = _split_data_pairs(text, out)
    if object_shorts:
        out = [c for c in out if text[c.start : c.end] not in object_shorts and text[c.start : c.end].lower() not in object_longs]
    if "ization " in text or "isation " in text:
        out = [c._replace(end=named.end(1)) if c.type == "METHOD" and (
            named := _ACTION_THEN_HEAD.fullmatch(text, c.start, c.end)) is not None else c for c in out]
    if 0 < (title_end := text.find("\n")) and " and " in text[:title_end]:
        out = _without_title_conjunct_tails(text, out, title_end)
    # one-word tasks and methods, and mathematical objects (a word the gazetteer knows as a concept stays one: the
    # shared sets annotate it so); the cheap tests first, this runs for every mention
    kept = []
    for c in out:
        if c.type == "TASK" or c.type == "METHOD":
            surface = text[c.start : c.end]
            if " " not in surface:
                drop = not activity_word(text, c.start, c.end) if c.type == "TASK" else adjective_word(text, c.start, c.end)
            else:
                drop = c.type == "METHOD" and c.tier < 2 and object_phrase(text, c.start, c.end)
            if drop and surface.lower() not in known_types:
                continue
        kept.append(c)
    return kept


def plural_kind(surface: str, by_string: dict[str, str]) -> str | None:
    """The kind of the name that a name-shaped word is the plural of ("NASNets" where the text typed "NASNet")."""
    low = surface.lower()
    return by_string.get(low[:-1]) if low.endswith("s") and len(low) > 3 else None


def _taken(text: str, mentions: list[Candidate]) -> bytearray:
    """1 at each character of ``text`` a mention covers (``_overlaps`` reads it)."""
    taken = bytearray(len(text) + 1)
    for c in mentions:
        taken[c.start : c.end] = b"\x01" * (c.end - c.start)
    return taken


def _overlaps(taken: bytearray, start: int, end: int) -> bool:
    return taken.find(1, start, end) >= 0


def _sentence_bounds(sentence_starts: list[int], at: int, n: int) -> tuple[int, int]:
    """(start, end) of the sentence holding offset ``at``, from the sentences' start offsets (``n``: the text's length)."""
    k = bisect_right(sentence_starts, at) - 1
    return (sentence_starts[k] if k >= 0 else 0), (sentence_starts[k + 1] if k + 1 < len(sentence_starts) else n)


def combine_candidates(
    text: str,
    candidates: list[Candidate],
    abbreviations: list[AbbrevPair],
    sentence_starts: list[int],
    *,
    use_shapes: bool = True,
    known_types: dict[str, str] | None = None,
) -> list[Candidate]:
    """Resolve candidates into non-overlapping mentions with their final kinds."""
    known_types = known_types or {}
    trimmed: list[Candidate] = []
    candidates = (list(candidates) + metric_candidates(text) + name_rule_candidates(text) + language_pair_candidates(text)
                  + model_name_candidates(text))
    shapes = [c for c in candidates if c.source == "shape"]
    candidates += _named_after_head(text, shapes)
    candidates += _named_before_head(text, shapes)
    if "tasks" in text or "problems" in text or "Tasks" in text:
        candidates += listed_task_candidates(text)
    if "usage" in text or "error" in text or "latency" in text or "consumption" in text or "throughput" in text:
        candidates += measured_candidates(text)
    if "in terms of" in text:
        candidates += in_terms_of_candidates(text)
    if " loss" in text:
        candidates += named_loss_candidates(text)
    candidates += technique_candidates(text)
    if "mechanism" in text or "prior" in text or "classifier" in text or "renderer" in text or "gate" in text or (
            "buffer" in text or "bank" in text):
        candidates += introduced_part_candidates(text)
    if " by " in text:
        candidates += changed_by_candidates(text)
    if "task of " in text or "problem of " in text or "tasks of " in text or "problems of " in text:
        candidates += problem_of_candidates(text)
        candidates += defined_task_candidates(text)
    candidates += title_means_candidates(text)
    if text.startswith(("Table", "Figure")):
        candidates += caption_task_candidates(text)
    candidates += title_purpose_candidates(text, candidates)
    if '"' in text or "\u201c" in text or "``" in text:
        candidates += quoted_name_candidates(text)
    if "ptimi" in text:
        candidates += optimization_task_candidates(text)
    if "(3)" in text or "(2)" in text or "(n)" in text:
        candidates = group_name_candidates(text, candidates)
    # a task phrase found by its head only fills gaps: the NER and the gazetteer know their spans better
    typed = _Coverage([c for c in candidates if c.type is not None], len(text))
    task_ends = {c.end for c in candidates if c.type == "TASK"}
    for t in task_candidates(text) + (named_task_candidates(text) if "task" in text else []):
        # ... unless it only adds modifiers to a task span ending at the same head: "motion" + "forecasting"
        if not typed.overlaps(t.start, t.end) or (t.end in task_ends and not any(
                c.start < t.end and t.start < c.end and (c.end != t.end or c.start < t.start or c.type != "TASK")
                for c in candidates if c.type is not None)):
            candidates.append(t)
    title_end = text.find("\n")
    if title_end < 0 and len(text) < 200 and _title_cased(text):
        title_end = len(text)  # a lone title-cased line (a title or a heading) is a title
    ner_spans = {(c.start, c.end) for c in candidates if c.source == "ner"}
    title_cased = title_end > 0 and _title_cased(text[:title_end])  # read by the title-modifier rule below
    # the tagger and the gazetteer often find the same span (about half the candidates): trim each span once
    trims: dict[tuple[int, int], tuple[int, int] | None] = {}
    for c in candidates:
        cs, ce, ctype, src, tier, conf = c
        # the shared sets' method names are mostly generic phrases in our guidelines ("linear models", "optimizer"):
        # such a name needs the tagger's support; in-domain entries and the other kinds stand on their own
        # (so do their measures: "model size", "training loss", "similarity measure" are mostly no measured result)
        if src == "gazetteer" and ctype in ("METHOD", "METRIC") and (cs, ce) not in ner_spans:
            continue
        if ctype == "TASK" and src in _TASK_MODIFIER_SOURCES and _TASK_AS_MODIFIER.match(text, ce):
            continue  # "action recognition models", "robotics techniques": the task names the kind of a thing
        # the shared sets' "real-world applications", "downstream applications", "class imbalance issue": where a
        # task is used or what goes wrong, no task of its own ("dialogue systems" is one: systems stay)
        if ctype == "TASK" and src == "gazetteer" and text.endswith(_USE_HEADS, cs, ce):
            continue
        t = trims.get((cs, ce), _UNTRIMMED)
        if t is _UNTRIMMED:
            t = trims[cs, ce] = trim_span(text, cs, ce)
        if not t:
            continue
        # "biochemical design tasks", "robot design": a task rule found "design" as the action the task names; the
        # head is the task, not a generic word after a name
        if t[1] < ce and src.startswith("rule-task") and text.endswith(" design", cs, ce):
            t = (t[0], ce)
        if text[t[1] - 1] in "-/":
            # a tagger span cut inside a word ("F1-" of "F1-score"): the whole word, or none of it
            word = _WORD_REST.match(text[t[1] : t[1] + 30])
            if word is None or src not in ("ner", "shape"):
                continue
            t = (t[0], t[1] + word.end())
        surface = text[t[0] : t[1]]
        if tier < 2 and (surface.isdigit() or (
                # "curriculum design" less its head is one modifier ("curriculum", "primal-dual"), not the concept
                # matched; a noun that names a thing of its own stays ("navigation tasks", "transformer architecture")
                t[1] < ce and " " not in surface and surface.islower() and surface not in known_types
                and not surface.endswith(_THING_ENDINGS) and _cut_a_head(text, t[1], ce))):
            continue
        if tier < 2 and (("-" in surface and (_ADJECTIVE_WORD.fullmatch(surface) or _ADJECTIVE_PAIR.fullmatch(
                surface))) or surface in CAPS_STOP
                           or surface.rstrip("s") in CAPS_STOP):
            continue  # "CPU", "SOTA": capitals that name no concept
        # "Meta FAIR presents ...": a company that builds or funds the work is no concept of it
        if tier < 2 and surface in _ORGANIZATIONS:
            continue
        # "Real-Time", "Sparse-View", "Long-Tailed": a setting's adjective standing alone names no concept
        if tier < 2 and "-" in surface and surface.lower() in _SETTING_ADJECTIVES:
            continue
        # ANNOTATION.md: phenomena and conditions ("sparse rewards", "covariate shift", "vanishing gradient") are no
        # entities unless the paper treats them as its task, which its title says: named only in the abstract they go
        if (ctype == "TASK" and tier < 2 and surface.endswith(_PHENOMENON_HEADS) and t[0] > title_end
                and surface.lower() not in text[:title_end].lower()):
            continue
        # ANNOTATION.md: "neural networks" alone names nothing specific; defined with an acronym it is kept (tier 2)
        if tier < 2 and surface in _BARE_NETWORKS:
            continue
        if tier < 2 and "-" in surface and _DESCRIBED_MODELS.fullmatch(surface):
            continue
        # "offline-to-online fine-tuning learning", "by gradient descent learning": "learning" after a training
        # method's name says what the method does, the name ends before it
        if ctype == "METHOD" and surface.endswith(" learning") and _METHOD_THEN_LEARNING.search(surface):
            t = (t[0], t[1] - 9)
            surface = text[t[0] : t[1]]
        # "procedure" is a generic head (ANNOTATION.md): "the dropout procedure" names dropout; "an iterative
        # optimization procedure", "a stochastic procedure" describe the steps a method runs and name nothing
        if tier < 2 and surface.endswith(_PROCEDURE_HEADS) and surface.islower():
            t = (t[0], text.rindex(" ", t[0], t[1]))
            surface = text[t[0] : t[1]]
            if " " in surface or surface.endswith(_ADJECTIVE_ENDINGS) or surface.endswith("ic"):
                continue
        # "permutations, rotation, reflection, and translation": a geometric transformation among its kin, no task
        if (ctype == "TASK" and surface.startswith(("translation", "Translation")) and surface.rstrip("s")[-1] == "n"
                and _SYMMETRY_NEAR.search(text, max(0, t[0] - 50), t[1] + 50)):
            continue
        # "Text Simplification Task", "the information extraction challenge": a generic head after a task's name
        # (ANNOTATION.md) goes; a named event keeps it ("CoNLL-2009 Shared Task", "Amazon Picking Challenge"), and
        # plural "tasks" name a family ("video-language tasks")
        if ctype == "TASK" and surface.endswith(_TASK_GENERIC_HEADS):
            cut = text.rindex(" ", t[0], t[1])
            if _ENDS_IN_TASK_HEAD.search(text, t[0], cut) and " " in text[t[0] : cut]:
                t = (t[0], cut)
                surface = text[t[0] : t[1]]
        # "Syntactic and Semantic Parsing of Chinese", "opinion mining for Portuguese": the language a task is done in
        # is its setting, no part of its name (TDMSci leaves it out about 10 times to 3)
        if ctype == "TASK" and src == "ner" and (" of " in surface or " for " in surface or " in " in surface) and (
                lang := _LANGUAGE_TAIL.search(surface)) is not None:
            t = (t[0], t[0] + lang.start())
            surface = text[t[0] : t[1]]
        # "the RTE task": an acronym's task keeps its head wherever the span ended (see _shared_task)
        if (ctype == "TASK" and text.startswith(" task", t[1]) and not _word_char(text[t[1] + 5 : t[1] + 6])
                and _ACRONYM_BEFORE.match(surface)):
            t = (t[0], t[1] + 5)
            surface = text[t[0] : t[1]]
        # "Segmentation Masks", "Self-Adaptive Agents", "autonomous cars": the tagger's task ending in a thing names
        # that thing (an output, an actor, a representation), no problem to solve
        if ctype == "TASK" and src == "ner" and surface.endswith(_THING_HEADS):
            continue
        # a whole field ("machine learning", "materials science") is where a task lies, not a task
        if ctype == "TASK" and tier < 2 and _FIELD_OF_STUDY.fullmatch(surface):
            continue
        if tier < 2 and surface[:1].isdigit() and _DIMENSION.fullmatch(surface):
            continue  # "2D", "2D-3D": a number of dimensions names no concept ("2D-3D models", "3D data")
        # a lowercase span ending in an adjective ("conditional generative") lost its head noun
        if src == "ner" and surface.islower() and _ADJECTIVE_END.search(surface):
            continue
        # ... and so does a tagger span in any case ending in an adjective that always modifies a head ("Implicit
        # Neural" of a title, "Cognitive Dynamic", "Diffusion model-based")
        if src == "ner" and surface.endswith(_MODIFIER_ENDINGS) and _MODIFIER_LAST.search(surface):
            continue
        # a title that opens with a verb before a known name ("Deconfounding Imitation Learning with ..."): the
        # gerund says what the paper does to the thing, it is no part of the name (a gerund before words nobody
        # knows may name a task of its own: "Predicting Tense in Chinese Conversations")
        if (src in ("ner", "repeat") and t[1] <= title_end and (t[0] == 0 or text.startswith(": ", t[0] - 2))
                and (verb := _TITLE_GERUND.match(surface)) and surface.lower() not in known_types
                and surface[verb.end() :].lower() in known_types):
            t = (t[0] + verb.end(), t[1])
            surface = text[t[0] : t[1]]
        # in a title-cased title every word is capitalised: one ordinary word that the tagger took alone
        # ("Risk" of "Risk Minimization", "Modeling") is a fragment unless the in-domain gazetteer knows it;
        # a task named by one action noun ("Segmentation", "Navigation") stays
        if (src == "ner" and t[1] <= title_end and surface.istitle() and surface.isalpha()
                and surface.lower() not in known_types and not (ctype == "TASK" and surface.endswith("ion"))):
            continue
        # "Distributionally Robust Optimization with ...", "... for Light Field Image Super-Resolution": in a
        # title-cased title the capitalised words before a task the tagger found are its modifiers, cut at a
        # function word or a leading verb ("Learning Long-Horizon Robot Manipulation Skills")
        if (ctype in ("TASK", "METHOD") and src in _TITLE_SOURCES and t[1] <= title_end and t[0] > 0
                and text[t[0] - 1] == " "
                and title_cased):
            t = (_title_modifiers_start(text, t[0]), t[1])
            surface = text[t[0] : t[1]]
        elif (ctype == "METHOD" and src == "ner" and t[0] > title_end + 1 and text[t[0]].isupper()
              and text[t[0] - 1] == " "):
            # in the abstract a capitalised name goes on to the left over capitalised words, not over the first
            # word of a sentence
            at = _title_modifiers_start(text, t[0])
            if at < t[0] and not _SENTENCE_END_BEFORE.search(text, max(0, at - 3), at) and at > title_end + 1:
                t = (at, t[1])
                surface = text[t[0] : t[1]]
        if ctype == "METRIC":
            if _NOT_A_METRIC.search(surface):
                continue
            # "unknown at training time", "at test time": when something happens, no measured quantity
            if surface.endswith(" time") and text.endswith(" at ", 0, t[0]):
                continue
            # "minimum error rate training": a measure naming a training method is part of that method's name
            if text.startswith((" training", " tuning"), t[1]):
                continue
            head = _METRIC_HEAD.search(surface)
            if head is not None and head.end() == len(surface) and _METRIC_PATTERN.fullmatch(surface[: head.start()]) and not (
                    surface[: head.start()] in _F1_NAMES and _F1_SCORE.fullmatch(surface, head.start())):
                t = (t[0], t[0] + head.start())
            # "precision score", "recall rate", "accuracy rates": the word names the measure, its head is generic
            # (TDMSci annotates the word alone 8 times to 1; "error rate", "success rate" are names and stay)
            word = _MEASURE_WORD_HEAD.fullmatch(surface)
            if word is not None:
                t = (t[0], t[0] + word.end(1))
                ce = t[1]  # the head is cut on purpose: no "lost head" below
        if ctype == "METRIC" and _METRIC_WORD.fullmatch(text, t[0], t[1]):
            # "out-of-distribution accuracy": a hyphenated compound says which accuracy is measured
            mod = _METRIC_COMPOUND.search(text, max(0, t[0] - 40), t[0])
            if mod is not None and mod.group(1) not in _NOT_METRIC_COMPOUND and not _EVALUATIVE_COMPOUND.search(mod.group(1)):
                t = (mod.start(1), t[1])
        elif ctype == "METRIC" and text.endswith("average end-point error", 0, t[1]):
            t = (t[1] - 23, t[1])  # the measure's name (AEPE), not an average of another one
        # "labeled recall", "unigram BLEU", "word-level BLEU", "micro-averaged accuracy": which variant of the
        # measure is part of its name (TDMSci: 7 to 0)
        if ctype == "METRIC" and t[0] > 5 and text[t[0] - 1] == " " and "error" not in text[t[0] : t[1]] and (
                variant := _METRIC_VARIANT.search(text, max(0, t[0] - 30), t[0])) is not None:
            t = (variant.start(), t[1])
        # "generalization ability" is a measure, "generalization" alone is not: a metric loses no head
        if ctype == "METRIC" and t[1] < ce and text[t[1] : ce].strip():
            continue
        if tier < 2 and generic_phrase(text[t[0] : t[1]]):
            continue
        if ctype == "METHOD" and _has_digit(text[t[0] : t[1]]):
            tail = _VARIANT_TAIL.match(text, t[1])
            if tail:
                t = (t[0], tail.end())
        elif ctype == "METHOD" and text.startswith(" ", t[1]) and t[1] + 1 < len(text) and text[t[1] + 1].isdigit():
            # "PaLM 2", "Llama 3": a release number after a model's one-word name is part of it ("PaLM 2 layers",
            # "BERT 3 times" count something else)
            version = _RELEASE_NUMBER.match(text, t[1])
            if version is not None and " " not in text[t[0] : t[1]] and not text[t[0] : t[1]].islower():
                t = (t[0], version.end(1))
        # "a pre-trained vision-language model", "already pretrained autoencoders": lowercase "pre-trained" says
        # which instance of the model, it is no part of its name (the title-cased "Pre-trained Language Models" is)
        if tier < 2 and ctype == "METHOD" and text.startswith(("pre-trained ", "pretrained "), t[0]):
            rest = text.index(" ", t[0]) + 1
            if rest < t[1] and not generic_phrase(text[rest : t[1]]):
                t = (rest, t[1])
        # "LLM fine-tuning", "ImageNet pre-training", "Large Language Model Post-Training": a training stage of a named
        # model or on a named data set is the stage (ANNOTATION.md: named training stages are METHODs); the name
        # is a mention of its own ("Supervised Fine-Tuning", "Vision-Language Pre-training" are names)
        if ctype == "METHOD" and surface.endswith(_STAGE_ENDINGS):
            stage = _OWNED_STAGE.fullmatch(surface)
            if stage is not None and (_OWNER_NAME.fullmatch(stage.group(1)) or stage.group(1).endswith((" Model", " model"))):
                t = (t[0] + stage.start(2), t[1])
                surface = text[t[0] : t[1]]
        if tier < 2 and ctype in ("METHOD", "TASK"):
            # cheap string tests first: these run for most candidates and rarely apply
            if ctype == "METHOD" and text.endswith(_NAME_HEAD_WORDS, t[0], t[1]):
                t = _without_generic_head(text, t[0], t[1])
            if t[0] > 2 and text[t[0] - 1] == " " and text[t[0] - 3 : t[0] - 1].lower() in _SETTING_ENDS:
                t = (_with_setting(text, t[0], t[1]), t[1])
        if ctype in ("DATASET", "BENCHMARK"):
            # "the TOSCA datasets": a lowercase data head after a name is not part of it (ANNOTATION.md: no generic heads)
            head = _DATA_HEAD_TAIL.search(text, t[0], t[1])
            if (head is not None and head.end() == t[1] and not text[t[0] : head.start()].islower()
                    and not _PARTICIPLE_END.search(text, t[0], head.start())):
                # ... but "WordNet-annotated datasets", "RTE3-derived datasets": a participle names no data set alone
                t = (t[0], head.start())
            # "AIME 2024": a year after a data set's name belongs to it
            year = _YEAR_AFTER.match(text[t[1] : t[1] + 6])
            if year:
                t = (t[0], t[1] + year.end())
            elif text[t[1] : t[1] + 1] in ("/", " ") and (variant := _DATA_VARIANT_AFTER.match(text, t[1])) is not None:
                t = (t[0], variant.end())
        surface = text[t[0] : t[1]]
        if tier < 2 and ctype != "TASK" and surface[:1] in _LANGUAGE_INITIALS and _LANGUAGE_PAIR.fullmatch(surface):
            continue  # "Chinese-English" alone is the language pair of some data or task, not a name
        # "English test data", "the Chinese and English corpus", "Portuguese data": data in some languages, no named
        # data set (TDMSci annotates none of 27 such phrases alone)
        if (tier < 2 and ctype in ("DATASET", "BENCHMARK") and surface[:1] in _LANGUAGE_INITIALS
                and _LANGUAGE_DATA.fullmatch(surface)):
            continue
        if surface.lower() in known_types or src == "gazetteer-domain":
            kind = ctype
        else:
            kind = task_by_head(surface, ctype)
            # a name that its data head follows or ends is data: "the MUC-7 corpus", "British National Corpus"
            if kind in ("METHOD", "TASK") and (_DATA_HEAD_LAST.search(surface) or (
                    _DATA_HEAD_AFTER.match(text, t[1]) and not surface.islower())):
                kind = "DATASET"
        trimmed.append(_new_tuple(Candidate, (t[0], t[1], kind, src, tier, conf)))  # no Python-level __new__

    # acronym pairs: both forms get one type, from whatever tagged either form
    meetings: list[tuple[int, int]] = []
    object_shorts: set[str] = set()
    object_longs: set[str] = set()
    for pair in abbreviations:
        long_text = text[pair.long_start : pair.long_end]
        short_text = text[pair.short_start : pair.short_end]
        if long_text.endswith(_MEETING_ENDINGS) or long_text.startswith(_MEETING_STARTS):
            # "Document Understanding Conferences (DUC)": a meeting, where tasks and data are set, is no concept,
            # nor is a word of its name ("Message" of "Message Understanding Conferences", "Machine Translation")
            meetings.append((pair.long_start, pair.long_end))
            continue
        kind = known_types.get(long_text.lower())
        if kind is None and short_text.lower() in known_types:
            # a short form is often ambiguous ("DA": data augmentation, domain adaptation): its long form here decides
            kind = task_long_form(long_text, short_text, known_types[short_text.lower()])
        if kind is None:
            best = None
            for c in trimmed:
                if c.type and c.tier >= 1 and (
                    (c.start < pair.long_end and c.end > pair.long_start)
                    or (c.start == pair.short_start and c.end == pair.short_end)
                ):
                    inside = min(c.end, pair.long_end) - max(c.start, pair.long_start)
                    if best is None or inside > best[0]:
                        best = (inside, c.type)
            kind = best[1] if best else type_from_head(long_text)
            kind = task_long_form(long_text, short_text, task_by_head(long_text, kind))
            # "human-targeted translation edit rate (HTER)": a measure's head decides, not a task word inside it
            if kind in ("METHOD", "TASK") and _MEASURE_LONG_FORM.search(long_text):
                kind = "METRIC"
            version = _VERSION_OF.search(long_text)
            if version is not None:
                # a version of a thing is a thing of the same kind; a version of a test is a method
                inner = type_from_head(long_text[version.end() :])
                kind = inner if inner in ("DATASET", "BENCHMARK") else "METHOD"
        # "Science Question Answering (ScienceQA), a new benchmark that ...": the apposition says what the pair names
        if text.startswith("),", pair.short_end) and kind in ("METHOD", "TASK", None) and (
                apposition := _PAIR_APPOSITION.match(text, pair.short_end + 1)) is not None:
            kind = "BENCHMARK" if apposition.group(1) == "benchmark" else "DATASET"
        # "the double parsing method (DP)": a method's head between the long form and its acronym names a method,
        # whatever task word the long form ends in
        if kind in ("TASK", "METRIC") and (head := _TASK_THEN_HEAD.match(text, pair.long_end)) is not None and (
                text[head.end() : pair.short_start].strip() == "(") and not head.group().rstrip("s").endswith("error"):
            kind = "METHOD"  # ... and whatever measure word it ends in ("the backpropagation of error algorithm (BP)")
        # "the Multi-View Caption (MVCap) dataset": a data head after the defined pair names data, whoever typed it
        # ("a named entity recognition (NER) dataset" is a data set for a task: the task keeps its kind)
        if kind in ("METHOD", None) and text.startswith(")", pair.short_end) and not _ENDS_IN_TASK_HEAD.search(long_text):
            head = _PAIR_DATA_HEAD.match(text, pair.short_end + 1)
            if head is not None:
                kind = "BENCHMARK" if head.group(1).lower().startswith("bench") else "DATASET"
        if kind is None and " " in long_text.strip():
            # a defined term nothing typed ("instrumental variables (IVs)", "abstract syntax trees (AST)"): what a
            # paper defines is mostly a method or a model; a one-word compound ("out-of-distribution (OOD)",
            # "state-of-the-art (SOTA)") is a modifier, no concept
            kind = "METHOD"
        # a lowercase defined term headed by a mathematical object ("first-order stationary point (FOSP)",
        # "correlated equilibrium (CE)") names no method, whoever typed it so ("gated recurrent unit (GRU)" does)
        # (so does one named after its finder: "Nash equilibrium (NE)")
        if kind == "METHOD" and long_text[1:].islower() and long_text.rstrip().rsplit(None, 1)[-1] in _OBJECT_HEADS:
            object_shorts.add(short_text)  # ... nor does its short form where the tagger took it alone
            continue
        if kind == "METHOD" and _DATA_NOUN_AFTER_PAIR.match(text, pair.short_end):
            # "light field (LF) image", "long-tailed (LT) distribution": a defined term that describes data names no
            # method, neither form, wherever the tagger took them
            object_shorts.add(short_text)
            object_longs.add(long_text.lower())
            continue
        if kind is None:
            continue
        t = trim_span(text, pair.long_start, pair.long_end)
        if t and t[1] < pair.long_end:
            # "spatial correlation module (SCM)", "policy gradient methods (PGMs)": the short form spells the head,
            # so the head is part of the name the text defines; so is a component's head it does not spell
            # ("multi-scale adaptive aggregation module (MSAG)": a module is a part, not a generic word)
            head = _LAST_WORD.search(text, t[1], pair.long_end)
            if (head is not None and head.start() == t[1] and head.group(1) in TRAILING_DROP
                    and (short_text.rstrip("s").endswith(head.group(1)[0].upper())
                         or head.group(1) in _COMPONENT_HEADS)):
                t = (t[0], head.end(1))
        if t:
            trimmed.append(Candidate(t[0], t[1], kind, "acronym", 2, 0.95))
        # every later use of a defined short form is that concept too, and outranks a shorter span
        # inside it ("GRAE" within "A-GRAE"); case-sensitive, so "ARC" never claims the word "arc"
        for start, end in _occurrences(text, short_text):
            if not _inside_hyphenated(text, start, end):
                trimmed.append(Candidate(start, end, kind, "acronym", 2, 0.95))

    # on one span a known measure's name ("PSNR", "MS-SSIM") outranks the tagger's kind, like the gazetteer's
    trimmed.sort(key=lambda c: (-c.tier, -(c.end - c.start), c.source not in ("gazetteer", "pattern"), c.start))
    taken = bytearray(len(text) + 1)  # 1 where a chosen mention covers the character
    for start, end in meetings:
        taken[start:end] = b"\x01" * (end - start)
    chosen: list[Candidate] = []
    by_string: dict[str, str] = {}
    for c in trimmed:
        if c.tier == 0 or c.type is None or _overlaps(taken, c.start, c.end):
            continue
        chosen.append(c)
        by_string.setdefault(text[c.start : c.end].lower(), c.type)
        taken[c.start : c.end] = b"\x01" * (c.end - c.start)

    # the same string elsewhere in the paper is the same concept
    if by_string:
        lower = text.lower()
        if len(lower) != len(text):  # a few characters change length when lowered: keep offsets exact
            lower = "".join(ch if len(ch.lower()) != 1 else ch.lower() for ch in text)
        # longest first: where the paper writes "contact mesh transformer" again, the tagger's "transformer" inside
        # it is that concept's fragment, and the longer name replaces it
        spans = {(c.start, c.end) for c in chosen}
        for s, kind in sorted(by_string.items(), key=lambda kv: -len(kv[0])):
            # plain find with word-boundary checks: a regex compiled per string dominated the profile
            for start, end in _occurrences(lower, s):
                # "LASER" inside "LASER-D" is part of a variant's name: the variant is the mention
                start, end = _variant_name(text, start, end)
                if _overlaps(taken, start, end):
                    if (start, end) in spans or (start and taken[start - 1]) or taken[end]:
                        continue  # the mention itself, or one reaching past the string (the common cases): no scan
                    inside = [c for c in chosen if c.start < end and start < c.end]
                    if not all(c.tier < 2 and start <= c.start and c.end <= end and c.end - c.start < end - start
                               for c in inside):
                        continue
                    chosen = [c for c in chosen if not (c.start < end and start < c.end)]
                chosen.append(Candidate(start, end, kind, "repeat", 1, 0.8))
                spans.add((start, end))
                taken[start : end] = b"\x01" * (end - start)

    if use_shapes:
        for c in trimmed:
            if c.tier != 0 or _overlaps(taken, c.start, c.end):
                continue
            surface = text[c.start : c.end]
            kind = by_string.get(surface.lower()) or known_types.get(surface.lower()) or c.type
            if kind is None and by_string:
                kind = plural_kind(surface, by_string)
            if kind is None:
                s_start, s_end = _sentence_bounds(sentence_starts, c.start, len(text))
                if not looks_like_benchmark(surface, text[s_start : c.start], text[c.end : c.end + 20], text[s_start:s_end]):
                    if is_sized_model(surface) or not looks_like_training_data(surface, text[s_start : c.start]):
                        if (" with " in text[max(s_start, c.start - 60) : c.start] and not PLURAL_ACRONYM.fullmatch(surface)
                                and _TASK_WITH_BEFORE.search(text, max(s_start, c.start - 60), c.start)):
                            # "3D shape classification with ModelNet40": the data a task is done with
                            chosen.append(c._replace(type=dataset_or_benchmark(surface, text[s_start:s_end])))
                            taken[c.start : c.end] = b"\x01" * (c.end - c.start)
                        continue
                    chosen.append(c._replace(type="DATASET"))
                    taken[c.start : c.end] = b"\x01" * (c.end - c.start)
                    continue
                # a benchmark name often goes on with a capitalised qualifier or a year: "SWE-bench Verified"
                tail = _BENCH_QUALIFIER.match(text[c.end : s_end])
                if tail and not _overlaps(taken, c.end, c.end + tail.end()):
                    c = c._replace(end=c.end + tail.end())
                kind = "BENCHMARK"
            chosen.append(c._replace(type=kind))
            taken[c.start : c.end] = b"\x01" * (c.end - c.start)

    out = []
    for c in chosen:
        s_start, s_end = _sentence_bounds(sentence_starts, c.start, len(text))
        name = text[c.start : c.end]
        if c.type in ("METHOD", "TASK") and name.lower() not in known_types and not _LANGUAGE_PAIR.match(name) and looks_like_benchmark(
            name, text[s_start : c.start], text[c.end : c.end + 20], text[s_start:s_end]
        ) and not is_sized_model(name) and not (c.type == "TASK" and _ENDS_IN_TASK_HEAD.search(name)):
            c = c._replace(type="BENCHMARK")
        elif c.type in ("DATASET", "BENCHMARK") and is_sized_model(name):
            c = c._replace(type="METHOD")  # "Experiments on DeepSeek-R1-Distill-Qwen-1.5B": a released model
        elif c.type in ("DATASET", "BENCHMARK") and c.source not in ("gazetteer-domain",):
            decided = known_types.get(text[c.start : c.end].lower())
            if decided not in ("DATASET", "BENCHMARK"):
                decided = dataset_or_benchmark(text[c.start : c.end], text[s_start:s_end])
            c = c._replace(type=decided)
        out.append(c)
    out.extend(_nested_bases(text, out))
    if "-based" in text or "-driven" in text or "-guided" in text or "-style" in text:
        out.extend(_known_before_suffix(text, out, known_types))
    if "e.g." in text:
        out = _task_examples_are_benchmarks(text, out)
    out = _coordinated_tasks(text, out, known_types)
    out = _coordinated_data(text, out, known_types)
    out = _coordinated_methods(text, out, known_types)
    # " as " only with the words before it ("known as", "referred to as"): 180 abstracts in 255 -> 59
    if "namely" in text or "called" in text or "termed" in text or "dubbed" in text or (
            " as " in text and ("known" in text or "referred" in text)):
        out = _named_by_apposition(text, out)
    out = _same_head_items(text, out)
    out = _acronyms_of_mentions(text, out)
    if " dataset" in text:
        out = _data_head_named_alone(text, out)
    out.sort(key=lambda c: c.start)
    out = _paradigms_are_methods(text, _problems_are_tasks(text, out, abbreviations), abbreviations)
    if "(" in text and ("datasets" in text or "benchmarks" in text or "corpora" in text):
        out = _parenthesised_data(text, out, sentence_starts)
    if "task" in text or "problem" in text:
        out = _subjects_called_tasks(text, out)
    if "tasks" in text or "problems" in text:
        out = _task_frame_items(text, out)  # after the paradigms: the list's frame says how this text uses one
    out = _modifier_tasks_dropped(text, out)
    out = _task_acronym_settings(text, out)
    return _consistent_types(text, _final_span_rules(text, out, known_types, object_shorts, object_longs))


#: the text calls a concept a problem: "Incremental Learning (IL) has been a long-standing problem"
_CALLED_PROBLEM_AFTER = re.compile(
    r"(?:\s*\([^()]{1,20}\))?\s+(?:has\s+(?:long\s+)?been|is|remains)\s+(?:a|an|one\s+of\s+the)\s+"
    r"(?:[\w-]+\s+){0,3}?(?:problems?|tasks?)\b"
)


def _problems_are_tasks(text: str, mentions: list[Candidate], abbreviations: list[AbbrevPair]) -> list[Candidate]:
    """ANNOTATION.md: a research problem is a TASK, so a METHOD the text calls a problem is one, with its acronym."""
    # substring tests first: a regex scan of every abstract cost more than the rule's work
    if "problem" not in text and "task" not in text:
        return mentions
    called = set()
    for c in mentions:
        # only a statement about the concept: "we study the problem of X" often names a method's setting
        if c.type == "METHOD" and _CALLED_PROBLEM_AFTER.match(text, c.end):
            called.add(text[c.start : c.end].lower())
    if not called:
        return mentions
    for pair in abbreviations:
        forms = {text[pair.long_start : pair.long_end].lower(), text[pair.short_start : pair.short_end].lower()}
        if forms & called:
            called |= forms
    return [c._replace(type="TASK") if c.type == "METHOD" and text[c.start : c.end].lower() in called else c
            for c in mentions]


#: learning paradigms, which ANNOTATION.md names as METHODs ("reinforcement learning", "self-supervised learning"),
#: with the settings that make kinds of them ("multi-agent reinforcement learning"); the tagger often types them TASK.
#: "representation learning", "imitation learning", "continual learning" are tasks in the gold and stay as typed
_PARADIGM = re.compile(
    r"(?:(?:deep|multi-agent|model-based|model-free|offline|online|inverse|hierarchical|safe|multi-objective|multi-goal|"
    r"distributional)\s+)*(?:reinforcement|self-supervised|supervised|unsupervised|semi-supervised|weakly[- ]supervised|"
    r"contrastive|deep|multi-task|in-context|adversarial|federated)\s+learning",
    re.I,
)


def _paradigms_are_methods(text: str, mentions: list[Candidate], abbreviations: list[AbbrevPair]) -> list[Candidate]:
    """A learning paradigm typed TASK is a METHOD (ANNOTATION.md), and so is its acronym."""
    # a substring test first: most abstracts name no paradigm the tagger typed TASK
    if "learning" not in text and "Learning" not in text:
        return mentions
    renamed = {text[c.start : c.end].lower() for c in mentions
               if c.type == "TASK" and c.end - c.start > 9 and _PARADIGM.fullmatch(text, c.start, c.end)}
    if not renamed:
        return mentions
    for pair in abbreviations:
        if text[pair.long_start : pair.long_end].lower() in renamed:
            renamed.add(text[pair.short_start : pair.short_end].lower())
    return [c._replace(type="METHOD") if c.type == "TASK" and text[c.start : c.end].lower() in renamed else c
            for c in mentions]


#: "classification (e.g. ImageNet), retrieval (e.g. CUB and SOP)": data sets given as examples of a task are the
#: benchmarks it is measured on
_EXAMPLES = re.compile(r"\s*\(e\.g\.,?\s+([^()]{1,80})\)")
_EXAMPLE_NAME = re.compile(r"[A-Z][\w.+/-]*(?:\s[A-Z0-9][\w.+/-]*){0,2}")


def _task_examples_are_benchmarks(text: str, mentions: list[Candidate]) -> list[Candidate]:
    """Names in an "(e.g. ...)" right after a TASK mention are BENCHMARKs, found or typed so."""
    out = list(mentions)
    for task in mentions:
        if task.type != "TASK":
            continue
        m = _EXAMPLES.match(text, task.end)
        if m is None:
            continue
        for at, end in _list_items(_ITEM_SEPARATOR, text, m.start(1), m.end(1)):
            if _EXAMPLE_NAME.fullmatch(text, at, end) and text[at:end] not in CAPS_STOP:
                inside = [k for k, c in enumerate(out) if c.start < end and at < c.end]
                if not inside:
                    out.append(Candidate(at, end, "BENCHMARK", "rule", 1, 0.75))
                elif len(inside) == 1 and (out[inside[0]].start, out[inside[0]].end) == (at, end):
                    out[inside[0]] = out[inside[0]]._replace(type="BENCHMARK")
    return out


#: "point cloud classification, set expansion, and outlier detection": a lowercase item that the list coordinates
#: with a TASK mention is a task too (the tagger found its neighbours, not it)
_COORD_ITEM = re.compile(r"[a-z0-9][\w-]*(?:\s+[a-z][\w-]*){0,3}")
#: what may follow an item: the next separator, the end of the clause, or a preposition ("sorting for Sudoku")
_COORD_END = re.compile(r"\s*(?:[,.;:)]|$)|\s+(?:and|or|in|for|on|with|from|of|to|under|using|via|across|at|by)\s")
_TASK_ENDINGS = ("ion", "ing", "sis", "ment", "val", "ery", " control", " design", " transfer", " inference")
_CONJUNCTION = re.compile(r"\b(?:and|or)\b")
_COORD_STOP = frozenset("but yet so hence however therefore i.e. e.g. etc respectively them they us he she him her one ones".split())
_COORD_NOT_LAST = frozenset("tasks task problems problem settings setting applications domains data models methods".split())


def _coordinated_item(text: str, at: int) -> tuple[int, int] | None:
    """The lowercase noun phrase that starts a list item at ``at``, cut at its first function or evaluative word."""
    m = _COORD_ITEM.match(text, at)
    if m is None:
        return None
    end = at
    for w in re.finditer(r"\S+", m.group(0)):
        word = w.group(0)
        if word in _TASK_STOP or word in _ITEM_STOP or word in _COORD_STOP or (end == at and word.endswith("ly")):
            break
        end = at + w.end()
    if end == at or not _COORD_END.match(text, end):
        return None
    item = text[at:end]
    last = item.rsplit(" ", 1)[-1]
    # an action noun heads a task ("set expansion", "method naming"); other heads were mostly things or results
    # ("realistic scenes", "speedups", "parallel text")
    if " " not in item or not item.endswith(_TASK_ENDINGS) or last in _COORD_NOT_LAST or generic_phrase(item):
        return None
    return at, end


def _coordinated_tasks(text: str, mentions: list[Candidate], known_types: dict[str, str]) -> list[Candidate]:
    """Uncovered lowercase items in a list with a TASK mention become TASKs ("... classification, set expansion")."""
    if not any(c.type == "TASK" for c in mentions):
        return mentions
    starts = {c.start: c for c in mentions}
    taken = _taken(text, mentions)
    out = list(mentions)
    for task in [c for c in mentions if c.type == "TASK"]:
        at = task.end
        while True:
            sep = _ITEM_SEPARATOR.match(text, at)
            if sep is None:
                break
            nxt = starts.get(sep.end())
            if nxt is not None:
                at = nxt.end  # a mention in the list: the list goes on after it
                continue
            item = _coordinated_item(text, sep.end())
            # after a bare comma the list must go on ("A, B, and C"): "X, resource quality maybe ..." is a clause
            if item is not None and not _CONJUNCTION.search(sep.group(0)) and not _ITEM_SEPARATOR.match(text, item[1]):
                break
            if item is None or _overlaps(taken, *item) or known_types.get(text[item[0] : item[1]].lower(), "TASK") != "TASK":
                break
            out.append(Candidate(item[0], item[1], "TASK", "rule-task-coord", 1, 0.6))
            taken[item[0] : item[1]] = b"\x01" * (item[1] - item[0])
            at = item[1]
    return out


#: "on 3DPW and Human3.6M", "Experiments on BabyAI, Minigrid, and Algorithmic Creativity": a capitalised name that
#: a list coordinates with a data set or benchmark is one of the same kind (the tagger found some, not all)
_DATA_LIST_SEPARATOR = re.compile(r"\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or|as\s+well\s+as)\s+")
_DATA_LIST_NAME = re.compile(r"[A-Z][\w.+/-]*[\w+](?:\s[A-Z0-9][\w.+/-]*[\w+])?|[A-Z]")
_DATA_LIST_END = re.compile(r"\s*(?:[,.;:)]|$)|\s+(?:and|or|as|datasets?|benchmarks?|[a-z]+)\b")
_DATA_LIST_BEFORE = re.compile(r"(?:\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+)$")
_METHOD_LIKE_DATA = re.compile(r"\s[a-z]")
_ITEM_ACRONYM = re.compile(r"\s*\(([A-Z][\w-]*)\)")
_ITEM_DATA_HEAD = re.compile(r" Dataset(?=[,\s])")
_RETYPED_SOURCES = frozenset(("ner", "rule-model", "shape", "repeat", "acronym"))


def _coordinated_data(text: str, mentions: list[Candidate], known_types: dict[str, str]) -> list[Candidate]:
    """METHOD-typed or unfound capitalised names listed with a DATASET/BENCHMARK mention take its kind."""
    # an anchor that reads like a method ("Thompson sampling", "Neural Tensor Network") was likely typed data by
    # mistake: it spreads nothing
    data = [c for c in mentions if c.type in ("DATASET", "BENCHMARK") and not _METHOD_LIKE_DATA.search(text, c.start, c.end)
            and type_from_head(text[c.start : c.end]) != "METHOD"]
    if not data:
        return mentions
    out = list(mentions)
    at_start = {c.start: k for k, c in enumerate(out)}
    at_end = {c.end: k for k, c in enumerate(out)}
    taken = _taken(text, mentions)

    def claim(k: int, kind: str) -> bool:
        c = out[k]
        if c.type == kind or c.type in ("DATASET", "BENCHMARK"):
            return True
        name = text[c.start : c.end]
        if (c.type != "METHOD" or c.source not in _RETYPED_SOURCES or _LANGUAGE_PAIR.fullmatch(name) or known_types.get(name.lower()) == "METHOD"
                or not name[:1].isupper() or is_sized_model(name)):
            return False
        out[k] = c._replace(type=kind)
        return True

    def past(end: int, kind: str) -> int:
        """The end of an item: after its "(ACR)", claimed too, and a capitalised "Dataset" head."""
        paren = _ITEM_ACRONYM.match(text, end)
        if paren is not None:
            k = at_start.get(paren.start(1))
            if k is not None and out[k].end == paren.end(1):
                claim(k, kind)
            end = paren.end()
        head = _ITEM_DATA_HEAD.match(text, end)
        return head.end() if head is not None else end

    for d in data:
        at = past(d.end, d.type)  # rightwards
        while (sep := _DATA_LIST_SEPARATOR.match(text, at)) is not None:
            start = sep.end() + 4 if text.startswith("the ", sep.end()) else sep.end()
            k = at_start.get(start)
            if k is not None:
                if not claim(k, d.type):
                    break
                at = past(out[k].end, d.type)
                continue
            # a name nobody found joins only a list of benchmarks: what a model is trained on is often listed
            # with the models themselves ("fine-tuned on SYN-2 and LLaMA-3")
            name = _DATA_LIST_NAME.match(text, sep.end()) if d.type == "BENCHMARK" else None
            if (name is None or not _DATA_LIST_END.match(text, name.end()) or _overlaps(taken, name.start(), name.end())
                    or name.group(0) in CAPS_STOP or is_sized_model(name.group(0)) or _LANGUAGE_PAIR.fullmatch(name.group(0))
                    or _ONE_LANGUAGE.fullmatch(name.group(0))
                    # after a bare comma the list must go on: "On the NIST corpus, LTM-10 achieves" is a clause
                    or not (_CONJUNCTION.search(sep.group(0)) or _DATA_LIST_SEPARATOR.match(text, name.end())
                            or _DATA_HEAD_AFTER.match(text, name.end()))
                    or known_types.get(name.group(0).lower(), d.type) not in ("DATASET", "BENCHMARK")):
                break
            out.append(Candidate(name.start(), name.end(), d.type, "rule-data-list", 1, 0.7))
            taken[name.start() : name.end()] = b"\x01" * (name.end() - name.start())
            at = name.end()
        at = d.start  # leftwards: only names the tagger found
        while (sep := _DATA_LIST_BEFORE.search(text, max(0, at - 12), at)) is not None:
            end = sep.start()
            if text.endswith(" Dataset", 0, end):
                end -= 8
            k = at_end.get(end)
            if k is None or not claim(k, d.type):
                break
            at = out[k].start
    return out


#: "both GPT4-o and Llama-3.1-405B", "H.265/HEVC, VP9 and AV1": a name-shaped word listed with a METHOD is one
#: citation keys ("Mikolov2013DistributedRO") and modifiers ("T1-weighted") are name-shaped but name no method
_CITATION_LIKE = re.compile(r"[a-z](?:19|20)\d\d|-[a-z]+ed$|[a-z]{3,}[A-Z]{3,}\d")
_SHAPE_WORD = re.compile(r"[A-Za-z0-9][\w.+/-]*[\w+]")
_SEPARATOR_ENDS = (",", "and", "or")
_SHAPE_WORD_BEFORE = re.compile(r"(?<![\w.+/-])([A-Za-z0-9][\w.+/-]*[\w+])(?:\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+)$")


def _coordinated_methods(text: str, mentions: list[Candidate], known_types: dict[str, str]) -> list[Candidate]:
    """Unfound name-shaped words in a list with a METHOD mention become METHODs."""
    methods = [c for c in mentions if c.type == "METHOD" and c.source in ("ner", "rule-model", "acronym", "rule")]
    if not methods:
        return mentions
    taken = _taken(text, mentions)
    out = list(mentions)

    def take(at: int, end: int) -> bool:
        word = text[at:end]
        if (not is_name_shape(word) or word in CAPS_STOP or PLURAL_ACRONYM.fullmatch(word) or _overlaps(taken, at, end)
                or known_types.get(word.lower(), "METHOD") != "METHOD" or _DIMENSION.fullmatch(word)
                or ("-" in word and _ADJECTIVE_WORD.fullmatch(word)) or _CITATION_LIKE.search(word)):
            return False
        out.append(Candidate(at, end, "METHOD", "rule-method-list", 1, 0.7))
        taken[at:end] = b"\x01" * (end - at)
        return True

    for c in methods:
        at = c.end
        while (sep := _DATA_LIST_SEPARATOR.match(text, at)) is not None:
            word = _SHAPE_WORD.match(text, sep.end())
            if word is None or not (_CONJUNCTION.search(sep.group(0)) or _DATA_LIST_SEPARATOR.match(text, word.end())):
                break
            if not _DATA_LIST_END.match(text, word.end()) or not take(word.start(), word.end()):
                break
            at = word.end()
        # the pattern needs a separator ending in ",", "and" or "or" right before the mention (mostly absent)
        tail = text[max(0, c.start - 8) : c.start].rstrip()
        if len(tail) >= 3 and not tail.endswith(_SEPARATOR_ENDS):
            continue
        before = _SHAPE_WORD_BEFORE.search(text, max(0, c.start - 40), c.start)
        if before is not None:
            take(before.start(1), before.end(1))
    return out


def _nested_bases(text: str, mentions: list[Candidate]) -> list[Candidate]:
    """The base inside "a geometric version of the WL test" is a mention of its own ("WL test")."""
    nested = []
    for c in mentions:
        name = text[c.start : c.end]
        version = _VERSION_OF.search(name)
        if version is None or c.type is None:
            continue
        t = trim_span(text, c.start + version.end(), c.end)
        if t and t[1] - t[0] >= 2:
            nested.append(Candidate(t[0], t[1], c.type, "nested", c.tier, c.confidence))
    return nested


def _initials(name: str) -> str:
    """Initials of a name's words and hyphenated parts, in capitals: "error rate reduction" -> "ERR"."""
    return "".join([part[0] for part in name.upper().replace("-", " ").split()])


#: the kinds whose undefined acronyms are read: a method's acronym is nearly always defined where an abstract names the
#: method (the rule over every kind changed no corpus key), and methods are most mentions, so skipping them keeps the
#: rule cheap
_SPELLED_KINDS = frozenset(("TASK", "METRIC", "DATASET", "BENCHMARK"))


def _acronyms_of_mentions(text: str, mentions: list[Candidate]) -> list[Candidate]:
    """"relation extraction models ... the state of the art in RE": an acronym the text uses without defining it,
    spelled by the initials of a concept the same text names in words, is that concept's short form and takes its kind
    (ANNOTATION.md: a long form and its acronym are two entities of the same type)."""
    initials: dict[str, str] = {}
    for c in mentions:
        if c.type in _SPELLED_KINDS and text.find(" ", c.start, c.end) > 0:
            initials.setdefault(_initials(text[c.start : c.end]), c.type)
    found = []
    taken = None
    for acronym, kind in initials.items():
        # str.find, not a regex scan: this runs on every text and rarely finds anything. An acronym the text defines
        # ("reward models (RMs) ... RM performance") is the acronym rules' business.
        at = text.find(acronym)
        if at < 0 or len(acronym) < 2 or not acronym.isalpha() or "(" + acronym in text:
            continue
        while at >= 0:
            end = at + len(acronym)
            if text.startswith("s", end):
                end += 1  # "GNNs"
            if ((at == 0 or not (text[at - 1].isalnum() or text[at - 1] in "/.-_"))
                    and (end == len(text) or not (text[end].isalnum() or text[end] in "/-_"))):
                taken = taken or _taken(text, mentions)
                if not _overlaps(taken, at, end):
                    found.append(Candidate(at, end, kind, "acronym-initials", 1, 0.7))
            at = text.find(acronym, at + 1)
    return mentions + found if found else mentions


def _data_head_named_alone(text: str, mentions: list[Candidate]) -> list[Candidate]:
    """"the COCO dataset" where the paper also writes "COCO" alone: the name is "COCO" (ANNOTATION.md: no generic
    heads), and the head is the paper's word for what COCO is.

    Only where the bare name stands elsewhere: a text that always writes "the X dataset" may have named it so, and
    one sentence (TDMSci) rarely repeats a name. An all-capitals name ("COCO", "MNIST") is a name without its head
    in an abstract under a title, where the paper writes it once; TDMSci's one-sentence gold keeps the head."""
    out = []
    titled = text.find("\n") > 0  # an abstract under its title: where ANNOTATION.md's spans apply (not TDMSci's)
    for c in mentions:
        if c.type in ("DATASET", "BENCHMARK") and text.endswith(" dataset", c.start, c.end):
            name_end = c.end - 8
            name = text[c.start : name_end]
            if not name.islower() and " " not in name and (name.isupper() and titled or any(
                    not text.startswith(" dataset", end) and not text.startswith(" Dataset", end)
                    for _, end in _occurrences(text, name))):
                c = c._replace(end=name_end)
        out.append(c)
    return out


#: heads naming a part of an architecture: a defined long form keeps them ("... aggregation module (MSAG)")
_COMPONENT_HEADS = frozenset(("module", "modules", "layer", "layers"))

#: a name glued to a suffix that says what a thing rests on: "Transformer-based", "RL-driven", "LLM-guided"
#: (the suffix alone, _BASED_SUFFIX, is what _known_before_suffix scans for)
_BASED_SUFFIX = re.compile(r"-(?:based|driven|guided|style)(?![\w-])")
_BASED_ON = re.compile(r"(?<![\w.-])([A-Za-z][\w.]*[A-Za-z0-9])" + _BASED_SUFFIX.pattern)


def _known_before_suffix(text: str, mentions: list[Candidate], known_types: dict[str, str]) -> list[Candidate]:
    """"a transformer-based approach": the known method before "-based" is a mention of that method.

    A word glued to a suffix is one token, so neither the tagger nor the gazetteer sees the name inside it; only
    names the in-domain gazetteer knows as methods count (what "X-based" rests on is mostly a method)."""
    found = []
    taken = _taken(text, mentions)
    # the suffix first (a literal "-" to skip to), then the word run before it: _BASED_ON tried at every
    # position of the text cost 50 us; it is matched only where that run starts (the run holds no "-", so a
    # match ending at this suffix can start nowhere else)
    for suffix in _BASED_SUFFIX.finditer(text):
        at = suffix.start()
        while at and (text[at - 1].isalnum() or text[at - 1] in "._"):  # \w and "."
            at -= 1
        m = _BASED_ON.match(text, at)
        if m is None or known_types.get(m.group(1).lower()) != "METHOD":
            continue
        start, end = m.span(1)
        if _overlaps(taken, start, end):
            continue
        found.append(Candidate(start, end, "METHOD", "rule", 1, 0.8))
    return found


def _consistent_types(text: str, mentions: list[Candidate]) -> list[Candidate]:
    # one string, one kind per paper (evaluation counts each distinct string once): majority wins
    votes: dict[str, dict[str, float]] = {}
    keys = [text[c.start : c.end].lower() for c in mentions]
    for key, c in zip(keys, mentions):
        v = votes.get(key)
        if v is None:
            votes[key] = {c.type: 2.0 if c.tier == 2 else 1.0}
        else:
            v[c.type] = v.get(c.type, 0.0) + (2.0 if c.tier == 2 else 1.0)
    # most strings have one kind: max() only where they differ (it keeps the first of tied kinds)
    winners = {key: next(iter(v)) if len(v) == 1 else max(v.items(), key=lambda kv: kv[1])[0]
               for key, v in votes.items()}
    out = []
    for key, c in zip(keys, mentions):
        kind = winners[key]
        out.append(c if kind == c.type else c._replace(type=kind))
    return out


#: "adaptive data collection tasks like active learning and ...", "problems, including an in-context learning
#: task": the frame calls each listed item a task (ANNOTATION.md: the kind is the item's use in this abstract)
_TASK_FRAME = re.compile(r"(?:tasks|problems),?\s+(?:like|such\s+as|including)\s+")
_FRAME_ITEM_LEAD = re.compile(r"(?:an?|the)\s+")
_FRAME_ITEM_HEAD = re.compile(r"\s+(?:tasks?|problems?)\b")


def _task_frame_items(text: str, mentions: list[Candidate]) -> list[Candidate]:
    """Lowercase METHOD mentions named as the items of a "tasks like ..." list become TASKs, in every place."""
    starts = {c.start: c for c in mentions}
    retyped: set[str] = set()
    for m in _TASK_FRAME.finditer(text):
        if m.start() and _word_char(text[m.start() - 1]):
            continue
        at = m.end()
        while True:
            lead = _FRAME_ITEM_LEAD.match(text, at)
            c = starts.get(lead.end() if lead else at)
            if c is None:
                break  # an item no mention starts: the list's extent is unknown from here
            name = text[c.start : c.end]
            # an action noun heads the item ("active learning", "in-context learning"); a thing stays a method
            if c.type == "METHOD" and name.islower() and name.endswith(("ing", "ion", "sis")):
                retyped.add(name)
            at = c.end
            head = _FRAME_ITEM_HEAD.match(text, at)
            if head is not None:
                at = head.end()
            sep = _ITEM_SEPARATOR.match(text, at)
            if sep is None:
                break
            at = sep.end()
    if not retyped:
        return mentions
    return [c._replace(type="TASK") if c.type == "METHOD" and text[c.start : c.end].lower() in retyped else c
            for c in mentions]


#: "on several medical (ACDC, LVSC) and non-medical (PPSS) datasets", "curated datasets (e.g., K400)": names
#: listed in parentheses inside or after a plural data phrase are its data sets
_PAREN_NAMES = r"\((?:(?:e\.g\.|i\.e\.),?\s*)?([A-Z][\w.+/-]*(?:,\s*(?:and\s+)?[A-Z][\w.+/-]*)*)\)"
#: the parenthesis first, its lookbehind after it: a literal start lets re skip to each "(" (a lookbehind first
#: was tried at every position, 30 us per text)
_NAMES_BEFORE_DATA = re.compile(
    r"\((?<=[a-z] \()" + _PAREN_NAMES[2:] + r"((?:\s+(?:and|or)\s+[a-z-]+\s+\([^()]{1,60}\))?(?:\s+[a-z-]+){0,2}\s+(?:datasets|benchmarks|corpora)\b)")
_NAMES_AFTER_DATA = re.compile(r"(?:datasets|benchmarks|corpora)\s+\((?:e\.g\.|i\.e\.),?\s*([A-Z][\w.+/-]*(?:,\s*(?:and\s+)?[A-Z][\w.+/-]*)*)\)")
_PAREN_LIST = re.compile(_PAREN_NAMES)
_PAREN_NAME = re.compile(r"[A-Z][\w.+/-]*")


def _parenthesised_data(text: str, mentions: list[Candidate], sentence_starts: list[int]) -> list[Candidate]:
    """Name-shaped words listed in such parentheses are DATASETs or BENCHMARKs (by the sentence), found or retyped;
    a defined acronym keeps its kind."""
    spans: list[tuple[int, int]] = []
    for m in _NAMES_BEFORE_DATA.finditer(text):
        before = text[max(0, m.start() - 30) : m.start()].split()
        if not before or not before[-1].islower():
            continue  # "Multi-View Caption (MVCap) datasets": a defined acronym, the pair rule's business
        spans.append(m.span(1))
        # the second parenthesis of "medical (A, B) and non-medical (C) datasets"
        spans.extend(inner.span(1) for inner in _PAREN_LIST.finditer(text, m.start(2), m.end(2)))
    spans.extend(m.span(1) for m in _NAMES_AFTER_DATA.finditer(text))
    if not spans:
        return mentions
    by_span = {(c.start, c.end): i for i, c in enumerate(mentions)}
    taken = _taken(text, mentions)
    out = list(mentions)
    retyped: dict[str, str] = {}
    for start, end in spans:
        sentence = text[slice(*_sentence_bounds(sentence_starts, start, len(text)))]
        for w in _PAREN_NAME.finditer(text, start, end):
            name = w.group(0)
            if name in CAPS_STOP or not (is_name_shape(name) or name.isupper()):
                continue
            kind = dataset_or_benchmark(name, sentence)
            i = by_span.get(w.span())
            if i is not None:
                if out[i].type == "METHOD" and out[i].tier < 2:
                    retyped[name] = kind  # ... in every place (one string, one kind per paper)
            elif not _overlaps(taken, *w.span()):
                out.append(Candidate(w.start(), w.end(), kind, "rule", 1, 0.7))
    if retyped:
        out = [c._replace(type=retyped[text[c.start : c.end]]) if c.type == "METHOD" and c.tier < 2
               and text[c.start : c.end] in retyped else c for c in out]
    return out


#: "linear regression and ridge regression", "embedding models and generative models": a lowercase phrase that a
#: list coordinates with a METHOD or TASK mention and that ends in the same head noun names a thing of that kind
_SAME_HEAD_SEPARATOR = re.compile(r"\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or|as\s+well\s+as|versus)\s+")
_ITEM_AFTER = re.compile(r"(?:(?:an?|the)\s+)?((?:[a-z][\w-]*\s+){0,3}?([a-z][\w-]*))(?=\s*[,.;:)]|\s+(?:and|or|to|for|in|on|with|that|which|are|is|as|of|have|has|can|were|was|by|from|at|using|via)\s)")
_ITEM_BEFORE = re.compile(
    r"(?<![\w-])((?:[a-z][\w-]*\s+){0,3}([a-z][\w-]*))(?:\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or|as\s+well\s+as|versus)\s+)$")


_SEPARATOR_TAILS = (", ", " and ", " or ", " versus ", " as well as ", ",\n")


def _left_trimmed_item(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The item less its leading function, verb and evaluative words; None when fewer than two words are left."""
    words = list(re.finditer(r"\S+", text[start:end]))
    for k in range(len(words) - 1, -1, -1):
        if words[k].group(0) in _TASK_STOP or words[k].group(0) in _ITEM_STOP:
            words = words[k + 1 :]
            break
    if len(words) < 2:
        return None
    return start + words[0].start(), end


def _same_head_items(text: str, mentions: list[Candidate]) -> list[Candidate]:
    """Uncovered lowercase items with a mention's head noun in the same list take the mention's kind."""
    taken = None
    out = mentions
    for c in mentions:
        if c.type not in ("METHOD", "TASK") or not text[c.end - 1].islower():
            continue
        found = []
        sep = _SAME_HEAD_SEPARATOR.match(text, c.end)
        if sep is not None and (item := _ITEM_AFTER.match(text, sep.end())) is not None:
            found.append(item)
        # the backward search only where a separator ends right before the mention (a search at every mention
        # cost more than the rest of the rule)
        if text.endswith(_SEPARATOR_TAILS, 0, c.start) and (
                item := _ITEM_BEFORE.search(text, max(0, c.start - 80), c.start)) is not None:
            found.append(item)
        if not found:
            continue
        head = text[text.rfind(" ", c.start, c.end) + 1 : c.end].rstrip("s")
        for item in found:
            if len(head) < 4 or item.group(2).rstrip("s") != head:
                continue
            if taken is None:
                taken = _taken(text, mentions)
                out = list(mentions)
            span = _left_trimmed_item(text, item.start(1), item.end(1))
            # a participle leads no name: "post-merged models", "simulated environments" say which instance
            # ("graph-based models" rest on a thing, they are named by it)
            if (span is None or _overlaps(taken, *span) or generic_phrase(text[span[0] : span[1]])
                    or _DESCRIBED_MODELS.fullmatch(text, *span)
                    or (text[span[0] : span[1]].split(" ", 1)[0].endswith("ed") and "-" not in text[span[0] : span[1]].split(" ", 1)[0])):
                continue
            out.append(Candidate(span[0], span[1], c.type, "rule-same-head", 1, 0.6))
            taken[span[0] : span[1]] = b"\x01" * (span[1] - span[0])
    return out


#: "Job-resume matching has become an important task.": a sentence (or a clause after an opening phrase) whose subject the text calls a task or a
#: problem names that task (ANNOTATION.md: a research problem is a TASK), found or not
#: (found from the verb phrase, then the subject back to the clause's start: a scan for the subject at every word
#: cost as much as the tagger's slowest rule)
_CALLED_TASK = re.compile(r"\s(?:has\s+(?:long\s+)?(?:been|become)|is|remains|becomes)\s+(?:a|an|one\s+of\s+the)\s+"
                          r"(?:[\w-]+\s+){0,3}?(?:problems?|tasks?)\b")
_SUBJECT = re.compile(r"((?:[A-Za-z][\w-]*[ \t]+){0,4}[A-Za-z][\w-]*)(?:\s*\([^()]{1,20}\))?")
_CLAUSE_STARTS = (". ", "! ", "? ", ", ", "\n")


def _subjects_called_tasks(text: str, mentions: list[Candidate]) -> list[Candidate]:
    """An uncovered sentence subject of two words or more that the sentence calls a task or problem is a TASK."""
    taken = None
    out = mentions
    for m in _CALLED_TASK.finditer(text):
        window = max(0, m.start() - 70)
        at = max(-1 if (i := text.rfind(b, window, m.start())) < 0 else i + len(b) for b in _CLAUSE_STARTS)
        if at < 0:
            if window > 0:
                continue  # no clause start near: a long subject, or one inside a sentence
            at = 0
        subject = _SUBJECT.fullmatch(text, at, m.start())
        if subject is None:
            continue
        start, end = subject.span(1)
        if taken is None:
            taken = _taken(text, mentions)
        words = text[start:end].split()
        # a determiner, pronoun or function word makes it no name ("This problem", "The goal of X")
        if (len(words) < 2 or any(w.lower() in _ITEM_STOP or w.lower() in _TASK_STOP or w.lower() in _COORD_STOP for w in words)
                or _overlaps(taken, start, end) or generic_phrase(text[start:end])):
            continue
        if out is mentions:
            out = list(mentions)
        out.append(Candidate(start, end, "TASK", "rule-task-called", 1, 0.6))
    return out


#: "a process called backward construction", "a novel task in T2I generation, namely action customization": a
#: lowercase name that a naming word gives to a method's or a task's head noun is a concept of that kind
_NAMING = re.compile(r"\s(?:namely|called|termed|dubbed|known\s+as|referred\s+to\s+as)\s+(?:(?:a|an|the)\s+)?"
                     r"([a-z][\w-]*(?:\s+[a-z][\w-]*){0,4})")
_NAMED_HEADS = {w: "METHOD" for w in """process mechanism method technique procedure component components module
    modules network model algorithm prior objective strategy scheme approach framework architecture operation operator
    loss regularizer layer""".split()} | {"task": "TASK", "problem": "TASK"}
_CLAUSE_WORD = re.compile(r"[\w-]+")


def _named_by_apposition(text: str, mentions: list[Candidate]) -> list[Candidate]:
    """Uncovered lowercase names after a naming word take the kind of the nearest head noun before it (up to eight
    words back in the clause); one plain word names nothing on its own."""
    taken = _taken(text, mentions)
    out = mentions
    for m in _NAMING.finditer(text):
        clause = text[max(0, m.start() - 80) : m.start()]
        clause = clause[max(clause.rfind("."), clause.rfind(";"), clause.rfind(":")) + 1 :]
        kind = next((_NAMED_HEADS[w] for w in reversed(_CLAUSE_WORD.findall(clause)[-8:]) if w in _NAMED_HEADS), None)
        if kind is None:
            continue
        words = m.group(1).split()
        cut = next((k for k, w in enumerate(words) if w in _TASK_STOP or w in _ITEM_STOP), len(words))
        words = words[:cut]
        # one plain word names nothing alone; a name cut after an adjective lost its head ("... recurrent neural")
        if not words or (len(words) == 1 and "-" not in words[0]) or words[-1].endswith(("al", "ive", "ous")):
            continue
        start = m.start(1)
        end = start + len(" ".join(words))
        if text[start:end] != " ".join(words) or _overlaps(taken, start, end) or generic_phrase(text[start:end]):
            continue
        if out is mentions:
            out = list(mentions)
        out.append(Candidate(start, end, kind, "rule", 1, 0.7))
    return out


#: a task word that modifies the noun after it names what kind of thing that is, not a task the text is about
#: ("a retrieval model", "segmentation masks"); applies to every source. Not before "methods", "techniques" or
#: "performance": TDMSci marks the task in "summarization methods", "translation performance" (7 of its train tasks)
_MODIFIED_NOUN = re.compile(r" (?:models?|policies|data|capabilities|settings?|systems?|"
                            r"frameworks?|approach(?:es)?|algorithms?|architectures?|networks?|modules?|pipelines?|"
                            r"masks?|content|scripts?|supervision|motions?)(?![\w-])", re.I)


#: ... a head that makes any task phrase before it a modifier: a way of doing it or a theory of it ("gradient
#: estimation strategies", "statistical learning theory")
_WAY_OR_THEORY = re.compile(r" (?:strateg(?:y|ies)|theory|theories)(?![\w-])")


def _modifier_tasks_dropped(text: str, mentions: list[Candidate]) -> list[Candidate]:
    """Drop TASK mentions that modify a following noun (see _MODIFIED_NOUN)."""
    return [c for c in mentions if not (c.type == "TASK" and text.startswith(" ", c.end) and _WAY_OR_THEORY.match(text, c.end))
            and not (c.type == "TASK" and text.startswith(" ", c.end) and _MODIFIED_NOUN.match(text, c.end)
                                        and text[c.start : c.end].isalpha() and (text[c.start : c.end].islower() or (
                                            # a title's capitalised word before a capitalised noun: "Localization Supervision"
                                            text[c.start + 1 : c.end].islower() and text[c.end + 1].isupper())))]


#: an acronym prefixed to another by a hyphen: "LT-MLC" (long-tailed multi-label classification)
_PREFIXED_ACRONYM = re.compile(r"[A-Z][A-Za-z0-9]{0,5}-([A-Z][A-Z0-9]+)s?")


def _task_acronym_settings(text: str, mentions: list[Candidate]) -> list[Candidate]:
    """"LT-MLC", "PL-MLC" where this text calls "MLC" a task: a setting of the task is that task, not a method."""
    tasks = {text[c.start : c.end] for c in mentions if c.type == "TASK"}
    if not tasks:
        return mentions
    out = []
    for c in mentions:
        if c.type == "METHOD" and (m := _PREFIXED_ACRONYM.fullmatch(text, c.start, c.end)) is not None and m.group(1) in tasks:
            c = c._replace(type="TASK")
        out.append(c)
    return out
