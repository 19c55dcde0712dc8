"""Every Cypher statement the loader sends, generated from the schema or loaded by name.

Labels, relationship types and property names come from kg/store/schema.py, always quoted
with backticks (``ON``, ``end`` and ``count`` are keywords in one dialect or the other); values only ever arrive as
parameters (``$rows``, ``$ids``).
"""

from __future__ import annotations

from kg.store.cypher import load_cypher, strip_comments
from kg.store.rows import LOADED_TYPES, REL_IDENTITY, SHARED_LABELS, owned_properties, rel_properties
from kg.store.schema import NODES, RELATIONSHIPS, RETIRED_PROPERTIES, node, relationship

#: named statements in cypher/load/
LOAD_FILES = (
    "load/paper_hashes",
    "load/paper_hashes_of",
    "load/set_load_hashes",
    "load/delete_paper_results",
    "load/delete_paper_derivations",
    "load/delete_papers",
    "load/remove_orphan_results",
    "load/remove_orphan_authors",
    "load/remove_orphan_affiliations",
    "load/remove_orphan_concepts",
)


def q(name: str) -> str:
    """Backtick-quote an identifier from the schema."""
    return "`" + name.replace("`", "``") + "`"


def literal(text: str) -> str:
    """A single-quoted Cypher string of ``text``, backslash and quote escaped: for the one place a
    value cannot be a parameter, the file paths of LadybugDB's ``COPY FROM`` (a store's staging
    directory is named after the store, and a path may hold a quote)."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


# --------------------------------------------------------------------------- DDL


def ladybug_ddl() -> list[str]:
    """Node and rel tables, ``IF NOT EXISTS`` so applying twice is a no-op."""
    out = []
    for n in NODES:
        cols = ", ".join(f"{q(p)} {t}" for p, t in n.properties.items())
        out.append(f"CREATE NODE TABLE IF NOT EXISTS {q(n.label)}({cols}, PRIMARY KEY({q(n.key)}))")
    for r in RELATIONSHIPS:
        cols = "".join(f", {q(p)} {t}" for p, t in r.properties.items())
        out.append(f"CREATE REL TABLE IF NOT EXISTS {q(r.type)}(FROM {q(r.source)} TO {q(r.target)}{cols})")
    return out


def neo4j_ddl() -> list[tuple[str, str]]:
    """(name, statement): a uniqueness constraint per key, an index per indexed property."""
    out = []
    for n in NODES:
        cname = f"{n.label.lower()}_{n.key}_unique"
        out.append((cname, f"CREATE CONSTRAINT {cname} IF NOT EXISTS FOR (n:{q(n.label)}) REQUIRE n.{q(n.key)} IS UNIQUE"))
        for p in n.indexed:
            iname = f"{n.label.lower()}_{p}_index"
            out.append((iname, f"CREATE INDEX {iname} IF NOT EXISTS FOR (n:{q(n.label)}) ON (n.{q(p)})"))
    return out


def neo4j_retirements() -> list[tuple[str, str]]:
    """(name, statement): remove each of ``RETIRED_PROPERTIES`` from the nodes a store built by an
    earlier kg left it on, in transactions of 10,000 nodes (a large graph's removal never has to fit
    in one); a no-op once none has it."""
    return [
        (
            f"retire:{label}.{p}",
            f"MATCH (n:{q(label)}) WHERE n.{q(p)} IS NOT NULL CALL (n) {{ REMOVE n.{q(p)} }} IN TRANSACTIONS OF 10000 ROWS",
        )
        for label, props in RETIRED_PROPERTIES.items()
        for p in props
    ]


def ladybug_migration(table: str, stored: dict[str, str]) -> list[str]:
    """``ALTER TABLE`` statements taking a LadybugDB table whose columns are ``stored`` (name ->
    type, from ``table_info``) to the schema's: a property the schema no longer has, or has with
    another type, is dropped, and one it gained is added (null until a load writes it). A store
    built by an earlier kg thus opens; the build that follows rewrites every paper, as the code's
    fingerprint changed."""
    wanted = dict(node(table).properties) if table in {n.label for n in NODES} else dict(relationship(table).properties)
    out = [f"ALTER TABLE {q(table)} DROP {q(c)}" for c, t in stored.items() if wanted.get(c) != t]
    out += [f"ALTER TABLE {q(table)} ADD {q(c)} {t}" for c, t in wanted.items() if stored.get(c) != t]
    return out


def schema_statements(dialect: str) -> list[str]:
    return ladybug_ddl() if dialect == "ladybug" else [s for _, s in (*neo4j_ddl(), *neo4j_retirements())]


# --------------------------------------------------------------------------- writes


def node_properties(label: str) -> tuple[str, ...]:
    """The properties a loaded row of ``label`` carries (all of them for per-paper nodes)."""
    return owned_properties(label) if label in SHARED_LABELS else tuple(node(label).properties)


def _value(p: str, typ: str, dialect: str) -> str:
    """``row.p``; LadybugDB infers STRING for a column that is null in every row, so it gets a CAST."""
    if dialect == "ladybug" and typ != "STRING":
        return f"CAST(row.{q(p)} AS {typ})"
    return f"row.{q(p)}"


def merge_node(label: str, dialect: str = "neo4j") -> str:
    n = node(label)
    sets = ", ".join(
        f"n.{q(p)} = {_value(p, n.properties[p], dialect)}" for p in node_properties(label) if p != n.key
    )
    stmt = f"UNWIND $rows AS row MERGE (n:{q(label)} {{{q(n.key)}: row.{q(n.key)}}})"
    return stmt + (f" SET {sets}" if sets else "")


def merge_rel(rel_type: str, dialect: str = "neo4j") -> str:
    """Separate MATCH clauses per end: the comma form is orders of magnitude slower on LadybugDB."""
    r = relationship(rel_type)
    src, dst = node(r.source), node(r.target)
    ident = REL_IDENTITY.get(rel_type, ())
    ident_map = ", ".join(f"{q(p)}: row.{q(p)}" for p in ident)
    sets = ", ".join(
        f"r.{q(p)} = {_value(p, r.properties[p], dialect)}" for p in rel_properties(rel_type) if p not in ident
    )
    stmt = (
        f"UNWIND $rows AS row "
        f"MATCH (a:{q(src.label)} {{{q(src.key)}: row.src}}) "
        f"MATCH (b:{q(dst.label)} {{{q(dst.key)}: row.dst}}) "
        f"MERGE (a)-[r:{q(rel_type)}{' {' + ident_map + '}' if ident else ''}]->(b)"
    )
    return stmt + (f" SET {sets}" if sets else "")


def load_merge(name: str, kind: str) -> str:
    """LadybugDB: ``merge_node`` / ``merge_rel`` reading their rows from an Arrow table or a file
    (``LOAD FROM $rows``, columns in ``rows.columns`` order, typed: no CAST), not from parameters."""
    if kind == "node":
        n = node(name)
        sets = ", ".join(f"n.{q(p)} = {q(p)}" for p in node_properties(name) if p != n.key)
        stmt = f"LOAD FROM $rows MERGE (n:{q(name)} {{{q(n.key)}: {q(n.key)}}})"
        return stmt + (f" SET {sets}" if sets else "")
    r = relationship(name)
    src, dst = node(r.source), node(r.target)
    ident = REL_IDENTITY.get(name, ())
    ident_map = ", ".join(f"{q(p)}: {q(p)}" for p in ident)
    sets = ", ".join(f"r.{q(p)} = {q(p)}" for p in rel_properties(name) if p not in ident)
    stmt = (
        f"LOAD FROM $rows "
        f"MATCH (a:{q(src.label)} {{{q(src.key)}: src}}) "
        f"MATCH (b:{q(dst.label)} {{{q(dst.key)}: dst}}) "
        f"MERGE (a)-[r:{q(name)}{' {' + ident_map + '}' if ident else ''}]->(b)"
    )
    return stmt + (f" SET {sets}" if sets else "")


def lookup_nodes(label: str) -> str:
    """The loader-owned properties of the ``label`` nodes whose keys are in ``$ids``."""
    n = node(label)
    cols = ", ".join(f"n.{q(p)} AS {q(p)}" for p in node_properties(label))
    return f"UNWIND $ids AS id MATCH (n:{q(label)} {{{q(n.key)}: id}}) RETURN {cols}"


def any_node(label: str) -> str:
    """One key of a ``label`` node, if there is any."""
    n = node(label)
    return f"MATCH (n:{q(label)}) RETURN n.{q(n.key)} AS id LIMIT 1"


def count_nodes(label: str) -> str:
    return f"MATCH (n:{q(label)}) RETURN count(n) AS n"


def count_rels(rel_type: str) -> str:
    r = relationship(rel_type)
    return f"MATCH (:{q(r.source)})-[r:{q(rel_type)}]->(:{q(r.target)}) RETURN count(r) AS n"


def dump_nodes(label: str) -> str:
    cols = ", ".join(f"n.{q(p)} AS {q(p)}" for p in node(label).properties)
    return f"MATCH (n:{q(label)}) RETURN {cols}"


def dump_rels(rel_type: str) -> str:
    r = relationship(rel_type)
    src, dst = node(r.source), node(r.target)
    cols = "".join(f", r.{q(p)} AS {q(p)}" for p in r.properties)
    return f"MATCH (a:{q(src.label)})-[r:{q(rel_type)}]->(b:{q(dst.label)}) RETURN a.{q(src.key)} AS src, b.{q(dst.key)} AS dst{cols}"


def neo4j_statements() -> list[dict]:
    """Every statement kg's store layer sends to Neo4j, as {name, cypher, parameters} for the linter."""
    out = [{"name": f"schema:{name}", "cypher": stmt, "parameters": []} for name, stmt in neo4j_ddl()]
    out += [{"name": name, "cypher": stmt, "parameters": []} for name, stmt in neo4j_retirements()]
    for label in (*SHARED_LABELS, "Paper", "Result"):
        out.append({"name": f"merge:{label}", "cypher": merge_node(label), "parameters": ["rows"]})
    for label in SHARED_LABELS:
        out.append({"name": f"lookup:{label}", "cypher": lookup_nodes(label), "parameters": ["ids"]})
    for label in ("Paper", *SHARED_LABELS):
        out.append({"name": f"any:{label}", "cypher": any_node(label), "parameters": []})
    for t in LOADED_TYPES:
        out.append({"name": f"merge:{t}", "cypher": merge_rel(t), "parameters": ["rows"]})
    for name in LOAD_FILES:
        params = ["rows"] if name == "load/set_load_hashes" else ["ids"]
        out.append({"name": name, "cypher": strip_comments(load_cypher(name, "neo4j")), "parameters": params})
    for n in NODES:
        out.append({"name": f"count:{n.label}", "cypher": count_nodes(n.label), "parameters": []})
        out.append({"name": f"dump:{n.label}", "cypher": dump_nodes(n.label), "parameters": []})
    for r in RELATIONSHIPS:
        out.append({"name": f"count:{r.type}", "cypher": count_rels(r.type), "parameters": []})
        out.append({"name": f"dump:{r.type}", "cypher": dump_rels(r.type), "parameters": []})
    return out
