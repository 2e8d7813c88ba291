"""Hostile input through the importers: imported correctly or refused with one line, never half-written."""

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator import readers
from annotator.ingest import import_paths
from annotator.model import InputError
from annotator.store import Store
from conftest import dump


def imported(db_path, path):
    store = Store(db_path)
    report = import_paths(store, [path])
    rows = store.query(
        'SELECT d.name, d.id, s.idx, s.start, s."end", s.text FROM sentences s JOIN documents d ON d.id = s.doc_id ORDER BY s.id')
    for _name, doc_id, _idx, start, end, sentence in rows:
        assert store.document(doc_id)[2][start:end] == sentence
    store.close()
    return report, rows


def test_nul_bytes(db_path, tmp_path):
    raw = tmp_path / "nul.txt"
    raw.write_bytes(b"Fine text.\x00More text.")
    report, rows = imported(db_path, raw)
    assert report.errors == [f"{raw}: binary file (contains NUL bytes), not text"] and rows == []
    escaped = tmp_path / "nul.jsonl"
    escaped.write_text(json.dumps({"id": "n", "text": "Fine text.\u0000 More text."}) + "\n")
    report, rows = imported(db_path, escaped)
    assert report.errors == [] and [r[5] for r in rows] == ["Fine text.", "More text."]


def test_lone_surrogate_line_is_refused_whole_file_untouched(db_path, tmp_path):
    path = tmp_path / "s.jsonl"
    path.write_text('{"id": "ok", "text": "Good."}\n{"id": "bad", "text": "Bad \\udc80 here."}\n')
    before = dump(db_path) if db_path.exists() else None
    report, rows = imported(db_path, path)
    assert report.errors == [f"{path}:2: text holds a lone surrogate (U+DC80) at character 4"]
    assert rows == []  # one transaction per file: the good line is not stored either
    assert before is None or dump(db_path) == before


def test_right_to_left_and_combining_characters(db_path, tmp_path):
    text = "\u05e9\u05dc\u05d5\u05dd \u05e2\u05d5\u05dc\u05dd. \u0645\u0631\u062d\u0628\u0627 \u0628\u0627\u0644\u0639\u0627\u0644\u0645.\nZ\u0351\u036b\u0343a\u0310\u0327lgo\u0308 text.\u202eevil\u202c end.\n"
    path = tmp_path / "rtl.txt"
    path.write_text(text)
    report, rows = imported(db_path, path)
    assert report.errors == [] and len(rows) >= 3
    assert Store(db_path).document(rows[0][1])[2] == text


def test_long_line_and_many_lines(db_path, tmp_path):
    long = tmp_path / "long.txt"
    long.write_text("word " * 200_000 + "end.")  # a 1 MB line without a sentence end
    many = tmp_path / "many.txt"
    many.write_text("".join(f"Line {i} is here.\n" for i in range(100_000)))
    store = Store(db_path)
    report = import_paths(store, [long, many])
    assert report.errors == []
    assert store.query("SELECT count(*) FROM sentences")[0][0] == 100_001
    assert store.query("SELECT length(text) FROM sentences WHERE idx = 0 ORDER BY id LIMIT 1")[0][0] == 1_000_004


def test_html_with_scripts_and_nested_tables(db_path, tmp_path):
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>Budget vote</title><script>document.write('<p>injected</p>')</script></head><body>"
        "<nav>Home | News</nav><article><p>The council approved the budget on Monday after a long debate.</p>"
        "<table><tr><td><table><tr><td>Spending rose by 4% to 210 million euros this year.</td></tr></table></td></tr></table>"
        "<script>alert('x')</script><p>The mayor said the vote was a turning point for the city.</p></article></body></html>"
    )
    report, rows = imported(db_path, page)
    assert report.errors == []
    sentences = [r[5] for r in rows]
    assert "The council approved the budget on Monday after a long debate." in sentences
    assert "Spending rose by 4% to 210 million euros this year." in sentences
    assert not any("alert" in s or "injected" in s or "document.write" in s for s in sentences)


def test_jsonl_with_wrong_types(db_path, tmp_path):
    for line, message in [
        ('{"text": ["a"]}', "'text' must be a string, not list"),
        ('{"text": "ok", "id": 1.5}', "'id' must be a string or integer, not float"),
        ('{"text": "ok", "title": 3}', "'title' must be a string, not int"),
        ('{"text": "ok", "meta": [1]}', "'meta' must be an object, not list"),
        ('"just a string"', "expected a JSON object, got str"),
        ('{"text": null}', "missing 'text'"),
    ]:
        path = tmp_path / "bad.jsonl"
        path.write_text('{"text": "A fine first line."}\n' + line + "\n")
        report, rows = imported(db_path, path)
        assert report.errors == [f"{path}:2: {message}"] and rows == []


def test_csv_with_embedded_newlines_and_quotes(db_path, tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text('id,text\nr1,"He said ""no"".\nThen he left."\nr2,"Commas, quotes "" and\r\nCRLF."\n')
    report, rows = imported(db_path, path)
    assert report.errors == []
    assert [(r[0], r[5]) for r in rows] == [("r1", 'He said "no".'), ("r1", "Then he left."), ("r2", 'Commas, quotes " and'), ("r2", "CRLF.")]


def test_symlink_loop_and_vanishing_file(db_path, tmp_path, monkeypatch):
    folder = tmp_path / "docs"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "a.txt").write_text("Alpha.")
    (folder / "sub" / "b.txt").write_text("Beta.")
    (folder / "sub" / "loop").symlink_to(folder, target_is_directory=True)
    (folder / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    walked = list(readers.walk(folder))

    def vanishing_walk(target, forced=None, skipped=None):
        for path, name in walked:
            if path.name == "b.txt":
                path.unlink()  # deleted between the listing and the read
            yield path, name

    monkeypatch.setattr(readers, "walk", vanishing_walk)
    report, rows = imported(db_path, folder)
    assert report.errors == [f"{folder}/dangling.txt: no such file", f"{folder}/sub/b.txt: no such file"]
    assert [(r[0], r[5]) for r in rows] == [("docs/sub/a.txt", "Alpha.")]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=400), fmt=st.sampled_from(readers.FORMATS))
def test_random_bytes_are_read_or_refused(tmp_path, data, fmt):
    path = tmp_path / f"x.{fmt}"
    path.write_bytes(data)
    try:
        docs = readers.read_file(path, path.name)
    except InputError as err:
        assert str(err).startswith(str(path)) and "\n" not in str(err)
    else:
        for doc in docs:
            doc.text.encode("utf-8")
            assert "\x00" not in doc.text and doc.text.strip()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(min_size=1, max_size=300))
def test_any_text_through_jsonl_keeps_offsets(tmp_path, text):
    db = tmp_path / "h.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    path = tmp_path / "t.jsonl"
    path.write_text(json.dumps({"id": "t", "text": text}) + "\n", encoding="utf-8", errors="surrogatepass")
    report, rows = imported(db, path)
    assert len(report.errors) <= 1
    if report.errors:
        assert rows == []
