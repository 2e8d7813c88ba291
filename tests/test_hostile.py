"""Hostile input through the importers: imported correctly or refused with one line, never half-written."""

import json
import os
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
    # right-to-left and combining text is kept as written; a right-to-left override, invisible, is not
    # (Unicode's default-ignorable characters are removed on import: annotator.invisible)
    assert Store(db_path).document(rows[0][1])[2] == text.replace("\u202e", "").replace("\u202c", "")


def test_long_line_and_many_lines(db_path, tmp_path):
    long = tmp_path / "long.txt"
    long.write_text("word " * 200_000 + "end.")  # a 1 MB line without a sentence end
    many = tmp_path / "many.txt"
    many.write_text("".join(f"Line {i} is here.\n" for i in range(100_000)))
    store = Store(db_path)
    report = import_paths(store, [long, many])
    assert report.errors == []
    # the runaway line is cut at spaces into pieces of at most 3,000 characters (segment.MAX_SENTENCE)
    assert report.runaways == 1
    assert store.query("SELECT count(*) FROM sentences")[0][0] == 100_000 + 334
    assert store.query("SELECT max(length(text)) FROM sentences")[0][0] == 2999


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

    def vanishing_walk(target, forced=None, skipped=None, unread=None):
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


# --- issue 25 (import side): crashes and hangs on bad input, decompression bombs, special files,
# --- file names that forge lines; each refused in one line while the folder's other files land

def _one_good_and(folder, name, data):
    """A folder of one good story and one hostile file (bytes, or a callable making it)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "good.txt").write_text("Dockworkers walked out on Monday after talks broke down.")
    if callable(data):
        data(folder / name)
    else:
        (folder / name).write_bytes(data)
    return folder


def _imported_folder(db_path, folder, **options):
    store = Store(db_path)
    report = import_paths(store, [folder], **options)
    names = [r[0] for r in store.query("SELECT name FROM documents ORDER BY id")]
    pending = store.count_pending()
    store.close()
    return report, names, pending


def _damaged_parquet(path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"text": [f"Sentence number {n} is here." for n in range(20_000)]}), path,
                   row_group_size=10_000)
    column = pq.ParquetFile(path).metadata.row_group(1).column(0)
    data = bytearray(path.read_bytes())
    start = column.dictionary_page_offset if column.has_dictionary_page else column.data_page_offset
    for n in range(start + 40, start + column.total_compressed_size - 40):
        data[n] ^= 0x55  # the second row group's page: the first 10,000 rows read well
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("name, data, message", [
    ("deep.jsonl", b'{"text": "Hi there.", "meta": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n",
     "deep.jsonl:1: bad JSON (nested too deeply)"),
    ("deep-meta.jsonl", json.dumps({"text": "Hi there.", "meta": "[" * 100_000 + "]" * 100_000}).encode() + b"\n",
     "deep-meta.jsonl:1: 'meta' is nested too deeply"),
    ("deep-object.jsonl", b'{"text": "Hi there.", "meta": ' + b'{"a": ' * 900 + b"1" + b"}" * 900 + b"}\n",
     "deep-object.jsonl:1: 'meta' is nested more than 64 levels deep"),
    ("year-one.jsonl", json.dumps({"text": "Hi there.", "date": "0001-01-01T00:00:00+01:00"}).encode(),
     "year-one.jsonl:1: 'date' is out of range: '0001-01-01T00:00:00+01:00'"),
    ("year-9999.jsonl", json.dumps({"text": "Hi there.", "date": "9999-12-31T23:59:59-05:00"}).encode(),
     "year-9999.jsonl:1: 'date' is out of range: '9999-12-31T23:59:59-05:00'"),
    ("damaged.parquet", _damaged_parquet, "damaged.parquet: damaged Parquet data after row 10,000 ("),
])
def test_bad_input_is_one_line_and_the_folder_goes_on_and_groups(db_path, tmp_path, name, data, message):
    folder = _one_good_and(tmp_path / "in", name, data)
    report, names, pending = _imported_folder(db_path, folder)
    if message.endswith("("):  # pyarrow's own words follow, in parentheses
        assert len(report.errors) == 1 and report.errors[0].startswith(f"{folder}/{message}")
        assert report.errors[0].endswith(")") and "\n" not in report.errors[0]
    else:
        assert report.errors == [f"{folder}/{message}"]
    assert names == ["in/good.txt"] and pending == 0


def test_an_error_no_reader_foresaw_still_names_the_file_and_the_rest_is_imported(db_path, tmp_path, monkeypatch):
    folder = _one_good_and(tmp_path / "in", "odd.md", b"# Title\n\nSome text here.")

    def broken(data, path, name):
        raise ValueError("a parser's own\nerror")

    monkeypatch.setitem(readers.READERS, "md", broken)
    report, names, pending = _imported_folder(db_path, folder)
    assert report.errors == [f"{folder}/odd.md: cannot be read (ValueError: a parser's own error)"]
    assert names == ["in/good.txt"] and pending == 0


def _bomb(size):
    import gzip

    return gzip.compress(b'{"text": "' + b"a" * size + b'"}\n', 9)


def test_a_decompression_bomb_is_refused_by_the_file_cap_without_inflating_it(db_path, tmp_path, monkeypatch):
    bomb = _bomb(50 << 20)
    assert len(bomb) < 100_000
    folder = _one_good_and(tmp_path / "in", "bomb.jsonl.gz", bomb)
    read = []
    original = readers._CHUNK
    monkeypatch.setattr(readers, "_CHUNK", original)
    import gzip

    class Counting(gzip.GzipFile):
        def read(self, size=-1):
            assert 0 < size <= original  # a megabyte at a time, never the whole file
            chunk = super().read(size)
            read.append(len(chunk))
            return chunk

    monkeypatch.setattr(gzip, "GzipFile", Counting)
    report, names, _pending = _imported_folder(db_path, folder, limits=readers.Limits(file_bytes=10 << 20))
    assert report.errors == [f"{folder}/bomb.jsonl.gz: uncompressed, it is larger than 10 MB, the cap on one "
                             "file's size (raise it with --max-file-mb)"]
    assert sum(read) <= (10 << 20) + original and names == ["in/good.txt"]


def test_the_caps_are_options_of_import(db_path, tmp_path):
    from click.testing import CliRunner

    from annotator.cli import main

    folder = _one_good_and(tmp_path / "in", "long.jsonl.gz", _bomb(3 << 20))
    result = CliRunner().invoke(main, ["import", str(folder), "--db", str(db_path), "--max-file-mb", "2"])
    assert result.exit_code == 1
    assert result.stderr == (f"error: {folder}/long.jsonl.gz: uncompressed, it is larger than 2 MB, the cap on one "
                             "file's size (raise it with --max-file-mb)\n")
    result = CliRunner().invoke(main, ["import", str(folder), "--db", str(db_path), "--max-document-chars", "1000"])
    assert result.stderr == (f"error: {folder}/long.jsonl.gz: document 'in/long.jsonl.gz:1' has 3,145,728 "
                             "characters, more than 1,000, the cap on one document (raise it with "
                             "--max-document-chars)\n")
    result = CliRunner().invoke(main, ["import", str(folder), "--db", str(db_path)])
    assert result.exit_code == 0 and result.stderr == ""
    plain = tmp_path / "plain.txt"
    plain.write_text("A sentence here. " * 100_000)
    result = CliRunner().invoke(main, ["import", str(plain), "--db", str(db_path), "--max-file-mb", "1"])
    assert result.stderr == (f"error: {plain}: it is larger than 1 MB, the cap on one file's size (raise it with "
                             "--max-file-mb)\n")


def test_a_zstd_bomb_is_refused_too(db_path, tmp_path):
    zstandard = pytest.importorskip("zstandard")
    bomb = zstandard.ZstdCompressor(level=19).compress(b'{"text": "' + b"a" * (20 << 20) + b'"}\n')
    folder = _one_good_and(tmp_path / "in", "bomb.jsonl.zst", bomb)
    report, names, _pending = _imported_folder(db_path, folder, limits=readers.Limits(file_bytes=5 << 20))
    assert report.errors == [f"{folder}/bomb.jsonl.zst: uncompressed, it is larger than 5 MB, the cap on one "
                             "file's size (raise it with --max-file-mb)"]
    assert names == ["in/good.txt"]


def test_named_pipes_and_sockets_in_a_folder_are_skipped_and_said(db_path, tmp_path):
    import socket

    folder = _one_good_and(tmp_path / "in", "pipe.txt", lambda path: os.mkfifo(path))
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(str(folder / "socket.jsonl"))
    try:
        report, names, pending = _imported_folder(db_path, folder)
    finally:
        listener.close()
    assert report.errors == []
    assert report.messages[:2] == [f"skipped {folder}/pipe.txt: a named pipe, not a regular file",
                                   f"skipped {folder}/socket.jsonl: a socket, not a regular file"]
    assert names == ["in/good.txt"] and pending == 0


def test_a_named_pipe_or_a_device_given_by_name_is_refused_not_read(db_path, tmp_path):
    pipe = tmp_path / "pipe.jsonl"
    os.mkfifo(pipe)
    report, _rows = imported(db_path, pipe)
    assert report.errors == [f"{pipe}: not a regular file (a named pipe); skipped"]
    report = import_paths(Store(db_path), ["/dev/zero"], fmt="txt")
    assert report.errors == ["/dev/zero: not a regular file (a device); skipped"]


def test_a_file_name_with_line_breaks_cannot_forge_lines_of_the_output(db_path, tmp_path):
    from click.testing import CliRunner

    from annotator.cli import main

    folder = tmp_path / "in"
    folder.mkdir()
    forged = "x.txt: 1 document, 1 sentence\nerror: everything.txt: deleted\nimported y.txt"
    (folder / forged).write_text("A real sentence is here.")
    (folder / "bad\nname.jsonl").write_text("not json\n")
    result = CliRunner().invoke(main, ["import", str(folder), "--db", str(db_path)])
    quoted = repr(f"{folder}/{forged}")
    assert result.stdout.splitlines() == [
        f"created a new database at {db_path}",
        f"imported {quoted}: 1 document, 1 sentence",
        "1 document and 1 sentence added, 0 unchanged; 0 sentences joined a duplicate group",
    ]
    assert result.stderr.splitlines() == [
        f"error: {repr(str(folder) + '/bad' + chr(10) + 'name.jsonl')}:1: bad JSON (Expecting value at column 1)"]


def test_a_publication_date_before_the_year_1000_is_stored_in_the_one_width(db_path, tmp_path):
    (tmp_path / "old.jsonl").write_text(json.dumps({"text": "An old chronicle.", "date": "0900-06-01"}) + "\n")
    import_paths(Store(db_path), [tmp_path / "old.jsonl"])
    assert Store(db_path).db.execute("SELECT published FROM documents").fetchall() == [("0900-06-01T00:00:00.000Z",)]
