"""Imports under attack: two imports at once, edits while a grouping computes, a lease left by a
killed import whose process id was reused (issue 25)."""

from __future__ import annotations

import os

import pytest

from annotator import dedup, processes
from annotator.dedup import grouping
from annotator.ingest import import_paths
from annotator.store import Store

STATEMENTS = [
    "The port authority said the strike had cost the region four million dollars a day.",
    "Dockworkers walked out on Monday after talks over the new shift rota broke down.",
    "Union leaders promised to keep the picket lines in place until a deal was signed.",
]


def write_docs(folder, prefix, count, start=0):
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(start, start + count):
        (folder / f"{prefix}{n:03d}.txt").write_text(" ".join(STATEMENTS) + f" Item {prefix} number {n} closes it.")
    return folder


def grouping_rows(store):
    """(sentence id, grouped, has a hash row, band rows) of every sentence."""
    return store.query(
        "SELECT s.id, s.grouped, EXISTS (SELECT 1 FROM hashes h WHERE h.sentence_id = s.id), "
        "(SELECT count(*) FROM bands b WHERE b.sentence_id = s.id) FROM sentences s ORDER BY s.id")


def pause_before_writing(monkeypatch, action):
    """Run `action` once, after the grouping computed its groups and before it writes them."""
    original = grouping._save

    def save(store, *args):
        monkeypatch.setattr(grouping, "_save", original)
        action()
        return original(store, *args)

    monkeypatch.setattr(grouping, "_save", save)


def test_a_second_import_publishing_while_the_first_groups_keeps_its_sentences_pending(db_path, tmp_path, monkeypatch):
    store = Store(db_path)
    import_paths(store, [write_docs(tmp_path / "a", "a", 3)], group=False)
    # a second import (another process) wrote its documents hidden in between: their sentence ids
    # lie inside the range the first import reads
    other, other_pid = Store(db_path), os.getppid()
    from annotator.ingest import _write_hidden, sentence_rows, content_hash
    from annotator.model import Document

    docs = [Document(name=f"b{n}", text=" ".join(STATEMENTS) + f" Item b number {n} closes it.") for n in range(3)]
    _write_hidden(other, [(d, content_hash(d), f"b{n}", sentence_rows(d.text)) for n, d in enumerate(docs)], other_pid)
    import_paths(store, [write_docs(tmp_path / "c", "c", 3)], group=False)
    hidden = [r[0] for r in store.query("SELECT s.id FROM sentences s JOIN documents d ON d.id = s.doc_id "
                                        "WHERE d.importing IS NOT NULL ORDER BY s.id")]
    assert hidden and hidden[0] < max(r[0] for r in store.query("SELECT id FROM sentences"))

    def publish():
        with other.transaction():
            other.publish_documents(other_pid)

    pause_before_writing(monkeypatch, publish)
    first = dedup.group_pending(store)
    assert first["sentences"] == 24
    rows = grouping_rows(store)
    assert [r for r in rows if r[0] in hidden] == [(sid, 0, 0, 0) for sid in hidden]  # still pending
    assert [r[:3] for r in rows if r[0] not in hidden] == [(r[0], 1, 1) for r in rows if r[0] not in hidden]
    second = dedup.group_pending(other)  # the second import groups its own sentences
    # its statements join the first import's groups; "Item b number 0 closes it." names another item
    # than "Item a number 0 closes it." and stays apart
    assert second == {"sentences": 12, "joined": 9}
    rows = grouping_rows(store)
    assert [r[:3] for r in rows] == [(r[0], 1, 1) for r in rows]
    # band keys are stored for the first sentence of each wording (its copies are found by hash)
    firsts = {r[0] for r in store.query("SELECT min(id) FROM sentences GROUP BY norm_hash")}
    assert [r[0] for r in rows if r[3] > 0] == sorted(firsts)
    # the copies are found: every document's first sentence is in the first document's group
    firsts = store.query("SELECT d.name, s.group_id FROM sentences s JOIN documents d ON d.id = s.doc_id "
                         "WHERE s.idx = 0 ORDER BY d.id")
    assert len(firsts) == 9 and {group for _name, group in firsts} == {firsts[0][1]}


def grouped_with_a_split_meanwhile(db_path, folder, monkeypatch, doc, index):
    """Import three documents, then group them while a reviewer splits DOC:INDEX off midway.
    Returns (the store, the sentence split off, what the grouping returned)."""
    store = Store(db_path)
    import_paths(store, [write_docs(folder, "a", 3)], group=False)
    reviewer = Store(db_path)
    split_off = reviewer.sentence_at(doc, index)

    def split():
        with reviewer.transaction():
            reviewer.split_sentence(split_off)

    pause_before_writing(monkeypatch, split)
    return store, split_off, dedup.group_pending(store)


def test_a_split_made_while_the_grouping_computes_is_not_undone(db_path, tmp_path, monkeypatch):
    store, split_off, _result = grouped_with_a_split_meanwhile(db_path, tmp_path / "a", monkeypatch, "a/a001.txt", 0)
    assert store.query("SELECT group_id, pinned, grouped FROM sentences WHERE id = ?", [split_off.id]) \
        == [(split_off.id, 1, 1)]
    firsts = store.query("SELECT d.name, s.group_id FROM sentences s JOIN documents d ON d.id = s.doc_id "
                         "WHERE s.idx = 0 ORDER BY d.id")
    founder = firsts[0][1]
    assert firsts == [("a/a000.txt", founder), ("a/a001.txt", split_off.id), ("a/a002.txt", founder)]


def test_a_split_of_a_group_founder_while_grouping_leaves_its_copies_to_the_next_pass(db_path, tmp_path,
                                                                                     monkeypatch):
    store, founder, result = grouped_with_a_split_meanwhile(db_path, tmp_path / "a", monkeypatch, "a/a000.txt", 1)
    assert result == {"sentences": 12, "joined": 5}
    rows = store.query("SELECT d.name, s.group_id, s.pinned, s.grouped FROM sentences s "
                       "JOIN documents d ON d.id = s.doc_id WHERE s.idx = 1 ORDER BY d.id")
    copy = store.sentence_at("a/a001.txt", 1).id
    assert rows == [("a/a000.txt", founder.id, 1, 1), ("a/a001.txt", copy, 0, 1), ("a/a002.txt", copy, 0, 1)]
    assert store.count_pending() == 0


def test_a_join_made_while_the_grouping_computes_takes_the_new_members_along(db_path, tmp_path, monkeypatch):
    store = Store(db_path)
    import_paths(store, [write_docs(tmp_path / "a", "a", 2)])
    import_paths(store, [write_docs(tmp_path / "b", "b", 1)], group=False)
    reviewer = Store(db_path)
    first, second = reviewer.sentence_at("a/a000.txt", 0), reviewer.sentence_at("a/a000.txt", 1)

    def join():
        with reviewer.transaction():
            reviewer.join_groups(first, second, record=True)

    pause_before_writing(monkeypatch, join)
    dedup.group_pending(store)
    rows = store.query("SELECT d.name, s.idx, s.group_id FROM sentences s JOIN documents d ON d.id = s.doc_id "
                       "WHERE s.idx < 2 ORDER BY d.id, s.idx")
    assert {group for _name, _idx, group in rows} == {first.id}


def test_a_lease_left_by_a_killed_grouping_whose_pid_was_reused_is_taken_over(store, monkeypatch):
    # the lease names a live process (this one), but with another start time: a killed import's id reused
    pid, _start, boot = processes.identity().split(":")
    with store.transaction():
        store.set_setting("lease:grouping", f"{pid}:1:{boot}")

    def never(_seconds):
        raise AssertionError("waited for a lease whose holder is gone")

    monkeypatch.setattr(grouping.time, "sleep", never)
    assert dedup.group_pending(store) == {"sentences": 0, "joined": 0}
    assert store.setting("lease:grouping", None) is None


def test_a_lease_from_another_boot_is_taken_over(store, monkeypatch):
    with store.transaction():
        store.set_setting("lease:grouping", f"{os.getpid()}:{processes.identity().split(':')[1]}:another-boot")
    monkeypatch.setattr(grouping.time, "sleep", lambda _s: pytest.fail("waited for a lease of a past boot"))
    assert dedup.group_pending(store) == {"sentences": 0, "joined": 0}


def test_a_grouping_waiting_for_a_live_one_says_so_once(store, monkeypatch):
    holder = processes.identity(os.getppid())
    with store.transaction():
        store.set_setting("lease:grouping", holder)
    told, waits = [], []

    def sleep(_seconds):
        waits.append(1)
        if len(waits) == 3:  # the other grouping finishes
            store.drop_lease("grouping", holder)

    monkeypatch.setattr(grouping.time, "sleep", sleep)
    dedup.group_pending(store, on_wait=told.append)
    assert told == [f"waiting for another import to finish grouping (process {os.getppid()})"]
    assert len(waits) == 3


def test_hidden_documents_of_a_killed_import_whose_pid_this_import_reuses_are_removed_not_published(
        db_path, tmp_path):
    from annotator.ingest import _write_hidden, content_hash, sentence_rows
    from annotator.model import Document

    store = Store(db_path)
    half = Document(name="half-written", text="Only the first part of a file was written.")
    # a killed import, in a container that gave this process its id after a restart
    _write_hidden(store, [(half, content_hash(half), "half", sentence_rows(half.text))], os.getpid())
    report = import_paths(store, [write_docs(tmp_path / "a", "a", 1)])
    assert report.messages[0] == "removed the documents of an import that was stopped half-way"
    assert store.query("SELECT name, importing FROM documents ORDER BY id") == [("a/a000.txt", None)]
