"""Author resolution: normalised names, a conservative same-person test, group authors kept as groups.

Two spellings that differ only in Unicode form, diacritics, case, spacing, dots or hyphens
("Francesco Viganò" / "Francesco Vigano", "C.K. Joshi" / "C. K. Joshi") are one person
(rule ``normalised-name``). Names that are merely compatible ("David W. Zhang" / "David Zhang",
"C. K. Joshi" / "Chaitanya K. Joshi") are one person only with supporting evidence: a shared
co-author (rule ``compatible-name+shared-coauthor``), and only when the shorter name is
compatible with exactly one fuller name. Group authors ("FAIR CodeGen team") never merge with people.
"""

from __future__ import annotations

import marshal
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from kg.models import Author, MergeDecision, author_id
from kg.resolve.names import fold, name_key
from kg.resolve.tables import add_counts

_GROUP_WORDS = re.compile(
    r"\b(team|group|consortium|collaboration|project|lab|labs|laboratory|initiative|contributors|"
    r"committee|community|organi[sz]ation|institute|university|inc|ltd|corp|research|authors|et al)\b",
    re.IGNORECASE,
)
_INITIALS_GLUED = re.compile(r"\b([A-Z])\.(?=[A-Z])")


def clean_name(name: str) -> str:
    """Display form of a name: Unicode folded to NFKC (accents kept), spacing and initials tidied.

    >>> clean_name("C.K.  Joshi")
    'C. K. Joshi'
    """
    import unicodedata

    text = unicodedata.normalize("NFKC", name)
    text = " ".join(text.split()).strip(" ,;")
    text = _INITIALS_GLUED.sub(r"\1. ", text)
    return " ".join(text.split())


def is_group_name(name: str) -> bool:
    """True for group authors ("FAIR CodeGen team", "The BigScience Workshop consortium").

    >>> is_group_name("FAIR CodeGen team"), is_group_name("Jade Copet")
    (True, False)
    """
    return bool(_GROUP_WORDS.search(fold(name)))


_PARTICLES = frozenset({"de", "van", "von", "der", "den", "da", "di", "del", "le", "la", "du"})


@lru_cache(maxsize=1 << 17)  # the surname grouping asks about each name many times
def _parts(name: str) -> tuple[tuple[str, ...], str]:
    """Given names and surname of a person's name key ("david w zhang" -> (("david", "w"), "zhang"))."""
    tokens = name_key(name).split()
    i = len(tokens) - 1
    while i > 1 and tokens[i - 1] in _PARTICLES:
        i -= 1
    return tuple(tokens[:i]), " ".join(tokens[i:])


def names_compatible(a: str, b: str) -> bool:
    """Whether two person names could be one person: same surname, same first given name (or its
    initial), and middle names that agree where both have them.

    >>> names_compatible("David W. Zhang", "David Zhang"), names_compatible("David W. Zhang", "David K. Zhang")
    (True, False)
    """
    ga, sa = _parts(a)
    gb, sb = _parts(b)
    if sa != sb or not ga or not gb:
        return False

    def same(x: str, y: str) -> bool:
        return x == y or (len(x) == 1 and y.startswith(x)) or (len(y) == 1 and x.startswith(y))

    if not same(ga[0], gb[0]):
        return False
    for x, y in zip(ga[1:], gb[1:]):
        if not same(x, y):
            return False
    return True


@lru_cache(maxsize=1 << 17)
def _fullness(name: str) -> tuple[int, int, str]:
    given, _ = _parts(name)
    return (sum(len(g) > 1 for g in given), len(given), name)


@dataclass
class AuthorResolution:
    authors: dict[str, Author] = field(default_factory=dict)
    #: a list, or a MergeLog (see _assemble)
    merges: Sequence[MergeDecision] = field(default_factory=list)
    #: name as listed -> author id
    lookup: dict[str, str] = field(default_factory=dict)

    def author_of(self, name: str) -> str:
        return self.lookup[name]


def resolve_authors(bylines: Iterable[Sequence[str]], *, detail: list | None = None) -> AuthorResolution:
    """Resolve the author names of many bylines (one list of names per paper) to authors.

    ``detail`` (a list) receives each bucket's rows (see :func:`_resolve_bucket`), which
    AuthorCounts keeps.

    >>> r = resolve_authors([["David W. Zhang", "Taco Cohen"], ["David Zhang", "Taco Cohen"], ["David Zhang", "Ann Lee"]])
    >>> r.author_of("David W. Zhang") == r.author_of("David Zhang")
    True
    """
    # one pass over the bylines, keeping only per-name statistics: callers may stream a corpus
    # 1. exact keys
    forms: dict[str, Counter[str]] = defaultdict(Counter)
    coauthors: dict[str, set[str]] = defaultdict(set)
    #: each distinct spelling as listed -> its cleaned form
    raw_names: dict[str, str] = {}
    for listed in bylines:
        byline = []
        for n in listed:
            if n and n.strip():
                if n not in raw_names:
                    raw_names[n] = clean_name(n)
                byline.append(raw_names[n])
        for name in byline:
            forms[name_key(name)][name] += 1
        keys = {name_key(n) for n in byline}
        for k in keys:
            coauthors[k] |= keys - {k}

    # 2. compatible names with a shared co-author merge within a bucket (see _bucket)
    buckets: dict[str, list[str]] = defaultdict(list)
    for k, f in forms.items():
        buckets[_bucket(k, _is_group(f))].append(k)
    rows = []
    for bucket, keys in buckets.items():
        found = _resolve_bucket(keys, forms.__getitem__, coauthors.__getitem__, lambda s: _top(forms[s]))
        rows += found
        if detail is not None:
            detail.append((bucket, keys, found, {k: _top(forms[k]) for k in keys}))
    return _assemble(sorted(rows, key=lambda r: r[0]), raw_names.items())


def _is_group(forms: Iterable[str]) -> bool:
    """A name key is a group author when any of its spellings is a group name (whatever order
    the corpus lists them in)."""
    return any(is_group_name(s) for s in forms)


def _bucket(key: str, group: bool) -> str:
    """The names a key can merge with share its bucket: a person's surname and first initial
    (compatible names share both); a group author or a name without given names is alone."""
    if not group:
        given, surname = _parts(key)
        if given:
            return f"p{given[0][0]}\x1f{surname}"
    return "k" + key


def _resolve_bucket(keys: list[str], forms_of, coauthors_of, top_of) -> list[tuple]:
    """The authors of one bucket's name keys: (root key, author id, name, aliases, is group,
    surfaces, merge rows (kept, merged, rule, evidence), shared co-author keys of its merges).

    A shorter name merges into the fuller one it is compatible with when that is the only
    fuller person it could be, they never share a byline, and they share a co-author."""
    group = len(keys) == 1 and _is_group(forms_of(keys[0]))
    parent: dict[str, str] = {k: k for k in keys}
    evidence: dict[str, str] = {}
    shared_of: dict[str, set[str]] = {}
    if not group:
        candidates = sorted((k for k in keys if _parts(k)[0]), key=_fullness, reverse=True)
        for short in sorted(candidates, key=_fullness):
            fuller = [k for k in candidates if k != short and _fullness(k) > _fullness(short) and names_compatible(k, short)]
            # the fuller names must all be one person, else the short name is ambiguous
            if not fuller or any(not names_compatible(fuller[0], f) for f in fuller[1:]):
                continue
            target = fuller[0]
            if target in coauthors_of(short):
                continue  # two names on one byline are two people
            shared = (coauthors_of(short) & coauthors_of(target)) - {short, target}
            if shared:
                parent[short] = target
                shared_of[short] = shared
                names = ", ".join(sorted(top_of(s) for s in shared))
                evidence[short] = f"compatible names; shared co-author(s): {names}"

    def root(k: str) -> str:
        while parent[k] != k:
            k = parent[k]
        return k

    members: dict[str, list[str]] = defaultdict(list)
    for k in keys:
        members[root(k)].append(k)
    rows = []
    for r, group_keys in members.items():
        surfaces: Counter[str] = Counter()
        for k in group_keys:
            surfaces.update(forms_of(k))
        top = forms_of(r)
        name = max(top, key=lambda s: (top[s], sum(not c.isascii() for c in s), s))
        merges = []
        shared: set[str] = set()
        for k in sorted(group_keys):
            if k != r:
                shared |= shared_of[k]
            for s in sorted(forms_of(k)):
                if s == name:
                    continue
                if k == r:
                    merges.append((name, s, "normalised-name", f"key={k}"))
                else:
                    merges.append((name, s, "compatible-name+shared-coauthor", evidence[k]))
        rows.append((r, author_id(name), name, sorted(s for s in surfaces if s != name), group, sorted(surfaces),
                     merges, sorted(shared)))
    return rows


def _assemble(rows: Iterable[tuple], raw_names: Iterable[tuple[str, str]]) -> AuthorResolution:
    """An AuthorResolution of bucket rows (in root key order) and (spelling as listed, cleaned) pairs.

    Its merge decisions are made when first read (a MergeLog): a build never reads them, and in
    session 18's cProfile of a +1 % update at 100k papers, making a record of each took 0.21 of
    the 0.55 s spent reading the 30,660 authors back."""
    from kg.resolve.concepts import MergeLog

    result = AuthorResolution(merges=MergeLog())
    merged: list[list] = []
    for _root, aid, name, aliases, group, surfaces, merges, _shared in rows:
        result.authors[aid] = Author(id=aid, name=name, aliases=aliases, is_group=group)
        for s in surfaces:
            result.lookup[s] = aid
        if merges:
            merged.append(merges)
    result.merges.defer(lambda: [("author", *m) for merges in merged for m in merges])
    # raw spellings map too, so callers can look up the name as the listing gave it
    for n, cleaned in raw_names:
        result.lookup.setdefault(n, result.lookup[cleaned])
    return result


def _top(c: Counter[str]) -> str:
    return max(c, key=lambda s: (c[s], s))


class AuthorCounts:
    """What :func:`resolve_authors` looks at (each name key's spellings and counts, the keys of
    each paper's byline, which papers each key is on, the spellings as listed) kept in tables of a
    SQLite database and updated paper by paper, with the authors of each bucket (see
    :func:`_bucket`) the last pass gave: :meth:`resolve` resolves again only the buckets of the
    touched keys and of the merges whose evidence names a touched key whose spelling changed,
    and reads the others back. The same decisions as :func:`resolve_authors` over the bylines
    counted (in any order)."""

    P = "au_"
    TABLES = ("au_form", "au_raw", "au_paper", "au_byline", "au_key", "au_out", "au_ev", "au_dirty", "au_meta")

    def __init__(self, db):
        self.db = db
        p = self.P
        for ddl in (
            f"CREATE TABLE IF NOT EXISTS {p}form (key TEXT, form TEXT, n INTEGER, PRIMARY KEY (key, form)) WITHOUT ROWID",
            f"CREATE TABLE IF NOT EXISTS {p}raw (raw TEXT PRIMARY KEY, cleaned TEXT, n INTEGER)",
            f"CREATE TABLE IF NOT EXISTS {p}paper (key TEXT, pid TEXT, PRIMARY KEY (key, pid)) WITHOUT ROWID",
            f"CREATE TABLE IF NOT EXISTS {p}byline (pid TEXT PRIMARY KEY, keys BLOB)",
            # the last pass: each key's bucket and top spelling, each root's author row, evidence users
            f"CREATE TABLE IF NOT EXISTS {p}key (key TEXT PRIMARY KEY, bucket TEXT, top TEXT) WITHOUT ROWID",
            f"CREATE INDEX IF NOT EXISTS {p}key_bucket ON {p}key (bucket)",
            f"CREATE TABLE IF NOT EXISTS {p}out (root BLOB PRIMARY KEY, bucket TEXT, body BLOB)",
            f"CREATE INDEX IF NOT EXISTS {p}out_bucket ON {p}out (bucket)",
            f"CREATE TABLE IF NOT EXISTS {p}ev (shared TEXT, bucket TEXT, PRIMARY KEY (shared, bucket)) WITHOUT ROWID",
            f"CREATE TABLE IF NOT EXISTS {p}dirty (key TEXT PRIMARY KEY) WITHOUT ROWID",
            f"CREATE TABLE IF NOT EXISTS {p}meta (key TEXT PRIMARY KEY, value TEXT)",
        ):
            db.execute(ddl)
        self._form: Counter[tuple[str, str]] = Counter()
        self._raw: Counter[tuple[str, str]] = Counter()
        self._gone: list[tuple[str, list[str]]] = []
        self._bylines: list[tuple[str, list[str]]] = []
        self._touched: set[str] = set()
        self._cleaned: dict[str, str] = {}
        #: spellings as listed that add() saw since the last resolve
        self._listed: set[str] = set()
        #: after an incremental :meth:`resolve`: every name whose lookup may differ from the last
        #: pass (the spellings of the old and new rows of the redone buckets, and the spellings as
        #: listed that map through them or were counted in or out); None after a whole pass
        self.touched: set[str] | None = None

    def add(self, pid: str, names: Sequence[str], sign: int = 1) -> None:
        """Count a paper's byline in (``sign`` 1) or take a counted paper's out (-1, with the
        byline it was added with). A paper is taken out before it is added again."""
        byline = []
        for n in names:
            if n and n.strip():
                cleaned = self._cleaned.get(n)
                if cleaned is None:
                    cleaned = self._cleaned[n] = clean_name(n)
                self._raw[(n, cleaned)] += sign
                self._listed.add(n)
                byline.append(cleaned)
        for name in byline:
            self._form[(name_key(name), name)] += sign
        keys = sorted({name_key(n) for n in byline})
        self._touched.update(keys)
        if sign < 0:
            self._gone.append((pid, keys))
        else:
            self._bylines.append((pid, keys))

    def flush(self) -> None:
        """Write what :meth:`add` counted (taken-out papers first)."""
        db, p = self.db, self.P
        if self._touched and self._derived():  # with the counts: a crash loses neither
            db.executemany(f"INSERT OR IGNORE INTO {p}dirty VALUES (?)", ((k,) for k in self._touched))  # noqa: S608
        for pid, keys in self._gone:
            db.execute(f"DELETE FROM {p}byline WHERE pid=?", (pid,))  # noqa: S608
            db.executemany(f"DELETE FROM {p}paper WHERE key=? AND pid=?", ((k, pid) for k in keys))  # noqa: S608
        db.executemany(f"INSERT OR REPLACE INTO {p}byline VALUES (?, ?)", ((pid, marshal.dumps(keys)) for pid, keys in self._bylines))  # noqa: S608
        # in key order: B-tree inserts in order cost a fraction of scattered ones
        db.executemany(f"INSERT OR IGNORE INTO {p}paper VALUES (?, ?)", sorted((k, pid) for pid, keys in self._bylines for k in keys))  # noqa: S608
        add_counts(db, f"{p}form", "key, form", self._form)
        add_counts(db, f"{p}raw", "raw", self._raw)
        self._gone, self._bylines, self._touched = [], [], set()

    def _derived(self) -> bool:
        return self.db.execute(f"SELECT 1 FROM {self.P}meta WHERE key='derived'").fetchone() is not None  # noqa: S608

    def resolve(self, bylines: Iterable[Sequence[str]] = ()) -> AuthorResolution:
        """The decisions of :func:`resolve_authors` over the counted bylines. Without kept
        decisions (a first or full build) they are made from ``bylines`` (every counted byline,
        in any order) and kept; otherwise only the touched buckets are resolved again and
        ``bylines`` is read through unused."""
        db, p = self.db, self.P
        if not self._derived():
            detail: list = []
            result = resolve_authors(bylines, detail=detail)
            self.flush()
            for table in ("key", "out", "ev"):
                db.execute(f"DELETE FROM {p}{table}")  # noqa: S608 - fixed names
            self._keep(detail)
            db.execute(f"INSERT OR REPLACE INTO {p}meta VALUES ('derived', '1')")  # noqa: S608
            db.commit()
            self.touched, self._listed = None, set()
            return result
        for _ in bylines:  # the caller's stream drives the counts
            pass
        self.flush()
        names = self._again()
        db.commit()
        result = self._read(names)
        self.touched, self._listed = names | self._listed, set()
        return result

    def _again(self) -> set[str]:
        """Resolve the touched buckets again and keep their rows in place of the old ones.
        Returns the spellings of the old and the new rows of those buckets."""
        db, p = self.db, self.P
        touched = [k for (k,) in db.execute(f"SELECT key FROM {p}dirty")]  # noqa: S608
        forms: dict[str, Counter[str]] = {}

        def forms_of(key: str) -> Counter[str]:
            found = forms.get(key)
            if found is None:
                found = forms[key] = Counter(dict(db.execute(f"SELECT form, n FROM {p}form WHERE key=?", (key,))))  # noqa: S608
            return found

        buckets: set[str] = set()
        moved: dict[str, str | None] = {}  # touched key -> its bucket now (None: gone)
        respelled: list[str] = []
        for key in touched:
            row = db.execute(f"SELECT bucket, top FROM {p}key WHERE key=?", (key,)).fetchone()  # noqa: S608
            now = forms_of(key)
            moved[key] = _bucket(key, _is_group(now)) if now else None
            if row is not None:
                buckets.add(row[0])
            if moved[key] is not None:
                buckets.add(moved[key])
            if (row[1] if row else None) != (_top(now) if now else None):
                respelled.append(key)
        for key in respelled:  # merges whose evidence names it
            buckets.update(r[0] for r in db.execute(f"SELECT bucket FROM {p}ev WHERE shared=?", (key,)))  # noqa: S608
        coauthors: dict[str, set[str]] = {}

        def coauthors_of(key: str) -> set[str]:
            found = coauthors.get(key)
            if found is None:
                found = set()
                for (keys,) in db.execute(f"SELECT b.keys FROM {p}paper k JOIN {p}byline b ON b.pid = k.pid WHERE k.key=?", (key,)):  # noqa: S608
                    found.update(marshal.loads(keys))
                found.discard(key)
                coauthors[key] = found
            return found

        detail = []
        for bucket in sorted(buckets):
            keys = [k for (k,) in db.execute(f"SELECT key FROM {p}key WHERE bucket=?", (bucket,)) if k not in moved]  # noqa: S608
            keys += [k for k, b in moved.items() if b == bucket]
            if keys:
                rows = _resolve_bucket(keys, forms_of, coauthors_of, lambda s: _top(forms_of(s)))
                detail.append((bucket, keys, rows, {k: _top(forms_of(k)) for k in keys}))
        names = {s for *_r, rows, _tops in detail for r in rows for s in r[5]}
        for bucket in buckets:
            for (body,) in db.execute(f"SELECT body FROM {p}out WHERE bucket=?", (bucket,)):  # noqa: S608
                names.update(marshal.loads(body)[5])
        db.executemany(f"DELETE FROM {p}key WHERE key=?", ((k,) for k in moved))  # noqa: S608
        for table in ("key", "out", "ev"):
            db.executemany(f"DELETE FROM {p}{table} WHERE bucket=?", ((b,) for b in buckets))  # noqa: S608
        self._keep(detail)
        db.execute(f"DELETE FROM {p}dirty")  # noqa: S608
        return names

    def _keep(self, detail: list) -> None:
        db, p = self.db, self.P
        for bucket, keys, rows, tops in detail:
            db.executemany(f"INSERT INTO {p}key VALUES (?, ?, ?)", ((k, bucket, tops[k]) for k in keys))  # noqa: S608
            db.executemany(f"INSERT INTO {p}out VALUES (?, ?, ?)", (  # noqa: S608
                (r[0].encode("utf-8", "surrogatepass"), bucket, marshal.dumps(r)) for r in rows))
            db.executemany(f"INSERT OR IGNORE INTO {p}ev VALUES (?, ?)", ((s, bucket) for r in rows for s in r[-1]))  # noqa: S608

    def _read(self, names: set[str]) -> AuthorResolution:
        """The kept rows as one AuthorResolution; the spellings as listed that map through
        ``names`` join them."""
        db, p = self.db, self.P
        rows = (marshal.loads(body) for (body,) in db.execute(f"SELECT body FROM {p}out ORDER BY root"))  # noqa: S608
        raw = db.execute(f"SELECT raw, cleaned FROM {p}raw").fetchall()  # noqa: S608
        names.update([r for r, cleaned in raw if cleaned in names])
        return _assemble(rows, raw)

