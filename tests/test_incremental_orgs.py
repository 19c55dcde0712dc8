"""An incremental build reads only the new and changed papers in its corpus-wide pass; the org
slugs' first-seen order (an unknown org is named by the first spelling the corpus gives) comes
from the state's org table. Spellings that arrive earlier in corpus order, change their place in
a paper or leave with a paper give the graph of a clean build of the same input."""

from __future__ import annotations

import json
from pathlib import Path

from kg.incremental import org_places
from kg.models import Paper, Provenance
from kg.store import canonical_dump, open_store
from synth_build import kg_run, pipeline

STAGES = ("ingest", "extract", "resolve", "load", "analytics")


def _write(path: Path, rows: list[dict]) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def _row(n: int, orgs: list[str]) -> dict:
    return {"id": f"org-{n}", "title": f"Sparse attention study number {n}", "authors": [f"Ann Author{n}", "Bo Common"],
            "abstract": f"We study sparse attention for graph transformers, variant {n}.", "orgs": orgs}


def _dump(store: Path) -> str:
    with open_store(str(store), read_only=True) as s:
        return canonical_dump(s)


def _names(store: Path) -> list[str]:
    with open_store(str(store), read_only=True) as s:
        return sorted(r["n"] for r in s.query("MATCH (a:Affiliation) RETURN a.name AS n"))


def test_org_places_order_papers_by_first_source_then_listed_slugs():
    def paper(source: str, line: int, orgs: list[str]) -> Paper:
        return Paper(id=f"{source}{line}", title="t", abstract="", orgs=orgs,
                     sources=[Provenance(source=source, line=line, layout="jsonl")])

    rows = [*org_places(paper("b.jsonl", 2, ["x", "y", "x"])), *org_places(paper("b.jsonl", 10, ["w"])),
            *org_places(paper("a/z.jsonl", 30, ["v"])), *org_places(paper("a.jsonl", 1000, ["u"]))]
    assert [raw for _pid, raw, _pos in sorted(rows, key=lambda r: r[2])] == ["u", "v", "x", "y", "w"]


def test_slugs_met_earlier_later_or_no_more_equal_a_clean_build(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _write(corpus / "m.jsonl", [_row(i, ["Zeta Lab", "omega-group"] if i % 2 else ["omega-group"]) for i in range(6)])
    store = tmp_path / "graph.lbdb"
    toml = pipeline(tmp_path, [corpus], store, stages=STAGES, name="orgs.toml")
    kg_run(toml)
    assert "Zeta Lab" in _names(store)

    def clean(tag: str) -> str:
        folder = tmp_path / f"clean-{tag}"
        folder.mkdir()
        clean_store = folder / "graph.lbdb"
        kg_run(pipeline(folder, [corpus], clean_store, stages=STAGES, name="clean.toml", cache=folder / "cache"))
        return _dump(clean_store)

    # a file read before the others spells both orgs another way first
    _write(corpus / "a.jsonl", [_row(10, ["zeta  lab"]), _row(11, ["OMEGA_group", "new-org"])])
    run = kg_run(toml)
    assert next(s for s in run["stages"] if s["stage"] == "resolve")["count"] < run["papers"]
    assert {"zeta  lab", "OMEGA_group", "new-org"} <= set(_names(store))
    assert _dump(store) == clean("earlier")

    # the early spellings leave; a paper of the later file lists its slugs in another order
    (corpus / "a.jsonl").unlink()
    rows = [_row(i, ["Zeta Lab", "omega-group"] if i % 2 else ["omega-group"]) for i in range(6)]
    rows[0]["orgs"] = ["Omega Group", "zeta lab"]
    _write(corpus / "m.jsonl", rows)
    kg_run(toml)
    assert {"Omega Group", "zeta lab"} <= set(_names(store))
    assert _dump(store) == clean("gone")
