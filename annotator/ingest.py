"""Import files into the store: read, segment, hash, store (one transaction per file), then group."""

from __future__ import annotations

import hashlib
import itertools
import os
from collections.abc import Callable, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from annotator import dedup, readers, segment
from annotator.segment.identify import contradiction, identify
from annotator.model import Document, InputError
from annotator.readers import web
from annotator.processes import can_fork, forked_map, identity, identity_alive, process_running
from annotator.store import Store, StoreError
from annotator.store.connection import folder_of
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
    relanguaged: int = 0  # documents cut again in another language than the one stored
    runaways: int = 0  # sentences cut into pieces because they ran past segment.MAX_SENTENCE characters
    contradicted: list = field(default_factory=list)  # (name, declared, read as): <html lang> kept against the text
    lang_ignored: list = field(default_factory=list)  # (name, value): an <html lang> that is no language code
    without_language: int = 0  # documents found unchanged, stored with no language, not identified again
    kept_languages: list = field(default_factory=list)  # (name, the file's, stored): without --replace
    stopped: bool = False  # by Ctrl+C: the files stored so far stay, their grouping is pending

    @property
    def refused(self) -> bool:
        return bool(self.errors)


def content_hash(doc: Document) -> str:
    return hashlib.sha256(doc.text.encode("utf-8")).hexdigest()


class Rows(list):
    """A document's sentence rows, and how many runaway sentences were cut to give them."""

    runaways = 0


def sentence_rows(text: str, language: str | None = "en") -> Rows:
    """(index, start, end, text, normalised hash) of each sentence of a document text in a language."""
    rows = Rows()
    found = segment.segment(text, language)
    for index, (start, end) in enumerate(found.spans):
        sentence = text[start:end]
        rows.append((index, start, end, sentence, dedup.norm_hash(dedup.normalise(sentence))))
    rows.runaways = found.runaways
    return rows


def document_rows(doc: Document, language: str | None = None) -> Rows:
    """The sentence rows of a document, segmented in its language, which is settled here: the
    import's `--language`, else the one its file gives, else the one identified from its text. A
    page's declared language is kept, but noted (doc.contradicted_by) when the text clearly reads
    as another."""
    if language:
        doc.language, doc.language_from = language, "import"
    elif doc.language:
        doc.language_from = doc.language_from or "field"
        if doc.language_from == "page":
            doc.contradicted_by = contradiction(doc.text, doc.language)
    else:
        doc.language = identify(doc.text)
        doc.language_from = "identified" if doc.language else None
    return sentence_rows(doc.text, doc.language)


def _given_language(doc: Document, language: str | None) -> str | None:
    """The language the import or the file gives a document (not one identified from its text)."""
    return language or (doc.language if doc.language_from != "identified" else None)


def _in_new_language(doc: Document, stored: str | None, language: str | None, replace: bool,
                     rows: Rows | None, report: ImportReport) -> Rows | None:
    """The rows of an unchanged document cut in its language when that is not the stored one, else
    None. The language is --language's; else the file's own (a field, <html lang>), which replaces a
    stored one only with --replace (a language given by --language before is kept, and counted in
    report.kept_languages); else, with --replace, the one identified for a document stored without
    one (imported before languages were kept)."""
    if language:
        wanted = language
    else:
        wanted = _given_language(doc, None)
        if wanted is not None and stored is not None and wanted != stored and not replace:
            report.kept_languages.append((doc.name, wanted, stored))
            return None
        if wanted is None and replace and stored is None:
            if rows is None:
                rows = document_rows(doc, language)
            wanted = doc.language
    if wanted is None or wanted == stored:
        return None
    return rows if rows is not None else document_rows(doc, language)


def import_paths(
    store: Store,
    targets: Sequence[str | Path],
    *,
    fmt: str | None = None,
    replace: bool = False,
    threshold: float | None = None,
    progress: Callable[[ImportReport, int, int], None] | None = None,
    group: bool = True,
    source: str | None = None,
    encoding: str | None = None,
    limits: readers.Limits = readers.LIMITS,
    on_wait: Callable[[str], None] | None = None,
    language: str | None = None,
    timeout: float = web.Rules.timeout,
    allow_private: bool = False,
    follow: bool = False,
) -> ImportReport:
    """Import files and folders; bad files are reported and skipped, the rest are stored and grouped.

    `progress(report, bytes done, bytes in all)` is called after each file (and each Parquet batch).
    `encoding`: None for strict UTF-8, a codec name, or "auto" to detect each file's. `limits`: the
    caps on a file's uncompressed size and a document's length. `on_wait(message)`: told once when
    the grouping waits for another import's. A KeyboardInterrupt stops it between files: what is
    stored stays, a file half-written is removed, and the grouping is left pending
    (pending_grouping; the next import or the annotation screen finishes it).
    `language`: the ISO 639-1 code of every document; None to take each document's from its file
    (a `language` field, `<html lang>`) or else identify it from its text.
    A target that is a URL is fetched (web.fetch: http and https only, at most `timeout` seconds and
    limits.file_bytes, no private address unless `allow_private`) after the files are stored; a
    feed's items are its documents, or with `follow` the pages they link to."""
    report = ImportReport()
    if remove_abandoned_imports(store):
        report.messages.append("removed the documents of an import that was stopped half-way")
    if threshold is not None:
        with store.transaction():
            store.set_setting("threshold", str(threshold))
    files: list[tuple[Path, str]] = []
    urls: list[str] = []
    own = _database_files(store)

    def skipped(found: Path, what: str) -> None:
        report.messages.append(f"skipped {readers.shown_path(found)}: {what}, not a regular file")

    unread: list[Path] = []  # a folder's files no reader here takes, said by type once all are walked
    for target in targets:
        if web.is_url(target):
            urls.append(target)
            continue
        path = Path(target)
        if not path.exists() and not path.is_symlink():
            report.errors.append(f"{readers.shown_path(target)}: no such file or folder")
            continue
        for found, name in readers.walk(path, fmt, skipped, unread=unread.append):
            if _resolved(found) in own:
                report.messages.append(f"skipped {readers.shown_path(found)}: it is the database being imported into")
            else:
                files.append((found, name))
    if summary := readers.skipped_summary([found for found in unread if _resolved(found) not in own]):
        report.messages.append(summary)
    sizes = [_size(path) for path, _name in files]
    me = identity()
    store.mark_import(me, True)  # what it stores stays pending until its grouping: others can tell why
    try:
        _store_files(store, files, sizes, report, fmt, replace, progress, source, encoding, limits, language)
        rules = web.Rules(timeout=timeout, max_bytes=limits.file_bytes, allow_private=allow_private)
        _store_urls(store, urls, report, rules, follow, fmt, replace, source, encoding, limits, language)
        if group:
            report.grouping = dedup.group_pending(store, threshold, on_wait=on_wait)
    except KeyboardInterrupt:
        report.stopped = True
    finally:
        try:
            store.mark_import(me, False)
        except StoreError:
            pass  # a full disk or a busy file: the mark of a process that has ended counts for nothing
    return report


def _store_urls(store: Store, urls: list[str], report: ImportReport, rules: web.Rules, follow: bool,
                fmt: str | None, replace: bool, source: str | None, encoding: str | None,
                limits: readers.Limits, language: str | None) -> None:
    """Fetch and store each URL's documents as a file's are stored: a URL that cannot be fetched or
    read is one error line and the others go on."""
    for url in urls:
        shown = readers.shown_path(url)
        try:
            with _as_input_error(url):
                docs, failed = web.read_url(url, rules, fmt=fmt, encoding=encoding, follow=follow)
                docs = readers.check_documents(docs, shown, limits)
        except InputError as err:
            report.errors.append(str(err))
            continue
        report.errors.extend(failed)
        if docs:
            _store_file(store, Path(url), docs, replace, report, source, language=language, fetched_from=url)
        report.messages.extend(readers.decode.said(shown))  # as a file's: its encoding, its reader's notes


def pending_grouping(store: Store) -> int:
    """Sentences stored but not grouped yet (an import stopped before its grouping finished, or one
    still running)."""
    return store.count_pending()


def import_running(store: Store) -> bool:
    """Is an import running now (it groups what it stores itself, when its files are stored)?"""
    return bool(store.running_imports(identity_alive))


def _store_files(store: Store, files: list[tuple[Path, str]], sizes: list[int], report: ImportReport,
                 fmt: str | None, replace: bool, progress, source: str | None, encoding: str | None,
                 limits: readers.Limits, language: str | None) -> None:
    total, finished = sum(sizes), 0
    prepared_files = _prepared(files, sizes, fmt, encoding, limits, language)
    # many short transactions would each trigger a checkpoint of the write-ahead log (with its fsync)
    # every few megabytes: let the log grow larger while importing, and checkpoint once at the end
    with store.fewer_checkpoints(), closing(prepared_files):
        for (path, name), size, prepared in zip(files, sizes, prepared_files):
            if prepared is not None:  # read and segmented by a worker process
                outcome, docs, said = prepared
                if outcome == "error":
                    report.errors.append(docs)
                else:
                    _store_file(store, path, [doc for doc, _rows in docs], replace, report, source,
                                rows=[rows for _doc, rows in docs], language=language)
                    report.messages.extend(said)
            else:
                try:
                    batches = _unexpected_as_input_error(readers.stream_file(path, name, fmt, encoding, limits), path)
                    first = next(batches)
                except InputError as err:
                    report.errors.append(str(err))
                else:
                    if readers.format_of(path, fmt) == "parquet":
                        _store_stream(store, path, first, batches, replace, report, source,
                                      (lambda: progress(report, finished + size // 2, total)) if progress else None,
                                      language)
                    else:
                        _store_file(store, path, first, replace, report, source, language=language)
                    report.messages.extend(readers.decode.said(readers.shown_path(path)))
            finished += size
            if progress:
                progress(report, finished, total)
    if report.runaways:
        report.messages.append(f"cut {plural(report.runaways, 'runaway sentence')} (longer than "
                               f"{segment.MAX_SENTENCE:,} characters) into pieces at the best boundaries")
    report.messages.extend(language_notes(report))


def language_notes(report: ImportReport) -> list[str]:
    """One line for each thing to say of the languages: declared languages the text contradicts (kept),
    <html lang> values that are no language (ignored), stored languages kept against a file's own,
    documents stored without a language."""
    shown = readers.shown_path
    lines = (_counted(report.contradicted, "kept the declared <html lang> of {} although the text reads as another "
                      "language", lambda name, declared, read: f"{shown(name)}: declared {declared}, reads as {read}; "
                      "import it with --language to correct it")
             + _counted(report.lang_ignored, "ignored the <html lang> of {} as no language code",
                        lambda name, value: f"{shown(name)}: {value!r}")
             + _counted(report.kept_languages, "kept the stored language of {} whose file gives another",
                        lambda name, own, stored: f"{shown(name)}: {own} in the file, {stored} stored; import "
                        "--replace takes the file's"))
    if report.without_language:
        one = report.without_language == 1
        lines.append(f"{plural(report.without_language, 'document')} already imported {'has' if one else 'have'} no "
                     "language (imported before languages were kept, or none was found): import --replace "
                     f"identifies {'it' if one else 'them'} and cuts {'its' if one else 'their'} sentences again")
    return lines


def _counted(found: list[tuple], what: str, example: Callable[..., str]) -> list[str]:
    """One line saying `what` of how many documents were found, with the first as an example (none for none)."""
    return [f"{what.format(plural(len(found), 'document'))} ({example(*found[0])})"] if found else []


PARALLEL_BYTES = 4 << 20  # below this an import is quicker without starting worker processes


@contextmanager
def _as_input_error(path: Path):
    """An error no reader foresaw (a library's own, deep in a damaged file) is still one line naming
    the file, and the import goes on with the other files."""
    try:
        yield
    except (InputError, MemoryError):
        raise
    except Exception as err:
        raise InputError(readers.shown_path(path), f"cannot be read ({type(err).__name__}: "
                                                   f"{' '.join(str(err).split())[:200]})") from None


def _unexpected_as_input_error(batches, path: Path):
    """A reader's batches, read under _as_input_error."""
    with _as_input_error(path):
        yield from batches


def _read_and_segment(task: tuple[Path, str, str | None, str | None, readers.Limits, str | None]):
    """In a worker process: a file's documents with their sentences, or its one-line error."""
    path, name, fmt, encoding, limits, language = task
    try:
        with _as_input_error(path):
            docs = readers.read_file(path, name, fmt, encoding, limits)
    except InputError as err:
        return "error", str(err), None
    return "ok", [(doc, document_rows(doc, language)) for doc in docs], readers.decode.said(readers.shown_path(path))


def _prepared(files: list[tuple[Path, str]], sizes: list[int], fmt: str | None, encoding: str | None,
              limits: readers.Limits, language: str | None):
    """For each file, in order: its documents read and segmented by worker processes (both cores
    busy while this process stores), or None where the file is read here (Parquet, which streams,
    or an import too small to be worth the workers). At most a few files are read ahead."""
    parallel = [readers.format_of(path, fmt) != "parquet" for path, _name in files]
    if sum(sizes) < PARALLEL_BYTES or sum(parallel) < 2 or not can_fork():
        yield from (None for _ in files)
        return
    tasks = (((path, name, fmt, encoding, limits, language) if ok else None) for (path, name), ok in zip(files, parallel))
    for _tag, prepared in forked_map(_read_and_segment, ((None, task) for task in tasks)):
        yield prepared


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _store_stream(store: Store, path: Path, first: list[Document], batches, replace: bool, report: ImportReport,
                  source: str | None, tick, language: str | None = None) -> None:
    """A file read a batch at a time (Parquet): every batch written hidden as it comes, all published
    at the end, so memory stays flat and nobody sees half a file. A bad row anywhere drops the file."""
    me, offset, seen = os.getpid(), 0, set()
    before = (report.documents, report.sentences)
    try:
        for docs in itertools.chain([first], batches):
            _store_file(store, path, docs, replace, report, source, offset=offset, seen=seen, hidden=True,
                        language=language)
            offset += len(docs)
            if tick:
                tick()
        with store.transaction():
            store.publish_documents(me)
    except InputError as err:
        with store.transaction():
            store.remove_unpublished(me)
        report.documents, report.sentences = before
        report.errors.append(str(err))
        return
    except BaseException:
        with store.transaction():
            store.remove_unpublished(me)
        raise
    added = report.documents - before[0]
    if added:
        report.messages.append(f"imported {readers.shown_path(path)}: {plural(added, 'document')}, "
                               f"{plural(report.sentences - before[1], 'sentence')}")


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


def _store_file(store: Store, path: Path, docs: list[Document], replace: bool, report: ImportReport,
                source: str | None = None, *, offset: int = 0, seen: set[str] | None = None,
                hidden: bool = False, rows: list[list] | None = None, language: str | None = None,
                fetched_from: str | None = None) -> None:
    """Store one file's documents (`fetched_from`: the URL they were fetched from, for a web import).
    Sentences are found before any write; a small file is one transaction, a large one is written in
    short transactions while hidden and then published at once, so other writers (annotators
    labeling) get in between and nobody sees half a file."""
    added = sentences = unchanged = 0
    notes = []
    seen = set() if seen is None else seen
    source_file = fetched_from or str(_resolved(path) or path)
    shown = readers.shown_path(fetched_from or path)
    new_docs, changed, relanguaged = [], [], []
    for position, doc in enumerate(docs):
        doc.source = outlet(doc, path, source, fetched_from)
        digest = content_hash(doc)
        if doc.name in seen:
            report.errors.append(f"{shown}: document name {doc.name!r} appears twice; the second is skipped")
            continue
        seen.add(doc.name)
        # the same file reached by another path (a symlink, another root) is the same document
        origin = source_file if len(docs) == 1 and not hidden else f"{source_file}#{offset + position}"
        existing = store.document_hash(doc.name)
        known = store.document_from(origin, digest) if existing is None else None
        ready = rows[position] if rows else None
        if known is not None or (existing is not None and existing[1] == digest):
            doc_id, stored_name, stored_language = known or (existing[0], doc.name, existing[2])
            again = _in_new_language(doc, stored_language, language, replace, ready, report)
            if again is not None:
                relanguaged.append((doc_id, stored_name, stored_language, doc, digest, again))
                continue
            unchanged += 1
            if stored_language is None and not replace and _given_language(doc, language) is None:
                report.without_language += 1
            if known is not None:
                notes.append(f"unchanged {shown}: already imported as {readers.shown_path(stored_name)}")
        elif existing is None:
            new_docs.append((doc, digest, origin, ready if ready is not None else document_rows(doc, language)))
        elif not replace:
            report.errors.append(
                f"{shown}: conflict: document {doc.name!r} differs from the stored one; "
                "left as it was (use --replace to update it)"
            )
        else:
            changed.append((existing[0], doc, digest, ready if ready is not None else document_rows(doc, language)))
    size = sum(len(rows) for *_, rows in new_docs)
    report.runaways += sum(getattr(rows, "runaways", 0) for *_, rows in new_docs + changed + relanguaged)
    for doc in [d[0] for d in new_docs] + [d[1] for d in changed] + [d[3] for d in relanguaged]:
        if doc.contradicted_by:
            report.contradicted.append((doc.name, doc.language, doc.contradicted_by))
        if doc.page_lang_ignored and doc.language_from != "import":
            report.lang_ignored.append((doc.name, doc.page_lang_ignored))
    if hidden:  # one batch of a streamed file: published with the rest of it
        _write_hidden(store, new_docs, os.getpid())
    elif size <= BATCH_SENTENCES and not changed:
        with store.transaction():
            for doc, digest, origin, rows in new_docs:
                doc_id = store.insert_document(doc.name, doc.text, digest, rows, origin=origin, **_extra(doc))
                store.insert_sentences(doc_id, rows)
    else:
        _store_in_batches(store, new_docs)
    added = len(new_docs)
    sentences = size
    for doc_id, doc, digest, rows in changed:  # each changed document in one transaction of its own
        new, said = _replace_document(store, doc_id, doc, digest, rows)
        report.replaced += 1
        sentences += new
        notes.append(f"replaced {readers.shown_path(doc.name)}: {said}")
    for doc_id, stored_name, stored_language, doc, digest, rows in relanguaged:  # the same way
        new, said = _replace_document(store, doc_id, doc, digest, rows)
        report.relanguaged += 1
        sentences += new
        notes.append(f"cut {readers.shown_path(stored_name)} again in {doc.language or 'no language'} (was "
                     f"{stored_language or 'unknown'}): {said}")
    report.documents += added
    report.unchanged += unchanged
    report.sentences += sentences
    if added and not hidden:  # a streamed file's batches: the stream says it once, at the end
        report.messages.append(f"imported {shown}: {plural(added, 'document')}, {plural(size, 'sentence')}")
    report.messages.extend(notes)
    if unchanged and not added and not notes:
        report.messages.append(f"unchanged {shown}: already imported")


def _replace_document(store: Store, doc_id: int, doc: Document, digest: str, rows: Rows) -> tuple[int, str]:
    """A stored document given its new text, language and sentences, in one transaction: sentences whose
    text is the same keep their rows and labels, the labels of a removed one move to another member of
    its group or are set aside. Returns (new sentences, what was kept and set aside, said)."""
    with store.transaction():
        store.update_document(doc_id, doc.text, digest, rows, **_extra(doc))
        kept, new, detached = store.replace_sentences(doc_id, rows)
    return new, f"{plural(kept, 'sentence')} kept, {new} new" + (
        f", {plural(detached, 'label')} of removed sentences set aside (kept in the history; they come back if "
        "the sentence does)" if detached else "")


# sentences written per transaction of a large file: well under a quarter of a second of write lock
BATCH_SENTENCES = 5_000


def _extra(doc: Document) -> dict:
    return dict(title=doc.title, url=doc.url, meta=doc.meta, source=doc.source, published=doc.published,
                language=doc.language)


def domain(url: str | None) -> str | None:
    """The host of a URL without `www.`: "https://www.reuters.com/x" -> "reuters.com"."""
    if not url:
        return None
    host = urlsplit(url if "//" in url else f"//{url}").hostname or ""
    host = host.removeprefix("www.")
    return host or None


def outlet(doc: Document, path: Path, given: str | None, fetched_from: str | None = None) -> str | None:
    """Who published a document: `import --source`, else the file's own word (a `source` field,
    og:site_name), else the domain of its URL, else the folder the file was imported from (the
    domain of the URL it was fetched from, `fetched_from`)."""
    return (given or doc.source or domain(doc.url)
            or (domain(fetched_from) if fetched_from else folder_of(str(_resolved(path) or path))))


def _store_in_batches(store: Store, new_docs: list) -> None:
    """Write documents hidden (marked with this process's id) in short transactions, then publish
    them together. If anything fails, what was written is removed; if the process is killed, the
    next import removes it (its process no longer runs)."""
    me = os.getpid()
    try:
        with dedup.no_collection_pauses():
            _write_hidden(store, new_docs, me)
        with store.transaction():
            store.publish_documents(me)
    except BaseException:
        with store.transaction():
            store.remove_unpublished(me)
        raise


def _write_hidden(store: Store, new_docs: list, me: int) -> None:
    """Documents and their sentences, hidden, about BATCH_SENTENCES sentences per transaction."""
    work = iter(new_docs)
    current = None  # (document id, rows still to write)
    while True:
        written = 0
        with store.transaction():
            while written < BATCH_SENTENCES:
                if current is None:
                    item = next(work, None)
                    if item is None:
                        break
                    doc, digest, origin, rows = item
                    doc_id = store.insert_document(doc.name, doc.text, digest, rows, origin=origin, importing=me,
                                                  **_extra(doc))
                    current = (doc_id, rows)
                doc_id, rows = current
                part = rows[: BATCH_SENTENCES - written]
                store.insert_sentences(doc_id, part)
                written += len(part)
                current = (doc_id, rows[len(part):]) if len(part) < len(rows) else None
        if current is None and written < BATCH_SENTENCES:
            return


def remove_abandoned_imports(store: Store) -> int:
    """Documents hidden by an import whose process is gone (killed half-way): removed. Returns how many.
    Called before this import writes anything, so documents hidden under this process's own id were
    left by a killed import whose id it reuses (a container restart): they go too, or this import
    would publish them with its own."""
    removed = 0
    for importer in store.unpublished_importers():
        if importer == os.getpid() or not process_running(importer):
            with store.transaction():
                removed += store.remove_unpublished(importer)
    return removed
