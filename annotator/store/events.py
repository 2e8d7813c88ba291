"""Events, the append-only history of labels, notes and review decisions, and undoing them."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterable, Sequence

from annotator import scheme
from annotator.model import AMBIGUOUS
from annotator.store.connection import chunks
from annotator.store.votes import TRAINING
from annotator.timestamps import label_time, latest_label_time, now
from annotator.store.rows import Event

MAPPED = "map:"  # the source of an event a change of scheme wrote: "map:" and the uid it maps (store/scheme.py)
# the guidelines version a label is given under: the latest stored (NULL before any)
_GUIDELINES = "(SELECT max(version) FROM guidelines)"


class Events:
    conn: sqlite3.Connection

    def add_event(
        self, sentence_id: int, kind: str, annotator: str, label: str | None = None, note: str | None = None,
        created_at: str | None = None, uid: str | None = None, touch_lease: bool = False, source: str | None = None,
        seconds: float | None = None, detail: str | None = None,
    ) -> str:
        """Append one event and commit it before returning: a crash after this loses nothing.
        With `touch_lease` (a routed label), the annotator's lease on their document is renewed in the
        same commit, and a label past its unit's overlap is marked so (see Routing.past_overlap);
        `source` says a label is an accepted suggestion ("suggestion:MODEL", "rule:ID"), or a note is a
        flag ("flag": the unit is unsure, ask the lead); `seconds` is how long the sentence was on screen
        before the label; `detail` is the answer to the scheme's second question (checked by the caller). A
        label records the guidelines version current when it is stored. A label on a control unit is marked a control answer (store/quality.py).
        Raises SchemeChanged for a label the project's scheme no longer has (changed meanwhile).
        Returns its uid, the event's identity in every copy of the database. Raises ValueError for a
        `created_at` that is no label time (see timestamps.label_time)."""
        if kind == "label" and label is not None:
            scheme.check_current(label, self)
        uid, at = uid or uuid.uuid4().hex, label_time(created_at) if created_at else now()
        with self.transaction():
            over = touch_lease and kind == "label" and label is not None and self.past_overlap(sentence_id, annotator, at)
            event_id = self.conn.execute(
                "INSERT INTO events(uid, sentence_id, kind, annotator, label, note, created_at, source, seconds, "
                "detail, guidelines) VALUES (?,?,?,?,?,?,?,?,?,?,"
                f"{_GUIDELINES if kind == 'label' else 'NULL'})",
                (uid, sentence_id, kind, annotator, label, note, at, source, seconds, detail),
            ).lastrowid
            if kind == "label" and label is not None and source != TRAINING:  # training answers are no test
                self.mark_control_answer(event_id, sentence_id)
            if over:
                self.mark_over_overlap(event_id)
            if touch_lease:
                self.touch_lease(annotator, at)
        return uid

    def add_events(self, rows: Iterable[tuple]) -> int:
        """Append many events in one transaction: rows of (sentence_id, kind, annotator, label, note,
        created_at, uid), or with an eighth value, the label's `source` as add_event takes it (or a note's:
        "flag"), a ninth, its `detail` (the second question's answer), a tenth, the guidelines version it
        was given under (a merged copy's own; without it, labels record the current version), and an
        eleventh, the label's seconds on screen.

        Events whose uid is already stored are skipped. Returns how many were added. Raises ValueError
        for a time that is no label time, and then adds none.
        """
        with self.transaction():
            return self.insert_events(rows)

    def event_sentences(self, uids: list[str]) -> dict[str, int]:
        """{uid: the sentence id its event is stored on} for those of the uids that are stored."""
        found = {}
        for start in range(0, len(uids), 500):  # SQLite's limit on bound values
            chunk = uids[start:start + 500]
            found.update(self.conn.execute(
                f"SELECT uid, sentence_id FROM events WHERE uid IN ({','.join('?' * len(chunk))})", chunk).fetchall())
        return found

    def last_event_id(self) -> int:
        """The id of the latest event stored (0 when there is none): what a bulk load adds comes after."""
        return self.conn.execute("SELECT coalesce(max(id), 0) FROM events").fetchone()[0]

    def insert_events(self, rows: Iterable[tuple]) -> int:
        """add_events inside the caller's transaction."""
        latest = latest_label_time()

        def values(row: tuple) -> tuple:
            sid, kind, who, label, note, created_at, uid, *more = row
            # every stored time one fixed width, so "latest" sorting as text is the latest in time
            at = label_time(created_at, latest) if created_at else now()
            source, detail, given, seconds = (list(more) + [None, None, version, None][len(more):])[:4]
            return (uid or uuid.uuid4().hex, sid, kind, who, label, note, at, source, detail,
                    given if kind == "label" else None, seconds)

        version = self.conn.execute("SELECT " + _GUIDELINES).fetchone()[0]
        with self.triggers_off(added_only=True):
            return self.conn.executemany(
                "INSERT OR IGNORE INTO events(uid, sentence_id, kind, annotator, label, note, created_at, source, "
                "detail, guidelines, seconds) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                map(values, rows),
            ).rowcount

    def decide(self, group_id: int, reviewer: str, label: str, uid: str | None = None,
               created_at: str | None = None, comment: str | None = None) -> list[str]:
        """Store a review decision for a unit, in one transaction. The decision belongs to the unit: it
        is written on every member that carries a live vote (on the first member when none does), so
        a member split off later keeps the decision that settled its vote. The events' uids are
        `uid`-0, `uid`-1, ...; returns them. Raises SchemeChanged for a label the project's scheme no
        longer has."""
        scheme.check_current(label, self, (AMBIGUOUS,))
        members = [row[0] for row in self.conn.execute(
            "SELECT DISTINCT s.id FROM sentences s JOIN events e ON e.sentence_id = s.id WHERE s.group_id = ? "
            "AND +e.kind = 'label' AND e.undone = 0 AND e.label IS NOT NULL ORDER BY s.id", (group_id,))]
        if not members:
            members = [self.conn.execute("SELECT min(id) FROM sentences WHERE group_id = ?", (group_id,)).fetchone()[0]]
        base, at = uid or uuid.uuid4().hex, label_time(created_at) if created_at else now()
        uids = [f"{base}-{n}" for n in range(len(members))]
        with self.transaction():
            self.conn.executemany(
                "INSERT INTO events(uid, sentence_id, kind, annotator, label, note, created_at) "
                "VALUES (?,?,'decision',?,?,?,?)",
                [(uid, sid, reviewer, label, comment, at) for uid, sid in zip(uids, members)],
            )
        return uids

    def undo_decision(self, uid: str) -> int:
        """Undo every event of the decision `decide` stored under this uid, and the decisions a change of
        scheme mapped from it; returns how many events."""
        undone, bases = 0, [uid]
        with self.transaction():
            while bases:
                base = bases.pop()
                pattern = base.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "-%"
                sentences = [sid for (sid,) in self.conn.execute(
                    "SELECT sentence_id FROM events WHERE kind = 'decision' AND uid LIKE ? ESCAPE '\\'", (pattern,))]
                undone += self.conn.execute(
                    "UPDATE events SET undone = 1 WHERE kind = 'decision' AND uid LIKE ? ESCAPE '\\'", (pattern,),
                ).rowcount
                # a mapped decision is on the sentences of the one it maps: the partial index finds it
                bases += {found.rsplit("-", 1)[0] for (found,) in self.conn.execute(
                    f"SELECT uid FROM events INDEXED BY events_suggested WHERE sentence_id IN "
                    f"({','.join('?' * len(sentences))}) AND source IS NOT NULL AND source = ? AND kind = 'decision'",
                    (*sentences, MAPPED + base))}
        return undone

    def undo_event(self, uid: str) -> Event | None:
        """Mark the event with this uid undone; the event as it now is, or None if there is no such event."""
        with self.transaction():
            # and the labels a change of scheme mapped from it (and from those): else the mapped label
            # would stay current after its annotator took the original back
            # would stay current after its annotator took the original back. A mapping event is on the
            # sentence of the event it maps, so the partial index on sourced events finds them.
            self.conn.execute(
                "WITH RECURSIVE derived(uid) AS (SELECT ? UNION SELECT e.uid FROM derived d "
                "JOIN events e INDEXED BY events_suggested ON e.sentence_id = (SELECT sentence_id FROM events "
                "WHERE uid = ?) AND e.source IS NOT NULL AND e.source = ? || d.uid) "
                "UPDATE events SET undone = 1 WHERE uid IN derived", (uid, uid, MAPPED))
            row = self.conn.execute(
                "SELECT s.group_id FROM events e JOIN sentences s ON s.id = e.sentence_id WHERE e.uid = ?", (uid,)
            ).fetchone()
            if row:
                self.reopen_documents(row[0])  # the unit may need someone again
        return self.event(uid)

    def event(self, uid: str) -> Event | None:
        row = self.conn.execute(
            "SELECT id, uid, sentence_id, kind, annotator, label, note, created_at, undone FROM events WHERE uid = ?",
            (uid,),
        ).fetchone()
        return Event(*row) if row else None

    def known_uids(self, uids: Sequence[str]) -> set[str]:
        known: set[str] = set()
        for chunk in chunks(list(uids), 500):
            marks = ",".join("?" * len(chunk))
            known.update(r[0] for r in self.conn.execute(f"SELECT uid FROM events WHERE uid IN ({marks})", chunk))
        return known

    def mark_undone(self, uids: Sequence[str]) -> int:
        """Mark the events with these uids undone, inside the caller's transaction; returns how many changed."""
        changed = 0
        for chunk in chunks(list(uids), 500):
            marks = ",".join("?" * len(chunk))
            changed += self.conn.execute(
                f"UPDATE events SET undone = 1 WHERE uid IN ({marks}) AND undone = 0", chunk
            ).rowcount
        return changed
