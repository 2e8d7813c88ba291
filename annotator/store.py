"""The only module that speaks SQL: schema, migrations, and every read and write of the database.

Labels, notes and review decisions are one append-only table of events. The label of a group
for an annotator is that annotator's latest live (not undone) label event on any member of
the group, so grouping edits (split, join) never rewrite history: labels stay with the sentence
that received them and follow it into whatever group it belongs to.
"""

from __future__ import annotations

import json
import os
import sqlite3
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import sqlite_utils

SCHEMA_VERSION = 1
DEFAULT_DB = "annotations.db"
BUSY_TIMEOUT_S = 10.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS documents (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    title TEXT,
    url TEXT,
    meta TEXT,
    hash TEXT NOT NULL,
    text TEXT NOT NULL,
    source TEXT,
    imported_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sentences (
    id INTEGER PRIMARY KEY,
    doc_id INTEGER NOT NULL REFERENCES documents(id),
    idx INTEGER NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    text TEXT NOT NULL,
    norm_hash INTEGER NOT NULL,
    group_id INTEGER NOT NULL,
    grouped INTEGER NOT NULL DEFAULT 0,
    pinned INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX IF NOT EXISTS sentences_doc_idx ON sentences(doc_id, idx);
CREATE INDEX IF NOT EXISTS sentences_group ON sentences(group_id);
CREATE INDEX IF NOT EXISTS sentences_norm ON sentences(norm_hash);
CREATE INDEX IF NOT EXISTS sentences_pending ON sentences(grouped) WHERE grouped = 0;
CREATE TABLE IF NOT EXISTS bands (
    key INTEGER NOT NULL,
    sentence_id INTEGER NOT NULL,
    PRIMARY KEY (key, sentence_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    sentence_id INTEGER NOT NULL REFERENCES sentences(id),
    kind TEXT NOT NULL CHECK (kind IN ('label', 'note', 'decision')),
    annotator TEXT NOT NULL,
    label TEXT,
    note TEXT,
    created_at TEXT NOT NULL,
    undone INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS events_sentence ON events(sentence_id, annotator);
CREATE INDEX IF NOT EXISTS events_kind ON events(kind, annotator);
CREATE TABLE IF NOT EXISTS dedup_edits (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('split', 'join')),
    a_doc TEXT NOT NULL,
    a_hash INTEGER NOT NULL,
    b_doc TEXT,
    b_hash INTEGER,
    created_at TEXT NOT NULL
);
"""

# Latest live label event per (group, annotator): the current label of a group. SQLite takes the
# bare columns of an aggregate query from the row holding the max(), which is cheaper than a window.
_CURRENT_LABELS = """
SELECT s.group_id AS grp, e.annotator, e.label, e.sentence_id, max(e.created_at || printf('%015d', e.id)) AS latest
FROM events e JOIN sentences s ON s.id = e.sentence_id
WHERE e.kind = 'label' AND e.undone = 0 AND e.label IS NOT NULL {where}
GROUP BY s.group_id, e.annotator
"""
LABEL_ROW_FIELDS = ("doc", "index", "start", "end", "text", "label", "annotator", "note", "created_at", "group")
_CURRENT_DECISIONS = """
SELECT grp, annotator, label, created_at FROM (
    SELECT s.group_id AS grp, e.annotator, e.label, e.created_at,
           ROW_NUMBER() OVER (PARTITION BY s.group_id ORDER BY e.created_at DESC, e.id DESC) AS rn
    FROM events e JOIN sentences s ON s.id = e.sentence_id
    WHERE e.kind = 'decision' AND e.undone = 0
) WHERE rn = 1
"""


class StoreError(Exception):
    """A database problem told to the user in one line."""


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def default_path() -> str:
    return os.environ.get("ANNOTATOR_DB") or DEFAULT_DB


@dataclass(frozen=True)
class DocumentRow:
    id: int
    name: str
    title: str | None
    url: str | None
    hash: str
    sentences: int


@dataclass(frozen=True)
class SentenceRow:
    id: int
    doc_id: int
    index: int
    start: int
    end: int
    text: str
    group_id: int


@dataclass(frozen=True)
class Event:
    id: int
    uid: str
    sentence_id: int
    kind: str
    annotator: str
    label: str | None
    note: str | None
    created_at: str
    undone: bool


class Store:
    """A connection to one annotator database. Writes are short explicit transactions."""

    def __init__(self, path: str | os.PathLike, *, create: bool = True, timeout: float = BUSY_TIMEOUT_S):
        self.path = str(path)
        self.timeout = timeout
        if self.path != ":memory:":
            target = Path(self.path)
            if not target.exists() and not create:
                raise StoreError(f"{self.path}: no such database (import documents first: annotator import PATH)")
            if target.is_dir():
                raise StoreError(f"{self.path}: is a folder, not a database file")
            if not target.parent.exists():
                raise StoreError(f"{self.path}: folder {target.parent} does not exist")
        try:
            self.conn = sqlite3.connect(self.path, timeout=timeout, isolation_level=None, check_same_thread=False)
            self.db = sqlite_utils.Database(self.conn)
            self.conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            self._setup()
        except sqlite3.DatabaseError as err:
            raise self._explain(err) from None

    # -- connection, schema, transactions -------------------------------------------------

    def _setup(self) -> None:
        readonly = self.path != ":memory:" and os.path.exists(self.path) and not os.access(self.path, os.W_OK)
        version = self._schema_version()
        if version is not None and version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: database schema version {version} is newer than this annotator "
                f"understands ({SCHEMA_VERSION}); upgrade annotator"
            )
        self.readonly = readonly
        if readonly:
            if version is None:
                raise StoreError(f"{self.path}: read-only and not an annotator database")
            return
        if self.conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
            self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = NORMAL")
        self.conn.execute("PRAGMA cache_size = -65536")  # 64 MB of pages: big imports stay linear
        self.conn.execute("PRAGMA foreign_keys = ON")
        if version != SCHEMA_VERSION:
            with self.transaction():
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        self.conn.execute(statement)
                self._migrate(version or 0)
                self.conn.execute(
                    "INSERT OR REPLACE INTO meta(key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
                )

    def _schema_version(self) -> int | None:
        has_meta = self.conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'"
        ).fetchone()
        if not has_meta:
            others = self.conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
            if others:
                raise StoreError(f"{self.path}: a SQLite database, but not an annotator database")
            return None
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        return int(row[0]) if row else None

    def _migrate(self, from_version: int) -> None:
        """Bring an older schema up to SCHEMA_VERSION. Version 1 is the first: nothing to do yet."""

    def _explain(self, err: sqlite3.Error) -> StoreError:
        message = str(err)
        if "locked" in message or "busy" in message:
            return StoreError(f"{self.path}: database is locked by another process (waited {self.timeout:g} s); try again")
        if "readonly" in message or "read-only" in message:
            return StoreError(f"{self.path}: database is read-only; cannot store changes")
        if "not a database" in message or "malformed" in message:
            return StoreError(f"{self.path}: not an annotator database ({message})")
        if "unable to open" in message:
            return StoreError(f"{self.path}: cannot open database ({message})")
        return StoreError(f"{self.path}: database error: {message}")

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """BEGIN IMMEDIATE ... COMMIT: the write lock is taken up front, so no deadlock on upgrade."""
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as err:
            raise self._explain(err) from None
        try:
            yield
        except BaseException as err:
            self.conn.execute("ROLLBACK")
            if isinstance(err, sqlite3.DatabaseError):
                raise self._explain(err) from None
            raise
        else:
            try:
                self.conn.execute("COMMIT")
            except sqlite3.DatabaseError as err:
                self.conn.execute("ROLLBACK")
                raise self._explain(err) from None

    @contextmanager
    def snapshot(self, cache_mb: int | None = None) -> Iterator[None]:
        """A read transaction: every query inside sees the same committed state.

        cache_mb bounds the page cache meanwhile; each temporary sort of a big query gets a
        cache that large too, so a long streaming read keeps memory flat with a small one.
        """
        before = self.conn.execute("PRAGMA cache_size").fetchone()[0]
        if cache_mb is not None:
            self.conn.execute(f"PRAGMA cache_size = {-int(cache_mb) * 1024}")
        self.conn.execute("BEGIN")
        try:
            yield
        finally:
            self.conn.execute("COMMIT")
            self.conn.execute(f"PRAGMA cache_size = {int(before)}")

    def close(self) -> None:
        self.conn.close()

    def query(self, sql: str, params: Sequence = ()) -> list[tuple]:
        try:
            return self.conn.execute(sql, params).fetchall()
        except sqlite3.DatabaseError as err:
            raise self._explain(err) from None

    # -- settings ------------------------------------------------------------------------

    def setting(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_setting(self, key: str, value: str) -> None:
        self.conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))

    # -- documents and sentences -----------------------------------------------------------

    def document_hash(self, name: str) -> tuple[int, str] | None:
        row = self.conn.execute("SELECT id, hash FROM documents WHERE name = ?", (name,)).fetchone()
        return (row[0], row[1]) if row else None

    def insert_document(self, name, text, content_hash, *, title=None, url=None, meta=None, source=None) -> int:
        cursor = self.conn.execute(
            "INSERT INTO documents(name, title, url, meta, hash, text, source, imported_at) VALUES (?,?,?,?,?,?,?,?)",
            (name, title, url, json.dumps(meta or {}, ensure_ascii=False), content_hash, text, source, now()),
        )
        return cursor.lastrowid

    def update_document(self, doc_id, text, content_hash, *, title=None, url=None, meta=None, source=None) -> None:
        self.conn.execute(
            "UPDATE documents SET title=?, url=?, meta=?, hash=?, text=?, source=?, imported_at=? WHERE id=?",
            (title, url, json.dumps(meta or {}, ensure_ascii=False), content_hash, text, source, now(), doc_id),
        )

    def insert_sentences(self, doc_id: int, rows: Iterable[tuple[int, int, int, str, int]]) -> None:
        """rows: (index, start, end, text, norm_hash). New sentences start ungrouped (their own group)."""
        first = self.conn.execute("SELECT coalesce(max(id), 0) + 1 FROM sentences").fetchone()[0]
        self.conn.executemany(
            'INSERT INTO sentences(id, doc_id, idx, start, "end", text, norm_hash, group_id) VALUES (?,?,?,?,?,?,?,?)',
            ((first + n, doc_id, i, s, e, t, h, first + n) for n, (i, s, e, t, h) in enumerate(rows)),
        )

    def document_sentences(self, doc_id: int) -> list[SentenceRow]:
        return [
            SentenceRow(*row)
            for row in self.conn.execute(
                'SELECT id, doc_id, idx, start, "end", text, group_id FROM sentences WHERE doc_id = ? ORDER BY idx',
                (doc_id,),
            )
        ]

    def replace_sentences(self, doc_id: int, rows: list[tuple[int, int, int, str, int]]) -> tuple[int, int, int]:
        """Give a changed document its new sentences, keeping rows (and labels) whose text is unchanged.

        Returns (kept, added, dropped_labels). Labels of a removed sentence move to another member
        of its group when it has one; otherwise they are dropped and counted.
        """
        old = self.document_sentences(doc_id)
        by_text: dict[str, list[SentenceRow]] = {}
        for sentence in old:
            by_text.setdefault(sentence.text, []).append(sentence)
        # park old rows out of the way of the (doc_id, idx) uniqueness while re-indexing
        self.conn.execute("UPDATE sentences SET idx = -1 - idx WHERE doc_id = ?", (doc_id,))
        kept, new_rows = 0, []
        for index, start, end, text, norm in rows:
            matches = by_text.get(text)
            if matches:
                sentence = matches.pop(0)
                self.conn.execute(
                    'UPDATE sentences SET idx = ?, start = ?, "end" = ? WHERE id = ?', (index, start, end, sentence.id)
                )
                kept += 1
            else:
                new_rows.append((index, start, end, text, norm))
        dropped = 0
        for leftovers in by_text.values():
            for sentence in leftovers:
                dropped += self._remove_sentence(sentence)
        self.insert_sentences(doc_id, new_rows)
        return kept, len(new_rows), dropped

    def _remove_sentence(self, sentence: SentenceRow) -> int:
        heir = self.conn.execute(
            "SELECT id FROM sentences WHERE group_id = ? AND id != ? AND idx >= 0 ORDER BY id LIMIT 1",
            (sentence.group_id, sentence.id),
        ).fetchone()
        dropped = 0
        if heir:
            self.conn.execute("UPDATE events SET sentence_id = ? WHERE sentence_id = ?", (heir[0], sentence.id))
            if sentence.group_id == sentence.id:
                self._renumber_group(sentence.id, exclude=sentence.id)
        else:
            dropped = self.conn.execute("DELETE FROM events WHERE sentence_id = ?", (sentence.id,)).rowcount
        self.conn.execute("DELETE FROM bands WHERE sentence_id = ?", (sentence.id,))
        self.conn.execute("DELETE FROM sentences WHERE id = ?", (sentence.id,))
        return dropped

    def _renumber_group(self, group_id: int, exclude: int) -> None:
        """A group is named by its smallest member id; rename it when that member leaves."""
        row = self.conn.execute(
            "SELECT min(id) FROM sentences WHERE group_id = ? AND id != ?", (group_id, exclude)
        ).fetchone()
        if row and row[0] is not None:
            self.conn.execute(
                "UPDATE sentences SET group_id = ? WHERE group_id = ? AND id != ?", (row[0], group_id, exclude)
            )

    def documents(self) -> list[DocumentRow]:
        return [
            DocumentRow(*row)
            for row in self.conn.execute(
                "SELECT d.id, d.name, d.title, d.url, d.hash, "
                "(SELECT count(*) FROM sentences s WHERE s.doc_id = d.id) FROM documents d ORDER BY d.id"
            )
        ]

    def document_ids(self) -> list[tuple[int, str]]:
        return self.conn.execute("SELECT id, name FROM documents ORDER BY id").fetchall()

    def document(self, doc_id: int) -> tuple[str, str | None, str]:
        """(name, title, text)"""
        return self.conn.execute("SELECT name, title, text FROM documents WHERE id = ?", (doc_id,)).fetchone()

    def document_id(self, name: str) -> int | None:
        row = self.conn.execute("SELECT id FROM documents WHERE name = ?", (name,)).fetchone()
        return row[0] if row else None

    def sentence(self, sentence_id: int) -> SentenceRow | None:
        row = self.conn.execute(
            'SELECT id, doc_id, idx, start, "end", text, group_id FROM sentences WHERE id = ?', (sentence_id,)
        ).fetchone()
        return SentenceRow(*row) if row else None

    def sentence_at(self, doc_name: str, index: int) -> SentenceRow | None:
        row = self.conn.execute(
            'SELECT s.id, s.doc_id, s.idx, s.start, s."end", s.text, s.group_id FROM sentences s '
            "JOIN documents d ON d.id = s.doc_id WHERE d.name = ? AND s.idx = ?",
            (doc_name, index),
        ).fetchone()
        return SentenceRow(*row) if row else None

    def sentences_by_doc_index(self, doc_ids: Sequence[int]) -> dict[tuple[int, int], tuple[int, str]]:
        """(doc_id, index) -> (sentence id, text), for the given documents."""
        out = {}
        for chunk in _chunks(list(doc_ids), 500):
            marks = ",".join("?" * len(chunk))
            for sid, doc_id, idx, text in self.conn.execute(
                f"SELECT id, doc_id, idx, text FROM sentences WHERE doc_id IN ({marks})", chunk
            ):
                out[(doc_id, idx)] = (sid, text)
        return out

    def find_sentences(self, needle: str, limit: int = 50) -> list[tuple[int, int, str]]:
        """(doc_id, index, text) of sentences containing needle, case-insensitively (ASCII)."""
        like = "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        return self.conn.execute(
            "SELECT doc_id, idx, text FROM sentences WHERE text LIKE ? ESCAPE '\\' ORDER BY doc_id, idx LIMIT ?",
            (like, limit),
        ).fetchall()

    # -- grouping (near-duplicates) --------------------------------------------------------------

    def has_grouped_sentences(self) -> bool:
        return self.conn.execute("SELECT 1 FROM sentences WHERE grouped = 1 LIMIT 1").fetchone() is not None

    def pending_sentences(self) -> Iterator[tuple[int, str, int]]:
        """(id, text, norm_hash) of sentences not yet grouped, streamed."""
        return self.conn.execute("SELECT id, text, norm_hash FROM sentences WHERE grouped = 0 ORDER BY id")

    def pending_split_ids(self) -> set[int]:
        """Pending sentences that a recorded split keeps apart (same document name and normalised text)."""
        return {
            row[0]
            for row in self.conn.execute(
                "SELECT s.id FROM dedup_edits x JOIN documents d ON d.name = x.a_doc "
                "JOIN sentences s ON s.doc_id = d.id AND s.norm_hash = x.a_hash WHERE x.kind = 'split' AND s.grouped = 0"
            )
        }

    def groups_by_hash(self, hashes: Sequence[int]) -> dict[int, int]:
        """norm_hash -> group id among grouped, unpinned sentences."""
        out: dict[int, int] = {}
        for chunk in _chunks(list(hashes), 500):
            marks = ",".join("?" * len(chunk))
            for norm, grp in self.conn.execute(
                f"SELECT norm_hash, min(group_id) FROM sentences WHERE norm_hash IN ({marks}) "
                "AND grouped = 1 AND pinned = 0 GROUP BY norm_hash",
                chunk,
            ):
                out[norm] = grp
        return out

    def band_groups(self, keys: Sequence[int]) -> list[tuple[int, int]]:
        """(key, group id) of the grouped, unpinned sentences sharing a band key, one row per key and group."""
        out = []
        for chunk in _chunks(list(set(keys)), 500):
            marks = ",".join("?" * len(chunk))
            out.extend(
                self.conn.execute(
                    f"SELECT DISTINCT b.key, s.group_id FROM bands b JOIN sentences s ON s.id = b.sentence_id "
                    f"WHERE b.key IN ({marks}) AND s.pinned = 0",
                    chunk,
                )
            )
        return out

    def representative_texts(self, group_ids: Iterable[int]) -> dict[int, str]:
        """group id -> text of its representative, the first member, whose id names the group."""
        out: dict[int, str] = {}
        for chunk in _chunks(list(group_ids), 500):
            marks = ",".join("?" * len(chunk))
            out.update(self.conn.execute(f"SELECT id, text FROM sentences WHERE id IN ({marks})", chunk))
        return out

    def reset_grouping(self) -> None:
        """Take every sentence out of its group, to be grouped again (splits and joins are replayed)."""
        self.conn.execute("UPDATE sentences SET group_id = id, grouped = 0, pinned = 0")
        self.conn.execute("DELETE FROM bands")

    def sentence_groups(self) -> dict[int, int]:
        """sentence id -> group id, for every sentence."""
        return dict(self.conn.execute("SELECT id, group_id FROM sentences"))

    def sentence_ref(self, sentence_id: int) -> str:
        """DOC:INDEX of a sentence, the reference the commands take."""
        name, index = self.conn.execute(
            "SELECT d.name, s.idx FROM sentences s JOIN documents d ON d.id = s.doc_id WHERE s.id = ?", (sentence_id,)
        ).fetchone()
        return f"{name}:{index}"

    def labeled_groups(self) -> set[int]:
        """Groups with a live label from anyone."""
        return {
            row[0]
            for row in self.conn.execute(
                "SELECT DISTINCT s.group_id FROM events e JOIN sentences s ON s.id = e.sentence_id "
                "WHERE e.kind = 'label' AND e.undone = 0 AND e.label IS NOT NULL"
            )
        }

    def save_grouping(self, moved: Iterable[tuple[int, int, int]], bands: Iterable[tuple[int, int]]) -> None:
        """Mark every pending sentence grouped; moved: (sentence id, group id, pinned) for those not on their own.

        bands: (key, sentence id), best given in key order.
        """
        self.conn.executemany(
            "UPDATE sentences SET group_id = ?, pinned = ? WHERE id = ?",
            ((grp, pinned, sid) for sid, grp, pinned in moved),
        )
        self.conn.execute("UPDATE sentences SET grouped = 1 WHERE grouped = 0")
        self.conn.executemany("INSERT OR IGNORE INTO bands(key, sentence_id) VALUES (?, ?)", bands)

    def dedup_edits(self, kind: str) -> list[tuple[int, str, int, str | None, int | None]]:
        """(edit id, doc, norm hash, other doc, other norm hash) of the recorded splits or joins, oldest first."""
        return self.conn.execute(
            "SELECT id, a_doc, a_hash, b_doc, b_hash FROM dedup_edits WHERE kind = ? ORDER BY id", (kind,)
        ).fetchall()

    def sentence_ids_by_doc_hash(self, doc_name: str, norm_hash: int) -> list[int]:
        return [
            row[0]
            for row in self.conn.execute(
                "SELECT s.id FROM sentences s JOIN documents d ON d.id = s.doc_id WHERE d.name = ? AND s.norm_hash = ?",
                (doc_name, norm_hash),
            )
        ]

    def split_sentence(self, sentence: SentenceRow, doc_name: str, norm_hash: int, record: bool = True) -> None:
        """Move a sentence out of its group into a group of its own, pinned so import does not regroup it."""
        if sentence.group_id == sentence.id:
            self._renumber_group(sentence.id, exclude=sentence.id)
        self.conn.execute("UPDATE sentences SET group_id = id, pinned = 1, grouped = 1 WHERE id = ?", (sentence.id,))
        if record:
            self.conn.execute(
                "INSERT INTO dedup_edits(kind, a_doc, a_hash, created_at) VALUES ('split', ?, ?, ?)",
                (doc_name, norm_hash, now()),
            )

    def join_groups(self, a: SentenceRow, b: SentenceRow, record: tuple[str, int, str, int] | None = None) -> int:
        """Merge b's group into a's (the smaller id names the result). Returns the group id."""
        keep, gone = sorted((a.group_id, b.group_id))
        if keep != gone:
            self.conn.execute("UPDATE sentences SET group_id = ? WHERE group_id = ?", (keep, gone))
        if record:
            self.conn.execute(
                "INSERT INTO dedup_edits(kind, a_doc, a_hash, b_doc, b_hash, created_at) VALUES ('join', ?, ?, ?, ?, ?)",
                (*record, now()),
            )
        return keep

    def norm_hash_of(self, sentence_id: int) -> int:
        return self.conn.execute("SELECT norm_hash FROM sentences WHERE id = ?", (sentence_id,)).fetchone()[0]

    def doc_name_of(self, sentence_id: int) -> str:
        return self.conn.execute(
            "SELECT d.name FROM sentences s JOIN documents d ON d.id = s.doc_id WHERE s.id = ?", (sentence_id,)
        ).fetchone()[0]

    def groups(self, min_size: int = 2) -> list[tuple[int, int]]:
        """(group id, size) of groups with at least min_size members, largest first."""
        return self.conn.execute(
            "SELECT group_id, count(*) AS n FROM sentences GROUP BY group_id HAVING n >= ? ORDER BY n DESC, group_id",
            (min_size,),
        ).fetchall()

    def group_members(self, group_id: int) -> list[tuple[str, int, str, int]]:
        """(doc name, index, text, sentence id) of a group's members in document order."""
        return self.conn.execute(
            "SELECT d.name, s.idx, s.text, s.id FROM sentences s JOIN documents d ON d.id = s.doc_id "
            "WHERE s.group_id = ? ORDER BY s.doc_id, s.idx",
            (group_id,),
        ).fetchall()

    def group_variants(self, group_id: int, text: str, limit: int) -> tuple[list[tuple[str, int, str]], int]:
        """(doc name, index, text) of the first member with each wording other than `text`, at most
        `limit`, and the number of such wordings."""
        rows = self.conn.execute(
            "SELECT d.name, s.idx, s.text FROM sentences s JOIN documents d ON d.id = s.doc_id "
            "WHERE s.id IN (SELECT min(id) FROM sentences WHERE group_id = ? AND text != ? GROUP BY text) "
            "ORDER BY s.id",
            (group_id, text),
        ).fetchall()
        return rows[:limit], len(rows)

    def group_doc_counts(self, doc_id: int) -> dict[int, int]:
        """group id -> number of documents containing it, for the groups of one document."""
        return dict(
            self.conn.execute(
                "SELECT g.group_id, (SELECT count(DISTINCT m.doc_id) FROM sentences m WHERE m.group_id = g.group_id) "
                "FROM (SELECT DISTINCT group_id FROM sentences WHERE doc_id = ?) g",
                (doc_id,),
            )
        )

    def count_groups(self) -> int:
        return self.conn.execute("SELECT count(DISTINCT group_id) FROM sentences").fetchone()[0]

    def team_progress(self) -> tuple[int, int]:
        """(groups labeled by anyone, annotators who labeled): what the whole team has done."""
        return self.conn.execute(
            "SELECT count(DISTINCT s.group_id), count(DISTINCT e.annotator) FROM events e "
            "JOIN sentences s ON s.id = e.sentence_id WHERE e.kind = 'label' AND e.undone = 0"
        ).fetchone()

    # -- events: labels, notes, decisions --------------------------------------------------

    def add_event(
        self, sentence_id: int, kind: str, annotator: str, label: str | None = None, note: str | None = None,
        created_at: str | None = None, uid: str | None = None,
    ) -> int:
        """Append one event and commit it before returning: a crash after this loses nothing."""
        with self.transaction():
            return self._insert_event(sentence_id, kind, annotator, label, note, created_at, uid)

    def _insert_event(self, sentence_id, kind, annotator, label, note, created_at, uid) -> int:
        cursor = self.conn.execute(
            "INSERT INTO events(uid, sentence_id, kind, annotator, label, note, created_at) VALUES (?,?,?,?,?,?,?)",
            (uid or uuid.uuid4().hex, sentence_id, kind, annotator, label, note, created_at or now()),
        )
        return cursor.lastrowid

    def add_events(self, rows: Iterable[tuple]) -> int:
        """Append many events in one transaction: rows of (sentence_id, kind, annotator, label, note, created_at, uid).

        Events whose uid is already stored are skipped. Returns how many were added.
        """
        before = self.conn.total_changes
        with self.transaction():
            self.conn.executemany(
                "INSERT OR IGNORE INTO events(uid, sentence_id, kind, annotator, label, note, created_at) "
                "VALUES (?,?,?,?,?,?,?)",
                ((uid or uuid.uuid4().hex, sid, kind, who, label, note, created_at or now())
                 for sid, kind, who, label, note, created_at, uid in rows),
            )
        return self.conn.total_changes - before

    def set_undone(self, event_id: int, undone: bool = True) -> None:
        with self.transaction():
            self.conn.execute("UPDATE events SET undone = ? WHERE id = ?", (int(undone), event_id))

    def event(self, event_id: int) -> Event | None:
        row = self.conn.execute(
            "SELECT id, uid, sentence_id, kind, annotator, label, note, created_at, undone FROM events WHERE id = ?",
            (event_id,),
        ).fetchone()
        return Event(*row) if row else None

    def doc_labels(self, doc_id: int, annotator: str) -> dict[int, str]:
        """sentence index -> this annotator's current label of the sentence's group, for one document."""
        return dict(
            self.conn.execute(
                "SELECT s.idx, (SELECT e.label FROM sentences m JOIN events e ON e.sentence_id = m.id "
                "WHERE m.group_id = s.group_id AND e.annotator = ? AND e.kind = 'label' AND e.undone = 0 "
                "AND e.label IS NOT NULL ORDER BY e.created_at DESC, e.id DESC LIMIT 1) AS label "
                "FROM sentences s WHERE s.doc_id = ? AND label IS NOT NULL",
                (annotator, doc_id),
            )
        )

    def group_note(self, group_id: int, annotator: str) -> str | None:
        row = self.conn.execute(
            "SELECT e.note FROM sentences m JOIN events e ON e.sentence_id = m.id WHERE m.group_id = ? "
            "AND e.annotator = ? AND e.undone = 0 AND e.kind IN ('label', 'note') AND e.note IS NOT NULL "
            "ORDER BY e.created_at DESC, e.id DESC LIMIT 1",
            (group_id, annotator),
        ).fetchone()
        return row[0] if row else None

    def next_unlabeled(self, annotator: str, doc_id: int, after_index: int) -> int | None:
        """Index of the next sentence of a document, after after_index, whose group this annotator has not labeled."""
        row = self.conn.execute(
            "SELECT s.idx FROM sentences s WHERE s.doc_id = ? AND s.idx > ? AND NOT EXISTS ("
            "SELECT 1 FROM sentences m JOIN events e ON e.sentence_id = m.id WHERE m.group_id = s.group_id "
            "AND e.annotator = ? AND e.kind = 'label' AND e.undone = 0 AND e.label IS NOT NULL) "
            "ORDER BY s.idx LIMIT 1",
            (doc_id, after_index, annotator),
        ).fetchone()
        return row[0] if row else None

    def label_progress(self, annotator: str) -> dict[str, int]:
        """This annotator's count of labeled groups per current label."""
        return dict(
            self.conn.execute(
                "SELECT label, count(*) FROM (" + _CURRENT_LABELS.format(where="AND e.annotator = ?") + ") GROUP BY label",
                (annotator,),
            )
        )

    def current_labels(self) -> Iterator[tuple[int, str, str, int, str]]:
        """(group, annotator, label, sentence id, latest) for every group and annotator with a live label, by group."""
        return self.conn.execute(_CURRENT_LABELS.format(where=""))

    def group_decision(self, group_id: int) -> tuple[str, str] | None:
        """(label or 'ambiguous', decided by) of the latest live review decision on a group."""
        row = self.conn.execute(
            "SELECT e.label, e.annotator FROM events e JOIN sentences s ON s.id = e.sentence_id "
            "WHERE s.group_id = ? AND e.kind = 'decision' AND e.undone = 0 ORDER BY e.created_at DESC, e.id DESC LIMIT 1",
            (group_id,),
        ).fetchone()
        return (row[0], row[1]) if row else None

    def units_with_votes(self) -> Iterator[tuple]:
        """Per labeled group, in group order: (group, [(annotator, label)], (decision, by) or None,
        first occurrence's doc name, index and text, number of documents holding it)."""
        cursor = self.conn.execute(
            "SELECT u.grp, u.votes, u.decision, d.name, f.idx, f.text, u.docs FROM ("
            "  SELECT c.grp, group_concat(c.annotator || char(31) || c.label, char(30)) AS votes, "
            "  (SELECT e.label || char(31) || e.annotator FROM events e JOIN sentences m ON m.id = e.sentence_id "
            "   WHERE m.group_id = c.grp AND e.kind = 'decision' AND e.undone = 0 "
            "   ORDER BY e.created_at DESC, e.id DESC LIMIT 1) AS decision, "
            "  (SELECT min(id) FROM sentences WHERE group_id = c.grp) AS first, "
            "  (SELECT count(DISTINCT doc_id) FROM sentences WHERE group_id = c.grp) AS docs "
            "  FROM (" + _CURRENT_LABELS.format(where="") + ") c GROUP BY c.grp"
            ") u JOIN sentences f ON f.id = u.first JOIN documents d ON d.id = f.doc_id ORDER BY u.grp"
        )
        for group, votes, decision, doc, index, text, docs in cursor:
            yield (
                group,
                [tuple(v.split("\x1f", 1)) for v in votes.split("\x1e")],
                tuple(decision.split("\x1f", 1)) if decision else None,
                doc, index, text, docs,
            )

    def _latest_notes(self) -> dict[tuple[int, str], str]:
        """(group, annotator) -> latest live note."""
        notes: dict[tuple[int, str], str] = {}
        for group, annotator, note in self.conn.execute(
            "SELECT s.group_id, e.annotator, e.note FROM events e JOIN sentences s ON s.id = e.sentence_id "
            "WHERE e.undone = 0 AND e.kind IN ('label', 'note') AND e.note IS NOT NULL ORDER BY e.created_at, e.id"
        ):
            notes[(group, annotator)] = note  # the latest note wins
        return notes

    def label_rows(self) -> Iterator[tuple]:
        """Every current label with its sentence: (doc, index, start, end, text, label, annotator, note,
        created_at, group), by group then annotator."""
        notes = self._latest_notes()
        cursor = self.conn.execute(
            'SELECT d.name, s.idx, s.start, s."end", s.text, c.label, c.annotator, '
            "substr(c.latest, 1, length(c.latest) - 15), c.grp "
            "FROM (" + _CURRENT_LABELS.format(where="") + ") c JOIN sentences s ON s.id = c.sentence_id "
            "JOIN documents d ON d.id = s.doc_id ORDER BY c.grp, c.annotator"
        )
        for doc, index, start, end, text, label, annotator, created_at, group in cursor:
            yield doc, index, start, end, text, label, annotator, notes.get((group, annotator)), created_at, group

    def label_rows_json(self) -> Iterator[tuple[str, int, str, str]]:
        """label_rows as JSON objects built by SQLite: (json, group, annotator, label)."""
        if self._latest_notes():  # notes are rare: with any, the rows go through Python to carry them
            for row in self.label_rows():
                yield json.dumps(dict(zip(LABEL_ROW_FIELDS, row)), ensure_ascii=False), row[9], row[6], row[5]
            return
        yield from self.conn.execute(
            "SELECT json_object('doc', d.name, 'index', s.idx, 'start', s.start, 'end', s.\"end\", 'text', s.text, "
            "'label', c.label, 'annotator', c.annotator, 'note', NULL, "
            "'created_at', substr(c.latest, 1, length(c.latest) - 15), 'group', c.grp), c.grp, c.annotator, c.label "
            "FROM (" + _CURRENT_LABELS.format(where="") + ") c JOIN sentences s ON s.id = c.sentence_id "
            "JOIN documents d ON d.id = s.doc_id ORDER BY c.grp, c.annotator"
        )

    def group_events(self, group_id: int) -> list[Event]:
        return [
            Event(*row)
            for row in self.conn.execute(
                "SELECT e.id, e.uid, e.sentence_id, e.kind, e.annotator, e.label, e.note, e.created_at, e.undone "
                "FROM events e JOIN sentences s ON s.id = e.sentence_id WHERE s.group_id = ? ORDER BY e.created_at, e.id",
                (group_id,),
            )
        ]

    def all_events(self) -> Iterator[tuple]:
        """Every event with the document content hash and index of its sentence (for merging)."""
        return self.conn.execute(
            "SELECT e.uid, d.hash, s.idx, s.text, e.kind, e.annotator, e.label, e.note, e.created_at, e.undone "
            "FROM events e JOIN sentences s ON s.id = e.sentence_id JOIN documents d ON d.id = s.doc_id ORDER BY e.id"
        )

    def known_uids(self, uids: Sequence[str]) -> set[str]:
        known: set[str] = set()
        for chunk in _chunks(list(uids), 500):
            marks = ",".join("?" * len(chunk))
            known.update(r[0] for r in self.conn.execute(f"SELECT uid FROM events WHERE uid IN ({marks})", chunk))
        return known

    def mark_undone(self, uids: Sequence[str]) -> int:
        """Mark the events with these uids undone (one transaction); returns how many changed."""
        changed = 0
        with self.transaction():
            for chunk in _chunks(list(uids), 500):
                marks = ",".join("?" * len(chunk))
                changed += self.conn.execute(
                    f"UPDATE events SET undone = 1 WHERE uid IN ({marks}) AND undone = 0", chunk
                ).rowcount
        return changed

    def documents_by_hash(self) -> dict[str, int]:
        return {h: i for i, h in self.conn.execute("SELECT id, hash FROM documents")}

    # -- statistics ----------------------------------------------------------------------

    def counts(self) -> dict:
        one = lambda sql: self.conn.execute(sql).fetchone()[0]  # noqa: E731
        labels = {}
        annotators = {}
        labeled = set()
        for grp, annotator, label, _sid, _at in self.current_labels():
            labels[label] = labels.get(label, 0) + 1
            annotators[annotator] = annotators.get(annotator, 0) + 1
            labeled.add(grp)
        return {
            "documents": one("SELECT count(*) FROM documents"),
            "sentences": one("SELECT count(*) FROM sentences"),
            "groups": one("SELECT count(DISTINCT group_id) FROM sentences"),
            "labeled": len(labeled),
            "labels": labels,
            "annotators": annotators,
            "events": one("SELECT count(*) FROM events"),
            "decisions": one("SELECT count(*) FROM (" + _CURRENT_DECISIONS + ")"),
        }


def _chunks(items: list, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
