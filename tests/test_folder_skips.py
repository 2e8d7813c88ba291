"""What an import does not read is said (issue 28): a folder's skipped files by type with a count and
the extra that reads them, a single unknown file in one line, a binary file forced as text refused."""

from __future__ import annotations

import sys

import pytest

from annotator.ingest import import_paths
from annotator.store import Store

from helpers import output_lines, run
from test_pdf_docx import make_docx, make_pdf


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"


@pytest.fixture
def folder(tmp_path):
    folder = tmp_path / "eingang"
    folder.mkdir()
    (folder / "meldung.txt").write_text("Der Landtag hat das Gesetz am Donnerstag beschlossen.\n")
    make_pdf(folder / "bericht.pdf", [["Die Arbeitslosigkeit sank im Mai auf 5,8 Prozent."]])
    make_pdf(folder / "anhang.pdf", [["Das Ministerium kündigte Hilfen an."]])
    make_docx(folder / "hafen.docx")
    (folder / "foto.png").write_bytes(PNG)
    (folder / "daten.json").write_text('{"text": "Warszawa przyjęła budżet."}')
    return folder


def test_a_folder_says_what_it_skipped_by_type(db_path, folder):
    store = Store(db_path)
    report = import_paths(store, [folder])
    names = [row[0] for row in store.query("SELECT name FROM documents ORDER BY name")]
    store.close()
    assert names == ["eingang/anhang.pdf", "eingang/bericht.pdf", "eingang/hafen.docx", "eingang/meldung.txt"]
    assert report.errors == []
    assert report.messages[0] == ("skipped 2 files: 1 .json (only JSON Lines is read: one object a line, as .jsonl), "
                                  "1 .png (not text)")


def test_a_folder_says_which_extra_reads_what_it_skipped(db_path, folder, monkeypatch):
    monkeypatch.setitem(sys.modules, "pdfminer", None)  # as if the pdf extra were not installed
    result = run("import", folder, "--db", db_path)
    assert result.exit_code == 0
    assert output_lines(result)[0] == ("skipped 4 files: 2 .pdf (install annotator[pdf] to read them), "
                                             "1 .json (only JSON Lines is read: one object a line, as .jsonl), "
                                             "1 .png (not text)")


@pytest.mark.parametrize("name, data, problem", [
    ("foto.png", PNG, "unknown format '.png' (not text)"),
    ("scan.jp2", b"\x00\x00\x00\x0cjP  \r\n\x87\n", "unknown format '.jp2'; use --format (txt, md, html, jsonl, csv, feed, "
                                                    "pdf, docx, parquet)"),
    ("daten", b"%PDF-1.4\n", "unknown format '(no extension)' (a PDF, not text)"),
    ("tabelle.xlsx", b"PK\x03\x04xl/", "unknown format '.xlsx' (a spreadsheet: save it as CSV)"),
])
def test_a_single_unknown_file_says_what_it_is_in_one_line(db_path, tmp_path, name, data, problem):
    path = tmp_path / name
    path.write_bytes(data)
    result = run("import", path, "--db", db_path)
    assert result.exit_code == 1
    assert output_lines(result)[0] == f"error: {path}: {problem}"


@pytest.mark.parametrize("name, problem", [
    ("bericht.pdf", "looks like a PDF, not text (import it without --format txt, or with --format pdf)"),
    ("hafen.docx", "looks like a Word document, not text (import it without --format txt, or with --format docx)"),
    ("foto.png", "looks like a PNG image, not text"),
])
def test_format_txt_on_a_binary_file_is_refused_and_stores_nothing(db_path, folder, name, problem):
    result = run("import", folder / name, "--format", "txt", "--db", db_path)
    assert result.exit_code == 1
    assert output_lines(result)[0] == f"error: {folder / name}: {problem}"
    store = Store(db_path)
    assert store.query("SELECT count(*) FROM sentences")[0][0] == 0
    store.close()


def test_the_database_in_the_folder_is_not_listed_as_skipped(tmp_path):
    folder = tmp_path / "projekt"
    folder.mkdir()
    (folder / "meldung.txt").write_text("Der Landtag hat das Gesetz am Donnerstag beschlossen.\n")
    (folder / "foto.png").write_bytes(PNG)
    result = run("import", folder, "--db", folder / "labels.db")
    assert result.exit_code == 0
    assert output_lines(result)[0] == "skipped 1 file: 1 .png (not text)"


def test_a_text_that_opens_like_a_magic_number_is_still_text(db_path, tmp_path):
    path = tmp_path / "mz.txt"
    path.write_text("MZ Mazowsze zatwierdziło nowy rozkład jazdy.\n", encoding="utf-8")
    result = run("import", path, "--db", db_path)
    assert result.exit_code == 0
    assert "1 document and 1 sentence added" in result.output


def test_a_pdf_under_a_text_name_is_told_to_take_a_pdf_name(db_path, tmp_path):
    path = make_pdf(tmp_path / "bericht.txt", [["Die Arbeitslosigkeit sank im Mai auf 5,8 Prozent."]])
    result = run("import", path, "--db", db_path)
    assert result.exit_code == 1
    assert output_lines(result)[0] == f"error: {path}: looks like a PDF, not text (give it a .pdf name, or --format pdf)"
