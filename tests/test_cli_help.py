"""Every registered `kg` command (all modules) has help text with an `Example:` line, and
commands that print data offer --json (or --format json)."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from kg.cli import EXIT_CODES, main


def walk(group: click.Group, prefix: tuple[str, ...] = ()):
    ctx = click.Context(group)
    for name in sorted(group.list_commands(ctx)):
        cmd = group.get_command(ctx, name)
        path = (*prefix, name)
        yield path, cmd
        if isinstance(cmd, click.Group):
            yield from walk(cmd, path)


COMMANDS = list(walk(main))

#: commands that write a file, data in a format of their own, or serve files, rather than printing rows
NO_JSON = {("viz",), ("export",), ("guide",)}


def test_commands_are_registered():
    names = {" ".join(p) for p, _ in COMMANDS}
    assert {"report overview", "report author", "report concept", "report communities", "report lineage",
            "report trends", "viz", "export", "queries"} <= names


@pytest.mark.parametrize("path,cmd", COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_command_has_help_with_example(path, cmd):
    assert cmd.help and cmd.help.strip(), f"`kg {' '.join(path)}` has no help"
    assert "Example:" in cmd.help, f"`kg {' '.join(path)}` help has no `Example:` line"
    example = next(line for line in cmd.help.splitlines() if "Example:" in line)
    assert example.split("Example:", 1)[1].strip().startswith("kg "), example
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example:" in result.output
    for param in cmd.params:
        if isinstance(param, click.Option) and not param.hidden:
            assert param.help, f"`kg {' '.join(path)}` option {param.opts} has no help"


#: options with no default to state: an alternative to an argument, repeatable values, or "instead of standard output"
NO_DEFAULT = {"--saved", "--param", "--output"}


@pytest.mark.parametrize("path,cmd", COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_every_option_says_its_default(path, cmd):
    """An option a user may leave out says what is used then (`--store` said only [env: KG_STORE], not that
    .kg/graph.lbdb is read without it, nor that `kg run` takes its pipeline file's target)."""
    for param in cmd.params:
        if not isinstance(param, click.Option) or param.is_flag or param.required or NO_DEFAULT & set(param.opts):
            continue
        shown = param.show_default and param.default is not None
        assert shown or "default:" in (param.help or ""), f"`kg {' '.join(path)}` option {param.opts} hides its default"
    store = next((p for p in cmd.params if "--store" in getattr(p, "opts", ())), None)
    if store is not None:
        said = "the pipeline file's [store] target" if path == ("run",) else ".kg/graph.lbdb"
        assert f"default: {said}" in store.help, store.help


@pytest.mark.parametrize(
    "path,cmd",
    [(p, c) for p, c in COMMANDS if not isinstance(c, click.Group)],
    ids=[" ".join(p) for p, c in COMMANDS if not isinstance(c, click.Group)],
)
def test_data_commands_offer_json(path, cmd):
    if path in NO_JSON:
        pytest.skip("writes a file in its own format or serves files")
    opts = {o for p in cmd.params if isinstance(p, click.Option) for o in p.opts}
    fmt = next((p for p in cmd.params if isinstance(p, click.Option) and "--format" in p.opts), None)
    has_json_format = fmt is not None and isinstance(fmt.type, click.Choice) and "json" in fmt.type.choices
    has_jsonl_format = fmt is not None and isinstance(fmt.type, click.Choice) and "jsonl" in fmt.type.choices
    assert "--json" in opts or has_json_format or has_jsonl_format, f"`kg {' '.join(path)}` has no JSON output"


def test_exit_codes_are_documented():
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for code, meaning in EXIT_CODES.items():
        assert f"{code} {meaning}" in " ".join(result.output.split())


def test_the_main_example_reads_the_store_it_builds(monkeypatch):
    """`kg --help`'s example, run from the repository root, must query the store its `kg run` writes
    (it ran `kg stats` on the default .kg/graph.lbdb, which the sample pipeline never writes: exit 2)."""
    import shlex
    from pathlib import Path

    from kg.extract.datasets import shared_dir
    from kg.pipeline import load_pipeline_file, repo_root
    from kg.store import resolve_target

    if not (shared_dir() / "corpus").exists():
        pytest.skip("../shared/corpus absent: the sample pipeline's inputs")

    monkeypatch.delenv("KG_STORE", raising=False)
    (example,) = [line.split("Example:", 1)[1] for line in main.help.splitlines() if "Example:" in line]
    run, stats = (shlex.split(part) for part in example.split("&&"))
    assert run[:2] == ["kg", "run"] and stats[:2] == ["kg", "stats"]
    built = load_pipeline_file(repo_root() / run[2]).store
    read = resolve_target(stats[stats.index("--store") + 1] if "--store" in stats else None)
    assert Path(built) == repo_root() / read


#: the commands whose help example reads the graph: the README promises their examples answer on the sample corpus
READERS = ("report", "viz", "export", "query", "stats")


def test_every_help_example_that_reads_the_graph_answers_on_the_sample_corpus(tmp_path, monkeypatch):
    import shlex

    from kg.extract.datasets import shared_dir
    from kg.pipeline import load_pipeline_file, repo_root, run_pipeline

    if not (shared_dir() / "corpus").exists():
        pytest.skip("../shared/corpus absent: the sample pipeline's inputs")
    monkeypatch.chdir(tmp_path)  # the examples' -o files land here
    monkeypatch.setenv("KG_CACHE", str(tmp_path / "cache"))
    pipe = load_pipeline_file(repo_root() / "pipelines" / "sample.toml", store=str(tmp_path / "sample.lbdb"))
    run_pipeline(pipe)
    examples = [(path, next(line for line in cmd.help.splitlines() if "Example:" in line).split("Example:", 1)[1])
                for path, cmd in COMMANDS if path[0] in READERS and not isinstance(cmd, click.Group)]
    assert len(examples) >= 10
    for path, example in examples:
        args = shlex.split(example)[1:] + ["--store", pipe.store]  # the last --store wins
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0 and "(no rows)" not in result.output, (example, result.output)
