from pathlib import Path

import pytest

from annotator.model import InputError
from annotator.readers import read_file, walk


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def test_txt_keeps_text_with_unix_line_ends(tmp_path):
    [doc] = read_file(write(tmp_path, "a.txt", "One.\r\nTwo.\r\n"), "a.txt")
    assert doc.text == "One.\nTwo.\n" and doc.name == "a.txt"


@pytest.mark.parametrize("first, title", [
    ("Dockworkers end strike", "Dockworkers end strike"), ("Dockworkers end strike.", None),
    ("台风登陆浙江，航班全部取消。", None), ("新しい経済対策が発表されました。", None), ("संसद ने बजट पारित किया।", None),
    ("هل يقر البرلمان الموازنة؟", None), ("「準備はできている」", None), ("台风登陆浙江", "台风登陆浙江")])
def test_a_txt_title_is_a_first_line_that_ends_no_sentence_in_any_script(tmp_path, first, title):
    [doc] = read_file(write(tmp_path, "a.txt", first + "\n\nThe next paragraph.\n"), "a.txt")
    assert doc.title == title


def test_markdown_markup_is_stripped(tmp_path):
    src = "# Title here\n\nSome *emphasis* and a [link](http://x.org).\nSoft break.\n\n- item one\n"
    [doc] = read_file(write(tmp_path, "a.md", src), "a.md")
    assert doc.text == "Title here\n\nSome emphasis and a link. Soft break.\n\nitem one"
    assert doc.title == "Title here"


def test_html_main_text_and_title(tmp_path):
    [doc] = read_file(Path(__file__).parent.parent / "corpus" / "press-release-solar.html", "p.html")
    assert doc.title == "Brightfield Energy opens the largest solar park in the Nordic region"
    assert "OSLO, May 2 - Brightfield Energy today opened its 210-megawatt solar park" in doc.text
    assert "Careers" not in doc.text and "window.analytics" not in doc.text and "Cookie settings" not in doc.text


def test_html_declared_charset(tmp_path):
    html = '<html><head><meta charset="iso-8859-1"><title>T</title></head><body><article><p>Caf\xe9 prices rose by a third in the old town this year, the owners said on Monday.</p></article></body></html>'
    [doc] = read_file(write(tmp_path, "a.html", html.encode("latin-1")), "a.html")
    assert "Café prices rose" in doc.text


def test_jsonl_fields_and_names(tmp_path):
    path = write(tmp_path, "a.jsonl", '{"id": "x1", "text": "Hello there.", "title": "T", "url": "http://u", "meta": {"k": 1}}\n\n{"text": "No id."}\n')
    one, two = read_file(path, "f/a.jsonl")
    assert (one.name, one.text, one.title, one.url, one.meta) == ("x1", "Hello there.", "T", "http://u", {"k": 1})
    assert two.name == "f/a.jsonl:3"


def test_csv_with_embedded_newlines_and_quotes(tmp_path):
    path = write(tmp_path, "a.csv", 'id,text,title\n7,"Line one.\nLine ""two"".",T\n,Plain.,\n')
    one, two = read_file(path, "a.csv")
    assert (one.name, one.text, one.title) == ("7", 'Line one.\nLine "two".', "T")
    assert (two.name, two.text, two.title) == ("a.csv:4", "Plain.", None)


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("bin.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "bin.txt: looks like a PNG image, not text"),
        ("latin.txt", "caf\xe9 au lait".encode("latin-1"), "latin.txt: not valid UTF-8 (byte 0xe9 at offset 3); try --encoding auto, or give its encoding with --encoding NAME"),
        ("empty.txt", b"", "empty.txt: file is empty"),
        ("blank.md", b"  \n\n ", "blank.md: file is empty"),
        ("bad.jsonl", b'{"text": "ok"}\n{"text": "broken"\n', "bad.jsonl:2: bad JSON (Expecting ',' delimiter at column 18)"),
        ("types.jsonl", b'{"text": 5}\n', "types.jsonl:1: 'text' must be a string, not int"),
        ("list.jsonl", b'[1, 2]\n', "list.jsonl:1: expected a JSON object, got list"),
        ("surrogate.jsonl", b'{"text": "bad \\ud800 here"}\n', "surrogate.jsonl:1: text holds a lone surrogate (U+D800) at character 4"),
        ("notext.csv", b"body,title\nx,y\n", "notext.csv: CSV has no 'text' column (found 'body', 'title'; separated by , ; tab or |)"),
        ("script.html", b"<html><body><script>var a = 1;</script></body></html>", "script.html: no main text found in the HTML"),
        ("data.bin", b"abc", "data.bin: unknown format '.bin' (not text)"),
    ],
)
def test_bad_input_messages(tmp_path, name, data, message):
    path = write(tmp_path, name, data)
    with pytest.raises(InputError) as err:
        read_file(path, name)
    assert str(err.value) == f"{tmp_path}/{message}"


def test_bom_utf16(tmp_path):
    [doc] = read_file(write(tmp_path, "u.txt", "Héllo.".encode("utf-16")), "u.txt")
    assert doc.text == "Héllo."


def test_walk_is_recursive_sorted_and_survives_symlink_loops(tmp_path):
    root = tmp_path / "docs"
    (root / "b").mkdir(parents=True)
    write(root, "z.txt", "z")
    write(root / "b", "a.md", "a")
    write(root, "ignored.png", "x")
    (root / "b" / "loop").symlink_to(root, target_is_directory=True)
    assert [name for _, name in walk(root)] == ["docs/b/a.md", "docs/z.txt"]
