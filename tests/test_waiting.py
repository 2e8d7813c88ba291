"""Labeling never waits on an import: writes off the screen's loop, short import transactions."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time

from annotator.ingest import import_paths
from annotator.label_import import import_labels
from annotator.store import Store
from annotator.tui.app import AnnotatorApp
from annotator.writer import wait_all
from conftest import CORPUS

IRAQ = "corpus/iraq-battleground.txt"


def labels(db_path):
    return sqlite3.connect(db_path).execute("SELECT annotator, label FROM events WHERE kind = 'label'").fetchall()


async def test_a_label_given_while_the_database_is_locked_is_saving_then_stored(db_path):
    store = Store(db_path)
    import_paths(store, [CORPUS / "iraq-battleground.txt"])
    app = AnnotatorApp(store, "alice")
    async with app.run_test(size=(100, 30)) as pilot:
        session = app.screen.session
        first = session.sentence
        blocker = sqlite3.connect(db_path)
        blocker.execute("BEGIN IMMEDIATE")  # an import holds the write lock
        started = time.monotonic()
        await pilot.press("f")
        assert time.monotonic() - started < 1.0  # the keypress did not wait for the lock
        assert first.id in session.saving and session.index == 1 and session.labels[0] == "fact"
        assert "saving 1 sentence..." in str(app.screen.query_one("#sentence-info").render())
        assert labels(db_path) == []
        blocker.rollback()  # the import commits
        assert wait_all(10)
        await pilot.pause()
        assert labels(db_path) == [("alice", "fact")]
        assert not session.saving


async def test_quitting_waits_for_a_pending_write(db_path):
    store = Store(db_path)
    import_paths(store, [CORPUS / "iraq-battleground.txt"])
    app = AnnotatorApp(store, "alice")
    blocker = sqlite3.connect(db_path)
    async with app.run_test(size=(100, 30)) as pilot:
        blocker.execute("BEGIN IMMEDIATE")
        await pilot.press("c", "q")
        await pilot.pause(0.3)
        assert app.is_running and app.writer.pending == 1
        assert any("before quitting" in n.message for n in app._notifications)
        blocker.rollback()
        await pilot.pause(1.0)
    assert labels(db_path) == [("alice", "claim")]


KILLED_IMPORT = textwrap.dedent("""
    import sys
    from annotator.ingest import import_paths
    from annotator.store import Store
    import_paths(Store(sys.argv[1]), [sys.argv[2]])
""")


def test_an_import_killed_half_way_leaves_nothing_of_its_file(db_path, tmp_path):
    store = Store(db_path)
    import_paths(store, [CORPUS / "wire-port-strike.txt"])
    big = tmp_path / "big.jsonl"
    with big.open("w") as out:
        for n in range(3000):
            out.write(json.dumps({"id": f"story-{n}", "text": " ".join(
                f"Story {n} reports fact number {k} about the port of Halden." for k in range(60))}) + "\n")
    script = tmp_path / "child.py"
    script.write_text(KILLED_IMPORT)
    child = subprocess.Popen([sys.executable, str(script), str(db_path), str(big)])
    watcher = sqlite3.connect(db_path)
    deadline = time.monotonic() + 60
    while watcher.execute("SELECT count(*) FROM sentences").fetchone()[0] < 30_000:  # some batches are in
        assert child.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert [name for _, name in store.document_ids()] == ["wire-port-strike.txt"]  # nothing of big.jsonl shows
    assert store.counts()["sentences"] == 8
    report = import_paths(store, [CORPUS / "syndicated-port-strike.txt"])  # the next import cleans up
    assert "removed the documents of an import that was stopped half-way" in report.messages
    assert watcher.execute("SELECT count(*) FROM sentences").fetchone()[0] == 16
    assert watcher.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_import_labels_waits_for_a_busy_database_instead_of_failing(db_path, tmp_path):
    store = Store(db_path)
    import_paths(store, [CORPUS / "wire-port-strike.txt"])
    rows = tmp_path / "labels.jsonl"
    rows.write_text(json.dumps({"doc": "wire-port-strike.txt", "index": 0, "annotator": "ann", "label": "fact"}) + "\n")
    blocker = sqlite3.connect(db_path, check_same_thread=False)
    blocker.execute("BEGIN IMMEDIATE")
    threading.Timer(1.0, blocker.rollback).start()  # the import holds the lock for a second
    patient = Store(db_path, timeout=0.2, patience=30)  # each wait is short, but it keeps trying
    assert import_labels(patient, rows).added == 1
    assert labels(db_path) == [("ann", "fact")]


def test_a_write_that_cannot_land_is_reported_not_retried_forever(db_path):
    from annotator.writer import BackgroundWriter

    store = Store(db_path)
    import_paths(store, [CORPUS / "wire-port-strike.txt"])
    failed, landed = [], []
    writer = BackgroundWriter(str(db_path), on_landed=lambda key, waited: landed.append(key),
                              on_failed=lambda key, message: failed.append((key, message)))
    writer.submit(lambda s: s.add_event(999_999, "label", "ann", "fact"), "no such sentence")
    writer.submit(lambda s: s.add_event(1, "label", "ann", "fact"), "fine")
    assert writer.close(10)
    assert landed == ["fine"] and [key for key, _ in failed] == ["no such sentence"]
    assert "FOREIGN KEY" in failed[0][1]
