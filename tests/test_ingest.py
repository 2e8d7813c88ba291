import json
import shutil

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.ingest import import_paths
from annotator.store import SCHEMA_VERSION, Store
from conftest import CORPUS, dump


def run(*args):
    result = CliRunner().invoke(main, list(map(str, args)))
    return result


def test_import_bundled_corpus_then_again_adds_nothing(db_path, tmp_path):
    first = run("import", CORPUS, "--db", db_path)
    assert first.exit_code == 0, first.output
    assert "7 documents and 109 sentences added, 0 unchanged" in first.output
    before = dump(db_path)
    again = run("import", CORPUS, "--db", db_path)
    assert again.exit_code == 0
    assert "0 documents and 0 sentences added, 7 unchanged" in again.output
    assert f"unchanged {CORPUS}/wire-port-strike.txt: already imported" in again.output
    assert dump(db_path) == before


def test_stats_json_keys(db_path):
    run("import", CORPUS, "--db", db_path)
    stats = json.loads(run("stats", "--json", "--db", db_path).output)
    assert stats["documents"] == 7 and stats["sentences"] == 109
    assert stats["labeled"] == 0 and stats["labels"] == {} and stats["annotators"] == {}
    assert stats["groups"] == 103
    store = Store(db_path)  # a file still being imported counts for nothing
    with store.transaction():
        doc = store.insert_document("half.txt", "One. Two.", "h", [(0, 0, 4, "One.", 1), (1, 5, 9, "Two.", 2)],
                                    importing=999_999)
        store.insert_sentences(doc, [(0, 0, 4, "One.", 1), (1, 5, 9, "Two.", 2)])
    assert json.loads(run("stats", "--json", "--db", db_path).output) == stats


def test_sentences_keep_offsets_in_the_stored_text(db_path):
    run("import", CORPUS, "--db", db_path)
    store = Store(db_path)
    for doc in store.documents():
        _name, _title, text = store.document(doc.id)
        rows = store.document_sentences(doc.id)
        assert [r.index for r in rows] == list(range(len(rows)))
        for r in rows:
            assert text[r.start : r.end] == r.text


def test_names_are_relative_to_the_import_root(db_path):
    run("import", CORPUS, "--db", db_path)
    names = [d.name for d in Store(db_path).documents()]
    assert names == [
        "corpus/iraq-battleground.txt", "corpus/op-ed-transit.md", "corpus/press-release-solar.html",
        "letters/2026-03-15-ek", "letters/2026-03-15-moen", "corpus/syndicated-port-strike.txt",
        "corpus/wire-port-strike.txt",
    ]


def test_changed_file_is_a_conflict_unless_replace(db_path, tmp_path):
    doc = tmp_path / "d.txt"
    doc.write_text("Alpha is first. Beta is second.\nGamma is third.\n")
    run("import", doc, "--db", db_path)
    store = Store(db_path)
    beta = store.sentence_at("d.txt", 1)
    store.add_event(beta.id, "label", "ann", "fact")
    before = dump(db_path)
    doc.write_text("Alpha was first. Beta is second.\nGamma is third.\nDelta is new.\n")
    conflict = run("import", doc, "--db", db_path)
    assert conflict.exit_code == 1
    assert f"error: {doc}: conflict: document 'd.txt' differs from the stored one; left as it was (use --replace to update it)" in conflict.output
    assert dump(db_path) == before
    replaced = run("import", doc, "--replace", "--db", db_path)
    assert replaced.exit_code == 0, replaced.output
    assert "replaced d.txt: 2 sentences kept, 2 new" in replaced.output
    beta_now = store.sentence_at("d.txt", 1)
    assert beta_now.id == beta.id and beta_now.text == "Beta is second."
    assert store.doc_labels(beta_now.doc_id, "ann") == {1: "fact"}
    assert [r.text for r in store.document_sentences(beta_now.doc_id)] == [
        "Alpha was first.", "Beta is second.", "Gamma is third.", "Delta is new."]


def test_bad_files_are_refused_others_imported(db_path, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a-good.txt").write_text("A good sentence.")
    (folder / "b-bad.jsonl").write_text('{"text": "fine"}\n{oops\n')
    (folder / "c-empty.md").write_text("")
    (folder / "d-latin.txt").write_bytes("caf\xe9".encode("latin-1"))
    (folder / "e-good.csv").write_text("text\nAnother good one.\n")
    result = run("import", folder, "--db", db_path)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"error: {folder}/b-bad.jsonl:2: bad JSON (Expecting property name enclosed in double quotes at column 2)",
        f"error: {folder}/c-empty.md: file is empty",
        f"error: {folder}/d-latin.txt: not valid UTF-8 (byte 0xe9 at offset 3); "
        "try --encoding auto, or give its encoding with --encoding NAME",
    ]
    assert [d.name for d in Store(db_path).documents()] == ["in/a-good.txt", "in/e-good.csv:2"]


def test_a_failure_half_way_through_a_file_leaves_nothing_of_it(db_path, tmp_path, monkeypatch):
    run("import", CORPUS / "wire-port-strike.txt", "--db", db_path)
    before = dump(db_path)
    many = tmp_path / "many.jsonl"
    many.write_text("".join(json.dumps({"id": f"d{i}", "text": f"Sentence {i} here."}) + "\n" for i in range(5)))
    store = Store(db_path)
    calls = {"n": 0}
    original = Store.insert_sentences

    def failing(self, doc_id, rows):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError("disk full")
        return original(self, doc_id, rows)

    monkeypatch.setattr(Store, "insert_sentences", failing)
    with pytest.raises(OSError):
        import_paths(store, [many])
    assert dump(db_path) == before


def test_missing_path_and_missing_db_messages(tmp_path, db_path):
    result = run("import", tmp_path / "nope.txt", "--db", db_path)
    assert result.exit_code == 1
    assert f"error: {tmp_path}/nope.txt: no such file or folder" in result.stderr
    missing = run("stats", "--db", tmp_path / "none.db")
    assert missing.exit_code == 1
    assert missing.output == f"Error: {tmp_path}/none.db: no such database (import documents first: annotator import PATH)\n"


def test_db_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("ANNOTATOR_DB", str(tmp_path / "env.db"))
    shutil.copy(CORPUS / "wire-port-strike.txt", tmp_path / "w.txt")
    assert run("import", tmp_path / "w.txt").exit_code == 0
    assert (tmp_path / "env.db").exists()


def test_newer_schema_and_foreign_files_are_refused(tmp_path):
    import sqlite3

    newer = tmp_path / "newer.db"
    Store(newer).close()
    conn = sqlite3.connect(newer)
    conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    result = run("stats", "--db", newer)
    assert result.output == f"Error: {newer}: database schema version 99 is newer than this annotator understands ({SCHEMA_VERSION}); upgrade annotator\n"
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite at all" * 100)
    assert run("stats", "--db", junk).output.startswith(f"Error: {junk}: not an annotator database")


def test_large_document(db_path, tmp_path):
    big = tmp_path / "big.txt"
    paragraph = "The council met on Monday. It approved the budget of $10.1 million for the U.S. office.\n\n"
    big.write_text(paragraph * 600_000)  # about 53 MB
    result = run("import", big, "--db", db_path)
    assert result.exit_code == 0, result.output
    assert "1 document and 1200000 sentences added" in result.output


def test_db_given_before_the_command(tmp_path):
    db = tmp_path / "early.db"
    assert run("--db", db, "import", CORPUS / "wire-port-strike.txt").exit_code == 0
    assert json.loads(run("--db", db, "stats", "--json").output)["sentences"] == 8
    assert "group" in run("--db", db, "dupes", "--min-size", "1").output
    assert "ANNOTATOR_DB" not in __import__("os").environ
