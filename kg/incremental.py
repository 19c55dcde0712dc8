"""What the last successful build of one store left behind, so the next build works in proportion
to the change instead of the corpus.

Per store, a SQLite file under the build's cache directory holds:

- ``file`` / ``entry``: every input file's content hash, place in the reading order and the entries
  it parsed to (Papers and SkippedRecords as JSON, with what deduplication looks at), so an
  unchanged file is not parsed again; ``merged``: the paper each group of duplicate entries merged
  to, by the group's entries, with the group's place in the corpus order, so an unchanged group is
  not merged again; ``member``: the group of every paper entry, so a build that keeps unchanged
  files whole groups again only the entries sharing a key with the change (kg.pipeline.Spool);
- ``contrib``: what each paper gave the corpus-wide resolution pass (its byline, org slugs,
  concept uses and acronym definitions, under its record digest), so that pass reads neither the
  papers nor the extractions of unchanged papers again;
- ``cc_*``: pass 1 of the concept resolution over those contributions, kept additive
  (kg.resolve.concepts.ConceptCounts): a build takes out the contributions of changed and
  removed papers, adds those of new and changed ones, and decides from the counts;
- ``paper``: every paper of the last build with a digest of its record, its content hash and the
  references it resolves through (author names, org slugs, concept keys);
- ``uses``: the inverted index of those references (ref -> paper ids);
- ``map`` / ``override``: the corpus-wide decisions the last build made (ref -> node id, and the
  per-paper concept decisions), and ``node``: a digest of every resolved shared node (and a
  concept's name, which Result rows carry).

After the first resolution pass, the new decisions are compared with these: the papers whose rows
can change are the new and changed ones, those using a reference that now resolves elsewhere,
and those citing a concept whose name changed; a shared node whose values changed is written by
passing one paper that refers to it. Everything else is kept as it is in the store.

Trust: the tables are only believed when the ``token`` (settings fingerprint and the store's
files as the build left them) matches. A build clears the token before it changes anything and
writes it last, so a build killed at any point leaves no token and the next build takes the full
path (and rewrites the tables from scratch).
"""

from __future__ import annotations

import hashlib
import json
import marshal
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from kg.models import Paper, PaperExtraction

#: the layout of the tables below; another one is dropped and the next build is a full one
SCHEMA = "7"
#: a reference's kind, the first character of its text in ``uses`` / ``map``
AUTHOR, ORG, CONCEPT = "a", "o", "c"


def node_digest(node) -> str:
    """A digest of every field of a shared node (Author, Affiliation, Concept)."""
    return hashlib.blake2b(repr(tuple(node.__dict__.values())).encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


def text_digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


def paper_refs(paper: Paper, extraction: PaperExtraction | None) -> list[str]:
    """The references a paper's rows are resolved through: every author name, org slug and
    concept key it consults (whether or not it resolves), distinct, in a stable order."""
    from kg.resolve.graph import concept_uses
    from kg.resolve.names import concept_key

    refs = [AUTHOR + n for n in paper.authors] + [ORG + s for s in paper.orgs]
    if extraction is not None:
        refs += [CONCEPT + concept_key(text) for text, _kind in concept_uses(extraction)]
    return list(dict.fromkeys(refs))


def decision_map(resolution) -> Iterator[tuple[str, str]]:
    """(ref, node id) of every corpus-wide decision of a CorpusResolution."""
    for name, aid in resolution.people.lookup.items():
        if aid is not None:
            yield AUTHOR + name, aid
    for slug, oid in resolution.orgs.lookup.items():
        yield ORG + slug, oid
    for key, cid in resolution.concepts.global_lookup.items():
        yield CONCEPT + key, cid


def node_rows(resolution) -> Iterator[tuple[str, str, str | None]]:
    """(id, digest, name when a concept) of every resolved shared node."""
    for a in resolution.people.authors.values():
        yield a.id, node_digest(a), None
    for o in resolution.orgs.affiliations.values():
        yield o.id, node_digest(o), None
    for c in resolution.concepts.concepts.values():
        yield c.id, node_digest(c), c.name


def _head(body: bytes) -> bytes:
    """A marshalled contribution without its concept part (see BuildState.contributions)."""
    pid, authors, orgs, *_concepts = marshal.loads(body)
    return marshal.dumps((pid, authors, orgs, None, None))


#: the SQL of a spooled paper's JSON (kg.pipeline.Spool's ``paper`` table as ``p``, the build state attached
#: as ``st``): its own, or the last build's merge of the same entries, which the spool does not copy
SPOOLED_BODY = "CASE WHEN p.body IS NOT NULL THEN p.body ELSE (SELECT m.body FROM st.merged m WHERE m.sig = p.sig) END"


@contextmanager
def attached(db: sqlite3.Connection, path: Path, alias: str) -> Iterator[sqlite3.Connection]:
    """``db`` with the SQLite file ``path`` attached as ``alias`` for the block (detached after)."""
    db.commit()  # ATTACH is refused inside a transaction
    db.execute(f"ATTACH DATABASE ? AS {alias}", (str(path),))
    try:
        yield db
    finally:
        db.commit()
        db.execute(f"DETACH DATABASE {alias}")


#: papers per statement of :func:`spooled_contributions`
CONTRIBUTION_PAGE = 2000


def spooled_contributions(spool_path: Path, state_path: Path) -> Iterator[tuple[str, str, str | None, bytes | None]]:
    """What :meth:`BuildState.contributions` yields, read through connections of its own (so a
    forked process may read it: a connection must not cross a fork).

    Read a page of papers at a time, each page's statement run to its end: one statement over the
    whole corpus held a read transaction on the build state while the pass committed its counts
    into it, so no checkpoint could copy those commits back and its write-ahead log grew with each
    (1.57 GB at 100k papers; past 49 GB, filling the disk, at 1M)."""
    reader = sqlite3.connect(spool_path)
    try:
        reader.execute("ATTACH DATABASE ? AS st", (str(state_path),))
        # a paper's JSON is in the spool, or in ``merged`` when the last build merged it alike
        query = (
            f"SELECT p.seq, p.id, p.digest, CASE WHEN c.head IS NOT NULL THEN NULL ELSE {SPOOLED_BODY} END, c.head"  # noqa: S608
            " FROM paper p LEFT JOIN st.contrib c ON c.pid = p.id AND c.digest = p.digest"
            " WHERE p.seq > ? ORDER BY p.seq LIMIT ?"
        )
        after = -(1 << 62)  # below every seq
        while page := reader.execute(query, (after, CONTRIBUTION_PAGE)).fetchall():
            after = page[-1][0]
            yield from (row[1:] for row in page)
    finally:
        reader.close()


@contextmanager
def _temp_keys(db: sqlite3.Connection, table: str, column: str, values: Iterable[str]) -> Iterator[None]:
    """The temporary one-column table ``table`` holding ``values`` for the block (to join the
    state's tables with), emptied after it. ``table`` and ``column`` are fixed names of this module."""
    db.execute(f"CREATE TEMP TABLE IF NOT EXISTS {table} ({column} TEXT PRIMARY KEY) WITHOUT ROWID")
    db.execute(f"DELETE FROM {table}")  # noqa: S608
    db.executemany(f"INSERT OR IGNORE INTO {table} VALUES (?)", ((v,) for v in values))  # noqa: S608
    yield
    db.execute(f"DELETE FROM {table}")  # noqa: S608


class BuildState:
    """The incremental-build tables of one store (see the module docstring)."""

    def __init__(self, cache_dir: Path, store: str):
        folder = cache_dir / "state"
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / f"{text_digest(store)}.sqlite"
        self.db = sqlite3.connect(self.path)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        # freed pages are not zeroed (Debian's SQLite zeroes them by default): with it, emptying the state
        # for a full build wrote all of it to the log (a 100k state's 635 MB: 638 MB of log, 4 s; now 0.2 s)
        self.db.execute("PRAGMA secure_delete=OFF")
        self.db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
        row = self.db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
        #: the file held tables of another layout (an older kg): the next build is a full one
        self.upgraded = row is not None and row[0] != SCHEMA
        if row is None or row[0] != SCHEMA:  # tables of another layout: start again
            for (table,) in self.db.execute("SELECT name FROM sqlite_master WHERE type='table'").fetchall():
                self.db.execute(f"DROP TABLE {table}")  # noqa: S608 - names from sqlite_master
            self.db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
            self.db.execute("INSERT INTO meta VALUES ('schema', ?)", (SCHEMA,))
        for ddl in (
            # pos: the file's place in the last build's reading order
            "CREATE TABLE IF NOT EXISTS file (path TEXT PRIMARY KEY, sha TEXT, byline INTEGER, known TEXT, pos INTEGER)",
            # digest: of a paper entry's JSON, which is all a duplicate group's signature needs of it;
            # arxiv, tkey: the keys grouping matches on (kg.ingest.dedup.DedupIndex), indexed below
            "CREATE TABLE IF NOT EXISTS entry (path TEXT, seq INTEGER, kind TEXT, body TEXT, title TEXT, dkey TEXT,"
            " digest TEXT, arxiv TEXT, tkey TEXT, PRIMARY KEY (path, seq))",
            "CREATE INDEX IF NOT EXISTS entry_arxiv ON entry (arxiv)",
            "CREATE INDEX IF NOT EXISTS entry_tkey ON entry (tkey)",
            # a rowid table: its rows are whole papers (WITHOUT ROWID suits small rows only); src, line: the
            # group's first (source, line), cpath, cseq: its first entry in reading order (the corpus order)
            "CREATE TABLE IF NOT EXISTS merged (sig TEXT PRIMARY KEY, id TEXT, content_hash TEXT, body TEXT, digest TEXT,"
            " src TEXT, line INTEGER, cpath TEXT, cseq INTEGER)",
            # the group (signature) of every paper entry of the last build
            "CREATE TABLE IF NOT EXISTS member (path TEXT, seq INTEGER, sig TEXT, PRIMARY KEY (path, seq)) WITHOUT ROWID",
            "CREATE TABLE IF NOT EXISTS paper (id TEXT PRIMARY KEY, digest TEXT, content_hash TEXT, refs TEXT)",
            "CREATE TABLE IF NOT EXISTS uses (ref TEXT, pid TEXT, PRIMARY KEY (ref, pid)) WITHOUT ROWID",
            "CREATE TABLE IF NOT EXISTS map (ref TEXT PRIMARY KEY, id TEXT) WITHOUT ROWID",
            "CREATE TABLE IF NOT EXISTS override (pid TEXT, ref TEXT, id TEXT, PRIMARY KEY (pid, ref)) WITHOUT ROWID",
            # a scoped diff reads the per-paper decisions of the keys derived again
            "CREATE INDEX IF NOT EXISTS override_ref ON override (ref)",
            "CREATE TABLE IF NOT EXISTS node (id TEXT PRIMARY KEY, digest TEXT, name TEXT) WITHOUT ROWID",
            # head: the contribution without its concept part, all the byline pass reads of an unchanged paper
            "CREATE TABLE IF NOT EXISTS contrib (pid TEXT PRIMARY KEY, digest TEXT, body BLOB, head BLOB)",
        ):
            self.db.execute(ddl)
        self.db.commit()

    # ----------------------------------------------------------------- trust
    def token(self) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key='token'").fetchone()
        return row[0] if row else None

    def invalidate(self) -> None:
        """Forget the token before the build changes anything (committed at once)."""
        self.db.execute("DELETE FROM meta WHERE key='token'")
        self.db.commit()

    def reset(self) -> None:
        """Empty every table: a full build writes them again."""
        for table in ("file", "entry", "merged", "member", "paper", "uses", "map", "override", "node", "contrib"):
            self.db.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
        from kg.resolve.concepts import ConceptCounts

        from kg.resolve.authors import AuthorCounts

        for table in ConceptCounts.TABLES + AuthorCounts.TABLES:  # made again (empty) when a build counts
            self.db.execute(f"DROP TABLE IF EXISTS {table}")  # noqa: S608 - fixed table names
        self.db.commit()

    def seal(self, token: str) -> None:
        """Everything written: the tables describe the store as ``token`` says (last step of a build)."""
        self.db.execute("INSERT OR REPLACE INTO meta VALUES ('token', ?)", (token,))
        self.db.commit()

    # ----------------------------------------------------------------- ingest
    def file(self, path: str) -> tuple[str, bool, str | None] | None:
        """(content hash, is a header-byline file, the title questions its reading asked) of a file as last parsed."""
        row = self.db.execute("SELECT sha, byline, known FROM file WHERE path=?", (path,)).fetchone()
        return (row[0], bool(row[1]), row[2]) if row else None

    def entries(self, path: str) -> Iterator[tuple[int, str, str | None, str | None, str | None, str | None]]:
        """(place in the file, kind "p"/"s", JSON body of a skipped record (None for a paper: see
        kg.pipeline.Spool, which reads it from here by place only when it merges), normalised title
        when other files' bylines use it, a paper's kg.ingest.dedup.dedup_keys as JSON, the digest
        of a paper's JSON) of a file's entries, in file order."""
        yield from self.db.execute(
            "SELECT seq, kind, CASE kind WHEN 's' THEN body END, title, dkey, digest FROM entry WHERE path=? ORDER BY seq",
            (path,))

    def entry_body(self, path: str, seq: int) -> str:
        """The JSON of the entry at ``seq`` in ``path`` (as :meth:`put_file` recorded it)."""
        return self.db.execute("SELECT body FROM entry WHERE path=? AND seq=?", (path, seq)).fetchone()[0]

    def put_file(self, path: str, sha: str, byline: bool, known: str | None,
                 entries: list[tuple[str, str, str | None, str | None, str | None, str | None, str | None]]) -> None:
        """Record a parsed file: its entries as (kind, JSON, title, dedup keys as JSON, digest of a
        paper's JSON, its arXiv id, its normalised title)."""
        self.db.execute("DELETE FROM entry WHERE path=?", (path,))
        self.db.executemany("INSERT INTO entry VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            ((path, i, *e) for i, e in enumerate(entries)))
        self.db.execute("INSERT OR REPLACE INTO file VALUES (?, ?, ?, ?, NULL)", (path, sha, int(byline), known))

    def put_positions(self, order: list[str]) -> None:
        """Record each input file's place in this build's reading order."""
        self.db.executemany("UPDATE file SET pos=? WHERE path=?", ((i, p) for i, p in enumerate(order)))

    def keeps_order(self, paths: list[str]) -> bool:
        """Whether files recorded by the last build, in this build's reading order, were read in
        that order then too, and the last build left its groups (:meth:`put_members`): only then may
        an unchanged file be kept whole (kg.pipeline.corpus_entries)."""
        if not self.has_merges() or self.db.execute("SELECT NOT EXISTS (SELECT 1 FROM member)").fetchone()[0]:
            return False
        was = dict(self.db.execute("SELECT path, pos FROM file"))
        places = [was.get(p) for p in paths]
        return None not in places and all(a < b for a, b in zip(places, places[1:]))

    def titles_of(self, paths: list[str]) -> set[str]:
        """The titles recorded for other files' bylines (:meth:`entries`) of ``paths``."""
        out: set[str] = set()
        for path in paths:
            out.update(t for (t,) in self.db.execute(
                "SELECT title FROM entry WHERE path=? AND title IS NOT NULL", (path,)))
        return out

    def skipped_of(self, path: str) -> list[str]:
        """The JSON of the skipped records of a recorded file, in file order."""
        return [b for (b,) in self.db.execute("SELECT body FROM entry WHERE path=? AND kind='s' ORDER BY seq", (path,))]

    def count_entries(self, paths: Iterable[str]) -> int:
        return sum(self.db.execute("SELECT COUNT(*) FROM entry WHERE path=?", (p,)).fetchone()[0] for p in paths)

    def _gone(self) -> sqlite3.Connection:
        """The connection, with the temporary tables of the entries noted gone (note_gone, touched)."""
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS gone_key (arxiv TEXT, tkey TEXT)")
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS gone_sig (sig TEXT PRIMARY KEY) WITHOUT ROWID")
        return self.db

    def note_gone(self, path: str) -> None:
        """Before a recorded file's entries are replaced or dropped: note their keys and groups, which
        the next grouping must redo (:meth:`touched`)."""
        db = self._gone()
        db.execute("INSERT INTO gone_key SELECT arxiv, tkey FROM entry WHERE path=? AND kind='p'", (path,))
        db.execute("INSERT OR IGNORE INTO gone_sig SELECT sig FROM member WHERE path=?", (path,))
        db.execute("DELETE FROM member WHERE path=?", (path,))

    def touched(self, kept: set[str], arxiv: set[str], titles: set[str]
                ) -> tuple[list[tuple[str, int, str, str, str]], set[str]]:
        """The entries of the ``kept`` files whose grouping can change: those sharing an arXiv id or a
        normalised title with ``arxiv`` / ``titles`` (the new entries' keys) or with the entries noted
        gone, and, again and again, with each entry found. Returns their (path, place, dedup keys as
        JSON, digest, last group's signature) and the signatures of every group they or the gone
        entries were in. Grouping decides an entry from the groups holding its keys only, so the
        other entries group as they did (kg.ingest.dedup.DedupIndex)."""
        db = self._gone()
        sigs = {s for (s,) in db.execute("SELECT sig FROM gone_sig")}
        for a, t in db.execute("SELECT arxiv, tkey FROM gone_key").fetchall():
            if a:
                arxiv.add(a)
            titles.add(t)
        db.execute("DELETE FROM gone_key")
        db.execute("DELETE FROM gone_sig")
        seen_a, seen_t = set(), set()
        found: dict[tuple[str, int], tuple[str, int, str, str, str]] = {}
        new_a, new_t = {a for a in arxiv if a}, set(titles)
        while new_a or new_t:
            seen_a |= new_a
            seen_t |= new_t
            rows: list[tuple] = []
            for column, keys in (("arxiv", sorted(new_a)), ("tkey", sorted(new_t))):
                for i in range(0, len(keys), 500):
                    part = keys[i : i + 500]
                    rows += db.execute(
                        "SELECT e.path, e.seq, e.dkey, e.digest, m.sig, e.arxiv, e.tkey FROM entry e"  # noqa: S608
                        f" JOIN member m ON m.path = e.path AND m.seq = e.seq WHERE e.{column} IN ({','.join('?' * len(part))})",
                        part).fetchall()
            new_a, new_t = set(), set()
            for path, seq, dkey, digest, sig, a, t in rows:
                if path not in kept or (path, seq) in found:
                    continue
                found[(path, seq)] = (path, seq, dkey, digest, sig)
                sigs.add(sig)
                if a and a not in seen_a:
                    new_a.add(a)
                if t is not None and t not in seen_t:
                    new_t.add(t)
        return list(found.values()), sigs

    def put_members(self, rows: Iterable[tuple[str, int, str]]) -> None:
        """Record (path, place, group signature) of paper entries."""
        self.db.executemany("INSERT OR REPLACE INTO member VALUES (?, ?, ?)", rows)

    def members_of(self, spool_path: Path) -> None:
        """Every entry's group from a build's spool (kg.pipeline.Spool's ``entry`` and ``gsig`` tables)."""
        with attached(self.db, spool_path, "sp") as db:
            db.execute("DELETE FROM member")
            db.execute("INSERT INTO member SELECT e.fpath, e.fseq, g.sig FROM sp.entry e JOIN sp.gsig g ON g.grp = e.grp")

    def drop_merged(self, sigs: Iterable[str]) -> None:
        self.db.executemany("DELETE FROM merged WHERE sig=?", ((s,) for s in sigs))

    def merged(self, sig: str) -> tuple[str, str, str, str] | None:
        """(id, content hash, JSON, digest) of the paper the entries with signature ``sig`` merged to."""
        return self.db.execute("SELECT id, content_hash, body, digest FROM merged WHERE sig=?", (sig,)).fetchone()

    def merged_many(self, sigs: list[str]) -> dict[str, tuple[str, str, str, str]]:
        """{signature: what :meth:`merged` gives} of the signatures among ``sigs`` (at most 500) that are known."""
        return self._merged_rows(sigs, "id, content_hash, body, digest")

    def merged_heads(self, sigs: list[str]) -> dict[str, tuple[str, str, str]]:
        """:meth:`merged_many` without the JSON, (id, content hash, digest): kg.pipeline.Spool reads
        the JSON from here only when asked."""
        return self._merged_rows(sigs, "id, content_hash, digest")

    def _merged_rows(self, sigs: list[str], columns: str) -> dict[str, tuple]:
        marks = ",".join("?" * len(sigs))
        return {sig: tuple(rest) for sig, *rest in self.db.execute(
            f"SELECT sig, {columns} FROM merged WHERE sig IN ({marks})", sigs)}  # noqa: S608 - fixed names

    def put_merged(self, rows: list[tuple[str, str, str, str, str, str, int, str, int]], live: list[str]) -> None:
        """Record (signature, id, content hash, JSON, digest, first source, first line, first
        entry's path and place) of new merges and note the
        signatures in ``live`` as groups of this build; called batch by batch while ingest
        streams (a corpus's merged papers are not held in memory), then :meth:`keep_merged`."""
        db = self.db
        db.executemany("INSERT OR REPLACE INTO merged VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        db.execute("CREATE TEMP TABLE IF NOT EXISTS live_sig (sig TEXT PRIMARY KEY) WITHOUT ROWID")
        db.executemany("INSERT OR IGNORE INTO live_sig VALUES (?)", ((s,) for s in live))

    def has_merges(self) -> bool:
        """Whether the last build left any merge (a full build starts with none)."""
        return self.db.execute("SELECT EXISTS (SELECT 1 FROM merged)").fetchone()[0] == 1

    def keep_merged_of(self, spool_path: Path) -> None:
        """Forget every merge whose signature is not one of a build's groups (kg.pipeline.Spool's
        ``gsig`` table, committed): :meth:`keep_merged` without passing them through Python."""
        with attached(self.db, spool_path, "sp") as db:
            db.execute("DELETE FROM merged WHERE sig NOT IN (SELECT sig FROM sp.gsig)")

    def keep_merged(self) -> None:
        """Forget every merge whose signature no :meth:`put_merged` call of this ingest noted."""
        db = self.db
        db.execute("CREATE TEMP TABLE IF NOT EXISTS live_sig (sig TEXT PRIMARY KEY) WITHOUT ROWID")
        db.execute("DELETE FROM merged WHERE sig NOT IN (SELECT sig FROM live_sig)")
        db.execute("DELETE FROM live_sig")

    def keep_files(self, paths: Iterable[str]) -> None:
        """Drop the records of files that are no longer inputs."""
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS live (path TEXT PRIMARY KEY)")
        self.db.execute("DELETE FROM live")
        self.db.executemany("INSERT OR IGNORE INTO live VALUES (?)", ((p,) for p in paths))
        self.db.execute("DELETE FROM entry WHERE path NOT IN (SELECT path FROM live)")
        self.db.execute("DELETE FROM member WHERE path NOT IN (SELECT path FROM live)")
        self.db.execute("DELETE FROM file WHERE path NOT IN (SELECT path FROM live)")
        self.db.commit()

    # ----------------------------------------------------------------- papers and decisions
    def _spool(self, spool_path: Path):
        """This connection with a build's spool (kg.pipeline.Spool) attached as ``sp``: a diff
        over every paper joins inside SQLite instead of passing each paper's keys through Python."""
        return attached(self.db, spool_path, "sp")

    def content_hashes_equal(self, spool_path: Path) -> int:
        """How many of a build's spooled papers the last build had with the same content hash."""
        with self._spool(spool_path) as db:
            ((n,),) = db.execute("SELECT COUNT(*) FROM sp.paper c JOIN main.paper p ON p.id = c.id"
                                 " WHERE p.content_hash = c.content_hash").fetchall()
        return n

    def diff_decisions(self, resolution, touched: tuple[set[str], set[str]] | None = None
                       ) -> tuple[set[str], set[str], set[str], set[str]]:
        """Compare the new corpus-wide decisions with the stored ones and store the new ones.

        Returns (refs resolving differently, paper ids whose per-paper decisions changed,
        shared node ids whose values changed, concept ids whose name changed). With ``touched``
        (author names, concept keys: outside them every decision is known to be the stored
        one, see kg.resolve.authors.AuthorCounts.touched and kg.resolve.concepts.ConceptCounts.scope)
        only those refs, every org slug and the nodes they lead to are compared."""
        if touched is not None:
            return self._diff_touched(resolution, *touched)
        db = self.db
        db.execute("CREATE TEMP TABLE IF NOT EXISTS nmap (ref TEXT PRIMARY KEY, id TEXT) WITHOUT ROWID")
        db.execute("DELETE FROM nmap")
        db.executemany("INSERT OR REPLACE INTO nmap VALUES (?, ?)", decision_map(resolution))
        refs = {r[0] for r in db.execute(
            "SELECT n.ref FROM nmap n LEFT JOIN map o ON o.ref = n.ref WHERE o.id IS NOT n.id "
            "UNION SELECT o.ref FROM map o LEFT JOIN nmap n ON n.ref = o.ref WHERE n.ref IS NULL")}
        # the stored tables take only the differences: rewriting them cost in proportion to the corpus
        db.execute("DELETE FROM map WHERE ref NOT IN (SELECT ref FROM nmap)")
        db.execute("INSERT OR REPLACE INTO map SELECT n.ref, n.id FROM nmap n LEFT JOIN map o ON o.ref = n.ref"
                   " WHERE o.id IS NOT n.id")
        db.execute("DELETE FROM nmap")

        db.execute("CREATE TEMP TABLE IF NOT EXISTS nover (pid TEXT, ref TEXT, id TEXT, PRIMARY KEY (pid, ref)) WITHOUT ROWID")
        db.execute("DELETE FROM nover")
        db.executemany("INSERT OR REPLACE INTO nover VALUES (?, ?, ?)",
                       ((pid, CONCEPT + key, cid) for (pid, key), cid in resolution.concepts.lookup.items()))
        papers = {r[0] for r in db.execute(
            "SELECT n.pid FROM nover n LEFT JOIN override o ON o.pid = n.pid AND o.ref = n.ref WHERE o.id IS NOT n.id "
            "UNION SELECT o.pid FROM override o LEFT JOIN nover n ON n.pid = o.pid AND n.ref = o.ref WHERE n.ref IS NULL")}
        db.execute("DELETE FROM override WHERE NOT EXISTS (SELECT 1 FROM nover n WHERE n.pid = override.pid AND n.ref = override.ref)")
        db.execute("INSERT OR REPLACE INTO override SELECT n.pid, n.ref, n.id FROM nover n"
                   " LEFT JOIN override o ON o.pid = n.pid AND o.ref = n.ref WHERE o.id IS NOT n.id")
        db.execute("DELETE FROM nover")

        db.execute("CREATE TEMP TABLE IF NOT EXISTS nnode (id TEXT PRIMARY KEY, digest TEXT, name TEXT) WITHOUT ROWID")
        db.execute("DELETE FROM nnode")
        db.executemany("INSERT OR REPLACE INTO nnode VALUES (?, ?, ?)", node_rows(resolution))
        nodes, renamed = set(), set()
        for nid, old_name, new_name in db.execute(
            "SELECT n.id, o.name, n.name FROM nnode n LEFT JOIN node o ON o.id = n.id WHERE o.digest IS NOT n.digest"
        ):
            nodes.add(nid)
            if new_name is not None and old_name != new_name:
                renamed.add(nid)
        db.execute("DELETE FROM node WHERE id NOT IN (SELECT id FROM nnode)")
        db.execute("INSERT OR REPLACE INTO node SELECT n.id, n.digest, n.name FROM nnode n LEFT JOIN node o ON o.id = n.id"
                   " WHERE o.digest IS NOT n.digest")
        db.execute("DELETE FROM nnode")
        return refs, papers, nodes, renamed

    def _diff_touched(self, resolution, names: set[str], keys: set[str]) -> tuple[set[str], set[str], set[str], set[str]]:
        """diff_decisions over the touched refs only: the cost follows the change, not the corpus."""
        db = self.db
        people, orgs, concepts = resolution.people, resolution.orgs, resolution.concepts
        new: dict[str, str] = {}
        for name in names:
            aid = people.lookup.get(name)
            if aid is not None:
                new[AUTHOR + name] = aid
        for slug, oid in orgs.lookup.items():
            new[ORG + slug] = oid
        for key in keys:
            cid = concepts.global_lookup.get(key)
            if cid is not None:
                new[CONCEPT + key] = cid
        want = [AUTHOR + n for n in names] + [CONCEPT + k for k in keys]
        with _temp_keys(db, "want", "ref", want):
            old = dict(db.execute("SELECT m.ref, m.id FROM want w JOIN map m ON m.ref = w.ref"))
            old.update(db.execute("SELECT ref, id FROM map WHERE ref >= ? AND ref < ?", (ORG, chr(ord(ORG) + 1))))
            refs = {r for r in old.keys() | new.keys() if old.get(r) != new.get(r)}
            db.executemany("DELETE FROM map WHERE ref=?", ((r,) for r in refs if r not in new))
            db.executemany("INSERT OR REPLACE INTO map VALUES (?, ?)", ((r, new[r]) for r in refs if r in new))

            new_over = {(pid, CONCEPT + key): cid for (pid, key), cid in concepts.lookup.items() if key in keys}
            old_over = {(pid, ref): cid for pid, ref, cid in db.execute(
                "SELECT o.pid, o.ref, o.id FROM want w JOIN override o ON o.ref = w.ref")}
            moved = {k for k in old_over.keys() | new_over.keys() if old_over.get(k) != new_over.get(k)}
            db.executemany("DELETE FROM override WHERE pid=? AND ref=?", (k for k in moved if k not in new_over))
            db.executemany("INSERT OR REPLACE INTO override VALUES (?, ?, ?)",
                           ((*k, new_over[k]) for k in moved if k in new_over))

        # a node whose values changed has a touched ref (before or after): those are the candidates
        candidates = {*old.values(), *new.values(), *old_over.values(), *new_over.values()}
        now: dict[str, tuple[str, str | None]] = {}
        for nid in candidates:
            if nid in people.authors:
                now[nid] = (node_digest(people.authors[nid]), None)
            elif nid in orgs.affiliations:
                now[nid] = (node_digest(orgs.affiliations[nid]), None)
            elif nid in concepts.concepts:
                c = concepts.concepts[nid]
                now[nid] = (node_digest(c), c.name)
        with _temp_keys(db, "wnode", "id", candidates):
            was = {nid: (digest, name) for nid, digest, name in db.execute(
                "SELECT o.id, o.digest, o.name FROM wnode w JOIN node o ON o.id = w.id")}
        nodes, renamed = set(), set()
        for nid, (digest, name) in now.items():
            before = was.get(nid)
            if before is None or before[0] != digest:
                nodes.add(nid)
                if name is not None and (before[1] if before else None) != name:
                    renamed.add(nid)
        db.executemany("DELETE FROM node WHERE id=?", ((n,) for n in was if n not in now))
        db.executemany("INSERT OR REPLACE INTO node VALUES (?, ?, ?)", ((n, *now[n]) for n in nodes))
        return refs, {pid for pid, _ref in moved}, nodes, renamed

    def users(self, refs: Iterable[str]) -> set[str]:
        """Ids of the papers (of the last build) that use any of ``refs``."""
        db = self.db
        with _temp_keys(db, "want", "ref", refs):
            return {r[0] for r in db.execute("SELECT DISTINCT u.pid FROM want w JOIN uses u ON u.ref = w.ref")}

    def refs_of_nodes(self, node_ids: set[str]) -> dict[str, str]:
        """{ref: node id} of the refs that resolve to any of ``node_ids`` corpus-wide (per-paper
        decisions aside), as :meth:`diff_decisions` stored them: ``map`` then holds this build's
        decisions, so no walk over every decision of the resolution is needed (a scoped diff
        rewrites only the touched refs, the others are known to be the stored ones)."""
        if not node_ids:
            return {}
        db = self.db
        with _temp_keys(db, "wnode", "id", sorted(node_ids)):
            # one scan of map, each row's id probed in the small table (map has no index on id)
            return dict(db.execute("SELECT ref, id FROM map WHERE id IN (SELECT id FROM temp.wnode)"))

    def one_user_each(self, refs: dict[str, str]) -> set[str]:
        """One paper (of the last build) per node of ``refs`` ({ref: node id}) that uses one of its refs."""
        db = self.db
        chosen: dict[str, str] = {}
        with _temp_keys(db, "want", "ref", refs):
            for ref, pid in db.execute("SELECT w.ref, MIN(u.pid) FROM want w JOIN uses u ON u.ref = w.ref GROUP BY w.ref"):
                chosen.setdefault(refs[ref], pid)
        return set(chosen.values())

    def override_users(self, node_ids: set[str]) -> set[str]:
        """Papers whose per-paper concept decisions point at any of ``node_ids``."""
        if not node_ids:
            return set()
        out: set[str] = set()
        ids = list(node_ids)
        for i in range(0, len(ids), 500):
            part = ids[i : i + 500]
            marks = ",".join("?" * len(part))
            out.update(r[0] for r in self.db.execute(f"SELECT pid FROM override WHERE id IN ({marks})", part))  # noqa: S608
        return out

    def drop_papers(self, ids: Iterable[str]) -> None:
        """Forget papers (and their index entries) before they are recorded again or because they left."""
        db = self.db
        for pid in ids:
            row = db.execute("SELECT refs FROM paper WHERE id=?", (pid,)).fetchone()
            if row is None:
                continue
            db.executemany("DELETE FROM uses WHERE ref=? AND pid=?", ((r, pid) for r in json.loads(row[0])))
            db.execute("DELETE FROM paper WHERE id=?", (pid,))

    def contributions(self, spool_path: Path) -> Iterator[tuple[str, str, str | None, bytes | None]]:
        """(paper id, record digest, paper JSON, None) of every new or changed paper of a build's
        spool (kg.pipeline.Spool) and (paper id, record digest, None, stored contribution) of the
        others, in corpus order. A stored contribution (kg.resolve.graph.paper_contribution, kept
        with marshal) is the one kept for the same record digest, without its concept part (uses
        and acronyms None: ConceptCounts keeps what they gave): the byline pass reads no more."""
        self.db.commit()  # the reader below sees what this connection committed
        yield from spooled_contributions(spool_path, self.path)

    def count_contributions(self) -> int:
        """How many papers have a stored contribution (the key index counts them)."""
        return self.db.execute("SELECT COUNT(*) FROM contrib").fetchone()[0]

    def contribution(self, pid: str) -> bytes | None:
        """The stored contribution of a paper, whatever record it was made from."""
        row = self.db.execute("SELECT body FROM contrib WHERE pid=?", (pid,)).fetchone()
        return row[0] if row else None

    def contributions_of(self, ids: list[str]) -> dict[str, bytes]:
        """{paper id: stored contribution} of the papers among ``ids`` (at most 500) that have one."""
        marks = ",".join("?" * len(ids))
        return dict(self.db.execute(f"SELECT pid, body FROM contrib WHERE pid IN ({marks})", ids))  # noqa: S608

    def stale_contributions(self, spool_path: Path) -> list[tuple[str, bytes]]:
        """(paper id, contribution) of the stored papers that are not in a build's spool (gone)."""
        with self._spool(spool_path) as db:
            # the ids first (the key index covers them): scanning the table read every contribution
            gone = [r[0] for r in db.execute(
                "SELECT pid FROM contrib WHERE pid NOT IN (SELECT id FROM sp.paper)")]
        return [(pid, self.contribution(pid)) for pid in gone]

    def put_contributions(self, rows: list[tuple[str, str, bytes]]) -> None:
        """Store (paper id, record digest, contribution) rows, replacing a paper's older one."""
        self.db.executemany("INSERT OR REPLACE INTO contrib VALUES (?, ?, ?, ?)",
                            ((pid, digest, body, _head(body)) for pid, digest, body in rows))
        self.db.commit()

    def drop_contributions(self, ids: Iterable[str]) -> None:
        self.db.executemany("DELETE FROM contrib WHERE pid=?", ((pid,) for pid in ids))

    def put_papers(self, rows: list[tuple[str, str, str, list[str]]]) -> None:
        """Record papers: (id, record digest, content hash, refs); they must not be recorded already."""
        self.db.executemany("INSERT OR REPLACE INTO paper VALUES (?, ?, ?, ?)",
                            ((pid, d, ch, json.dumps(refs)) for pid, d, ch, refs in rows))
        # in key order: B-tree inserts in order cost a fraction of scattered ones
        self.db.executemany("INSERT OR IGNORE INTO uses VALUES (?, ?)",
                            sorted((r, pid) for pid, _d, _ch, refs in rows for r in refs))

    def commit(self) -> None:
        self.db.commit()

    def close(self) -> None:
        self.db.close()
