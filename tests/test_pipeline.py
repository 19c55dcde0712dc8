"""Pipelines: checked when wired, incremental, and the store CLI on top of them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.cli import main
from kg.errors import ConfigError
from kg.pipeline import _KEYS
import kg.pipeline
from kg.pipeline import every_core, load_pipeline_file, run_pipeline
from kg.store import canonical_dump, open_store

#: stages that need no trained model, so the tests run before the extraction model ships
STAGES = '["ingest", "resolve", "load", "analytics"]'

PAPERS = [
    {"id": "2301.00001", "title": "Graph Neural Networks for Molecules", "abstract": "We study GNNs.",
     "authors": ["Ada Park", "Ben Ortiz"], "date": "2023-01-05", "orgs": ["cmu"]},
    {"id": "2302.00002", "title": "Scaling Code Models", "abstract": "We scale code models.",
     "authors": ["Jade Copet", "Ben Ortiz"], "date": "2023-02", "orgs": ["meta-ai"]},
    {"id": "2303.00003", "title": "A Third Paper", "abstract": "",
     "authors": ["Dana Wu"], "date": "2023", "orgs": []},
]


def write_corpus(directory: Path, papers=PAPERS) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "papers.jsonl"
    path.write_text("".join(json.dumps(p) + "\n" for p in papers), encoding="utf-8")
    return path


def write_pipeline(tmp_path: Path, *, stages: str = STAGES, extra: str = "", inputs: str = '["corpus"]') -> Path:
    path = tmp_path / "pipe.toml"
    path.write_text(
        f'[pipeline]\nname = "t"\n[inputs]\npaths = {inputs}\n[stages]\nrun = {stages}\n'
        f'[store]\ntarget = "graph.lbdb"\n[cache]\ndir = "cache"\n{extra}',
        encoding="utf-8",
    )
    return path


@pytest.fixture
def pipe_file(tmp_path, monkeypatch):
    monkeypatch.delenv("KG_STORE", raising=False)
    write_corpus(tmp_path / "corpus")
    return write_pipeline(tmp_path)


# --------------------------------------------------------------------------- wiring


@pytest.mark.parametrize(
    "kwargs, key",
    [
        ({"stages": '["ingest", "transmogrify"]'}, "stages.run"),
        ({"stages": '["load"]'}, "stages.run"),
        ({"inputs": '["no/such/dir"]'}, "inputs.paths"),
        ({"extra": "colour = 3\n"}, "cache.colour"),
        ({"extra": "[extract]\nn_process = 0\n"}, "extract.n_process"),
        ({"extra": '[extract]\nn_process = "two"\n'}, "extract.n_process"),
        ({"extra": "[extract]\nn_process = true\n"}, "extract.n_process"),
        ({"extra": "[extract]\nn_process = 1.5\n"}, "extract.n_process"),
        # these four used to run: a traceback from islice (the first two), a build with batches of
        # nothing, a build of every file in the pipeline's own folder
        ({"extra": "[extract]\nbatch_size = -5\n"}, "extract.batch_size"),
        ({"extra": "[resolve]\nchunk_papers = 99999999999999999999\n"}, "resolve.chunk_papers"),
        ({"extra": "[extract]\nbatch_size = 0\n"}, "extract.batch_size"),
        ({"inputs": '["corpus", ""]'}, "inputs.paths"),
    ],
)
def test_a_bad_pipeline_is_refused_before_any_work(tmp_path, monkeypatch, kwargs, key):
    monkeypatch.delenv("KG_STORE", raising=False)
    write_corpus(tmp_path / "corpus")
    path = write_pipeline(tmp_path, **kwargs)
    with pytest.raises(ConfigError) as err:
        load_pipeline_file(path)
    assert str(path) in str(err.value) and key in str(err.value)
    assert not (tmp_path / "graph.lbdb").exists()


@pytest.mark.parametrize("text, line, where", [
    ('[pipeline]\nname = "x"\n\n[store]\ntarget = \n', 5, "line 5, column 10"),  # inside the file
    ('[pipeline]\nname = "x"\n[store]\ntarget = "a.lbdb', 4, "end of file, line 4"),  # an unterminated string
    ('[pipeline]\nname = "x"\n[inputs]\npaths = ["a",\n  "b",\n\n\n', 5, "end of file, line 5"),  # trailing blanks
])
def test_a_toml_error_names_file_and_line(tmp_path, text, line, where):
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_pipeline_file(path)
    assert str(err.value).startswith(f"{path}:{line}: not valid TOML: ") and where in str(err.value)


def test_an_empty_store_target_is_refused_not_the_default_store(tmp_path, monkeypatch):
    monkeypatch.delenv("KG_STORE", raising=False)
    write_corpus(tmp_path / "corpus")
    path = write_pipeline(tmp_path)
    path.write_text(path.read_text().replace('target = "graph.lbdb"', 'target = ""'))
    with pytest.raises(ConfigError, match=r"store.target: an empty target"):
        load_pipeline_file(path)


@pytest.mark.parametrize("data, expected", [
    (b'[pipeline]\nname = "x"\n# caf\xe9\n', ":3: not valid TOML: not UTF-8 (byte 0xe9 at byte offset 27)"),
    ('[pipeline]\nname = "x"\n'.encode("utf-16"), ":1: not valid TOML: not UTF-8 (byte 0xff at byte offset 0)"),
    (b"[inputs]\npaths = " + b"[" * 100_000 + b"]" * 100_000 + b"\n", ": not valid TOML: arrays or tables nested"),
], ids=["latin-1", "utf-16", "deep"])
def test_a_pipeline_file_in_another_encoding_or_nested_deeply_is_one_clear_error(tmp_path, data, expected):
    # these used to say "'utf-8' codec can't decode..." without a line, or end in a RecursionError traceback
    path = tmp_path / "bad.toml"
    path.write_bytes(data)
    with pytest.raises(ConfigError) as err:
        load_pipeline_file(path)
    assert str(err.value).startswith(f"{path}{expected}"), err.value


def test_a_pipeline_file_with_a_utf8_byte_order_mark_reads(pipe_file):
    plain = load_pipeline_file(pipe_file)
    pipe_file.write_bytes(b"\xef\xbb\xbf" + pipe_file.read_bytes())
    assert load_pipeline_file(pipe_file).inputs == plain.inputs


def test_a_bad_store_target_names_the_key(pipe_file):
    with pytest.raises(ConfigError, match=r"store.target.*unsupported store target"):
        load_pipeline_file(pipe_file, store="http://example.org")


@pytest.mark.parametrize("extra, expected", [
    ("", "every"), ('[extract]\nn_process = "auto"\n', "every"), ("[extract]\nn_process = 3\n", 3),
])
def test_extraction_runs_on_every_core_unless_told(tmp_path, monkeypatch, extra, expected):
    monkeypatch.delenv("KG_STORE", raising=False)
    write_corpus(tmp_path / "corpus")
    path = write_pipeline(tmp_path, extra=extra)
    assert load_pipeline_file(path).n_process == (every_core() if expected == "every" else expected)
    assert load_pipeline_file(path, n_process=2).n_process == 2  # kg run --n-process


def test_a_build_extracts_in_the_processes_it_is_given(tmp_path, monkeypatch):
    """The extract stage forks its workers when told to, and they give what one process gives."""
    monkeypatch.delenv("KG_STORE", raising=False)
    monkeypatch.setattr(kg.pipeline, "SMALL_EXTRACTION", 1)  # three papers are enough to fork for
    monkeypatch.setattr(kg.pipeline, "every_core", lambda: 2)  # two processes, whatever the machine
    write_corpus(tmp_path / "corpus")
    dumps = {}
    for n in (1, 2):
        root = tmp_path / f"run{n}"
        root.mkdir()
        pipe = load_pipeline_file(write_pipeline(root, stages='["ingest", "extract", "resolve", "load"]',
                                                 inputs=json.dumps([str(tmp_path / "corpus")]),
                                                 extra=f"[extract]\nn_process = {n}\n"))
        said = []
        run_pipeline(pipe, progress=said.append)
        assert any(m.startswith("extract: 3 to extract, 0 cached") for m in said), said
        assert any("in 2 processes" in m for m in said) == (n == 2), said
        with open_store(pipe.store, read_only=True) as s:
            dumps[n] = canonical_dump(s)
    assert dumps[1] == dumps[2] and "MENTIONS" in dumps[1]


def test_extraction_never_forks_more_processes_than_cores(monkeypatch):
    """A pipeline file asking for thousands of processes gets one per core (each would load a model)."""
    monkeypatch.setattr(kg.pipeline, "every_core", lambda: 4)
    assert kg.pipeline.extraction_processes(10**9, 5000) == 4
    assert kg.pipeline.extraction_processes(10**9, 3) == 3
    assert kg.pipeline.extraction_processes(500, 4) == 1  # under 200 papers a worker: one process


def test_kg_build_takes_its_processes_from_the_command_line(tmp_path):
    runner = CliRunner()
    assert "--n-process" in runner.invoke(main, ["build", "--help"]).output
    assert "--n-process" in runner.invoke(main, ["run", "--help"]).output
    bad = runner.invoke(main, ["build", str(tmp_path), "--n-process", "0", "--store", str(tmp_path / "g.lbdb")])
    assert bad.exit_code == 2 and "--n-process" in bad.output
    assert not (tmp_path / "g.lbdb").exists()


def test_the_sample_pipeline_is_wired(monkeypatch):
    monkeypatch.delenv("KG_STORE", raising=False)
    sample = Path(__file__).parents[1] / "pipelines" / "sample.toml"
    if not (Path(__file__).parents[2] / "shared" / "corpus").is_dir() and "KG_SHARED" not in __import__("os").environ:
        pytest.skip("../shared/corpus is absent")
    pipe = load_pipeline_file(sample)
    assert pipe.stages == ("ingest", "extract", "resolve", "load", "analytics")
    assert pipe.inputs[0].name == "corpus" and pipe.inputs[0].is_dir()
    assert pipe.store.endswith("sample.lbdb")


# --------------------------------------------------------------------------- running


def test_a_second_run_does_no_work_and_a_change_is_replaced(pipe_file, tmp_path):
    first = run_pipeline(load_pipeline_file(pipe_file))
    assert first.load.papers_new == 3 and first.analytics_ran
    with open_store(str(tmp_path / "graph.lbdb"), read_only=True) as s:  # reading (kg query, reports) changes nothing
        assert s.query("MATCH (p:Paper) RETURN count(p) AS n") == [{"n": 3}]
    second = run_pipeline(load_pipeline_file(pipe_file))
    # nothing changed: the fast path says so and does nothing
    assert second.up_to_date and second.papers == second.papers_unchanged == 3
    assert second.load is None and second.extracted == 0 and not second.analytics_ran
    assert [s.stage for s in second.stages] == []

    edited = [dict(PAPERS[0], authors=["Ada Park"]), *PAPERS[1:2]]  # Ben Ortiz leaves paper 1, paper 3 is gone
    write_corpus(tmp_path / "corpus", edited)
    third = run_pipeline(load_pipeline_file(pipe_file))
    assert third.load.papers_replaced == 1 and third.load.papers_removed == 1
    with open_store(str(tmp_path / "graph.lbdb"), read_only=True) as s:
        incremental = canonical_dump(s, exclude=("Community", "IN_COMMUNITY", "LINEAGE"))
        names = {r["n"] for r in s.query("MATCH (a:Author) RETURN a.name AS n")}
    assert names == {"Ada Park", "Ben Ortiz", "Jade Copet"}

    clean = str(tmp_path / "clean.lbdb")
    run_pipeline(load_pipeline_file(pipe_file, store=clean))
    with open_store(clean, read_only=True) as s:
        assert canonical_dump(s, exclude=("Community", "IN_COMMUNITY", "LINEAGE")) == incremental


def test_a_store_written_since_the_last_build_is_not_trusted_as_up_to_date(pipe_file, tmp_path):
    run_pipeline(load_pipeline_file(pipe_file))
    with open_store(str(tmp_path / "graph.lbdb")) as s:  # e.g. `kg query --write`
        s.execute("MATCH (p:Paper) SET p.upvotes = 99")
    again = run_pipeline(load_pipeline_file(pipe_file))
    assert not again.up_to_date and again.load is not None  # the full path ran
    assert run_pipeline(load_pipeline_file(pipe_file)).up_to_date


def test_a_changed_setting_is_not_up_to_date(pipe_file, tmp_path):
    run_pipeline(load_pipeline_file(pipe_file))
    pipe = load_pipeline_file(pipe_file)
    pipe.seed = 7  # analytics settings change the graph too
    again = run_pipeline(pipe)
    assert not again.up_to_date and again.analytics_ran


@pytest.mark.parametrize("rel, counts", [
    ("extract/concepts.py", True), ("extract/model/kg_tagger/model", True), ("resolve/graph.py", True),
    ("store/ladybug.py", True), ("pipeline.py", True),
    # re-measuring a benchmark or re-scoring the model must not turn the next build into a full one
    ("bench/results.json", False), ("bench/stages.py", False), ("extract/model/MODEL_CARD.md", False),
    ("extract/model/scores.json", False), ("report/html.py", False), ("cli/store.py", False),
    ("extract/__pycache__/concepts.cpython-311.pyc", False),
])
def test_the_build_fingerprint_covers_what_shapes_the_graph(rel, counts):
    from kg.pipeline import _shapes_the_graph

    assert _shapes_the_graph(Path(rel)) is counts


# --------------------------------------------------------------------------- CLI


def test_cli_run_stats_query(pipe_file, tmp_path):
    runner = CliRunner()
    store = str(tmp_path / "graph.lbdb")
    out = runner.invoke(main, ["run", str(pipe_file), "--store", store, "--json"])
    assert out.exit_code == 0, out.output
    stats = runner.invoke(main, ["stats", "--store", store, "--json"])
    assert stats.exit_code == 0
    assert json.loads(stats.stdout)["nodes"]["Paper"] == 3
    q = runner.invoke(main, ["query", "MATCH (p:Paper) WHERE p.year = $y RETURN count(p) AS n",
                             "--param", "y=2023", "--store", store, "--json"])
    assert q.exit_code == 0, q.output
    assert json.loads(q.stdout) == [{"n": 3}]
    # a string that does not parse as JSON stays a string, and never becomes Cypher
    hostile = runner.invoke(main, ["query", "MATCH (p:Paper {title: $t}) RETURN p.id AS id",
                                   "--param", "t=x'}) DETACH DELETE p //", "--store", store, "--json"])
    assert hostile.exit_code == 0 and json.loads(hostile.stdout) == []


def test_cli_query_is_read_only_without_write(pipe_file, tmp_path):
    runner = CliRunner()
    store = str(tmp_path / "graph.lbdb")
    assert runner.invoke(main, ["run", str(pipe_file), "--store", store]).exit_code == 0
    refused = runner.invoke(main, ["query", "MATCH (p:Paper) DETACH DELETE p", "--store", store])
    assert refused.exit_code == 3
    assert "Traceback" not in refused.output and len(refused.stderr.strip().splitlines()) == 1
    ok = runner.invoke(main, ["query", "MATCH (p:Paper {title: $t}) SET p.upvotes = 5 RETURN p.upvotes AS u",
                              "--param", "t=Scaling Code Models", "--write", "--store", store, "--json"])
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.stdout) == [{"u": 5}]


@pytest.mark.parametrize(
    "args",
    [
        ["query", "MATCH (p:Paper RETURN p"],
        ["query", "--saved", "no_such_query"],
        ["query"],
        ["stats"],
    ],
)
def test_cli_errors_are_one_line(tmp_path, args):
    store = str(tmp_path / "missing.lbdb")
    if args[0] == "query" and len(args) > 1 and not args[1].startswith("--"):
        with open_store(str(tmp_path / "g.lbdb")) as s:
            s.apply_schema()
        store = str(tmp_path / "g.lbdb")
    elif args[:2] == ["query", "--saved"]:
        with open_store(str(tmp_path / "g.lbdb")) as s:
            s.apply_schema()
        store = str(tmp_path / "g.lbdb")
    out = CliRunner().invoke(main, [*args, "--store", store])
    assert out.exit_code != 0
    assert "Traceback" not in out.output
    assert out.stderr.strip().startswith("Error:") and len(out.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("command", ["run", "build", "stats", "query"])
def test_every_store_command_has_help_with_an_example(command):
    out = CliRunner().invoke(main, [command, "--help"])
    assert out.exit_code == 0 and "Example:" in out.output and "--store" in out.output


def test_kg_build_says_up_to_date_instead_of_counting_zeros(tmp_path, monkeypatch):
    """An unchanged rebuild printed \"255 read, ..., 0 extracted, 0 from the cache\": it read nothing."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KG_STORE", raising=False)
    monkeypatch.setenv("KG_CACHE", str(tmp_path / "cache"))
    write_corpus(tmp_path / "corpus")
    args = ["build", "corpus", "--store", "g.lbdb"]
    first = CliRunner().invoke(main, args)
    assert first.exit_code == 0 and "papers: 3 read" in first.stdout, first.output
    assert "build: full (the store does not exist yet)" in first.stderr  # not "decisions are not reusable"
    # each stage's count says what it counts: it printed "load 0.48s 3792" and "analytics 0.23s 1"
    stages = {line.split()[0]: " ".join(line.split()[2:]) for line in first.stdout.splitlines() if line.startswith("  ")}
    assert stages["ingest"] == stages["extract"] == stages["resolve"] == "3 papers", stages
    assert stages["load"].endswith(" rows written") and "analytics" in stages and stages["analytics"] == "", stages
    again = CliRunner().invoke(main, args)
    assert again.exit_code == 0, again.output
    assert "up to date: 3 papers, nothing to do" in again.stdout
    assert "extracted" not in again.stdout


def test_a_saved_query_changes_no_build_but_a_load_statement_does(tmp_path, monkeypatch):
    """The settings fingerprint covered every cypher/ file, so a user's own saved query made the next build a full
    one; and it read the repository's cypher/ even when KG_CYPHER_DIR gave the statements the build ran."""
    import shutil

    from kg.store.cypher import cypher_dir

    cypher = tmp_path / "cypher"
    shutil.copytree(cypher_dir(), cypher)
    monkeypatch.setenv("KG_CYPHER_DIR", str(cypher))
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KG_STORE", raising=False)
    monkeypatch.setenv("KG_CACHE", str(tmp_path / "cache"))
    write_corpus(tmp_path / "corpus")
    args = ["build", "corpus", "--store", "g.lbdb"]
    assert CliRunner().invoke(main, args).exit_code == 0
    (cypher / "queries" / "my_question.cypher").write_text(
        "// Question: How many papers?\n// Parameters: none\n// Returns: n\nMATCH (p:Paper) RETURN count(p) AS n\n")
    again = CliRunner().invoke(main, args)
    assert again.exit_code == 0 and "up to date" in again.stdout, again.output
    with (cypher / "load" / "paper_hashes.cypher").open("a") as f:
        f.write("\n// edited\n")
    edited = CliRunner().invoke(main, args)
    assert edited.exit_code == 0 and "up to date" not in edited.stdout, edited.output


#: TOML values of every kind a pipeline key might be given, the odd ones included
TOML_VALUES = ['""', '" "', '"corpus"', '"${NEO4J_PASSWORD}"', '"${NO_SUCH_VAR}"', '"neo4j://u:p@h:1"', '"http://x"',
               "0", "-1", "1", "99999999999999999999", "1.5", "nan", "inf", "true", "[]", '["corpus"]', '[""]', "[1]",
               '["ingest", "load"]', "{}", '{a = 1}', '"auto"', "1979-05-27", '"\\u0000"', '"x" # c',
               "[" * 3000 + "]" * 3000, '"x${NEO4J_PASSWORD}.lbdb"']


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(entries=st.lists(st.tuples(st.sampled_from(sorted((s, k) for s, ks in _KEYS.items() for k in ks)),
                                  st.sampled_from(TOML_VALUES)), max_size=8),
       garbage=st.just(b"") | st.binary(max_size=40), cut=st.none() | st.integers(0, 400))
def test_any_pipeline_file_loads_or_is_one_config_error(tmp_path, monkeypatch, entries, garbage, cut):
    # every key given any kind of value, then maybe bytes appended or the file cut short: a Pipeline or a
    # ConfigError naming the file, never another exception, and never the password in either
    monkeypatch.delenv("KG_STORE", raising=False)
    monkeypatch.setenv("NEO4J_PASSWORD", "S3CRET-pw")
    (tmp_path / "corpus").mkdir(exist_ok=True)
    sections: dict[str, list[str]] = {}
    for (section, key), value in dict(entries).items():
        sections.setdefault(section, []).append(f"{key} = {value}")
    text = "".join(f"[{name}]\n" + "".join(f"{line}\n" for line in body) for name, body in sections.items())
    data = text.encode() + garbage
    path = tmp_path / "fuzz.toml"
    path.write_bytes(data if cut is None else data[:cut])
    try:
        pipe = load_pipeline_file(path)
    except ConfigError as exc:
        assert str(exc).startswith(str(path)) and "S3CRET" not in str(exc), exc
    else:
        assert "S3CRET" not in repr(pipe)
