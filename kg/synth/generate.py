"""Synthetic papers: a pure function of (seed, index), so any corpus size streams in flat memory.

Every paper is built by ``make_paper(config, i)`` from its own random stream (seeded with the
text ``"<seed>:<i>"``, which Python hashes with SHA-512: stable across runs and platforms).
Nothing is kept between papers, so duplicates and references to older papers are made by
regenerating them, never by remembering them.

The shape of the data follows real listings:
- authors come from labs (co-author groups) picked with a Zipf law, plus occasional outsiders;
- each lab has one or two organisation slugs;
- dates grow over the years (more papers every year), the stream is in date order;
- each paper may propose a concept (a long form with its acronym, or a coined name), which
  later papers extend, build on and compare against (Zipf over older concepts: a few classics
  are used everywhere), so extraction, lineage and trends have work to do;
- results sentences report values of named metrics on named benchmarks.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from kg.models import Paper, PaperDate, paper_id
from kg.synth import vocab

LAYOUTS = ("header-byline", "alternating", "blocks-meta", "blocks-plain")


@dataclass(frozen=True)
class SynthConfig:
    """Knobs of a synthetic corpus; two equal configs give byte-identical corpora."""

    n: int
    seed: int = 0
    start_year: int = 2014
    end_year: int = 2025
    #: Zipf exponent of lab and concept popularity
    zipf_s: float = 1.1
    #: share of entries listed a second time in another listing (merged by deduplication)
    duplicate_rate: float = 0.02
    #: share of entries per listing layout, in LAYOUTS order
    layout_weights: tuple[float, ...] = (0.4, 0.2, 0.25, 0.15)

    @property
    def labs(self) -> int:
        return max(8, self.n // 4)

    @property
    def benchmarks(self) -> int:
        return max(12, self.n // 40)


@dataclass(frozen=True)
class SynthConcept:
    """A coined concept: ``name`` is how papers refer to it, ``long`` its long form when it has one."""

    name: str
    long: str | None = None
    kind: str = "METHOD"

    @property
    def defined(self) -> str:
        """How the proposing paper introduces it: 'Long Form (LF)' or the coined name."""
        return f"{self.long} ({self.name})" if self.long else self.name


@dataclass
class SynthPaper:
    """A generated paper with the facts its text states (useful as a rough gold standard)."""

    index: int
    paper: Paper
    layout: str
    proposes: list[str] = field(default_factory=list)
    derived_from: list[tuple[str, str]] = field(default_factory=list)
    results: list[tuple[str, str, str]] = field(default_factory=list)


def zipf_rank(rng: random.Random, m: int, s: float) -> int:
    """A rank in [0, m) drawn from a bounded (continuous-approximation) Zipf law, O(1) memory."""
    if m <= 1:
        return 0
    u = rng.random()
    if abs(s - 1.0) < 1e-9:
        x = (m + 1) ** u
    else:
        a = 1.0 - s
        x = (1.0 + u * ((m + 1) ** a - 1.0)) ** (1.0 / a)
    return min(int(x) - 1, m - 1)


def _rng(seed: int, *parts: object) -> random.Random:
    return random.Random(":".join(str(p) for p in (seed, *parts)))


def acronym_of(long: str) -> str:
    """Initials of a long form; a hyphenated word gives one letter per part ('Multi-scale' -> 'MS')."""
    letters = []
    for word in long.split():
        for part in word.split("-"):
            if part:
                letters.append(part[0].upper())
    return "".join(letters)


def coin_concept(seed: int, index: int) -> SynthConcept:
    """The concept proposed by paper ``index`` (a pure function: later papers regenerate it)."""
    rng = _rng(seed, "c", index)
    style = rng.random()
    if style < 0.55:
        words = [rng.choice(vocab.ADJECTIVES), rng.choice(vocab.MODIFIERS), rng.choice(vocab.HEADS)]
        if rng.random() < 0.3:
            words.insert(0, rng.choice(vocab.ADJECTIVES))
        long = " ".join(dict.fromkeys(words))
        return SynthConcept(name=acronym_of(long) + ("" if rng.random() < 0.8 else str(rng.randint(2, 9))), long=long)
    name = rng.choice(vocab.NAME_HEADS) + rng.choice(vocab.NAME_TAILS)
    if rng.random() < 0.35:
        name += f"-{rng.choice(('X', 'S', 'L', 'V2', 'Pro', 'Lite', '3D', str(rng.randint(2, 99))))}"
    return SynthConcept(name=name)


def variant_of(base: SynthConcept, seed: int, index: int) -> SynthConcept:
    """A name-morphology variant ('PFGM++', 'A-GRAE', 'LASER-D'), as papers coin them."""
    rng = _rng(seed, "v", index)
    form = rng.choice(("{}++", "A-{}", "{}-D", "{}v2", "Deep{}", "{}-Lite", "Hier-{}"))
    return SynthConcept(name=form.format(base.name))


def coin_benchmark(seed: int, index: int) -> SynthConcept:
    rng = _rng(seed, "b", index)
    return SynthConcept(name=rng.choice(vocab.NAME_HEADS) + rng.choice(vocab.DATA_SUFFIXES), kind="BENCHMARK")


def coin_dataset(seed: int, index: int) -> SynthConcept:
    rng = _rng(seed, "d", index)
    name = rng.choice(vocab.NAME_HEADS) + rng.choice(("Corpus", "Data", "-Pile", "-Mix", "Set", "Bank"))
    return SynthConcept(name=f"{name}-{rng.randint(1, 999)}", kind="DATASET")


def lab_member(seed: int, lab: int, k: int) -> str:
    """Member ``k`` of lab ``lab``: a coined, stable name."""
    rng = _rng(seed, "a", lab, k)
    first = rng.choice(vocab.FIRST_NAMES)
    surname = rng.choice(vocab.SURNAME_HEADS) + rng.choice(vocab.SURNAME_TAILS)
    roll = rng.random()
    if roll < 0.15:
        return f"{first} {chr(65 + rng.randrange(26))}. {surname}"
    if roll < 0.22:
        return f"{first} {rng.choice(vocab.NAME_PARTICLES)} {surname}"
    return f"{first} {surname}"


def lab_size(seed: int, lab: int) -> int:
    return _rng(seed, "ls", lab).randint(3, 12)


def lab_orgs(seed: int, lab: int) -> list[str]:
    rng = _rng(seed, "o", lab)
    # labs share organisations: a few hundred slugs at most, whatever the corpus size
    slugs = [f"{rng.choice(vocab.ORG_PLACES)}-{rng.choice(vocab.ORG_KINDS)}" for _ in range(rng.choice((1, 1, 1, 2)))]
    return list(dict.fromkeys(slugs))


def paper_date(config: SynthConfig, i: int, rng: random.Random) -> PaperDate:
    """Dates in stream order, with more papers each year (the share up to year y grows as y squared)."""
    span = config.end_year - config.start_year + 1
    position = (i + rng.random()) / max(config.n, 1)
    months = int(span * 12 * position**0.5)
    months = min(months, span * 12 - 1)
    return PaperDate(
        year=config.start_year + months // 12, month=months % 12 + 1, day=rng.randint(1, 28), precision="day"
    )


def _authors(config: SynthConfig, rng: random.Random) -> tuple[list[str], list[str]]:
    lab = zipf_rank(rng, config.labs, config.zipf_s * 0.9)
    size = lab_size(config.seed, lab)
    count = min(size, rng.choice((1, 2, 2, 3, 3, 3, 4, 4, 5, 6, 7, 9)))
    # the lab's senior members (low k) sign most papers
    members = sorted({zipf_rank(rng, size, 0.8) for _ in range(count * 2)})[:count]
    rng.shuffle(members)
    authors = [lab_member(config.seed, lab, k) for k in members]
    orgs = lab_orgs(config.seed, lab)
    if rng.random() < 0.25:  # a collaborator from another lab
        other = zipf_rank(rng, config.labs, config.zipf_s)
        if other != lab:
            authors.append(lab_member(config.seed, other, zipf_rank(rng, lab_size(config.seed, other), 0.8)))
            if rng.random() < 0.5:
                orgs = list(dict.fromkeys(orgs + lab_orgs(config.seed, other)))
    if rng.random() < 0.01:
        authors.insert(0, rng.choice(vocab.GROUP_AUTHORS).format(org=orgs[0].split("-")[0].capitalize()))
    return list(dict.fromkeys(authors)), orgs


def _older_concept(config: SynthConfig, rng: random.Random, i: int) -> SynthConcept:
    """A concept proposed by an earlier paper; the earliest ones are the classics everyone cites."""
    j = zipf_rank(rng, max(i, 1), config.zipf_s)
    return coin_concept(config.seed, j)


def _pct(rng: random.Random) -> str:
    return f"{rng.uniform(20, 97):.1f}"


def make_paper(config: SynthConfig, i: int) -> SynthPaper:
    """Paper ``i`` of the corpus: title, byline, orgs, date and an abstract from sentence templates."""
    rng = _rng(config.seed, i)
    s = SynthPaper(index=i, paper=Paper(id="", title=""), layout="")
    task = rng.choice(vocab.TASKS)
    base = _older_concept(config, rng, i) if i > 0 else SynthConcept(name="Transformer")
    other = _older_concept(config, rng, i) if i > 1 else base
    bench = coin_benchmark(config.seed, zipf_rank(rng, config.benchmarks, config.zipf_s))
    bench2 = coin_benchmark(config.seed, zipf_rank(rng, config.benchmarks, config.zipf_s))
    if bench2.name == bench.name:
        bench2 = coin_benchmark(config.seed, config.benchmarks + i)
    metric = rng.choice(vocab.METRICS)
    proposes = rng.random() < 0.75
    new = coin_concept(config.seed, i)
    if proposes and i > 0 and rng.random() < 0.12:
        new = variant_of(base, config.seed, i)
    sentences: list[str] = []

    # context and problem
    sentences.append(
        rng.choice(
            (
                f"{task[0].upper() + task[1:]} is a central problem in machine learning.",
                f"{base.name} has become the standard approach to {task}.",
                f"Recent work on {task} relies on {base.defined}.",
                f"Learning for {task} has advanced rapidly with large pretrained models.",
            )
        )
    )
    problem = rng.choice(vocab.PROBLEMS)
    sentences.append(
        rng.choice(
            (
                f"However, existing methods suffer from {problem}.",
                f"However, {base.name} still suffers from {problem}, which limits its use in practice.",
                f"Yet current approaches to {task} are hindered by {problem}.",
            )
        )
    )
    if proposes:
        s.proposes.append(new.name)
        adjective = rng.choice(vocab.ADJECTIVES).lower()
        sentences.append(
            rng.choice(
                (
                    f"In this paper, we propose {new.defined}, a {adjective} method for {task}.",
                    f"We introduce {new.defined}, a new framework for {task}.",
                    f"To address this, we present {new.defined}, which learns {task} end to end.",
                    f"In this work, we propose {new.defined} to tackle {problem}.",
                )
            )
        )
        if new.name.endswith("++") or base.name in new.name or rng.random() < 0.5:
            relation = rng.choice(
                (
                    "{n} extends {b} with {m}.",
                    "{n} builds on {b} and adds {m}.",
                    "{n} is a variant of {b} that uses {m}.",
                    "{n} generalizes {b} by introducing {m}.",
                    "{n} improves on {b} through {m}.",
                )
            )
            sentences.append(relation.format(n=new.name, b=base.name, m=rng.choice(vocab.MECHANISMS)))
            s.derived_from.append((new.name, base.name))
        else:
            sentences.append(f"The key idea of {new.name} is {rng.choice(vocab.MECHANISMS)}.")
        subject = new.name
    else:
        sentences.append(
            f"In this paper, we study {base.name} and {other.name} through the lens of {rng.choice(vocab.MECHANISMS)}."
        )
        subject = "our analysis"
    sentences.append(
        rng.choice(
            (
                "We provide a theoretical analysis of its convergence and sample complexity.",
                f"The method scales to large models and remains stable across {rng.randint(3, 12)} random seeds.",
                "Our approach requires no additional labelled data and adds little computational overhead.",
                f"We analyse how the choice of {rng.choice(vocab.MODIFIERS).lower()} representation affects {task}.",
            )
        )
    )
    details = (
        f"Unlike prior work, we do not assume access to {rng.choice(vocab.THINGS)} at training time.",
        f"We combine {rng.choice(vocab.MECHANISMS)} with {rng.choice(vocab.MECHANISMS)} in a single objective.",
        f"This design reduces {rng.choice(vocab.PROBLEMS)} without sacrificing accuracy.",
        f"We further show that {other.name} can be recovered as a special case of our formulation.",
        f"Training uses {rng.randint(8, 512)} GPUs for {rng.randint(1, 30)} days on {rng.choice(vocab.THINGS)}.",
        f"Our theory predicts when {rng.choice(vocab.MODIFIERS).lower()}-based methods fail on {task}.",
    )
    sentences.extend(rng.sample(details, 2))
    if rng.random() < 0.2:
        dataset = coin_dataset(config.seed, i)
        sentences.append(
            f"We also release {dataset.name}, a new dataset of {rng.randint(2, 900)}k {rng.choice(vocab.THINGS)}."
        )
        s.proposes.append(dataset.name)
    value, delta = _pct(rng), f"{rng.uniform(0.3, 12):.1f}"
    results = (
        f"{subject[0].upper() + subject[1:]} achieves {value}% {metric} on {bench.name}, "
        f"outperforming {base.name} by {delta} points.",
        f"On {bench.name}, {subject} reaches {metric} of {value}%, compared with {_pct(rng)}% for {other.name}.",
        f"Experiments on {bench.name} and {bench2.name} show that {subject} improves {metric} by {delta}% over {base.name}.",
    )
    pick = rng.randrange(len(results))
    sentences.append(results[pick])
    if pick < 2:
        s.results.append((bench.name, metric, value + "%"))
    sentences.append(
        rng.choice(
            (
                "Code and models are publicly available.",
                f"We hope this work serves as a strong baseline for future research on {task}.",
                f"Ablations confirm that each component of {subject} contributes to the gains.",
                "Our results suggest that simple design choices matter more than previously thought.",
            )
        )
    )

    title_styles = [
        f"Towards {rng.choice(vocab.ADJECTIVES)} {task.title()} with {base.name}",
        f"On the {rng.choice(('Robustness', 'Limits', 'Expressive Power', 'Scaling', 'Stability'))} of "
        f"{base.name} for {task.title()}",
    ]
    if proposes:
        title_styles = [
            f"{new.name}: {new.long or rng.choice(vocab.ADJECTIVES) + ' ' + rng.choice(vocab.HEADS)} for {task.title()}",
            f"{new.long or new.name} for {rng.choice(vocab.ADJECTIVES)} {task.title()}",
            f"{new.name}: {rng.choice(vocab.ADJECTIVES)} {rng.choice(vocab.MODIFIERS)} {rng.choice(vocab.HEADS)} "
            f"Beyond {base.name}",
        ]
    title = rng.choice(title_styles)
    authors, orgs = _authors(config, rng)
    date = paper_date(config, i, rng)
    layout = rng.choices(LAYOUTS, weights=config.layout_weights)[0]
    s.layout = layout
    s.paper = Paper(
        id=paper_id(title),
        title=title,
        abstract=" ".join(sentences),
        authors=authors,
        et_al=False,
        author_count=len(authors),
        orgs=orgs if rng.random() < 0.6 else [],
        date=date,
        category=rng.choice(vocab.ARXIV_CATEGORIES),
        has_code=rng.random() < 0.3,
        upvotes=rng.randint(1, 40) if rng.random() < 0.3 else None,
    )
    return s


def generate(config: SynthConfig) -> Iterator[SynthPaper]:
    """Papers 0..n-1 in stream (date) order."""
    for i in range(config.n):
        yield make_paper(config, i)


def entries(config: SynthConfig, start: int = 0, stop: int | None = None) -> Iterator[tuple[SynthPaper, bool]]:
    """Listing entries of papers start..stop-1: each once, plus re-listings of recent papers (``True`` marks one)."""
    for i in range(start, config.n if stop is None else min(stop, config.n)):
        paper = make_paper(config, i)
        yield paper, False
        roll = _rng(config.seed, "dup", i)
        if i > 0 and roll.random() < config.duplicate_rate:
            again = make_paper(config, i - roll.randint(1, min(i, 500)))
            others = [lay for lay in LAYOUTS if lay != again.layout]
            again.layout = roll.choice(others)
            yield again, True
