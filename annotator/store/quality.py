"""Quality control's SQL: control items and their answers, accuracy and timing reads, aggregates.

A control item is a unit whose right label is known (`control_items`, one row per item on the sentence
it was given for; the unit is that sentence's group). A live label event given on a control unit after
its item was added is a *control answer* (`control_answers`): it counts for the annotator's accuracy and
is left out wherever labels count as votes (agreement, review's disagreements, exports).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from annotator.model import AMBIGUOUS
from annotator.store.events import MAPPED
from annotator.store.queries import _CURRENT_DECISIONS
from annotator.store.votes import CONTROL_ANSWERS, FLAG, NOT_VOTES, TRAINING  # noqa: F401 (their home for callers)
from annotator.store.votes import CONTROL_UNITS as _CONTROL_GROUPS
from annotator.timestamps import now

# every control item with its unit and the label that unit takes: the earliest item's. Adding refuses a
# second item with another label on a unit, but regrouping can join two units that each had one
_UNIT_ITEMS = ("SELECT c.id, s.group_id, first_value(c.label) OVER (PARTITION BY s.group_id ORDER BY c.id) "
               "AS label FROM control_items c JOIN sentences s ON s.id = c.sentence_id")

# each annotator's latest live answer to each control unit: the one answer that counts (a second label
# event, for the second question, or one a change of scheme mapped, replaces the answer before it).
# (annotator, item answered, unit, expected: the unit's label, given, created_at); {since} filters the events
_LATEST_ANSWERS = (
    "SELECT annotator, control_id, unit, expected, given FROM (SELECT e.annotator, a.control_id, c.group_id AS unit, "
    "c.label AS expected, e.label AS given, ROW_NUMBER() OVER (PARTITION BY e.annotator, c.group_id "
    "ORDER BY e.created_at DESC, e.uid DESC) AS rn FROM control_answers a JOIN events e ON e.id = a.event_id "
    f"JOIN ({_UNIT_ITEMS}) c ON c.id = a.control_id WHERE e.undone = 0 AND e.label IS NOT NULL {{since}}) "
    "WHERE rn = 1")


class ControlItems:
    """Control items: adding, listing, removing them, and marking the label events that answer them."""

    conn: sqlite3.Connection

    def add_control_item(self, sentence_id: int, label: str, reason: str | None, origin: str,
                         at: str | None = None) -> bool:
        """Make the unit of a sentence a control item with its right label (inside the caller's
        transaction). `origin` is "file" or "review". Returns False when the sentence already is one
        (its label and reason are then replaced)."""
        known = self.conn.execute("SELECT 1 FROM control_items WHERE sentence_id = ?", (sentence_id,)).fetchone()
        self.conn.execute(
            "INSERT INTO control_items(sentence_id, label, reason, origin, created_at) VALUES (?,?,?,?,?) "
            "ON CONFLICT(sentence_id) DO UPDATE SET label = excluded.label, reason = excluded.reason",
            (sentence_id, label, reason, origin, at or now()))
        return known is None

    def add_control_items(self, items: list[tuple[int, str, str | None]], origin: str) -> tuple[int, int]:
        """Add control items, (sentence id, label, reason) each, in one transaction: all or none.
        Returns (added, replaced: sentences that were control items already)."""
        at = now()
        with self.transaction():
            added = sum(self.add_control_item(sid, label, reason, origin, at) for sid, label, reason in items)
        return added, len(items) - added

    def unit_control_item(self, group_id: int) -> tuple[int, str, int, str] | None:
        """(sentence id, document name, index from 0, label) of the earliest control item on a unit: the
        one whose label the unit takes when regrouping brought two; None when the unit is none."""
        return self.conn.execute(
            "SELECT c.sentence_id, d.name, s.idx, c.label FROM sentences s JOIN control_items c ON c.sentence_id = s.id "
            "JOIN documents d ON d.id = s.doc_id WHERE s.group_id = ? ORDER BY c.id LIMIT 1", (group_id,)).fetchone()

    def control_item_of(self, sentence_id: int) -> int | None:
        """The id of the control item on this sentence's unit, None when the unit is none."""
        row = self.conn.execute(
            "SELECT c.id FROM sentences s JOIN sentences m ON m.group_id = s.group_id "
            "JOIN control_items c ON c.sentence_id = m.id WHERE s.id = ? ORDER BY c.id LIMIT 1", (sentence_id,)
        ).fetchone()
        return row[0] if row else None

    def mark_control_answer(self, event_id: int, sentence_id: int) -> bool:
        """Inside the caller's transaction: mark a label event just stored as a control answer when its
        sentence's unit is a control item. Returns whether it was."""
        control = self.control_item_of(sentence_id)
        if control is not None:
            self.conn.execute("INSERT OR IGNORE INTO control_answers(event_id, control_id) VALUES (?, ?)",
                              (event_id, control))
        return control is not None

    def mark_control_answers_since(self, last_event_id: int) -> int:
        """Mark the label events added after `last_event_id` (a bulk load) on control units, given after
        their item was added, as control answers (inside the caller's transaction). Returns how many."""
        before = self.conn.total_changes
        self.conn.execute(
            "INSERT OR IGNORE INTO control_answers(event_id, control_id) "
            "SELECT e.id, min(c.id) FROM events e JOIN sentences s ON s.id = e.sentence_id "
            "JOIN sentences m ON m.group_id = s.group_id JOIN control_items c ON c.sentence_id = m.id "
            "WHERE e.id > ? AND e.kind = 'label' AND e.created_at >= c.created_at "
            f"AND e.source IS NOT '{TRAINING}' GROUP BY e.id",
            (last_event_id,))
        return self.conn.total_changes - before

    def has_non_votes(self) -> bool:
        """Are there labels that are no vote (control or training answers)? Most projects have none,
        and then the reads that count votes need no filter."""
        return self.conn.execute(
            "SELECT EXISTS (SELECT 1 FROM control_answers) OR EXISTS "
            f"(SELECT 1 FROM events INDEXED BY events_suggested WHERE source = '{TRAINING}')").fetchone()[0] == 1

    def non_vote_events(self, group_id: int) -> set[int]:
        """Ids of the label events on a unit's members that are no vote (control or training answers)."""
        return {row[0] for row in self.conn.execute(
            "SELECT e.id FROM sentences s JOIN events e ON e.sentence_id = s.id WHERE s.group_id = ? "
            f"AND e.id IN {NOT_VOTES}", (group_id,))}

    def control_items(self) -> list[dict]:
        """Every control item, in the order of its document and sentence: {id, doc, index (0-based),
        label, reason, origin, answers (annotators whose latest live answer to the unit answers it), right
        (those giving the unit's label),
        unit_label (the label its unit takes: the earliest item's), conflicts ((doc, index, label) of the
        other items on the same unit with another label, which regrouping can bring)}."""
        rows = self.conn.execute(
            "SELECT c.id, d.name, s.idx, c.label, c.reason, c.origin, count(a.control_id), "
            "coalesce(sum(a.given = a.expected), 0), u.label, u.group_id FROM control_items c "
            f"JOIN ({_UNIT_ITEMS}) u ON u.id = c.id JOIN sentences s ON s.id = c.sentence_id "
            f"JOIN documents d ON d.id = s.doc_id LEFT JOIN ({_LATEST_ANSWERS.format(since='')}) a "
            "ON a.control_id = c.id GROUP BY c.id ORDER BY d.name, s.idx")
        keys = ("id", "doc", "index", "label", "reason", "origin", "answers", "right", "unit_label", "group")
        items = [dict(zip(keys, row)) for row in rows]
        by_unit: dict[int, list[dict]] = {}
        for item in items:
            by_unit.setdefault(item["group"], []).append(item)
        for item in items:
            item["conflicts"] = [(i["doc"], i["index"], i["label"]) for i in by_unit[item.pop("group")]
                                 if i is not item and i["label"] != item["label"]]
        return items

    def control_item_at(self, doc_name: str, index: int) -> int | None:
        """The id of the control item given for the sentence at `index` (0-based) of a document."""
        row = self.conn.execute(
            "SELECT c.id FROM control_items c JOIN sentences s ON s.id = c.sentence_id "
            "JOIN documents d ON d.id = s.doc_id WHERE d.name = ? AND s.idx = ?", (doc_name, index)).fetchone()
        return row[0] if row else None

    def remove_control_items(self, ids: list[int] | None = None) -> tuple[int, int]:
        """Remove these control items (None: all) in one transaction. Their answers are ordinary labels
        again, so they count as votes from now on. Returns (items removed, answers released)."""
        where = "" if ids is None else f"WHERE control_id IN ({','.join('?' * len(ids))})"
        with self.transaction():
            released = self.conn.execute(f"DELETE FROM control_answers {where}", ids or ()).rowcount
            removed = self.conn.execute(f"DELETE FROM control_items {where.replace('control_id', 'id')}",
                                        ids or ()).rowcount
            self.reopen_documents()  # their units are work again
        return removed, released

    def decided_units(self) -> list[tuple[int, str, str | None]]:
        """(sentence id, label, comment) of every unit's live review decision other than "ambiguous":
        the sentence is the decision's own (its unit's member that carried a vote), the comment its note."""
        return self.conn.execute(
            "SELECT sentence_id, label, note FROM (SELECT e.sentence_id, e.label, e.note, ROW_NUMBER() OVER "
            "(PARTITION BY s.group_id ORDER BY e.created_at DESC, e.uid DESC, e.sentence_id) AS rn "
            "FROM events e JOIN sentences s ON s.id = e.sentence_id WHERE e.kind = 'decision' AND e.undone = 0) "
            "WHERE rn = 1 AND label != 'ambiguous' ORDER BY sentence_id").fetchall()

    def control_tally(self, annotator: str, since: str | None = None) -> tuple[int, int]:
        """(control units answered, answered right) by this annotator, counting their latest live answer
        to each unit against the unit's label (its earliest item's), given at `since` (a stored time) or later when given."""
        row = self.conn.execute(
            "SELECT count(*), coalesce(sum(given = expected), 0) FROM ("
            + _LATEST_ANSWERS.format(since="AND e.annotator = ? AND e.created_at >= ?") + ")",
            (annotator, since or "")).fetchone()
        return row[0], row[1]

    def has_labeled(self, annotator: str) -> bool:
        """Has this annotator ever given a label (live or undone, as work, answer or training)?"""
        return self.conn.execute("SELECT EXISTS (SELECT 1 FROM events WHERE annotator = ? AND kind = 'label')",
                                 (annotator,)).fetchone()[0] == 1

    def control_units_answered(self, annotator: str) -> set[int]:
        """The control units (groups) this annotator gave a live label, as work or in training."""
        return {row[0] for row in self.conn.execute(
            "SELECT DISTINCT u.group_id FROM control_items c JOIN sentences u ON u.id = c.sentence_id "
            "JOIN current_labels l ON l.group_id = u.group_id AND l.annotator = ?", (annotator,))}

    def unanswered_control_units(self, doc_id: int, annotator: str) -> list[int]:
        """The control units (groups) of a document this annotator never labeled, by group."""
        return [g for (g,) in self.conn.execute(
            "SELECT DISTINCT s.group_id FROM sentences s JOIN sentences m ON m.group_id = s.group_id "
            "JOIN control_items c ON c.sentence_id = m.id WHERE s.doc_id = ? AND NOT EXISTS "
            "(SELECT 1 FROM current_labels l WHERE l.group_id = s.group_id AND l.annotator = ?) ORDER BY s.group_id",
            (doc_id, annotator))]

    def control_units(self) -> list[tuple[int, int, int]]:
        """(item id, its unit (group), the document of its sentence) of every control item, by id."""
        return self.conn.execute(
            "SELECT c.id, s.group_id, s.doc_id FROM control_items c JOIN sentences s ON s.id = c.sentence_id "
            "JOIN documents d ON d.id = s.doc_id WHERE d.importing IS NULL ORDER BY c.id").fetchall()

    def control_expected(self, group_id: int) -> tuple[str, str | None] | None:
        """(label, reason) of the control item on this unit, None when it is none."""
        row = self.conn.execute(
            "SELECT c.label, c.reason FROM sentences s JOIN control_items c ON c.sentence_id = s.id "
            "WHERE s.group_id = ? ORDER BY c.id LIMIT 1", (group_id,)).fetchone()
        return (row[0], row[1]) if row else None


class Accuracy:
    """Reads for accuracy and timing: control answers and decisions against each annotator's labels."""

    conn: sqlite3.Connection

    def control_pairs(self) -> list[tuple[str, str, str]]:
        """(annotator, expected label, given label) of each annotator's latest live answer to each control
        unit (its label the earliest item's), by annotator then unit."""
        return self.conn.execute(
            f"SELECT annotator, expected, given FROM ({_LATEST_ANSWERS.format(since='')}) ORDER BY annotator, unit"
        ).fetchall()

    def decision_pairs(self) -> list[tuple[str, str, str]]:
        """(annotator, decided label, their current label) on every unit whose live review decision is a
        label (not ambiguous), by annotator then unit: decision accuracy's one definition, which `quality`,
        `progress` and the team screen all read. Only votes count: a control answer counts for control
        accuracy alone, a training answer nowhere, and a label given past the unit's overlap (which the
        reviewer never saw among the votes) neither."""
        votes_only = "AND c.event_id NOT IN (SELECT event_id FROM over_overlap) " + (
            f"AND c.event_id NOT IN {NOT_VOTES} " if self.has_non_votes() else "")
        return self.conn.execute(
            "SELECT c.annotator, d.label, c.label FROM current_labels c JOIN (" + _CURRENT_DECISIONS + ") d "
            f"ON d.grp = c.group_id WHERE d.label <> ? {votes_only}ORDER BY c.annotator, c.group_id", (AMBIGUOUS,)
        ).fetchall()

    def timed_labels(self) -> sqlite3.Cursor:
        """(annotator, seconds on screen, sentence text) of every live label event whose time on screen
        was measured (accepted suggestions and bulk loads have none), by annotator. Training answers are
        left out: onboarding counts nowhere."""
        return self.conn.execute(
            "SELECT e.annotator, e.seconds, s.text FROM events e JOIN sentences s ON s.id = e.sentence_id "
            "WHERE e.seconds IS NOT NULL AND +e.kind = 'label' AND e.undone = 0 AND e.label IS NOT NULL "
            f"AND e.source IS NOT '{TRAINING}' "
            "ORDER BY e.annotator, e.id"
        )


class Flags:
    """Units flagged as unsure ("ask the lead"): a note event whose source is FLAG; an unflag undoes it."""

    conn: sqlite3.Connection

    def group_flags(self, group_id: int) -> list[tuple[str, str | None]]:
        """(annotator, note or None) of each annotator's live flag on the unit, by annotator."""
        return [(who, note or None) for who, note, _latest in self.conn.execute(
            "SELECT e.annotator, e.note, max(e.created_at || char(31) || e.uid) FROM sentences m "
            "JOIN events e ON e.sentence_id = m.id WHERE m.group_id = ? AND e.source = ? AND +e.kind = 'note' "
            "AND e.undone = 0 GROUP BY e.annotator ORDER BY e.annotator", (group_id, FLAG))]

    def flag_uids(self, group_id: int, annotator: str) -> list[str]:
        """The uids of this annotator's live flags on the unit (one, unless copies were merged)."""
        return [row[0] for row in self.conn.execute(
            "SELECT e.uid FROM sentences m JOIN events e ON e.sentence_id = m.id WHERE m.group_id = ? "
            "AND e.annotator = ? AND e.source = ? AND +e.kind = 'note' AND e.undone = 0 ORDER BY e.id",
            (group_id, annotator, FLAG))]

    def flagged_groups(self) -> set[int]:
        """Units with a live flag from anyone."""
        return {row[0] for row in self.conn.execute(
            "SELECT DISTINCT s.group_id FROM events e JOIN sentences s ON s.id = e.sentence_id "
            "WHERE e.source = ? AND e.kind = 'note' AND e.undone = 0", (FLAG,))}


class Aggregates:
    """The stored aggregate: each unit's aggregated label and posterior, each annotator's reliability."""

    conn: sqlite3.Connection

    def aggregation_votes(self) -> sqlite3.Cursor:
        """(group, annotator, label) of every current label the aggregation reads, by group then annotator.
        Labels given past their unit's overlap are left out, and so are control answers, except on a unit
        that is a control item now: there the unit is fixed at its known label, so the answers cannot
        outvote it and only teach the model how reliable each annotator is. Training answers never count."""
        return self.conn.execute(
            "SELECT group_id, annotator, label FROM current_labels "
            "WHERE event_id NOT IN (SELECT event_id FROM over_overlap) "
            f"AND event_id NOT IN (SELECT id FROM events INDEXED BY events_suggested WHERE source = '{TRAINING}') "
            f"AND (event_id NOT IN {CONTROL_ANSWERS} OR group_id IN ({_CONTROL_GROUPS})) "
            "ORDER BY group_id, annotator")

    def aggregation_fixed(self) -> tuple[dict[int, str], dict[int, str]]:
        """({group: known label} of the control items, {group: label} of the current review decisions other
        than ambiguous): the units the aggregation fixes at a label."""
        control = dict(self.conn.execute(f"SELECT DISTINCT group_id, label FROM ({_UNIT_ITEMS})"))
        decided = {group: label for group, _who, label, _at in self.conn.execute(_CURRENT_DECISIONS)
                   if label != AMBIGUOUS}
        return control, decided

    def replace_aggregate(self, model: str, units: Iterable[tuple[int, str, float]],
                          annotators: Iterable[tuple[str, float, str | None, int]], at: str | None = None) -> None:
        """Store a run in place of the previous one, in one transaction. `units`: (group, label, posterior
        of that label); `annotators`: (name, estimated accuracy, confusion as JSON or None, labels given)."""
        at = at or now()
        with self.transaction():
            self.conn.execute("DELETE FROM aggregates")
            self.conn.execute("DELETE FROM aggregate_annotators")
            self.conn.executemany("INSERT INTO aggregates(group_id, label, p, model, created_at) VALUES (?,?,?,?,?)",
                                  ((group, label, p, model, at) for group, label, p in units))
            self.conn.executemany(
                "INSERT INTO aggregate_annotators(annotator, model, accuracy, confusion, units) VALUES (?,?,?,?,?)",
                ((name, model, accuracy, confusion, n) for name, accuracy, confusion, n in annotators))

    def aggregate_summary(self) -> dict | None:
        """{"model", "created_at", "units", "mean_confidence"} of the stored run; None when none was run."""
        row = self.conn.execute("SELECT min(model), max(created_at), count(*), avg(p) FROM aggregates").fetchone()
        if not row[2]:
            return None
        return {"model": row[0], "created_at": row[1], "units": row[2], "mean_confidence": row[3]}

    def aggregate_annotators(self) -> list[tuple[str, float, str | None, int]]:
        """(annotator, estimated accuracy, confusion JSON or None, labels given) of the stored run, by name."""
        return self.conn.execute(
            "SELECT annotator, accuracy, confusion, units FROM aggregate_annotators ORDER BY annotator").fetchall()

    def aggregated_labels(self) -> dict[int, tuple[str, float]]:
        """{group: (aggregated label, its posterior)} of the stored run."""
        return {group: (label, p) for group, label, p in self.conn.execute("SELECT group_id, label, p FROM aggregates")}

    def groups_voted_since(self, at: str) -> set[int]:
        """The units whose current vote (within the overlap, no control or training answer) from someone
        was given after `at` (a stored time, a run's): their stored aggregate is stale. A label a change
        of scheme mapped counts at the time of the vote it maps (followed back by uid): the run's labels
        were renamed in place with it, so the renaming alone changes no vote."""
        votes_only = "AND c.event_id NOT IN (SELECT event_id FROM over_overlap) " + (
            f"AND c.event_id NOT IN {NOT_VOTES} " if self.has_non_votes() else "")
        stale = set()
        for group, source in self.conn.execute(
                "SELECT c.group_id, e.source FROM current_labels c JOIN events e ON e.id = c.event_id "
                f"WHERE e.created_at > ? {votes_only}ORDER BY c.group_id", (at,)):
            while group not in stale and source is not None and source.startswith(MAPPED):
                source, given = self.conn.execute("SELECT source, created_at FROM events WHERE uid = ?",
                                                  (source[len(MAPPED):],)).fetchone() or (None, "")
                if given <= at:
                    break
            else:
                stale.add(group)
        return stale

    def unsure_groups(self) -> set[int]:
        """The units of the stored run whose aggregated label has a posterior below 1."""
        return {row[0] for row in self.conn.execute("SELECT group_id FROM aggregates WHERE p < 1")}

    def groups_by_confidence(self, groups: Iterable[int]) -> list[int]:
        """`groups` with the least sure aggregate first (lowest posterior, then by group); those without
        an aggregate after them, in group order."""
        p = dict(self.conn.execute("SELECT group_id, p FROM aggregates"))
        return sorted(groups, key=lambda g: (g not in p, p.get(g, 0.0), g))
