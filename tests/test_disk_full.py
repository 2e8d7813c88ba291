"""A full disk: told as such, in one line; nothing half-written; on the screens nothing accepted is lost,
the labels wait in memory and land once there is room, and quitting meanwhile asks first.

The disk is filled deterministically with SQLite's own size cap (PRAGMA max_page_count, per connection:
"database or disk is full"), and once for real on a small tmpfs where this machine lets us mount one."""

import json
import os
import sqlite3
import subprocess
import threading
from contextlib import asynccontextmanager

import pytest

import annotator.store.connection as connection
from annotator import writer
from annotator.ingest import import_paths
from annotator.store import DiskFull, Store
from annotator.tui.app import AnnotatorApp
from annotator.tui.screens.quit_unsaved import QuitUnsavedScreen
from conftest import CORPUS, dump
from helpers import build, run

IRAQ = CORPUS / "iraq-battleground.txt"
NOTICE = "disk full: {} not saved yet; free space, they are kept and retried"


def fill(db_path) -> int:
    """Fill the database to the last byte its current pages hold, with label events of annotator "z" on
    its first sentence: rows no larger than a real label's. Returns the page cap that keeps it full."""
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    (pages,) = conn.execute("PRAGMA page_count").fetchone()
    conn.execute(f"PRAGMA max_page_count = {pages}")
    n = 0
    while True:
        try:
            conn.execute("INSERT INTO events(uid, sentence_id, kind, annotator, label, created_at) "
                         "VALUES (?, 1, 'label', 'z', 'fact', '2026-01-01T00:00:00.000Z')", (f"{n:032d}",))
        except sqlite3.OperationalError as err:
            assert str(err) == "database or disk is full"
            break
        n += 1
    conn.close()
    return pages


def capped(monkeypatch, pages: int) -> None:
    """Every connection the tool opens from now on holds the database to `pages` pages."""
    opened = connection.Connection._connect

    def connect(self):
        conn = opened(self)
        conn.execute(f"PRAGMA max_page_count = {pages}")
        return conn

    monkeypatch.setattr(connection.Connection, "_connect", connect)


class FullOnCommit:
    """A connection whose COMMIT fails as SQLite's does when the log cannot grow on a full disk: SQLite
    has already rolled the transaction back when it says "database or disk is full"."""

    def __init__(self, conn):
        self.conn = conn

    def execute(self, sql, *args):
        if sql == "COMMIT":
            self.conn.execute("ROLLBACK")
            raise sqlite3.OperationalError("database or disk is full")
        return self.conn.execute(sql, *args)

    def __getattr__(self, name):
        return getattr(self.conn, name)


def test_a_commit_that_fails_for_lack_of_space_says_disk_full_not_no_transaction(db_path):
    store = Store(db_path)
    import_paths(store, [CORPUS / "wire-port-strike.txt"])
    before = dump(db_path)
    real = store.conn
    store.conn = FullOnCommit(real)
    with pytest.raises(DiskFull) as err:
        store.add_event(1, "label", "ann", "fact")
    assert str(err.value) == f"{db_path}: disk full while writing DB: nothing half-written; free space and run it again"
    assert dump(db_path) == before
    store.conn = real  # space freed: the same write lands
    store.add_event(1, "label", "ann", "fact")
    assert store.query("SELECT sentence_id, annotator, label FROM events") == [(1, "ann", "fact")]


@pytest.fixture
def small_disk(tmp_path):
    """A 2 MB tmpfs, where this machine lets us mount one."""
    folder = tmp_path / "small"
    folder.mkdir()
    try:
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(folder)], check=True,
                       capture_output=True)
    except (OSError, subprocess.CalledProcessError) as err:
        pytest.skip(f"cannot mount a tmpfs here: {err}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "--lazy", str(folder)], check=True)


def fill_disk(filler) -> None:
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError:
        pass
    finally:
        os.close(fd)


def test_a_real_full_disk_is_told_as_such_and_the_write_lands_once_space_is_freed(small_disk):
    db_path = small_disk / "team.db"
    store = Store(db_path)
    import_paths(store, [CORPUS / "wire-port-strike.txt"])
    filler = small_disk / "filler"
    fill_disk(filler)
    with pytest.raises(DiskFull) as err:
        for n in range(1000):  # the log takes what little room was left, then a commit fails
            store.add_event(1, "note", "ann", None, f"note {n} " + "x" * 2000)
    assert str(err.value).startswith(f"{db_path}: disk full while writing DB: ")
    stored = store.query("SELECT count(*) FROM events")[0][0]
    filler.unlink()
    store.add_event(1, "label", "ann", "fact")
    assert store.query("SELECT count(*), max(label) FROM events") == [(stored + 1, "fact")]
    assert store.query("PRAGMA integrity_check") == [("ok",)]


def test_command_line_writers_say_disk_full_in_one_line_and_write_nothing(db_path, tmp_path, monkeypatch):
    build(db_path, tmp_path)
    copy = tmp_path / "copy.db"
    Store(db_path).conn.execute(f"VACUUM INTO '{copy}'")  # an offline copy, with one label more
    offline = Store(copy)
    offline.add_event(offline.sentence_at("corpus/wire-port-strike.txt", 7).id, "label", "dee", "fact")
    offline.close()
    labels = tmp_path / "more.jsonl"
    labels.write_text(json.dumps({"doc": "corpus/wire-port-strike.txt", "index": 5, "annotator": "dee",
                                  "label": "claim"}) + "\n")
    capped(monkeypatch, fill(db_path))
    before = dump(db_path)
    full = f"Error: {db_path}: disk full while writing DB: nothing half-written; free space and run it again\n"
    for args in [("import-labels", labels), ("merge", copy)]:
        result = run(*args, "--db", db_path)
        assert (result.exit_code, result.output) == (1, full), args
    stories = tmp_path / "stories.jsonl"  # more than the pages' free space holds
    stories.write_text("".join(json.dumps({"id": f"story-{n}", "text": " ".join(
        f"Story {n} reports fact number {k} about the port of Halden." for k in range(20))}) + "\n" for n in range(40)))
    result = run("import", stories, "--db", db_path)
    assert (result.exit_code, result.output) == (1, full), result.output
    assert dump(db_path) == before


def labels_of(db_path, who: str) -> list[tuple[int, str]]:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute("SELECT sentence_id, label FROM events WHERE annotator = ? ORDER BY id", (who,)).fetchall()
    finally:
        conn.close()


async def start_full(app, pilot, cap: int) -> None:
    """Hold the screen's writer to the filled database's size, as a full disk would."""
    app.writer.submit(lambda store: store.conn.execute(f"PRAGMA max_page_count = {cap}"))
    assert app.writer.settle(10)
    await pilot.pause()


async def label_until_full(app, pilot, keys: str) -> list[tuple[int, str]]:
    """Label sentence after sentence until a label finds the disk full; then the rest of `keys`."""
    names = {"f": "fact", "c": "claim", "o": "opinion", "a": "advert"}
    given = []
    while not app.writer.full:
        assert len(given) < 40, "the filled database took 40 labels"
        given.append((app.screen.session.sentence.id, "claim"))
        await pilot.press("c")
        app.writer.settle(10)
    for key in keys:
        given.append((app.screen.session.sentence.id, names[key]))
        await pilot.press(key)
    await pilot.pause()
    return given


@pytest.fixture
def filled(db_path, monkeypatch) -> tuple[Store, int]:
    """A database of one document, filled to its last page (and its page cap), retried every few
    hundredths of a second once full."""
    monkeypatch.setattr(writer, "FULL_RETRY_S", (0.01, 0.05))
    store = Store(db_path)
    import_paths(store, [IRAQ])
    return store, fill(db_path)


def side_panel(app) -> str:
    return str(app.screen.query_one("#sentence-info").render())


@asynccontextmanager
async def labeling_on_a_full_disk(filled, keys: str):
    """The annotation screen on the filled database: labels until one finds it full, then `keys`."""
    store, cap = filled
    app = AnnotatorApp(store, "alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await start_full(app, pilot, cap)
        yield app, pilot, await label_until_full(app, pilot, keys)


async def test_labels_given_on_a_full_disk_are_kept_shown_and_land_once_there_is_room(db_path, filled):
    cap = filled[1]
    async with labeling_on_a_full_disk(filled, "foa") as (app, pilot, given):
        stored = labels_of(db_path, "alice")
        waiting = len(given) - len(stored)
        assert stored == given[:len(stored)] and waiting == 4  # the label that found it full, and three more
        assert app.writer.pending == 4
        assert NOTICE.format("4 labels") in side_panel(app)
        assert any(n.message == NOTICE.format("1 label") for n in app._notifications)  # said at once
        assert app.screen.session.saving  # shown as given, not stored
        await pilot.press("q")  # the labels may never land: quitting asks first
        assert isinstance(app.screen, QuitUnsavedScreen)
        assert "The disk is full: 4 labels not saved yet." in str(app.screen.query_one("#quit-unsaved").render())
        await pilot.press("n")
        assert app.is_running and not isinstance(app.screen, QuitUnsavedScreen)
        app.writer.store.conn.execute(f"PRAGMA max_page_count = {cap + 64}")  # space is freed
        assert app.writer.wait(10)
        await pilot.pause()
        assert labels_of(db_path, "alice") == given
        assert any(n.message == "Saved: 4 labels kept while the disk was full are stored now."
                   for n in app._notifications)
        assert "disk full" not in side_panel(app) and not app.screen.session.saving
        await pilot.press("q")
    assert app.close_writer() == 0


async def test_quitting_on_a_full_disk_says_what_is_lost_and_never_hangs(db_path, filled):
    async with labeling_on_a_full_disk(filled, "f") as (app, pilot, given):
        await pilot.press("q", "y")
    assert not app.is_running
    assert app.close_writer() == 2  # run_app says so: "disk full while writing DB: 2 changes not saved"
    assert labels_of(db_path, "alice") == given[:-2]


async def rendered_once(pilot, app, selector: str, text: str, turns: int = 100) -> str:
    """The widget's text once it shows `text`, or as it is after `turns` turns of the message loop: the
    writer tells the screen from its own thread, and the screen redraws on a later turn."""
    for _ in range(turns):
        shown = str(app.screen.query_one(selector).render())
        if text in shown:
            return shown
        await pilot.pause()
    return str(app.screen.query_one(selector).render())


async def test_decisions_given_on_a_full_disk_are_kept_and_land_once_there_is_room(db_path, tmp_path, monkeypatch):
    monkeypatch.setattr(writer, "FULL_RETRY_S", (0.01, 0.05))
    build(db_path, tmp_path)
    cap = fill(db_path)
    app = AnnotatorApp(Store(db_path), "rev", mode="review")
    async with app.run_test(size=(120, 40)) as pilot:
        await start_full(app, pilot, cap)
        group = app.screen.review.current.group
        await pilot.press("c")
        assert not app.writer.settle(10)
        votes = await rendered_once(pilot, app, "#votes-text", NOTICE.format("1 decision"))
        assert NOTICE.format("1 decision") in votes
        assert any(n.message == NOTICE.format("1 decision") for n in app._notifications)
        app.writer.store.conn.execute(f"PRAGMA max_page_count = {cap + 64}")
        assert app.writer.wait(10)
        await pilot.pause()
        assert any(n.message == "Saved: 1 decision kept while the disk was full is stored now."
                   for n in app._notifications)
        assert "disk full" not in str(app.screen.query_one("#votes-text").render())
    conn = sqlite3.connect(db_path)
    rows = conn.execute("SELECT DISTINCT s.group_id, e.annotator, e.label FROM events e "
                        "JOIN sentences s ON s.id = e.sentence_id WHERE e.kind = 'decision'").fetchall()
    assert rows == [(group, "rev", "claim")]


def test_the_writer_keeps_every_write_in_order_through_a_full_disk(db_path, filled):
    _store, cap = filled
    told = []
    background = writer.BackgroundWriter(str(db_path), on_full=lambda n, message: told.append(("full", n)),
                                         on_failed=lambda key, message: told.append(("failed", message)),
                                         on_room=lambda kept: told.append(("room", kept)))
    gate = threading.Event()  # every write is queued before the first is tried: the counts are exact
    background.submit(lambda s: (s.conn.execute(f"PRAGMA max_page_count = {cap}"), gate.wait(10)))
    for n in range(2, 32):
        background.submit(lambda s, n=n: s.add_event(n, "label", "alice", "fact", uid=f"alice-{n:026d}"))
    gate.set()
    assert not background.settle(10) and background.full
    assert not background.wait(0)  # nothing was dropped
    background.store.conn.execute(f"PRAGMA max_page_count = {cap + 64}")
    assert background.wait(10) and background.close(10)
    assert [sid for sid, _ in labels_of(db_path, "alice")] == list(range(2, 32))
    assert told == [("full", 30), ("room", 30)]  # the filled database took none of them until room was made


def test_closing_right_after_space_is_freed_lands_every_write_without_waiting_for_the_next_retry(db_path, filled,
                                                                                                  monkeypatch):
    _store, cap = filled
    monkeypatch.setattr(writer, "FULL_RETRY_S", (60.0, 60.0))  # the next try on its own would be a minute away
    background = writer.BackgroundWriter(str(db_path))
    gate = threading.Event()
    background.submit(lambda s: (s.conn.execute(f"PRAGMA max_page_count = {cap}"), gate.wait(10)))
    for n in range(2, 12):
        background.submit(lambda s, n=n: s.add_event(n, "label", "alice", "fact", uid=f"alice-{n:026d}"))
    gate.set()
    assert not background.settle(10) and background.full
    background.store.conn.execute(f"PRAGMA max_page_count = {cap + 64}")  # space is freed, then `q` at once
    assert background.close(10) and background.given_up == 0
    assert [sid for sid, _ in labels_of(db_path, "alice")] == list(range(2, 12))


def test_handing_out_the_next_document_does_not_wait_forever_for_labels_on_a_full_disk(db_path, monkeypatch):
    from annotator.session import Session

    monkeypatch.setattr(writer, "FULL_RETRY_S", (0.01, 0.05))
    store = Store(db_path)
    import_paths(store, [CORPUS / "wire-port-strike.txt", CORPUS / "op-ed-transit.md"])
    store.set_project("overlap", "1")
    cap = fill(db_path)
    background = writer.BackgroundWriter(str(db_path))
    background.submit(lambda s: s.conn.execute(f"PRAGMA max_page_count = {cap}"))
    assert background.wait(10)
    session = Session(store, "alice", writer=background)
    first = session.doc_id
    outcome = []

    def label_the_document() -> None:
        try:
            for _ in range(100):
                session.label("fact")
        except DiskFull as err:
            outcome.append(str(err))

    labeling = threading.Thread(target=label_the_document, daemon=True)
    labeling.start()
    labeling.join(10)
    assert not labeling.is_alive() and outcome == [
        f"{db_path}: disk full while writing DB: your labels are kept and retried; the next document is handed "
        "out once they are saved"]
    assert session.doc_id == first and background.pending == len(session.queue)
    background.store.conn.execute(f"PRAGMA max_page_count = {cap + 64}")
    assert background.wait(10)
    assert len(labels_of(db_path, "alice")) == len(session.queue)


def test_the_writer_survives_a_write_that_raises_anything(db_path):
    store = Store(db_path)
    import_paths(store, [CORPUS / "wire-port-strike.txt"])
    failed = []
    background = writer.BackgroundWriter(str(db_path), on_failed=lambda key, message: failed.append((key, message)))
    background.submit(lambda s: s.conn.execute("INSERT INTO no_such_table VALUES (1)"), "raw")
    background.submit(lambda s: 1 / 0, "bug")
    background.submit(lambda s: s.add_event(1, "label", "alice", "fact"), "label")
    assert background.close(10)
    assert failed == [("raw", f"{db_path}: database error: no such table: no_such_table"),
                      ("bug", "ZeroDivisionError: division by zero")]
    assert labels_of(db_path, "alice") == [(1, "fact")]


def test_a_writer_that_cannot_open_the_database_says_so_for_every_write(tmp_path):
    failed = []
    missing = tmp_path / "gone.db"
    background = writer.BackgroundWriter(str(missing), on_failed=lambda key, message: failed.append((key, message)))
    background.submit(lambda s: s.add_event(1, "label", "alice", "fact"), "label")
    assert background.close(10)
    assert failed == [("label", f"{missing}: no such database (import documents first: annotator import PATH)")]


def test_opening_a_database_on_a_full_disk_says_disk_full_not_an_io_error(small_disk):
    """Opening needs room for the -shm file, and SQLite calls the lack of it "disk I/O error"."""
    db_path = small_disk / "team.db"
    Store(db_path).close()  # closed: the -shm file goes with the last connection
    fill_disk(small_disk / "filler")
    result = run("stats", "--db", db_path)
    assert (result.exit_code, result.output) == (1, f"Error: {db_path}: disk full while writing DB: nothing "
                                                    "half-written; free space and run it again\n")


def test_a_writer_started_on_a_full_disk_waits_for_room_and_then_lands_its_writes(small_disk, monkeypatch):
    monkeypatch.setattr(writer, "FULL_RETRY_S", (0.01, 0.05))
    db_path = small_disk / "team.db"
    store = Store(db_path)
    import_paths(store, [CORPUS / "wire-port-strike.txt"])
    store.close()
    filler = small_disk / "filler"
    fill_disk(filler)
    background = writer.BackgroundWriter(str(db_path))
    background.submit(lambda s: s.add_event(1, "label", "alice", "fact"))
    assert not background.settle(10) and background.full and background.pending == 1
    filler.unlink()
    assert background.wait(10) and background.close(10)
    assert labels_of(db_path, "alice") == [(1, "fact")]


def test_a_screen_that_ends_with_changes_given_up_exits_with_an_error(tmp_path):
    import click

    from annotator.cli import run_app

    class Ended:  # a screen the user quit on a full disk, two changes given up
        writer, store = None, Store(tmp_path / "a.db")

        def run(self):
            pass

        def close_writer(self):
            return 2

    with pytest.raises(click.ClickException, match=r"a\.db: disk full while writing DB: 2 changes not saved$"):
        run_app(Ended())
