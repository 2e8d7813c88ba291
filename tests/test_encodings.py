"""Legacy encodings (issue 28): labels read as browsers read them (the WHATWG Encoding Standard),
`--encoding auto` right on short texts, C1 control characters taken for a wrong decoding."""

import pytest

from annotator.model import InputError
from annotator.readers import read_file
from annotator.readers.decode import check_encoding, decode, decode_as, said
from annotator.store import Store
from helpers import run


def decoded(data: bytes, encoding: str | None = "auto", html: bool = False) -> tuple[str, list[str]]:
    """The text decode() makes of the bytes, and what the import says of how it read them."""
    with decode_as(encoding):
        return decode(data, "f", html=html), said("f")


TWO_LINES = "The minister said “prices will fall” by €5.\nThe council agreed on Tuesday.\n"


@pytest.mark.parametrize("text, page, read_as", [
    (TWO_LINES, "cp1252", "windows-1252"),  # the issue's: cp775 before
    ("Die Straße nach Köln wurde für den Verkehr gesperrt.\n", "cp1252", "windows-1252"),
    ("Правительство объявило о новых мерах поддержки.\n", "cp1251", "windows-1251"),
    ("Правительство объявило о новых мерах поддержки.\n", "koi8-r", "KOI8-R"),
    ("Rząd ogłosił w piątek nowe środki oszczędnościowe.\n", "cp1250", "windows-1250"),
    ("Η κυβέρνηση ανακοίνωσε νέα μέτρα για την ακρίβεια.\n", "cp1253", "windows-1253"),
    # read as windows-1253 before the final sigma counted: ς for т amid a word
    ("Еще он обсуждал федерализацию Буэнос-Айреса, расширение торговли.\n", "cp1251", "windows-1251"),
    # read as gb18030 before the katakana middle dot counted as Japanese
    ("東京・大阪・名古屋の三都市で、新しい交通政策が発表されました。\n", "cp932", "Shift_JIS"),
])
def test_auto_reads_short_legacy_texts(text, page, read_as):
    assert decoded(text.encode(page)) == (text, [f"read f as {read_as}"])


PAGE = ('<html><head><meta charset="iso-8859-1"><title>Budget</title></head><body><article>'
        "<p>The council’s budget – “final” at last – was passed on Monday.</p></article></body></html>")


def test_a_page_labelled_iso_8859_1_is_read_as_windows_1252(tmp_path):
    (tmp_path / "budget.html").write_bytes(PAGE.encode("cp1252"))
    [doc] = read_file(tmp_path / "budget.html", "budget.html")
    assert doc.text == "The council’s budget – “final” at last – was passed on Monday."
    assert said("budget.html") == ["read budget.html as windows-1252 (declared iso-8859-1)"]
    http_equiv = PAGE.replace('<meta charset="iso-8859-1">',
                              '<meta http-equiv="Content-Type" content="text/html; charset=US-ASCII">')
    assert decoded(http_equiv.encode("cp1252"), None, html=True) == (
        http_equiv, ["read f as windows-1252 (declared US-ASCII)"])


def test_encoding_labels_map_through_the_whatwg_table():
    data = TWO_LINES.encode("cp1252")
    assert decoded(data, "latin-1") == (TWO_LINES, ["read f as windows-1252 (given as latin-1)"])
    assert decoded(data, "cp1252") == (TWO_LINES, ["read f as cp1252"])
    assert decoded("Türkiye’de enflasyon yüzde 48’e düştü, İstanbul’da fiyatlar artıyor.".encode("cp1254"),
                   "iso-8859-9")[0] == "Türkiye’de enflasyon yüzde 48’e düştü, İstanbul’da fiyatlar artıyor."
    assert decoded("日本政府は新しい対策を発表した。".encode("cp932"), "x-sjis")[0] == "日本政府は新しい対策を発表した。"
    assert decoded("政府宣布了新的措施。".encode("gb18030"), "gb2312")[0] == "政府宣布了新的措施。"
    assert check_encoding("L1") == "L1"
    with pytest.raises(ValueError) as err:
        check_encoding("iso-2022-kr")
    assert str(err.value) == ("'iso-2022-kr', an encoding browsers refuse to decode (the WHATWG Encoding Standard "
                              "maps it to 'replacement'); convert the file to UTF-8 first")


def test_a_replacement_label_is_refused_in_one_line(tmp_path, db_path):
    (tmp_path / "a.txt").write_text("A sentence.\n")
    result = run("import", tmp_path / "a.txt", "--encoding", "hz-gb-2312", "--db", db_path)
    assert result.exit_code == 1 and result.output == (
        "Error: --encoding: 'hz-gb-2312', an encoding browsers refuse to decode (the WHATWG Encoding Standard "
        "maps it to 'replacement'); convert the file to UTF-8 first\n")
    page = tmp_path / "kr.html"
    page.write_bytes(b'<html><head><meta charset="iso-2022-kr"></head><body><p>Hi there.</p></body></html>')
    result = run("import", page, "--db", db_path)
    assert f"error: {page}: declares 'iso-2022-kr', an encoding browsers refuse to decode" in result.output


def test_c1_control_characters_are_a_wrong_decoding():
    data = TWO_LINES.encode("cp1252")
    with pytest.raises(InputError) as err:
        decoded(data, "iso-8859-15")
    assert str(err.value) == ("f: read as iso-8859-15 it holds a C1 control character (U+0093 at character 18), "
                              "which text never holds: it is in another encoding; try --encoding auto")
    # a page whose label leaves C1 characters is read, with auto, as its bytes read best
    page = PAGE.replace("iso-8859-1", "iso-8859-2")
    text, lines = decoded(page.encode("cp1252"), "auto", html=True)
    assert "The council’s budget – “final”" in text
    assert lines == ["read f as windows-1252 (declared iso-8859-2, which leaves C1 control characters)"]


def test_import_says_how_each_legacy_file_was_read(tmp_path, db_path):
    folder = tmp_path / "legacy"
    folder.mkdir()
    (folder / "de.txt").write_bytes("Die Straße nach Köln wurde für den Verkehr gesperrt.\n".encode("cp1252"))
    (folder / "ru.txt").write_bytes("Правительство объявило о новых мерах поддержки.\n".encode("koi8-r"))
    (folder / "page.html").write_bytes(PAGE.encode("cp1252"))
    result = run("import", folder, "--encoding", "auto", "--db", db_path)
    assert result.exit_code == 0, result.output
    assert [line for line in result.output.splitlines() if line.startswith("read ")] == [
        f"read {folder / 'de.txt'} as windows-1252",
        f"read {folder / 'page.html'} as windows-1252 (declared iso-8859-1)",
        f"read {folder / 'ru.txt'} as KOI8-R"]
    assert [text for (text,) in Store(db_path).query("SELECT text FROM sentences ORDER BY id")] == [
        "Die Straße nach Köln wurde für den Verkehr gesperrt.",
        "The council’s budget – “final” at last – was passed on Monday.",
        "Правительство объявило о новых мерах поддержки."]


MANGLED = "SÃ£o TomÃ© raised fuel prices by â‚¬4.5, the minister said: â€œenoughâ€\x9d.\n"


def test_mojibake_is_reported_and_repaired_only_when_asked(tmp_path, db_path):
    (tmp_path / "mangled.txt").write_text(MANGLED, encoding="utf-8")
    result = run("import", tmp_path / "mangled.txt", "--db", db_path)
    assert result.exit_code == 0, result.output
    assert (f"{tmp_path / 'mangled.txt'}: 5 passages look like mojibake (Ã£ for ã); imported as written; "
            "import --fix-mojibake repairs them") in result.output.splitlines()
    assert Store(db_path).document(1)[2] == MANGLED
    result = run("import", tmp_path / "mangled.txt", "--fix-mojibake", "--replace", "--db", db_path)
    assert result.exit_code == 0, result.output
    assert f"{tmp_path / 'mangled.txt'}: repaired 5 passages of mojibake (Ã£ to ã)" in result.output.splitlines()
    assert Store(db_path).document(1)[2] == "São Tomé raised fuel prices by €4.5, the minister said: “enough”.\n"


def test_text_that_only_looks_odd_is_no_mojibake():
    for text in ("O preço Ã vista subiu.", "Ça coûte 5 € à Paris.", "Ärger über die Ölpreise."):
        assert decoded(text.encode("utf-8"), None) == (text, [])


@pytest.mark.parametrize("text, page, read_as", [
    # the tester's one-sentence files, read as Greek, Thai or Chinese before
    ("В среду прошли выборы в парламент.\n", "cp1251", "windows-1251"),
    ("Правительство повысило налоги.\n", "koi8-r", "KOI8-R"),
    ("Банк снизил ключевую ставку.\n", "cp1251", "windows-1251"),
    ("Банк снизил ключевую ставку.\n", "koi8-r", "KOI8-R"),
    ("Банк снизил ключевую ставку.\n", "iso-8859-5", "ISO-8859-5"),
    ("Спасибо.\n", "cp866", "IBM866"),
    ("Да.\n", "cp1251", "windows-1251"),
    ("Ναι.\n", "cp1253", "windows-1253"),
    ("İstanbul'da trafik durdu.\n", "cp1254", "windows-1254"),  # Ýstanbul before: İ was no Turkish letter
    # DOS German: "fЃr das n„chste" as windows-1251 before
    ("Die Regierung hat den Haushalt für das nächste Jahr beschlossen.\n", "cp850", "IBM850"),
])
def test_auto_reads_the_shortest_files(text, page, read_as):
    assert decoded(text.encode(page)) == (text, [f"read f as {read_as}"])


def test_a_short_file_that_reads_as_well_in_two_scripts_is_refused():
    # "Нет." in windows-1251 is "Νες." in windows-1253: both words a dictionary knows
    with pytest.raises(InputError) as err:
        decoded("Нет.\n".encode("cp1251"))
    assert str(err.value) == ("f: could not tell its encoding for sure: windows-1253 or windows-1251; "
                              "give one with --encoding")
    assert decoded("Нет.\n".encode("cp1251"), "cp1251") == ("Нет.\n", ["read f as cp1251"])


GERMAN = "Der Bürgermeister eröffnete die neue Straße über den Fluss.\n" * 5


def test_a_file_that_mixes_encodings_is_refused_at_its_bad_byte(tmp_path, db_path):
    data = GERMAN.encode("utf-8") + "Nachtrag: Kosten 5 €.\n".encode("cp1252")
    message = ("mixes encodings: it is UTF-8 but for 1 byte (the first 0x80 at offset 339, line 6); "
               "convert that part to UTF-8, or give the one encoding with --encoding")
    for encoding in ("auto", None):
        with pytest.raises(InputError) as err:
            decoded(data, encoding)
        assert str(err.value) == f"f: {message}"
    (tmp_path / "mixed.txt").write_bytes(data)
    result = run("import", tmp_path / "mixed.txt", "--encoding", "auto", "--db", db_path)
    assert result.exit_code == 1 and result.stderr == f"error: {tmp_path / 'mixed.txt'}: {message}\n"
    assert Store(db_path).query("SELECT count(*) FROM sentences") == [(0,)]


def test_a_legacy_file_not_read_as_utf8_hints_at_auto(tmp_path):
    with pytest.raises(InputError) as err:
        decoded("Titel;Text\nBrücke;Die Brücke kostet 5 €.\n".encode("cp1252"), None)
    assert str(err.value) == ("f: not valid UTF-8 (byte 0xfc at offset 13); try --encoding auto, or give its "
                              "encoding with --encoding NAME")


JAPANESE = "政府は水曜日、来年度の予算案を承認した。\n"


def test_iso_2022_jp_is_read_with_auto_and_refused_as_utf8():
    data = JAPANESE.encode("iso2022_jp")
    assert decoded(data) == (JAPANESE, ["read f as ISO-2022-JP"])
    for encoding in (None, "utf-8", "cp1252"):
        with pytest.raises(InputError) as err:
            decoded(data, encoding)
        assert "it holds ISO-2022-JP escape sequences (the first at byte 0): it is Japanese in ISO-2022-JP; " \
               "give --encoding iso-2022-jp or --encoding auto" in str(err.value)


def test_labels_of_sentences_read_better_are_not_said_present(tmp_path, db_path):
    old = tmp_path / "old.txt"
    old.write_bytes("Der Bürgermeister sagte, die Straße wird gesperrt.\nDie Kosten betragen 5 €.\n"
                    "Das ist kein Satz.\nSão Tomé hat gewählt.\n".encode("cp1252"))
    assert run("import", old, "--encoding", "cp1251", "--db", db_path).exit_code == 0
    labels = tmp_path / "labels.jsonl"
    labels.write_text("".join(f'{{"doc": "old.txt", "index": {i}, "label": "claim", "annotator": "ann"}}\n'
                              for i in range(4)))
    assert run("import-labels", labels, "--db", db_path).output.endswith("4 labels added, 0 already present, 0 rows skipped\n")
    result = run("import", old, "--encoding", "auto", "--replace", "--db", db_path)
    assert result.exit_code == 0, result.output
    # three sentences read better are new sentences: their labels were set aside by --replace
    result = run("import-labels", labels, "--db", db_path)
    assert result.output.endswith(
        "0 labels added, 1 already present, 3 given for sentences whose text has changed since (set aside by "
        "import --replace, not added again), 0 rows skipped\n")
