"""Bring back the work done on a copy of the database: labels, notes, decisions, splits and joins."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from annotator import scheme
from annotator.label_import import check_annotator, check_detail, check_label
from annotator.model import AMBIGUOUS
from annotator.store import Store, StoreError
from annotator.store.events import MAPPED
from annotator.store.foreign import ForeignDatabase
from annotator.store.quality import FLAG
from annotator.timestamps import label_time, latest_label_time

KINDS = ("label", "note", "decision")
SOURCES = ("suggestion:", "rule:")  # how an accepted suggestion names its origin; typed labels have none


@dataclass
class MergeReport:
    added: Counter = field(default_factory=Counter)  # event kind -> events added
    undone: int = 0
    over_overlap: int = 0  # labels marked as given past their unit's overlap in the copy, marked here too
    edits: int = 0  # splits and joins made in the copy, carried here
    skipped: Counter = field(default_factory=Counter)  # reason -> events skipped
    # retired label -> (labels, decisions) the copy still had on it, mapped here as new events
    mapped: dict[str, tuple[int, int]] = field(default_factory=dict)


def merge(store: Store, other: ForeignDatabase) -> MergeReport:
    """Add the other database's events and hand edits to this one, in one transaction.

    Documents are matched by name, sentences by index and text (by text alone when a re-import moved
    them). Every event keeps its uid, so an event already here (merged before, or born here) is never
    added twice and merging the same copy again changes nothing; an event undone in either copy is
    undone in both, and "latest" is decided by time then uid, so merging A into B and B into A
    gives both the same current labels. Conflicting labels simply become disagreements for review.

    Every row of the other file is checked as import-labels checks its rows, and its times are brought
    to the stored form (older copies stored offsets); the first bad row refuses the whole merge before
    anything is written: StoreError naming the copy, the table and the row. Events on a label the
    project's scheme retired (mapped by a change of scheme) are history and merge as they are; the
    copy's current labels and decisions still on one (it labeled before hearing of the change) are
    then mapped as new events, as the change mapped this database's.
    """
    project = _same_scheme(store, other)
    report = MergeReport()
    latest = latest_label_time()
    docs = {name: doc_id for doc_id, name in store.document_ids()}
    by_index = store.sentences_by_doc_index(list(docs.values()))  # (doc id, index) -> (sentence id, text)
    by_text: dict[tuple[int, str], list[tuple[int, int]]] = {}
    for (doc_id, index), (sid, text) in by_index.items():
        by_text.setdefault((doc_id, text), []).append((index, sid))
    rows, kinds, undone = [], [], []
    for (row_id, uid, doc, index, text, kind, annotator, label, note, created_at, was_undone, source, detail,
         version, seconds) in other.events():
        with _naming(other, "events", row_id):
            created_at = _check_event(uid, kind, annotator, label, note, created_at, was_undone, source, latest,
                                      project, detail)
            _check_seconds(kind, seconds)
        doc_id = docs.get(doc)
        if doc_id is None:
            report.skipped["on documents this database does not have"] += 1
            continue
        found = by_index.get((doc_id, index))
        if found is not None and found[1] == text:
            sentence_id = found[0]
        elif (doc_id, text) in by_text:  # the sentence moved: the same text nearest its old place
            sentence_id = min(by_text[(doc_id, text)], key=lambda hit: abs(hit[0] - index))[1]
        else:
            report.skipped["on sentences this database does not have"] += 1
            continue
        rows.append((sentence_id, kind, annotator, label, note, created_at, uid, source, detail, version, seconds))
        kinds.append((uid, kind))
        if was_undone:
            undone.append(uid)
    edits = []
    for row_id, kind, a_doc, a_hash, b_doc, b_hash, created_at in other.dedup_edits():
        with _naming(other, "dedup_edits", row_id):
            edits.append((kind, a_doc, a_hash, b_doc, b_hash, _check_edit(kind, a_doc, a_hash, b_doc, b_hash,
                                                                         created_at, latest)))
    edits.sort(key=lambda edit: edit[5])  # in the order they were made
    with store.transaction():
        known = store.known_uids([uid for uid, _ in kinds])
        last = store.last_event_id()
        store.insert_events(rows)
        store.mark_control_answers_since(last)  # answers to this database's control items are no votes
        for uid, kind in kinds:
            if uid not in known:
                report.added[kind] += 1
                known.add(uid)
        over = other.over_overlap_uids() & {uid for uid, kind in kinds if kind == "label"}
        report.over_overlap = store.mark_over_overlap_uids(sorted(over)) if over else 0
        report.undone = store.mark_undone(undone) if undone else 0
        if report.undone:
            store.reopen_documents()
        retired = project.retired_map()
        if retired:
            report.mapped = {old: n for old, n in store.map_labels(retired).items() if any(n)}
        for kind, a_doc, a_hash, b_doc, b_hash, created_at in edits:
            if store.add_dedup_edit(kind, a_doc, a_hash, b_doc, b_hash, created_at):
                report.edits += 1
                _apply_edit(store, kind, a_doc, a_hash, b_doc, b_hash)
    return report


@contextmanager
def _naming(other: ForeignDatabase, table: str, row_id) -> Iterator[None]:
    """Turns a bad row's ValueError into the one line that refuses the merge."""
    try:
        yield
    except ValueError as err:
        raise StoreError(f"{other.path}: {table} row {row_id}: {err}; nothing merged") from None


def _same_scheme(store: Store, other: ForeignDatabase) -> scheme.Scheme:
    """The project's scheme, when the copy has the same labels and second question (or had them before
    the project's changes of scheme mapped some); StoreError naming what differs otherwise (the copy's
    labels would mean something else here)."""
    project = scheme.get(store)
    text = other.scheme_json()
    try:
        theirs = scheme.Scheme.from_json(text) if text else scheme.DEFAULT
    except (ValueError, KeyError, TypeError, AttributeError):
        raise StoreError(f"{other.path}: its label scheme cannot be read; nothing merged") from None
    # a copy made before a change of scheme still has the labels it retired: read as what they became
    if project.differences(theirs, project.retired_map()):
        differences = theirs.differences(project)
        raise StoreError(f"{other.path}: the copy's label scheme {theirs.name} differs from this project's "
                         f"{project.name}: {'; '.join(differences)} (the copy's vs this project's); set the same "
                         "scheme on both first (annotator project labels set); nothing merged")
    return project


def _check_event(uid, kind, annotator, label, note, created_at, undone, source, latest: str,
                 project: scheme.Scheme = scheme.DEFAULT, detail=None) -> str:
    """The event's time in the stored form; ValueError saying what is wrong with the row otherwise."""
    if not isinstance(uid, str) or not uid:
        raise ValueError("'uid' must be a non-empty string")
    if kind not in KINDS:
        raise ValueError(f"unknown event kind {kind!r} (expected one of {', '.join(KINDS)})")
    check_annotator(annotator)
    if kind == "note":
        if label is not None:
            raise ValueError(f"a note carries no label, not {label!r}")
    else:
        check_label(label, project, (AMBIGUOUS,) * (kind == "decision") + tuple(project.retired_map()))
    if detail is not None:
        if kind != "label" or not isinstance(detail, str):
            raise ValueError(f"'detail' {detail!r} on a {kind}: only a label carries the second question's answer")
        if label not in project.retired_map():  # asked under the old scheme: history, as its label
            check_detail(label, detail, project)
    if note is not None and not isinstance(note, str):
        raise ValueError(f"'note' must be a string, not {type(note).__name__}")
    if undone not in (0, 1):
        raise ValueError(f"'undone' must be 0 or 1, not {undone!r}")
    if kind == "note" and source is not None and source != FLAG:
        raise ValueError(f"unknown note source {source!r} (expected {FLAG!r}: the unit flagged as unsure)")
    if kind != "note" and source is not None and not (isinstance(source, str) and (
            source.startswith(MAPPED) or kind == "label" and source.startswith(SOURCES))):
        raise ValueError(f"unknown label source {source!r} (expected suggestion:MODEL or rule:ID on a label)")
    return _time(created_at, latest)


def _check_seconds(kind, seconds) -> None:
    """A label's seconds on screen: a number, not negative; nothing on other events."""
    if seconds is None:
        return
    if kind != "label":
        raise ValueError(f"a {kind} has no seconds on screen, not {seconds!r}")
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not 0 <= seconds < float("inf"):
        raise ValueError(f"'seconds' must be a number of seconds, not {seconds!r}")


def _check_edit(kind, a_doc, a_hash, b_doc, b_hash, created_at, latest: str) -> str:
    """The edit's time in the stored form; ValueError saying what is wrong with the row otherwise."""
    if kind not in ("split", "join"):
        raise ValueError(f"unknown edit kind {kind!r} (expected split or join)")
    pairs = [(a_doc, a_hash)] + ([(b_doc, b_hash)] if kind == "join" else [])
    for doc, norm_hash in pairs:
        if not isinstance(doc, str) or not isinstance(norm_hash, int):
            raise ValueError(f"a {kind} names a document and a hash, not {doc!r} and {norm_hash!r}")
    return _time(created_at, latest)


def _time(created_at, latest: str) -> str:
    try:
        return label_time(created_at, latest)
    except ValueError as err:
        raise ValueError(f"'created_at' {err}") from None


def _apply_edit(store: Store, kind: str, a_doc: str, a_hash: int, b_doc: str | None, b_hash: int | None) -> None:
    """Make here the split or join made in the copy, so its units are the copy's units."""
    a_ids = store.sentence_ids_by_doc_hash(a_doc, a_hash)
    if kind == "split":
        for sid in a_ids:
            store.split_sentence(store.sentence(sid), record=False)
        return
    b_ids = store.sentence_ids_by_doc_hash(b_doc, b_hash)
    if a_ids and b_ids:
        store.join_groups(store.sentence(a_ids[0]), store.sentence(b_ids[0]))
