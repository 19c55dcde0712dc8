"""The streaming concept resolution decides exactly what the in-memory one did.

``reference_concepts.py`` is the resolution as it was before it streamed (every paper's uses in
dicts). The new one (two passes over a spool, counts per key, per-paper state only for papers
that use an ambiguous acronym) must give the same concepts, merge decisions in the same order,
and the same lookups: on random corpora built to hit every rule (ambiguous acronyms, context,
curated aliases and splits, initials, a paper id given twice), on a synthetic corpus and on the
sample corpus through the extractor.
"""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
import reference_concepts as ref

from kg.ingest import read_paths
from kg.resolve.aliases import AliasTable, default_aliases
from kg.resolve.names import concept_key
from kg.resolve.concepts import PaperSpool, resolve_concept_stream, resolve_concepts
from kg.resolve.graph import ExtractionUses, concept_uses, resolve_corpus
from synth_build import corpus

CORPUS = Path(os.environ.get("KG_SHARED", Path(__file__).resolve().parents[1].parent / "shared")) / "corpus"

WORDS = ["graph", "neural", "network", "risk", "minimization", "invariant", "iterative", "refinement", "method",
         "policy", "proximal", "optimization", "vision", "transformer", "language", "model", "large", "deep",
         "learning", "reinforcement", "contrastive", "domain", "adaptation", "data", "augmentation", "attention"]
KINDS = ["METHOD", "TASK", "DATASET", "METRIC", "BENCHMARK", None]


def _fields(r) -> tuple:
    return (
        [(cid, c.model_dump()) for cid, c in r.concepts.items()],
        [m.model_dump() for m in r.merges],
        r.lookup,
        r.global_lookup,
    )


def _variant(rng: random.Random, text: str) -> str:
    """A surface variant the normalised key folds together (case, plural, hyphen)."""
    choice = rng.randrange(5)
    if choice == 0:
        return text.lower()
    if choice == 1:
        return text.upper() if len(text) < 6 else text.title()
    if choice == 2:
        return text + "s"
    if choice == 3:
        return text.replace(" ", "-", 1)
    return text


def random_corpus(seed: int, papers: int = 160) -> tuple[dict, dict]:
    """Mentions and acronym definitions of random papers, dense in shared acronyms."""
    rng = random.Random(seed)
    aliases = default_aliases()
    curated = [target for target, _ in list(aliases.merges.values())[:40]] + list(aliases.merges)[:40]
    split_words = [w for pair in list(aliases.splits)[:20] for w in pair]
    longs = [" ".join(rng.sample(WORDS, rng.randint(2, 4))) for _ in range(40)]
    acronyms: dict[str, list[str]] = {}
    for long in longs:
        short = "".join(w[0] for w in long.split()).upper()
        acronyms.setdefault(short, []).append(long)
    shorts = list(acronyms)
    # a few extra senses for some short forms: ambiguous acronyms
    for short in rng.sample(shorts, min(6, len(shorts))):
        acronyms[short].append(" ".join(rng.sample(WORDS, 3)))
    mentions_by_paper: dict[str, list] = {}
    acronyms_by_paper: dict[str, list] = {}
    for i in range(papers):
        pid = f"p{rng.randrange(papers * 2):04d}"
        uses = mentions_by_paper.setdefault(pid, [])
        defs = acronyms_by_paper.setdefault(pid, [])
        for _ in range(rng.randint(0, 8)):
            pool = rng.choice([longs, shorts, curated, split_words, WORDS])
            uses.append((_variant(rng, rng.choice(pool)), rng.choice(KINDS)))
        for _ in range(rng.randint(0, 2)):
            short = rng.choice(shorts)
            long = rng.choice(acronyms[short])
            if rng.random() < 0.5:
                uses.append((long, rng.choice(KINDS)))
            if rng.random() < 0.5:
                uses.append((short, rng.choice(KINDS)))
            kind = rng.choice(KINDS)
            defs.append((_variant(rng, long), short + ("s" if rng.random() < 0.1 else ""), kind, f"sentence {i}"))
        if rng.random() < 0.05:
            uses.append(("  ", "METHOD"))  # blank surfaces are skipped
    return mentions_by_paper, acronyms_by_paper


def _reference_corpus(mentions_by_paper: dict, acronyms_by_paper: dict, aliases: AliasTable | None = None):
    """What resolve_corpus kept before: every (paper, key), minus what the global lookup says."""
    r = ref.resolve_concepts(mentions_by_paper, acronyms_by_paper, aliases=aliases)
    r.lookup = {k: v for k, v in r.lookup.items() if r.global_lookup.get(k[1]) != v}
    return r


@pytest.mark.parametrize("seed", range(12))
def test_random_corpora_resolve_as_before(seed, tmp_path):
    mentions, acronyms = random_corpus(seed)
    old = ref.resolve_concepts(mentions, acronyms)
    new = resolve_concepts(mentions, acronyms)
    assert _fields(new) == _fields(old)
    assert {"acronym-context", "acronym-definition", "curated-alias"} <= {m.rule for m in old.merges}  # rules are hit
    # streamed: records in a shuffled order, some papers split in two records (joined in order)
    rng = random.Random(seed)
    order = sorted(set(mentions) | set(acronyms))
    rng.shuffle(order)
    with PaperSpool(tmp_path) as spool:
        later = []
        for pid in order:
            m, a = mentions.get(pid, []), acronyms.get(pid, [])
            if rng.random() < 0.2:
                cut_m, cut_a = len(m) // 2, len(a) // 2
                spool.add(pid, m[:cut_m], a[:cut_a])
                later.append((pid, m[cut_m:], a[cut_a:]))
            else:
                spool.add(pid, m, a)
        for record in later:
            spool.add(*record)
        streamed = resolve_concept_stream(spool)
    assert _fields(streamed) == _fields(_reference_corpus(mentions, acronyms))
    assert not list(tmp_path.iterdir())  # the spool removed its scratch files


def test_curated_splits_and_defaults_resolve_as_before():
    """A user alias table with splits and a curated default sense, on an ambiguous acronym."""
    mentions, acronyms = random_corpus(99, papers=300)
    base = default_aliases()
    table = AliasTable(merges=dict(base.merges), splits=dict(base.splits))
    table.merges["irm"] = ("invariant risk minimization", "test")
    table.splits[frozenset({"graph neural network", "gnn"})] = "test"
    mentions["x1"] = [("IRM", "METHOD"), ("graph neural network", "METHOD")]
    acronyms["x2"] = [("invariant risk minimization", "IRM"), ("iterative refinement method", "IRM"), ("graph neural network", "GNN")]
    acronyms["x3"] = [("iterative refinement method", "IRM")]
    old = ref.resolve_concepts(mentions, acronyms, aliases=table)
    assert _fields(resolve_concepts(mentions, acronyms, aliases=table)) == _fields(old)


def _compare_on_extractions(papers, extractions, tmp_path) -> None:
    mentions: dict[str, list] = {}
    acronyms: dict[str, list] = {}
    for ex in extractions:  # the dicts resolve_corpus built before it streamed
        mentions.setdefault(ex.paper_id, []).extend(concept_uses(ex))
        acronyms.setdefault(ex.paper_id, []).extend((a.long, a.short, a.type, a.evidence.sentence) for a in ex.acronyms)
    old = _reference_corpus(mentions, acronyms)
    views = [ExtractionUses.model_validate_json(ex.model_dump_json()) for ex in extractions]
    new = resolve_corpus(iter(papers), iter(views), spool_dir=tmp_path).concepts
    assert _fields(new) == _fields(old)
    assert not list(tmp_path.iterdir())


def test_a_synthetic_corpus_resolves_as_before(tmp_path):
    from kg.extract.pipeline import extract_papers, load_pipeline

    papers = read_paths([corpus(tmp_path / "corpus", 240, seed=5)]).papers
    extractions = list(extract_papers(papers, nlp=load_pipeline()))
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    _compare_on_extractions(papers, extractions, scratch)


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"sample corpus not found at {CORPUS} (set KG_SHARED)")
def test_the_sample_corpus_resolves_as_before(tmp_path):
    from kg.extract.pipeline import extract_papers, load_pipeline

    papers = read_paths([CORPUS]).papers
    extractions = list(extract_papers(papers, nlp=load_pipeline()))
    _compare_on_extractions(papers, extractions, tmp_path)


def test_the_concept_table_gives_back_equal_records():
    from kg.models import Concept
    from kg.resolve.concepts import ConceptTable

    made = [
        Concept(id="c:a", name="Graph Neural Network", kind="METHOD", aliases=["GNN", "graph neural networks"], acronym="GNN",
                merge_rules=["acronym-definition", "normalised-form"]),
        Concept(id="c:b", name="ImageNet", kind="DATASET"),
    ]
    table = ConceptTable((c.id, c) for c in made)
    assert list(table) == ["c:a", "c:b"] and len(table) == 2 and "c:a" in table
    for c in made:
        back = table[c.id]
        assert back == c and back.model_dump_json() == c.model_dump_json()
        assert back.model_fields_set == c.model_fields_set
    assert table == {c.id: c for c in made}
    back = table["c:a"]
    back.aliases.append("changed")  # a record read is a copy
    assert table["c:a"] == made[0]


def test_the_merge_log_gives_back_equal_records():
    from kg.models import MergeDecision
    from kg.resolve.concepts import MergeLog

    made = [MergeDecision(entity="concept", kept="GNN", merged="GNNs", rule="normalised-form", evidence="key=gnn"),
            MergeDecision(entity="concept", kept="a", merged="b", rule="curated-alias", evidence="")]
    log = MergeLog()
    log.add("GNN", "GNNs", "normalised-form", "key=gnn")
    log.append(made[1])
    assert log == made and list(log) == made and len(log) == 2 and log[-1] == made[1] and log[:1] == made[:1]
    assert [m.model_fields_set for m in log] == [m.model_fields_set for m in made]
    assert [made[1]] + log == [made[1], *made] and log + [] == made


def _counted(counts, papers: dict, tmp_path):
    return counts.resolve(lambda ids: ((pid, *papers[pid]) for pid in ids), scratch_dir=tmp_path)


@pytest.mark.parametrize("seed", range(6))
def test_counts_kept_paper_by_paper_resolve_as_a_clean_corpus(seed, tmp_path):
    """ConceptCounts (pass 1 kept in SQLite, updated paper by paper) decides as the streaming
    resolver over the corpus it counts: built at once, after papers are removed, re-added and
    changed (one change turning an acronym ambiguous), in several flushes, over one database."""
    import sqlite3

    from kg.resolve.concepts import ConceptCounts

    mentions, acronyms = random_corpus(seed)
    papers = {pid: (mentions.get(pid, []), acronyms.get(pid, [])) for pid in sorted(set(mentions) | set(acronyms))}
    path = tmp_path / "counts.sqlite"
    db = sqlite3.connect(path)
    counts = ConceptCounts(db, str(path))
    rng = random.Random(seed)

    def clean(corpus: dict):
        with PaperSpool(tmp_path) as spool:
            for pid, (m, a) in corpus.items():
                spool.add(pid, m, a)
            return _fields(resolve_concept_stream(spool))

    for i, (pid, (m, a)) in enumerate(papers.items()):
        counts.add(pid, m, a)
        if i % 37 == 0:
            counts.flush()
    assert _fields(_counted(counts, papers, tmp_path)) == clean(papers)

    removed = rng.sample(sorted(papers), 25)
    for pid in removed:
        counts.add(pid, *papers[pid], -1)
    kept = {pid: v for pid, v in papers.items() if pid not in removed}
    assert _fields(_counted(counts, kept, tmp_path)) == clean(kept)

    for pid in removed[:10]:  # removed, then added again
        counts.add(pid, *papers[pid])
        kept[pid] = papers[pid]
    kept = dict(sorted(kept.items()))
    changed = dict(kept)
    target = next(pid for pid in sorted(kept) if kept[pid][1])  # a paper that defines an acronym
    long, short, kind, sentence = kept[target][1][0]
    changed[target] = (kept[target][0] + [("something else entirely", "TASK")],
                       [("something else entirely", short, kind, sentence)])  # a new sense: now ambiguous
    counts.add(target, *kept[target], -1)
    counts.add(target, *changed[target])
    counted = _counted(counts, changed, tmp_path)
    assert _fields(counted) == clean(changed) != clean(kept)
    assert {key for _pid, key in counted.lookup} & {short.casefold().rstrip("s")}  # the acronym is now per paper
    assert db.execute("SELECT COUNT(*) FROM cc_surf WHERE n <= 0").fetchone()[0] == 0
    assert not [p for p in tmp_path.iterdir() if p.name != "counts.sqlite"]  # scratch files removed


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this platform")
@pytest.mark.parametrize("seed", range(3))
def test_a_whole_pass_made_apart_decides_as_one_made_here(seed, tmp_path):
    """A full build's concept pass made in a forked process that ends (kg.pipeline._apart: its
    working memory leaves with it) gives what a pass made here gives, read back from the tables it
    kept, and keeps the same tables; a later scoped resolve on them equals a clean corpus."""
    from kg.incremental import BuildState
    from kg.pipeline import _apart
    from kg.resolve.concepts import ConceptCounts

    mentions, acronyms = random_corpus(seed)
    papers = {pid: (mentions.get(pid, []), acronyms.get(pid, [])) for pid in sorted(set(mentions) | set(acronyms))}
    made: dict[str, tuple] = {}
    for where in ("here", "apart"):
        state = BuildState(tmp_path / where, "store.lbdb")
        counts = ConceptCounts(state.db, str(state.path))
        for pid, (m, a) in papers.items():
            counts.add(pid, m, a)
        apart = (lambda work, state=state, counts=counts: _apart(state, counts, work)) if where == "apart" else None
        result = counts.resolve(lambda ids: ((pid, *papers[pid]) for pid in ids), scratch_dir=tmp_path, apart=apart)
        tables = {t: sorted(state.db.execute(f"SELECT * FROM {t}")) for t in ConceptCounts.TABLES}  # noqa: S608
        made[where] = (_fields(result), tables)
    assert made["apart"] == made["here"]
    assert made["apart"][1]["cc_node"]  # the child's decisions were kept

    removed = sorted(papers)[::9]
    for pid in removed:
        counts.add(pid, *papers[pid], -1)
    kept = {pid: v for pid, v in papers.items() if pid not in removed}
    scoped = counts.resolve(lambda ids: ((pid, *kept[pid]) for pid in ids), scratch_dir=tmp_path, apart=apart)
    assert counts.scope is not None  # derived again where touched only, in this process
    with PaperSpool(tmp_path) as spool:
        for pid, (m, a) in kept.items():
            spool.add(pid, m, a)
        assert _fields(scoped) == _fields(resolve_concept_stream(spool))


def add_a_use(counts, current: dict, rng: random.Random) -> None:
    """A changed paper: taken out of ``counts``, added back with one more use."""
    changed = rng.choice(sorted(current))
    counts.add(changed, *current[changed], -1)
    current[changed] = (current[changed][0] + [(rng.choice(WORDS), rng.choice(KINDS))], current[changed][1])
    counts.add(changed, *current[changed])


def count_half(counts, papers: dict, rng: random.Random, tmp_path):
    """Count a random half of ``papers``: (their shuffled order, the papers counted, a check that
    the counts given to it resolve as the streaming resolver resolves the papers counted)."""
    order = sorted(papers)
    rng.shuffle(order)
    current: dict = {}
    for pid in order[: len(order) // 2]:
        counts.add(pid, *papers[pid])
        current[pid] = papers[pid]

    def check(counts) -> None:
        counted = _fields(counts.resolve(lambda ids: ((pid, *current[pid]) for pid in ids), scratch_dir=tmp_path))
        with PaperSpool(tmp_path) as spool:
            for pid, (m, a) in sorted(current.items()):
                spool.add(pid, m, a)
            assert counted == _fields(resolve_concept_stream(spool))

    return order, current, check


@pytest.mark.parametrize("seed", range(4))
def test_decisions_derived_again_only_where_touched_equal_a_clean_corpus(seed, tmp_path):
    """ConceptCounts keeps its last decisions and derives again only the groups the touched keys
    reach: after each of many small changes (papers added, removed, changed; the counts reopened
    from the database as a later build does) every field equals the streaming resolver's over
    the corpus counted, and a change reaches fewer nodes than the corpus has."""
    import sqlite3

    from kg.resolve.concepts import ConceptCounts

    mentions, acronyms = random_corpus(seed, papers=300)
    papers = {pid: (mentions.get(pid, []), acronyms.get(pid, [])) for pid in sorted(set(mentions) | set(acronyms))}
    path = tmp_path / "counts.sqlite"
    db = sqlite3.connect(path)
    counts = ConceptCounts(db, str(path))
    scopes: list[int] = []
    derive = ConceptCounts._scope

    def spy(self, touched):
        found = derive(self, touched)
        scopes.append(len(found))
        return found

    rng = random.Random(seed)
    order, current, check = count_half(counts, papers, rng, tmp_path)
    check(counts)
    ConceptCounts._scope = spy
    try:
        for step, start in enumerate(range(len(order) // 2, len(order), 6)):
            for pid in order[start : start + 6]:
                counts.add(pid, *papers[pid])
                current[pid] = papers[pid]
            counts.flush()
            for pid in rng.sample(sorted(current), 2):
                counts.add(pid, *current.pop(pid), -1)
            add_a_use(counts, current, rng)
            if step % 3 == 1:  # a later build: a new ConceptCounts over the same tables
                counts.flush()
                db.commit()
                counts = ConceptCounts(db, str(path))
            check(counts)
    finally:
        ConceptCounts._scope = derive
    nodes = db.execute("SELECT COUNT(*) FROM cc_node").fetchone()[0]
    assert scopes and max(scopes) < nodes
    assert db.execute("SELECT COUNT(*) FROM cc_dirty").fetchone()[0] == 0


def test_another_curated_table_derives_every_decision_again(tmp_path):
    """Kept decisions are used only with the curated table they were derived with."""
    import sqlite3

    from kg.resolve.concepts import ConceptCounts

    mentions, acronyms = random_corpus(3)
    papers = {pid: (mentions.get(pid, []), acronyms.get(pid, [])) for pid in sorted(set(mentions) | set(acronyms))}
    path = tmp_path / "counts.sqlite"
    db = sqlite3.connect(path)
    counts = ConceptCounts(db, str(path))
    for pid, (m, a) in papers.items():
        counts.add(pid, m, a)
    _counted(counts, papers, tmp_path)
    base = default_aliases()
    table = AliasTable(merges=dict(base.merges), splits=dict(base.splits))
    key = next(iter(mentions.values()))[0][0]
    table.merges[concept_key(key)] = ("something curated", "test")
    other = ConceptCounts(db, str(path), aliases=table)
    with PaperSpool(tmp_path) as spool:
        for pid, (m, a) in papers.items():
            spool.add(pid, m, a)
        assert _fields(_counted(other, papers, tmp_path)) == _fields(resolve_concept_stream(spool, aliases=table))
