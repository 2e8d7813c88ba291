"""Concurrency, crashes and SQL safety: the label store never loses or duplicates work."""

import json
import multiprocessing
import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap

import pytest

from annotator.ingest import import_paths
from annotator.model import LABELS
from annotator.session import Session
from annotator.store import Store
from helpers import run
from conftest import CORPUS


def _label_worker(db_path: str, worker: int, count: int, queue) -> None:
    """One annotator process: label sentences through the storage code the TUI uses."""
    try:
        store = Store(db_path, timeout=30)
        ids = [r[0] for r in store.query("SELECT id FROM sentences ORDER BY id")]
        rng = random.Random(worker)
        for n in range(count):
            sid = ids[(n * 7 + worker) % len(ids)]  # workers overlap on the same units
            store.add_event(sid, "label", f"worker-{worker}", rng.choice(LABELS), note=f"{worker}:{n}")
        queue.put((worker, None))
    except Exception as err:  # reported to the test, which fails on it
        queue.put((worker, repr(err)))


def test_four_processes_label_at_once(db_path):
    store = Store(db_path)
    import_paths(store, [CORPUS])
    store.close()
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    workers = [ctx.Process(target=_label_worker, args=(str(db_path), w, 2000, queue)) for w in range(4)]
    for p in workers:
        p.start()
    results = [queue.get(timeout=300) for _ in workers]
    for p in workers:
        p.join()
    assert sorted(results) == [(0, None), (1, None), (2, None), (3, None)]
    store = Store(db_path)
    notes = store.query("SELECT note FROM events ORDER BY note")
    assert len(notes) == 8000
    assert sorted(n for (n,) in notes) == sorted(f"{w}:{n}" for w in range(4) for n in range(2000))
    assert store.query("PRAGMA integrity_check") == [("ok",)]


CRASH_CHILD = textwrap.dedent("""
    import sys
    from annotator.session import Session
    from annotator.store import Store
    session = Session(Store(sys.argv[1]), "crash")
    labels = ["fact", "claim", "opinion", "advert"]
    n = 0
    while True:
        sentence, before = session.sentence, len(session.undo_stack)
        session.label(labels[n % 4])
        if len(session.undo_stack) > before:  # the same label again on a sentence stores nothing
            print(session.undo_stack[-1].uid, sentence.id, labels[n % 4], flush=True)  # after the commit
        n += 1
        if n % 50 == 0:
            session.undo_stack.clear()
            session.goto_unlabeled(from_start=True)
""")


def test_sigkill_loses_nothing_committed(db_path, tmp_path):
    store = Store(db_path)
    import_paths(store, [CORPUS])
    store.close()
    script = tmp_path / "child.py"
    script.write_text(CRASH_CHILD)
    rng = random.Random(11)
    reported: dict[str, tuple[int, str]] = {}
    for _ in range(20):
        child = subprocess.Popen([sys.executable, str(script), str(db_path)], stdout=subprocess.PIPE, text=True)
        for _ in range(rng.randint(1, 40)):  # a random moment: after a random number of commits
            line = child.stdout.readline()
            event, sentence, label = line.split()
            reported[event] = (int(sentence), label)
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        child.stdout.close()
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    stored = {e: (s, l) for e, s, l in conn.execute("SELECT uid, sentence_id, label FROM events")}
    assert all(stored.get(e) == v for e, v in reported.items())
    assert len(stored) >= len(reported) > 20


def test_sql_in_names_notes_and_annotators_is_kept_verbatim(db_path, tmp_path):
    hostile = "x'); DROP TABLE documents; --"
    who = 'O\'Brien"; DELETE FROM events; --'
    note = "it's \"fine\"; DROP TABLE events;"
    docs = tmp_path / "docs.jsonl"
    docs.write_text(json.dumps({"id": hostile, "text": "The council met on Monday. It approved the budget."}) + "\n")
    assert run("import", docs, "--db", db_path).exit_code == 0
    store = Store(db_path)
    session = Session(store, who)
    session.set_note(note)
    session.label("fact")
    stats = json.loads(run("stats", "--json", "--db", db_path).output)
    assert stats["annotators"] == {who: 1} and stats["documents"] == 1
    out = tmp_path / "all.jsonl"
    run("export", "--out", out, "--mode", "all", "--db", db_path)
    [row] = [json.loads(line) for line in out.read_text().splitlines()]
    assert (row["doc"], row["annotator"], row["note"], row["label"]) == (hostile, who, note, "fact")
    assert store.query("SELECT name FROM documents") == [(hostile,)]


def test_locked_database_is_a_message_not_a_traceback(db_path):
    store = Store(db_path)
    import_paths(store, [CORPUS / "wire-port-strike.txt"])
    blocker = sqlite3.connect(db_path)
    blocker.execute("BEGIN IMMEDIATE")
    impatient = Store(db_path, timeout=0.2)
    with pytest.raises(Exception) as err:
        impatient.add_event(1, "label", "ann", "fact")
    assert str(err.value) == f"{db_path}: database is locked by another process (waited 0.2 s); try again"
    blocker.rollback()
    assert impatient.event(impatient.add_event(1, "label", "ann", "fact")).label == "fact"


def test_read_only_database_is_a_message(db_path):
    store = Store(db_path)
    import_paths(store, [CORPUS / "wire-port-strike.txt"])
    # root writes to read-only files regardless, so make the connection itself read-only
    store.conn.execute("PRAGMA query_only = ON")
    with pytest.raises(Exception) as err:
        store.add_event(1, "label", "ann", "fact")
    assert str(err.value) == f"{db_path}: database is read-only; cannot store changes"


def test_work_aside_runs_on_its_own_connection_and_brings_back_its_result_or_error(db_path):
    store = Store(db_path)
    import_paths(store, [CORPUS / "wire-port-strike.txt"])
    count = store.aside(lambda own: (own is not store, own.query("SELECT count(*) FROM documents")[0][0]))
    assert count() == (True, 1)
    failed = store.aside(lambda own: own.query("SELECT * FROM no_such_table"))
    with pytest.raises(Exception) as err:
        failed()
    assert str(err.value) == f"{db_path}: database error: no such table: no_such_table"
    memory = Store(":memory:")
    assert memory.aside(lambda own: own is memory)() is True  # no second connection to a database in memory
