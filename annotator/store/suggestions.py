"""Suggestions (a model's or a rule's label for a unit nobody has labeled) and the boilerplate rules."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator

from annotator.store.queries import ACCEPTED
from annotator.timestamps import now

_UNLABELED = (
    "NOT EXISTS (SELECT 1 FROM sentences m JOIN events e ON e.sentence_id = m.id WHERE m.group_id = {grp} "
    "AND +e.kind = 'label' AND e.undone = 0 AND e.label IS NOT NULL)"
)
_VISIBLE = "s.doc_id NOT IN (SELECT id FROM documents WHERE importing IS NOT NULL)"
_WRITE_BATCH = 20_000  # rows per write transaction: annotators labeling meanwhile wait for one batch at most


class Suggestions:
    conn: sqlite3.Connection

    def unit_texts(self, labeled: bool | None = None) -> Iterator[tuple[int, str]]:
        """(group, representative text) of every visible unit; only the unlabeled ones with labeled=False."""
        where = f" AND {_UNLABELED.format(grp='s.group_id')}" if labeled is False else ""
        return self.conn.execute(f"SELECT s.group_id, s.text FROM sentences s WHERE s.id = s.group_id AND {_VISIBLE}{where}")

    def replace_suggestions(self, source_like: str, rows: Iterable[tuple[int, str, float, float, str, str]],
                            override: bool) -> int:
        """Drop the suggestions whose source matches `source_like` (SQL LIKE), then store rows of
        (group, label, p, margin, source, model). With `override` they replace any other source's
        suggestion for the unit (a rule beats the model), else they leave it. Written in batches."""
        verb = "INSERT OR REPLACE" if override else "INSERT OR IGNORE"
        at = now()
        with self.transaction():
            self.conn.execute("DELETE FROM suggestions WHERE source LIKE ?", (source_like,))
        stored = 0
        batch: list[tuple] = []
        for row in rows:
            batch.append((*row, at))
            if len(batch) >= _WRITE_BATCH:
                stored += self._store_suggestions(verb, batch)
                batch = []
        if batch:
            stored += self._store_suggestions(verb, batch)
        return stored

    def _store_suggestions(self, verb: str, batch: list[tuple]) -> int:
        with self.transaction():
            before = self.conn.total_changes
            self.conn.executemany(
                f"{verb} INTO suggestions(group_id, label, p, margin, source, model, created_at) VALUES (?,?,?,?,?,?,?)",
                batch,
            )
            return self.conn.total_changes - before

    def drop_suggestions(self, source: str) -> int:
        with self.transaction():
            return self.conn.execute("DELETE FROM suggestions WHERE source = ?", (source,)).rowcount

    def doc_suggestions(self, doc_id: int) -> dict[int, tuple[str, float, str]]:
        """sentence index -> (label, p, source) of the document's suggested units."""
        return {
            idx: (label, p, source)
            for idx, label, p, source in self.conn.execute(
                "SELECT s.idx, g.label, g.p, g.source FROM sentences s JOIN suggestions g ON g.group_id = s.group_id "
                "WHERE s.doc_id = ?", (doc_id,),
            )
        }

    def suggestion_rows(self, order: str = "uncertain", limit: int | None = None) -> list[tuple]:
        """(doc, index, text, label, p, source, margin) of the suggestions for units still unlabeled,
        least sure first (smallest margin between the two likeliest labels) or most sure first."""
        direction = "ASC" if order == "uncertain" else "DESC"
        return self.conn.execute(
            "SELECT d.name, s.idx, s.text, g.label, g.p, g.source, g.margin FROM suggestions g "
            "JOIN sentences s ON s.id = g.group_id JOIN documents d ON d.id = s.doc_id "
            f"WHERE {_UNLABELED.format(grp='g.group_id')} AND d.importing IS NULL "
            f"ORDER BY g.margin {direction}, g.group_id LIMIT ?", (-1 if limit is None else limit,),
        ).fetchall()

    def suggested_groups(self) -> set[int]:
        """Units whose current label from someone is an accepted suggestion (or mapped from one)."""
        return {g for (g,) in self.conn.execute(
            f"SELECT DISTINCT group_id FROM current_labels WHERE event_id IN {ACCEPTED}")}

    # -- rules ------------------------------------------------------------------------------

    def add_rule(self, pattern: str, regex: bool, label: str) -> int:
        with self.transaction():
            return self.conn.execute(
                "INSERT INTO rules(pattern, regex, label, created_at) VALUES (?, ?, ?, ?)",
                (pattern, int(regex), label, now()),
            ).lastrowid

    def rules(self) -> list[tuple[int, str, bool, str]]:
        return [(i, p, bool(r), label) for i, p, r, label in
                self.conn.execute("SELECT id, pattern, regex, label FROM rules ORDER BY id")]

    def remove_rule(self, rule_id: int) -> bool:
        with self.transaction():
            gone = self.conn.execute("DELETE FROM rules WHERE id = ?", (rule_id,)).rowcount
            self.conn.execute("DELETE FROM suggestions WHERE source = ?", (f"rule:{rule_id}",))
        return bool(gone)
