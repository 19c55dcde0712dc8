"""Incremental concept resolution scores a use of a redefined ambiguous acronym again without
reading its paper when the paper shares no key with what the changed definers bring or take.

Its overlap with every old sense's context is then what it was, and with a new sense's context
(all new keys) none, so its kept counts decide it against the senses there are now. Over a run of
builds (a definer with new context keys, a new sense, a sense that goes and comes back, changed
users and definers) every result equals the streaming resolver's over the same corpus (concepts,
merge decisions with their evidence and order, lookups), and most unchanged users are not read.
"""

from __future__ import annotations

import random
import sqlite3

from test_resolve_stream import _fields

from kg.resolve.concepts import ConceptCounts, PaperSpool, resolve_concept_stream

VOCAB = [f"topic{i} study" for i in range(300)]
SENSES = ["alpha beta canon", "another bold choice", "adaptive basis coding"]


def _clean(corpus: dict, tmp_path) -> tuple:
    with PaperSpool(tmp_path) as spool:
        for pid, (m, a) in sorted(corpus.items()):
            spool.add(pid, m, a)
        return _fields(resolve_concept_stream(spool))


def _definer(rng: random.Random, sense: str, words: list[str]) -> tuple:
    return [(w, "TASK") for w in rng.sample(words, 4)] + [(sense, "METHOD")], [(sense, "ABC", "METHOD", "defined")]


def _user(rng: random.Random, words: list[str], named: str | None = None) -> tuple:
    uses = [("ABC", "METHOD")] + [(w, "TASK") for w in rng.sample(words, rng.randint(0, 3))]
    if named:
        uses.append((named, "METHOD"))
    return uses, []


def test_unread_users_of_a_redefined_acronym_decide_as_a_clean_pass(tmp_path):
    rng = random.Random(7)
    corpus: dict[str, tuple] = {}
    for i in range(6):
        corpus[f"d{i}"] = _definer(rng, SENSES[i % 2], VOCAB[:40])
    for i in range(120):
        corpus[f"u{i:03d}"] = _user(rng, VOCAB[:40] if i % 3 == 0 else VOCAB[40:], SENSES[i % 2] if i % 7 == 0 else None)
    path = tmp_path / "counts.sqlite"
    db = sqlite3.connect(path)
    counts = ConceptCounts(db, str(path))
    for pid, (m, a) in corpus.items():
        counts.add(pid, m, a)
    asked: list[str] = []

    def resolve() -> tuple:
        asked.clear()

        def papers_of(ids):
            asked.extend(ids)
            return ((pid, *corpus[pid]) for pid in ids)

        return _fields(counts.resolve(papers_of, scratch_dir=tmp_path))

    assert resolve() == _clean(corpus, tmp_path)

    def step(add: dict, remove: list[str] = ()) -> set[str]:
        nonlocal counts
        counts = ConceptCounts(db, str(path))  # a later build
        for pid in remove:
            counts.add(pid, *corpus.pop(pid), -1)
        for pid, (m, a) in add.items():
            if pid in corpus:
                counts.add(pid, *corpus[pid], -1)
            counts.add(pid, m, a)
            corpus[pid] = (m, a)
        assert resolve() == _clean(corpus, tmp_path)
        return set(asked)

    users = {pid for pid in corpus if pid.startswith("u")}
    # a definer of an old sense with keys some users share; a definer of a sense never seen
    read = step({"d10": _definer(rng, SENSES[0], VOCAB[:40] + VOCAB[200:210]),
                 "d11": _definer(rng, SENSES[2], VOCAB[210:220])})
    assert 0 < len(users - read)
    assert len(users & read) < len(users)
    # the new sense goes again, a user changes, one uses the third sense's long form next to it
    read = step({"u001": _user(rng, VOCAB[40:]), "u002": _user(rng, VOCAB[40:], SENSES[2])}, ["d11"])
    assert {"u001", "u002"} <= read and len(users - read) > len(users) // 2
    # it comes back with other keys: kept counts of the sense that went must not count
    step({"d12": _definer(rng, SENSES[2], VOCAB[220:230])})
    # a definer changes its context, another leaves; a user of many keys arrives
    changed = _definer(rng, SENSES[1], VOCAB[230:240])
    read = step({"d1": changed, "u500": _user(rng, VOCAB)}, ["d2"])
    assert "u500" in read and len(users - read) > 0
    # and a last one with nothing new: every sense as it was
    step({"d13": _definer(rng, SENSES[0], VOCAB[:4])})
    # what the builds kept (written row by row where it changed) is what a first pass over the
    # final corpus keeps: the next build starts from the same decisions either way
    fresh_path = tmp_path / "fresh.sqlite"
    fresh = sqlite3.connect(fresh_path)
    first = ConceptCounts(fresh, str(fresh_path))
    for pid, (m, a) in corpus.items():
        first.add(pid, m, a)
    first.resolve(lambda ids: ((pid, *corpus[pid]) for pid in ids), scratch_dir=tmp_path)
    assert _kept_tables(db) == _kept_tables(fresh)
    fresh.close()
    db.close()


def _kept_tables(db) -> dict:
    """Each kept-decision table as a multiset of rows, marshalled bodies decoded."""
    import marshal
    from collections import Counter

    out = {}
    for table in ("node", "group", "cid", "look", "use", "dec"):
        rows = db.execute(f"SELECT * FROM cc_{table}").fetchall()  # noqa: S608 - fixed names
        decode = table in ("group", "use", "dec")
        out[table] = Counter(repr((*row[:-1], marshal.loads(row[-1]) if decode else row[-1])) for row in rows)
    return out


def test_kept_decisions_asked_one_by_one_equal_the_whole_read(tmp_path):
    """After an incremental resolve the decisions are read as asked for (a concept by id, a key's
    concept): each answer is the one a whole read (and a clean pass) gives, absent ones included."""
    from kg.resolve.concepts import _Kept, _KeptResolution

    rng = random.Random(3)
    corpus = {f"d{i}": _definer(rng, SENSES[i % 3], VOCAB[:30]) for i in range(6)}
    corpus.update({f"u{i:03d}": _user(rng, VOCAB, SENSES[0] if i % 5 == 0 else None) for i in range(60)})
    path = tmp_path / "counts.sqlite"
    db = sqlite3.connect(path)
    counts = ConceptCounts(db, str(path))
    for pid, (m, a) in corpus.items():
        counts.add(pid, m, a)
    counts.resolve(lambda ids: ((pid, *corpus[pid]) for pid in ids), scratch_dir=tmp_path)
    counts = ConceptCounts(db, str(path))
    corpus["d9"] = _definer(rng, SENSES[1], VOCAB[100:110])
    counts.add("d9", *corpus["d9"])
    got = counts.resolve(lambda ids: ((pid, *corpus[pid]) for pid in ids), scratch_dir=tmp_path)
    assert isinstance(got, _KeptResolution)
    with PaperSpool(tmp_path) as spool:
        for pid, (m, a) in sorted(corpus.items()):
            spool.add(pid, m, a)
        clean = resolve_concept_stream(spool)
    lazy = _KeptResolution(_Kept(db, ConceptCounts.P))
    for cid, concept in clean.concepts.items():
        assert cid in lazy.concepts and lazy.concepts[cid] == concept
    assert "no-such-concept" not in lazy.concepts and lazy.concepts.get("no-such-concept") is None
    for key in [*clean.global_lookup, "abc", "no such key", *VOCAB[:5]]:
        assert lazy.global_lookup.get(key) == clean.global_lookup.get(key)
        assert (key in lazy.global_lookup) == (key in clean.global_lookup)
    some = list(clean.concepts)[::3]
    assert lazy.global_lookup.keys_of([*some, "no-such-concept"]) == {
        k: c for k, c in clean.global_lookup.items() if c in some}
    assert lazy.lookup == clean.lookup
    assert _fields(lazy) == _fields(got) == _fields(clean)
    db.close()
