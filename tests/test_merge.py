"""Merging an offline copy: what it carries, how it matches, and what it refuses."""

import hashlib
import shutil
import sqlite3

from annotator.store import Store
from helpers import run


def write(path, *lines):
    path.write_text("\n".join(lines) + "\n")


def copy_of(db_path, target):
    source, copy = sqlite3.connect(db_path), sqlite3.connect(target)
    source.backup(copy)
    source.close()
    copy.close()
    return target


def labels(db_path):
    """(doc, index, annotator) -> current label, and the number of units."""
    store = Store(db_path)
    rows = {(doc, index, who): label for doc, index, _, _, _, label, who, *_ in store.label_rows()}
    return rows, store.count_groups()


def test_a_split_made_offline_is_carried_so_no_label_is_lost(db_path, tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    write(folder / "a.txt", "The mayor opened the new bridge across the river on Sunday morning.")
    write(folder / "b.txt", "The mayor opened the new bridge across the river on Sunday morning!")
    run("import", folder / "a.txt", folder / "b.txt", "--db", db_path)
    offline = copy_of(db_path, tmp_path / "offline.db")
    assert run("dupes", "split", "b.txt:0", "--db", offline).exit_code == 0
    store = Store(offline)
    store.add_event(store.sentence_at("a.txt", 0).id, "label", "ann", "fact", created_at="2025-01-01T00:00:00.000Z")
    store.add_event(store.sentence_at("b.txt", 0).id, "label", "ann", "claim", created_at="2025-01-01T00:00:01.000Z")
    result = run("merge", offline, "--db", db_path)
    assert result.output == f"merged {offline}: added 2 labels; 0 events marked undone; 1 split or join carried\n"
    assert labels(db_path) == labels(offline) == ({("a.txt", 0, "ann"): "fact", ("b.txt", 0, "ann"): "claim"}, 2)


def test_documents_are_matched_by_name_and_moved_sentences_by_text(db_path, tmp_path):
    write(tmp_path / "a.txt", "Ships waited offshore for three days.", "The union signed the deal.")
    shutil.copy(tmp_path / "a.txt", tmp_path / "b.txt")  # the same content under another name
    run("import", tmp_path / "a.txt", tmp_path / "b.txt", "--db", db_path)
    offline = copy_of(db_path, tmp_path / "offline.db")
    store = Store(offline)
    store.add_event(store.sentence_at("b.txt", 1).id, "label", "ann", "fact")
    # here, a.txt and b.txt gain a first line: the labeled sentence is now index 2
    write(tmp_path / "a.txt", "Update.", "Ships waited offshore for three days.", "The union signed the deal.")
    write(tmp_path / "b.txt", "Update.", "Ships waited offshore for three days.", "The union signed the deal.")
    run("import", tmp_path / "a.txt", tmp_path / "b.txt", "--replace", "--db", db_path)
    assert run("merge", offline, "--db", db_path).output.startswith(f"merged {offline}: added 1 label;")
    assert labels(db_path)[0] == {("b.txt", 2, "ann"): "fact"}


def test_merging_both_ways_converges_when_times_tie(db_path, tmp_path):
    write(tmp_path / "a.txt", "Ships waited offshore for three days.")
    run("import", tmp_path / "a.txt", "--db", db_path)
    other = copy_of(db_path, tmp_path / "other.db")
    at = "2025-06-02T10:00:00.000Z"
    Store(db_path).add_event(1, "label", "ann", "fact", created_at=at, uid="b-here")
    Store(other).add_event(1, "label", "ann", "claim", created_at=at, uid="a-there")
    run("merge", other, "--db", db_path)
    run("merge", db_path, "--db", other)
    assert labels(db_path) == labels(other) == ({("a.txt", 0, "ann"): "fact"}, 1)


def test_the_other_file_is_read_only_and_checked(db_path, tmp_path):
    write(tmp_path / "a.txt", "Ships waited offshore for three days.")
    run("import", tmp_path / "a.txt", "--db", db_path)
    other = copy_of(db_path, tmp_path / "other.db")
    before = hashlib.sha256(other.read_bytes()).hexdigest()
    assert run("merge", other, "--db", db_path).exit_code == 0
    assert hashlib.sha256(other.read_bytes()).hexdigest() == before
    for extra in ("CREATE TRIGGER t AFTER INSERT ON events BEGIN DELETE FROM documents; END",
                  "CREATE VIEW v AS SELECT 1", "CREATE TABLE extra (x)",
                  # one of the store's own trigger names, with another body
                  "CREATE TRIGGER current_labels_added AFTER INSERT ON events BEGIN DELETE FROM documents; END"):
        hostile = copy_of(db_path, tmp_path / "hostile.db")
        conn = sqlite3.connect(hostile)
        conn.execute("DROP TRIGGER IF EXISTS current_labels_added")
        conn.execute(extra)
        conn.commit()
        conn.close()
        result = run("merge", hostile, "--db", db_path)
        assert result.exit_code == 1
        kind, name = extra.split()[1].lower(), extra.split()[2]
        assert result.output == (f"Error: {hostile}: not trusted: it has a {kind} {name!r} an annotator database "
                                 "does not have\n")
        hostile.unlink()
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database" * 100)
    assert run("merge", junk, "--db", db_path).output.startswith(f"Error: {junk}: not an annotator database")
    newer = copy_of(db_path, tmp_path / "newer.db")
    conn = sqlite3.connect(newer)
    conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    assert run("merge", newer, "--db", db_path).output == (
        f"Error: {newer}: annotator schema version 99 is not one this annotator reads (1, 2, 3, 4, 5, 6)\n")
