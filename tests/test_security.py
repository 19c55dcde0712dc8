"""Security: read-only queries unless --write, user values only as parameters, credentials only
from the environment and never printed, no password committed.

Every check runs the real CLI on a real embedded store and compares canonical dumps before and
after, so "changed nothing" is checked on the graph itself.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import ladybug
import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.resolve.graph import assemble_graph
from kg.store import canonical_dump, open_store
from kg.synth import SynthConfig, make_paper

ROOT = Path(__file__).resolve().parents[1]
MARK = "kgINJ"
#: each carries MARK, so we can tell whether a user value ever reached the text of a statement
INJECTIONS = [
    f"{MARK}'",
    f'{MARK}"',
    f"{MARK}') DETACH DELETE n //",
    f"{MARK}}}) DETACH DELETE n //",
    f"{MARK}` DETACH DELETE n //",
    f"{MARK}$x",
    f"{MARK}'; MATCH (n) DETACH DELETE n; //",
    f"{MARK}\" OR 1=1 //",
    f"{MARK}\\' }}]) CALL db.clearQueryCaches() //",
    f"{MARK}${{NEO4J_PASSWORD}}",
]
WRITES = [
    "CREATE (p:Paper {id: 'intruder', title: 'x'})",
    "MATCH (n) DETACH DELETE n",
    "MATCH (p:Paper) SET p.title = 'owned'",
    "MERGE (a:Author {id: 'intruder', name: 'x'})",
    "MATCH (p:Paper) WITH p LIMIT 1 DETACH DELETE p",
]
SECRET = "S3NT1NEL-not-a-real-password"


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> str:
    path = str(tmp_path_factory.mktemp("sec") / "graph.lbdb")
    config = SynthConfig(n=40, seed=3)
    papers = [make_paper(config, i).paper for i in range(40)]
    with open_store(path) as s:
        s.apply_schema()
        s.load(assemble_graph(papers, []))
    return path


def _dump(path: str) -> str:
    with open_store(path, read_only=True) as s:
        return canonical_dump(s)


@pytest.fixture()
def cypher_log(monkeypatch) -> list[str]:
    """Every statement text the embedded engine receives during the test."""
    seen: list[str] = []
    original = ladybug.Connection.execute

    def recording(self, query, *args, **kwargs):
        seen.append(query if isinstance(query, str) else repr(query))
        return original(self, query, *args, **kwargs)

    monkeypatch.setattr(ladybug.Connection, "execute", recording)
    return seen


def _invoke(args: list[str], env: dict | None = None):
    return CliRunner().invoke(main, args, env=env, catch_exceptions=True)


@pytest.mark.parametrize("cypher", WRITES)
def test_query_without_write_refuses_and_changes_nothing(store, cypher):
    before = _dump(store)
    result = _invoke(["query", cypher, "--store", store])
    assert result.exit_code != 0, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    assert _dump(store) == before


SIDE_EFFECTS = [
    "COPY (MATCH (p:Paper) RETURN p.id) TO 'OUT/leak.csv'",
    "EXPORT DATABASE 'OUT/export'",
    "MATCH (p:Paper) RETURN count(p) AS n; COPY (MATCH (p:Paper) RETURN p.title) TO 'OUT/second.csv'",
    "// a comment\n  copy (MATCH (p:Paper) RETURN p.id) TO 'OUT/lower.csv'",
    "INSTALL httpfs",
    "LOAD EXTENSION 'OUT/ext.so'",
    "ATTACH 'OUT/other.lbdb' AS o (dbtype lbug)",
]


@pytest.mark.parametrize("cypher", SIDE_EFFECTS)
def test_a_read_only_query_runs_nothing_that_acts_outside_the_graph(store, tmp_path, cypher):
    # LadybugDB's read-only mode refuses writes to the graph only: COPY ... TO and EXPORT DATABASE
    # wrote files, INSTALL tried to download an extension, all through a "read-only" kg query
    before = _dump(store)
    result = _invoke(["query", cypher.replace("OUT", str(tmp_path)), "--store", store])
    assert result.exit_code == 3, result.output
    assert "kg query is read-only: " in result.stderr and "give --write to allow it" in result.stderr
    assert list(tmp_path.iterdir()) == [] and _dump(store) == before


@pytest.mark.parametrize("cypher", [
    "MATCH (p:Paper) WHERE p.title <> 'COPY; EXPORT DATABASE x' RETURN count(p) AS n",
    "// INSTALL httpfs; COPY\nMATCH (p:Paper) RETURN count(p) AS n",
    "/* ATTACH */ MATCH (`copy`:Paper) RETURN count(`copy`) AS n",
])
def test_those_words_in_strings_comments_and_names_are_just_text(store, cypher):
    result = _invoke(["query", cypher, "--store", store, "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [{"n": 40}]


def test_query_with_write_is_the_only_way_to_write(tmp_path, store):
    copy = str(tmp_path / "copy.lbdb")
    with open_store(copy) as s:
        s.apply_schema()
    result = _invoke(["query", "CREATE (p:Paper {id: $id, title: $t})", "-p", "id=p1", "-p", "t=T", "--store", copy, "--write"])
    assert result.exit_code == 0, result.output
    with open_store(copy, read_only=True) as s:
        assert s.query("MATCH (p:Paper) RETURN count(p) AS n")[0]["n"] == 1


def test_read_only_store_refuses_execute(store):
    from kg.errors import KGError

    before = _dump(store)
    with open_store(store, read_only=True) as s, pytest.raises(KGError):
        s.execute("CREATE (p:Paper {id: 'intruder'})")
    assert _dump(store) == before


def _saved_query_params() -> list[tuple[str, str]]:
    """(saved query name, parameter) for every parameter of every saved query."""
    pairs = []
    for path in sorted((ROOT / "cypher" / "queries").glob("*.cypher")):
        name = path.name.split(".")[0]
        text = "\n".join(li for li in path.read_text().splitlines() if not li.lstrip().startswith("//"))
        for param in sorted(set(re.findall(r"\$([A-Za-z_]\w*)", text))):
            pairs.append((name, param))
    return sorted(set(pairs))


def _invocations(store: str, value: str) -> list[list[str]]:
    """``value`` as every user argument of every command that reads or writes the graph."""
    calls = [
        ["query", "MATCH (p:Paper) WHERE p.title = $t RETURN p.id AS id", "-p", f"t={value}", "--store", store],
        ["query", "MATCH (p:Paper) RETURN count(p) AS n", "-p", f"{value}=1", "--store", store],
        ["query", "--saved", value, "--store", store],
        ["report", "author", value, "--store", store, "--json"],
        ["report", "concept", value, "--store", store, "--json"],
        ["report", "lineage", value, "--store", store, "--json"],
        ["report", "author", value, "--store", store],
        ["export", "--subgraph", f"author:{value}", "--store", store, "--format", "json"],
        ["export", "--subgraph", f"lineage:{value}", "--store", store, "--format", "json"],
        ["export", "--subgraph", f"community:{value}", "--store", store, "--format", "json"],
        ["export", "--subgraph", value, "--store", store],
        ["viz", "author", value, "--store", store, "-o", "viz.html"],
        ["viz", "community", value, "--store", store, "-o", "viz.html"],
        ["viz", "lineage", value, "--store", store, "-o", "viz.html"],
        ["report", "concept", value, "--store", store, "--format", "html", "-o", "report.html"],
        ["ingest", value],
        ["extract", value],
        ["build", value, "--store", store],
        ["run", value, "--store", store],
        # output paths, last: `kg build VALUE` would load the file they write
        ["report", "overview", "--store", store, "-o", value],
        ["export", "--store", store, "--format", "json", "-o", value],
    ]
    if value in INJECTIONS[2:5]:  # every saved query's every parameter, with the three sharpest strings
        from kg.report.library import get_query

        # the query's other parameters take their examples: a saved query refuses to run with one missing
        calls += [
            ["query", "--saved", name, "-p", f"{param}={value}", "--store", store, "--json",
             *(arg for other, example in get_query(name).example_params.items() if other != param
               for arg in ("-p", f"{other}={json.dumps(example)}"))]
            for name, param in _saved_query_params()
        ]
    return calls


@pytest.mark.parametrize("value", INJECTIONS)
def test_injection_strings_change_nothing_and_never_reach_cypher_text(store, value, cypher_log, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # relative paths an injection might create land here
    before = _dump(store)
    for args in _invocations(store, value):
        cypher_log.clear()
        result = _invoke(args)
        assert "Traceback" not in result.output, (args, result.output)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise AssertionError(f"kg {' '.join(args)} raised {result.exception!r}")
        leaked = [c for c in cypher_log if MARK in c]
        assert not leaked, f"kg {' '.join(args)} put a user value into Cypher text: {leaked[0][:200]}"
    assert _dump(store) == before


def _outside_copy_paths(statement: str) -> str:
    """Empty for a ``COPY `Table` FROM 'path'`` (or a list of paths) and nothing more: the one place
    LadybugDB takes no parameter, the staged files' paths, escaped (kg.store.statements.literal);
    any other statement, or a path that broke out of its literal, as it is."""
    literal = r"'(?:[^'\\]|\\.)*'"
    if re.fullmatch(rf"COPY `\w+` FROM (?:{literal}|\[{literal}(?:, {literal})*\])", statement):
        return ""
    return statement


@pytest.mark.parametrize("name", ["it's.lbdb", "a\\' DETACH DELETE n; //.lbdb", "back\\slash.lbdb"])
def test_a_store_path_with_quotes_builds_as_any_other(tmp_path, monkeypatch, name):
    # the staged files' paths are named after the store: a quote used to end the COPY's literal
    # (a parser error, exit 3) and what followed it was read as Cypher
    monkeypatch.chdir(tmp_path)
    (tmp_path / "in.jsonl").write_text(
        "".join(json.dumps({"id": f"p{i}", "title": f"Paper {i}", "abstract": "We use BERT on SQuAD.",
                            "authors": ["Ann Lee", f"Bo Kim{i}"]}) + "\n" for i in range(12)))
    dumps = []
    for store in (name, "plain.lbdb"):
        result = _invoke(["build", "in.jsonl", "--store", store, "--n-process", "1"])
        assert result.exit_code == 0, result.output
        dumps.append(_dump(store))
    assert dumps[0] == dumps[1] and "Paper 11" in dumps[0]


@pytest.mark.parametrize("value", [INJECTIONS[2], INJECTIONS[5], INJECTIONS[9]])
def test_a_named_store_path_with_injection_is_just_a_path(tmp_path, monkeypatch, cypher_log, value):
    # every command that takes --store, on a path that does not exist and then on one a build made
    monkeypatch.chdir(tmp_path)
    (tmp_path / "in.jsonl").write_text('{"id": "p1", "title": "A paper", "abstract": "We use BERT."}\n')
    reads = [["stats", "--json"], ["query", "MATCH (p:Paper) RETURN p.id AS id"], ["report", "overview"],
             ["export", "--format", "json"], ["viz", "author", "Ann Lee", "-o", "v.html"]]
    writes = [["query", "MATCH (p:Paper) SET p.upvotes = 1", "--write"], ["build", "in.jsonl", "--n-process", "1"]]
    for args in [*reads, *writes, *reads]:
        result = _invoke([*args, "--store", value])
        assert "Traceback" not in result.output, (args, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), (args, result.exception)
        assert not [c for c in cypher_log if MARK in _outside_copy_paths(c)], args
    assert _invoke(["stats", "--store", value, "--json"]).exit_code == 0  # the build made a store at that path


@pytest.mark.parametrize(
    "args",
    [
        ["stats", "--store", "neo4j://127.0.0.1:1"],
        ["query", "MATCH (n) RETURN count(n)", "--store", "bolt://127.0.0.1:1"],
        ["report", "overview", "--store", "neo4j://127.0.0.1:1"],
    ],
)
def test_credentials_come_from_the_environment_and_are_never_printed(args):
    env = {"NEO4J_USER": "neo4j", "NEO4J_PASSWORD": SECRET}
    proc = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "kg"), *args] if (ROOT / ".venv" / "bin" / "kg").exists() else ["kg", *args],
        capture_output=True, text=True, timeout=60, env={**_base_env(), **env},
    )
    assert proc.returncode != 0  # nothing listens on port 1
    assert SECRET not in proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    # without the variable: a clear error naming it, never a prompt or a default password
    proc = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "kg"), *args] if (ROOT / ".venv" / "bin" / "kg").exists() else ["kg", *args],
        capture_output=True, text=True, timeout=60, env=_base_env(), stdin=subprocess.DEVNULL,
    )
    assert proc.returncode != 0 and "NEO4J_PASSWORD" in proc.stderr


@pytest.mark.parametrize("where", ["--store", "KG_STORE", "store.target"])
def test_a_store_uri_with_a_password_in_it_is_refused_without_echoing_it(tmp_path, where):
    # the password used to come back in "cannot reach Neo4j at neo4j://neo4j:PASSWORD@..."
    uri = f"neo4j://neo4j:{SECRET}@127.0.0.1:1"
    toml = tmp_path / "p.toml"
    (tmp_path / "in.jsonl").write_text('{"id": "p1", "title": "A paper", "abstract": "x"}\n')
    target = uri if where == "store.target" else "g.lbdb"
    toml.write_text(f'[inputs]\npaths = ["in.jsonl"]\n[store]\ntarget = "{target}"\n')
    env = {"NEO4J_PASSWORD": "x", **({"KG_STORE": uri} if where == "KG_STORE" else {})}
    for args in (["stats"], ["query", "RETURN 1"], ["run", str(toml)]):
        if where == "--store":
            args = [*args, "--store", uri]
        elif where == "store.target" and args[0] != "run":
            continue
        result = CliRunner().invoke(main, args, env=env)
        assert result.exit_code == 2, (args, result.output)
        assert SECRET not in result.output and "takes no credentials" in result.stderr, (args, result.output)


@pytest.mark.parametrize("key, value", [("paths", '["${NEO4J_PASSWORD}"]'), ("target", '"g-${NEO4J_PASSWORD}.lbdb"')])
def test_a_pipeline_file_cannot_put_a_credential_in_a_path(tmp_path, monkeypatch, key, value):
    # a path holding it was printed in errors and summaries, and named files on disk
    monkeypatch.chdir(tmp_path)
    (tmp_path / "in.jsonl").write_text('{"id": "p1", "title": "A paper", "abstract": "x"}\n')
    paths = value if key == "paths" else '["in.jsonl"]'
    target = value if key == "target" else '"g.lbdb"'
    (tmp_path / "p.toml").write_text(f"[inputs]\npaths = {paths}\n[stages]\nrun = [\"ingest\", \"resolve\", \"load\"]\n"
                                     f"[store]\ntarget = {target}\n")
    result = CliRunner().invoke(main, ["run", "p.toml"], env={"NEO4J_PASSWORD": SECRET})
    assert result.exit_code == 2, result.output
    assert SECRET not in result.output and f"{key}: ${{NEO4J_PASSWORD}} is a credential" in result.stderr
    assert not [p for p in tmp_path.rglob("*") if SECRET in p.name]


MARKUP = "Closing [/] tag, [bold red]loud[/bold red] and [link=file:///etc/passwd]a link[/link]"


def test_rich_markup_and_escape_codes_in_the_data_print_as_text(tmp_path, monkeypatch):
    # a title or name holding "[/]" ended kg ingest, kg query and kg report's tables in a MarkupError
    # traceback; other markup was applied (styles, terminal hyperlinks), and an ESC sequence in a
    # stored value reached the terminal
    monkeypatch.chdir(tmp_path)
    (tmp_path / "in.jsonl").write_text(json.dumps(
        {"id": "m1", "title": MARKUP, "abstract": "We propose RichNet.", "authors": ["Ann [/b] Lee"]}) + "\n")
    runs = [["ingest", "in.jsonl"], ["build", "in.jsonl", "--store", "g.lbdb", "--n-process", "1"],
            ["query", "MATCH (p:Paper) RETURN p.title AS `[/]`, $esc AS x", "-p", "esc=a\u001b]0;owned\u0007b",
             "--store", "g.lbdb"],
            ["report", "author", "Ann [/b] Lee", "--store", "g.lbdb"], ["report", "overview", "--store", "g.lbdb"]]
    for args in runs:
        result = CliRunner().invoke(main, args, env={"COLUMNS": "400"}, color=True)
        assert result.exit_code == 0, (args, result.output)
        assert "\x1b]0;" not in result.output and "owned\x07" not in result.output, args
        expected = {"ingest": MARKUP, "query": "a\ufffd]0;owned\ufffdb", "report": "Author: Ann [/b] Lee"}
        if args[0] in expected and args[1] != "overview":
            assert expected[args[0]] in result.stdout, (args, result.stdout)


def _base_env() -> dict:
    import os

    return {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_") and k != "KG_STORE"}


def test_no_command_takes_a_password_option():
    def walk(cmd, path=()):
        yield path, cmd
        for name, sub in getattr(cmd, "commands", {}).items():
            yield from walk(sub, (*path, name))

    for path, cmd in walk(main):
        for param in cmd.params:
            names = " ".join(getattr(param, "opts", []) + [param.name or ""]).lower()
            assert "password" not in names and "secret" not in names, f"kg {' '.join(path)} takes {names}"


def test_compose_commits_no_password():
    compose = (ROOT / "compose.yaml").read_text()
    auth = [li for li in compose.splitlines() if "NEO4J_AUTH" in li]
    assert auth, "compose.yaml sets NEO4J_AUTH"
    for line in auth:
        value = line.split(":", 1)[1]
        # the password part is a required variable, not a literal
        assert re.search(r"\$\{NEO4J_PASSWORD(:\?[^}]*)?\}", value), line
        assert "NEO4J_PASSWORD:-" not in value, "no default password"
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    if tracked:
        assert ".env" not in tracked, ".env (real credentials) must not be committed"
        for name in tracked:
            if name.endswith((".py", ".toml", ".yaml", ".yml", ".cypher")) and (ROOT / name).is_file():
                text = (ROOT / name).read_text(errors="replace")
                assert not re.search(r"NEO4J_PASSWORD\s*=\s*['\"]?\w{6,}", text), f"{name} sets a password"
