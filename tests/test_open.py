"""Opening a database: only an annotator database (or an empty file, for commands that create) is ever
written to; another program's SQLite file is refused untouched; a read-only one is read as it stands."""

import gc
import hashlib
import sqlite3
import subprocess

import pytest

from annotator.ingest import import_paths
from annotator.store import Store, StoreError
from conftest import CORPUS
from helpers import build, run

READ_COMMANDS = [
    ("stats",), ("agreement",), ("disagreements",), ("dupes",), ("sources",), ("progress",),
]


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def browser_history(path):
    """A browser's history file: a `meta` table of its own, and its own tables."""
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE meta(key LONGVARCHAR NOT NULL UNIQUE PRIMARY KEY, value LONGVARCHAR)")
    conn.execute("INSERT INTO meta VALUES ('version', '67'), ('last_compatible_version', '16')")
    conn.execute("CREATE TABLE urls(id INTEGER PRIMARY KEY, url LONGVARCHAR, title LONGVARCHAR)")
    conn.execute("CREATE TABLE visits(id INTEGER PRIMARY KEY, url INTEGER)")
    conn.execute("INSERT INTO urls(url, title) VALUES ('https://example.org/', 'Example')")
    conn.commit()
    conn.close()


def test_another_programs_database_with_a_meta_table_is_refused_and_left_byte_for_byte(tmp_path):
    history = tmp_path / "History"
    browser_history(history)
    before = digest(history)
    refusal = (f"Error: {history}: a SQLite database of another program (tables: meta, urls, visits), "
               "not an annotator database; left unchanged\n")
    for args in [("stats",), ("export", "--out", tmp_path / "out.jsonl"), ("annotate",), ("agreement",),
                 ("import", CORPUS / "wire-port-strike.txt"), ("project", "set", "overlap", "2")]:
        result = run(*args, "--db", history)
        assert (result.exit_code, result.output) == (1, refusal), args
    assert digest(history) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["History"]  # no -wal, -shm, export
    with pytest.raises(StoreError) as err:
        Store(history)
    assert str(err.value) == refusal[len("Error: "):-1]


def test_other_sqlite_files_and_files_that_are_not_sqlite_are_refused_untouched(tmp_path):
    notes = tmp_path / "notes.db"  # a `meta` table that even says schema_version, but none of our tables
    conn = sqlite3.connect(notes)
    conn.execute("CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT)")
    conn.execute("INSERT INTO meta VALUES ('schema_version', '3')")
    conn.execute("CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT)")
    conn.commit()
    conn.close()
    text = tmp_path / "readme.db"
    text.write_text("Not a database, just some words.\n")
    short = tmp_path / "short.db"
    short.write_bytes(b"SQLite")
    expected = {
        notes: f"{notes}: a SQLite database of another program (tables: meta, notes), not an annotator database; "
               "left unchanged",
        text: f"{text}: not an annotator database (not a SQLite file at all); left unchanged",
        short: f"{short}: not an annotator database (not a SQLite file at all); left unchanged",
    }
    for path, message in expected.items():
        before = digest(path)
        for args in [("stats",), ("import", CORPUS / "wire-port-strike.txt")]:
            result = run(*args, "--db", path)
            assert (result.exit_code, result.output) == (1, f"Error: {message}\n"), (path, args)
        assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.db", "readme.db", "short.db"]


def test_an_empty_file_becomes_a_database_only_for_commands_that_create(tmp_path):
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    result = run("stats", "--db", empty)
    assert (result.exit_code, result.output) == (1, f"Error: {empty}: an empty database, not an annotator "
                                                    "database yet (import documents first: annotator import PATH)\n")
    assert empty.read_bytes() == b""
    assert run("import", CORPUS / "wire-port-strike.txt", "--db", empty).exit_code == 0
    assert run("stats", "--db", empty).output.startswith("documents   1\n")


@pytest.fixture
def read_only_mount(tmp_path):
    """A folder with a labeled database, and the same folder mounted read-only (root ignores file
    modes, so only a read-only mount shows what a user without write access meets)."""
    source, mounted = tmp_path / "source", tmp_path / "ro"
    source.mkdir()
    mounted.mkdir()
    build(source / "team.db", tmp_path)
    gc.collect()  # the commands' connections close: the log is folded into the file, as after real runs
    assert sorted(p.name for p in source.iterdir()) == ["team.db"]
    try:
        subprocess.run(["mount", "--bind", "-o", "ro", str(source), str(mounted)], check=True,
                       capture_output=True)
    except (OSError, subprocess.CalledProcessError) as err:
        pytest.skip(f"cannot make a read-only bind mount here: {err}")
    try:
        yield source, mounted
    finally:
        gc.collect()
        subprocess.run(["umount", "--lazy", str(mounted)], check=True)


def test_a_database_on_a_read_only_mount_is_read_and_never_written(read_only_mount, tmp_path):
    source, mounted = read_only_mount
    original, read_only = source / "team.db", mounted / "team.db"
    before = digest(original)
    for args in READ_COMMANDS:
        expected = run(*args, "--db", original).output
        result = run(*args, "--db", read_only)
        assert (result.exit_code, result.output) == (0, expected), args
    expected = run("export", "--out", tmp_path / "expected.jsonl", "--db", original).output
    result = run("export", "--out", tmp_path / "labels.jsonl", "--db", read_only)
    assert (result.exit_code, result.output) == (0, expected.replace("expected.jsonl", "labels.jsonl"))
    assert (tmp_path / "labels.jsonl").read_bytes() == (tmp_path / "expected.jsonl").read_bytes()
    cannot = f"Error: {read_only}: database is read-only (a read-only file, folder or mount); "
    for args, message in [
        (("import", CORPUS / "op-ed-transit.md"), "cannot store changes"),
        (("import-labels", tmp_path / "labels.jsonl"), "cannot store changes"),
        (("dupes", "split", "corpus/wire-port-strike.txt:1"), "cannot store changes"),
        (("annotate", "--annotator", "ann"), "labeling needs to write to it"),
        (("review", "--annotator", "ann"), "review needs to write to it"),
        (("serve", "--token", "t" * 32), "serving annotators needs to write to it"),
    ]:
        result = run(*args, "--db", read_only)
        assert (result.exit_code, result.output) == (1, cannot + message + "\n"), args
    assert digest(original) == before


def test_a_database_that_cannot_be_written_is_opened_read_only(db_path, tmp_path, monkeypatch):
    """The same without a mount: the file and folder say they cannot be written (as for a user without
    write access), so the database is opened read-only, with no WAL switch and nothing created beside it."""
    build(db_path, tmp_path)
    expected = run("stats", "--db", db_path).output
    gc.collect()
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA journal_mode = DELETE")  # a file as copied from elsewhere: not in WAL mode
    conn.close()
    before = digest(db_path)
    import annotator.store.connection as connection

    writable = connection.os.access
    monkeypatch.setattr(connection.os, "access", lambda path, mode: False if mode == connection.os.W_OK
                        else writable(path, mode))
    store = Store(db_path, create=False)
    assert store.readonly and store.query("PRAGMA journal_mode") == [("delete",)]
    store.close()
    assert run("stats", "--db", db_path).output == expected
    result = run("import", CORPUS / "op-ed-transit.md", "--db", db_path)
    assert result.output == (f"Error: {db_path}: database is read-only (a read-only file, folder or mount); "
                             "cannot store changes\n")
    assert digest(db_path) == before
    assert sorted(p.name for p in db_path.parent.iterdir()) == ["corpus", "labels.jsonl", "test.db"]



READ_COUNT = ("import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
              "print(c.execute('SELECT count(*) FROM events').fetchone()[0]); c.close()")


def test_opening_the_database_again_in_the_same_process_keeps_what_the_first_connection_writes(db_path):
    """A second connection in one process (the screen's writer, work aside) must not open and close the
    file itself: closing any descriptor of it drops the process's locks, another process closing its
    connection then thinks it is the last one and deletes the write-ahead log, and what is written
    next goes to a deleted file."""
    import sys

    store = Store(db_path)
    import_paths(store, [CORPUS / "wire-port-strike.txt"])
    Store(db_path, create=False)  # as the writer's thread opens its own
    count = [sys.executable, "-c", READ_COUNT, str(db_path)]
    assert subprocess.run(count, capture_output=True, text=True, check=True).stdout == "0\n"
    store.add_event(1, "label", "ann", "fact")
    assert subprocess.run(count, capture_output=True, text=True, check=True).stdout == "1\n"
