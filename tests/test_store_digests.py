"""What a load remembers of the papers and shared nodes it staged (kg.store.digests) is kept in
arrays, and the records a build parses leave no value strings in pydantic's cache: neither makes
small Python objects that outlive the chunks they came with."""

from __future__ import annotations

import numpy as np

from kg.models import Paper, PaperExtraction
from kg.store.digests import KEY, DigestIndex, digest_array, joined, key_of, keys_of


def test_a_key_is_16_bytes_and_differs_between_ids():
    assert len(key_of("arxiv:2401.00001")) == 16
    assert key_of("arxiv:2401.00001") != key_of("arxiv:2401.00002")
    assert key_of("Concept:é") == key_of("Concept:é")
    assert list(keys_of(["a", "b"])) == [key_of("a"), key_of("b")]


def test_an_index_finds_what_was_set_and_only_that():
    index = DigestIndex()
    found, values = index.find(keys_of(["a"]))
    assert found.tolist() == [False] and values.tolist() == [0]
    index.update(keys_of(["b", "a", "c"]), digest_array([2, 1, 3]))
    found, values = index.find(keys_of(["c", "x", "a", "b"]))
    assert found.tolist() == [True, False, True, True]
    assert values.tolist() == [3, 0, 1, 2]
    assert len(index) == 3


def test_the_last_value_of_a_key_wins_within_an_update_and_across_updates():
    index = DigestIndex()
    index.update(keys_of(["a", "b", "a"]), digest_array([1, 2, 5]))
    assert index.find(keys_of(["a"]))[1].tolist() == [5]
    index.update(keys_of(["b", "d"]), digest_array([7, 4]))
    assert index.find(keys_of(["a", "b", "d"]))[1].tolist() == [5, 7, 4]
    assert len(index) == 3


def test_an_index_without_values_is_a_set_of_ids():
    seen = DigestIndex()
    seen.update(keys_of(["p1", "p2"]))
    seen.update(keys_of([]))
    seen.update(keys_of(["p2", "p3"]))
    assert seen.find(keys_of(["p1", "p2", "p3", "p4"]))[0].tolist() == [True, True, True, False]
    assert len(seen) == 3


def test_the_total_is_the_sum_of_the_digests_modulo_2_64_as_the_graph_hash_takes_it():
    big = [(1 << 64) - 1, (1 << 63) + 5, 12345, 1 << 62]
    index = DigestIndex()
    index.update(keys_of(["w", "x", "y", "z"]), digest_array(big))
    assert index.total() == sum(big) % (1 << 64)
    assert DigestIndex().total() == 0


def test_joined_keeps_the_order():
    a, b = keys_of(["a", "b"]), keys_of(["c"])
    assert joined([a, b]).tolist() == keys_of(["a", "b", "c"]).tolist()
    assert joined([digest_array([1]), digest_array([2, 3])]).dtype == np.uint64


def test_parsed_records_do_not_share_their_value_strings_through_a_cache():
    paper = '{"id": "arxiv:2401.00001", "title": "Adaptive Flow Distillation", "abstract": "Short."}'
    one, two = Paper.model_validate_json(paper), Paper.model_validate_json(paper)
    assert one == two
    assert one.title is not two.title  # with pydantic's default cache, the same object
    extraction = '{"paper_id": "arxiv:2401.00001", "extractor": "rules-1", "version": "v1", "content_hash": "abc"}'
    assert PaperExtraction.model_validate_json(extraction).extractor is not PaperExtraction.model_validate_json(extraction).extractor


def test_many_updates_find_what_a_dict_holds_in_few_sorted_runs():
    """Chunk after chunk of new and seen keys (as a load's chunks come), the index answers as a dict
    of the same updates does, its runs stay sorted, disjoint and about log2(n) in number."""
    rng = np.random.default_rng(7)
    index, model = DigestIndex(), {}
    for chunk in range(120):
        ids = [f"p{int(i)}" for i in rng.integers(0, 6_000, size=int(rng.integers(1, 150)))]
        digests = rng.integers(0, 1 << 63, size=len(ids), dtype=np.uint64)
        index.update(keys_of(ids), digests)
        for i, d in zip(ids, digests.tolist()):
            model[i] = d
        if chunk % 20 == 0:
            probe = [f"p{i}" for i in range(0, 6_100, 7)]
            found, values = index.find(keys_of(probe))
            assert found.tolist() == [i in model for i in probe]
            assert values.tolist() == [model.get(i, 0) for i in probe]
    assert len(index) == len(model)
    assert index.total() == sum(model.values()) % (1 << 64)
    every = [(h, l) for hi, lo, _ in index.runs for h, l in zip(hi.tolist(), lo.tolist())]
    assert len(set(every)) == len(every)  # a key in one run only
    for hi, lo, _ in index.runs:
        assert list(zip(hi.tolist(), lo.tolist())) == sorted(zip(hi.tolist(), lo.tolist()))
    sizes = [len(hi) for hi, _, _ in index.runs]
    assert all(a > 2 * b for a, b in zip(sizes, sizes[1:]))
    assert len(sizes) <= int(np.log2(len(model))) + 1


def test_keys_that_share_their_first_8_bytes_are_told_apart_and_kept_in_byte_order():
    """Ids' keys share their first half with odds of about n^2 / 2^65; keys made by hand do here."""
    keys = np.array([b"\x00" * 8 + bytes([9 - i]) * 8 for i in range(6)] + [b"\xff" * 16, b"\x01" * 16], dtype=KEY)
    index = DigestIndex()
    for i in range(0, len(keys), 2):  # pair by pair, so that runs merge
        index.update(keys[i : i + 2], digest_array([i + 1, i + 2]))
    found, values = index.find(keys[::-1])
    assert found.all() and values.tolist() == list(range(len(keys), 0, -1))
    assert not index.find(np.array([b"\x00" * 8 + b"\x02" * 8, b"\x00" * 16], dtype=KEY))[0].any()
    index.update(keys[2:3], digest_array([40]))
    assert index.find(keys[2:3])[1].tolist() == [40] and len(index) == len(keys)
    merged = [(h, l) for hi, lo, _ in index.runs for h, l in zip(hi.tolist(), lo.tolist())]
    assert [int.to_bytes(h, 8, "big") + int.to_bytes(l, 8, "big") for h, l in merged] == sorted(keys.tolist())
