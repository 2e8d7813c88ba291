"""What agreement, export, merge and stats read: every current label, unit by unit, streamed."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator

from annotator.model import UNKNOWN_LANGUAGE
from annotator.store.votes import CONTROL_UNITS, NOT_VOTES, TRAINING
from annotator.store.queries import (_CURRENT_DECISIONS, _CURRENT_LABELS, ACCEPTED, LABEL_ROW_FIELDS, LABELED_UNITS,
                                     LATEST)


_HIDDEN = "(SELECT id FROM documents WHERE importing IS NOT NULL)"  # files still being imported
_NOT_OVER = "c.event_id NOT IN (SELECT event_id FROM over_overlap)"  # within the unit's overlap
_VOTE = f"c.event_id NOT IN {NOT_VOTES}"  # no control or training answer
_NOT_TRAINING = (f"c.event_id NOT IN (SELECT id FROM events INDEXED BY events_suggested "
                 f"WHERE source = '{TRAINING}')")  # no training answer


class Reports:
    conn: sqlite3.Connection

    def _leave_out_over(self, over_overlap: bool) -> bool:
        """Must the labels given past their unit's overlap be filtered out? (Most projects have none.)"""
        return not over_overlap and self.conn.execute("SELECT 1 FROM over_overlap LIMIT 1").fetchone() is not None

    def _current(self, typed_only: bool = False, over_overlap: bool = False) -> str:
        """_CURRENT_LABELS with its WHERE: without accepted suggestions (`typed_only`), and without the
        labels given past their unit's overlap unless `over_overlap` asks for them."""
        where = [f"c.event_id NOT IN {ACCEPTED}"] if typed_only else []
        if self._leave_out_over(over_overlap):
            where.append(_NOT_OVER)
        if self.has_non_votes():
            where.append(_VOTE)
        return _CURRENT_LABELS + ("WHERE " + " AND ".join(where) + " " if where else "")

    def current_labels(self, typed_only: bool = False,
                       over_overlap: bool = False) -> Iterator[tuple[int, str, str, int, str]]:
        """(group, annotator, label, sentence id, latest) for every group and annotator with a live label, by
        group then annotator. With `typed_only`, without the current labels that are accepted suggestions;
        labels given past their unit's overlap only with `over_overlap`."""
        return self.conn.execute(self._current(typed_only, over_overlap) + "ORDER BY c.group_id, c.annotator")

    def votes(self, typed_only: bool = False, over_overlap: bool = False) -> Iterator[tuple[int, str, str]]:
        """(group, annotator, label) of every current label, by group then annotator (labels given past
        their unit's overlap only with `over_overlap`): current_labels without the look at each label's
        event, when `typed_only` does not need it."""
        if typed_only:
            return (row[:3] for row in self.current_labels(typed_only, over_overlap))
        where = " AND ".join(self._vote_filter(over_overlap))
        where = f"WHERE {where} " if where else ""
        return self.conn.execute(f"SELECT group_id, annotator, label FROM current_labels c {where}"
                                 "ORDER BY group_id, annotator")

    def _vote_filter(self, over_overlap: bool = False, own_view: bool = False) -> list[str]:
        """The conditions on current_labels (as c) that keep votes: no control or training answer, and
        none given past its unit's overlap unless `over_overlap`. The one definition of what counts.
        `own_view`, for an annotator's own screen: their control answers count like any label (a control
        unit must look like work there); training answers still do not."""
        if own_view:
            return ([_NOT_OVER] if self._leave_out_over(over_overlap) else []) + [_NOT_TRAINING]
        return (([_NOT_OVER] if self._leave_out_over(over_overlap) else [])
                + ([_VOTE] if self.has_non_votes() else []))

    def units_with_votes(self, over_overlap: bool = False) -> Iterator[tuple]:
        """Per labeled group (labels given past its overlap only with `over_overlap`), in group order:
        (group, [(annotator, label)], (decision, by) or None,
        first occurrence's doc name, index and text, number of documents holding it, and the source and
        publication time of its original (earliest) document, and the other sources carrying a copy,
        and the language of the original)."""
        # decisions are few next to labels: read them once, unless there are very many
        few = self.conn.execute("SELECT count(*) FROM events WHERE kind = 'decision'").fetchone()[0] <= 200_000
        decided = {g: f"{label}\x1f{who}" for g, who, label, _at in self.conn.execute(_CURRENT_DECISIONS)} if few else None
        decision_sql = "NULL" if few else (
            "(SELECT e.label || char(31) || e.annotator FROM events e JOIN sentences m ON m.id = e.sentence_id "
            " WHERE m.group_id = c.grp AND +e.kind = 'decision' AND e.undone = 0 ORDER BY " + LATEST + " LIMIT 1)")
        cursor = self.conn.execute(
            "SELECT u.grp, u.votes, u.decision, d.name, f.idx, f.text, u.packed & 4194303, o.source, o.published, "
            "CASE WHEN (u.packed & 4194303) > 1 THEN (SELECT group_concat(coalesce(src, ''), char(31)) FROM ("
            "  SELECT DISTINCT x.source AS src FROM sentences m JOIN documents x ON x.id = m.doc_id "
            "  WHERE m.group_id = u.grp AND x.id != o.id ORDER BY 1)) END, o.language FROM ("
            "  SELECT c.grp, group_concat(c.annotator || char(31) || c.label, char(30)) AS votes, "
            f"  {decision_sql} AS decision, "
            # the first member and how many documents hold the group, in one look at its members:
            # packed as first * 2^22 + documents (ids stay far below 2^41)
            "  (SELECT min(id) * 4194304 + count(DISTINCT doc_id) FROM sentences WHERE group_id = c.grp) AS packed "
            "  FROM (" + self._current(over_overlap=over_overlap) + "ORDER BY c.group_id, c.annotator) c GROUP BY c.grp"
            ") u JOIN sentences f ON f.id = (u.packed >> 22) JOIN documents d ON d.id = f.doc_id "
            # the original: the earliest document holding the group (one document: that one)
            "JOIN documents o ON o.id = CASE WHEN (u.packed & 4194303) = 1 THEN f.doc_id ELSE ("
            "  SELECT m.doc_id FROM sentences m JOIN documents x ON x.id = m.doc_id WHERE m.group_id = u.grp "
            "  ORDER BY x.published IS NULL, x.published, x.id LIMIT 1) END"  # u comes in group order
        )
        for group, votes, decision, doc, index, text, docs, source, published, copies, language in cursor:
            if decided is not None:
                decision = decided.get(group)
            copies = copies.split("\x1f") if copies is not None else []
            yield (
                group,
                [tuple(v.split("\x1f", 1)) for v in votes.split("\x1e")],
                tuple(decision.split("\x1f", 1)) if decision else None,
                doc, index, text, docs, source, published, copies, language,
            )

    def _latest_notes(self) -> dict[tuple[int, str], str]:
        """(group, annotator) -> latest live note."""
        notes: dict[tuple[int, str], str] = {}
        for group, annotator, note in self.conn.execute(
            "SELECT s.group_id, e.annotator, e.note FROM events e JOIN sentences s ON s.id = e.sentence_id "
            "WHERE e.undone = 0 AND e.kind IN ('label', 'note') AND e.note IS NOT NULL AND e.source IS NOT 'flag' "
            "ORDER BY e.created_at, e.uid"
        ):
            notes[(group, annotator)] = note or None  # the latest note wins; an empty one clears it
        return notes

    def label_rows(self, over_overlap: bool = False) -> Iterator[tuple]:
        """Every current label with its sentence: (doc, index, start, end, text, label, annotator, note,
        created_at, group, source, published, language), by group then annotator; labels given past their unit's overlap only with
        `over_overlap`."""
        notes = self._latest_notes()
        cursor = self.conn.execute(
            'SELECT d.name, s.idx, s.start, s."end", s.text, c.label, c.annotator, '
            "substr(c.latest, 1, instr(c.latest, char(31)) - 1), c.grp, d.source, d.published, d.language "
            "FROM (" + self._current(over_overlap=over_overlap) + ") c JOIN sentences s ON s.id = c.sentence_id "
            "JOIN documents d ON d.id = s.doc_id ORDER BY c.grp, c.annotator"
        )
        for doc, index, start, end, text, label, annotator, created_at, group, source, published, language in cursor:
            yield (doc, index, start, end, text, label, annotator, notes.get((group, annotator)), created_at, group,
                   source, published, language)

    def label_rows_json(self, over_overlap: bool = False) -> Iterator[tuple[str, int, str, str]]:
        """label_rows as JSON objects built by SQLite: (json, group, annotator, label)."""
        if self._latest_notes():  # notes are rare: with any, the rows go through Python to carry them
            for row in self.label_rows(over_overlap):
                yield json.dumps(dict(zip(LABEL_ROW_FIELDS, row)), ensure_ascii=False), row[9], row[6], row[5]
            return
        yield from self.conn.execute(
            "SELECT json_object('doc', d.name, 'index', s.idx, 'start', s.start, 'end', s.\"end\", 'text', s.text, "
            "'label', c.label, 'annotator', c.annotator, 'note', NULL, "
            "'created_at', substr(c.latest, 1, instr(c.latest, char(31)) - 1), 'group', c.grp, "
            "'source', d.source, 'published', d.published, 'language', d.language), c.grp, c.annotator, c.label "
            "FROM (" + self._current(over_overlap=over_overlap) + ") c JOIN sentences s ON s.id = c.sentence_id "
            "JOIN documents d ON d.id = s.doc_id ORDER BY c.grp, c.annotator"
        )

    def counts(self) -> dict:
        one = lambda sql: self.conn.execute(sql).fetchone()[0]  # noqa: E731
        hidden = one("SELECT count(*) FROM sentences WHERE doc_id IN " + _HIDDEN)
        # the two passes over every current label run at once, the first on a connection of its own
        # (SQLite lets go of the interpreter while it reads): ten million labels take half the time
        # control units and control and training answers are no work: left out of labeled and labels alike
        control = one(f"SELECT count(DISTINCT group_id) FROM ({CONTROL_UNITS})")
        work = " AND ".join(([f"event_id NOT IN {NOT_VOTES}"] if self.has_non_votes() else [])
                            + ([f"group_id NOT IN ({CONTROL_UNITS})"] if control else []))
        work = f"WHERE {work} " if work else ""
        per_label = self.aside(lambda own: own.query(
            f"SELECT annotator, label, count(*) FROM current_labels {work}GROUP BY annotator, label"))
        labeled = one(f"SELECT count(DISTINCT group_id) FROM current_labels {work}") if work else one(LABELED_UNITS)
        labels: dict[str, int] = {}
        annotators: dict[str, int] = {}
        for annotator, label, count in per_label():
            labels[label] = labels.get(label, 0) + count
            annotators[annotator] = annotators.get(annotator, 0) + count
        languages: dict[str, int] = {}
        for language, n in self.conn.execute("SELECT language, count(*) FROM documents WHERE importing IS NULL "
                                             "GROUP BY language ORDER BY count(*) DESC, language IS NULL, language"):
            languages[language or UNKNOWN_LANGUAGE] = n
        return {
            "documents": one("SELECT count(*) FROM documents WHERE importing IS NULL"),
            "languages": languages,
            # a group is named by its first member, and the sentences of a file still being imported are
            # each a group of their own: both counts are an index count less those hidden sentences
            "sentences": one("SELECT count(*) FROM sentences") - hidden,
            "groups": one("SELECT count(*) FROM sentences WHERE group_id = id") - hidden,
            "control_units": control,
            "labeled": labeled,
            "labels": labels,
            "annotators": annotators,
            "events": one("SELECT count(*) FROM events"),
            "decisions": one("SELECT count(*) FROM (" + _CURRENT_DECISIONS + ")"),
        }

