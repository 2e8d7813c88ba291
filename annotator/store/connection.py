"""The connection: opening a database file, its schema and migrations, transactions and settings."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import sqlite_utils

from annotator.segment import stored_text
from annotator.timestamps import to_utc

SCHEMA_VERSION = 8  # 2: events keep their identity (AUTOINCREMENT) and outlive their sentence; UTC times
# 3: routing documents to annotators (routing, leases, claims), model suggestions and rules, and the
#    source of a label event (NULL: typed; "suggestion:MODEL" or "rule:ID": an accepted suggestion)
# 4: a document keeps only the text between its sentences (spliced = 1), and band keys are 32 bits:
#    a third smaller per sentence; exact copies are found through the hashes table, not an index
# 5: the current label of each unit per annotator is kept in a table (current_labels), by triggers
# 6: a label that took its unit past the overlap (its giver's lease had lapsed and others hold the unit)
#    is kept and marked (over_overlap), so agreement, review and exports can count the overlap's own
# 7: a document keeps its language (ISO 639-1: given on import, by its file, or identified)
# 8: quality control: control items and the label events that answered them, the seconds a sentence was
#    on screen before its label (events.seconds), a unit flagged as unsure (a note event whose source is
#    'flag'), and the aggregated label of each unit with each annotator's estimated reliability; the
#    project's label scheme (meta 'scheme'), its guidelines by version (guidelines), and per label event
#    the answer to the scheme's second question (events.detail) and the guidelines version it was given under
# Told, before an older database is upgraded, what is about to happen (the command line shows it on
# stderr): deriving the current labels of a file with millions of label events takes a while.
on_upgrade: Callable[[str], None] | None = None
R = TypeVar("R")
DEFAULT_DB = "annotations.db"
BUSY_TIMEOUT_S = 10.0

# An event is never deleted and its id never reused. When a re-import removes its sentence and no copy
# can take it over, the event is detached (sentence_id NULL) and remembers the document and normalised
# text it was on, so it comes back if that sentence does.
_EVENTS = """
CREATE TABLE IF NOT EXISTS {name} (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    uid TEXT NOT NULL UNIQUE,
    sentence_id INTEGER REFERENCES sentences(id),
    kind TEXT NOT NULL CHECK (kind IN ('label', 'note', 'decision')),
    annotator TEXT NOT NULL,
    label TEXT,
    note TEXT,
    created_at TEXT NOT NULL,
    undone INTEGER NOT NULL DEFAULT 0,
    detached_doc TEXT,
    detached_hash INTEGER,
    source TEXT,
    seconds REAL,
    detail TEXT,
    guidelines INTEGER
)"""

# The normalised hashes of grouped sentences, where a new sentence looks for its exact copies. Written
# by the grouping in hash order, it replaces an index on sentences(norm_hash), which every import had
# to update at random places: at ten million sentences that was most of the import's disk writes.
_HASHES = """
CREATE TABLE IF NOT EXISTS hashes (
    norm_hash INTEGER NOT NULL,
    sentence_id INTEGER NOT NULL,
    PRIMARY KEY (norm_hash, sentence_id)
) WITHOUT ROWID"""

# The current label of a unit (group) for an annotator: their latest live label event on any member,
# latest by time then uid. Kept by the triggers below as events are added or undone, move between
# sentences, and sentences move between groups, so that agreement, export and stats read it instead of
# searching every label event; `rebuild_current_labels` derives it afresh from the events.
_CURRENT = """
CREATE TABLE IF NOT EXISTS current_labels (
    group_id INTEGER NOT NULL,
    annotator TEXT NOT NULL,
    event_id INTEGER NOT NULL,
    label TEXT NOT NULL,
    PRIMARY KEY (group_id, annotator)
) WITHOUT ROWID"""
_LIVE = "+e.kind = 'label' AND e.undone = 0 AND e.label IS NOT NULL"  # + : found through sentences or ids, not kind
_LATER = ("(SELECT created_at || char(31) || uid FROM events WHERE id = current_labels.event_id) < "
          "(SELECT created_at || char(31) || uid FROM events WHERE id = excluded.event_id)")


def _best(where: str, per: str = "e.annotator") -> str:
    """(group, annotator, event id, label): the latest live label of the members of a group (or of
    every group, per "s.group_id, e.annotator") among the events `where` picks."""
    return ("SELECT grp, annotator, id, label FROM (SELECT s.group_id AS grp, e.annotator, e.id, e.label, "
            "max(e.created_at || char(31) || e.uid) FROM sentences s JOIN events e ON e.sentence_id = s.id "
            f"WHERE {where} AND {_LIVE} GROUP BY {per})")



_UPSERT = (" ON CONFLICT(group_id, annotator) DO UPDATE SET event_id = excluded.event_id, "
           "label = excluded.label WHERE " + _LATER)
_CURRENT_TRIGGERS = {
    # a new live label competes with the unit's current one
    "current_labels_added": (
        "CREATE TRIGGER current_labels_added AFTER INSERT ON events "
        "WHEN NEW.kind = 'label' AND NEW.undone = 0 AND NEW.label IS NOT NULL AND NEW.sentence_id IS NOT NULL BEGIN "
        "INSERT INTO current_labels(group_id, annotator, event_id, label) "
        "SELECT group_id, NEW.annotator, NEW.id, NEW.label FROM sentences WHERE id = NEW.sentence_id" + _UPSERT + "; END"
    ),
    # an event undone, or moved to another sentence (a re-import): its old unit finds its latest label
    # again, and its new unit (if live) compares it with the current one
    "current_labels_changed": (
        "CREATE TRIGGER current_labels_changed AFTER UPDATE OF sentence_id, kind, annotator, label, undone ON events "
        "WHEN OLD.kind = 'label' OR NEW.kind = 'label' BEGIN "
        "DELETE FROM current_labels WHERE group_id = (SELECT group_id FROM sentences WHERE id = OLD.sentence_id) "
        "AND annotator = OLD.annotator AND event_id = OLD.id; "
        "INSERT OR IGNORE INTO current_labels(group_id, annotator, event_id, label) "
        + _best("s.group_id = (SELECT group_id FROM sentences WHERE id = OLD.sentence_id) AND e.annotator = OLD.annotator")
        + "; INSERT INTO current_labels(group_id, annotator, event_id, label) "
        "SELECT group_id, NEW.annotator, NEW.id, NEW.label FROM sentences WHERE id = NEW.sentence_id "
        "AND NEW.kind = 'label' AND NEW.undone = 0 AND NEW.label IS NOT NULL" + _UPSERT + "; END"
    ),
    # a sentence with labels changes group (split, join, grouping): the group it left finds the latest
    # label again of each annotator whose current label was on it; its labels compete in the new group
    "current_labels_moved": (
        "CREATE TRIGGER current_labels_moved AFTER UPDATE OF group_id ON sentences "
        "WHEN OLD.group_id <> NEW.group_id AND EXISTS (SELECT 1 FROM events WHERE sentence_id = NEW.id "
        "AND kind = 'label') BEGIN "
        "DELETE FROM current_labels WHERE group_id = OLD.group_id AND annotator IN "
        "(SELECT annotator FROM events WHERE sentence_id = NEW.id) "
        "AND event_id IN (SELECT id FROM events WHERE sentence_id = NEW.id); "
        "INSERT OR IGNORE INTO current_labels(group_id, annotator, event_id, label) "
        + _best("s.group_id = OLD.group_id AND e.annotator IN (SELECT annotator FROM events WHERE sentence_id = NEW.id)")
        + "; INSERT INTO current_labels(group_id, annotator, event_id, label) "
        "SELECT NEW.group_id, annotator, id, label FROM (SELECT e.annotator, e.id, e.label, "
        "max(e.created_at || char(31) || e.uid) FROM events e WHERE e.sentence_id = NEW.id AND " + _LIVE
        + " GROUP BY e.annotator) WHERE true" + _UPSERT + "; END"
    ),
}

# Quality control (schema 8). A control item is a unit (the group of `sentence_id`) whose right label is
# known: from a file or from a review decision. A label event given on a control unit after the item was
# added is a control answer: it counts for its annotator's accuracy and never as a vote. `aggregates` holds
# the last `annotator aggregate` run: per unit its label and posterior, per annotator the estimated
# reliability (the accuracy, and the confusion matrix as JSON rows in scheme order).
_QUALITY = """
CREATE TABLE IF NOT EXISTS control_items (
    id INTEGER PRIMARY KEY,
    sentence_id INTEGER NOT NULL UNIQUE,
    label TEXT NOT NULL,
    reason TEXT,
    origin TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS control_answers (
    event_id INTEGER PRIMARY KEY,
    control_id INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS control_answers_item ON control_answers(control_id);
CREATE TABLE IF NOT EXISTS aggregates (
    group_id INTEGER PRIMARY KEY,
    label TEXT NOT NULL,
    p REAL NOT NULL,
    model TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS aggregates_p ON aggregates(p);
CREATE TABLE IF NOT EXISTS guidelines (
    version INTEGER PRIMARY KEY,
    text TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS aggregate_annotators (
    annotator TEXT PRIMARY KEY,
    model TEXT NOT NULL,
    accuracy REAL NOT NULL,
    confusion TEXT,
    units INTEGER NOT NULL
);
"""

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
    imported_at TEXT NOT NULL,
    origin TEXT,
    importing INTEGER,
    published TEXT,
    spliced INTEGER NOT NULL DEFAULT 0,
    language TEXT
);
CREATE INDEX IF NOT EXISTS documents_source ON documents(source);
CREATE INDEX IF NOT EXISTS documents_origin ON documents(origin);
CREATE INDEX IF NOT EXISTS documents_importing ON documents(importing) WHERE importing IS NOT NULL;
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
CREATE INDEX IF NOT EXISTS sentences_pending ON sentences(grouped) WHERE grouped = 0;
CREATE TABLE IF NOT EXISTS bands (
    key INTEGER NOT NULL,
    sentence_id INTEGER NOT NULL,
    PRIMARY KEY (key, sentence_id)
) WITHOUT ROWID;
{HASHES};
%s;
CREATE INDEX IF NOT EXISTS events_sentence ON events(sentence_id, annotator);
CREATE INDEX IF NOT EXISTS events_kind ON events(kind, annotator);
CREATE INDEX IF NOT EXISTS events_detached ON events(detached_doc) WHERE sentence_id IS NULL;
CREATE INDEX IF NOT EXISTS events_suggested ON events(sentence_id) WHERE source IS NOT NULL;
{CURRENT};
CREATE INDEX IF NOT EXISTS current_labels_annotator ON current_labels(annotator, label);
CREATE TABLE IF NOT EXISTS dedup_edits (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('split', 'join')),
    a_doc TEXT NOT NULL,
    a_hash INTEGER NOT NULL,
    b_doc TEXT,
    b_hash INTEGER,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS routing (
    doc_id INTEGER PRIMARY KEY,
    rank INTEGER NOT NULL,
    open INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX IF NOT EXISTS routing_open ON routing(rank, doc_id) WHERE open = 1;
CREATE TABLE IF NOT EXISTS leases (
    annotator TEXT PRIMARY KEY,
    doc_id INTEGER NOT NULL,
    touched_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS leases_touched ON leases(touched_at);
CREATE TABLE IF NOT EXISTS claims (
    group_id INTEGER NOT NULL,
    annotator TEXT NOT NULL,
    doc_id INTEGER NOT NULL,
    PRIMARY KEY (group_id, annotator)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS claims_annotator ON claims(annotator, doc_id);
CREATE TABLE IF NOT EXISTS over_overlap (
    event_id INTEGER PRIMARY KEY
);
CREATE TABLE IF NOT EXISTS rules (
    id INTEGER PRIMARY KEY,
    pattern TEXT NOT NULL,
    regex INTEGER NOT NULL,
    label TEXT NOT NULL,
    created_at TEXT NOT NULL
);
{QUALITY}
CREATE TABLE IF NOT EXISTS suggestions (
    group_id INTEGER PRIMARY KEY,
    label TEXT NOT NULL,
    p REAL NOT NULL,
    margin REAL NOT NULL,
    source TEXT NOT NULL,
    model TEXT NOT NULL,
    created_at TEXT NOT NULL
);
""".replace("{HASHES}", _HASHES.strip()).replace("{CURRENT}", _CURRENT.strip()).replace(
    "{QUALITY}", _QUALITY.strip()) % _EVENTS.format(name="events").strip()


def folder_of(path: str | None) -> str | None:
    """The name of the folder a file (or `file#record`) is in: the outlet when nothing better is known."""
    if not path:
        return None
    return Path(path.split("#", 1)[0]).parent.name or None


class StoreError(Exception):
    """A database problem told to the user in one line."""


class DiskFull(StoreError):
    """The disk (or the database's size limit) is full: nothing of the failed transaction was stored, and
    the same write lands once there is room again."""


# less free space than this on the database's file system makes an I/O error a full disk
LOW_SPACE_BYTES = 1 << 20
# the tables every annotator database has had since schema version 1 (besides meta)
_OWN_TABLES = {"documents", "sentences", "events"}


def default_path() -> str:
    return os.environ.get("ANNOTATOR_DB") or DEFAULT_DB


def _busy(err: sqlite3.Error) -> bool:
    message = str(err)
    return "locked" in message or "busy" in message


def chunks(items: list, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


class Connection:
    """A connection to one annotator database. Writes are short explicit transactions."""

    def __init__(self, path: str | os.PathLike, *, create: bool = True, timeout: float = BUSY_TIMEOUT_S,
                 patience: float = 0.0):
        self.path = str(path)
        self.timeout = timeout
        self.patience = patience  # seconds to keep retrying a busy database beyond the busy timeout
        self.readonly = False
        if self.path != ":memory:":
            target = Path(self.path)
            if not target.exists() and not create:
                raise StoreError(f"{self.path}: no such database (import documents first: annotator import PATH)")
            if target.is_dir():
                raise StoreError(f"{self.path}: is a folder, not a database file")
            if target.exists() and not target.is_file():
                raise StoreError(f"{self.path}: not a regular file (a device or a pipe?); give a database file")
            if not target.parent.exists():
                raise StoreError(f"{self.path}: folder {target.parent} does not exist")
            # root may write where the mode bits say no, but never on a read-only mount; WAL also
            # needs its -wal and -shm files beside the database
            self.readonly = target.exists() and not (os.access(target, os.W_OK) and os.access(target.parent, os.W_OK))
        try:
            self.conn = self._connect()
            self.db = sqlite_utils.Database(self.conn)
            self.conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            self._setup(create)
        except sqlite3.DatabaseError as err:
            raise self._explain(err) from None

    def require_writable(self, purpose: str) -> None:
        """Raise StoreError when this database was opened read-only: `purpose` ("labeling") needs to write."""
        if self.readonly:
            raise StoreError(f"{self.path}: database is read-only (a read-only file, folder or mount); "
                             f"{purpose} needs to write to it")

    def _connect(self) -> sqlite3.Connection:
        """A connection that can write, or for a file that cannot be written (a read-only file, folder or
        mount) one that only reads: no journal, no WAL switch, nothing created beside it."""
        if not self.readonly:
            return sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None, check_same_thread=False)
        uri = Path(self.path).resolve().as_uri()
        conn = sqlite3.connect(f"{uri}?mode=ro", timeout=self.timeout, isolation_level=None,
                               check_same_thread=False, uri=True)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return conn
        except sqlite3.OperationalError:
            # a WAL database whose -shm cannot be made here: read the file as it stands, as nobody
            # can be writing to it on a read-only mount
            conn.close()
            return sqlite3.connect(f"{uri}?immutable=1", timeout=self.timeout, isolation_level=None,
                                   check_same_thread=False, uri=True)

    def _setup(self, create: bool) -> None:
        version = self._schema_version()
        if version is not None and version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: database schema version {version} is newer than this annotator "
                f"understands ({SCHEMA_VERSION}); upgrade annotator"
            )
        if version is None and not create:
            raise StoreError(f"{self.path}: an empty database, not an annotator database yet "
                             "(import documents first: annotator import PATH)")
        if self.readonly:
            if version is None:
                raise StoreError(f"{self.path}: read-only and empty: cannot create an annotator database there")
            if version < SCHEMA_VERSION:
                raise StoreError(f"{self.path}: read-only, and its schema (version {version}) must first be upgraded "
                                 f"to {SCHEMA_VERSION}: open it once with write access")
            return
        if self.conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
            self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = NORMAL")
        self.conn.execute("PRAGMA cache_size = -65536")  # 64 MB of pages: big imports stay linear
        self.conn.execute("PRAGMA foreign_keys = ON")
        if version != SCHEMA_VERSION:
            if version and on_upgrade is not None:
                on_upgrade(f"{self.path}: upgrading the database from schema version {version} to {SCHEMA_VERSION} "
                           "(once; a large file takes a while)")
            with self.transaction():
                if version:
                    self._migrate(version)
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        self.conn.execute(statement)
                self._current_triggers(True)
                if version and version < 5:
                    self.rebuild_current_labels()
                if version and version < 3:  # every document already there is routed
                    self.conn.execute("INSERT OR IGNORE INTO routing(doc_id, rank) "
                                      "SELECT id, id FROM documents WHERE importing IS NULL")
                self.conn.execute(
                    "INSERT OR REPLACE INTO meta(key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
                )

    def _schema_version(self) -> int | None:
        """The schema version of an annotator database; None for an empty one. Anything else is refused
        before a byte of it is written: another program's database may have a `meta` table too."""
        tables = {name for (name,) in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not tables:
            return None
        row = None
        if "meta" in tables:
            row = self.conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        version = row[0] if row else None
        if not (isinstance(version, str) and version.isdigit() and int(version) >= 1 and _OWN_TABLES <= tables):
            own = sorted(tables - {"sqlite_sequence", "sqlite_stat1"})
            shown = ", ".join(own[:6]) + (f" and {len(own) - 6} more" if len(own) > 6 else "")
            raise StoreError(f"{self.path}: a SQLite database of another program (tables: {shown}), "
                             "not an annotator database; left unchanged")
        return int(version)

    def _migrate(self, from_version: int) -> None:
        """Bring an older schema up to SCHEMA_VERSION, inside the setup transaction."""
        if from_version == 1:
            # events: AUTOINCREMENT and a nullable sentence need a new table; times become UTC, one width
            self.conn.create_function("to_utc", 1, lambda text: to_utc(text) or text, deterministic=True)
            self.conn.execute(_EVENTS.format(name="events_v2"))
            self.conn.execute(
                "INSERT INTO events_v2(id, uid, sentence_id, kind, annotator, label, note, created_at, undone) "
                "SELECT id, uid, sentence_id, kind, annotator, label, note, to_utc(created_at), undone FROM events"
            )
            self.conn.execute("DROP TABLE events")
            self.conn.execute("ALTER TABLE events_v2 RENAME TO events")
            self.conn.execute("UPDATE dedup_edits SET created_at = to_utc(created_at)")
            # documents: the file (and record) each came from, to know the same file under another name
            self.conn.execute("ALTER TABLE documents ADD COLUMN origin TEXT")
            # documents: written by an import still under way (its process id), hidden until the file is whole
            self.conn.execute("ALTER TABLE documents ADD COLUMN importing INTEGER")
        if from_version <= 2:
            # documents: the outlet (until now `source` held the file; the folder stands in for the
            # outlet, as on import) and the publication time
            if from_version == 2:
                self.conn.execute("ALTER TABLE events ADD COLUMN source TEXT")
            self.conn.execute("ALTER TABLE documents ADD COLUMN published TEXT")
            self.conn.create_function("folder_of", 1, lambda origin: folder_of(origin), deterministic=True)
            self.conn.execute("UPDATE documents SET source = folder_of(coalesce(origin, source))")
        if from_version <= 3:
            self.conn.execute("ALTER TABLE documents ADD COLUMN spliced INTEGER NOT NULL DEFAULT 0")
            self._splice_documents()
            # band keys: the high 32 bits of the old 64-bit keys, as Signer now gives them
            self.conn.execute("CREATE TABLE IF NOT EXISTS bands (key INTEGER, sentence_id INTEGER)")
            self.conn.execute("CREATE TABLE bands_v4 (key INTEGER NOT NULL, sentence_id INTEGER NOT NULL, "
                              "PRIMARY KEY (key, sentence_id)) WITHOUT ROWID")
            self.conn.execute("INSERT OR IGNORE INTO bands_v4 SELECT key >> 32, sentence_id FROM bands ORDER BY 1, 2")
            self.conn.execute("DROP TABLE bands")
            self.conn.execute("ALTER TABLE bands_v4 RENAME TO bands")
            self.conn.execute(_HASHES)
            self.conn.execute("INSERT OR IGNORE INTO hashes SELECT norm_hash, id FROM sentences WHERE grouped = 1 "
                              "ORDER BY 1, 2")
            self.conn.execute("DROP INDEX IF EXISTS sentences_norm")
        if 2 <= from_version <= 6:
            # times: releases before 7 wrote a year before 1000 without its leading zeros ("999-01-01T..."),
            # which sorts after every current time and so became the annotator's label for good
            self.conn.create_function("to_utc", 1, lambda text: to_utc(text) or text, deterministic=True)
            short = "created_at NOT GLOB '[0-9][0-9][0-9][0-9]-*'"
            retimed = self.conn.execute(f"UPDATE events SET created_at = to_utc(created_at) WHERE {short}").rowcount
            self.conn.execute(f"UPDATE dedup_edits SET created_at = to_utc(created_at) WHERE {short}")
            if retimed and from_version >= 5:  # older versions derive the current labels after this anyway
                self.rebuild_current_labels()
        if from_version <= 6 and "language" not in {row[1] for row in self.conn.execute("PRAGMA table_info(documents)")}:
            # documents: their language (unknown for those imported before: NULL); a file taken back
            # to an older version by hand may still have the column
            self.conn.execute("ALTER TABLE documents ADD COLUMN language TEXT")
        columns = {row[1] for row in self.conn.execute("PRAGMA table_info(events)")}
        # events: the seconds a sentence was on screen before its label, the answer to the scheme's second
        # question, the guidelines version (NULL: not measured, none, before guidelines); the new tables
        # come with the schema (CREATE IF NOT EXISTS)
        for column, kind in (("seconds", "REAL"), ("detail", "TEXT"), ("guidelines", "INTEGER")):
            if column not in columns:
                self.conn.execute(f"ALTER TABLE events ADD COLUMN {column} {kind}")

    def _current_triggers(self, on: bool) -> None:
        """Create (or drop) the triggers that keep current_labels, inside the caller's transaction."""
        for name, sql in _CURRENT_TRIGGERS.items():
            self.conn.execute(f"DROP TRIGGER IF EXISTS {name}")
            if on:
                self.conn.execute(sql)

    def rebuild_current_labels(self) -> None:
        """Derive every unit's current labels afresh from the events, inside the caller's transaction."""
        self.conn.execute("DELETE FROM current_labels")
        self.conn.execute(
            "INSERT INTO current_labels(group_id, annotator, event_id, label) " + _best("1", per="s.group_id, e.annotator")
        )

    @contextmanager
    def triggers_off(self, added_only: bool = False) -> Iterator[None]:
        """Inside the caller's transaction: change many rows without the per-row triggers (a trigger costs
        SQLite as much as the insert itself), then bring the current labels up to date once: from the
        events added meanwhile (`added_only`, for a bulk insert), else afresh from every event."""
        (last,) = self.conn.execute("SELECT coalesce(max(id), 0) FROM events").fetchone() if added_only else (0,)
        self._current_triggers(False)
        yield
        if added_only:
            self.conn.execute("INSERT INTO current_labels(group_id, annotator, event_id, label) "
                              + _best("e.id > ?", per="s.group_id, e.annotator") + " WHERE true" + _UPSERT, (last,))
        else:
            self.rebuild_current_labels()
        self._current_triggers(True)

    def aside(self, work: Callable[[Connection], R]) -> Callable[[], R]:
        """Start work(connection) on a thread with a connection of its own to the same file (SQLite lets
        go of the interpreter while it reads and writes, so both go on at once). Returns a function
        that waits for the result, raising what the work raised. A database in memory has no second
        connection: the work runs here, at once."""
        if self.path == ":memory:":
            value = work(self)
            return lambda: value
        out: dict[str, object] = {}

        def run() -> None:
            try:
                own = type(self)(self.path, create=False, timeout=self.timeout)
                try:
                    out["value"] = work(own)
                finally:
                    own.close()
            except BaseException as err:  # raised where the result is waited for
                out["error"] = err

        thread = threading.Thread(target=run, daemon=True)
        thread.start()

        def wait() -> R:
            thread.join()
            if "error" in out:
                raise out["error"]
            return out.get("value")

        return wait

    def _splice_documents(self) -> None:
        """Keep only the text between sentences of each document stored whole: its sentences hold the rest."""
        for (doc_id,) in self.conn.execute("SELECT id FROM documents WHERE spliced = 0").fetchall():
            (text,) = self.conn.execute("SELECT text FROM documents WHERE id = ?", (doc_id,)).fetchone()
            rows = self.conn.execute('SELECT idx, start, "end" FROM sentences WHERE doc_id = ? ORDER BY idx', (doc_id,))
            stored, spliced = stored_text(text, rows.fetchall())
            if spliced:
                self.conn.execute("UPDATE documents SET text = ?, spliced = 1 WHERE id = ?", (stored, doc_id))

    def _explain(self, err: sqlite3.Error) -> StoreError:
        message = str(err)
        if "locked" in message or "busy" in message:
            return StoreError(f"{self.path}: database is locked by another process (waited {self.timeout:g} s); try again")
        if "database or disk is full" in message or ("disk I/O error" in message and self._disk_nearly_full()):
            return DiskFull(f"{self.path}: disk full while writing DB: nothing half-written; "
                            "free space and run it again")
        if "readonly" in message or "read-only" in message:
            why = " (a read-only file, folder or mount)" if self.readonly else ""
            return StoreError(f"{self.path}: database is read-only{why}; cannot store changes")
        if "file is not a database" in message:  # SQLite reads nothing else, and writes nothing to it
            return StoreError(f"{self.path}: not an annotator database (not a SQLite file at all); left unchanged")
        if "not a database" in message or "malformed" in message:
            return StoreError(f"{self.path}: not an annotator database ({message})")
        if "unable to open" in message:
            return StoreError(f"{self.path}: cannot open database ({message})")
        return StoreError(f"{self.path}: database error: {message}")

    def _disk_nearly_full(self) -> bool:
        """Is the database's file system out of space? SQLite says "disk I/O error", not "disk full",
        when the space runs out while it sizes its -shm or -wal file."""
        try:
            room = os.statvfs(Path(self.path).resolve().parent)
        except (OSError, ValueError):
            return False
        return room.f_bavail * room.f_frsize < LOW_SPACE_BYTES

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """BEGIN IMMEDIATE ... COMMIT: the write lock is taken up front, so no deadlock on upgrade.

        A busy database is waited for (the busy timeout); a patient store (`patience` seconds, for
        batch commands that must not give up while an import runs) keeps trying that long."""
        started = time.monotonic()
        while True:
            try:
                self.conn.execute("BEGIN IMMEDIATE")
                break
            except sqlite3.OperationalError as err:
                if not _busy(err) or time.monotonic() - started >= self.patience:
                    raise self._explain(err) from None
        try:
            yield
        except BaseException as err:
            self._roll_back()
            if isinstance(err, sqlite3.DatabaseError):
                raise self._explain(err) from None
            raise
        else:
            try:
                self.conn.execute("COMMIT")
            except sqlite3.DatabaseError as err:
                self._roll_back()
                raise self._explain(err) from None

    def _roll_back(self) -> None:
        """Undo the open transaction, if SQLite has not already: a commit that fails for lack of space
        ends it itself, and a second ROLLBACK's "no transaction is active" must not hide why it failed."""
        if self.conn.in_transaction:
            try:
                self.conn.execute("ROLLBACK")
            except sqlite3.DatabaseError:
                pass  # the transaction is gone either way; the error that ended it is the one to tell

    @contextmanager
    def fewer_checkpoints(self, pages: int = 16384) -> Iterator[None]:
        """Let the write-ahead log grow to `pages` (64 MB) before it is copied into the database,
        for a long run of short write transactions; checkpoint once at the end."""
        before = self.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
        self.conn.execute(f"PRAGMA wal_autocheckpoint = {int(pages)}")
        try:
            yield
        finally:
            self.conn.execute(f"PRAGMA wal_autocheckpoint = {int(before)}")
            try:
                self.conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
            except sqlite3.DatabaseError:
                pass  # a busy database: the next commit checkpoints

    def set_page_cache(self, megabytes: int) -> None:
        """Bound this connection's page cache to `megabytes` from now on (a connection that only
        appends, in key order, needs few pages)."""
        self.conn.execute(f"PRAGMA cache_size = {-int(megabytes) * 1024}")

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

    def setting(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_setting(self, key: str, value: str) -> None:
        self.conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))
