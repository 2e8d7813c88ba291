"""The project's label scheme and guidelines: their SQL.

The scheme is one JSON document in meta ('scheme'), with a counter beside it ('scheme.version') that every
process reads, one row by primary key, to know whether its cached scheme is still the project's. A change of
scheme that renames or removes labels maps the labels already given by appending new events: history is never
rewritten, and current_labels follows the new events through its triggers. Guidelines are versioned Markdown
documents (table guidelines); each label event records the version current when it was stored.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections import Counter
from collections.abc import Iterator

from annotator.store.events import MAPPED
from annotator.store.queries import LATEST
from annotator.timestamps import now

SCHEME_KEY, SCHEME_VERSION_KEY = "scheme", "scheme.version"
# each unit's current decision: its latest live one (those before it are history)
_CURRENT_DECISIONS = """
SELECT uid, label FROM (
    SELECT e.uid, e.label, ROW_NUMBER() OVER (PARTITION BY s.group_id ORDER BY {latest}) AS rn
    FROM events e JOIN sentences s ON s.id = e.sentence_id WHERE e.kind = 'decision' AND e.undone = 0
) WHERE rn = 1
""".format(latest=LATEST)


def _normalised(text: str) -> str:
    """Guidelines text with "\n" line endings and no trailing whitespace on any line or at the end."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).rstrip()


class Schemes:
    conn: sqlite3.Connection

    def scheme_version(self) -> int:
        """How many times the scheme was set (0: never, the default scheme)."""
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (SCHEME_VERSION_KEY,)).fetchone()
        return int(row[0]) if row else 0

    def scheme_json(self) -> str | None:
        """The stored scheme as JSON text, None when the project has the default scheme."""
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (SCHEME_KEY,)).fetchone()
        return row[0] if row else None

    def labels_in_use(self) -> Counter:
        """{label: how many current labels, current decisions (a unit's latest live one), rules, suggestions
        and control items carry it}. A decision superseded by a later one (a mapped one among them) is
        history, not use."""
        used: Counter = Counter()
        for sql in ("SELECT label, count(*) FROM current_labels GROUP BY label",
                    "SELECT label, count(*) FROM (" + _CURRENT_DECISIONS + ") WHERE label IS NOT NULL GROUP BY label",
                    "SELECT label, count(*) FROM rules GROUP BY label",
                    "SELECT label, count(*) FROM suggestions GROUP BY label",
                    "SELECT label, count(*) FROM control_items GROUP BY label"):
            for label, n in self.conn.execute(sql):
                used[label] += n
        return used

    def save_scheme(self, scheme_json: str, mapping: dict[str, str]) -> dict[str, tuple[int, int]]:
        """Store a new scheme and, in the same transaction, map the labels it drops (see map_labels).
        Returns {old: (labels mapped, decisions mapped)}."""
        with self.transaction():
            mapped = self.map_labels(mapping)
            self.set_setting(SCHEME_KEY, scheme_json)
            self.set_setting(SCHEME_VERSION_KEY, str(self.scheme_version() + 1))
        return mapped

    def map_labels(self, mapping: dict[str, str]) -> dict[str, tuple[int, int]]:
        """Inside the caller's transaction: each current label `old` of `mapping` becomes a new label
        event `mapping[old]` on the same sentence by the same annotator (its answer and guidelines
        version kept: the judgement is the same), each current decision a new decision by the same
        reviewer; rules, suggestions, control items and aggregates are updated in place (they are no
        history). A mapping event's source is 'map:<uid of the event it maps>' (a decision's:
        'map:<its uid base>'), so undoing that event undoes the mapping too, and pace leaves it out.
        Only current labels and decisions are mapped: a second run with the same map writes nothing.
        Returns {old: (labels mapped, decisions mapped)}, only for labels with something mapped or kept
        in `mapping` order."""
        mapped: dict[str, tuple[int, int]] = {}
        at = now()
        for old, new in mapping.items():
            labels = self.conn.execute(
                "SELECT e.uid, e.sentence_id, e.annotator, e.detail, e.guidelines, a.control_id, "
                "e.id IN (SELECT event_id FROM over_overlap) FROM current_labels c JOIN events e ON e.id = c.event_id "
                "LEFT JOIN control_answers a ON a.event_id = e.id WHERE c.label = ? ORDER BY e.id", (old,)).fetchall()
            for uid, sentence_id, annotator, detail, version, control, over in labels:
                event_id = self.conn.execute(
                    "INSERT INTO events(uid, sentence_id, kind, annotator, label, created_at, source, detail, "
                    "guidelines) VALUES (?,?,'label',?,?,?,?,?,?)",
                    (uuid.uuid4().hex, sentence_id, annotator, new, at, MAPPED + uid, detail, version)).lastrowid
                if control is not None:  # still the same answer to the same control item
                    self.conn.execute("INSERT INTO control_answers(event_id, control_id) VALUES (?,?)",
                                      (event_id, control))
                if over:  # still given past the overlap: renaming a label makes it no vote
                    self.conn.execute("INSERT INTO over_overlap(event_id) VALUES (?)", (event_id,))
            current = {uid.rsplit("-", 1)[0] for (uid,) in self.conn.execute(
                "SELECT uid FROM (" + _CURRENT_DECISIONS + ") WHERE label = ?", (old,))}
            decisions = [row for row in self.conn.execute(
                "SELECT uid, sentence_id, annotator, note FROM events WHERE kind = 'decision' AND undone = 0 "
                "AND label = ? ORDER BY id", (old,)) if row[0].rsplit("-", 1)[0] in current]
            # one new decision per old one, its members numbered as decide() does, so undo finds them all
            bases: dict[str, str] = {}
            rows = []
            for uid, sid, who, note in decisions:
                old_base = uid.rsplit("-", 1)[0]
                base = bases.setdefault(old_base, uuid.uuid4().hex)
                rows.append((f"{base}-{sum(r[0].startswith(base) for r in rows)}", sid, who, new, note, at,
                             MAPPED + old_base))
            self.conn.executemany(
                "INSERT INTO events(uid, sentence_id, kind, annotator, label, note, created_at, source) "
                "VALUES (?,?,'decision',?,?,?,?,?)", rows)
            for table in ("rules", "suggestions", "control_items", "aggregates"):
                self.conn.execute(f"UPDATE {table} SET label = ? WHERE label = ?", (new, old))
            mapped[old] = (len(labels), len(bases))
        return mapped

    # -- guidelines ---------------------------------------------------------------------------

    def guidelines_version(self) -> int | None:
        """The current guidelines version, None before any was set."""
        return self.conn.execute("SELECT max(version) FROM guidelines").fetchone()[0]

    def add_guidelines(self, text: str) -> tuple[int, bool]:
        """Store `text` as the next guidelines version: (its number, 1 for the first; True). A text equal
        to the current version's once line endings are "\n" and trailing whitespace is gone (what an
        editor on another system changes) is no new version (a new one is stored as given): (the current number, False), nothing written."""
        with self.transaction():
            current = self.guidelines_text()
            if current is not None and _normalised(current[1]) == _normalised(text):
                return current[0], False
            version = (current[0] if current else 0) + 1
            self.conn.execute("INSERT INTO guidelines(version, text, created_at) VALUES (?,?,?)", (version, text, now()))
        return version, True

    def guidelines_text(self, version: int | None = None) -> tuple[int, str, str] | None:
        """(version, text, created_at) of that version (default the current), None when there is none."""
        row = self.conn.execute(
            "SELECT version, text, created_at FROM guidelines WHERE version = coalesce(?, (SELECT max(version) "
            "FROM guidelines))", (version,)).fetchone()
        return tuple(row) if row else None

    def guidelines_versions(self) -> list[tuple[int, str, int]]:
        """(version, created_at, characters) of every version, oldest first."""
        return [tuple(r) for r in self.conn.execute(
            "SELECT version, created_at, length(text) FROM guidelines ORDER BY version")]

    def labels_per_guidelines(self) -> dict[int | None, int]:
        """{guidelines version (None: given before any): current labels given under it}."""
        return dict(self.conn.execute(
            "SELECT e.guidelines, count(*) FROM current_labels c JOIN events e ON e.id = c.event_id "
            "GROUP BY e.guidelines ORDER BY e.guidelines"))

    def current_details(self, over_overlap: bool = False) -> Iterator[tuple[int, str, str, str]]:
        """(group, annotator, label, answer) of every current label that is a vote (none past its unit's
        overlap unless `over_overlap`, no control or training answer) and carries an answer to the second
        question, by group then annotator."""
        votes = "".join(f" AND {condition}" for condition in self._vote_filter(over_overlap))
        return self.conn.execute(
            "SELECT c.group_id, c.annotator, c.label, e.detail FROM current_labels c JOIN events e ON e.id = c.event_id "
            f"WHERE e.detail IS NOT NULL{votes} ORDER BY c.group_id, c.annotator")

    def doc_answers(self, doc_id: int, annotator: str) -> dict[int, str]:
        """sentence index -> this annotator's answer to the second question on the current label of the
        sentence's group, for one document (sentences whose label carries none are left out)."""
        return dict(self.conn.execute(
            "SELECT s.idx, e.detail FROM sentences s JOIN current_labels c ON c.group_id = s.group_id "
            "AND c.annotator = ? JOIN events e ON e.id = c.event_id WHERE s.doc_id = ? AND e.detail IS NOT NULL",
            (annotator, doc_id)))

    def second_votes(self, when: tuple[str, ...]) -> Iterator[tuple[int, str, str]]:
        """(group, annotator, answer) of the current labels in `when` that are votes (none past the unit's
        overlap, no control or training answer) and carry an answer to the second question, by group then
        annotator: the votes of its agreement."""
        marks = ",".join("?" * len(when))
        votes = "".join(f" AND {condition}" for condition in self._vote_filter())
        return self.conn.execute(
            "SELECT c.group_id, c.annotator, e.detail FROM current_labels c JOIN events e ON e.id = c.event_id "
            f"WHERE c.label IN ({marks}) AND e.detail IS NOT NULL{votes} ORDER BY c.group_id, c.annotator", when)
