"""Concept lineage: a DAG of "child descends from parent" edges, each with its evidence and years.

Evidence kinds:

* ``stated``: a paper says so explicitly (DERIVED_FROM, from extraction), with its sentences;
* ``morphology``: the child's name decorates the parent's ("PFGM++" / "PFGM", "LASER-D" /
  "LASER", "A-GRAE" / "GRAE", "YOLOv3" / "YOLO"), for concepts of compatible kinds;
* both (``stated+morphology``).

Time (a concept's first appearance: the earliest dated paper naming it) is kept on every edge
and orders the candidates. The cycle rule: candidate edges are added strongest first (stated and
morphology, then stated by more papers, then morphology; edges whose parent is not younger than
the child before the others; then by name); an edge that would close a cycle is dropped and
reported in ``G.graph["dropped"]``. The result is acyclic by construction.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

import networkx as nx

from kg.models import Concept, DerivationEdge
from kg.resolve.names import concept_key, is_acronym

#: kinds that can descend from one another (a benchmark may extend a data set)
_FAMILY = {"METHOD": "method", "DATASET": "data", "BENCHMARK": "data", "TASK": "task", "METRIC": "metric"}

_SUFFIX = re.compile(
    r"^(?P<parent>.*?[A-Za-z].*?)"
    r"(?P<deco>\+\+|\+|[- ]?v\d+(\.\d+)?|-[A-Z0-9][A-Za-z0-9]{0,3}|[- ](XL|XXL|Large|Base|Small|Pro|Plus|Lite|Mini|Turbo|Zero|Next|Ultra|Max|[2-9]))$"
)
#: a necessary condition for _SUFFIX, checked first: _SUFFIX's lazy groups backtrack over every split of a
#: name that does not match (most names), which made it the bulk of a lineage run
_DECO_END = re.compile(r"(?:\+|\d|-[A-Za-z0-9]{1,4}|[- ](?:XL|XXL|Large|Base|Small|Pro|Plus|Lite|Mini|Turbo|Zero|Next|Ultra|Max))$")
_PREFIX_HYPHEN = re.compile(r"^(?P<deco>[A-Za-z]{1,3})-(?P<parent>.+)$")
_PREFIX_WORD = re.compile(r"^(?P<deco>[A-Z][a-z]+) (?P<parent>[A-Z][A-Za-z0-9\-+]*)$")


def morphology_parent_names(name: str) -> list[tuple[str, str]]:
    """Names ``name`` may decorate, with the pattern that says so.

    >>> morphology_parent_names("PFGM++"), morphology_parent_names("A-GRAE")
    ([('PFGM', 'suffix ++')], [('GRAE', 'prefix A-')])
    """
    out: list[tuple[str, str]] = []
    m = _SUFFIX.match(name) if _DECO_END.search(name) else None
    parent = m.group("parent").strip() if m else ""
    if len(parent) >= 2 and (is_acronym(parent) or (parent[0].isupper() and " " not in parent)):
        out.append((parent, f"suffix {m.group('deco').strip()}"))
    m = _PREFIX_HYPHEN.match(name)
    if m and is_acronym(m.group("parent")):
        out.append((m.group("parent"), f"prefix {m.group('deco')}-"))
    m = _PREFIX_WORD.match(name)
    if m and is_acronym(m.group("parent")):
        out.append((m.group("parent"), f"prefix {m.group('deco')} "))
    return out


def morphology_links(concepts: Iterable[Concept]) -> list[tuple[str, str, str]]:
    """``(child_id, parent_id, pattern)`` for concepts whose name (or an alias) decorates another's.

    >>> cs = [Concept(id="1", name="PFGM", kind="METHOD"), Concept(id="2", name="PFGM++", kind="METHOD")]
    >>> morphology_links(cs)
    [('2', '1', 'PFGM++: suffix ++')]
    """
    concepts = list(concepts)
    # forms are found by their skeleton (``_skeleton``), and only those sharing a parent's skeleton get a
    # concept key: keying every form of every concept was half of the links' cost
    by_skeleton: dict[tuple[str, str], set[tuple[str, str]]] = defaultdict(set)  # ASCII forms
    unskeletal: dict[tuple[str, str], set[tuple[str, str]]] = defaultdict(set)  # the others (few), by key
    for c in concepts:
        family = _FAMILY.get(c.kind, c.kind)
        for form in _forms(c):
            if form.isascii():
                by_skeleton[(family, _skeleton(form))].add((c.id, form))
            else:
                unskeletal[(family, concept_key(form))].add((c.id, form))
    keyed: dict[tuple[str, str], dict[str, set[tuple[str, str]]]] = {}  # skeleton -> concept key -> forms
    links: dict[tuple[str, str], str] = {}
    for c in concepts:
        family = _FAMILY.get(c.kind, c.kind)
        for form in _forms(c):
            for parent, pattern in morphology_parent_names(form):
                key = concept_key(parent)
                bucket = (family, key.translate(_SKELETON))
                if bucket not in keyed:  # each form is keyed once, when a parent first needs its skeleton
                    keyed[bucket] = defaultdict(set)
                    for x in by_skeleton.get(bucket, ()):
                        keyed[bucket][concept_key(x[1])].add(x)
                near = keyed[bucket].get(key, set()) | unskeletal.get((family, key), set())
                for pid, pform in sorted(near):
                    # an acronym must match as written: "PaLM 2" does not decorate "PALM"
                    if is_acronym(parent) and pform.rstrip("s") != parent.rstrip("s"):
                        continue
                    if pid != c.id:
                        links.setdefault((c.id, pid), f"{form}: {pattern}")
    return sorted((child, parent, why) for (child, parent), why in links.items())


#: what ``_skeleton`` keeps of a lower-cased ASCII form: digits and letters, but not the letters concept_key's
#: plurals and spellings change or drop (s, e, i, y, z: "ies" -> "y", "isation" -> "ization", "es", "s")
_SKELETON = str.maketrans("", "", "".join(chr(i) for i in range(128) if not chr(i).isalnum() or chr(i) in "seiyzSEIYZ"))


def _skeleton(form: str) -> str:
    """What concept_key leaves unchanged of an ASCII form: ``_skeleton(f) == concept_key(f).translate(_SKELETON)``,
    so two forms with one concept key have one skeleton.

    concept_key only lower-cases an ASCII form, drops its other characters and changes or drops the
    letters left out here: the skeleton is a cheap necessary condition for equal keys.

    >>> _skeleton("Graph-Neural Networks") == _skeleton("graph neural network")
    True
    """
    return form.lower().translate(_SKELETON)


def _forms(c: Concept) -> list[str]:
    forms = [c.name, *c.aliases]
    if c.acronym:
        forms.append(c.acronym)
    return list(dict.fromkeys(f for f in forms if f))


class ConceptNames(NamedTuple):
    """What lineage needs of a concept (a Concept record also does): 100 bytes, not a pydantic model."""

    id: str
    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    acronym: str | None = None


@dataclass(slots=True)  # one per candidate link: tens of thousands at 100k papers
class _Candidate:
    child: str
    parent: str
    kinds: set[str] = field(default_factory=set)
    sentences: list[str] = field(default_factory=list)
    papers: list[str] = field(default_factory=list)
    patterns: list[str] = field(default_factory=list)


def _widen(frontier: list[str], step: dict[str, list[str]], seen: set[str], other: set[str]) -> list[str] | None:
    """One step of a search from both ends: the nodes ``step`` leads to from ``frontier`` that ``seen`` lacks
    (added to it), or None when one of them is in ``other`` (the two searches met)."""
    grown = []
    for n in frontier:
        for m in step.get(n, ()):
            if m in other:
                return None
            if m not in seen:
                seen.add(m)
                grown.append(m)
    return grown


def lineage_graph(
    concepts: Iterable[Concept],
    derivations: Iterable[DerivationEdge | tuple[str, str, str, str]] = (),
    *,
    first_year: Mapping[str, int | None] | None = None,
    morphology: bool = True,
    all_nodes: bool = True,
) -> nx.DiGraph:
    """The lineage DAG. ``derivations`` are DerivationEdge records or ``(new_id, base_id, paper_id,
    sentence)`` tuples. Nodes are concept ids (attributes name, kind, first_year), an edge
    ``child -> parent`` per lineage link (attributes evidence, sentences, papers, patterns,
    child_year, parent_year). Dropped candidates are listed in ``G.graph["dropped"]``.
    ``all_nodes=False`` leaves out the concepts no candidate link touches (the same edges, a
    fraction of the memory on a large graph). ``concepts`` need only the attributes id, name,
    kind, aliases and acronym (``ConceptNames`` will do).

    >>> cs = [Concept(id="L", name="LASER", kind="METHOD"), Concept(id="D", name="LASER-D", kind="METHOD")]
    >>> G = lineage_graph(cs, first_year={"L": 2024, "D": 2025})
    >>> list(G.edges(data="evidence"))
    [('D', 'L', 'morphology')]
    """
    concepts = list(concepts)
    first_year = first_year or {}
    known = {c.id: (c.name, c.kind) for c in concepts}
    nodes: dict[str, None] = dict.fromkeys(sorted(known)) if all_nodes else {}
    edges, dropped = _edges(concepts, derivations, first_year, morphology, nodes)
    G = nx.DiGraph()
    G.add_nodes_from((cid, {"name": known[cid][0], "kind": known[cid][1], "first_year": first_year.get(cid)}) for cid in nodes)
    G.add_edges_from(edges)
    G.graph["dropped"] = dropped
    return G


def lineage_edge_list(
    concepts: Iterable[Concept],
    derivations: Iterable[DerivationEdge | tuple[str, str, str, str]] = (),
    *,
    first_year: Mapping[str, int | None] | None = None,
    morphology: bool = True,
) -> tuple[list[tuple[str, str, dict]], list[dict]]:
    """``lineage_graph``'s edges ``(child, parent, attributes)`` in the order the candidates add them, and
    its dropped candidates, without a networkx graph (the analytics write the edges: at 100k papers the
    graph held 35 MB that the list already holds).

    >>> cs = [Concept(id="L", name="LASER", kind="METHOD"), Concept(id="D", name="LASER-D", kind="METHOD")]
    >>> [(c, p, a["evidence"]) for c, p, a in lineage_edge_list(cs)[0]]
    [('D', 'L', 'morphology')]
    """
    return _edges(list(concepts), derivations, first_year or {}, morphology, None)


def _edges(concepts: list, derivations: Iterable, first_year: Mapping[str, int | None], morphology: bool,
           nodes: dict[str, None] | None) -> tuple[list[tuple[str, str, dict]], list[dict]]:
    """lineage_edge_list; with ``nodes``, adds to it the two ends of each candidate, in the order tried."""
    known = {c.id: (c.name, c.kind) for c in concepts}
    # edges are collected in plain lists and handed to networkx (lineage_graph) at the end, in the order the
    # candidates add them (so the graph is the one adding them one by one gives): networkx's per-call
    # add_node / add_edge / has_path were half of a 100k lineage run
    parents: dict[str, list[str]] = defaultdict(list)  # accepted edges child -> parents
    children: dict[str, list[str]] = defaultdict(list)  # and parent -> children
    candidates: dict[tuple[str, str], _Candidate] = {}

    def candidate(child: str, parent: str) -> _Candidate:
        return candidates.setdefault((child, parent), _Candidate(child, parent))

    for d in derivations:
        new_id, base_id, paper, sentence = (
            (d.new_id, d.base_id, d.evidence.paper_id, d.evidence.sentence) if isinstance(d, DerivationEdge) else d
        )
        if new_id == base_id or new_id not in known or base_id not in known:
            continue
        cand = candidate(new_id, base_id)
        cand.kinds.add("stated")
        if sentence and sentence not in cand.sentences:
            cand.sentences.append(sentence)
        if paper and paper not in cand.papers:
            cand.papers.append(paper)
    if morphology:
        for child, parent, pattern in morphology_links(concepts):
            cand = candidate(child, parent)
            cand.kinds.add("morphology")
            cand.patterns.append(pattern)

    def strength(c: _Candidate) -> tuple:
        cy, py = first_year.get(c.child), first_year.get(c.parent)
        in_time = cy is None or py is None or py <= cy
        return (-len(c.kinds), -len(c.papers), not in_time, known[c.child][0], known[c.parent][0])

    def reaches(start: str, goal: str) -> bool:
        """Whether ``goal`` is an ancestor of ``start`` along the accepted edges: a search from both ends,
        each step widening the smaller frontier (one-sided, a hub's ancestors were searched thousands of times)."""
        up, down = {start}, {goal}
        up_next, down_next = [start], [goal]
        while up_next and down_next:
            if len(up_next) <= len(down_next):
                up_next = _widen(up_next, parents, up, down)
            else:
                down_next = _widen(down_next, children, down, up)
            if up_next is None or down_next is None:
                return True
        return False

    dropped = []
    edges = []
    for cand in sorted(candidates.values(), key=strength):
        child, parent = cand.child, cand.parent
        if nodes is not None:
            nodes.setdefault(child)
            nodes.setdefault(parent)
        evidence = "+".join(k for k in ("stated", "morphology") if k in cand.kinds)
        # a path parent -> child needs the parent to have parents and the child children: most candidates have neither
        if parent in parents and child in children and reaches(parent, child):
            dropped.append(
                {
                    "child": known[child][0],
                    "parent": known[parent][0],
                    "evidence": evidence,
                    "reason": "would close a cycle with stronger or earlier-added lineage edges",
                }
            )
            continue
        parents[child].append(parent)
        children[parent].append(child)
        edges.append((child, parent, {
            "evidence": evidence,
            "sentences": sorted(cand.sentences),
            "papers": sorted(cand.papers),
            "patterns": sorted(cand.patterns),
            "child_year": first_year.get(child),
            "parent_year": first_year.get(parent),
        }))
    return edges, dropped


def ancestors_with_depth(G: nx.DiGraph, node: str) -> list[tuple[str, int]]:
    """Every concept ``node`` descends from, with its distance (1 = parent), nearest first.

    >>> G = nx.DiGraph([("c", "b"), ("b", "a")])
    >>> ancestors_with_depth(G, "c")
    [('b', 1), ('a', 2)]
    """
    depth = nx.single_source_shortest_path_length(G, node)
    return sorted(((n, d) for n, d in depth.items() if n != node), key=lambda x: (x[1], x[0]))


def descendants_with_depth(G: nx.DiGraph, node: str) -> list[tuple[str, int]]:
    """Every concept descending from ``node``, with its distance (1 = child), nearest first."""
    return ancestors_with_depth(G.reverse(copy=False), node)


def lineage_path(G: nx.DiGraph, source: str, target: str) -> list[str]:
    """The shortest lineage path between two concepts, whichever descends from the other; [] if neither.

    >>> lineage_path(nx.DiGraph([("c", "b"), ("b", "a")]), "a", "c")
    ['a', 'b', 'c']
    """
    for a, b, flip in ((source, target, False), (target, source, True)):
        try:
            path = nx.shortest_path(G, a, b)
        except (nx.NetworkXNoPath, nx.NodeNotFound):
            continue
        return path[::-1] if flip else path
    return []
