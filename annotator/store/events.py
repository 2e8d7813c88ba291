"""Events, the append-only history of labels, notes and review decisions, and undoing them."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterable, Sequence

from annotator.store.connection import chunks, now
from annotator.store.rows import Event


class Events:
    conn: sqlite3.Connection

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

    def known_uids(self, uids: Sequence[str]) -> set[str]:
        known: set[str] = set()
        for chunk in chunks(list(uids), 500):
            marks = ",".join("?" * len(chunk))
            known.update(r[0] for r in self.conn.execute(f"SELECT uid FROM events WHERE uid IN ({marks})", chunk))
        return known

    def mark_undone(self, uids: Sequence[str]) -> int:
        """Mark the events with these uids undone (one transaction); returns how many changed."""
        changed = 0
        with self.transaction():
            for chunk in chunks(list(uids), 500):
                marks = ",".join("?" * len(chunk))
                changed += self.conn.execute(
                    f"UPDATE events SET undone = 1 WHERE uid IN ({marks}) AND undone = 0", chunk
                ).rowcount
        return changed
