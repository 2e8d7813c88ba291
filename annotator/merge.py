"""Bring back labels from a copy of the database that someone worked on offline."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from annotator.store import Store


@dataclass
class MergeReport:
    added: Counter = field(default_factory=Counter)  # event kind -> events added
    undone: int = 0
    skipped: Counter = field(default_factory=Counter)  # reason -> events skipped


def merge(store: Store, other: Store) -> MergeReport:
    """Append the other database's events: documents matched by content hash, sentences by index.

    Every event keeps its uid, so an event already here (merged before, or born here) is never
    added twice; merging the same copy again changes nothing. Conflicting labels simply become
    disagreements for review.
    """
    report = MergeReport()
    ours = store.documents_by_hash()
    sentences = store.sentences_by_doc_index(list(ours.values()))
    rows, kinds, undone = [], [], []
    for uid, doc_hash, index, text, kind, annotator, label, note, created_at, was_undone in other.all_events():
        doc_id = ours.get(doc_hash)
        if doc_id is None:
            report.skipped["on documents this database does not have"] += 1
            continue
        found = sentences.get((doc_id, index))
        if found is None or found[1] != text:
            report.skipped["on sentences that differ here"] += 1
            continue
        rows.append((found[0], kind, annotator, label, note, created_at, uid))
        kinds.append((uid, kind))
        if was_undone:
            undone.append(uid)
    known = store.known_uids([uid for uid, _ in kinds])
    store.add_events(rows)
    for uid, kind in kinds:
        if uid not in known:
            report.added[kind] += 1
    report.undone = store.mark_undone(undone) if undone else 0
    return report
