"""Another annotator database, someone else's file: opened read-only, checked, then read for a merge.

The file is never written (SQLite opens it read-only and `query_only` is on); with `trusted_schema`
off, nothing in its schema can run code of its own, and a file with triggers, views or tables an
annotator database does not have is refused before any of it is read.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

from annotator.store.connection import _CURRENT_TRIGGERS, StoreError

KNOWN_VERSIONS = (1, 2, 3, 4, 5, 6, 7, 8)
_TABLES = {"meta", "documents", "sentences", "bands", "events", "dedup_edits"}
# kept by this version, not read by a merge (routing and suggestions are the receiving project's own)
_OPTIONAL = {"routing", "leases", "claims", "suggestions", "rules", "hashes", "current_labels", "over_overlap",
             "control_items", "control_answers", "aggregates", "aggregate_annotators", "guidelines"}
_INDEXES = {"sentences_doc_idx", "sentences_group", "sentences_norm", "sentences_pending", "events_sentence",
            "events_kind", "events_detached", "documents_origin",
            "documents_importing", "documents_source", "events_suggested", "routing_open", "leases_touched", "claims_annotator",
            "current_labels_annotator", "control_answers_item", "aggregates_p"}


class ForeignDatabase:
    def __init__(self, path: str | Path):
        self.path = str(path)
        if Path(self.path).is_dir():
            raise StoreError(f"{self.path}: is a folder, not a database file")
        if not Path(self.path).is_file():
            raise StoreError(f"{self.path}: no such database file")
        try:
            self.conn = sqlite3.connect(f"file:{quote(str(Path(self.path).resolve()))}?mode=ro", uri=True)
            self.conn.execute("PRAGMA trusted_schema = OFF")
            self.conn.execute("PRAGMA query_only = ON")
            check = self.conn.execute("PRAGMA quick_check").fetchall()
            if check != [("ok",)]:
                raise StoreError(f"{self.path}: damaged database ({_first_problem(check)}); not merged")
            self._check_schema()
        except sqlite3.DatabaseError as err:
            raise StoreError(f"{self.path}: not an annotator database ({err})") from None

    def _check_schema(self) -> None:
        for kind, name, sql in self.conn.execute("SELECT type, name, sql FROM sqlite_master"):
            if kind == "trigger" and _CURRENT_TRIGGERS.get(name) == sql:
                continue  # ours, word for word (and a read-only file runs no trigger)
            if kind == "table" and (name in _TABLES | _OPTIONAL or name == "sqlite_sequence" or name.startswith("sqlite_stat")):
                continue
            if kind == "index" and (name in _INDEXES or name.startswith("sqlite_autoindex_")):
                continue
            raise StoreError(f"{self.path}: not trusted: it has a {kind} {name!r} an annotator database does not have")
        found = {name for (name,) in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not _TABLES <= found:
            raise StoreError(f"{self.path}: not an annotator database (tables missing: {', '.join(sorted(_TABLES - found))})")
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        # a short digit string only: int() of thousands of digits raises
        version = int(row[0]) if row and str(row[0]).isdigit() and len(str(row[0])) < 4 else None
        if version not in KNOWN_VERSIONS:
            value = str(row[0]) if row else "missing"
            shown = value[:40] if value.isprintable() else repr(value)[:40]  # one line, whatever the file holds
            raise StoreError(f"{self.path}: annotator schema version {shown} is not one this "
                             f"annotator reads ({', '.join(map(str, KNOWN_VERSIONS))})")
        # labels record whether they were accepted suggestions since version 4; before, all were typed
        self._has_source = any(col[1] == "source" for col in self.conn.execute("PRAGMA table_info(events)"))
        self._has_over = "over_overlap" in found  # since version 6
        # the second question's answer, the guidelines version and the seconds on screen of a label: since version 8
        self._has_detail = any(col[1] == "detail" for col in self.conn.execute("PRAGMA table_info(events)"))

    def scheme_json(self) -> str | None:
        """The copy's label scheme as JSON text; None when it has the default scheme (or predates schemes)."""
        row = next(self._rows("SELECT value FROM meta WHERE key = 'scheme'"), None)
        return row[0] if row else None

    def over_overlap_uids(self) -> set[str]:
        """Uids of the label events given past their unit's overlap in this copy (none before version 6).
        Raises StoreError naming this file when it cannot be read."""
        if not self._has_over:
            return set()
        return {uid for (uid,) in self._rows(
            "SELECT e.uid FROM over_overlap o JOIN events e ON e.id = o.event_id WHERE e.kind = 'label'")}

    def close(self) -> None:
        self.conn.close()

    def events(self) -> Iterator[tuple]:
        """(row id, uid, doc name, sentence index, sentence text, kind, annotator, label, note, created_at,
        undone, source, detail, guidelines, seconds) of every event on a sentence, in the order they were stored there, as the file
        holds them (unchecked). Raises StoreError naming this file when it cannot be read."""
        return self._rows(
            "SELECT e.id, e.uid, d.name, s.idx, s.text, e.kind, e.annotator, e.label, e.note, e.created_at, e.undone, "
            + ("e.source, " if self._has_source else "NULL, ")
            + ("e.detail, e.guidelines, e.seconds " if self._has_detail else "NULL, NULL, NULL ")
            + "FROM events e JOIN sentences s ON s.id = e.sentence_id JOIN documents d ON d.id = s.doc_id ORDER BY e.id"
        )

    def dedup_edits(self) -> Iterator[tuple]:
        """(row id, kind, doc, norm hash, other doc, other norm hash, created_at) of the splits and joins
        made by hand, unchecked. Raises StoreError naming this file when it cannot be read."""
        return self._rows("SELECT id, kind, a_doc, a_hash, b_doc, b_hash, created_at FROM dedup_edits ORDER BY id")

    def _rows(self, sql: str) -> Iterator[tuple]:
        try:
            yield from self.conn.execute(sql)
        except sqlite3.DatabaseError as err:  # damaged where quick_check did not look, or changed since
            raise StoreError(f"{self.path}: damaged database ({err}); not merged") from None


def _first_problem(check: list[tuple]) -> str:
    """quick_check's first problem, on one line, and how many more there are."""
    problems = [line.strip() for (text,) in check for line in str(text).splitlines()
                if line.strip() and not line.startswith("***")]
    more = f" and {len(problems) - 1} more" if len(problems) > 1 else ""
    return (problems[0] if problems else "unreadable") + more
