"""Merging an offline copy: what it carries, how it matches, and what it refuses."""

import hashlib
import shutil
import sqlite3

from annotator.store import Store
from helpers import V1_SCHEMA, run


def write(path, *lines):
    path.write_text("\n".join(lines) + "\n")


def copy_of(db_path, target):
    source, copy = sqlite3.connect(db_path), sqlite3.connect(target)
    source.backup(copy)
    source.close()
    copy.close()
    return target


def altered_copy(db_path, target, sql):
    """A copy of the database with one statement run on it, as a damaged or forged file would be."""
    copy_of(db_path, target)
    conn = sqlite3.connect(target)
    conn.execute(sql)
    conn.commit()
    conn.close()
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
    assert run("dupes", "split", "b.txt:1", "--db", offline).exit_code == 0
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
    newer = altered_copy(db_path, tmp_path / "newer.db", "UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    assert run("merge", newer, "--db", db_path).output == (
        f"Error: {newer}: annotator schema version 99 is not one this annotator reads (1, 2, 3, 4, 5, 6, 7, 8)\n")




def test_a_version_1_copys_times_are_brought_to_the_stored_form_so_the_latest_label_wins(db_path, tmp_path):
    write(tmp_path / "a.txt", "Ships waited offshore for three days.")
    run("import", tmp_path / "a.txt", "--db", db_path)
    Store(db_path).add_event(1, "label", "ann", "claim", created_at="2025-06-02T11:00:00.000Z", uid="here")
    old = tmp_path / "v1.db"
    conn = sqlite3.connect(old)
    conn.executescript(V1_SCHEMA + """
        CREATE TABLE bands (band INTEGER NOT NULL, key INTEGER NOT NULL, sentence_id INTEGER NOT NULL);
        INSERT INTO documents VALUES (1, 'a.txt', NULL, NULL, '{}', 'h', 'Ships waited offshore for three days.', NULL,
                                      '2025-01-01T00:00:00Z');
        INSERT INTO sentences VALUES (1, 1, 0, 0, 37, 'Ships waited offshore for three days.', 5, 1, 1, 0);
        INSERT INTO events VALUES (7, 'there', 1, 'label', 'ann', 'fact', NULL, '2025-06-02T12:00:00+02:00', 0);
    """)
    conn.commit()
    conn.close()
    assert run("merge", old, "--db", db_path).output == (
        f"merged {old}: added 1 label; 0 events marked undone; 0 splits and joins carried\n")
    assert Store(db_path).query("SELECT uid, created_at FROM events ORDER BY created_at") == [
        ("there", "2025-06-02T10:00:00.000Z"), ("here", "2025-06-02T11:00:00.000Z")]
    assert labels(db_path)[0] == {("a.txt", 0, "ann"): "claim"}  # 11:00 UTC is later than 12:00 at +02:00
    # the first release checked no kind: a forged one is refused there too
    forged = altered_copy(old, tmp_path / "forged.db", "INSERT INTO events VALUES (8, 'x', 1, 'vote', 'ann', 'fact', "
                                                        "NULL, '2025-06-02T12:00:00Z', 0)")
    assert run("merge", forged, "--db", db_path).output == (
        f"Error: {forged}: events row 8: unknown event kind 'vote' (expected one of label, note, decision); "
        "nothing merged\n")


def test_an_accepted_suggestion_stays_one_when_merged(db_path, tmp_path):
    write(tmp_path / "a.txt", "Ships waited offshore for three days.", "The union signed the deal.")
    run("import", tmp_path / "a.txt", "--db", db_path)
    offline = copy_of(db_path, tmp_path / "offline.db")
    Store(offline).add_event(1, "label", "ann", "fact", uid="accepted", source="suggestion:model-3")
    Store(offline).add_event(2, "label", "ann", "claim", uid="typed")
    assert run("merge", offline, "--db", db_path).exit_code == 0
    assert Store(db_path).query("SELECT uid, source FROM events ORDER BY uid") == [
        ("accepted", "suggestion:model-3"), ("typed", None)]


def test_every_row_of_the_copy_is_checked_and_the_first_bad_one_refuses_the_merge(db_path, tmp_path):
    from conftest import dump

    write(tmp_path / "a.txt", "Ships waited offshore for three days.", "The union signed the deal.")
    run("import", tmp_path / "a.txt", "--db", db_path)
    good = copy_of(db_path, tmp_path / "good.db")
    Store(good).add_event(1, "label", "ann", "fact", created_at="2025-01-01T00:00:00.000Z")
    Store(good).add_event(2, "label", "ann", "claim", created_at="2025-01-01T00:00:01.000Z")
    before = dump(db_path)
    why = "(a label time is from 1970 to a day from now)"
    for change, problem in [
        ("UPDATE events SET label = 'bogus' WHERE id = 2",
         "unknown label 'bogus': not in the project's scheme default (fact, claim, opinion, advert)"),
        ("UPDATE events SET annotator = '' WHERE id = 2", "'annotator' must be a non-empty string"),
        ("UPDATE events SET annotator = '  ' WHERE id = 2", "'annotator' must be a non-empty string"),
        ("UPDATE events SET created_at = 'yesterday' WHERE id = 2",
         "'created_at' is not a time: 'yesterday' (expected ISO-8601, e.g. 2025-06-02T10:00:00Z)"),
        ("UPDATE events SET created_at = '999-01-01T00:00:00.000Z' WHERE id = 2",
         f"'created_at' is before 1970-01-01: '999-01-01T00:00:00.000Z' {why}"),
        ("UPDATE events SET created_at = '2999-01-01T00:00:00.000Z' WHERE id = 2",
         f"'created_at' is more than a day in the future: '2999-01-01T00:00:00.000Z' {why}"),
        ("UPDATE events SET source = 'typed by someone else' WHERE id = 2",
         "unknown label source 'typed by someone else' (expected suggestion:MODEL or rule:ID on a label)"),
        ("UPDATE events SET kind = 'decision', label = 'maybe' WHERE id = 2",
         "unknown label 'maybe': not in the project's scheme default (fact, claim, opinion, advert), nor ambiguous"),
        ("UPDATE events SET uid = '' WHERE id = 2", "'uid' must be a non-empty string"),
    ]:
        bad = altered_copy(good, tmp_path / "bad.db", change)
        result = run("merge", bad, "--db", db_path)
        assert (result.exit_code, result.output) == (1, f"Error: {bad}: events row 2: {problem}; nothing merged\n")
        assert dump(db_path) == before
        bad.unlink()
    bad = altered_copy(good, tmp_path / "bad.db",
                       "INSERT INTO dedup_edits(kind, a_doc, a_hash, created_at) VALUES ('split', 'a.txt', 1, 'soon')")
    assert run("merge", bad, "--db", db_path).output == (
        f"Error: {bad}: dedup_edits row 1: 'created_at' is not a time: 'soon' (expected ISO-8601, e.g. "
        "2025-06-02T10:00:00Z); nothing merged\n")
    assert dump(db_path) == before


def test_a_damaged_copy_is_named_in_one_line_never_the_target(db_path, tmp_path):
    import random

    from conftest import dump

    folder = tmp_path / "docs"
    folder.mkdir()
    for n in range(20):
        write(folder / f"d{n}.txt", *(f"Sentence {i} of report {n} says the port stayed shut." for i in range(15)))
    run("import", folder, "--db", db_path)
    offline = copy_of(db_path, tmp_path / "offline.db")
    store = Store(offline)
    store.add_events((sid, "label", "ann", "fact", None, "2025-01-01T00:00:00.000Z", None) for sid in range(1, 300))
    store.close()
    whole = offline.read_bytes()
    before = dump(db_path)
    rng = random.Random(25)
    damaged, refused, target = tmp_path / "damaged.db", 0, tmp_path / "target.db"
    for attempt in range(45):
        copy_of(db_path, target)  # as it was: a damage that merges cleanly changes it
        data = bytearray(whole)
        if attempt % 3 == 0:  # cut short
            data = data[:rng.randrange(1, len(whole))]
        elif attempt % 3 == 1:  # a page of garbage
            page = rng.randrange(len(whole) // 4096)
            data[page * 4096:(page + 1) * 4096] = rng.randbytes(4096)
        else:  # a damaged header
            at = rng.randrange(100)
            data[at:at + 8] = rng.randbytes(8)
        damaged.write_bytes(bytes(data))
        result = run("merge", damaged, "--db", target)
        if result.exit_code == 0:
            continue  # the damage fell where nothing is read
        refused += 1
        assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
        assert result.output.startswith(f"Error: {damaged}: ") and result.output.count("\n") == 1, result.output
        assert str(target) not in result.output
        assert dump(target) == before
    assert refused >= 30
