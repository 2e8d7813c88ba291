"""The command line as a user meets it: databases that do not exist, odd paths, counted nouns."""

from annotator.store import Store
from annotator.wording import plural
from conftest import CORPUS
from helpers import run


def test_plural():
    assert [plural(n, "unit") for n in (0, 1, 2)] == ["0 units", "1 unit", "2 units"]
    assert plural(1, "copy", "copies") == "1 copy" and plural(3, "copy", "copies") == "3 copies"


def test_one_row_is_one_row(db_path, tmp_path):
    run("import", CORPUS / "wire-port-strike.txt", "--db", db_path)
    store = Store(db_path)
    store.add_event(store.sentence_at("wire-port-strike.txt", 0).id, "label", "ann", "fact")
    result = run("export", "--out", tmp_path / "x.jsonl", "--db", db_path)
    assert f"wrote 1 row to {tmp_path / 'x.jsonl'}" in result.output
    assert run("import", CORPUS / "op-ed-transit.md", "--db", db_path).output.startswith(
        "imported " + str(CORPUS / "op-ed-transit.md") + ": 1 document, 14 sentences\n1 document and 14 sentences added")


def test_a_path_that_is_not_a_database_file_is_named(tmp_path):
    result = run("stats", "--db", "/dev/null")
    assert result.exit_code == 1
    assert result.output == "Error: /dev/null: not a regular file (a device or a pipe?); give a database file\n"


def test_annotate_on_a_database_that_does_not_exist_asks_first(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    typo = tmp_path / "typo.db"
    result = run("--db", typo)  # no terminal here: refused, nothing created
    assert result.exit_code == 1 and not typo.exists()
    assert result.output == (f"Error: {typo}: no such database; create it with `annotator import PATH --db {typo}`, "
                             "or run this in a terminal to confirm creating it\n")
    empty = tmp_path / "empty.db"
    Store(empty).close()
    result = run("annotate", "--db", empty)  # a real database without documents gets no sample corpus
    assert result.exit_code == 1
    assert result.output == (f"Error: {empty}: no documents yet; import some (annotator import PATH --db {empty}) "
                             "or add --sample for the sample corpus\n")
    assert Store(empty).document_ids() == []


def test_a_database_error_names_the_database_given_after_the_command(db_path, monkeypatch):
    import sqlite3

    run("import", CORPUS / "wire-port-strike.txt", "--db", db_path)

    def damaged(self):
        raise sqlite3.DatabaseError("database disk image is malformed")

    monkeypatch.setattr(Store, "counts", damaged)
    result = run("stats", "--db", db_path)
    assert result.exit_code == 1
    assert result.output == f"Error: {db_path}: database error: database disk image is malformed\n"


def test_a_name_with_a_line_break_is_quoted_in_every_listing(db_path, tmp_path):
    import json

    folder = tmp_path / "in"
    folder.mkdir()
    forged = "x\nimported forged.txt: 99 documents"
    text = "The port reopened on Monday after a week of strikes."
    (folder / "a.jsonl").write_text(json.dumps({"id": forged, "text": text, "source": "wire"}) + "\n"
                                    + json.dumps({"id": "b", "text": text, "source": "wire"}) + "\n")
    assert run("import", folder, "--db", db_path).exit_code == 0
    shown = repr(forged)
    assert f"{shown}:1  {text}" in run("dupes", "--db", db_path).output
    assert shown in run("sources", "wire", "--db", db_path).output
    out = tmp_path / "n\nx.jsonl"
    assert run("export", "--out", out, "--db", db_path).output.startswith(f"wrote 0 rows to {repr(str(out))}")
    for command in (["dupes"], ["sources", "wire"]):
        assert not any(line.startswith("imported forged") for line in run(*command, "--db", db_path).output.splitlines())
