"""Concept resolution: one Concept per real thing, every merge recorded with its rule.

Surface forms meet in three steps, strongest first:

1. ``normalised-form``: identical :func:`~kg.resolve.names.concept_key` (case, plural,
   hyphen/spacing, diacritics, British spelling variants).
2. ``acronym-definition``: a paper defines ``long (SHORT)``. When every paper that defines
   SHORT means the same long form, SHORT is that long form everywhere. When papers disagree
   ("IRM" as Invariant Risk Minimization here, Iterative Refinement Method there), each defining
   paper keeps its own sense, and a paper that uses SHORT without defining it gets a sense only
   from its context (``acronym-context``: it names exactly one sense's long form, or shares
   clearly more concepts with the papers of one sense), else the curated default sense
   (``acronym-curated-default``), else SHORT stays a concept of its own.
3. ``curated-alias`` (kg/resolve/data/concept_aliases.tsv plus the user's file) and
   ``acronym-initials`` (an undefined acronym of 3+ letters whose initials match exactly one
   multi-word long form of the same kind in the corpus).

A curated ``split`` blocks any merge that would put its two forms in one concept; blocked
merges are recorded too (rule ``split:...``), so nothing is decided silently.
"""

from __future__ import annotations

from collections import Counter, defaultdict
import functools
import marshal
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field

from kg.errors import KGError
from kg.models import CONCEPT_KINDS, AcronymPair, Concept, MergeDecision, Mention, concept_id
from kg.resolve.aliases import AliasTable, default_aliases
from kg.resolve.names import concept_key, initials, is_acronym
from kg.resolve.tables import add_counts

#: separates an ambiguous acronym's key from its sense in node names (keys never contain it)
SENSE = "|"

MentionLike = Mention | tuple[str, str | None]
AcronymLike = AcronymPair | tuple[str, str] | tuple[str, str, str | None, str]


_FIELD_SETS: dict[frozenset[str], frozenset[str]] = {}
_RULES: dict[tuple[str, ...], tuple[str, ...]] = {}


class ConceptTable(MutableMapping[str, Concept]):
    """Concepts by id, kept as tuples of their fields: a Concept record is made when one is read.

    A corpus has about as many concepts as papers; a pydantic record costs about 1.6 kB, its
    tuple a fraction of that.
    """

    __slots__ = ("_rows",)

    def __init__(self, concepts: Iterable[tuple[str, Concept]] = ()):
        self._rows: dict[str, tuple] = {}
        for cid, concept in concepts:
            self[cid] = concept

    def __setitem__(self, cid: str, c: Concept) -> None:
        fields_set = frozenset(c.model_fields_set)
        fields_set = _FIELD_SETS.setdefault(fields_set, fields_set)  # one shared object, not one per concept
        rules = tuple(c.merge_rules)
        self._rows[cid] = (
            None if c.id == cid else c.id, c.name, c.kind, tuple(c.aliases), c.acronym, _RULES.setdefault(rules, rules), fields_set
        )

    def __getitem__(self, cid: str) -> Concept:
        id_, name, kind, aliases, acronym, rules, fields_set = self._rows[cid]
        return Concept.model_construct(
            set(fields_set), id=id_ or cid, name=name, kind=kind, aliases=list(aliases), acronym=acronym, merge_rules=list(rules)
        )

    def __delitem__(self, cid: str) -> None:
        del self._rows[cid]

    def __contains__(self, cid: object) -> bool:
        return cid in self._rows

    def __iter__(self) -> Iterator[str]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)

    def __repr__(self) -> str:
        return f"ConceptTable({len(self._rows)} concepts)"


class MergeLog(Sequence[MergeDecision]):
    """Merge decisions kept as tuples: a MergeDecision record is made when one is read (the
    concepts' log; the authors' too, kg.resolve.authors._assemble, filled by :meth:`defer`).

    Compares equal to a list of the same records; ``+`` gives a list.
    """

    __slots__ = ("_list", "_later")

    def __init__(self, decisions: Iterable[MergeDecision] = ()):
        self._list: list[tuple[str, str, str, str, str]] = []
        #: rows still to append, made when first asked for (see :meth:`defer`)
        self._later: Callable[[], Iterable[tuple[str, str, str, str, str]]] | None = None
        for m in decisions:
            self.append(m)

    def defer(self, rows: Callable[[], Iterable[tuple[str, str, str, str, str]]]) -> None:
        """Append ``rows()`` when the log is first read: a build that never reads the decisions
        (the loader does not) does not make them."""
        self._later = rows

    @property
    def _rows(self) -> list[tuple[str, str, str, str, str]]:
        if self._later is not None:
            later, self._later = self._later, None
            self._list.extend(later())
        return self._list

    def add(self, kept: str, merged: str, rule: str, evidence: str) -> None:
        self._rows.append(("concept", kept, merged, rule, evidence))

    def append(self, m: MergeDecision) -> None:
        self._rows.append((m.entity, m.kept, m.merged, m.rule, m.evidence))

    @staticmethod
    def _record(row: tuple[str, str, str, str, str]) -> MergeDecision:
        entity, kept, merged, rule, evidence = row
        return MergeDecision.model_construct(set(_FIVE), entity=entity, kept=kept, merged=merged, rule=rule, evidence=evidence)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self._record(r) for r in self._rows[i]]
        return self._record(self._rows[i])

    def __iter__(self) -> Iterator[MergeDecision]:
        return map(self._record, self._rows)

    def __len__(self) -> int:
        return len(self._rows)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (list, tuple, MergeLog)):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment] - mutable, like a list

    def __add__(self, other: Iterable[MergeDecision]) -> list[MergeDecision]:
        return [*self, *other]

    def __radd__(self, other: Iterable[MergeDecision]) -> list[MergeDecision]:
        return [*other, *self]

    def __repr__(self) -> str:
        return f"MergeLog({len(self._rows)} decisions)"


_FIVE = frozenset(MergeDecision.model_fields)
#: the fields a resolved Concept is made with (ConceptTable rows read back from ConceptCounts)
_CONCEPT_SET = _FIELD_SETS.setdefault(*(frozenset({"id", "name", "kind", "aliases", "acronym", "merge_rules"}),) * 2)


@dataclass
class ConceptResolution:
    """Resolved concepts, the decisions that built them, and a per-paper lookup of surfaces."""

    concepts: MutableMapping[str, Concept] = field(default_factory=ConceptTable)
    merges: MergeLog = field(default_factory=MergeLog)
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
    acronyms_by_paper = acronyms_by_paper or {}
    paper_ids = sorted(set(mentions_by_paper) | set(acronyms_by_paper))

    def papers() -> Iterator[tuple[str, Iterable[MentionLike], Iterable[AcronymLike]]]:
        return ((pid, mentions_by_paper.get(pid, ()), acronyms_by_paper.get(pid, ())) for pid in paper_ids)

    with _Definitions(None) as definitions:
        return _resolve(papers, definitions, aliases=aliases, full_lookup=True)


class PaperSpool:
    """Papers' (surface, kind) uses and acronym definitions on disk, read back grouped by paper id
    in sorted order (records of one paper id given twice are joined, as the mappings of
    :func:`resolve_concepts` would join them): the input of :func:`resolve_concept_stream`.
    """

    def __init__(self, directory: str | os.PathLike[str] | None = None):
        self._dir = tempfile.TemporaryDirectory(prefix="kg-resolve-", dir=directory)
        self.db = sqlite3.connect(os.path.join(self._dir.name, "uses.sqlite"))
        self.db.execute("PRAGMA journal_mode=OFF")
        self.db.execute("PRAGMA synchronous=OFF")
        self.db.execute("CREATE TABLE paper (pid BLOB, seq INTEGER, body BLOB, PRIMARY KEY (pid, seq)) WITHOUT ROWID")
        self._batch: list[tuple[bytes, int, bytes]] = []
        self._seq = 0

    def add(self, paper_id: str, uses: list[tuple[str, str | None]], acronyms: list[tuple[str, str, str | None, str]]) -> None:
        self._batch.append((_sortable(paper_id), self._seq, marshal.dumps((uses, acronyms))))
        self._seq += 1
        if len(self._batch) >= 5000:
            self._flush()

    def _flush(self) -> None:
        self.db.executemany("INSERT INTO paper VALUES (?, ?, ?)", self._batch)
        self._batch = []

    def __call__(self) -> Iterator[tuple[str, list, list]]:
        """(paper id, uses, acronyms) of every paper, by paper id."""
        self._flush()
        current, uses, acronyms = None, [], []
        for pid, body in self.db.execute("SELECT pid, body FROM paper ORDER BY pid, seq"):
            if pid != current:
                if current is not None:
                    yield _text(current), uses, acronyms
                current, uses, acronyms = pid, [], []
            u, a = marshal.loads(body)
            uses += u
            acronyms += a
        if current is not None:
            yield _text(current), uses, acronyms

    def close(self) -> None:
        self.db.close()
        self._dir.cleanup()

    def __enter__(self) -> PaperSpool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def resolve_concept_stream(papers: PaperSpool, *, aliases: AliasTable | None = None) -> ConceptResolution:
    """:func:`resolve_concepts` over a spooled corpus, in memory that grows with its distinct
    surface forms, not its papers.

    The same decisions; ``lookup`` holds only the (paper, key) pairs the corpus-wide
    ``global_lookup`` cannot answer (the uses of ambiguous acronyms), which is all
    :meth:`ConceptResolution.concept_of` needs.
    """
    with _Definitions(papers._dir.name) as definitions:
        return _resolve(papers, definitions, aliases=aliases, full_lookup=False)


def _by_difference(stored: Iterable[tuple], wanted: dict) -> list:
    """Compare a table's stored rows, as (key, value) pairs, with the rows ``wanted`` ({key: value}):
    takes out of ``wanted`` each row stored as it is (nothing to write), and returns the keys of the
    stored rows ``wanted`` lacks (rows to delete). The rest of ``wanted`` is written over the table."""
    gone = []
    for key, value in stored:
        if key not in wanted:
            gone.append(key)
        elif wanted[key] == value:
            del wanted[key]
    return gone


class ConceptCounts:
    """Pass 1 of the concept resolution (surface and kind counts per key, acronym senses and
    definitions, the concept keys of each paper, and which papers use which key) kept in
    tables of a SQLite database and updated paper by paper: adding a paper's uses and taking a
    removed paper's away leaves the tables a pass 1 over the current corpus would give, so
    :meth:`resolve` decides as :func:`resolve_concept_stream` does over that corpus while reading
    only the papers that use an ambiguous acronym (and of those, once decisions are kept, only
    the new and changed ones: an unchanged paper is decided again from its kept keys).

    The last decisions are kept too (``cc_node``: each node's group and initials bucket;
    ``cc_group``: each group's concept and normalised-form merges; ``cc_dec``: the other merge
    decisions with their place in the pass's order; ``cc_look``: per-paper senses), so
    :meth:`resolve` derives again only the groups the touched keys can reach (see :meth:`_scope`)
    and reads the others' decisions back.
    """

    P = "cc_"  # table prefix
    TABLES = ("cc_surf", "cc_kind", "cc_sense", "cc_def", "cc_ctx", "cc_key", "cc_node", "cc_group", "cc_dec",
              "cc_look", "cc_dirty", "cc_redef", "cc_tuse", "cc_use", "cc_meta")

    def __init__(self, db: sqlite3.Connection, path: str, *, aliases: AliasTable | None = None):
        self.db, self.path = db, path
        self.aliases = aliases if aliases is not None else default_aliases()
        self._canon = _canon(self.aliases)
        p = self.P
        for ddl in (
            f"CREATE TABLE IF NOT EXISTS {p}surf (key TEXT, text TEXT, n INTEGER, PRIMARY KEY (key, text)) WITHOUT ROWID",
            f"CREATE TABLE IF NOT EXISTS {p}kind (key TEXT, kind TEXT, n INTEGER, PRIMARY KEY (key, kind)) WITHOUT ROWID",
            f"CREATE TABLE IF NOT EXISTS {p}sense (sk TEXT, clk TEXT, n INTEGER, PRIMARY KEY (sk, clk)) WITHOUT ROWID",
            f"CREATE TABLE IF NOT EXISTS {p}def (sk BLOB, clk BLOB, pid BLOB, body BLOB)",
            f"CREATE INDEX IF NOT EXISTS {p}def_pid ON {p}def (pid)",
            # every paper's concept keys: a defining paper's are the context of its sense, an
            # unchanged user's are all _sense_node needs to decide a redefined acronym again
            f"CREATE TABLE IF NOT EXISTS {p}ctx (pid BLOB PRIMARY KEY, keys BLOB) WITHOUT ROWID",
            f"CREATE TABLE IF NOT EXISTS {p}key (key TEXT, pid TEXT, PRIMARY KEY (key, pid)) WITHOUT ROWID",
            # the last decisions: the closure of touched keys (_scope) looks nodes up by key, group and bucket
            f"CREATE INDEX IF NOT EXISTS {p}def_sk ON {p}def (sk)",
            f"CREATE INDEX IF NOT EXISTS {p}def_clk ON {p}def (clk)",
            f"CREATE TABLE IF NOT EXISTS {p}node (node TEXT PRIMARY KEY, root TEXT, bucket TEXT) WITHOUT ROWID",
            f"CREATE INDEX IF NOT EXISTS {p}node_root ON {p}node (root)",
            f"CREATE INDEX IF NOT EXISTS {p}node_bucket ON {p}node (bucket)",
            f"CREATE TABLE IF NOT EXISTS {p}group (root BLOB PRIMARY KEY, body BLOB)",
            f"CREATE TABLE IF NOT EXISTS {p}dec (a TEXT, b TEXT, body BLOB)",
            f"CREATE INDEX IF NOT EXISTS {p}dec_a ON {p}dec (a)",
            f"CREATE INDEX IF NOT EXISTS {p}dec_b ON {p}dec (b)",
            f"CREATE TABLE IF NOT EXISTS {p}look (key TEXT, pid TEXT, cid TEXT, PRIMARY KEY (key, pid)) WITHOUT ROWID",
            f"CREATE TABLE IF NOT EXISTS {p}dirty (key TEXT PRIMARY KEY) WITHOUT ROWID",
            # acronyms whose definitions changed, and (key, paper) of changed papers: an ambiguous
            # acronym whose definitions did not change keeps the senses of its other uses (cc_use)
            f"CREATE TABLE IF NOT EXISTS {p}redef (key TEXT PRIMARY KEY) WITHOUT ROWID",
            f"CREATE TABLE IF NOT EXISTS {p}tuse (key TEXT, pid TEXT, PRIMARY KEY (key, pid)) WITHOUT ROWID",
            f"CREATE TABLE IF NOT EXISTS {p}use (key TEXT, pid TEXT, body BLOB, PRIMARY KEY (key, pid)) WITHOUT ROWID",
            f"CREATE TABLE IF NOT EXISTS {p}meta (key TEXT PRIMARY KEY, value TEXT)",
        ):
            db.execute(ddl)
        self._surf: Counter[tuple[str, str]] = Counter()
        self._kind: Counter[tuple[str, str]] = Counter()
        self._sense: Counter[tuple[str, str]] = Counter()
        self._gone: list[tuple[str, list[str]]] = []
        self._defs: list[tuple[bytes, bytes, bytes, bytes]] = []
        self._ctx: list[tuple[bytes, bytes]] = []
        self._keys: list[tuple[str, str]] = []
        #: keys whose counts, definitions or users changed since the last flush (kept in cc_dirty
        #: until the decisions are derived again, see _scope)
        self._touched: set[str] = set()
        self._redef: set[str] = set()
        self._tuse: set[tuple[str, str]] = set()
        self._digest = _alias_digest(self.aliases)
        self._kept = self._derived() is not None  # track what changed only when decisions are kept
        #: after :meth:`resolve`: the nodes it derived again (see :meth:`_scope`), outside which
        #: every decision is the last pass's; None when it derived the whole corpus
        self.scope: set[str] | None = None
        #: how many times :meth:`_keep` rewrote the decisions (a deferred read checks it)
        self._generation = 0

    def reset(self) -> None:
        self._touched = set()
        for table in self.TABLES:
            self.db.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed names

    def add(self, pid: str, mentions: Iterable[MentionLike], acronyms: Iterable[AcronymLike], sign: int = 1) -> None:
        """Count a paper's uses in (``sign`` 1), or take a counted paper's out (-1, with the same
        uses and acronyms it was added with). A paper is taken out before it is added again."""
        uses, defined = _paper_uses(mentions, acronyms)
        self._touched.update(uses)  # a defined short key is among the uses too
        if self._kept:
            self._redef.update(defined)
            self._tuse.update((key, pid) for key in uses)
        for key, forms in uses.items():
            for text, kind in forms:
                self._surf[(key, text)] += sign
                if kind:
                    self._kind[(key, kind)] += sign
        for sk, definition in defined.items():
            clk = self._canon(definition[0])
            self._sense[(sk, clk)] += sign
            if sign > 0:
                self._defs.append((_sortable(sk), _sortable(clk), _sortable(pid), marshal.dumps(definition)))
        if sign < 0:
            self._gone.append((pid, list(uses)))
            return
        if uses:
            self._ctx.append((_sortable(pid), marshal.dumps(tuple(uses))))
        self._keys.extend((key, pid) for key in uses)

    def flush(self) -> None:
        """Write what :meth:`add` counted (taken-out papers first)."""
        db, p = self.db, self.P
        if self._touched and self._derived() is not None:  # with the counts: a crash loses neither
            db.executemany(f"INSERT OR IGNORE INTO {p}dirty VALUES (?)", ((k,) for k in self._touched))  # noqa: S608
            db.executemany(f"INSERT OR IGNORE INTO {p}redef VALUES (?)", ((k,) for k in self._redef))  # noqa: S608
            db.executemany(f"INSERT OR IGNORE INTO {p}tuse VALUES (?, ?)", self._tuse)  # noqa: S608
        self._touched, self._redef, self._tuse = set(), set(), set()
        for pid, keys in self._gone:
            db.execute(f"DELETE FROM {p}def WHERE pid=?", (_sortable(pid),))  # noqa: S608 - fixed names
            db.execute(f"DELETE FROM {p}ctx WHERE pid=?", (_sortable(pid),))  # noqa: S608
            db.executemany(f"DELETE FROM {p}key WHERE key=? AND pid=?", ((k, pid) for k in keys))  # noqa: S608
        db.executemany(f"INSERT INTO {p}def VALUES (?, ?, ?, ?)", self._defs)  # noqa: S608
        db.executemany(f"INSERT OR REPLACE INTO {p}ctx VALUES (?, ?)", sorted(self._ctx))  # noqa: S608
        db.executemany(f"INSERT OR IGNORE INTO {p}key VALUES (?, ?)", sorted(self._keys))  # noqa: S608
        for table, cols, counts in (("surf", "key, text", self._surf), ("kind", "key, kind", self._kind),
                                    ("sense", "sk, clk", self._sense)):
            add_counts(db, p + table, cols, counts)
        self._gone, self._defs, self._ctx, self._keys = [], [], [], []

    def scope_keys(self) -> set[str] | None:
        """The concept keys of :attr:`scope` (None when the last resolve derived the whole corpus)."""
        return None if self.scope is None else {_base(n) for n in self.scope}

    def resolve(
        self,
        papers_of: Callable[[list[str]], Iterable[tuple[str, Iterable[MentionLike], Iterable[AcronymLike]]]],
        *,
        scratch_dir: str | os.PathLike[str] | None = None,
        apart: Callable[[Callable[[], object]], None] | None = None,
    ) -> ConceptResolution:
        """The decisions of :func:`resolve_concept_stream` over the counted corpus.

        ``papers_of(ids)`` yields (paper id, uses, acronyms) of the given counted papers, as they
        were added, in the order given (sorted ids); it is asked only for the papers that use an
        ambiguous acronym (of the derived groups).

        ``apart(work)``, when given, runs ``work`` in another process that ends (with this object
        and ``papers_of`` on connections of their own, see kg.pipeline._apart) and waits for it. A
        pass over the whole corpus is then made there: its working memory (a 100k build process
        grew ~270 MB over it and kept that after it, in Python's allocator) leaves with that process,
        and the decisions it stored (:meth:`_keep`) are read back here as a scoped pass reads them."""
        self.flush()
        self.db.commit()
        db, p = self.db, self.P
        derived = self._derived()
        if apart is not None and derived != self._digest:
            apart(lambda: self.resolve(papers_of, scratch_dir=scratch_dir))
            self._kept = True
            self._generation += 1
            self.scope = None
            return self._read()
        touched = {k for (k,) in db.execute(f"SELECT key FROM {p}dirty")}  # noqa: S608
        scope = self._scope(touched) if derived == self._digest else None
        node_surfaces: dict[str, Counter[str]] = defaultdict(Counter)
        node_kinds: dict[str, Counter[str]] = defaultdict(Counter)
        sense_keys: dict[str, dict[str, int]] = defaultdict(dict)
        db.execute("CREATE TEMP TABLE IF NOT EXISTS kg_scope (key TEXT PRIMARY KEY) WITHOUT ROWID")
        db.execute("DELETE FROM temp.kg_scope")
        if scope is None:
            where = ""
        else:
            db.executemany("INSERT INTO temp.kg_scope VALUES (?)", ((n,) for n in scope))
            where = " WHERE {} IN (SELECT key FROM temp.kg_scope)"
        for key, text, n in db.execute(f"SELECT key, text, n FROM {p}surf" + where.format("key")):  # noqa: S608
            node_surfaces[key][text] = n
        for key, kind, n in db.execute(f"SELECT key, kind, n FROM {p}kind" + where.format("key")):  # noqa: S608
            node_kinds[key][kind] = n
        for sk, clk, n in db.execute(f"SELECT sk, clk, n FROM {p}sense" + where.format("sk")):  # noqa: S608
            sense_keys[sk][clk] = n

        redefined = {k for (k,) in db.execute(f"SELECT key FROM {p}redef")}  # noqa: S608
        changed: dict[str, set[str]] = defaultdict(set)
        for key, pid in db.execute(f"SELECT key, pid FROM {p}tuse"):  # noqa: S608
            changed[key].add(pid)

        def again(key: str) -> bool:
            return scope is None or key in redefined

        # an unchanged paper that defines a redefined acronym itself keeps its sense (its own
        # definition decides it, whatever the other papers say): its last decision is kept and
        # the paper is not read again for that key
        own: dict[str, dict[str, tuple]] = {}
        # an unchanged paper that uses it without defining it is decided again (the acronym's
        # senses or their contexts changed), but from its kept keys and forms: it is not read
        # either (pid -> its use's forms, by key)
        unread: dict[str, dict[str, list]] = {}

        def own_senses(ambiguous: set[str]) -> dict[str, dict[str, tuple]]:
            if scope is not None and not own:
                for key in sorted(ambiguous & redefined):
                    found = own[key] = {}
                    other = unread[key] = {}
                    for pid, body in db.execute(f"SELECT pid, body FROM {p}use WHERE key=?", (key,)):  # noqa: S608
                        if pid in changed[key]:
                            continue
                        use = marshal.loads(body)
                        if use[2] is None:  # no decision: the paper's own definition
                            found[pid] = use
                        else:
                            other[pid] = use[1]
            return own

        def redo(pid: str, key: str) -> bool:
            return pid in changed[key] or (again(key) and pid not in own.get(key, ()) and pid not in unread.get(key, ()))

        def users(ambiguous: set[str]) -> Iterator[tuple[str, Iterable[MentionLike], Iterable[AcronymLike]]]:
            own_senses(ambiguous)
            ids: set[str] = set()
            for key in ambiguous:
                if again(key):
                    found = {r[0] for r in db.execute(f"SELECT pid FROM {p}key WHERE key=?", (key,))}  # noqa: S608
                    ids.update(found - own.get(key, {}).keys() - unread.get(key, {}).keys())
                else:  # only the changed papers that still use it: one look-up each, not every user read
                    ids.update(pid for pid in changed[key] if db.execute(
                        f"SELECT 1 FROM {p}key WHERE key=? AND pid=?", (key, pid)).fetchone())  # noqa: S608
            yield from papers_of(sorted(ids))

        def unread_uses(ambiguous: set[str]) -> Iterator[tuple[str, str, tuple[str, ...], list]]:
            own_senses(ambiguous)
            ids = sorted({pid for found in unread.values() for pid in found})
            keys_of: dict[str, tuple[str, ...]] = {}
            for part in range(0, len(ids), 500):
                batch = [_sortable(pid) for pid in ids[part:part + 500]]
                keys_of.update((_text(pid), marshal.loads(body)) for pid, body in db.execute(
                    f"SELECT pid, keys FROM {p}ctx WHERE pid IN ({','.join('?' * len(batch))})", batch))  # noqa: S608
            for key in sorted(unread):
                for pid, forms in unread[key].items():
                    if pid not in keys_of:
                        raise KGError(f"concept resolution: the kept keys of {pid} are missing (rebuild in full)")
                    yield pid, key, keys_of[pid], forms

        # the uses kept() gives as cc_use holds them: _keep leaves their rows in place
        same: list[tuple[str, str]] = []

        def kept(ambiguous: set[str]) -> Iterator[tuple]:
            own_senses(ambiguous)
            for key in sorted(ambiguous):
                if key in own:
                    for pid, use in own[key].items():
                        same.append((key, pid))
                        yield (key, pid, *use)
                elif not again(key):
                    for pid, body in db.execute(f"SELECT pid, body FROM {p}use WHERE key=?", (key,)):  # noqa: S608
                        if pid not in changed[key]:
                            same.append((key, pid))
                            yield (key, pid, *marshal.loads(body))

        detail: dict = {}
        with tempfile.TemporaryDirectory(prefix="kg-resolve-", dir=scratch_dir) as folder:
            with _Definitions(folder) as definitions:
                definitions.copy_from(self.path, p, None if scope is None else sorted(scope))
                result = _resolve(users, definitions, aliases=self.aliases, full_lookup=False,
                                  counted=(node_surfaces, node_kinds, sense_keys), detail=detail,
                                  redo=redo, kept=kept, unread=unread_uses,
                                  outside=None if scope is None else self._long_forms_outside)
        self._keep(detail, scope, same)
        self.scope = scope
        return result if scope is None else self._read()

    def _scope(self, touched: set[str]) -> set[str]:
        """The nodes whose decisions the touched keys can change: closed under every way two nodes
        meet (last build's groups, a key's senses, acronym definitions, curated aliases, initials
        buckets as they were and as they may be now), so deciding over them alone decides as the
        whole corpus would, and every other group is as it was.

        The closure is taken a level at a time: each level's nodes, groups, keys and buckets are
        looked up by one join each with a temporary table of them (the closure is the same in any
        order; a query per node cost 12.7k x 3-6 SELECTs at 100k +1 %)."""
        db, p, aliases = self.db, self.P, self.aliases
        targets: dict[str, set[str]] = defaultdict(set)  # alias target key -> alias keys
        target_texts: dict[str, set[str]] = defaultdict(set)
        for key, (text, _where) in aliases.merges.items():
            tk = concept_key(text)
            targets[tk].add(key)
            target_texts[tk].add(text)
        for ddl in ("CREATE TEMP TABLE IF NOT EXISTS kg_level (key TEXT PRIMARY KEY) WITHOUT ROWID",
                    "CREATE TEMP TABLE IF NOT EXISTS kg_level_key (key TEXT PRIMARY KEY, lo TEXT, hi TEXT, sk BLOB, clk BLOB)"):
            db.execute(ddl)

        def level(values: Iterable) -> None:
            db.execute("DELETE FROM temp.kg_level")
            db.executemany("INSERT INTO temp.kg_level VALUES (?)", ((v,) for v in sorted(values)))

        scope: set[str] = set()
        bases: set[str] = set()
        # a group's or a bucket's nodes join the work once: its other nodes would only find them again
        roots: set[str] = set()
        seen_buckets: set[str | None] = {None}
        work = set(touched)
        after = chr(ord(SENSE) + 1)
        while work:
            scope |= work
            found: set[str] = set()
            buckets: set[str | None] = set()
            level(work)
            new_roots: set[str] = set()
            for root, bucket in db.execute(
                    f"SELECT n.root, n.bucket FROM temp.kg_level l CROSS JOIN {p}node n ON n.node = l.key"):  # noqa: S608
                if root not in roots:
                    new_roots.add(root)
                buckets.add(bucket)
            roots |= new_roots
            if new_roots:
                level(new_roots)
                found.update(r[0] for r in db.execute(
                    f"SELECT n.node FROM temp.kg_level l CROSS JOIN {p}node n ON n.root = l.key"))  # noqa: S608
            new_bases = {_base(n) for n in work} - bases
            bases |= new_bases
            if new_bases:
                found |= new_bases
                db.execute("DELETE FROM temp.kg_level_key")
                db.executemany("INSERT INTO temp.kg_level_key VALUES (?, ?, ?, ?, ?)", (
                    (b, b + SENSE, b + after, _sortable(b), _sortable(self._canon(b))) for b in sorted(new_bases)))
                found.update(r[0] for r in db.execute(  # the keys' sense nodes
                    f"SELECT n.node FROM temp.kg_level_key b CROSS JOIN {p}node n ON n.node > b.lo AND n.node < b.hi"))  # noqa: S608
                for (body,) in db.execute(f"SELECT d.body FROM temp.kg_level_key b CROSS JOIN {p}def d ON d.sk = b.sk"):  # noqa: S608
                    found.add(marshal.loads(body)[0])
                for b, sk, body in db.execute(
                        f"SELECT b.key, d.sk, d.body FROM temp.kg_level_key b CROSS JOIN {p}def d ON d.clk = b.clk"):  # noqa: S608
                    if marshal.loads(body)[0] == b:
                        found.add(_text(sk))
                for b in new_bases:
                    if b in aliases.merges:
                        found.add(concept_key(aliases.merges[b][0]))
                    found.update(targets.get(b, ()))
                    # the bucket of whichever surface is its top now (an alias target may have only the target's)
                    buckets.update(_bucket(b, t) for t in target_texts.get(b, ()))
                for b, t in db.execute(f"SELECT s.key, s.text FROM temp.kg_level_key b CROSS JOIN {p}surf s ON s.key = b.key"):  # noqa: S608
                    buckets.add(_bucket(b, t))
            fresh = buckets - seen_buckets
            seen_buckets |= buckets
            inert = self._inert({bucket[1:] for bucket in fresh}, touched, targets)
            other = {("A" if bucket[0] == "L" else "L") + bucket[1:] for bucket in fresh if bucket[1:] not in inert}
            if other:
                level(other)
                found.update(r[0] for r in db.execute(
                    f"SELECT n.node FROM temp.kg_level l CROSS JOIN {p}node n ON n.bucket = l.key"))  # noqa: S608
            work = found - scope
        return scope

    def _inert(self, letters: set[str], touched: set[str], targets: Mapping[str, set[str]]) -> set[str]:
        """Of ``letters`` (the part of an initials bucket after "L" / "A"), those whose long forms
        cannot join an acronym by their initials, before the change or after it: at least two
        long-form nodes of the bucket keep it whatever changed (their keys are not touched, nor
        the target of a curated alias, which a touched key's alias may make or remove). The rule
        merges an acronym only into the one long form of its initials, so neither side of such a
        bucket is closed over (:meth:`_resolve` counts its long forms outside the scope)."""
        if not letters:
            return set()
        db, p = self.db, self.P
        db.execute("DELETE FROM temp.kg_level")
        db.executemany("INSERT INTO temp.kg_level VALUES (?)", (("L" + v,) for v in sorted(letters)))
        steady: Counter[str] = Counter()
        for bucket, node in db.execute(
                f"SELECT l.key, n.node FROM temp.kg_level l CROSS JOIN {p}node n ON n.bucket = l.key"):  # noqa: S608
            if node not in touched and node not in targets:
                steady[bucket[1:]] += 1
        return {v for v, n in steady.items() if n >= 2}

    def _long_forms_outside(self, letters: str) -> int:
        """How many long-form nodes of the initials bucket ``"L" + letters`` lie outside the scope
        of the pass (temp.kg_scope): unchanged, the same in the whole corpus's pass."""
        ((n,),) = self.db.execute(
            f"SELECT COUNT(*) FROM {self.P}node WHERE bucket = ? AND node NOT IN (SELECT key FROM temp.kg_scope)",  # noqa: S608
            ("L" + letters,)).fetchall()
        return n

    def _keep(self, detail: dict, scope: set[str] | None, same: Iterable[tuple[str, str]] = ()) -> None:
        """Store the decisions of a pass over ``scope`` (None: the whole corpus) in place of the old ones.
        ``same``: (key, paper) of the uses the pass took from cc_use as they are (their rows stay)."""
        db, p = self.db, self.P
        same = set(same) if scope is not None else set()
        node_rows = {n: (root, bucket) for n, root, bucket in detail["nodes"]}
        look = {(key, pid): cid for (pid, key), cid in detail["lookup"].items()}
        if scope is None:
            for table in ("node", "group", "dec", "look", "use"):
                db.execute(f"DELETE FROM {p}{table}")  # noqa: S608 - fixed names
        else:  # every old group, decision and sense that touches the scope lies inside it
            inside = "IN (SELECT key FROM temp.kg_scope)"
            # the nodes' and the per-paper senses' rows are written by difference: most come out as
            # they were (10k +1 %: 118 of the 587 nodes' rows and 73 of the 2,555 senses' changed)
            stored = db.execute(f"SELECT node, root, bucket FROM {p}node WHERE node {inside}")  # noqa: S608
            gone = _by_difference(((n, (root, bucket)) for n, root, bucket in stored), node_rows)
            db.executemany(f"DELETE FROM {p}node WHERE node=?", ((n,) for n in gone))  # noqa: S608
            stored = db.execute(f"SELECT key, pid, cid FROM {p}look WHERE key {inside}")  # noqa: S608
            gone = _by_difference((((key, pid), cid) for key, pid, cid in stored), look)
            db.executemany(f"DELETE FROM {p}look WHERE key=? AND pid=?", gone)  # noqa: S608
            db.execute(f"DELETE FROM {p}group WHERE root IN (SELECT CAST(key AS BLOB) FROM temp.kg_scope)")  # noqa: S608
            db.execute(f"DELETE FROM {p}dec WHERE a {inside} OR b {inside}")  # noqa: S608
            db.execute("CREATE TEMP TABLE IF NOT EXISTS kg_same (key TEXT, pid TEXT, PRIMARY KEY (key, pid)) WITHOUT ROWID")
            db.execute("DELETE FROM temp.kg_same")
            db.executemany("INSERT INTO temp.kg_same VALUES (?, ?)", sorted(same))
            db.execute(f"DELETE FROM {p}use WHERE key {inside} AND NOT EXISTS"  # noqa: S608
                       f" (SELECT 1 FROM temp.kg_same s WHERE s.key = {p}use.key AND s.pid = {p}use.pid)")
        # rows of the key-ordered tables in key order: B-tree inserts in order cost a fraction of scattered ones
        db.executemany(f"INSERT OR REPLACE INTO {p}node VALUES (?, ?, ?)", sorted((n, *v) for n, v in node_rows.items()))  # noqa: S608
        ambiguous = {key for _pid, key in detail["lookup"]} | {_base(n) for n, *_ in detail["nodes"] if SENSE in n}
        db.executemany(f"INSERT INTO {p}group VALUES (?, ?)", (  # noqa: S608
            (_sortable(root), marshal.dumps((cid, concept, normal, [n for n in nodes if SENSE not in n and n not in ambiguous])))
            for root, nodes, cid, concept, normal in detail["groups"]))
        db.executemany(f"INSERT INTO {p}dec VALUES (?, ?, ?)", (  # noqa: S608
            (a, b, marshal.dumps((place, row))) for a, b, place, *row in detail["decisions"]))
        db.executemany(f"INSERT OR REPLACE INTO {p}look VALUES (?, ?, ?)", sorted((*k, cid) for k, cid in look.items()))  # noqa: S608
        db.executemany(f"INSERT INTO {p}use VALUES (?, ?, ?)", (  # noqa: S608
            (key, pid, marshal.dumps((node, forms, decided)))
            for key, pid, node, forms, decided in sorted(detail["senses"], key=lambda u: u[:2]) if (key, pid) not in same))
        for table in ("dirty", "redef", "tuse"):
            db.execute(f"DELETE FROM {p}{table}")  # noqa: S608
        db.execute(f"INSERT OR REPLACE INTO {p}meta VALUES ('derived', ?)", (self._digest,))  # noqa: S608
        db.commit()
        self._kept = True
        self._generation += 1

    def _derived(self) -> str | None:
        """The curated table's digest the kept decisions were derived with (None: none kept)."""
        row = self.db.execute(f"SELECT value FROM {self.P}meta WHERE key='derived'").fetchone()  # noqa: S608
        return row[0] if row else None

    def _read(self) -> ConceptResolution:
        """The kept decisions as one ConceptResolution, in the order a whole pass gives them."""
        db, p = self.db, self.P
        result = ConceptResolution()
        rows = result.concepts._rows
        merges = result.merges._rows
        for (body,) in db.execute(f"SELECT body FROM {p}group ORDER BY root"):  # noqa: S608
            cid, (name, kind, aliases, acronym, rules), normal, looked_up = marshal.loads(body)
            rules = tuple(rules)
            rows[cid] = (None, name, kind, tuple(aliases), acronym, _RULES.setdefault(rules, rules), _CONCEPT_SET)
            merges.extend(normal)
            for key in looked_up:
                result.global_lookup[key] = cid
        generation = self._generation

        def decided() -> Iterator[tuple]:
            # from the tables as this resolve left them: a later one rewrites them
            if self._generation != generation:
                raise KGError("concept merge decisions read after the next resolve changed them")
            rows = [marshal.loads(body) for (body,) in db.execute(f"SELECT body FROM {p}dec")]  # noqa: S608
            rows.sort(key=lambda d: d[0])
            return (("concept", *row) for _place, row in rows)

        result.merges.defer(decided)
        result.lookup = {(pid, key): cid for key, pid, cid in db.execute(f"SELECT key, pid, cid FROM {p}look")}  # noqa: S608
        return result


def _alias_digest(aliases: AliasTable) -> str:
    """What of the curated table the kept decisions depend on (in the order the pass reads it)."""
    import hashlib

    text = repr((list(aliases.merges.items()), [(sorted(pair), where) for pair, where in aliases.splits.items()]))
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


class _Definitions:
    """Acronym definitions (short key, long key, paper, ...) in SQLite, read back sorted by
    (short key, canonical long key, paper id) as Python sorts strings, and the concept keys of
    each defining paper (the context of its senses)."""

    def __init__(self, directory: str | None):
        self.db = sqlite3.connect(os.path.join(directory, "definitions.sqlite") if directory else ":memory:")
        self.db.execute("PRAGMA journal_mode=OFF")
        self.db.execute("PRAGMA synchronous=OFF")
        self.db.execute("CREATE TABLE d (sk BLOB, clk BLOB, pid BLOB, body BLOB)")
        self.db.execute("CREATE TABLE k (pid BLOB PRIMARY KEY, keys BLOB) WITHOUT ROWID")
        self._batch: list[tuple[bytes, bytes, bytes, bytes]] = []
        self._keys: list[tuple[bytes, bytes]] = []
        self._indexed = False

    def add(self, sk: str, clk: str, pid: str, definition: tuple[str, str, str, str]) -> None:
        self._batch.append((_sortable(sk), _sortable(clk), _sortable(pid), marshal.dumps(definition)))
        if len(self._batch) >= 5000:
            self._flush()

    def add_keys(self, pid: str, keys: tuple[str, ...]) -> None:
        """The concept keys of a paper that defines an acronym."""
        self._keys.append((_sortable(pid), marshal.dumps(keys)))
        if len(self._keys) >= 5000:
            self._flush()

    def _flush(self) -> None:
        self.db.executemany("INSERT INTO d VALUES (?, ?, ?, ?)", self._batch)
        self.db.executemany("INSERT INTO k VALUES (?, ?)", self._keys)
        self._batch, self._keys = [], []

    def context(self, sk: str, clk: str) -> set[str]:
        """Every concept key of the papers that define ``sk`` as ``clk``."""
        self._flush()
        if not self._indexed:
            self.db.execute("CREATE INDEX d_sense ON d (sk, clk)")
            self._indexed = True
        out: set[str] = set()
        rows = self.db.execute(
            "SELECT k.keys FROM d JOIN k ON k.pid = d.pid WHERE d.sk = ? AND d.clk = ?", (_sortable(sk), _sortable(clk))
        )
        for (keys,) in rows:
            out.update(marshal.loads(keys))
        return out

    def copy_from(self, path: str, prefix: str, keys: list[str] | None = None) -> None:
        """Every definition and defining paper's keys of another SQLite file's ``<prefix>def`` /
        ``<prefix>ctx`` tables (kept as this class keeps them, see ConceptCounts: ``ctx`` holds
        every paper's keys); with ``keys``, only the definitions of those short keys and their
        papers' keys."""
        self._flush()
        self.db.execute("ATTACH DATABASE ? AS src", (path,))
        if keys is None:
            self.db.execute(f"INSERT INTO d SELECT sk, clk, pid, body FROM src.{prefix}def")  # noqa: S608 - fixed names
        else:
            self.db.execute("CREATE TEMP TABLE want (sk BLOB PRIMARY KEY) WITHOUT ROWID")
            self.db.executemany("INSERT INTO temp.want VALUES (?)", ((_sortable(k),) for k in keys))
            self.db.execute(f"INSERT INTO d SELECT sk, clk, pid, body FROM src.{prefix}def WHERE sk IN (SELECT sk FROM temp.want)")  # noqa: S608
        self.db.execute(f"INSERT INTO k SELECT pid, keys FROM src.{prefix}ctx WHERE pid IN (SELECT pid FROM d)")  # noqa: S608
        self.db.commit()
        self.db.execute("DETACH DATABASE src")

    def ordered(self) -> Iterator[tuple[str, str, str, tuple[str, str, str, str]]]:
        self._flush()
        for sk, clk, pid, body in self.db.execute("SELECT sk, clk, pid, body FROM d ORDER BY sk, clk, pid"):
            yield _text(sk), _text(clk), _text(pid), marshal.loads(body)

    def __enter__(self) -> _Definitions:
        return self

    def __exit__(self, *exc) -> None:
        self.db.close()


def _sortable(text: str) -> bytes:
    # UTF-8 bytes compare (memcmp, SQLite's BLOB order) as Python compares code points;
    # surrogatepass keeps lone surrogates in that order too
    return text.encode("utf-8", "surrogatepass")


def _text(blob: bytes) -> str:
    return blob.decode("utf-8", "surrogatepass")


def _paper_uses(
    mentions: Iterable[MentionLike], acronyms: Iterable[AcronymLike]
) -> tuple[dict[str, list[tuple[str, str | None]]], dict[str, tuple[str, str, str, str]]]:
    """One paper's uses (concept key -> (surface, kind) forms) and definitions (short key ->
    (long key, long, short, sentence), the first one per short key)."""
    uses: dict[str, list[tuple[str, str | None]]] = defaultdict(list)
    definitions: dict[str, tuple[str, str, str, str]] = {}
    for m in mentions:
        text, kind = (m.text, m.type) if isinstance(m, Mention) else (m[0], m[1])
        if text and text.strip():
            uses[concept_key(text)].append((text.strip(), kind))
    for a in acronyms:
        if isinstance(a, AcronymPair):
            long, short, kind, sentence = a.long, a.short, a.type, a.evidence.sentence
        else:  # (long, short) or the compact (long, short, kind, sentence) of a streamed corpus
            long, short, kind, sentence = (a[0], a[1], None, "") if len(a) == 2 else tuple(a)
        lk, sk = concept_key(long), concept_key(short)
        if not lk or not sk or lk == sk:
            continue
        kind = kind or _first_kind(uses.get(lk)) or _first_kind(uses.get(sk))
        if lk not in uses:
            uses[lk].append((long.strip(), kind))
        if sk not in uses:
            uses[sk].append((short.strip(), kind))
        definitions.setdefault(sk, (lk, long.strip(), short.strip(), sentence))
    return uses, definitions


def _resolve(
    papers: Callable[[], Iterable[tuple[str, Iterable[MentionLike], Iterable[AcronymLike]]]],
    definitions: _Definitions,
    *,
    aliases: AliasTable | None,
    full_lookup: bool,
    counted: tuple[dict[str, Counter[str]], dict[str, Counter[str]], Mapping[str, Mapping[str, object]]] | None = None,
    detail: dict | None = None,
    redo: Callable[[str, str], bool] | None = None,
    kept: Callable[[set[str]], Iterable[tuple]] | None = None,
    unread: Callable[[set[str]], Iterable[tuple[str, str, tuple[str, ...], list]]] | None = None,
    outside: Callable[[str], int] | None = None,
) -> ConceptResolution:
    """The resolution over ``papers()`` (called twice: each call yields every paper once, by id).

    With ``counted`` (pass 1's surface counts, kind counts and acronym senses, given as
    ConceptCounts keeps them, with ``definitions`` filled), pass 1 is skipped and pass 2 calls
    ``papers(ambiguous keys)`` for the papers, by id, that use any of them.

    Pass 1 counts surfaces and kinds per concept key (additive) and writes each definition to
    ``definitions``; pass 2 keeps, of each paper, only what an ambiguous acronym's sense needs
    (its keys, and its uses and definitions of ambiguous acronyms).

    ``detail`` (a dict) receives what ConceptCounts keeps of each group, node, decision and use
    of an ambiguous acronym. ``redo(paper, key)`` says whether a paper's use of an ambiguous key
    is decided again (default: all); ``kept(ambiguous keys)`` yields the uses not decided again
    as ``detail["senses"]`` gave them; ``unread(ambiguous keys)`` yields (paper, key, the paper's
    keys in their order, the use's forms) of uses decided again without reading their paper (one
    that does not define the key; ``redo`` is false for them). The decisions over a set of nodes closed under every rule that can join
    two nodes are those of the whole corpus restricted to them: ConceptCounts derives only those.
    ``outside(letters)``: how many long forms with those initials the corpus has beyond ``papers``'
    nodes (ConceptCounts does not close over initials buckets that keep two or more).
    """
    aliases = aliases if aliases is not None else default_aliases()
    canon = _canon(aliases)

    if counted is not None:  # pass 1 done elsewhere (ConceptCounts), definitions given
        node_surfaces, node_kinds, sense_keys = counted
    else:
        # ---- pass 1: surface and kind counts per key; acronym senses: short key -> canonical long keys
        node_surfaces = defaultdict(Counter)
        node_kinds = defaultdict(Counter)
        sense_keys = defaultdict(dict)
        for pid, mentions, acronyms in papers():
            uses, defined = _paper_uses(mentions, acronyms)
            for key, forms in uses.items():
                surfaces = node_surfaces[key]
                for text, kind in forms:
                    surfaces[text] += 1
                    if kind:
                        node_kinds[key][kind] += 1
            for sk, definition in defined.items():
                clk = canon(definition[0])
                sense_keys[sk][clk] = None
                definitions.add(sk, clk, pid, definition)
            if defined:  # a defining paper's keys are the context of its senses
                definitions.add_keys(pid, tuple(uses))
    ambiguous = {sk for sk, s in sense_keys.items() if len(s) > 1}
    if counted is not None:
        papers = functools.partial(papers, ambiguous)  # only the papers that use one of them
    for key in ambiguous:  # counted per sense in pass 2
        node_surfaces.pop(key, None)
        node_kinds.pop(key, None)

    # ---- pass 2: which sense each use of an ambiguous acronym means (defining papers use it too)
    result = ConceptResolution()
    node_of: dict[tuple[str, str], str] = {}
    uf = _UnionFind()
    decisions: list[tuple[str, str, str, str]] = []  # (node a, node b, rule, evidence)
    #: each decision's place in the order of this pass (phase, then what the phase iterates by)
    order: list[tuple] = []
    #: (acronym key, sense) -> the keys of the papers defining it: the same for every paper that asks
    contexts: dict[tuple[str, str], set[str]] = {}

    def context(key: str, lk: str) -> set[str]:
        found = contexts.get((key, lk))
        if found is None:
            found = contexts[(key, lk)] = definitions.context(key, lk) - {key, lk}
        return found

    senses: list[tuple] = []  # (key, paper, node, forms, (decision, place) or None) of each use decided

    def count(key: str, pid: str, node: str, forms: list, decided: tuple | None) -> None:
        node_of[(pid, key)] = node
        for text, kind in forms:
            node_surfaces[node][text] += 1
            if kind:
                node_kinds[node][kind] += 1
        if detail is not None:
            senses.append((key, pid, node, forms, decided))

    if ambiguous or full_lookup:
        for pid, mentions, acronyms in papers():
            uses, defined = _paper_uses(mentions, acronyms)
            if full_lookup:
                node_of.update(((pid, key), key) for key in uses if key not in ambiguous)
            for i, (key, forms) in enumerate(uses.items()):
                if key not in ambiguous or (redo is not None and not redo(pid, key)):
                    continue
                before = len(decisions)
                node = _sense_node(pid, key, defined, sense_keys[key], uses, forms, aliases, decisions, canon, context)
                order.extend((0, pid, i) for _ in range(len(decisions) - len(order)))
                count(key, pid, node, forms, (decisions[-1], order[-1]) if len(decisions) > before else None)
    if unread is not None:
        for pid, key, keys, forms in unread(ambiguous):
            before = len(decisions)
            node = _sense_node(pid, key, {}, sense_keys[key], keys, forms, aliases, decisions, canon, context)
            order.extend((0, pid, keys.index(key)) for _ in range(len(decisions) - len(order)))
            count(key, pid, node, forms, (decisions[-1], order[-1]) if len(decisions) > before else None)
    if kept is not None:  # uses whose sense cannot have changed, as last decided
        for key, pid, node, forms, decided in kept(ambiguous):
            if decided is not None:
                decisions.append(decided[0])
                order.append(decided[1])
            count(key, pid, node, forms, decided)
    del contexts
    for node in node_surfaces:
        uf.add(node)

    def try_union(a: str, b: str, rule: str, evidence: str, place: tuple) -> bool:
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
                order.append(place)
                return False
        uf.union(a, b)
        decisions.append((a, b, rule, evidence))
        order.append(place)
        return True

    # 2. acronym definitions, the paper's own word first
    for sk, lk, pid, (long_key, long, short, sentence) in definitions.ordered():
        short_node = f"{sk}{SENSE}{lk}" if sk in ambiguous else sk
        evidence = f"{short} = {long} in {pid}" + (f": {sentence}" if sentence else "")
        try_union(long_key, short_node, "acronym-definition", evidence, (1, sk, lk, pid))

    # 3a. curated aliases (a key can only be merged into its target's key)
    for key in sorted({_base(n) for n in uf.parent if SENSE not in n}):
        if key in aliases.merges and key not in ambiguous:
            target_text, where = aliases.merges[key]
            tk = concept_key(target_text)
            if tk == key:
                continue
            if tk not in uf.parent:
                node_surfaces[tk][target_text] += 0
            try_union(tk, key, "curated-alias", f"{_top(node_surfaces[key]) or key} -> {target_text} ({where})", (2, key))

    # 3b. initials of an undefined acronym that match exactly one long form of the same kind
    long_by_initials: dict[str, list[str]] = defaultdict(list)
    for node in uf.parent:
        surface = _top(node_surfaces[node])
        if SENSE not in node and surface and " " in surface and not is_acronym(surface):
            long_by_initials[initials(surface)].append(node)
    for node in sorted(uf.parent):
        surface = _top(node_surfaces[node])
        if SENSE in node or not surface or not is_acronym(surface) or node in sense_keys or node in aliases.merges:
            continue
        letters = surface[:-1] if surface.endswith("s") else surface
        # only plain letter acronyms: "PFGM++" or "GPT-4" name a variant, not the long form
        if not letters.isalpha() or len(letters) < 3:
            continue
        candidates = long_by_initials.get(letters.casefold(), [])
        if len(candidates) > 1:
            continue
        # the long forms beyond the pass's nodes are counted only when the pass's own leave one open
        beyond = outside(letters.casefold()) if outside is not None else 0
        if len(candidates) + beyond != 1:
            continue
        if not candidates:
            raise KGError(f"concept resolution: the one long form of {surface}'s initials is outside the pass (rebuild in full)")
        cand = candidates[0]
        if _kind(node_kinds[node]) != _kind(node_kinds[cand]) or uf.find(cand) == uf.find(node):
            continue
        try_union(cand, node, "acronym-initials", f"{surface} = initials of {_top(node_surfaces[cand])}", (3, node))

    # ---- build concepts from groups
    groups: dict[str, list[str]] = defaultdict(list)
    for node in uf.parent:
        groups[uf.find(node)].append(node)
    node_concept: dict[str, str] = {}
    rules_of: dict[str, set[str]] = defaultdict(set)
    for a, b, rule, _ in decisions:
        if not rule.startswith("split:") and a in uf.parent:
            rules_of[uf.find(a)].add(rule)
    kept_groups: list[tuple] = []
    for root, nodes in sorted(groups.items()):
        nodes.sort()
        normal_from = len(result.merges)
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
                        result.merges.add(top, other, "normalised-form", f"key={_base(n)}")
        if detail is not None:
            kept_groups.append((root, nodes, cid, (name, kind, result.concepts._rows[cid][3], acronym, sorted(rules)),
                                result.merges._rows[normal_from:]))

    for a, b, rule, evidence in decisions:
        result.merges.add(
            _top(node_surfaces.get(a, Counter())) or _base(a), _top(node_surfaces.get(b, Counter())) or _base(b), rule, evidence
        )
    for (pid, key), node in node_of.items():
        result.lookup[(pid, key)] = node_concept[node]
    for node, cid in node_concept.items():
        if SENSE not in node and node not in ambiguous:
            result.global_lookup[node] = cid
    if detail is not None:
        detail["groups"] = kept_groups
        detail["nodes"] = [(n, uf.find(n), _bucket(n, _top(node_surfaces[n]))) for n in uf.parent]
        normal = len(result.merges) - len(decisions)
        detail["decisions"] = [(a, b, place, *result.merges._rows[normal + i][1:])
                               for i, ((a, b, _r, _e), place) in enumerate(zip(decisions, order))]
        detail["lookup"] = result.lookup
        detail["senses"] = senses
    return result


def _bucket(node: str, surface: str) -> str | None:
    """Which initials rule bucket a node is in: "L" + the initials of a long form, "A" + the
    letters of an acronym (a superset of the nodes the rule matches; None for neither)."""
    if SENSE in node or not surface:
        return None
    if " " in surface and not is_acronym(surface):
        return "L" + initials(surface)
    if is_acronym(surface):
        letters = surface[:-1] if surface.endswith("s") else surface
        return "A" + letters.casefold()
    return None


def _canon(aliases: AliasTable) -> Callable[[str], str]:
    def canon(key: str) -> str:
        """A long form's key after curated merges, so two spellings of one sense count once."""
        return concept_key(aliases.merges[key][0]) if key in aliases.merges else key

    return canon


def _sense_node(pid, key, definitions, senses, uses, forms, aliases, decisions, canon, context) -> str:
    """Which sense of an ambiguous acronym a paper means; the bare key when it cannot tell.

    ``definitions`` and ``uses`` are the paper's own; ``senses`` the acronym's canonical long
    keys; ``context(key, sense)`` the keys of the papers defining it as that sense."""
    surface = forms[0][0]
    if key in definitions:
        return f"{key}{SENSE}{canon(definitions[key][0])}"
    own = set(uses) - {key}
    own_canon = {canon(k) for k in own}
    named = [lk for lk in senses if lk in own_canon]
    if len(named) == 1:
        decisions.append((f"{key}{SENSE}{named[0]}", key, "acronym-context", f"{pid} uses {surface} next to its long form"))
        return f"{key}{SENSE}{named[0]}"
    scores = []
    for lk in senses:
        ctx = context(key, lk)
        # the union's size without building it: a sense's context can hold thousands of keys
        shared = len(own & ctx)
        union = len(own) + len(ctx) - shared
        scores.append((shared / union if union else 0.0, lk))
    scores.sort(reverse=True)
    if scores and scores[0][0] > 0 and (len(scores) == 1 or scores[0][0] >= 2 * scores[1][0]):
        best = scores[0][1]
        decisions.append(
            (f"{key}{SENSE}{best}", key, "acronym-context", f"{pid} shares concepts with the papers defining {surface} as this (Jaccard {scores[0][0]:.2f})")
        )
        return f"{key}{SENSE}{best}"
    default = canon(concept_key(aliases.merges[key][0])) if key in aliases.merges else None
    if default in senses:
        decisions.append((f"{key}{SENSE}{default}", key, "acronym-curated-default", f"{pid} does not define {surface}; curated default sense"))
        return f"{key}{SENSE}{default}"
    decisions.append(
        (key, key, "split:ambiguous-acronym", f"{surface} in {pid} could mean any of {len(senses)} senses; kept apart")
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
