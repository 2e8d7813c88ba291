"""Opening the screen from the command line as a new annotator does: the bare command takes what
`annotate` takes, a new database says where it was made, and an empty one is offered the sample."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from annotator import cli
from annotator.store import Store
from conftest import CORPUS
from helpers import run

SAMPLE_DOCUMENTS = 7


@pytest.fixture
def opened(monkeypatch):
    """The screens the command would have run (not run here), and a person at a terminal."""
    apps = []
    monkeypatch.setattr(cli, "run_app", apps.append)
    monkeypatch.setattr(cli, "interactive", lambda: True)
    return apps


def answer(*args, typed: str):
    return CliRunner().invoke(cli.main, list(map(str, args)), input=typed)


def test_the_bare_command_takes_what_annotate_takes(tmp_path, opened):
    db = tmp_path / "zespół.db"
    result = answer("--db", db, "--annotator", "Ewa Nowak", "--sample", "--doc", "corpus/op-ed-transit.md",
                    typed="y\n")
    assert result.exit_code == 0, result.output
    assert result.stdout == (f"{db} does not exist. Create a new database there? [y/N]: y\n"
                             f"created a new database at {db.resolve()}\n")
    (app,) = opened
    assert (app.annotator, app.doc_name) == ("Ewa Nowak", "corpus/op-ed-transit.md")
    assert len(Store(db).document_ids()) == SAMPLE_DOCUMENTS


def test_a_new_database_is_offered_the_sample_and_no_error_follows(tmp_path, opened):
    db = tmp_path / "neu.db"
    result = answer("--db", db, "--annotator", "Jürgen", typed="y\ny\n")
    assert result.exit_code == 0, result.output
    assert result.stdout == (f"{db} does not exist. Create a new database there? [y/N]: y\n"
                             f"created a new database at {db.resolve()}\n"
                             f"{db} has no documents yet. Import the sample corpus to try the tool? [Y/n]: y\n")
    assert [app.annotator for app in opened] == ["Jürgen"]
    assert len(Store(db).document_ids()) == SAMPLE_DOCUMENTS


def test_declining_the_sample_says_how_to_import(tmp_path, opened):
    db = tmp_path / "новая база.db"
    result = answer("annotate", "--db", db, typed="y\nn\n")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == (f"no documents yet: import yours with `annotator import PATH --db "
                                              f"'{db}'`, then open the screen again")
    assert opened == [] and Store(db).document_ids() == []


def test_the_screen_options_are_refused_before_another_command():
    result = run("--annotator", "Ewa", "stats")
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == ("Error: --annotator, --doc, --training and --sample open the annotation "
                                              "screen: give them with no command, or after the command's name")


def test_an_import_says_where_it_created_the_database(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("import", CORPUS / "wire-port-strike.txt", "--db", "fresh.db")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == f"created a new database at {tmp_path / 'fresh.db'}"
    again = run("import", CORPUS / "op-ed-transit.md", "--db", "fresh.db")  # said once, when it is made
    assert "created" not in again.output


def test_starting_in_another_folder_says_where_the_new_database_is(tmp_path, opened, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ANNOTATOR_DB", raising=False)
    result = answer("--annotator", "Νίκος", typed="")
    assert result.exit_code == 0, result.output
    assert result.stdout == f"created a new database at {tmp_path / 'annotations.db'}\n"
    assert [app.annotator for app in opened] == ["Νίκος"]


def test_a_database_name_with_a_line_break_is_quoted_when_created(tmp_path):
    db = tmp_path / "neu\nimported forged.txt"
    result = run("import", CORPUS / "wire-port-strike.txt", "--db", db)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == f"created a new database at {str(db)!r}"
