"""Labels you can trust: event identity, one order for "latest", decisions that stay with their unit."""

import json
import sqlite3

from annotator.review import Review
from annotator.session import Session
from annotator.store import SCHEMA_VERSION, Store
from helpers import SYND, V1_SCHEMA, WIRE, as_version, build, run, upgrade_notice


def write(path, *lines):
    path.write_text("\n".join(lines) + "\n")


def current(store, annotator):
    """(doc, index) -> label, as the export sees it."""
    return {(doc, index): label for doc, index, _, _, _, label, who, *_ in store.label_rows() if who == annotator}


def test_undo_takes_back_only_the_sessions_own_event_after_a_replace(db_path, tmp_path):
    doc = tmp_path / "a.txt"
    write(doc, "The port reopened on Monday.", "Union leaders signed the deal.", "Ships waited offshore.")
    assert run("import", doc, "--db", db_path).exit_code == 0
    store = Store(db_path)
    ann = Session(store, "ann")
    ann.select(1)
    ann.label("fact")
    write(doc, "The port reopened on Monday.", "Ships waited offshore.")  # the labeled line is gone
    result = run("import", doc, "--replace", "--db", db_path)
    assert "1 label of removed sentences set aside" in result.output
    bob = Session(Store(db_path), "bob")
    bob.select(1)
    bob.label("claim")
    assert ann.undo() == "Undone, but that sentence is no longer in its document (a re-import removed it)."
    assert current(store, "bob") == {("a.txt", 1): "claim"}  # Bob's label is untouched
    events = store.query("SELECT uid, annotator, label, undone, sentence_id IS NULL FROM events ORDER BY id")
    assert [(who, label, undone, detached) for _, who, label, undone, detached in events] == [
        ("ann", "fact", 1, 1), ("bob", "claim", 0, 0)]
    assert len({uid for uid, *_ in events}) == 2
    assert ann.undo() is False


def test_a_removed_sentences_events_come_back_with_it_and_ids_are_never_reused(db_path, tmp_path):
    doc = tmp_path / "a.txt"
    write(doc, "The port reopened on Monday.", "Union leaders signed the deal.")
    run("import", doc, "--db", db_path)
    store = Store(db_path)
    store.add_event(store.sentence_at("a.txt", 1).id, "label", "ann", "fact")
    write(doc, "The port reopened on Monday.")
    run("import", doc, "--replace", "--db", db_path)
    assert current(store, "ann") == {}
    store.add_event(store.sentence_at("a.txt", 0).id, "label", "bob", "claim")
    assert [row[0] for row in store.query("SELECT id FROM events ORDER BY id")] == [1, 2]
    write(doc, "The port reopened on Monday.", "Union leaders signed the deal.")
    run("import", doc, "--replace", "--db", db_path)
    assert current(store, "ann") == {("a.txt", 1): "fact"}


def test_one_order_for_latest_on_screen_and_in_the_export(db_path, tmp_path):
    build(db_path, tmp_path, labels=[])
    rows = tmp_path / "times.jsonl"
    rows.write_text("".join(json.dumps(r) + "\n" for r in [
        {"doc": WIRE, "index": 4, "annotator": "ann", "label": "fact", "created_at": "2025-06-02T10:00:00"},
        {"doc": WIRE, "index": 4, "annotator": "ann", "label": "claim", "created_at": "2025-06-02T10:00:00.500Z"},
        {"doc": WIRE, "index": 5, "annotator": "ann", "label": "opinion", "created_at": "2025-06-02T12:00:00+02:00"},
        {"doc": WIRE, "index": 5, "annotator": "ann", "label": "advert", "created_at": "Mon, 02 Jun 2025 10:00:01 +0000"},
    ]))
    assert run("import-labels", rows, "--db", db_path).exit_code == 0
    store = Store(db_path)
    assert [t for (t,) in store.query("SELECT created_at FROM events ORDER BY id")] == [
        "2025-06-02T10:00:00.000Z", "2025-06-02T10:00:00.500Z", "2025-06-02T10:00:00.000Z", "2025-06-02T10:00:01.000Z"]
    screen = Session(store, "ann", doc_name=WIRE)
    assert (screen.labels[4], screen.labels[5]) == ("claim", "advert")
    assert current(store, "ann") == {(WIRE, 4): "claim", (WIRE, 5): "advert"}
    out = tmp_path / "all.jsonl"
    run("export", "--out", out, "--mode", "all", "--db", db_path)
    assert {(r["index"], r["label"]) for r in map(json.loads, out.read_text().splitlines())} == {(4, "claim"), (5, "advert")}


def test_equal_times_are_broken_by_uid_everywhere(db_path, tmp_path):
    build(db_path, tmp_path, labels=[])
    store = Store(db_path)
    sid = store.sentence_at(WIRE, 4).id
    at = "2025-06-02T10:00:00.000Z"
    store.add_event(sid, "label", "ann", "claim", created_at=at, uid="b-uid")  # stored first, sorts first by uid
    store.add_event(sid, "label", "ann", "fact", created_at=at, uid="a-uid")
    assert Session(store, "ann", doc_name=WIRE).labels[4] == "claim"
    assert current(store, "ann") == {(WIRE, 4): "claim"}
    assert [label for _, _, label, _, _ in store.current_labels()] == ["claim"]


def test_import_labels_refuses_what_is_not_a_time_with_its_line(db_path, tmp_path):
    build(db_path, tmp_path, labels=[])
    rows = tmp_path / "bad.jsonl"
    rows.write_text(json.dumps({"doc": WIRE, "index": 4, "annotator": "ann", "label": "fact", "created_at": "yesterday"})
                    + "\n")
    result = run("import-labels", rows, "--db", db_path)
    assert result.exit_code == 1
    assert f"{rows}:1: 'created_at' is not a time: 'yesterday'" in result.output


def test_a_decision_stays_with_the_members_whose_votes_it_decided(db_path, tmp_path):
    # the syndicated copy, imported first, is the group's first member; the votes are on the wire
    build(db_path, tmp_path, labels=[(WIRE, 1, "ann", "fact"), (WIRE, 1, "bob", "claim")])
    store = Store(db_path)
    review = Review(store, "lead")
    assert [m[:2] for m in review.current.members] == [(SYND, 1), (WIRE, 1)]
    review.decide("claim")
    assert run("dupes", "split", f"{SYND}:2", "--db", db_path).exit_code == 0
    group = store.sentence_at(WIRE, 1).group_id
    assert store.group_decision(group) == ("claim", "lead")
    out = tmp_path / "gold.jsonl"
    run("export", "--out", out, "--db", db_path)
    assert [(r["doc"], r["index"], r["label"], r["decided_by"]) for r in map(json.loads, out.read_text().splitlines())] == [
        (WIRE, 1, "claim", "lead")]
    assert review.undo() and store.group_decision(group) is None


def test_a_version_1_database_is_migrated_with_its_events(tmp_path):
    old = tmp_path / "v1.db"
    conn = sqlite3.connect(old)
    conn.executescript(V1_SCHEMA + """
        INSERT INTO documents VALUES (1, 'a.txt', NULL, NULL, '{}', 'h', 'Ships waited.', NULL, '2025-01-01T00:00:00Z');
        INSERT INTO sentences VALUES (1, 1, 0, 0, 13, 'Ships waited.', 5, 1, 1, 0);
        INSERT INTO events VALUES (7, 'u1', 1, 'label', 'ann', 'fact', NULL, '2025-06-02T12:00:00+02:00', 0);
    """)
    conn.commit()
    conn.close()
    store = Store(old)
    assert store.query("SELECT id, uid, created_at FROM events") == [(7, "u1", "2025-06-02T10:00:00.000Z")]
    assert store.setting("schema_version") == str(SCHEMA_VERSION)
    store.add_event(1, "label", "bob", "claim")
    assert [i for (i,) in store.query("SELECT id FROM events ORDER BY id")] == [7, 8]
    # the current labels are derived from the old events, then kept as new ones come
    assert store.query("SELECT group_id, annotator, event_id, label FROM current_labels ORDER BY 2") == [
        (1, "ann", 7, "fact"), (1, "bob", 8, "claim")]


def test_a_version_3_database_keeps_its_texts_and_its_band_keys(tmp_path):
    # version 3 kept each document's whole text and 64-bit band keys; version 4 keeps the text
    # between sentences and the keys' high 32 bits, and near-copies imported later still find the old ones
    (tmp_path / "a.txt").write_text("Wheat prices rose sharply in Chicago on Monday.\n\n  Traders left.  \n")
    db = tmp_path / "v3.db"
    assert run("import", tmp_path / "a.txt", "--db", db).exit_code == 0
    store = Store(db)
    text = store.document(1)[2]
    bands = store.query("SELECT key, sentence_id FROM bands ORDER BY 1, 2")
    store.close()
    conn = sqlite3.connect(db)
    conn.executescript(f"""
        ALTER TABLE documents DROP COLUMN spliced;
        DROP TABLE hashes;
        CREATE INDEX sentences_norm ON sentences(norm_hash);
        UPDATE documents SET text = '{text}';
        CREATE TABLE old_bands AS SELECT (key << 32) | 12345 AS key, sentence_id FROM bands;
        DELETE FROM bands;
        INSERT INTO bands SELECT * FROM old_bands;
        DROP TABLE old_bands;
        UPDATE meta SET value = '3' WHERE key = 'schema_version';
    """)
    conn.commit()
    conn.close()
    store = Store(db)
    assert store.setting("schema_version") == str(SCHEMA_VERSION)
    assert store.query("SELECT text, spliced FROM documents") == [("\n\n    \n", 1)]  # the gaps, leading and trailing spaces kept
    assert store.document(1)[2] == text
    assert store.query("SELECT key, sentence_id FROM bands ORDER BY 1, 2") == bands
    assert store.query("SELECT sentence_id FROM hashes ORDER BY 1") == [(1,), (2,)]
    assert not store.query("SELECT 1 FROM sqlite_master WHERE name = 'sentences_norm'")
    store.close()
    (tmp_path / "b.txt").write_text("Wheat prices rose sharply in Chicago on Monday!\n")
    assert run("import", tmp_path / "b.txt", "--db", db).exit_code == 0
    store = Store(db)
    assert store.sentence_at("b.txt", 0).group_id == store.sentence_at("a.txt", 0).group_id
    (tmp_path / "c.txt").write_text("Traders left.\n")  # too short for band keys: found by its hash alone
    assert run("import", tmp_path / "c.txt", "--db", db).exit_code == 0
    assert Store(db).sentence_at("c.txt", 0).group_id == 2


def test_export_refuses_to_write_its_data_over_the_data_card(db_path, tmp_path):
    build(db_path, tmp_path)
    result = run("export", "--out", tmp_path / "datacard.md", "--format", "jsonl", "--db", db_path)
    assert result.exit_code == 1 and not (tmp_path / "datacard.md").exists()
    assert result.output == (f"Error: {tmp_path / 'datacard.md'}: is where the data card goes "
                             f"({tmp_path / 'datacard.md'}); choose another name or use --card\n")


def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(db_path, tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    write(folder / "f.txt", "=HYPERLINK(\"http://x.example\",\"click\") is what the advert said.",
          "+44 is the code for calls to Britain.", "-5 degrees were measured overnight.", "@handle posted it first.")
    run("import", folder, "--db", db_path)
    store = Store(db_path)
    for index in range(4):
        store.add_event(store.sentence_at("docs/f.txt", index).id, "label", "ann", "fact")
    out = tmp_path / "all.csv"
    assert run("export", "--out", out, "--mode", "all", "--db", db_path).exit_code == 0
    import csv
    texts = [row["text"] for row in csv.DictReader(out.open())]
    assert texts == ["'=HYPERLINK(\"http://x.example\",\"click\") is what the advert said.",
                     "'+44 is the code for calls to Britain.", "'-5 degrees were measured overnight.",
                     "'@handle posted it first."]
    assert [row["annotator"] for row in csv.DictReader(out.open())] == ["ann"] * 4
    run("export", "--out", out, "--mode", "all", "--csv-raw", "--db", db_path)
    assert [row["text"][0] for row in csv.DictReader(out.open())] == ["=", "+", "-", "@"]


def test_one_bad_file_does_not_stop_an_import(db_path, tmp_path):
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "a.html").write_text('<html><head><meta charset="hex"></head><body><p>Hi there.</p></body></html>')
    write(folder / "b.txt", "Prices rose\u00a0. Then they fell\u3000. Traders left\u2028. Done.")
    write(folder / "c.txt", "The port reopened on Monday.")
    result = run("import", folder, "--db", db_path)
    assert result.exit_code == 1
    assert f"error: {folder / 'a.html'}: declares 'hex', which is not a text encoding" in result.output
    store = Store(db_path)
    assert [name for _, name in store.document_ids()] == ["mixed/b.txt", "mixed/c.txt"]
    text = store.document(store.document_id("mixed/b.txt"))[2]
    assert [(s.text, text[s.start:s.end] == s.text) for s in store.document_sentences(store.document_id("mixed/b.txt"))][:2] == [
        ("Prices rose\u00a0.", True), ("Then they fell\u3000.", True)]


def test_folders_the_database_and_the_same_file_by_another_path(tmp_path):
    import os

    folder = tmp_path / "work"
    folder.mkdir()
    write(folder / "a.txt", "The port reopened on Monday.")
    db = folder / "labels.db"
    result = run("import", folder, "--db", db)
    assert result.exit_code == 0, result.output
    assert Store(db).document_ids() == [(1, "work/a.txt")]
    again = run("import", folder, "--format", "txt", "--db", db)  # every file, whatever its extension
    assert f"skipped {folder / 'labels.db'}: it is the database being imported into" in again.output
    assert again.exit_code == 0 and "error" not in again.output
    os.symlink(folder / "a.txt", tmp_path / "link.txt")
    linked = run("import", tmp_path / "link.txt", "--db", db)
    assert f"unchanged {tmp_path / 'link.txt'}: already imported as work/a.txt" in linked.output
    direct = run("import", folder / "a.txt", "--db", db)
    assert f"unchanged {folder / 'a.txt'}: already imported as work/a.txt" in direct.output
    assert [name for _, name in Store(db).document_ids()] == ["work/a.txt"]
    missing = tmp_path / "never.db"
    result = run("import", tmp_path / "nonexistent", "--db", missing)
    assert result.exit_code == 1 and not missing.exists()
    assert result.output == f"error: {tmp_path / 'nonexistent'}: no such file or folder\n"


def test_mistakes_are_one_line_not_a_traceback(db_path, tmp_path):
    build(db_path, tmp_path)
    afile = tmp_path / "somefile"
    afile.write_text("x")
    cases = [
        (["export", "--out", afile / "x.jsonl", "--db", db_path], f"Error: {afile / 'x.jsonl'}: {afile} is not a folder\n"),
        (["import-labels", tmp_path, "--db", db_path], f"Error: {tmp_path}: is a folder; give a JSON Lines file\n"),
        (["export", "--out", tmp_path / "x.jsonl", "--split", "nan/10/10", "--db", db_path],
         "Error: --split 'nan/10/10': expected three shares like 80/10/10\n"),
        (["stats", "--db", tmp_path], f"Error: {tmp_path}: is a folder, not a database file\n"),
        (["--db", tmp_path, "stats"], f"Error: {tmp_path}: is a folder, not a database file\n"),
    ]
    for args, expected in cases:
        result = run(*args)
        assert (result.exit_code, result.output) == (1, expected), args


def test_csv_text_column_as_people_write_it(db_path, tmp_path):
    (tmp_path / "a.csv").write_text(" Text ,id\nThe port reopened on Monday.,one\n")
    (tmp_path / "b.csv").write_bytes("\ufeffTEXT,id\nShips waited offshore.,two\n".encode("utf-8"))
    assert run("import", tmp_path / "a.csv", tmp_path / "b.csv", "--db", db_path).exit_code == 0
    assert [name for _, name in Store(db_path).document_ids()] == ["one", "two"]


def test_one_process_never_takes_the_same_time_twice():
    from annotator.timestamps import now

    times = [now() for _ in range(200)]
    assert times == sorted(times) and len(set(times)) == 200


def test_a_version_4_database_gets_its_current_labels_and_says_so(db_path, tmp_path):
    build(db_path, tmp_path)
    built = db_path
    expected = json.loads(run("stats", "--json", "--db", built).output)
    conn = sqlite3.connect(built)  # as version 4 left it: no table of current labels, no triggers
    triggers = [f"DROP TRIGGER {name}" for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")]
    conn.close()
    as_version(built, 4, *triggers, "DROP TABLE current_labels", "DROP TABLE over_overlap")
    result = run("stats", "--json", "--db", built)
    assert result.stderr == upgrade_notice(built, 4)
    assert json.loads(result.stdout) == expected  # the same labels, now read from the derived table
    assert expected["labels"] and run("stats", "--json", "--db", built).stderr == ""  # upgraded once
