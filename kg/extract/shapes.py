"""Plain rules about what names look like: shapes, generic words, determiners, data-set use.

Kept apart from spaCy so each rule is testable on strings alone.
"""

from __future__ import annotations

import re

#: leading words never part of a span (ANNOTATION.md: no determiners)
LEADING_DROP = frozenset(
    "the a an our their its this these that those we novel new proposed existing standard popular "
    "recent several various such both each any all sota state-of-the-art two three four five six seven eight nine ten "
    "vanilla modified "
    # LaTeX arrows glued to a value in the listing pages: "34.2%uparrow accuracy"
    "uparrow downarrow".split()
)

#: lowercase heads that follow a name without being part of it ("X framework" -> "X")
TRAILING_DROP = frozenset(
    """framework frameworks method methods module modules task tasks problem problems setup setting settings
    approach approaches strategy strategies technique techniques process scenario scenarios ability abilities
    design designs paradigm paradigms capabilities capability performance variant variants family
    architecture architectures layer layers""".split()
)

#: spans that name nothing specific on their own
GENERIC = frozenset(
    """model models method methods approach approaches framework frameworks algorithm algorithms system systems
    technique techniques data dataset datasets task tasks benchmark benchmarks performance results result
    training learning network networks architecture architectures paper work baseline baselines experiments
    evaluation analysis problem problems solution solutions metric metrics score scores strategy strategies
    module modules mechanism objective objectives loss function functions policy policies agent agents
    representation representations features feature tool tools pipeline pipelines procedure process
    it they them one ones which what way ways""".split()
)

#: all-caps tokens that are not concept names
CAPS_STOP = frozenset(
    """I II III IV V VI OK US USA UK EU API APIs GPU GPUs CPU CPUs TPU TPUs URL PDF HTML JSON CSV ID IDs
    AND OR NOT IF THE FOR TL DR NB AM PM ICLR ICML NeurIPS CVPR ECCV ICCV ACL EMNLP NAACL AAAI IJCAI KDD
    SOTA PhD MSc IEEE ACM arXiv GitHub AI IMU IMUs LiDAR LIDAR GPS""".split()
)

_NAME_RE = re.compile(r"(?<![\w@])[A-Za-z0-9][\w.+@/'-]*[\w+]|(?<![\w@])[A-Z]\b")
#: only words with a capital or digit after their first character can be name-shaped: one regex pass
#: skips the plain words that a per-word Python check spent most of the component's time on
#: a word of lowercase letters after its first (most words) fails at once: the possessive run cannot hold the
#: capital or digit the lookahead looks for (a scan 20 % cheaper)
_SHAPE_CANDIDATE_RE = re.compile(
    r"(?<![\w@])(?![A-Za-z][a-z]*+(?![\w.+@/'-]))(?=[A-Za-z0-9][\w.+@/'-]*?[A-Z0-9])[A-Za-z0-9][\w.+@/'-]*[\w+]")
_HAS_INNER_UPPER = re.compile(r"[a-z0-9][A-Z]|[A-Z].*[A-Z]")
_HAS_LETTER_DIGIT = re.compile(r"(?=.*[A-Za-z])(?=.*\d)")


#: compiled once: these run per token and per candidate
_NUMBER_LIKE = re.compile(r"[\d.,%x×-]+[kKMBbDd]?")
_BENCH_WORD = re.compile(r"bench|arena|leaderboard", re.I)

_UPPER_OR_DIGIT = re.compile(r"[A-Z\d]")

def is_name_shape(token: str) -> bool:
    """CamelCase, ALL-CAPS acronyms and hyphenated names with digits ("Qwen2.5-7B", "LASER-D")."""
    core = token.rstrip(".")
    if len(core) < 2 or core in CAPS_STOP or core.rstrip("s") in CAPS_STOP:
        return False
    # "2D", "3D": a dimension, not a name
    if core.isdigit() or _NUMBER_LIKE.fullmatch(core):
        return False
    if _HAS_INNER_UPPER.search(core):
        return True
    return bool(_HAS_LETTER_DIGIT.match(core)) and core[0].isupper()


def name_shapes(text: str) -> list[tuple[int, int]]:
    """Character spans of name-shaped words in ``text``."""
    spans = []
    for m in _SHAPE_CANDIDATE_RE.finditer(text):
        word = m.group(0)
        # a trailing sentence dot or possessive is not part of the name
        end = m.end()
        while word and word[-1] in ".'-/":
            word, end = word[:-1], end - 1
        if word.endswith("'s"):
            word, end = word[:-2], end - 2
        if is_name_shape(word):
            spans.append((m.start(), end))
    return spans


_HEAD_TYPES = (
    (re.compile(r"(bench|benchmark|suite|arena|leaderboard|challenge)s?$", re.I), "BENCHMARK"),
    (re.compile(r"(dataset|data set|corpus|corpora|collection|treebank)s?$", re.I), "DATASET"),
    (re.compile(r"(score|rate|accuracy|error|precision|recall|f1|distance|divergence|perplexity)$", re.I), "METRIC"),
    (
        re.compile(
            r"(generation|detection|segmentation|recognition|classification|translation|answering|"
            r"summarization|parsing|retrieval|tracking|reasoning|forecasting|completion|synthesis|"
            r"localization|captioning|understanding)$",
            re.I,
        ),
        "TASK",
    ),
    (
        re.compile(
            r"(network|networks|model|models|learning|optimization|optimisation|transformer|transformers|"
            r"estimation|encoder|decoder|attention|algorithm|policy|search|sampling|training|tuning|"
            r"distillation|regularization|embedding|embeddings|descent|propagation|machine|machines|flow|flows|"
            r"autoencoder|gan|gans|method|framework|architecture)$",
            re.I,
        ),
        "METHOD",
    ),
)


def type_from_head(phrase: str) -> str | None:
    """A concept kind guessed from the last word of a long form ("... Networks" -> METHOD)."""
    words = phrase.split()
    if not words:
        return None
    last = words[-1]
    for pattern, kind in _HEAD_TYPES:
        if pattern.search(last):
            return kind
    return None


_RESULT_CUE = re.compile(
    r"\d+(?:\.\d+)?\s?\\?%|\bscor|\baccuracy\b|\bachiev|\boutperform|\bstate[- ]of[- ]the[- ]art\b|\bSOTA\b|"
    # "experiments on A and B": what experiments are run on is where results are reported
    r"\bevaluat|\bbenchmark|\bpass@|\bresults? on\b|\bsurpass|\bF1\b|\bBLEU\b|\bexperiment",
    re.I,
)
_DATA_CUE = re.compile(r"\b(train(?:ed|ing)? on|pre-?train|collect|releas|curat|construct|dataset of|corpus of)\w*", re.I)


#: the name after "on", or later in a list after it: "on SWE-bench, WebArena, OSWorld and Spider2-V"
_ON_BEFORE = re.compile(
    # "based on Fourier layers", "builds on X", "relies on X": what a method rests on, not where it is scored
    r"\b(?:(?<!based )(?<!built )(?<!builds )(?<!relies )(?<!rely )(?<!depends )(?<!focus )(?<!focuses )on"
    r"|across|including|such as|(?:benchmarks|datasets)(?:\s*:|,(?!\s+(?:and|or|which|where|that|but)\b)))"
    r"\s+(?:the\s+|both\s+)?(?:[\w@.+-]+,\s+(?:and\s+)?)*(?:[\w@.+-]+\s+(?:and|or)\s+)?$",
    re.I,
)
_TASKS_SUCH_AS = re.compile(r"\btasks?,?\s+(?:such\s+as|like|including)\s+(?:[\w@.+-]+(?:\s[\w@.+-]+){0,3},\s+(?:and\s+|or\s+)?)*$")
_METHODS_SUCH_AS = re.compile(
    r"\b(?:methods|algorithms|models|techniques|baselines|approaches|architectures|optimizers|standards|LLMs)\s*,?\s*\(?"
    r"(?:such\s+as|like|including|e\.g\.,?)\s+(?:[\w@./+-]+(?:\s[\w@./+-]+){0,3}(?:\s\([\w-]+\))?,\s+(?:and\s+|or\s+)?)*"
    r"(?:[\w@./+-]+\s+(?:and|or)\s+)?$")
#: "LLMs", "VLMs": a plural acronym names a kind of model, not one thing
PLURAL_ACRONYM = re.compile(r"[A-Z]{2,}s")
_BENCH_AFTER = re.compile(r"^\s+(?:benchmarks?|suite|leaderboard)\b", re.I)


def looks_like_benchmark(name: str, before: str, after: str, sentence: str) -> bool:
    """A named thing that results are reported on: "68.6% on LiveCodeBench", "the X benchmark"."""
    if _BENCH_WORD.search(name) or _BENCH_AFTER.match(after):
        return True
    # one scan for a capital or digit; non-ASCII names take the loop (other capitals and digits)
    if _UPPER_OR_DIGIT.search(name) is None and (name.isascii() or not any(ch.isupper() or ch.isdigit() for ch in name)):
        return False
    if PLURAL_ACRONYM.fullmatch(name):
        return False  # "across both LLMs and VLMs": a plural acronym names a kind of model, not a data set
    if "task" in before and _TASKS_SUCH_AS.search(before[-80:]):
        return False  # "spanning tasks such as OCR, action recognition": the examples of tasks are tasks
    lead = before[-80:]
    # the pattern needs one of these words (most names have none before them)
    if ("such" in lead or "like" in lead or "including" in lead or "e.g." in lead) and _METHODS_SUCH_AS.search(lead):
        return False  # "RL algorithms (including GRPO, REINFORCE, and RLOO)": examples of methods are methods
    return bool(_ON_BEFORE.search(before[-80:])) and bool(_RESULT_CUE.search(sentence))


#: the name after "trained on", or later in its list: "training on ProMed, MUC-4, or MUC-7"
_TRAINED_ON_BEFORE = re.compile(
    r"\b(?:(?:pre-?)?train(?:ed|ing)?|fine-?tun(?:ed|ing)|learn(?:ed|t)?)\s+on\s+(?:the\s+)?(?:[\w@.+-]+,\s+)*"
    r"(?:(?<=,\s)[\w@.+-]+,?\s+(?:and|or)\s+)?$",
    re.I,
)


def looks_like_training_data(name: str, before: str) -> bool:
    """A named thing a model is trained on ("trained on MUC-7"): a data set (ANNOTATION.md: only trained on -> DATASET)."""
    return _UPPER_OR_DIGIT.search(name) is not None and bool(_TRAINED_ON_BEFORE.search(before[-80:]))


def dataset_or_benchmark(name: str, sentence: str) -> str:
    """BENCHMARK when the name or its sentence says results are reported on it, else DATASET."""
    if _BENCH_WORD.search(name):
        return "BENCHMARK"
    if _RESULT_CUE.search(sentence) and not _DATA_CUE.search(sentence):
        return "BENCHMARK"
    return "DATASET"
