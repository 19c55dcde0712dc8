"""The `kg` command line: a thin click layer over the library (parse, call, render).

Each command group lives in its own module below and registers itself on ``main``.
Library errors (KGError) become one clean line on stderr and the error's exit code.
"""

from __future__ import annotations

import errno
import importlib

import click

from kg import __version__
from kg.errors import KGError

#: exit codes, documented in `kg --help` and the README
EXIT_CODES = {
    0: "success",
    1: "error inside kg",
    2: "bad input or usage (file and line are named)",
    3: "the graph store failed",
    4: "the extraction pipeline could not be loaded",
}


class KGGroup(click.Group):
    """Turns KGError into one line and its exit code, and an OSError naming a path into one line
    and exit 2, never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KGError as exc:
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except OSError as exc:
            if exc.filename is None:  # not about a path the user can act on: a bug, with its traceback
                raise
            # the file system refused a path (permission, a file where a directory goes, a full
            # disk): the path and the reason, as for bad input
            paths = exc.filename if exc.filename2 is None else f"{exc.filename} -> {exc.filename2}"
            hint = " (a file where a directory is needed)" if exc.errno in (errno.EEXIST, errno.ENOTDIR) else ""
            click.echo(f"Error: {paths}: {exc.strerror or exc}{hint}", err=True)
            ctx.exit(2)


@click.group(
    cls=KGGroup,
    epilog="Exit codes: " + "; ".join(f"{k} {v}" for k, v in EXIT_CODES.items()),
)
@click.version_option(__version__, prog_name="kg")
def main() -> None:
    """Turn paper listings into a knowledge graph of papers, authors and concepts.

    Example: kg run pipelines/sample.toml && kg stats --store .kg/sample.lbdb
    """


def store_option(default: str = ".kg/graph.lbdb"):
    """--store, shared by every command that opens the graph; ``default`` says what is used without it
    or KG_STORE (`kg run`: its pipeline file's target)."""
    return click.option(
        "--store", "store", envvar="KG_STORE", default=None,
        help="Store: a LadybugDB directory or a neo4j:// / bolt:// URI (credentials: NEO4J_USER / NEO4J_PASSWORD)."
             f" [env: KG_STORE; default: {default}]")


#: `kg build`, `kg run` and `kg extract` take their extraction processes the same way
n_process_option = click.option(
    "--n-process", "n_process", type=click.IntRange(min=1), default=None,
    help="Extraction processes (default: every core; a few hundred papers or fewer extract in one).")

#: command modules, each registering its commands on `main` when imported
COMMAND_MODULES = ("ingest", "extract", "store", "report", "synth")

for _name in COMMAND_MODULES:
    importlib.import_module(f"kg.cli.{_name}")
