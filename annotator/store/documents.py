"""Documents and their sentences: storing, replacing on re-import, and reading them back."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence

from annotator.segment import rejoin, stored_text
from annotator.store.connection import chunks
from annotator.timestamps import now
from annotator.store.rows import DocumentRow, SentenceRow
from annotator.wording import sentence_ref


class Documents:
    conn: sqlite3.Connection

    def document_hash(self, name: str) -> tuple[int, str, str | None] | None:
        """(id, content hash, language) of the document of that name."""
        row = self.conn.execute("SELECT id, hash, language FROM documents WHERE name = ?", (name,)).fetchone()
        return (row[0], row[1], row[2]) if row else None

    def insert_document(self, name, text, content_hash, sentences=(), *, title=None, url=None, meta=None,
                        source=None, published=None, origin=None, importing: int | None = None, language=None) -> int:
        """A new document, whose `sentences` (rows as insert_sentences takes them) follow; with
        `importing` (the importer's process id) it stays hidden until published."""
        stored, spliced = stored_text(text, sentences)
        cursor = self.conn.execute(
            "INSERT INTO documents(name, title, url, meta, hash, text, spliced, source, published, imported_at, "
            "origin, importing, language) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (name, title, url, json.dumps(meta or {}, ensure_ascii=False), content_hash, stored, spliced, source,
             published, now(), origin, importing, language),
        )
        if importing is None:
            self.add_routing("d.id = ?", (cursor.lastrowid,))
        return cursor.lastrowid

    def publish_documents(self, importer: int) -> int:
        """Make every document this import wrote visible at once, and route them; returns how many."""
        first = self.conn.execute("SELECT min(id) FROM documents WHERE importing = ?", (importer,)).fetchone()[0]
        published = self.conn.execute("UPDATE documents SET importing = NULL WHERE importing = ?", (importer,)).rowcount
        if published:
            self.add_routing("d.id >= ? AND d.id NOT IN (SELECT doc_id FROM routing)", (first,))
        return published

    def unpublished_importers(self) -> list[int]:
        """Process ids of imports whose documents are still hidden (still running, or killed half-way)."""
        return [r[0] for r in self.conn.execute("SELECT DISTINCT importing FROM documents WHERE importing IS NOT NULL")]

    def remove_unpublished(self, importer: int) -> int:
        """Delete what an import that did not finish wrote (nobody could see or label it); returns documents."""
        hidden = "SELECT id FROM documents WHERE importing = ?"
        self.conn.execute(f"DELETE FROM bands WHERE sentence_id IN (SELECT id FROM sentences WHERE doc_id IN ({hidden}))",
                          (importer,))
        self.conn.execute(f"DELETE FROM sentences WHERE doc_id IN ({hidden})", (importer,))
        return self.conn.execute("DELETE FROM documents WHERE importing = ?", (importer,)).rowcount

    def document_from(self, origin: str, content_hash: str) -> tuple[int, str, str | None] | None:
        """(id, name, language) of a document already imported from this file (and record) with this content."""
        row = self.conn.execute(
            "SELECT id, name, language FROM documents WHERE origin = ? AND hash = ? LIMIT 1", (origin, content_hash)
        ).fetchone()
        return (row[0], row[1], row[2]) if row else None

    def update_document(self, doc_id, text, content_hash, sentences=(), *, title=None, url=None, meta=None,
                        source=None, published=None, language=None) -> None:
        """A changed document, whose `sentences` replace_sentences then stores."""
        stored, spliced = stored_text(text, sentences)
        self.conn.execute(
            "UPDATE documents SET title=?, url=?, meta=?, hash=?, text=?, spliced=?, source=?, published=?, "
            "imported_at=?, language=? WHERE id=?",
            (title, url, json.dumps(meta or {}, ensure_ascii=False), content_hash, stored, spliced, source,
             published, now(), language, doc_id),
        )

    def insert_sentences(self, doc_id: int, rows: Iterable[tuple[int, int, int, str, int]]) -> None:
        """rows: (index, start, end, text, norm_hash). New sentences start ungrouped (their own group)."""
        first = self.conn.execute("SELECT coalesce(max(id), 0) + 1 FROM sentences").fetchone()[0]
        self.conn.executemany(
            'INSERT INTO sentences(id, doc_id, idx, start, "end", text, norm_hash, group_id) VALUES (?,?,?,?,?,?,?,?)',
            ((first + n, doc_id, i, s, e, t, h, first + n) for n, (i, s, e, t, h) in enumerate(rows)),
        )

    def document_sentences(self, doc_id: int) -> list[SentenceRow]:
        return [
            SentenceRow(*row)
            for row in self.conn.execute(
                'SELECT id, doc_id, idx, start, "end", text, group_id FROM sentences WHERE doc_id = ? ORDER BY idx',
                (doc_id,),
            )
        ]

    def replace_sentences(self, doc_id: int, rows: list[tuple[int, int, int, str, int]]) -> tuple[int, int, int]:
        """Give a changed document its new sentences, keeping rows (and labels) whose text is unchanged.

        Returns (kept, added, dropped_labels). Labels of a removed sentence move to another member
        of its group when it has one; otherwise they are dropped and counted.
        """
        old = self.document_sentences(doc_id)
        by_text: dict[str, list[SentenceRow]] = {}
        for sentence in old:
            by_text.setdefault(sentence.text, []).append(sentence)
        # park old rows out of the way of the (doc_id, idx) uniqueness while re-indexing
        self.conn.execute("UPDATE sentences SET idx = -1 - idx WHERE doc_id = ?", (doc_id,))
        kept, new_rows = 0, []
        for index, start, end, text, norm in rows:
            matches = by_text.get(text)
            if matches:
                sentence = matches.pop(0)
                self.conn.execute(
                    'UPDATE sentences SET idx = ?, start = ?, "end" = ? WHERE id = ?', (index, start, end, sentence.id)
                )
                kept += 1
            else:
                new_rows.append((index, start, end, text, norm))
        detached = 0
        doc_name = self.conn.execute("SELECT name FROM documents WHERE id = ?", (doc_id,)).fetchone()[0]
        for leftovers in by_text.values():
            for sentence in leftovers:
                detached += self._remove_sentence(sentence, doc_name)
        self.insert_sentences(doc_id, new_rows)
        self._reattach_events(doc_id, doc_name)
        self.reopen_documents()  # a removed sentence may have taken a unit's only label with it
        return kept, len(new_rows), detached

    def _remove_sentence(self, sentence: SentenceRow, doc_name: str) -> int:
        """Delete a sentence a re-import no longer has. Its events move to another member of its group;
        with none, they are detached, never deleted: they keep their identity and the document and
        normalised text they were on. Returns how many live labels were detached."""
        heir = self.conn.execute(
            "SELECT id FROM sentences WHERE group_id = ? AND id != ? AND idx >= 0 ORDER BY id LIMIT 1",
            (sentence.group_id, sentence.id),
        ).fetchone()
        detached = 0
        if heir:
            self.conn.execute("UPDATE events SET sentence_id = ? WHERE sentence_id = ?", (heir[0], sentence.id))
            if sentence.group_id == sentence.id:
                self._renumber_group(sentence.id, exclude=sentence.id)
        else:
            detached = self.conn.execute(
                "SELECT count(*) FROM events WHERE sentence_id = ? AND kind = 'label' AND undone = 0", (sentence.id,)
            ).fetchone()[0]
            self.conn.execute(
                "UPDATE events SET sentence_id = NULL, detached_doc = ?, "
                "detached_hash = (SELECT norm_hash FROM sentences WHERE id = ?) WHERE sentence_id = ?",
                (doc_name, sentence.id, sentence.id),
            )
        # its band keys stay: found by sentence id alone they would cost a pass over the whole table, and a
        # key that leads nowhere (or to a later sentence given the same id) only brings a candidate that
        # the similarity check turns down
        self.conn.execute("DELETE FROM hashes WHERE norm_hash = (SELECT norm_hash FROM sentences WHERE id = ?) "
                          "AND sentence_id = ?", (sentence.id, sentence.id))
        self.conn.execute("DELETE FROM sentences WHERE id = ?", (sentence.id,))
        return detached

    def _reattach_events(self, doc_id: int, doc_name: str) -> None:
        """Events set aside when a sentence left this document come back when the same text returns."""
        self.conn.execute(
            "UPDATE events SET sentence_id = (SELECT s.id FROM sentences s WHERE s.doc_id = ? "
            "AND s.norm_hash = events.detached_hash ORDER BY s.idx LIMIT 1), detached_doc = NULL, detached_hash = NULL "
            "WHERE sentence_id IS NULL AND detached_doc = ? AND EXISTS (SELECT 1 FROM sentences s WHERE s.doc_id = ? "
            "AND s.norm_hash = events.detached_hash)",
            (doc_id, doc_name, doc_id),
        )

    def documents(self) -> list[DocumentRow]:
        return [
            DocumentRow(*row)
            for row in self.conn.execute(
                "SELECT d.id, d.name, d.title, d.url, d.hash, "
                "(SELECT count(*) FROM sentences s WHERE s.doc_id = d.id) FROM documents d WHERE d.importing IS NULL "
                "ORDER BY d.id"
            )
        ]

    def document_columns(self) -> list[tuple[int, str | None, str | None]]:
        """(id, source, published) of every visible document, by id."""
        return self.conn.execute(
            "SELECT id, source, published FROM documents WHERE importing IS NULL ORDER BY id").fetchall()

    def sentence_columns(self):
        """(document ids, group ids) of every visible sentence, as two numpy arrays."""
        import numpy as np

        rows = self.conn.execute(
            "SELECT doc_id, group_id FROM sentences WHERE doc_id NOT IN "
            "(SELECT id FROM documents WHERE importing IS NOT NULL)").fetchall()
        pairs = np.array(rows, dtype=np.int64).reshape(-1, 2)
        return pairs[:, 0], pairs[:, 1]

    def documents_of_source(self, source: str) -> list[tuple[str, str | None, str | None, int, str | None]]:
        """(name, title, published, sentences, language) of a source's visible documents, earliest first."""
        return self.conn.execute(
            "SELECT d.name, d.title, d.published, (SELECT count(*) FROM sentences s WHERE s.doc_id = d.id), d.language "
            "FROM documents d WHERE d.source = ? AND d.importing IS NULL "
            "ORDER BY d.published IS NULL, d.published, d.id", (source,)).fetchall()

    def language_counts(self) -> list[tuple[str | None, str | None, int]]:
        """(source, language, documents) of the visible documents: None where a document has none."""
        return self.conn.execute(
            "SELECT source, language, count(*) FROM documents WHERE importing IS NULL GROUP BY source, language "
            "ORDER BY source, count(*) DESC, language IS NULL, language").fetchall()

    def documents_in_language(self, language: str) -> int:
        """How many visible documents are in this language."""
        return self.conn.execute("SELECT count(*) FROM documents WHERE importing IS NULL AND language = ?",
                                 (language,)).fetchone()[0]

    def document_language(self, doc_id: int) -> str | None:
        """The language of a document (ISO 639-1), None when unknown."""
        row = self.conn.execute("SELECT language FROM documents WHERE id = ?", (doc_id,)).fetchone()
        return row[0] if row else None

    def document_meta(self, doc_id: int) -> tuple[str | None, str | None]:
        """(source, published) of a document."""
        return self.conn.execute("SELECT source, published FROM documents WHERE id = ?", (doc_id,)).fetchone()

    def document_ids(self, source: str | None = None) -> list[tuple[int, str]]:
        """(id, name) of the visible documents (of one source), by id."""
        if source is not None:
            return self.conn.execute("SELECT id, name FROM documents WHERE importing IS NULL AND source = ? "
                                     "ORDER BY id", (source,)).fetchall()
        return self.conn.execute("SELECT id, name FROM documents WHERE importing IS NULL ORDER BY id").fetchall()

    def document(self, doc_id: int) -> tuple[str, str | None, str]:
        """(name, title, text)"""
        name, title, text, spliced = self.conn.execute(
            "SELECT name, title, text, spliced FROM documents WHERE id = ?", (doc_id,)).fetchone()
        if spliced:
            text = rejoin(text, self.conn.execute(
                'SELECT start, "end", text FROM sentences WHERE doc_id = ? AND idx >= 0 ORDER BY idx', (doc_id,)))
        return name, title, text

    def document_id(self, name: str) -> int | None:
        row = self.conn.execute("SELECT id FROM documents WHERE name = ? AND importing IS NULL", (name,)).fetchone()
        return row[0] if row else None

    def sentence(self, sentence_id: int) -> SentenceRow | None:
        row = self.conn.execute(
            'SELECT id, doc_id, idx, start, "end", text, group_id FROM sentences WHERE id = ?', (sentence_id,)
        ).fetchone()
        return SentenceRow(*row) if row else None

    def sentence_at(self, doc_name: str, index: int) -> SentenceRow | None:
        row = self.conn.execute(
            'SELECT s.id, s.doc_id, s.idx, s.start, s."end", s.text, s.group_id FROM sentences s '
            "JOIN documents d ON d.id = s.doc_id WHERE d.name = ? AND s.idx = ?",
            (doc_name, index),
        ).fetchone()
        return SentenceRow(*row) if row else None

    def sentence_ref(self, sentence_id: int) -> str:
        """DOC:N of a sentence, the reference the commands take (N counts from 1, as the screen does)."""
        name, index = self.conn.execute(
            "SELECT d.name, s.idx FROM sentences s JOIN documents d ON d.id = s.doc_id WHERE s.id = ?", (sentence_id,)
        ).fetchone()
        return sentence_ref(name, index)

    def sentences_by_doc_index(self, doc_ids: Sequence[int]) -> dict[tuple[int, int], tuple[int, str]]:
        """(doc_id, index) -> (sentence id, text), for the given documents."""
        out = {}
        for chunk in chunks(list(doc_ids), 500):
            marks = ",".join("?" * len(chunk))
            for sid, doc_id, idx, text in self.conn.execute(
                f"SELECT id, doc_id, idx, text FROM sentences WHERE doc_id IN ({marks})", chunk
            ):
                out[(doc_id, idx)] = (sid, text)
        return out

    def find_sentences(self, needle: str, limit: int = 50) -> list[tuple[int, int, str]]:
        """(doc_id, index, text) of sentences containing needle, case-insensitively (ASCII)."""
        like = "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        return self.conn.execute(
            "SELECT doc_id, idx, text FROM sentences WHERE text LIKE ? ESCAPE '\\' ORDER BY doc_id, idx LIMIT ?",
            (like, limit),
        ).fetchall()
