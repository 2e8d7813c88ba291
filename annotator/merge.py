"""Bring back the work done on a copy of the database: labels, notes, decisions, splits and joins."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from annotator.store import Store
from annotator.store.foreign import ForeignDatabase


@dataclass
class MergeReport:
    added: Counter = field(default_factory=Counter)  # event kind -> events added
    undone: int = 0
    edits: int = 0  # splits and joins made in the copy, carried here
    skipped: Counter = field(default_factory=Counter)  # reason -> events skipped


def merge(store: Store, other: ForeignDatabase) -> MergeReport:
    """Add the other database's events and hand edits to this one, in one transaction.

    Documents are matched by name, sentences by index and text (by text alone when a re-import moved
    them). Every event keeps its uid, so an event already here (merged before, or born here) is never
    added twice and merging the same copy again changes nothing; an event undone in either copy is
    undone in both, and "latest" is decided by time then uid, so merging A into B and B into A
    gives both the same current labels. Conflicting labels simply become disagreements for review.
    """
    report = MergeReport()
    docs = {name: doc_id for doc_id, name in store.document_ids()}
    by_index = store.sentences_by_doc_index(list(docs.values()))  # (doc id, index) -> (sentence id, text)
    by_text: dict[tuple[int, str], list[tuple[int, int]]] = {}
    for (doc_id, index), (sid, text) in by_index.items():
        by_text.setdefault((doc_id, text), []).append((index, sid))
    rows, kinds, undone = [], [], []
    for uid, doc, index, text, kind, annotator, label, note, created_at, was_undone in other.events():
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
        rows.append((sentence_id, kind, annotator, label, note, created_at, uid))
        kinds.append((uid, kind))
        if was_undone:
            undone.append(uid)
    with store.transaction():
        known = store.known_uids([uid for uid, _ in kinds])
        store.insert_events(rows)
        for uid, kind in kinds:
            if uid not in known:
                report.added[kind] += 1
                known.add(uid)
        report.undone = store.mark_undone(undone) if undone else 0
        if report.undone:
            store.reopen_documents()
        for kind, a_doc, a_hash, b_doc, b_hash, created_at in other.dedup_edits():
            if store.add_dedup_edit(kind, a_doc, a_hash, b_doc, b_hash, created_at):
                report.edits += 1
                _apply_edit(store, kind, a_doc, a_hash, b_doc, b_hash)
    return report


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
