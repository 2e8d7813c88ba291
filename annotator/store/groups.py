"""Duplicate groups: pending sentences, band keys, representatives, splits and joins made by hand."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence

from annotator.store.connection import chunks
from annotator.timestamps import now
from annotator.store.rows import SentenceRow


# sentences not yet grouped (not those of a file still being imported)
_PENDING = "grouped = 0 AND doc_id NOT IN (SELECT id FROM documents WHERE importing IS NOT NULL)"


class Groups:
    conn: sqlite3.Connection

    def _renumber_group(self, group_id: int, exclude: int) -> None:
        """A group is named by its smallest member id; rename it when that member leaves."""
        row = self.conn.execute(
            "SELECT min(id) FROM sentences WHERE group_id = ? AND id != ?", (group_id, exclude)
        ).fetchone()
        if row and row[0] is not None:
            self.conn.execute(
                "UPDATE sentences SET group_id = ? WHERE group_id = ? AND id != ?", (row[0], group_id, exclude)
            )

    def has_grouped_sentences(self) -> bool:
        return self.conn.execute("SELECT 1 FROM sentences WHERE grouped = 1 LIMIT 1").fetchone() is not None

    def pending_sentences(self) -> Iterator[tuple[int, str, int]]:
        """(id, text, norm_hash) of sentences not yet grouped, streamed (not those of a file still being imported)."""
        return self.conn.execute(f"SELECT id, text, norm_hash FROM sentences WHERE {_PENDING} ORDER BY id")

    def count_pending(self) -> int:
        return self.conn.execute(f"SELECT count(*) FROM sentences WHERE {_PENDING}").fetchone()[0]

    def pending_split_ids(self) -> set[int]:
        """Pending sentences that a recorded split keeps apart (same document name and normalised text)."""
        return {
            row[0]
            for row in self.conn.execute(
                "SELECT s.id FROM dedup_edits x JOIN documents d ON d.name = x.a_doc "
                "JOIN sentences s ON s.doc_id = d.id AND s.norm_hash = x.a_hash WHERE x.kind = 'split' AND s.grouped = 0"
            )
        }

    def groups_by_hash(self, hashes: Sequence[int]) -> dict[int, int]:
        """norm_hash -> group id among grouped, unpinned sentences."""
        out: dict[int, int] = {}
        for chunk in chunks(list(hashes), 500):
            marks = ",".join("?" * len(chunk))
            for norm, grp in self.conn.execute(  # a sentence id reused after a removal must match its hash
                f"SELECT h.norm_hash, min(s.group_id) FROM hashes h JOIN sentences s ON s.id = h.sentence_id "
                f"AND s.norm_hash = h.norm_hash WHERE h.norm_hash IN ({marks}) AND s.grouped = 1 AND s.pinned = 0 "
                "GROUP BY h.norm_hash",
                chunk,
            ):
                out[norm] = grp
        return out

    def band_groups(self, keys: Sequence[int], most: int) -> list[tuple[int, int]]:
        """(key, group id) of the grouped, unpinned sentences sharing a band key, one row per key and group.
        A key stored for more than `most` sentences is skipped: it comes from common words, not from
        copies (the bucket cap of the grouping itself), and would bring thousands of candidates."""
        out = []
        for chunk in chunks(list(set(keys)), 500):
            out.extend(
                self.conn.execute(
                    "WITH few(key) AS (SELECT value FROM json_each(?) WHERE "
                    "(SELECT count(*) FROM (SELECT 1 FROM bands WHERE key = value LIMIT ?)) <= ?) "
                    "SELECT DISTINCT b.key, s.group_id FROM few JOIN bands b ON b.key = few.key "
                    "JOIN sentences s ON s.id = b.sentence_id WHERE s.grouped = 1 AND s.pinned = 0",
                    (json.dumps(chunk), most + 1, most),
                )
            )
        return out

    def representative_texts(self, group_ids: Iterable[int]) -> dict[int, str]:
        """group id -> text of its representative, the first member, whose id names the group."""
        out: dict[int, str] = {}
        for chunk in chunks(list(group_ids), 500):
            marks = ",".join("?" * len(chunk))
            out.update(self.conn.execute(f"SELECT id, text FROM sentences WHERE id IN ({marks})", chunk))
        return out

    def texts_and_languages(self, sentence_ids: Iterable[int]) -> dict[int, tuple[str, str | None]]:
        """sentence id -> (its text as written, its document's language): what the same-fact guard reads."""
        out: dict[int, tuple[str, str | None]] = {}
        for chunk in chunks(list(sentence_ids), 500):
            marks = ",".join("?" * len(chunk))
            out.update((sid, (text, language)) for sid, text, language in self.conn.execute(
                f"SELECT s.id, s.text, d.language FROM sentences s JOIN documents d ON d.id = s.doc_id "
                f"WHERE s.id IN ({marks})", chunk))
        return out

    def reset_grouping(self) -> None:
        """Take every sentence out of its group, to be grouped again (splits and joins are replayed)."""
        with self.triggers_off():  # one derivation of the current labels, not one per labeled sentence
            self.conn.execute("UPDATE sentences SET group_id = id, grouped = 0, pinned = 0")
        self.conn.execute("DELETE FROM bands")
        self.conn.execute("DELETE FROM hashes")
        self.conn.execute("DELETE FROM claims")  # held units are known by group: routing starts again
        self.reopen_documents()

    def sentence_groups(self) -> dict[int, int]:
        """sentence id -> group id, for every sentence."""
        return dict(self.conn.execute("SELECT id, group_id FROM sentences"))

    def settle_groups(self, grouped: Sequence[tuple[int, int]], moved: Iterable[tuple[int, int, int]]) -> list[int]:
        """Store what a grouping computed for some pending sentences, and mark exactly them grouped.

        grouped: (sentence id, norm_hash) of the sentences read and grouped; moved: (sentence id, group
        id, pinned) of those that do not stay on their own, where a group is named by a sentence id.
        Edits made while the grouping computed are kept: a sentence split off meanwhile (no longer
        pending) is left as it is, a target sentence joined elsewhere meanwhile brings its members
        to its current group, and a sentence whose target was split off meanwhile is left pending
        for the next grouping. A sentence whose id now names another text (removed and reused) is
        left alone. Returns the ids left pending."""
        moved = list(moved)
        targets = sorted({grp for sid, grp, pinned in moved if not pinned and grp != sid})
        now_in: dict[int, int] = {}  # target -> the group it is in now (joined elsewhere meanwhile?)
        for chunk in chunks(targets, 500):
            marks = ",".join("?" * len(chunk))
            now_in.update(self.conn.execute(
                f"SELECT id, group_id FROM sentences WHERE id IN ({marks}) AND pinned = 0", chunk))
        left = sorted(sid for sid, grp, pinned in moved if not pinned and grp != sid and grp not in now_in)
        waiting = set(left)
        # pending means grouped = 0: a sentence split off while the grouping ran is grouped already
        self.conn.executemany(
            "UPDATE sentences SET group_id = ?, pinned = ? WHERE id = ? AND grouped = 0",
            ((sid if pinned else now_in.get(grp, grp), pinned, sid) for sid, grp, pinned in moved
             if sid not in waiting),
        )
        self.conn.execute(
            "UPDATE sentences SET grouped = 1 WHERE id IN (SELECT s.id FROM json_each(?) j JOIN sentences s "
            "ON s.id = j.value ->> 0 AND s.norm_hash = j.value ->> 1) AND grouped = 0 AND doc_id NOT IN "
            "(SELECT id FROM documents WHERE importing IS NOT NULL)",
            (json.dumps([[sid, h] for sid, h in grouped if sid not in waiting]),),
        )
        return left

    def add_bands(self, codes: Sequence[int]) -> None:
        """Band rows given as key << 32 | sentence id (ids below 2^32), best in ascending order: one JSON
        array that SQLite unpacks is much cheaper than a Python tuple per row."""
        self.conn.execute("INSERT OR IGNORE INTO bands(key, sentence_id) SELECT value >> 32, value & 4294967295 "
                          "FROM json_each(?)", (json.dumps(codes),))

    def add_hashes(self, rows: Iterable[tuple[int, int]]) -> None:
        """rows: (normalised hash, sentence id) of grouped sentences, best in ascending order."""
        self.conn.executemany("INSERT OR IGNORE INTO hashes(norm_hash, sentence_id) VALUES (?, ?)", rows)

    def take_lease(self, name: str, holder: str, alive: Callable[[str], bool]) -> str | None:
        """Hold a named lease (one grouping at a time) unless a live process holds it; the holder
        blocking us, or None once we hold it. `holder` identifies a process for good (processes.identity);
        `alive(holder)` says whether a holder still runs."""
        with self.transaction():
            row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (f"lease:{name}",)).fetchone()
            if row and row[0] != holder and alive(row[0]):
                return row[0]
            self.conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (f"lease:{name}", holder))
        return None

    def mark_import(self, holder: str, running: bool) -> None:
        """Say that the import of this process (processes.identity) runs, or has ended; a killed one's
        mark stays, and running_imports tells it from a live one."""
        with self.transaction():
            if running:
                self.conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (f"import:{holder}", holder))
            else:
                self.conn.execute("DELETE FROM meta WHERE key = ?", (f"import:{holder}",))

    def running_imports(self, alive: Callable[[str], bool]) -> list[str]:
        """The identities of the imports running now (`alive(holder)` says whether a process still runs)."""
        return [holder for (holder,) in self.conn.execute("SELECT value FROM meta WHERE key LIKE 'import:%'")
                if alive(holder)]

    def drop_lease(self, name: str, holder: str) -> None:
        with self.transaction():
            self.conn.execute("DELETE FROM meta WHERE key = ? AND value = ?", (f"lease:{name}", holder))

    def dedup_edits(self, kind: str) -> list[tuple[int, str, int, str | None, int | None]]:
        """(edit id, doc, norm hash, other doc, other norm hash) of the recorded splits or joins, oldest first."""
        return self.conn.execute(
            "SELECT id, a_doc, a_hash, b_doc, b_hash FROM dedup_edits WHERE kind = ? ORDER BY id", (kind,)
        ).fetchall()

    def sentence_ids_by_doc_hash(self, doc_name: str, norm_hash: int) -> list[int]:
        return [
            row[0]
            for row in self.conn.execute(
                "SELECT s.id FROM sentences s JOIN documents d ON d.id = s.doc_id WHERE d.name = ? AND s.norm_hash = ?",
                (doc_name, norm_hash),
            )
        ]

    def split_sentence(self, sentence: SentenceRow, record: bool = True) -> None:
        """Move a sentence out of its group into a group of its own, pinned so import does not regroup it.

        With `record`, the split is kept by document name and normalised text, so it holds when the
        document is imported again."""
        if sentence.group_id == sentence.id:
            self._renumber_group(sentence.id, exclude=sentence.id)
        self.conn.execute("UPDATE sentences SET group_id = id, pinned = 1, grouped = 1 WHERE id = ?", (sentence.id,))
        self.reopen_documents()  # the sentence left its group's labels behind
        if record:
            self.conn.execute(
                "INSERT INTO dedup_edits(kind, a_doc, a_hash, created_at) VALUES ('split', ?, ?, ?)",
                (*self._edit_key(sentence.id), now()),
            )

    def join_groups(self, a: SentenceRow, b: SentenceRow, record: bool = False) -> int:
        """Merge b's group into a's (the smaller id names the result). Returns the group id.

        With `record`, the join is kept to be replayed when either document is imported again."""
        keep, gone = sorted((a.group_id, b.group_id))
        if keep != gone:
            self.conn.execute("UPDATE sentences SET group_id = ? WHERE group_id = ?", (keep, gone))
        if record:
            self.conn.execute(
                "INSERT INTO dedup_edits(kind, a_doc, a_hash, b_doc, b_hash, created_at) VALUES ('join', ?, ?, ?, ?, ?)",
                (*self._edit_key(a.id), *self._edit_key(b.id), now()),
            )
        return keep

    def add_dedup_edit(self, kind: str, a_doc: str, a_hash: int, b_doc: str | None, b_hash: int | None,
                       created_at: str) -> bool:
        """Record a split or join made elsewhere (a merged copy) unless it is here already; True if new."""
        known = self.conn.execute(
            "SELECT 1 FROM dedup_edits WHERE kind = ? AND a_doc = ? AND a_hash = ? AND b_doc IS ? AND b_hash IS ? "
            "AND created_at = ?", (kind, a_doc, a_hash, b_doc, b_hash, created_at),
        ).fetchone()
        if not known:
            self.conn.execute(
                "INSERT INTO dedup_edits(kind, a_doc, a_hash, b_doc, b_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (kind, a_doc, a_hash, b_doc, b_hash, created_at),
            )
        return not known

    def _edit_key(self, sentence_id: int) -> tuple[str, int]:
        """(document name, normalised hash): how a hand edit finds its sentence again after a re-import."""
        return self.conn.execute(
            "SELECT d.name, s.norm_hash FROM sentences s JOIN documents d ON d.id = s.doc_id WHERE s.id = ?",
            (sentence_id,),
        ).fetchone()

    def groups(self, min_size: int = 2) -> list[tuple[int, int]]:
        """(group id, size) of groups with at least min_size members, largest first."""
        return self.conn.execute(
            "SELECT group_id, count(*) AS n FROM sentences GROUP BY group_id HAVING n >= ? ORDER BY n DESC, group_id",
            (min_size,),
        ).fetchall()

    def group_members(self, group_id: int) -> list[tuple[str, int, str, int]]:
        """(doc name, index, text, sentence id) of a group's members in document order."""
        return self.conn.execute(
            "SELECT d.name, s.idx, s.text, s.id FROM sentences s JOIN documents d ON d.id = s.doc_id "
            "WHERE s.group_id = ? ORDER BY s.doc_id, s.idx",
            (group_id,),
        ).fetchall()

    def group_variants(self, group_id: int, text: str, limit: int) -> tuple[list[tuple[str, int, str]], int]:
        """(doc name, index, text) of the first member with each wording other than `text`, at most
        `limit`, and the number of such wordings."""
        rows = self.conn.execute(
            "SELECT d.name, s.idx, s.text FROM sentences s JOIN documents d ON d.id = s.doc_id "
            "WHERE s.id IN (SELECT min(id) FROM sentences WHERE group_id = ? AND text != ? GROUP BY text) "
            "ORDER BY s.id",
            (group_id, text),
        ).fetchall()
        return rows[:limit], len(rows)

    def group_documents(self, group_id: int, exclude: int, limit: int) -> list[str]:
        """Names of the first documents (other than `exclude`) holding a group."""
        return [row[0] for row in self.conn.execute(
            "SELECT DISTINCT d.name FROM sentences s JOIN documents d ON d.id = s.doc_id "
            "WHERE s.group_id = ? AND s.doc_id != ? ORDER BY d.id LIMIT ?", (group_id, exclude, limit))]

    def group_doc_counts(self, doc_id: int) -> dict[int, int]:
        """group id -> number of documents containing it, for the groups of one document."""
        return dict(
            self.conn.execute(
                "SELECT g.group_id, (SELECT count(DISTINCT m.doc_id) FROM sentences m WHERE m.group_id = g.group_id) "
                "FROM (SELECT DISTINCT group_id FROM sentences WHERE doc_id = ?) g",
                (doc_id,),
            )
        )

    def document_names(self, doc_ids: list[int]) -> dict[int, str]:
        names: dict[int, str] = {}
        for chunk in chunks(doc_ids, 500):
            marks = ",".join("?" * len(chunk))
            names.update(self.conn.execute(f"SELECT id, name FROM documents WHERE id IN ({marks})", chunk))
        return names

    def count_groups(self) -> int:
        return self.conn.execute("SELECT count(DISTINCT group_id) FROM sentences").fetchone()[0]
