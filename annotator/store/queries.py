"""What the screens read: one annotator's labels, notes and progress, a unit's decision and history."""

from __future__ import annotations

import sqlite3

from annotator.store.events import MAPPED
from annotator.store.votes import NOT_VOTES, TRAINING
from annotator.store.rows import Event

# One order for "latest", everywhere: the time (UTC, one fixed width, so it sorts as text), then the
# event's uid, which is the same in every copy of a database (a local row id is not).
LATEST = "e.created_at DESC, e.uid DESC"
# Label events that are accepted suggestions (a model's, 'suggestion:...', or a rule's, 'rule:...'), and
# the events a change of scheme mapped from one ('map:<uid>', followed back to the event it maps, by uid):
# renaming a label keeps the judgement and how it was given. Other sources (training, imports) are typed.
ACCEPTED = (
    "(WITH RECURSIVE chain(id, src) AS (SELECT id, source FROM events INDEXED BY events_suggested "
    "WHERE source IS NOT NULL AND kind = 'label' UNION ALL SELECT c.id, o.source FROM chain c "
    f"JOIN events o ON o.uid = substr(c.src, {len(MAPPED) + 1}) WHERE c.src LIKE '{MAPPED}%') "
    "SELECT id FROM chain WHERE src LIKE 'suggestion:%' OR src LIKE 'rule:%')")
# The current label of every unit per annotator (kept in current_labels by the store's triggers), with
# the sentence the label was given on and its time and uid ("time || char(31) || uid": the time is
# fixed-width, so this sorts as LATEST does).
_CURRENT_LABELS = """
SELECT c.group_id AS grp, c.annotator, c.label, e.sentence_id, e.created_at || char(31) || e.uid AS latest
FROM current_labels c JOIN events e ON e.id = c.event_id
"""
# Units with a current label from anyone, counted in the table's own (group) order: count(DISTINCT)
# would sort every row again. And the annotators with one, a seek per name along the annotator index.
LABELED_UNITS = "SELECT count(*) FROM (SELECT group_id FROM current_labels NOT INDEXED GROUP BY group_id)"
_ANNOTATORS = ("WITH RECURSIVE a(name) AS (SELECT min(annotator) FROM current_labels UNION ALL "
               "SELECT (SELECT min(annotator) FROM current_labels WHERE annotator > a.name) FROM a "
               "WHERE a.name IS NOT NULL) SELECT count(name) FROM a")
LABEL_ROW_FIELDS = ("doc", "index", "start", "end", "text", "label", "annotator", "note", "created_at", "group",
                    "source", "published", "language")
_CURRENT_DECISIONS = """
SELECT grp, annotator, label, created_at FROM (
    SELECT s.group_id AS grp, e.annotator, e.label, e.created_at,
           ROW_NUMBER() OVER (PARTITION BY s.group_id ORDER BY {latest}) AS rn
    FROM events e JOIN sentences s ON s.id = e.sentence_id
    WHERE e.kind = 'decision' AND e.undone = 0
) WHERE rn = 1
""".format(latest=LATEST)


class Queries:
    conn: sqlite3.Connection

    def doc_labels(self, doc_id: int, annotator: str) -> dict[int, str]:
        """sentence index -> this annotator's current label of the sentence's group, for one document."""
        return dict(
            self.conn.execute(
                "SELECT s.idx, c.label FROM sentences s JOIN current_labels c ON c.group_id = s.group_id "
                "AND c.annotator = ? WHERE s.doc_id = ?",
                (annotator, doc_id),
            )
        )

    def group_note(self, group_id: int, annotator: str) -> str | None:
        row = self.conn.execute(
            "SELECT e.note FROM sentences m JOIN events e ON e.sentence_id = m.id WHERE m.group_id = ? "
            "AND e.annotator = ? AND e.undone = 0 AND +e.kind IN ('label', 'note') AND e.note IS NOT NULL "
            "AND e.source IS NOT 'flag' ORDER BY " + LATEST + " LIMIT 1",
            (group_id, annotator),
        ).fetchone()
        return (row[0] or None) if row else None  # an empty note clears the one before

    def next_unlabeled(self, annotator: str, doc_id: int, after_index: int) -> int | None:
        """Index of the next sentence of a document, after after_index, whose group this annotator has not labeled."""
        row = self.conn.execute(
            "SELECT s.idx FROM sentences s WHERE s.doc_id = ? AND s.idx > ? AND NOT EXISTS ("
            "SELECT 1 FROM current_labels c WHERE c.group_id = s.group_id AND c.annotator = ?) "
            "ORDER BY s.idx LIMIT 1",
            (doc_id, after_index, annotator),
        ).fetchone()
        return row[0] if row else None

    def group_at(self, doc_id: int, index: int) -> int | None:
        row = self.conn.execute("SELECT group_id FROM sentences WHERE doc_id = ? AND idx = ?", (doc_id, index)).fetchone()
        return row[0] if row else None

    def label_progress(self, annotator: str, own_view: bool = False) -> dict[str, int]:
        """This annotator's count of labeled groups per current label: their votes, as `votes` and
        `progress` count them (no control or training answers, none past the unit's overlap); with
        `own_view` (their own screen) their control answers too, so a control unit counts like work."""
        where = " AND ".join(["c.annotator = ?", *self._vote_filter(own_view=own_view)])
        return dict(self.conn.execute(f"SELECT label, count(*) FROM current_labels c WHERE {where} GROUP BY label",
                                      (annotator,)))

    def team_progress(self, own_view: bool = False) -> tuple[int, int]:
        """(groups labeled by anyone, annotators who labeled): what the whole team has done. Control and
        training answers are no votes: they do not count; with `own_view` (the line on an annotator's
        screen, where a control unit must look like work) control answers do."""
        if self.has_non_votes():
            left_out = (f"(SELECT id FROM events INDEXED BY events_suggested WHERE source = '{TRAINING}')"
                        if own_view else NOT_VOTES)
            return self.conn.execute(
                "SELECT count(DISTINCT group_id), count(DISTINCT annotator) FROM current_labels "
                f"WHERE event_id NOT IN {left_out}").fetchone()
        return self.conn.execute(f"SELECT ({LABELED_UNITS}), ({_ANNOTATORS})").fetchone()

    def group_labelers(self, group_id: int) -> set[str]:
        """The annotators with a live label on this unit (its primary key: one row per annotator)."""
        return {row[0] for row in self.conn.execute("SELECT annotator FROM current_labels WHERE group_id = ?",
                                                    (group_id,))}

    def labeled_groups(self) -> set[int]:
        """Groups with a live label from anyone."""
        return {row[0] for row in self.conn.execute("SELECT DISTINCT group_id FROM current_labels")}

    def decision_comment(self, group_id: int) -> str | None:
        """The reviewer's comment on a unit's current decision."""
        row = self.conn.execute(
            "SELECT e.note FROM events e JOIN sentences s ON s.id = e.sentence_id "
            "WHERE s.group_id = ? AND +e.kind = 'decision' AND e.undone = 0 ORDER BY " + LATEST + " LIMIT 1",
            (group_id,),
        ).fetchone()
        return row[0] if row else None

    def decisions(self) -> dict[int, str]:
        """group -> label (or 'ambiguous') of its current review decision."""
        return {row[0]: row[2] for row in self.conn.execute(_CURRENT_DECISIONS)}

    def label_times(self) -> sqlite3.Cursor:
        """(annotator, time) of every live vote (no control or training answer), by annotator then time:
        the work whose pace `progress` measures. Labels a change of scheme wrote (source 'map:...') are
        left out: nobody read those sentences then."""
        votes_only = f"AND id NOT IN {NOT_VOTES} " if self.has_non_votes() else ""
        return self.conn.execute(
            "SELECT annotator, created_at FROM events WHERE kind = 'label' AND undone = 0 AND label IS NOT NULL "
            f"AND (source IS NULL OR source NOT LIKE '{MAPPED}%') {votes_only}ORDER BY annotator, created_at"
        )

    def has_suggestions(self) -> bool:
        return self.conn.execute("SELECT 1 FROM suggestions LIMIT 1").fetchone() is not None

    def decided_groups(self) -> set[int]:
        """Groups with a live review decision."""
        return {row[0] for row in self.conn.execute(_CURRENT_DECISIONS)}

    def group_decision(self, group_id: int) -> tuple[str, str] | None:
        """(label or 'ambiguous', decided by) of the latest live review decision on a group."""
        row = self.conn.execute(
            "SELECT e.label, e.annotator FROM events e JOIN sentences s ON s.id = e.sentence_id "
            "WHERE s.group_id = ? AND +e.kind = 'decision' AND e.undone = 0 ORDER BY " + LATEST + " LIMIT 1",
            (group_id,),
        ).fetchone()
        return (row[0], row[1]) if row else None

    def group_events(self, group_id: int) -> list[Event]:
        return [
            Event(*row)
            for row in self.conn.execute(
                "SELECT e.id, e.uid, e.sentence_id, e.kind, e.annotator, e.label, e.note, e.created_at, e.undone "
                "FROM events e JOIN sentences s ON s.id = e.sentence_id WHERE s.group_id = ? ORDER BY e.created_at, e.uid",
                (group_id,),
            )
        ]
