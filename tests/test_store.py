"""The store contract, one suite on every backend (``store`` fixture: LadybugDB always, Neo4j when Docker answers)."""

from __future__ import annotations

import pytest

from fixtures.graph import FIXTURE, pid
from kg.errors import ConfigError, StoreError
from kg.models import Author, Authorship, ResolvedGraph, author_id
from kg.store import canonical_dump, open_store, resolve_target


def clean_build(store, graph: ResolvedGraph) -> str:
    """The dump of ``graph`` loaded into the emptied store."""
    store.execute("MATCH (n) DETACH DELETE n")
    store.load(graph)
    return canonical_dump(store)


def without_paper(graph: ResolvedGraph, paper_id: str) -> ResolvedGraph:
    g = graph.model_copy(deep=True)
    g.papers = [p for p in g.papers if p.id != paper_id]
    g.authorships = [a for a in g.authorships if a.paper_id != paper_id]
    g.paper_affiliations = [a for a in g.paper_affiliations if a.paper_id != paper_id]
    g.mentions = [m for m in g.mentions if m.paper_id != paper_id]
    g.proposals = [p for p in g.proposals if p.paper_id != paper_id]
    g.derivations = [d for d in g.derivations if d.evidence.paper_id != paper_id]
    g.results = [r for r in g.results if r.paper_id != paper_id]
    return g


def changed(graph: ResolvedGraph) -> ResolvedGraph:
    """FIXTURE with one paper retitled, re-authored by a newcomer, its results and mentions dropped."""
    g = graph.model_copy(deep=True)
    target = g.papers[0]
    target.title = target.title + " (revised)"
    g.authorships = [a for a in g.authorships if a.paper_id != target.id]
    newcomer = Author(id=author_id("Zed Newcomer"), name="Zed Newcomer")
    g.authors.append(newcomer)
    g.authorships.append(Authorship(author_id=newcomer.id, paper_id=target.id, position=0))
    g.results = [r for r in g.results if r.paper_id != target.id]
    g.mentions = [m for m in g.mentions if m.paper_id != target.id]
    g.concepts[0].aliases = [*g.concepts[0].aliases, "an alias added later"]
    return g


def test_apply_schema_is_idempotent(store):
    store.apply_schema()
    store.apply_schema()
    assert store.counts()["nodes"]["Paper"] == 0


def test_load_writes_the_graph(store):
    stats = store.load(FIXTURE)
    counts = store.counts()
    assert counts["nodes"]["Paper"] == len(FIXTURE.papers) == stats.papers_new
    assert counts["nodes"]["Author"] == len(FIXTURE.authors)
    assert counts["nodes"]["Result"] == len(FIXTURE.results)
    assert counts["relationships"]["AUTHORED"] == len(FIXTURE.authorships)
    assert counts["relationships"]["MENTIONS"] == len(FIXTURE.mentions)
    assert counts["relationships"]["DERIVED_FROM"] == len(FIXTURE.derivations)
    row = store.query("MATCH (p:Paper {id: $id}) RETURN p.title AS title, p.year AS year, p.content_hash AS h",
                      {"id": FIXTURE.papers[0].id})
    assert row == [{"title": FIXTURE.papers[0].title, "year": FIXTURE.papers[0].date.year,
                    "h": FIXTURE.papers[0].content_hash}]


def test_mentions_keep_every_offset_as_text(store):
    g = FIXTURE.model_copy(deep=True)
    m = g.mentions[0]
    m.count, m.starts = 3, [m.evidence.start, m.evidence.start + 40, m.evidence.start + 95]
    store.load(g)
    rows = store.query(
        "MATCH (p:Paper {id: $p})-[m:MENTIONS]->(c:Concept {id: $c}) RETURN m.offsets AS offsets, m.count AS n",
        {"p": m.paper_id, "c": m.concept_id},
    )
    assert rows == [{"offsets": ",".join(map(str, m.starts)), "n": 3}]


def test_a_store_from_an_earlier_schema_is_brought_to_this_one(tmp_path):
    """MENTIONS had an INT64[] ``starts`` column before it had ``offsets``: the old store opens,
    its table gains the new column and loses the old one, and a load then writes the graph."""
    import ladybug

    from kg.store import statements as S

    path = tmp_path / "old.lbdb"
    db = ladybug.Database(str(path))
    conn = ladybug.Connection(db)
    for stmt in S.ladybug_ddl():
        conn.execute(stmt.replace("`offsets` STRING", "`starts` INT64[]"))
    before = conn.execute("CALL table_info('MENTIONS') RETURN name").get_all()
    assert ["starts"] in before and ["offsets"] not in before
    conn.close()
    db.close()
    with open_store(str(path)) as s:
        s.apply_schema()
        columns = [r["name"] for r in s.query("CALL table_info('MENTIONS') RETURN *")]
        assert "offsets" in columns and "starts" not in columns
        s.load(FIXTURE)
        assert s.counts()["relationships"]["MENTIONS"] == len(FIXTURE.mentions)
        s.apply_schema()  # nothing left to migrate
        assert [r["name"] for r in s.query("CALL table_info('MENTIONS') RETURN *")] == columns


def test_a_retired_property_is_removed_from_a_store_an_earlier_kg_built(store):
    """Author.community was written by an earlier kg: applying the schema again takes it off every
    author (a column on LadybugDB, a property on Neo4j), and leaves the rest of the graph alone."""
    from kg.store.schema import RETIRED_PROPERTIES

    assert RETIRED_PROPERTIES["Author"] == ("community",)
    store.load(FIXTURE)
    before = canonical_dump(store)
    if store.dialect == "ladybug":
        store.execute("ALTER TABLE Author ADD community INT64")
    store.execute("MATCH (a:Author) SET a.community = 7")
    assert store.query("MATCH (a:Author) WHERE a.community = 7 RETURN count(a) AS n") == [{"n": len(FIXTURE.authors)}]
    store.apply_schema()
    if store.dialect == "ladybug":
        assert "community" not in {r["name"] for r in store.query("CALL table_info('Author') RETURN *")}
    else:
        assert store.query("MATCH (a:Author) WHERE a.community IS NOT NULL RETURN count(a) AS n") == [{"n": 0}]
    assert canonical_dump(store) == before
    store.apply_schema()  # nothing left to remove
    assert canonical_dump(store) == before


def test_loading_twice_gives_the_same_graph_and_writes_nothing(store):
    store.load(FIXTURE)
    first = canonical_dump(store)
    again = store.load(FIXTURE)
    assert canonical_dump(store) == first
    assert again.papers_unchanged == len(FIXTURE.papers)
    assert again.nodes_written == again.rels_written == 0


def test_a_changed_paper_is_replaced_like_a_clean_build(store):
    store.load(FIXTURE)
    v2 = changed(FIXTURE)
    stats = store.load(v2)
    assert stats.papers_replaced == 1 and stats.papers_unchanged == len(FIXTURE.papers) - 1
    incremental = canonical_dump(store)
    assert "(revised)" in incremental and "Zed Newcomer" in incremental
    assert incremental == clean_build(store, v2)


def test_orphaned_shared_nodes_are_removed(store):
    store.load(FIXTURE)
    gone = FIXTURE.papers[0].id
    # the paper's authors that wrote nothing else must disappear with it
    only_here = {a.author_id for a in FIXTURE.authorships if a.paper_id == gone} - {
        a.author_id for a in FIXTURE.authorships if a.paper_id != gone
    }
    smaller = without_paper(FIXTURE, gone)
    stats = store.load(smaller, prune=True)
    assert stats.papers_removed == 1
    ids = {r["id"] for r in store.query("MATCH (a:Author) RETURN a.id AS id")}
    assert not (only_here & ids)
    assert canonical_dump(store) == clean_build(store, smaller)


def test_without_prune_other_papers_stay(store):
    store.load(FIXTURE)
    store.load(without_paper(FIXTURE, FIXTURE.papers[0].id))
    assert store.counts()["nodes"]["Paper"] == len(FIXTURE.papers)


def test_reverting_a_change_restores_the_graph(store):
    store.load(FIXTURE)
    original = canonical_dump(store)
    store.load(changed(FIXTURE))
    store.load(FIXTURE)
    assert canonical_dump(store) == original


def test_values_reach_cypher_only_as_parameters(store):
    store.load(FIXTURE)
    hostile = "x'}) DETACH DELETE n //"
    assert store.query("MATCH (p:Paper) WHERE p.title = $t RETURN p.id AS id", {"t": hostile}) == []
    assert store.counts()["nodes"]["Paper"] == len(FIXTURE.papers)


def test_analytics_properties_survive_a_reload(store):
    store.load(FIXTURE)
    cid = FIXTURE.concepts[0].id
    store.execute("MATCH (c:Concept {id: $id}) SET c.burst = 7.5", {"id": cid})
    store.load(changed(FIXTURE))
    assert store.query("MATCH (c:Concept {id: $id}) RETURN c.burst AS b", {"id": cid}) == [{"b": 7.5}]


# --------------------------------------------------------------------------- LadybugDB specifics


def test_bulk_path_and_merge_path_write_the_same_graph(tmp_path):
    dumps = []
    for fast in (True, False):
        with open_store(str(tmp_path / f"g{fast}.lbdb"), fast=fast) as s:
            s.apply_schema()
            stats = s.load(FIXTURE)
            assert stats.path == ("copy" if fast else "merge")
            s.load(changed(FIXTURE))
            dumps.append(canonical_dump(s))
    assert dumps[0] == dumps[1]


def test_read_only_refuses_writes_and_reads_alongside_a_writer(tmp_path):
    path = str(tmp_path / "g.lbdb")
    with open_store(path) as writer:
        writer.apply_schema()
        writer.load(FIXTURE)
    with open_store(path, read_only=True) as reader:
        assert reader.query("MATCH (p:Paper) RETURN count(p) AS n") == [{"n": len(FIXTURE.papers)}]
        with pytest.raises(StoreError, match="read-only"):
            reader.execute("MATCH (p:Paper) DETACH DELETE p")
        with pytest.raises(StoreError):
            reader.load(FIXTURE)


def test_read_only_on_a_missing_store_says_so(tmp_path):
    # a path that names no store is a bad --store / KG_STORE (exit 2), not a failing store (exit 3)
    with pytest.raises(ConfigError, match="no graph at"):
        open_store(str(tmp_path / "nothing.lbdb"), read_only=True)
    assert not (tmp_path / "nothing.lbdb").exists()


@pytest.mark.parametrize("command", [["query", "MATCH (n) RETURN count(n) AS n"], ["stats"], ["report", "overview"],
                                     ["export", "-o", "out.json"]])
def test_commands_on_a_missing_store_exit_2(tmp_path, monkeypatch, command):
    from click.testing import CliRunner

    from kg.cli import main

    missing = str(tmp_path / "nothing.lbdb")
    monkeypatch.chdir(tmp_path)  # export's out.json, if written, lands here
    result = CliRunner().invoke(main, [*command, "--store", missing])
    assert result.exit_code == 2, result.output
    assert f"no graph at {missing}" in result.stderr and "Traceback" not in result.output


def test_a_write_query_on_a_missing_store_exits_2_and_creates_nothing(tmp_path):
    # --write allows writes to a graph; it does not make one where a mistyped path points
    from click.testing import CliRunner

    from kg.cli import main

    missing = tmp_path / "sub" / "nothing.lbdb"
    result = CliRunner().invoke(main, ["query", "CREATE (p:Paper {id: 'x'})", "--write", "--store", str(missing)])
    assert result.exit_code == 2, result.output
    assert f"no graph at {missing}" in result.stderr and "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []  # neither the store, nor its directory, nor a lock file


@pytest.mark.parametrize("under", ["", "sub/"])
@pytest.mark.parametrize("command", [["build", "LISTING"], ["query", "RETURN 1", "--write"], ["open_store"]])
def test_a_store_path_under_a_file_is_a_usage_error_naming_the_file(tmp_path, command, under):
    # the store's directory cannot be made there: exit 2 naming the file in the way, not an OSError's traceback
    from click.testing import CliRunner

    from kg.cli import main

    (tmp_path / "a-file").write_text("x\n")
    listing = tmp_path / "in.jsonl"
    listing.write_text('{"id": "p1", "title": "A paper", "abstract": "Text."}\n')
    store = tmp_path / "a-file" / under / "graph.lbdb"
    expected = f"cannot write a store at {store}: {tmp_path / 'a-file'} is a file, not a directory"
    if command == ["open_store"]:
        with pytest.raises(ConfigError, match="is a file, not a directory"):
            open_store(str(store))
        return
    args = [str(listing) if a == "LISTING" else a for a in command]
    result = CliRunner().invoke(main, [*args, "--store", str(store)])
    assert result.exit_code == 2, result.output
    if command[0] == "build":
        assert expected in result.stderr
    assert "Traceback" not in result.output and not isinstance(result.exception, OSError)
    assert (tmp_path / "a-file").read_text() == "x\n"


@pytest.mark.parametrize("command", [["report", "overview"], ["export", "--format", "json"],
                                     ["viz", "author", "AUTHOR"]])
def test_an_output_path_the_file_system_refuses_is_one_error_naming_it(tmp_path, command):
    # the OSError used to end in a traceback (exit 1)
    from click.testing import CliRunner

    from kg.cli import main

    store = str(tmp_path / "g.lbdb")
    with open_store(store) as s:
        s.apply_schema()
        s.load(FIXTURE)
    (tmp_path / "a-file").write_text("x\n")
    out = tmp_path / "a-file" / "out.html"
    args = [FIXTURE.authors[0].name if a == "AUTHOR" else a for a in command]
    result = CliRunner().invoke(main, [*args, "--store", store, "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and not isinstance(result.exception, OSError)
    assert result.stderr.startswith(f"Error: {tmp_path / 'a-file'}"), result.stderr
    assert "(a file where a directory is needed)" in result.stderr


@pytest.mark.parametrize("command", [["report", "overview"], ["report", "concept", "GRPO", "--format", "html"],
                                     ["export", "--format", "json"], ["viz", "author", "AUTHOR"]])
def test_an_output_path_in_a_missing_directory_is_refused_before_any_work(tmp_path, command):
    """-o creates no directories, as a shell redirection would not: `-o reprots/x.html` used to make a new folder
    `reprots` without a word. The error names the path and the missing directory; the store is not opened."""
    from click.testing import CliRunner

    from kg.cli import main

    out = tmp_path / "missing" / "deeper" / "out.html"
    args = [FIXTURE.authors[0].name if a == "AUTHOR" else a for a in command]
    # a store that does not exist: were it opened, the error would be "no graph at ..."
    result = CliRunner().invoke(main, [*args, "--store", str(tmp_path / "no-graph.lbdb"), "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"Error: {out}: no directory {out.parent}"), result.stderr
    assert not (tmp_path / "missing").exists() and not (tmp_path / "no-graph.lbdb").exists()


def test_bad_cypher_is_a_store_error(tmp_path):
    with open_store(str(tmp_path / "g.lbdb")) as s:
        with pytest.raises(StoreError):
            s.query("MATCH (p:Paper RETURN p")


def test_targets(monkeypatch):
    monkeypatch.delenv("KG_STORE", raising=False)
    assert resolve_target() == ".kg/graph.lbdb"
    monkeypatch.setenv("KG_STORE", "/tmp/x.lbdb")
    assert resolve_target() == "/tmp/x.lbdb"
    assert resolve_target("bolt://h:7687") == "bolt://h:7687"
    with pytest.raises(ConfigError, match="unsupported store target"):
        resolve_target("http://localhost:7474")


def test_neo4j_needs_its_password_from_the_environment(monkeypatch):
    monkeypatch.delenv("NEO4J_PASSWORD", raising=False)
    with pytest.raises(ConfigError, match="NEO4J_PASSWORD"):
        open_store("neo4j://localhost:7687")


def test_derived_facts_of_a_paper_are_its_own(tmp_path):
    """Removing one paper removes its DERIVED_FROM edges, not another paper's."""
    with open_store(str(tmp_path / "g.lbdb")) as s:
        s.apply_schema()
        s.load(FIXTURE)
        with_derivation = next(d.evidence.paper_id for d in FIXTURE.derivations)
        s.load(without_paper(FIXTURE, with_derivation), prune=True)
        left = s.query("MATCH ()-[d:DERIVED_FROM]->() RETURN d.paper_id AS p")
        assert with_derivation not in {r["p"] for r in left}
        assert len(left) == sum(1 for d in FIXTURE.derivations if d.evidence.paper_id != with_derivation)
        
