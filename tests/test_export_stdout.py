"""`export --out -` writes the rows to standard output; every export into one folder keeps its data
card; the card tells how many rows come from review decisions and who decided them."""

from __future__ import annotations

import pytest

from annotator.review import accept_consensus
from annotator.store import Store
from helpers import SYND, WIRE, build, run


@pytest.fixture
def built(db_path, tmp_path, monkeypatch):
    build(db_path, tmp_path)
    monkeypatch.chdir(tmp_path)  # a file named "-" would land here
    return db_path


@pytest.mark.parametrize("fmt, extra", [("jsonl", []), ("csv", ["--format", "csv"])])
def test_out_dash_writes_the_rows_to_standard_output(built, tmp_path, fmt, extra):
    assert run("export", "--out", tmp_path / f"file.{fmt}", *extra, "--db", built).exit_code == 0
    result = run("export", "--out", "-", *extra, "--db", built)
    assert result.exit_code == 0, result.output
    assert result.stdout == (tmp_path / f"file.{fmt}").read_text(encoding="utf-8")
    assert result.stderr.splitlines() == [
        "wrote 6 rows to standard output", "left out: 3 units in disagreement without a decision",
        "no data card written for --out - (give --out a file name to have one beside the data)"]
    assert not (tmp_path / "-").exists()


@pytest.mark.parametrize("extra, message", [
    (["--format", "parquet"], "--out -: Parquet is binary and does not go to standard output; give a file name"),
    (["--split", "80/10/10"], "--out -: --split writes three files; give a file name"),
    (["--card"], "--out - and --card: both would go to standard output; give --out a file name"),
])
def test_what_cannot_go_to_standard_output_is_refused_in_one_line(built, tmp_path, extra, message):
    result = run("export", "--out", "-", *extra, "--db", built)
    assert (result.exit_code, result.output) == (1, f"Error: {message}\n")
    assert not (tmp_path / "-").exists()


def test_exports_into_one_folder_keep_every_data_card(built, tmp_path):
    out = tmp_path / "Datensätze"
    out.mkdir()
    for name, mode in (("gold.jsonl", "gold"), ("majority.csv", "majority"), ("gold.jsonl", "gold")):
        assert run("export", "--out", out / name, "--mode", mode, "--db", built).exit_code == 0
    card = (out / "datacard.md").read_text(encoding="utf-8")
    assert [line for line in card.splitlines() if line.startswith(("# ", "- files: ", "- mode: "))] == [
        "# Data card", "- mode: `majority`", "- files: `majority.csv`",
        "# Data card", "- mode: `gold`", "- files: `gold.jsonl`"]  # the second gold export replaced the first's


def test_the_card_says_how_many_rows_come_from_review_decisions_and_who_decided(built, tmp_path):
    store = Store(built)
    store.decide(store.sentence_at(SYND, 2).group_id, "Małgorzata", "fact")
    store.decide(store.sentence_at(WIRE, 4).group_id, "李娜", "claim")
    store.decide(store.sentence_at(WIRE, 6).group_id, "李娜", "opinion")
    assert accept_consensus(store) == 5
    assert run("export", "--out", tmp_path / "gold.jsonl", "--db", built).exit_code == 0
    card = (tmp_path / "datacard.md").read_text(encoding="utf-8")
    assert ("8 rows (88.9%) take their label from a review decision, decided by: consensus 5, 李娜 2, Małgorzata 1 "
            "('consensus': recorded by `annotator review --auto-accept` because every annotator agreed); the others "
            "are units without a decision whose annotators agree.") in card.splitlines()
    assert run("export", "--out", tmp_path / "all.jsonl", "--mode", "all", "--db", built).exit_code == 0
    assert "review decision" not in (tmp_path / "datacard.md").read_text(encoding="utf-8").split("- files: `all.jsonl`")[1]


def test_out_dash_writes_utf8_whatever_the_locale(tmp_path):
    import json

    from click.testing import CliRunner

    from annotator.cli import main

    db = tmp_path / "ru.db"
    text = "Госдума приняла закон о платформах в третьем чтении."
    (tmp_path / "ru.jsonl").write_text(json.dumps({"id": "ria-1", "text": text}, ensure_ascii=False) + "\n",
                                       encoding="utf-8")
    assert run("import", tmp_path / "ru.jsonl", "--db", db).exit_code == 0
    store = Store(db)
    store.add_event(store.sentence_at("ria-1", 0).id, "label", "Ольга", "fact")
    result = CliRunner(charset="latin-1").invoke(main, ["export", "--out", "-", "--mode", "all", "--db", str(db)])
    assert result.exit_code == 0, result.output
    (row,) = [json.loads(line) for line in result.stdout_bytes.decode("utf-8").splitlines()]
    assert (row["text"], row["annotator"], row["label"]) == (text, "Ольга", "fact")
