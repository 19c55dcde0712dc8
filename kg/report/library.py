"""The saved query library (cypher/queries/*.cypher): what each query asks, and running it.

Every file starts with a comment block that this module reads::

    // Question: Who works on a concept?
    // Parameters:
    //   $name  a concept's name, acronym or alias, in any case (example: "GNNs")
    // Returns: author, papers, titles; most papers first.

Example values are JSON, so they double as test inputs and as the guide's first queries.
A query whose Cypher differs between the stores has one file per dialect,
``NAME.ladybug.cypher`` and ``NAME.neo4j.cypher``, with the same header.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import InputError

#: the library lives in the repository's cypher/ directory, next to the package
QUERY_DIR = Path(__file__).resolve().parents[2] / "cypher" / "queries"
DIALECTS = ("ladybug", "neo4j")

_PARAM_RE = re.compile(r"^\$(?P<name>\w+)\s+(?P<text>.*?)\s*\(example:\s*(?P<example>.+)\)\s*$")


@dataclass(frozen=True)
class Parameter:
    name: str
    description: str
    example: Any


@dataclass(frozen=True)
class SavedQuery:
    """One saved query: its name, the question it answers, its parameters and its result columns."""

    name: str
    question: str
    returns: str
    parameters: tuple[Parameter, ...] = ()
    #: dialect -> file; "" is the file shared by both dialects
    files: dict[str, Path] = field(default_factory=dict)

    @property
    def example_params(self) -> dict[str, Any]:
        return {p.name: p.example for p in self.parameters}

    def text(self, dialect: str) -> str:
        """The Cypher to send to a store of this dialect."""
        path = self.files.get(dialect) or self.files.get("")
        if path is None:
            raise InputError(f"saved query {self.name!r} has no variant for {dialect}", source=str(QUERY_DIR))
        return path.read_text(encoding="utf-8")


def parse_header(text: str, source: str = "<query>") -> tuple[str, str, tuple[Parameter, ...]]:
    """Question, returns and parameters from a query file's leading comment block."""
    lines = []
    for line in text.splitlines():
        # the header ends at the first non-comment line or an empty comment line
        if not line.startswith("//") or not line[2:].strip():
            break
        lines.append(line[2:].strip())
    question, returns, params, section = "", [], [], None
    for number, line in enumerate(lines, start=1):
        if line.startswith("Question:"):
            question, section = line.removeprefix("Question:").strip(), None
        elif line.startswith("Parameters:"):
            section = "params"
        elif line.startswith("Returns:"):
            returns, section = [line.removeprefix("Returns:").strip()], "returns"
        elif section == "params" and line.startswith("$"):
            m = _PARAM_RE.match(line)
            if not m:
                raise InputError("parameter line needs '$name description (example: JSON)'", source=source, line=number)
            try:
                example = json.loads(m["example"])
            except json.JSONDecodeError as exc:
                raise InputError(f"example is not JSON: {exc}", source=source, line=number) from None
            params.append(Parameter(m["name"], m["text"], example))
        elif section == "returns" and line:
            returns.append(line)
    if not question or not returns:
        raise InputError("a saved query starts with '// Question:' and '// Returns:' comment lines", source=source, line=1)
    return question, " ".join(returns), tuple(params)


def list_queries(directory: Path = QUERY_DIR) -> list[SavedQuery]:
    """Every saved query in the library, by name."""
    files: dict[str, dict[str, Path]] = {}
    for path in sorted(directory.glob("*.cypher")):
        stem = path.name.removesuffix(".cypher")
        name, _, dialect = stem.partition(".")
        if dialect and dialect not in DIALECTS:
            raise InputError(f"unknown dialect {dialect!r} in the file name", source=str(path))
        files.setdefault(name, {})[dialect] = path
    queries = []
    for name, variants in files.items():
        first = next(iter(variants.values()))
        question, returns, params = parse_header(first.read_text(encoding="utf-8"), source=str(first))
        queries.append(SavedQuery(name, question, returns, params, variants))
    return queries


def get_query(name: str, directory: Path = QUERY_DIR) -> SavedQuery:
    """A saved query by name; InputError naming the known ones otherwise."""
    for q in list_queries(directory):
        if q.name == name:
            return q
    known = ", ".join(q.name for q in list_queries(directory))
    raise InputError(f"no saved query {name!r}; known: {known}")


def check_params(query: SavedQuery, params: dict[str, Any]) -> dict[str, Any]:
    """The values to run ``query`` with: InputError unless ``params`` are exactly the query's parameters (a
    missing one would be null in the Cypher and answer nothing; a misspelt one would not be used), each of
    its example's type: a number where the example is one, a number given for text as its text."""
    takes = [p.name for p in query.parameters]
    missing = [name for name in takes if name not in params]
    unknown = sorted(set(params) - set(takes))
    problems = ([f"needs parameter(s): {', '.join(missing)}"] if missing else []) + (
        [f"has no parameter(s) {', '.join(unknown)}"] if unknown else [])
    if problems:
        example = " ".join(f"--param {p.name}={json.dumps(p.example)}" for p in query.parameters)
        raise InputError(f"saved query {query.name!r} " + "; it ".join(problems)
                         + (f" (example: {example})" if example else " (it takes none)"))
    return {p.name: _typed(query, p, params[p.name]) for p in query.parameters}


def _typed(query: SavedQuery, param: Parameter, value: Any) -> Any:
    """``value`` as the type of ``param``'s example: `--param a=x` for a community number reached the engine
    (a cast error, exit 3), and `--param name=2023` (JSON, so a number) answered nothing."""
    scalar = isinstance(value, (int, float, bool))
    if isinstance(param.example, int) and not isinstance(param.example, bool):
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        wanted = "a whole number"
    elif isinstance(param.example, str):
        if isinstance(value, str):
            return value
        if scalar:  # the command line's text, parsed as JSON on the way
            return json.dumps(value)
        wanted = "text"
    else:
        return value
    raise InputError(f"saved query {query.name!r}: parameter {param.name} takes {wanted}, not {json.dumps(value)}"
                     f" (example: --param {param.name}={json.dumps(param.example)})")


def run_saved(store, name: str, params: dict[str, Any] | None = None) -> list[dict]:
    """Run a saved query on an open store (read-only) with the given parameters."""
    query = get_query(name)
    values = check_params(query, dict(params or {}))
    return [_plain(row) for row in store.query(query.text(store.dialect), values)]


def _plain(row: dict) -> dict:
    """Rows as plain JSON-able values (LadybugDB returns sums as Decimal)."""
    from decimal import Decimal

    def conv(v):
        if isinstance(v, Decimal):
            return int(v) if v == v.to_integral_value() else float(v)
        if isinstance(v, list):
            return [conv(x) for x in v]
        if isinstance(v, dict):
            return {k: conv(x) for k, x in v.items()}
        return v

    return {k: conv(v) for k, v in row.items()}
