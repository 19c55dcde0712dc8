"""The concept resolution as it was before it streamed (kg/resolve/concepts.py at 70afdc9), kept
verbatim (apart from this docstring) as the reference test_resolve_stream.py compares with."""


from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from kg.models import CONCEPT_KINDS, AcronymPair, Concept, MergeDecision, Mention, concept_id
from kg.resolve.aliases import AliasTable, default_aliases
from kg.resolve.names import concept_key, initials, is_acronym

#: separates an ambiguous acronym's key from its sense in node names (keys never contain it)
SENSE = "|"

MentionLike = Mention | tuple[str, str | None]
AcronymLike = AcronymPair | tuple[str, str] | tuple[str, str, str | None, str]


@dataclass
class ConceptResolution:
    """Resolved concepts, the decisions that built them, and a per-paper lookup of surfaces."""

    concepts: dict[str, Concept] = field(default_factory=dict)
    merges: list[MergeDecision] = field(default_factory=list)
    #: (paper id, concept key) -> concept id
    lookup: dict[tuple[str, str], str] = field(default_factory=dict)
    #: concept key -> concept id, for keys that mean one thing corpus-wide
    global_lookup: dict[str, str] = field(default_factory=dict)

    def concept_of(self, paper_id: str, surface: str) -> str:
        """The concept id of ``surface`` as used in paper ``paper_id``."""
        key = concept_key(surface)
        found = self.lookup.get((paper_id, key)) or self.global_lookup.get(key)
        if found is None:
            raise KeyError(f"{surface!r} was not given to resolve_concepts for paper {paper_id}")
        return found

    def by_name(self, surface: str) -> Concept | None:
        """The concept a surface form means corpus-wide (None when unknown or ambiguous)."""
        cid = self.global_lookup.get(concept_key(surface))
        return self.concepts.get(cid) if cid else None


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}
        self.members: dict[str, set[str]] = {}

    def add(self, x: str) -> None:
        if x not in self.parent:
            self.parent[x] = x
            self.members[x] = {x}

    def find(self, x: str) -> str:
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        if len(self.members[ra]) < len(self.members[rb]) or (
            len(self.members[ra]) == len(self.members[rb]) and rb < ra
        ):
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.members[ra] |= self.members.pop(rb)


def _base(node: str) -> str:
    """The concept key of a node ("ppo|proximalpolicyoptimization" -> "ppo")."""
    return node.split(SENSE, 1)[0]


def resolve_concepts(
    mentions_by_paper: Mapping[str, Iterable[MentionLike]],
    acronyms_by_paper: Mapping[str, Iterable[AcronymLike]] | None = None,
    *,
    aliases: AliasTable | None = None,
) -> ConceptResolution:
    """Resolve surface forms to concepts, per paper, recording every merge.

    ``mentions_by_paper`` maps a paper id to its mentions: Mention records or ``(text, kind)``
    pairs (kind may be None when unknown). ``acronyms_by_paper`` maps a paper id to its acronym
    definitions: AcronymPair records or ``(long, short)`` pairs. ``aliases`` defaults to the
    shipped curated table.

    >>> r = resolve_concepts({"p1": [("Graph Neural Networks", "METHOD"), ("GNNs", "METHOD")],
    ...                       "p2": [("graph neural network", "METHOD")]},
    ...                      {"p1": [("Graph Neural Networks", "GNNs")]})
    >>> r.concept_of("p1", "GNNs") == r.concept_of("p2", "graph neural network")
    True
    """
    aliases = aliases if aliases is not None else default_aliases()
    acronyms_by_paper = acronyms_by_paper or {}
    paper_ids = sorted(set(mentions_by_paper) | set(acronyms_by_paper))

    # ---- gather uses: (paper, key) -> kind, surfaces; definitions per paper
    uses: dict[str, dict[str, list[tuple[str, str | None]]]] = {p: defaultdict(list) for p in paper_ids}
    definitions: dict[str, dict[str, tuple[str, str, str, str]]] = {p: {} for p in paper_ids}
    for pid in paper_ids:
        for m in mentions_by_paper.get(pid, ()):
            text, kind = (m.text, m.type) if isinstance(m, Mention) else (m[0], m[1])
            if text and text.strip():
                uses[pid][concept_key(text)].append((text.strip(), kind))
        for a in acronyms_by_paper.get(pid, ()):
            if isinstance(a, AcronymPair):
                long, short, kind, sentence = a.long, a.short, a.type, a.evidence.sentence
            else:  # (long, short) or the compact (long, short, kind, sentence) of a streamed corpus
                long, short, kind, sentence = (a[0], a[1], None, "") if len(a) == 2 else tuple(a)
            lk, sk = concept_key(long), concept_key(short)
            if not lk or not sk or lk == sk:
                continue
            kind = kind or _first_kind(uses[pid].get(lk)) or _first_kind(uses[pid].get(sk))
            if lk not in uses[pid]:
                uses[pid][lk].append((long.strip(), kind))
            if sk not in uses[pid]:
                uses[pid][sk].append((short.strip(), kind))
            definitions[pid].setdefault(sk, (lk, long.strip(), short.strip(), sentence))
    paper_keys = {pid: set(uses[pid]) for pid in paper_ids}

    def canon(key: str) -> str:
        """A long form's key after curated merges, so two spellings of one sense count once."""
        return concept_key(aliases.merges[key][0]) if key in aliases.merges else key

    # ---- acronym senses: short key -> canonical long key -> defining papers
    senses: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for pid in paper_ids:
        for sk, (lk, *_rest) in definitions[pid].items():
            senses[sk][canon(lk)].append(pid)
    ambiguous = {sk for sk, s in senses.items() if len(s) > 1}

    result = ConceptResolution()
    uf = _UnionFind()
    decisions: list[tuple[str, str, str, str]] = []  # (node a, node b, rule, evidence)
    node_of: dict[tuple[str, str], str] = {}
    node_surfaces: dict[str, Counter[str]] = defaultdict(Counter)
    node_kinds: dict[str, Counter[str]] = defaultdict(Counter)
    #: (acronym key, sense) -> the keys of the papers defining it: the same for every paper that asks
    contexts: dict[tuple[str, str], set[str]] = {}

    for pid in paper_ids:
        for key, forms in uses[pid].items():
            node = key
            if key in ambiguous:
                node = _sense_node(pid, key, definitions, senses, paper_keys, forms, aliases, decisions, canon, contexts)
            node_of[(pid, key)] = node
            uf.add(node)
            for text, kind in forms:
                node_surfaces[node][text] += 1
                if kind:
                    node_kinds[node][kind] += 1

    def try_union(a: str, b: str, rule: str, evidence: str) -> bool:
        uf.add(a)
        uf.add(b)
        ra, rb = uf.find(a), uf.find(b)
        if ra == rb:
            return True
        keys_a = {_base(n) for n in uf.members[ra]} | {n for n in uf.members[ra] if SENSE not in n}
        keys_b = {_base(n) for n in uf.members[rb]} | {n for n in uf.members[rb] if SENSE not in n}
        for pair, where in aliases.splits.items():
            x, y = tuple(pair) if len(pair) == 2 else (next(iter(pair)),) * 2
            if (x in keys_a and y in keys_b) or (y in keys_a and x in keys_b):
                decisions.append((a, b, "split:curated", f"blocked by curated split {where} ({rule}: {evidence})"))
                return False
        uf.union(a, b)
        decisions.append((a, b, rule, evidence))
        return True

    # 2. acronym definitions, the paper's own word first
    for sk in sorted(senses):
        for lk, pids in sorted(senses[sk].items()):
            short_node = f"{sk}{SENSE}{lk}" if sk in ambiguous else sk
            for pid in sorted(pids):
                long_key, long, short, sentence = definitions[pid][sk]
                evidence = f"{short} = {long} in {pid}" + (f": {sentence}" if sentence else "")
                try_union(long_key, short_node, "acronym-definition", evidence)

    # 3a. curated aliases (a key can only be merged into its target's key)
    for key in sorted({_base(n) for n in uf.parent if SENSE not in n}):
        if key in aliases.merges and key not in ambiguous:
            target_text, where = aliases.merges[key]
            tk = concept_key(target_text)
            if tk == key:
                continue
            if tk not in uf.parent:
                node_surfaces[tk][target_text] += 0
            try_union(tk, key, "curated-alias", f"{_top(node_surfaces[key]) or key} -> {target_text} ({where})")

    # 3b. initials of an undefined acronym that match exactly one long form of the same kind
    long_by_initials: dict[str, list[str]] = defaultdict(list)
    for node in uf.parent:
        surface = _top(node_surfaces[node])
        if SENSE not in node and surface and " " in surface and not is_acronym(surface):
            long_by_initials[initials(surface)].append(node)
    for node in sorted(uf.parent):
        surface = _top(node_surfaces[node])
        if SENSE in node or not surface or not is_acronym(surface) or node in senses or node in aliases.merges:
            continue
        letters = surface[:-1] if surface.endswith("s") else surface
        candidates = long_by_initials.get(letters.casefold(), [])
        # only plain letter acronyms: "PFGM++" or "GPT-4" name a variant, not the long form
        if not letters.isalpha() or len(letters) < 3 or len(candidates) != 1:
            continue
        cand = candidates[0]
        if _kind(node_kinds[node]) != _kind(node_kinds[cand]) or uf.find(cand) == uf.find(node):
            continue
        try_union(cand, node, "acronym-initials", f"{surface} = initials of {_top(node_surfaces[cand])}")

    # ---- build concepts from groups
    groups: dict[str, list[str]] = defaultdict(list)
    for node in uf.parent:
        groups[uf.find(node)].append(node)
    node_concept: dict[str, str] = {}
    rules_of: dict[str, set[str]] = defaultdict(set)
    for a, b, rule, _ in decisions:
        if not rule.startswith("split:") and a in uf.parent:
            rules_of[uf.find(a)].add(rule)
    for root, nodes in sorted(groups.items()):
        nodes.sort()
        kinds = Counter()
        surfaces: Counter[str] = Counter()
        for n in nodes:
            kinds.update(node_kinds[n])
            surfaces.update(node_surfaces[n])
        kind = _kind(kinds)
        total = {n: sum(node_surfaces[n].values()) for n in nodes}
        long_nodes = [n for n in nodes if not is_acronym(_top(node_surfaces[n]) or n)]
        pool = long_nodes or nodes
        canonical = min(pool, key=lambda n: (-total[n], len(n), n))
        name = _top(node_surfaces[canonical]) or canonical
        acronyms = [n for n in nodes if n not in long_nodes]
        acronym = None
        if acronyms and long_nodes:
            acr_node = min(acronyms, key=lambda n: (-total[n], n))
            acronym = _top(node_surfaces[acr_node], prefer_upper=True)
        rules = set(rules_of[root])
        if any(len(node_surfaces[n]) > 1 for n in nodes):
            rules.add("normalised-form")
        cid = concept_id(kind, canonical)
        result.concepts[cid] = Concept(
            id=cid,
            name=name,
            kind=kind,
            aliases=[s for s, _ in sorted(surfaces.items(), key=lambda kv: (-kv[1], kv[0])) if s != name],
            acronym=acronym,
            merge_rules=sorted(rules),
        )
        for n in nodes:
            node_concept[n] = cid
            if len(node_surfaces[n]) > 1:
                top = _top(node_surfaces[n])
                for other in sorted(node_surfaces[n]):
                    if other != top:
                        result.merges.append(
                            MergeDecision(entity="concept", kept=top, merged=other, rule="normalised-form", evidence=f"key={_base(n)}")
                        )

    for a, b, rule, evidence in decisions:
        result.merges.append(
            MergeDecision(
                entity="concept",
                kept=_top(node_surfaces.get(a, Counter())) or _base(a),
                merged=_top(node_surfaces.get(b, Counter())) or _base(b),
                rule=rule,
                evidence=evidence,
            )
        )
    for (pid, key), node in node_of.items():
        result.lookup[(pid, key)] = node_concept[node]
    for node, cid in node_concept.items():
        if SENSE not in node and node not in ambiguous:
            result.global_lookup[node] = cid
    return result


def _sense_node(pid, key, definitions, senses, paper_keys, forms, aliases, decisions, canon, contexts) -> str:
    """Which sense of an ambiguous acronym a paper means; the bare key when it cannot tell."""
    surface = forms[0][0]
    if key in definitions[pid]:
        return f"{key}{SENSE}{canon(definitions[pid][key][0])}"
    own = paper_keys[pid] - {key}
    named = [lk for lk in senses[key] if lk in {canon(k) for k in own}]
    if len(named) == 1:
        decisions.append((f"{key}{SENSE}{named[0]}", key, "acronym-context", f"{pid} uses {surface} next to its long form"))
        return f"{key}{SENSE}{named[0]}"
    scores = []
    for lk, pids in senses[key].items():
        context = contexts.get((key, lk))
        if context is None:
            context = contexts[(key, lk)] = set().union(*(paper_keys[p] for p in pids)) - {key, lk}
        union = own | context
        scores.append((len(own & context) / len(union) if union else 0.0, lk))
    scores.sort(reverse=True)
    if scores and scores[0][0] > 0 and (len(scores) == 1 or scores[0][0] >= 2 * scores[1][0]):
        best = scores[0][1]
        decisions.append(
            (f"{key}{SENSE}{best}", key, "acronym-context", f"{pid} shares concepts with the papers defining {surface} as this (Jaccard {scores[0][0]:.2f})")
        )
        return f"{key}{SENSE}{best}"
    default = canon(concept_key(aliases.merges[key][0])) if key in aliases.merges else None
    if default in senses[key]:
        decisions.append((f"{key}{SENSE}{default}", key, "acronym-curated-default", f"{pid} does not define {surface}; curated default sense"))
        return f"{key}{SENSE}{default}"
    decisions.append(
        (key, key, "split:ambiguous-acronym", f"{surface} in {pid} could mean any of {len(senses[key])} senses; kept apart")
    )
    return key


def _first_kind(forms: list[tuple[str, str | None]] | None) -> str | None:
    for _, kind in forms or ():
        if kind:
            return kind
    return None


def _kind(counts: Counter[str]) -> str:
    """Majority kind; ties in CONCEPT_KINDS order; METHOD when nothing says."""
    if not counts:
        return "METHOD"
    return min(counts, key=lambda k: (-counts[k], CONCEPT_KINDS.index(k) if k in CONCEPT_KINDS else 99))


def _top(surfaces: Counter[str], *, prefer_upper: bool = False) -> str:
    """The most used surface form; ties go to the one with more capitals (names as authors write them)."""
    if not surfaces:
        return ""
    return min(surfaces, key=lambda s: (-surfaces[s], -sum(ch.isupper() for ch in s) if prefer_upper else 0, s))
