"""Incremental concept resolution when papers define an ambiguous acronym again.

A new definition of an acronym that has several senses can change the sense of every paper that
uses it without defining it (its context grows, or a sense appears), so those are decided again;
a paper that defines the acronym itself means its own sense whatever the others say, so an
unchanged one keeps its last decision and is not read again. Each result must equal the
streaming resolver's over the same corpus (kg.resolve.concepts.resolve_concept_stream).
"""

from __future__ import annotations

import random
import sqlite3

import pytest
from test_resolve_stream import WORDS, _fields, random_corpus

from kg.resolve import concepts
from kg.resolve.concepts import ConceptCounts, PaperSpool, _paper_uses, resolve_concept_stream


def _clean(corpus: dict, tmp_path) -> tuple:
    with PaperSpool(tmp_path) as spool:
        for pid, (m, a) in sorted(corpus.items()):
            spool.add(pid, m, a)
        return _fields(resolve_concept_stream(spool))


def _ambiguous(corpus: dict) -> dict[str, dict[str, set[str]]]:
    """short key -> {long key: ids of the papers defining it so} of the acronyms with 2+ senses."""
    senses: dict[str, dict[str, set[str]]] = {}
    for pid, (m, a) in corpus.items():
        for sk, (lk, *_rest) in _paper_uses(m, a)[1].items():
            senses.setdefault(sk, {}).setdefault(lk, set()).add(pid)
    return {sk: s for sk, s in senses.items() if len(s) > 1}


def _definers(corpus: dict, key: str) -> set[str]:
    return {pid for pid, (m, a) in corpus.items() if key in _paper_uses(m, a)[1]}


def _counted(corpus: dict, tmp_path) -> tuple[sqlite3.Connection, str, ConceptCounts]:
    """A first build's counts of ``corpus`` in a state database under ``tmp_path``."""
    path = str(tmp_path / "counts.sqlite")
    db = sqlite3.connect(path)
    counts = ConceptCounts(db, path)
    for pid, (m, a) in corpus.items():
        counts.add(pid, m, a)
    return db, path, counts


def _users(corpus: dict, key: str) -> set[str]:
    return {pid for pid, (m, a) in corpus.items() if key in _paper_uses(m, a)[0]}


@pytest.mark.parametrize("seed", range(5))
def test_redefined_ambiguous_acronyms_read_only_the_papers_that_can_change(seed, tmp_path, monkeypatch):
    mentions, acronyms = random_corpus(seed, papers=240)
    corpus = {pid: (mentions.get(pid, []), acronyms.get(pid, [])) for pid in sorted(set(mentions) | set(acronyms))}
    db, path, counts = _counted(corpus, tmp_path)
    asked: list[str] = []
    decided: set[str] = set()
    sense_node = concepts._sense_node

    def spy(pid, key, *args):
        decided.add(pid)
        return sense_node(pid, key, *args)

    monkeypatch.setattr(concepts, "_sense_node", spy)

    def resolve(current: dict):
        asked.clear()
        decided.clear()

        def papers_of(ids):
            asked.extend(ids)
            return ((pid, *current[pid]) for pid in ids)

        return _fields(counts.resolve(papers_of, scratch_dir=tmp_path))

    assert resolve(corpus) == _clean(corpus, tmp_path)
    rng = random.Random(seed)
    ambiguous = _ambiguous(corpus)
    assert ambiguous
    checked = 0
    for step, key in enumerate(sorted(ambiguous)[:4]):
        counts = ConceptCounts(db, path)  # a later build: the counts reopened
        current = _ambiguous(corpus)
        if key not in current:
            continue
        senses = sorted(current[key])
        short = next(a[1] for pid in sorted(current[key][senses[0]]) for a in corpus[pid][1]
                     if _paper_uses([], [a])[1].get(key))
        # new papers: one defines the acronym as a sense it has, with keys its context lacked; one
        # (every other step) as a sense never seen
        new = {f"new{step}a": ([(w, "METHOD") for w in rng.sample(WORDS, 3)] + [(f"novel{step} thing", "TASK")],
                               [(senses[0], short, "METHOD", f"new {step}")])}
        if step % 2:
            new[f"new{step}b"] = ([(short, "METHOD")], [(f"quite another meaning {step}", short, "METHOD", "x")])
        before = dict(corpus)
        for pid, (m, a) in new.items():
            counts.add(pid, m, a)
            corpus[pid] = (m, a)
        # a paper that used the acronym without defining it goes, one that defined it changes
        definers = _definers(before, key)
        gone = sorted(_users(before, key) - definers)[:1]
        for pid in gone:
            counts.add(pid, *corpus.pop(pid), -1)
        changed = sorted(definers)[0]
        counts.add(changed, *corpus[changed], -1)
        corpus[changed] = (corpus[changed][0] + [(rng.choice(WORDS), "TASK")], corpus[changed][1])
        counts.add(changed, *corpus[changed])
        assert resolve(corpus) == _clean(corpus, tmp_path)
        read = set(asked)
        now = _ambiguous(corpus)
        # unchanged papers defining the acronym keep their sense unread (unless another ambiguous
        # acronym they use without defining it asks for them)
        kept = {pid for pid in (definers & set(corpus)) - {changed}
                if all(k in _paper_uses(*corpus[pid])[1] for k in _paper_uses(*corpus[pid])[0] if k in now)}
        assert not read & kept
        # the papers using it without defining it are decided again (they may mean another sense
        # now), from the keys kept of them: only the new and changed papers are read
        assert (_users(corpus, key) - _definers(corpus, key)) <= decided
        assert read <= set(new) | {changed}
        checked += len(kept)
    assert checked  # some definers were kept


def test_an_unread_user_takes_the_sense_its_grown_context_gives(tmp_path):
    """A paper that uses an ambiguous acronym without defining it is decided again from its kept
    keys when a new paper defines the acronym: here the new definition's context shares the user's
    concepts, so its sense changes, as a clean resolution over the same corpus says, unread."""
    corpus = {
        "d1": ([("alpha beta cascade", "METHOD"), ("ABC", "METHOD"), ("red fox", "TASK")],
               [("alpha beta cascade", "ABC")]),
        "d2": ([("another big cascade", "METHOD"), ("ABC", "METHOD"), ("blue whale", "TASK"), ("green tree", "TASK")],
               [("another big cascade", "ABC")]),
        "u": ([("ABC", "METHOD"), ("green tree", "TASK"), ("yellow sun", "TASK"), ("purple rain", "TASK")], []),
    }
    db, path, counts = _counted(corpus, tmp_path)
    asked: list[str] = []

    def papers_of(ids):
        asked.extend(ids)
        return ((pid, *corpus[pid]) for pid in ids)

    before = counts.resolve(papers_of, scratch_dir=tmp_path)
    assert _fields(before) == _clean(corpus, tmp_path)
    corpus["n"] = ([("alpha beta cascade", "METHOD"), ("ABC", "METHOD"), ("yellow sun", "TASK"), ("purple rain", "TASK"),
                    ("green tree", "TASK")], [("alpha beta cascade", "ABC")])
    counts = ConceptCounts(db, path)  # a later build
    counts.add("n", *corpus["n"])
    asked.clear()
    after = counts.resolve(papers_of, scratch_dir=tmp_path)
    assert _fields(after) == _clean(corpus, tmp_path)
    assert after.concept_of("u", "ABC") != before.concept_of("u", "ABC")
    assert after.concept_of("u", "ABC") == after.concept_of("n", "ABC")
    assert asked == ["n"]
