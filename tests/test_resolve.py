"""Entity resolution on small fixtures: concepts, authors, affiliations, and the assembled graph."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.models import AcronymPair, Derivation, Evidence, Mention, Paper, PaperExtraction, Proposal
from kg.resolve.affiliations import load_org_table, resolve_affiliations
from kg.resolve.aliases import AliasTable, load_aliases, parse_alias_text, read_alias_file
from kg.resolve.authors import is_group_name, names_compatible, resolve_authors
from kg.resolve.concepts import resolve_concepts
from kg.resolve.graph import assemble_graph
from kg.resolve.names import concept_key

# --------------------------------------------------------------------------- concepts


def test_acronym_long_form_and_variants_are_one_concept():
    r = resolve_concepts(
        {
            "p1": [("Graph Neural Networks", "METHOD"), ("GNNs", "METHOD")],
            "p2": [("graph neural network", "METHOD")],
            "p3": [("GNN", "METHOD"), ("graph-neural networks", "METHOD")],
        },
        {"p1": [("Graph Neural Networks", "GNNs")]},
    )
    ids = {r.concept_of(p, s) for p, s in [("p1", "GNNs"), ("p1", "Graph Neural Networks"), ("p2", "graph neural network"), ("p3", "GNN"), ("p3", "graph-neural networks")]}
    assert len(ids) == 1
    concept = r.concepts[ids.pop()]
    assert concept.name == "Graph Neural Networks"
    assert concept.acronym in {"GNNs", "GNN"}
    assert {"GNNs", "GNN", "graph neural network"} <= set(concept.aliases)
    assert "acronym-definition" in concept.merge_rules and "normalised-form" in concept.merge_rules
    rules = {(m.merged, m.rule) for m in r.merges}
    assert {("GNNs", "acronym-definition"), ("GNN", "acronym-definition")} & rules


def test_distinct_acronyms_stay_distinct():
    r = resolve_concepts(
        {"p1": [("RL", "METHOD"), ("RLHF", "METHOD"), ("reinforcement learning", "METHOD"), ("PPO", "METHOD"), ("DPO", "METHOD")]},
        {"p1": [("reinforcement learning", "RL")]},
    )
    ids = [r.concept_of("p1", s) for s in ("RL", "RLHF", "PPO", "DPO")]
    assert len(set(ids)) == 4
    assert r.concept_of("p1", "RL") == r.concept_of("p1", "reinforcement learning")


def test_acronym_defined_differently_is_not_merged_blindly():
    mentions = {
        "p1": [("Invariant Risk Minimization", "METHOD"), ("IRM", "METHOD"), ("domain generalization", "TASK"), ("ERM", "METHOD")],
        "p2": [("Iterative Refinement Module", "METHOD"), ("IRM", "METHOD"), ("image denoising", "TASK")],
        "p3": [("IRM", "METHOD"), ("domain generalization", "TASK"), ("ERM", "METHOD")],  # context says: invariance
        "p4": [("IRM", "METHOD")],  # no context at all
        "p5": [("IRM", "METHOD"), ("Iterative Refinement Module", "METHOD")],  # names one long form
    }
    acronyms = {"p1": [("Invariant Risk Minimization", "IRM")], "p2": [("Iterative Refinement Module", "IRM")]}
    r = resolve_concepts(mentions, acronyms)
    irm, refine = r.concept_of("p1", "IRM"), r.concept_of("p2", "IRM")
    assert irm != refine
    assert r.concepts[irm].name == "Invariant Risk Minimization"
    assert r.concepts[refine].name == "Iterative Refinement Module"
    assert r.concept_of("p3", "IRM") == irm
    assert r.concept_of("p5", "IRM") == refine
    bare = r.concept_of("p4", "IRM")
    assert bare not in (irm, refine) and r.concepts[bare].name == "IRM"
    assert any(m.rule == "split:ambiguous-acronym" and "p4" in m.evidence for m in r.merges)
    assert any(m.rule == "acronym-context" and "p3" in m.evidence for m in r.merges)


def test_kind_majority_and_case_variants():
    r = resolve_concepts({"p1": [("ImageNet", "DATASET")], "p2": [("imagenet", "BENCHMARK")], "p3": [("ImageNet", "DATASET")]})
    (concept,) = r.concepts.values()
    assert concept.kind == "DATASET" and concept.name == "ImageNet"


def test_variant_suffixes_are_not_merged_with_their_base():
    r = resolve_concepts(
        {"p1": [("PFGM++", "METHOD"), ("PFGM", "METHOD"), ("Poisson Flow Generative Models", "METHOD"), ("LASER-D", "METHOD"), ("LASER", "METHOD")]},
        {"p1": [("Poisson Flow Generative Models", "PFGM")]},
    )
    assert r.concept_of("p1", "PFGM++") != r.concept_of("p1", "PFGM")
    assert r.concept_of("p1", "PFGM") == r.concept_of("p1", "Poisson Flow Generative Models")
    assert r.concept_of("p1", "LASER-D") != r.concept_of("p1", "LASER")


def test_curated_alias_merges_and_user_split_overrides(tmp_path):
    mentions = {"p1": [("LLMs", "METHOD")], "p2": [("large language models", "METHOD")]}
    merged = resolve_concepts(mentions)
    assert merged.concept_of("p1", "LLMs") == merged.concept_of("p2", "large language models")
    assert any(m.rule == "curated-alias" for m in merged.merges)

    user = tmp_path / "aliases.tsv"
    user.write_text("action\tname\ttarget\tnote\nsplit\tLLM\tlarge language model\tkeep apart in my review\n", encoding="utf-8")
    table = load_aliases(user)
    apart = resolve_concepts(mentions, aliases=table)
    assert apart.concept_of("p1", "LLMs") != apart.concept_of("p2", "large language models")


def test_split_blocks_even_an_acronym_definition():
    table = parse_alias_text("split\tXYZ\tX Y Zeta\n")
    r = resolve_concepts({"p1": [("X Y Zeta", "METHOD"), ("XYZ", "METHOD")]}, {"p1": [("X Y Zeta", "XYZ")]}, aliases=table)
    assert r.concept_of("p1", "XYZ") != r.concept_of("p1", "X Y Zeta")
    assert any(m.rule == "split:curated" for m in r.merges)


def test_user_force_merge(tmp_path):
    user = tmp_path / "aliases.tsv"
    user.write_text("merge\tGATr\tGeometric Algebra Transformer\n", encoding="utf-8")
    r = resolve_concepts({"p1": [("GATr", "METHOD")], "p2": [("Geometric Algebra Transformer", "METHOD")]}, aliases=load_aliases(user))
    assert r.concept_of("p1", "GATr") == r.concept_of("p2", "Geometric Algebra Transformer")


def test_bad_alias_file_names_file_and_line(tmp_path):
    bad = tmp_path / "aliases.tsv"
    bad.write_text("# comment\nmerge\tGNN\tgraph neural network\nfuse\tA\tB\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_alias_file(bad)
    assert err.value.line == 3 and str(bad) in str(err.value)


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_alias_and_org_tables_not_in_utf8_name_file_line_and_byte(tmp_path, bom):
    """A Latin-1 byte (a spreadsheet's export, say) is an InputError at its line, not a bare decode error."""
    aliases, orgs = tmp_path / "aliases.tsv", tmp_path / "orgs.tsv"
    aliases.write_bytes(bom + b"# comment\nmerge\tGNN\tgraph neural network\nmerge\tRes\xe9Net\tResNet\n")
    orgs.write_bytes(bom + b"slug\tname\nacme\tACME\nuniv-z\tUniversit\xe9 Z\n")
    for path, read in ((aliases, read_alias_file), (orgs, load_org_table)):
        with pytest.raises(InputError) as err:
            read(path)
        at = path.read_bytes().index(b"\xe9")
        assert err.value.line == 3 and str(err.value) == f"{path}:3: not UTF-8 (byte 0xe9 at byte offset {at})"


def test_shipped_alias_table_parses():
    table = load_aliases()
    assert isinstance(table, AliasTable)
    assert concept_key("GNN") in table.merges


# --------------------------------------------------------------------------- authors


def test_compatible_names_merge_only_with_a_shared_coauthor():
    alone = resolve_authors([["David W. Zhang", "Taco Cohen"], ["David Zhang", "Gabriel Synnaeve"]])
    assert alone.author_of("David W. Zhang") != alone.author_of("David Zhang")
    shared = resolve_authors([["David W. Zhang", "Taco Cohen"], ["David Zhang", "Taco Cohen"]])
    assert shared.author_of("David W. Zhang") == shared.author_of("David Zhang")
    (decision,) = [m for m in shared.merges if m.merged == "David Zhang"]
    assert decision.rule == "compatible-name+shared-coauthor" and "Taco Cohen" in decision.evidence
    assert shared.authors[shared.author_of("David Zhang")].name == "David W. Zhang"


def test_unicode_diacritics_spacing_and_initials():
    r = resolve_authors([["Francesco Viganò", "Sönke  Behrends"], ["Francesco Vigano", "Sonke Behrends"], ["C.K. Joshi", "Simon V. Mathis"], ["Chaitanya K. Joshi", "Simon V. Mathis"]])
    assert r.author_of("Francesco Viganò") == r.author_of("Francesco Vigano")
    assert r.author_of("Sönke  Behrends") == r.author_of("Sonke Behrends")
    assert r.author_of("C.K. Joshi") == r.author_of("Chaitanya K. Joshi")
    assert r.authors[r.author_of("C.K. Joshi")].name == "Chaitanya K. Joshi"


def test_ambiguous_short_name_and_same_byline_stay_apart():
    r = resolve_authors([["D. Zhang", "Ann Lee"], ["David Zhang", "Ann Lee"], ["Dan Zhang", "Ann Lee"]])
    assert len({r.author_of(n) for n in ("D. Zhang", "David Zhang", "Dan Zhang")}) == 3
    same = resolve_authors([["David W. Zhang", "David Zhang", "Ann Lee"], ["David Zhang", "Ann Lee"]])
    assert same.author_of("David W. Zhang") != same.author_of("David Zhang")
    assert not names_compatible("David W. Zhang", "David K. Zhang")


def test_group_authors_are_kept_as_groups():
    r = resolve_authors([["FAIR CodeGen team", "Jade Copet"], ["FAIR CodeGen Team", "Quentin Carbonneaux"]])
    group = r.authors[r.author_of("FAIR CodeGen team")]
    assert group.is_group and r.author_of("FAIR CodeGen Team") == group.id
    assert not r.authors[r.author_of("Jade Copet")].is_group
    assert is_group_name("The BigScience Workshop consortium") and not is_group_name("Pim de Haan")


# --------------------------------------------------------------------------- affiliations


def test_slugs_resolve_to_readable_names_and_unknown_slugs_are_flagged():
    r = resolve_affiliations(["meta-ai", "cmu", "fair", "acme-robotics"])
    by_slug = {s: r.affiliations[aid] for s, aid in r.lookup.items()}
    assert by_slug["meta-ai"].name == "Meta AI" and by_slug["meta-ai"].known
    assert by_slug["cmu"].name == "Carnegie Mellon University"
    assert by_slug["fair"].id == by_slug["meta-ai"].id  # two slugs, one organisation
    assert by_slug["acme-robotics"].name == "acme-robotics" and not by_slug["acme-robotics"].known


def test_user_org_table_extends_the_shipped_one(tmp_path):
    user = tmp_path / "orgs.tsv"
    user.write_text("slug\tname\nacme-robotics\tACME Robotics\n", encoding="utf-8")
    r = resolve_affiliations(["acme-robotics"], load_org_table(user))
    (org,) = r.affiliations.values()
    assert org.name == "ACME Robotics" and org.known


def _shared() -> Path:
    return Path(os.environ.get("KG_SHARED", Path(__file__).resolve().parents[1].parent / "shared"))


def test_every_corpus_byline_slug_is_in_the_table():
    corpus = _shared() / "corpus"
    if not corpus.is_dir():
        pytest.skip(f"no sample corpus at {corpus}")
    slugs = set()
    for path in corpus.glob("*.txt"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if " · " in line:
                slugs |= {s.strip() for s in line.rsplit(" · ", 1)[1].split(",") if s.strip()}
    assert slugs, "the corpus has layout (a) bylines with org slugs"
    table = load_org_table()
    assert {s for s in slugs if s.casefold() not in table} == set()


# --------------------------------------------------------------------------- the assembled graph


def _ev(pid: str, sentence: str) -> Evidence:
    return Evidence(paper_id=pid, sentence=sentence, start=0, end=len(sentence), extractor="test", version="0", confidence=1.0)


def _extraction(paper: Paper, names: list[tuple[str, str]], *, acronyms=(), proposes=(), derived=()) -> PaperExtraction:
    text = paper.text
    ents = []
    for name, kind in names:
        i = text.find(name)
        assert i >= 0, name
        ents.append(Mention(text=name, type=kind, start=i, end=i + len(name), sentence=text))
    return PaperExtraction(
        paper_id=paper.id,
        extractor="test",
        version="0",
        content_hash=paper.content_hash,
        entities=ents,
        acronyms=[AcronymPair(long=l, short=s, evidence=_ev(paper.id, f"{l} ({s})")) for l, s in acronyms],
        proposes=[Proposal(name=n, evidence=_ev(paper.id, n)) for n in proposes],
        derived_from=[Derivation(new=a, base=b, evidence=_ev(paper.id, f"{a} builds on {b}")) for a, b in derived],
    )


def test_assemble_graph_resolves_every_entity_and_records_merges():
    p1 = Paper(id="p1", title="Geometric GNNs", abstract="Graph Neural Networks (GNNs) are studied.", authors=["Chaitanya K. Joshi", "Simon V. Mathis"], orgs=["cambridge"])
    p2 = Paper(id="p2", title="Hitchhiker", abstract="We survey graph neural networks and GNN variants.", authors=["C. K. Joshi", "Simon V. Mathis"], orgs=["cambridge", "new-lab"])
    exs = [
        _extraction(p1, [("Graph Neural Networks", "METHOD"), ("GNNs", "METHOD")], acronyms=[("Graph Neural Networks", "GNNs")]),
        _extraction(p2, [("graph neural networks", "METHOD"), ("GNN", "METHOD")]),
    ]
    g = assemble_graph([p1, p2], exs)
    assert len(g.concepts) == 1 and len(g.mentions) == 2
    assert len(g.authors) == 2 and len(g.authorships) == 4
    assert {(a.name, a.known) for a in g.affiliations} == {("University of Cambridge", True), ("new-lab", False)}
    assert {m.entity for m in g.merges} == {"concept", "author"}
    ids = {c.id for c in g.concepts}
    assert all(m.concept_id in ids for m in g.mentions)


def test_assemble_graph_keeps_derivations_between_resolved_concepts():
    p = Paper(id="p1", title="PFGM++", abstract="PFGM++ unlocks new modes and extends Poisson Flow Generative Models (PFGM).")
    ex = _extraction(
        p,
        [("PFGM++", "METHOD"), ("Poisson Flow Generative Models", "METHOD"), ("PFGM", "METHOD")],
        acronyms=[("Poisson Flow Generative Models", "PFGM")],
        proposes=["PFGM++"],
        derived=[("PFGM++", "PFGM")],
    )
    g = assemble_graph([p], [ex])
    names = {c.id: c.name for c in g.concepts}
    (d,) = g.derivations
    assert (names[d.new_id], names[d.base_id]) == ("PFGM++", "Poisson Flow Generative Models")
    assert [names[x.concept_id] for x in g.proposals] == ["PFGM++"]


def test_assemble_graph_is_deterministic():
    p = Paper(id="p1", title="T", abstract="Reinforcement learning (RL) and RLHF.", authors=["A B", "C D"])
    ex = _extraction(p, [("Reinforcement learning", "METHOD"), ("RL", "METHOD"), ("RLHF", "METHOD")], acronyms=[("Reinforcement learning", "RL")])
    assert assemble_graph([p], [ex]).model_dump() == assemble_graph([p], [ex]).model_dump()
    assert re.fullmatch(r"c:[0-9a-f]{16}", assemble_graph([p], [ex]).concepts[0].id)
