"""Import files into the store: read, segment, hash, store (one transaction per file), then group."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from annotator import dedup, readers, segment
from annotator.model import Document, InputError
from annotator.store import Store
from annotator.wording import plural


@dataclass
class ImportReport:
    documents: int = 0
    sentences: int = 0
    unchanged: int = 0
    replaced: int = 0
    messages: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    grouping: dict = field(default_factory=dict)

    @property
    def refused(self) -> bool:
        return bool(self.errors)


def content_hash(doc: Document) -> str:
    return hashlib.sha256(doc.text.encode("utf-8")).hexdigest()


def sentence_rows(text: str) -> list[tuple[int, int, int, str, int]]:
    """(index, start, end, text, normalised hash) of each sentence of a document text."""
    rows = []
    for index, (start, end) in enumerate(segment.spans(text)):
        sentence = text[start:end]
        rows.append((index, start, end, sentence, dedup.norm_hash(dedup.normalise(sentence))))
    return rows


def import_paths(
    store: Store,
    targets: Sequence[str | Path],
    *,
    fmt: str | None = None,
    replace: bool = False,
    threshold: float | None = None,
    progress: Callable[[int, int], None] | None = None,
    group: bool = True,
) -> ImportReport:
    """Import files and folders; bad files are reported and skipped, the rest are stored and grouped."""
    report = ImportReport()
    if threshold is not None:
        with store.transaction():
            store.set_setting("threshold", str(threshold))
    files: list[tuple[Path, str]] = []
    own = _database_files(store)
    for target in targets:
        path = Path(target)
        if not path.exists() and not path.is_symlink():
            report.errors.append(f"{target}: no such file or folder")
            continue
        for found, name in readers.walk(path, fmt):
            if _resolved(found) in own:
                report.messages.append(f"skipped {found}: it is the database being imported into")
            else:
                files.append((found, name))
    for done, (path, name) in enumerate(files, start=1):
        try:
            docs = readers.read_file(path, name, fmt)
        except InputError as err:
            report.errors.append(str(err))
        else:
            _store_file(store, path, docs, replace, report)
        if progress:
            progress(done, len(files))
    if group:
        report.grouping = dedup.group_pending(store, threshold)
    return report


def _resolved(path: Path) -> Path | None:
    try:
        return path.resolve()
    except OSError:
        return None


def _database_files(store: Store) -> set[Path]:
    """The database file and its companions, which a folder being imported may hold."""
    if store.path == ":memory:":
        return set()
    main = Path(store.path).resolve()
    return {main} | {main.with_name(main.name + suffix) for suffix in ("-wal", "-shm", "-journal")}


def _store_file(store: Store, path: Path, docs: list[Document], replace: bool, report: ImportReport) -> None:
    added = sentences = unchanged = 0
    notes = []
    seen: set[str] = set()
    source_file = str(_resolved(path) or path)
    with store.transaction():
        for position, doc in enumerate(docs):
            digest = content_hash(doc)
            # the same file reached by another path (a symlink, another root) is the same document
            origin = source_file if len(docs) == 1 else f"{source_file}#{position}"
            if doc.name in seen:
                report.errors.append(f"{path}: document name {doc.name!r} appears twice; the second is skipped")
                continue
            seen.add(doc.name)
            existing = store.document_hash(doc.name)
            extra = dict(title=doc.title, url=doc.url, meta=doc.meta, source=doc.source)
            rows = sentence_rows(doc.text)
            if existing is None and (known := store.document_from(origin, digest)) is not None:
                unchanged += 1
                notes.append(f"unchanged {path}: already imported as {known}")
            elif existing is None:
                doc_id = store.insert_document(doc.name, doc.text, digest, origin=origin, **extra)
                store.insert_sentences(doc_id, rows)
                added += 1
                sentences += len(rows)
            elif existing[1] == digest:
                unchanged += 1
            elif not replace:
                report.errors.append(
                    f"{path}: conflict: document {doc.name!r} differs from the stored one; "
                    "left as it was (use --replace to update it)"
                )
            else:
                store.update_document(existing[0], doc.text, digest, **extra)
                kept, new, detached = store.replace_sentences(existing[0], rows)
                report.replaced += 1
                sentences += new
                note = f"replaced {doc.name}: {kept} sentences kept, {new} new"
                notes.append(note + (f", {plural(detached, 'label')} of removed sentences set aside (kept in the "
                                     "history; they come back if the sentence does)" if detached else ""))
    report.documents += added
    report.unchanged += unchanged
    report.sentences += sentences
    if added:
        report.messages.append(f"imported {path}: {added} document{'s' * (added != 1)}, {sentences} sentences")
    report.messages.extend(notes)
    if unchanged and not added and not notes:
        report.messages.append(f"unchanged {path}: already imported")
