"""CSV in and out for spreadsheet users (issue 28): the delimiter Excel writes in most of Europe, and a
CSV that Excel opens with its accents and euro signs intact."""

import json

import pytest

from annotator.model import InputError
from annotator.readers import read_file
from annotator.readers.decode import said
from annotator.store import Store
from helpers import run


@pytest.mark.parametrize("name, data, shown", [
    ("semi.csv", "id;title;text\n1;Wahl;Die Wahl findet am Sonntag statt.\n2;Preise;\"Die Preise stiegen;\nsagte er.\"\n",
     ";"),
    ("tab.csv", "id\ttitle\ttext\n1\tWahl\tDie Wahl findet am Sonntag statt.\n2\tPreise\t\"Die Preise stiegen;\nsagte er.\"\n",
     "tab"),
    ("pipe.csv", "id|title|text\n1|Wahl|Die Wahl findet am Sonntag statt.\n2|Preise|\"Die Preise stiegen;\nsagte er.\"\n",
     "|"),
])
def test_delimiter_is_sniffed_and_said(tmp_path, name, data, shown):
    (tmp_path / name).write_text(data, encoding="utf-8")
    docs = read_file(tmp_path / name, name)
    assert [(d.name, d.title, d.text) for d in docs] == [
        ("1", "Wahl", "Die Wahl findet am Sonntag statt."), ("2", "Preise", "Die Preise stiegen;\nsagte er.")]
    assert said(name) == [f"{name}: read as {shown}-separated"]


def test_a_comma_csv_says_nothing_and_no_text_column_names_what_it_found(tmp_path):
    (tmp_path / "a.csv").write_text("text,title\n\"Цены выросли, сказал он.\",Цены\n", encoding="utf-8")
    assert [d.text for d in read_file(tmp_path / "a.csv", "a.csv")] == ["Цены выросли, сказал он."]
    assert said("a.csv") == []
    (tmp_path / "b.csv").write_text("Titel;Inhalt\nWahl;Die Wahl findet statt.\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_file(tmp_path / "b.csv", "b.csv")
    assert str(err.value) == (f"{tmp_path / 'b.csv'}: CSV has no 'text' column (found 'titel', 'inhalt'; "
                              "separated by , ; tab or |)")


def test_import_prints_the_delimiter(tmp_path, db_path):
    (tmp_path / "semi.csv").write_text("text;source\nΗ κυβέρνηση ανακοίνωσε νέα μέτρα.;Kathimerini\n", encoding="utf-8")
    result = run("import", tmp_path / "semi.csv", "--db", db_path)
    assert result.exit_code == 0, result.output
    assert f"{tmp_path / 'semi.csv'}: read as ;-separated" in result.output.splitlines()


@pytest.fixture
def labeled(tmp_path, db_path):
    (tmp_path / "news.txt").write_text("São Tomé raised fuel prices by €4.5 on Monday.\n=SUM(A1) was typed as a cell.\n",
                                       encoding="utf-8")
    assert run("import", tmp_path / "news.txt", "--db", db_path).exit_code == 0
    labels = tmp_path / "labels.jsonl"
    labels.write_text("".join(json.dumps({"doc": "news.txt", "index": i, "annotator": "ana", "label": "fact",
                                          "created_at": f"2026-01-01T00:00:0{i}.000Z"}) + "\n" for i in (0, 1)))
    assert run("import-labels", labels, "--db", db_path).exit_code == 0
    return db_path


def test_excel_export_has_a_byte_order_mark_and_crlf(tmp_path, labeled):
    out = tmp_path / "gold.csv"
    result = run("export", "--out", out, "--excel", "--db", labeled)
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbftext,label,")
    lines = data.split(b"\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"") and lines[-1] == b""
    text = data.decode("utf-8-sig")
    assert "São Tomé raised fuel prices by €4.5 on Monday." in text
    assert "'=SUM(A1) was typed as a cell." in text  # formulas stay neutralised
    plain = tmp_path / "plain.csv"
    run("export", "--out", plain, "--db", labeled)
    assert plain.read_bytes().startswith(b"text,label,")


def test_excel_export_is_csv_only(tmp_path, labeled):
    out = tmp_path / "gold.jsonl"
    result = run("export", "--out", out, "--excel", "--db", labeled)
    assert result.exit_code == 1
    assert result.output == f"Error: {out}: --excel writes CSV for Excel, not jsonl; give a .csv file or --format csv\n"
    assert not out.exists()


def test_excels_sep_line_names_the_delimiter(tmp_path):
    # Excel writes and honours a first line "sep=;"; the rows keep their line numbers in the file
    data = "sep=;\r\ntext;wert\r\nDie Preise stiegen um 1,5 Prozent.;1,5\r\nZweiter Satz, mit Komma.;2,5\r\n"
    (tmp_path / "excel.csv").write_bytes(data.encode("utf-8"))
    docs = read_file(tmp_path / "excel.csv", "excel.csv")
    assert [(d.name, d.text) for d in docs] == [
        ("excel.csv:3", "Die Preise stiegen um 1,5 Prozent."), ("excel.csv:4", "Zweiter Satz, mit Komma.")]
    assert said("excel.csv") == ["excel.csv: read as ;-separated"]


def test_a_folders_tsv_is_read_as_tab_separated(tmp_path, db_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "t.tsv").write_text("id\ttext\nru-1\tЦены на хлеб выросли на 5 процентов.\n", encoding="utf-8")
    result = run("import", folder, "--db", db_path)
    assert result.exit_code == 0, result.output
    assert f"{folder / 't.tsv'}: read as tab-separated" in result.output.splitlines()
    assert [d.name for d in Store(db_path).documents()] == ["ru-1"]
