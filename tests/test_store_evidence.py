"""Evidence on Paper-sourced edges: no paper_id (the source is the paper), and a MENTIONS edge keeps
its sentence as offsets into the paper's text, which the saved query mention_evidence turns back
into the sentence. Real embedded store (LadybugDB)."""

from __future__ import annotations

from fixtures.graph import FIXTURE
from kg.models import Evidence, MentionEdge
from kg.report.library import run_saved
from kg.store import canonical_dump, open_store
from kg.store import rows as R
from kg.store import statements as S


def _columns(store, table: str) -> list[str]:
    return [r["name"] for r in store.query(f"CALL table_info('{table}') RETURN *")]


def _load(path, graph=FIXTURE):
    store = open_store(str(path))
    store.apply_schema()
    store.load_chunks(R.split_graph(graph, 3))
    return store


def test_paper_sourced_evidence_has_no_paper_id_and_derivations_keep_it(tmp_path):
    with _load(tmp_path / "g.lbdb") as store:
        for table in ("MENTIONS", "PROPOSES", "REPORTS"):
            assert "paper_id" not in _columns(store, table), table
            assert "sentence" in _columns(store, table), table
        assert "paper_id" in _columns(store, "DERIVED_FROM")
        stored = store.query("MATCH ()-[d:DERIVED_FROM]->() RETURN d.paper_id AS p ORDER BY p")
        assert [r["p"] for r in stored] == sorted(d.evidence.paper_id for d in FIXTURE.derivations)


def test_sentence_span_finds_the_sentence_around_the_span():
    text = "Title\nWe use GRPO. We use GRPO again. GRPO wins."
    assert R.sentence_span(text, "We use GRPO.", 13, 17) == (6, 18)
    # the same sentence twice: the one holding the span
    text = "A.\nWe use X. We use X."
    assert R.sentence_span(text, "We use X.", 20, 21) == (13, 22)
    assert R.sentence_span(text, "We use X.", 10, 11) == (3, 12)
    assert R.sentence_span(text, "Not in the text.", 0, 1) is None
    assert R.sentence_span(None, "We use X.", 0, 1) is None
    assert R.sentence_span(text, "", 0, 1) is None


def test_a_sentence_of_the_paper_is_stored_as_offsets_and_mention_evidence_returns_its_text(tmp_path):
    g = FIXTURE.model_copy(deep=True)
    paper = g.papers[0]
    # non-ASCII before the sentence: offsets count characters, as Python and LadybugDB's substring do
    paper.title = "Géométrie 😀 des réseaux"
    paper.abstract = "Première phrase ici. We study Extra 0 on graphs. Last one."
    g2, _ = _with_mentions(g, paper, [("We study Extra 0 on graphs.", "Extra 0"), ("A sentence from elsewhere.", "graphs")])
    with _load(tmp_path / "g.lbdb", g2) as store:
        rows = store.query(
            "MATCH (p:Paper)-[m:MENTIONS]->(c:Concept) WHERE c.id STARTS WITH 'c:extra' "
            "RETURN c.id AS cid, m.sentence AS text, m.sentence_start AS s, m.sentence_end AS e ORDER BY cid"
        )
        text = paper.text
        assert rows[0]["text"] is None and text[rows[0]["s"] : rows[0]["e"]] == "We study Extra 0 on graphs."
        assert rows[1]["text"] == "A sentence from elsewhere." and rows[1]["s"] is None
        found = {r["concept"]: r["sentence"] for r in run_saved(store, "mention_evidence", {"name": "Extra 0"})}
        assert found == {"Extra 0": "We study Extra 0 on graphs."}
        found = {r["concept"]: r["sentence"] for r in run_saved(store, "mention_evidence", {"name": "Extra 1"})}
        assert found == {"Extra 1": "A sentence from elsewhere."}


def _with_mentions(g, paper, items):
    """``g`` plus, on ``paper``, one mention per (sentence, surface), each of a new concept."""
    for i, (sentence, surface) in enumerate(items):
        concept = g.concepts[0].model_copy(update={"id": f"c:extra{i}", "name": f"Extra {i}", "aliases": [], "acronym": None})
        g.concepts.append(concept)
        start = max(paper.text.find(surface), 0)
        ev = Evidence(paper_id=paper.id, sentence=sentence, start=start, end=start + len(surface),
                      extractor="test", version="0", confidence=1.0)
        g.mentions.append(MentionEdge(paper_id=paper.id, concept_id=concept.id, surface=surface, count=1,
                                      starts=[start], evidence=ev))
    return g, paper


def test_mention_evidence_returns_every_fixture_sentence(tmp_path):
    with _load(tmp_path / "g.lbdb") as store:
        by_concept = {}
        for m in FIXTURE.mentions:
            by_concept.setdefault(m.concept_id, set()).add((m.paper_id, m.evidence.sentence))
        names = {c.id: c.name for c in FIXTURE.concepts}
        titles = {p.id: p.title for p in FIXTURE.papers}
        for cid, expected in by_concept.items():
            rows = run_saved(store, "mention_evidence", {"name": names[cid]})
            got = {(r["paper"], r["sentence"]) for r in rows if r["concept"] == names[cid]}
            assert got == {(titles[p], s) for p, s in expected}, names[cid]


def test_a_store_of_the_old_schema_is_migrated_and_loads_the_same_graph(tmp_path):
    old = tmp_path / "old.lbdb"
    with open_store(str(old)) as store:
        for stmt in S.schema_statements("ladybug"):
            if any(f"`{t}`(" in stmt for t in ("MENTIONS", "PROPOSES", "REPORTS")):
                # the columns an earlier kg created: paper_id first, MENTIONS' sentence as text only
                stmt = stmt.replace("`sentence` STRING", "`paper_id` STRING, `sentence` STRING")
                stmt = stmt.replace(", `sentence_start` INT64, `sentence_end` INT64", "")
            store.execute(stmt)
        assert "paper_id" in _columns(store, "MENTIONS")
    with _load(old) as store:
        assert "paper_id" not in _columns(store, "MENTIONS")
        migrated = canonical_dump(store)
    with _load(tmp_path / "new.lbdb") as store:
        assert canonical_dump(store) == migrated
