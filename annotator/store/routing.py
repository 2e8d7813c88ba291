"""Routing: the project's settings, which documents still need labels, and who holds which units.

A document is handed to one annotator at a time as a *lease* on the units of it that still need
someone: its `claims`. A unit counts the annotators who labeled it plus those who hold a live claim
on it, so two annotators asking at once are never given the same last place. A lease lives while
its holder labels; after `LEASE_S` idle seconds its claims go back to the pool.

`routing` keeps one row per visible document: its place in the project's order (`rank`) and whether
it may still need anyone (`open`). A document is closed once every unit in it has the overlap, so
finding the next one skips the finished part of the corpus through an index. Anything that can take
a label away again (an undo, a split, a re-import, a merge) opens documents again.

A label is never refused, but one that takes its unit past the overlap (its giver's lease lapsed
and the unit went to someone else, or they opened a document by hand that others already cover) is
marked `over_overlap`: agreement, review and exports leave it out unless asked, so each unit keeps
exactly the overlap's annotators. A label on a unit that still needs someone counts as the claim.
"""

from __future__ import annotations

import math
import random
import secrets
import sqlite3
from collections import defaultdict

from annotator.quality.control import DEFAULT_MIN_ANSWERS, control_run, control_turn, is_paused
from annotator.store.connection import chunks
from annotator.store.votes import CONTROL_UNITS, NOT_VOTES
from annotator.timestamps import now, shift

LEASE_S = 30 * 60
ORDERS = ("doc", "random", "uncertain")
_SCAN_BATCH = 64
_CONTROL_LOOK = 16  # control items a request looks at for one whose document has work around it
_LIVE_LABEL = "e.kind = 'label' AND e.undone = 0 AND e.label IS NOT NULL"
# the same, for a few units' events: "+e.kind" keeps SQLite from walking every label event by kind
# instead of the units' own events by sentence
_UNIT_LABEL = "+e.kind = 'label' AND e.undone = 0 AND e.label IS NOT NULL"
OVER = "(SELECT event_id FROM over_overlap)"  # label events given past their unit's overlap


class Routing:
    conn: sqlite3.Connection

    # -- settings --------------------------------------------------------------------------

    def project(self) -> dict:
        """overlap (None: everyone labels everything), order, seed of the random order, retrain_every,
        control_rate (the share of control units in each queue, 0..0.5), min_accuracy (None: no pause)
        and min_control_answers (the answers a pause needs)."""
        overlap = self.setting("project.overlap", "all")
        min_accuracy = self.setting("project.min_accuracy")
        return {
            "overlap": None if overlap == "all" else int(overlap),
            "order": self.setting("project.order", "doc"),
            "seed": int(self.setting("project.seed", "0")),
            "retrain_every": int(self.setting("project.retrain_every", "200")),
            "control_rate": float(self.setting("project.control_rate", "0")),
            "min_accuracy": float(min_accuracy) if min_accuracy is not None else None,
            "min_control_answers": int(self.setting("project.min_control_answers", str(DEFAULT_MIN_ANSWERS))),
        }

    def set_project(self, key: str, value: str) -> None:
        """Store one setting (checked by the caller); a new overlap or order applies to every document."""
        with self.transaction():
            self.set_setting(f"project.{key}", value)
            if key == "control_rate" and self.setting("control.secret") is None:
                self.set_setting("control.secret", secrets.token_hex(16))  # what makes control positions unforeseeable
            if key in ("order", "seed"):
                project = self.project()
                self.conn.execute(f"UPDATE routing SET rank = {self._rank_sql(project, 'routing.doc_id')}")
            if key in ("overlap", "order", "seed"):
                self.reopen_documents()

    def _rank_sql(self, project: dict, column: str) -> str:
        if project["order"] == "random":  # a fixed permutation of the ids, one per seed
            return f"((({column} + {int(project['seed']) * 7919}) * 2654435761) % 4294967296)"
        if project["order"] == "uncertain":  # least sure first: the suggestions' smallest margin
            return (f"coalesce((SELECT CAST(min(g.margin) * 1000000 AS INTEGER) FROM sentences s "
                    f"JOIN suggestions g ON g.group_id = s.group_id WHERE s.doc_id = {column}), 1000000)")
        return column

    # -- which documents are routed ------------------------------------------------------------

    def add_routing(self, where: str, params: tuple = ()) -> None:
        """Route the visible documents matching `where` (over documents d), inside the caller's transaction."""
        rank = self._rank_sql(self.project(), "d.id")
        self.conn.execute(
            f"INSERT OR IGNORE INTO routing(doc_id, rank) SELECT d.id, {rank} FROM documents d "
            f"WHERE d.importing IS NULL AND ({where})", params,
        )

    def reopen_documents(self, group_id: int | None = None) -> None:
        """Documents may need someone again: those holding a group, or all of them."""
        if group_id is None:
            self.conn.execute("UPDATE routing SET open = 1 WHERE open = 0")
        else:
            self.conn.execute(
                "UPDATE routing SET open = 1 WHERE open = 0 AND doc_id IN "
                "(SELECT doc_id FROM sentences WHERE group_id = ?)", (group_id,),
            )

    # -- leases ---------------------------------------------------------------------------------

    def route_next(self, annotator: str, at: str, done_doc: int | None = None, lease_s: float = LEASE_S) -> int | None:
        """The document this annotator should label next, leased to them; None when nothing is left.

        Their current lease comes first while it has units they have not labeled. `done_doc` is
        the document they are leaving: what they hold there and did not label goes back."""
        project = self.project()
        overlap = project["overlap"]
        need = math.inf if overlap is None else overlap
        cutoff = shift(at, -lease_s)
        with self.transaction():
            c = self.conn
            if self.routing_pause(annotator, project) is not None:  # what they hold goes back to the pool
                c.execute("DELETE FROM claims WHERE annotator = ?", (annotator,))
                c.execute("DELETE FROM leases WHERE annotator = ?", (annotator,))
                return None
            c.execute("DELETE FROM claims WHERE annotator IN (SELECT annotator FROM leases WHERE touched_at < ?)", (cutoff,))
            c.execute("DELETE FROM leases WHERE touched_at < ?", (cutoff,))
            c.execute(
                "DELETE FROM claims WHERE annotator = ? AND (doc_id = ? OR EXISTS (SELECT 1 FROM sentences m "
                f"JOIN events e ON e.sentence_id = m.id WHERE m.group_id = claims.group_id AND e.annotator = ? AND {_UNIT_LABEL}))",
                (annotator, done_doc, annotator),
            )
            row = c.execute("SELECT min(doc_id) FROM claims WHERE annotator = ?", (annotator,)).fetchone()
            doc = row[0]
            if doc is None and project["control_rate"] > 0:
                doc = self._claim_control(annotator, project["control_rate"], need, cutoff)
            if doc is None:
                doc = self._claim_next(annotator, need, cutoff, at, done_doc)
                if doc is not None and project["control_rate"] > 0:
                    self._count_handed(annotator)
            if doc is None:
                c.execute("DELETE FROM leases WHERE annotator = ?", (annotator,))
            else:
                c.execute("INSERT OR REPLACE INTO leases(annotator, doc_id, touched_at) VALUES (?, ?, ?)",
                          (annotator, doc, at))
            return doc

    def routing_pause(self, annotator: str, project: dict | None = None) -> tuple[int, int] | None:
        """(control answers, right) of an annotator whom the quality check pauses, None when it does not:
        at least min-control-answers answers since the lead last lifted their pause, and an accuracy
        below min-accuracy."""
        project = project or self.project()
        if project["min_accuracy"] is None:
            return None
        answered, right = self.control_tally(annotator, self.setting(f"control.lifted.{annotator}"))
        paused = is_paused(answered, right, project["min_accuracy"], project["min_control_answers"])
        return (answered, right) if paused else None

    def lift_pause(self, annotator: str, at: str) -> None:
        """The lead lifts an annotator's pause: only their control answers from `at` on count again."""
        with self.transaction():
            self.set_setting(f"control.lifted.{annotator}", at)

    def _handed(self, annotator: str) -> tuple[int, int]:
        """(units handed to the annotator since the control rate applies, control units among them)."""
        handed, controls = self.setting(f"control.handed.{annotator}", "0 0").split()
        return int(handed), int(controls)

    def _count_handed(self, annotator: str) -> None:
        """Count the units just claimed by the annotator (every claim they hold is new) and the control
        units among them, inside the caller's transaction."""
        claimed, controls = self.conn.execute(
            "SELECT count(*), count(*) FILTER (WHERE EXISTS (SELECT 1 FROM sentences m JOIN control_items c "
            "ON c.sentence_id = m.id WHERE m.group_id = claims.group_id)) FROM claims WHERE annotator = ?",
            (annotator,)).fetchone()
        handed, before = self._handed(annotator)
        self.set_setting(f"control.handed.{annotator}", f"{handed + claimed} {before + controls}")

    def _claim(self, annotator: str, doc: int, units: list[int]) -> None:
        self.conn.executemany("INSERT OR REPLACE INTO claims(group_id, annotator, doc_id) VALUES (?, ?, ?)",
                              [(g, annotator, doc) for g in units])

    def _claim_control(self, annotator: str, rate: float, need: float, cutoff: str) -> int | None:
        """At the control rate, lease the annotator the document of a control unit they never answered,
        with claims on it and on a run of the units around it that still need them (`control_run`: its
        other unanswered control units in the run come too). None when the draw says work, or every
        control item has their answer."""
        handed, controls = self._handed(annotator)
        # a draw of its own per request; seeded by the project's secret and the annotator's counts so a
        # run can be repeated, which no annotator can foresee without the secret
        draw = random.Random(f"{self.setting('control.secret', '')}\x1f{annotator}\x1f{handed}\x1f{controls}")
        if not control_turn(draw.random(), rate, handed, controls):
            return None
        found = self._control_with_work(annotator, draw.random(), need, cutoff)
        if found is None:  # work only this time: the deficit raises the next draws until one finds some
            return None
        doc, control, needed = found
        # alone in a document, a control unit would stand out: it comes with a run of the work around it,
        # as a lease that others' labels cut short does; the whole document's work would drown the rate
        place = self._reading_order(doc)
        units = sorted({control, *needed}, key=place.__getitem__)
        self._claim(annotator, doc, control_run(units, units.index(control), rate, draw.random(), draw.random()))
        self._count_handed(annotator)
        return doc

    def _control_with_work(self, annotator: str, pivot: float, need: float,
                           cutoff: str) -> tuple[int, int, list[int]] | None:
        """(document, control unit, the document's units this annotator may take) for a control item
        they never answered whose document still has work for them: the first such item from the place
        `pivot` (0..1) of the items' ids on, wrapping around, looking at `_CONTROL_LOOK` items at most
        so a request stays short however many items there are. None when none of those has work: a
        lease of control units alone would tell the annotator what they are."""
        low, high = self.conn.execute("SELECT min(id), max(id) FROM control_items").fetchone()
        if low is None:
            return None
        start = low + int(pivot * (high - low + 1))
        pick = ("SELECT s.doc_id, s.group_id FROM control_items c JOIN sentences s ON s.id = c.sentence_id "
                "JOIN documents d ON d.id = s.doc_id WHERE c.id {} ? AND d.importing IS NULL AND NOT EXISTS "
                "(SELECT 1 FROM current_labels l WHERE l.group_id = s.group_id AND l.annotator = ?) "
                "ORDER BY c.id LIMIT ?")
        seen: set[int] = set()
        for op in (">=", "<"):
            for doc, group in self.conn.execute(pick.format(op), (start, annotator, _CONTROL_LOOK)):
                if doc in seen:
                    continue
                seen.add(doc)
                needed = self._needed_units(doc, annotator, need, cutoff)[0]
                if needed:
                    return doc, group, needed
        return None

    def _reading_order(self, doc: int) -> dict[int, int]:
        """unit (group) -> index of its first sentence in the document."""
        return dict(self.conn.execute("SELECT group_id, min(idx) FROM sentences WHERE doc_id = ? GROUP BY group_id",
                                      (doc,)).fetchall())

    def _claim_next(self, annotator: str, need: float, cutoff: str, at: str, skip: int | None) -> int | None:
        c = self.conn
        closed: list[int] = []
        found = None
        cursor = c.execute(
            "SELECT r.doc_id FROM routing r JOIN documents d ON d.id = r.doc_id "
            "WHERE r.open = 1 AND d.importing IS NULL ORDER BY r.rank, r.doc_id"
        )
        docs = [d for (d,) in cursor.fetchmany(_SCAN_BATCH)]
        while docs and found is None:
            for doc in docs:
                if doc == skip:
                    continue
                needed, finished = self._needed_units(doc, annotator, need, cutoff)
                if needed:
                    # its control units this annotator never answered come with the work: left
                    # unlabeled in it, they would show which sentences are control units
                    self._claim(annotator, doc, needed + (self.unanswered_control_units(doc, annotator)
                                                          if self._has_control_items() else []))
                    found = doc
                    break
                if finished:
                    closed.append(doc)
            else:
                docs = [d for (d,) in cursor.fetchmany(_SCAN_BATCH)]
        cursor.close()
        c.executemany("UPDATE routing SET open = 0 WHERE doc_id = ?", [(d,) for d in closed])
        return found

    def _needed_units(self, doc: int, annotator: str, need: float, cutoff: str) -> tuple[list[int], bool]:
        """(units of the document this annotator may take, whether every unit in it has its overlap)."""
        labelers: dict[int, set[str]] = {g: set() for (g,) in self.conn.execute(
            "SELECT DISTINCT group_id FROM sentences WHERE doc_id = ?", (doc,))}
        mine: set[int] = set()
        # a control unit is no work: it comes with its document's work, or at the control rate
        if self._has_control_items():
            for (group,) in self.conn.execute(
                "SELECT DISTINCT s.group_id FROM sentences s JOIN sentences m ON m.group_id = s.group_id "
                "JOIN control_items c ON c.sentence_id = m.id WHERE s.doc_id = ?", (doc,)):
                labelers.pop(group, None)
        for group, who, over in self.conn.execute(
            f"SELECT DISTINCT s.group_id, e.annotator, e.id IN {OVER} FROM sentences s JOIN sentences m "
            f"ON m.group_id = s.group_id JOIN events e ON e.sentence_id = m.id WHERE s.doc_id = ? AND {_UNIT_LABEL}",
            (doc,),
        ):
            if not over and group in labelers:
                labelers[group].add(who)
            if who == annotator:
                mine.add(group)
        holders: dict[int, set[str]] = defaultdict(set)
        for group, who in self.conn.execute(
            "SELECT c.group_id, c.annotator FROM claims c JOIN leases l ON l.annotator = c.annotator "
            "WHERE l.touched_at >= ? AND c.group_id IN (SELECT group_id FROM sentences WHERE doc_id = ?)",
            (cutoff, doc),
        ):
            holders[group].add(who)
        needed = [g for g, done in labelers.items()
                  if g not in mine and len(done | (holders[g] - {annotator})) < need]
        finished = all(len(done) >= need for done in labelers.values())
        return needed, finished

    def _has_control_items(self) -> bool:
        return self.conn.execute("SELECT EXISTS (SELECT 1 FROM control_items)").fetchone()[0] == 1

    def past_overlap(self, sentence_id: int, annotator: str, at: str, lease_s: float = LEASE_S) -> bool:
        """Would a label by this annotator on this sentence, given at `at`, take its unit past the overlap?

        True when they neither count for the unit already (a label of theirs within the overlap, or a
        live claim) nor find it short of anyone: the others who labeled it within the overlap and the
        holders of live claims on it make the overlap. Read inside the caller's transaction, before the
        label is stored. Always False with overlap `all`."""
        overlap = self.project()["overlap"]
        if overlap is None:
            return False
        counted = {who for (who,) in self.conn.execute(
            f"SELECT c.annotator FROM sentences s JOIN current_labels c ON c.group_id = s.group_id "
            f"WHERE s.id = ? AND c.event_id NOT IN {OVER} UNION "
            "SELECT c.annotator FROM sentences s JOIN claims c ON c.group_id = s.group_id "
            "JOIN leases l ON l.annotator = c.annotator WHERE s.id = ? AND l.touched_at >= ?",
            (sentence_id, sentence_id, shift(at, -lease_s)),
        )}
        return annotator not in counted and len(counted) >= overlap

    def mark_over_overlap(self, event_id: int) -> None:
        """Mark a label event as given past its unit's overlap (inside the caller's transaction)."""
        self.conn.execute("INSERT OR IGNORE INTO over_overlap(event_id) VALUES (?)", (event_id,))

    def mark_past_overlap_since(self, last_event_id: int, lease_s: float = LEASE_S) -> int:
        """Mark the live labels added after `last_event_id` (a bulk load) that take their unit past the
        overlap, inside the caller's transaction. A unit's overlap goes to the holders of live claims on
        it first, then to its annotators in the order of their first label on it (first come, first
        counted), labels already marked aside; control and training answers (marked before this is called)
        neither count toward the overlap nor are marked. Returns how many were marked; none with overlap `all`."""
        overlap = self.project()["overlap"]
        if overlap is None:
            return 0
        live_since = shift(now(), -lease_s)
        before = self.conn.total_changes  # a statement opening with WITH has no rowcount
        self.conn.execute(
            "WITH new AS (SELECT e.id, e.annotator, s.group_id FROM events e JOIN sentences s ON s.id = e.sentence_id "
            f"  WHERE e.id > ? AND {_UNIT_LABEL} AND e.id NOT IN {NOT_VOTES}), "
            "people AS (SELECT s.group_id, e.annotator, min(e.created_at || char(31) || e.uid) AS first "
            "  FROM events e JOIN sentences s ON s.id = e.sentence_id "
            f"  WHERE s.group_id IN (SELECT group_id FROM new) AND {_UNIT_LABEL} AND e.id NOT IN {OVER} "
            f"  AND e.id NOT IN {NOT_VOTES} "
            "  GROUP BY s.group_id, e.annotator "
            "  UNION ALL SELECT c.group_id, c.annotator, '' FROM claims c JOIN leases l ON l.annotator = c.annotator "
            "  WHERE c.group_id IN (SELECT group_id FROM new) AND l.touched_at >= ?), "
            "ranked AS (SELECT group_id, annotator, row_number() OVER (PARTITION BY group_id ORDER BY min(first)) "
            "  AS place FROM people GROUP BY group_id, annotator) "
            "INSERT OR IGNORE INTO over_overlap(event_id) SELECT new.id FROM new JOIN ranked r "
            "ON r.group_id = new.group_id AND r.annotator = new.annotator WHERE r.place > ?",
            (last_event_id, live_since, overlap))
        return self.conn.total_changes - before

    def mark_over_overlap_uids(self, uids: list[str]) -> int:
        """Mark the label events with these uids as given past their unit's overlap (a merged copy's own
        marks), inside the caller's transaction. Returns how many were not marked before."""
        before = self.conn.total_changes
        for chunk in chunks(uids, 500):
            self.conn.execute(
                "INSERT OR IGNORE INTO over_overlap(event_id) SELECT id FROM events WHERE kind = 'label' AND uid IN "
                f"({','.join('?' * len(chunk))})", chunk)
        return self.conn.total_changes - before

    def over_overlap_events(self, group_id: int) -> set[int]:
        """Ids of the label events on a unit's members that were given past its overlap."""
        return {row[0] for row in self.conn.execute(
            "SELECT o.event_id FROM over_overlap o JOIN events e ON e.id = o.event_id "
            "JOIN sentences s ON s.id = e.sentence_id WHERE s.group_id = ?", (group_id,))}

    def is_over_overlap(self, uid: str) -> bool:
        """Was the label event with this uid given past its unit's overlap?"""
        return self.conn.execute(f"SELECT 1 FROM events WHERE uid = ? AND id IN {OVER}", (uid,)).fetchone() is not None

    def touch_lease(self, annotator: str, at: str) -> None:
        """The annotator is at work: their lease stays theirs (inside the caller's transaction)."""
        self.conn.execute("UPDATE leases SET touched_at = ? WHERE annotator = ? AND touched_at < ?", (at, annotator, at))

    def leased_indices(self, annotator: str, doc_id: int) -> list[int]:
        """Indexes of the sentences of a document whose units this annotator holds."""
        return [row[0] for row in self.conn.execute(
            "SELECT s.idx FROM claims c JOIN sentences s ON s.group_id = c.group_id AND s.doc_id = c.doc_id "
            "WHERE c.annotator = ? AND c.doc_id = ? ORDER BY s.idx", (annotator, doc_id),
        )]

    def leases(self, at: str, lease_s: float = LEASE_S) -> dict[str, tuple[int, int]]:
        """annotator -> (leased document, units held and not labeled yet), live leases only."""
        out = {}
        for who, doc, held in self.conn.execute(
            "SELECT l.annotator, l.doc_id, (SELECT count(*) FROM claims c WHERE c.annotator = l.annotator AND NOT EXISTS ("
            f"SELECT 1 FROM sentences m JOIN events e ON e.sentence_id = m.id WHERE m.group_id = c.group_id "
            f"AND e.annotator = l.annotator AND {_UNIT_LABEL})) FROM leases l WHERE l.touched_at >= ?",
            (shift(at, -lease_s),),
        ):
            out[who] = (doc, held)
        return out

    # -- coverage ---------------------------------------------------------------------------------

    def coverage(self) -> dict[int, int]:
        """How many annotators labeled a unit within its overlap -> how many units (0 for units nobody
        labeled). Work units only: control units are none, and control and training answers no votes."""
        counts: dict[int, int] = defaultdict(int)
        labeled = 0
        control = self.conn.execute(f"SELECT count(DISTINCT group_id) FROM ({CONTROL_UNITS})").fetchone()[0]
        work = ((f"AND e.id NOT IN {NOT_VOTES} " if self.has_non_votes() else "")
                + (f"AND s.group_id NOT IN ({CONTROL_UNITS}) " if control else ""))
        for n, units in self.conn.execute(
            "SELECT n, count(*) FROM (SELECT s.group_id, count(DISTINCT e.annotator) AS n FROM events e "
            f"JOIN sentences s ON s.id = e.sentence_id WHERE {_LIVE_LABEL} AND e.id NOT IN {OVER} {work}"
            "AND s.doc_id NOT IN (SELECT id FROM documents WHERE importing IS NOT NULL) GROUP BY s.group_id) GROUP BY n"
        ):
            counts[n] = units
            labeled += units
        zero = self.count_groups() - control - labeled
        if zero > 0:
            counts[0] = zero
        return dict(sorted(counts.items()))

    def closed_to(self, annotator: str, overlap: int) -> int:
        """Work units this annotator has not labeled and no longer needs to: others gave them the overlap
        (their votes: control and training answers are none, and control units no work)."""
        work = ((f"AND e.id NOT IN {NOT_VOTES} " if self.has_non_votes() else "")
                + (f"AND s.group_id NOT IN ({CONTROL_UNITS}) " if self.conn.execute(
                    "SELECT 1 FROM control_items LIMIT 1").fetchone() else ""))
        return self.conn.execute(
            "SELECT count(*) FROM (SELECT s.group_id FROM events e JOIN sentences s ON s.id = e.sentence_id "
            f"WHERE {_LIVE_LABEL} {work}GROUP BY s.group_id HAVING "
            f"count(DISTINCT CASE WHEN e.id NOT IN {OVER} THEN e.annotator END) >= ? "
            "AND max(e.annotator = ?) = 0)", (overlap, annotator),
        ).fetchone()[0]
