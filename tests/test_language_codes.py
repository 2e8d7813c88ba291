"""The language of a document as sources give it (issue 26's new-user report, findings 6, 7, 8 and
10): codes mapped to the stored form, a language corrected by importing again, Catalan told from
Spanish, and what the import, stats, sources and export say of languages."""

import json
import sqlite3

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.segment.identify import by_common_words, contradiction, given, identify
from annotator.store import Store

GERMAN = "Das Gesetz tritt am 14. März in Kraft. Die Länder müssen zustimmen.\n"
GERMAN_AS_GERMAN = [(0, "Das Gesetz tritt am 14. März in Kraft."), (1, "Die Länder müssen zustimmen.")]
GERMAN_AS_ENGLISH = [(0, "Das Gesetz tritt am 14."), (1, "März in Kraft."), (2, "Die Länder müssen zustimmen.")]


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def sentences_of(db, name):
    return Store(db).query("SELECT s.idx, s.text FROM sentences s JOIN documents d ON d.id = s.doc_id "
                           "WHERE d.name = ? ORDER BY s.idx", (name,))


def languages(db):
    return Store(db).query("SELECT name, language FROM documents ORDER BY id")


# finding 6: codes as sources write them

@pytest.mark.parametrize("code, stored", [
    ("de", "de"), ("DE", "de"), (" de-AT ", "de"), ("pt_BR", "pt"), ("zh-Hans", "zh"), ("zh_Hant_TW", "zh"),
    ("ger", "de"), ("deu", "de"), ("fre", "fr"), ("fra", "fr"), ("eng", "en"), ("spa", "es"), ("cmn", "zh"),
    ("in", "id"), ("iw", "he"), ("jw", "jv"), ("ji", "yi"), ("mo", "ro"), ("sh", "sr"), ("nob", "nb"),
    ("tl", "tl"), ("yue", "yue"), ("fil", "fil"), ("uk", "uk"),
])
def test_a_code_is_stored_as_iso_639_1_where_the_language_has_one(code, stored):
    assert given(code) == stored


@pytest.mark.parametrize("code", ["und", "UND", "und-Latn", "zxx", "mul", "mis", "qme", "qht", "qam", "x-private", "", "  "])
def test_a_code_of_no_one_language_leaves_it_to_the_identifier(code):
    assert given(code) is None


@pytest.mark.parametrize("code, message", [
    ("xx", "'xx' is not a language code (such as en, de, pt-BR)"),
    ("zzz", "'zzz' is not a language code (such as en, de, pt-BR)"),
    ("jp", "'jp' is not a language code (JP is a country: its language is ja)"),
    ("cn", "'cn' is not a language code (CN is a country: its language is zh)"),
    ("not a code", "'not a code' is not a language code (such as en, de, pt-BR)"),
])
def test_a_code_that_is_no_language_is_refused(code, message):
    with pytest.raises(ValueError) as err:
        given(code)
    assert str(err.value) == message


def test_the_import_maps_the_codes_it_is_given(tmp_path):
    (tmp_path / "de.txt").write_text(GERMAN, encoding="utf-8")
    db = tmp_path / "a.db"
    result = run("import", tmp_path / "de.txt", "--db", db, "--language", "ger")
    assert result.exit_code == 0, result.output
    assert languages(db) == [("de.txt", "de")]
    assert sentences_of(db, "de.txt") == GERMAN_AS_GERMAN
    records = tmp_path / "tweets.jsonl"
    records.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in [
        {"id": "deu", "text": "Der Stadtrat hat am Dienstag die Brücke gesperrt.", "language": "deu"},
        {"id": "media", "text": "https://t.co/abc", "lang": "qme"},
        {"id": "und", "text": "Der Stadtrat hat am Dienstag die alte Brücke über den Fluss für ein Jahr gesperrt.", "lang": "und"},
        {"id": "iw", "text": "הממשלה אישרה את התקציב.", "lang": "iw"},
        {"id": "in", "text": "Pemerintah menyetujui anggaran.", "lang": "in"},
        {"id": "hans", "text": "政府批准了预算。", "lang": "zh-Hans"},
    ]), encoding="utf-8")
    result = run("import", records, "--db", db)
    assert result.exit_code == 0, result.output
    assert languages(db)[1:] == [("deu", "de"), ("media", None), ("und", "de"), ("iw", "he"), ("in", "id"), ("hans", "zh")]
    assert json.loads(run("stats", "--json", "--db", db).stdout)["languages"] == {
        "de": 3, "he": 1, "id": 1, "zh": 1, "unknown": 1}


def test_a_field_or_an_option_that_is_no_language_is_refused_in_one_line(tmp_path):
    (tmp_path / "de.txt").write_text(GERMAN, encoding="utf-8")
    (tmp_path / "bad.jsonl").write_text(json.dumps({"id": "a", "text": "Der Rat tagte."}) + "\n"
                                        + json.dumps({"id": "b", "text": "Der Rat tagte.", "language": "zzz"}) + "\n",
                                        encoding="utf-8")
    db = tmp_path / "a.db"
    for code, why in [("xx", "(such as en, de, pt-BR)"), ("jp", "(JP is a country: its language is ja)")]:
        result = run("import", tmp_path / "de.txt", "--db", db, "--language", code)
        assert (result.exit_code, result.stdout, result.stderr) == (
            1, "", f"Error: --language: '{code}' is not a language code {why}\n")
        assert not db.exists()  # nothing imported, no database made
    result = run("import", tmp_path / "bad.jsonl", tmp_path / "de.txt", "--db", db)
    assert result.exit_code == 1
    assert result.stderr == f"error: {tmp_path / 'bad.jsonl'}:2: 'language': 'zzz' is not a language code (such as en, de, pt-BR)\n"
    assert languages(db) == [("de.txt", "de")]


# finding 7: correcting a language

def test_importing_again_in_another_language_cuts_the_document_again_and_keeps_labels_as_replace_does(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # files named as the user names them
    (tmp_path / "de.txt").write_text(GERMAN, encoding="utf-8")
    db = tmp_path / "a.db"
    assert run("import", "de.txt", "--db", db, "--language", "en").exit_code == 0
    assert sentences_of(db, "de.txt") == GERMAN_AS_ENGLISH
    store = Store(db)
    for sentence_id, in store.query("SELECT id FROM sentences WHERE text IN ('Das Gesetz tritt am 14.', "
                                    "'Die Länder müssen zustimmen.')"):
        store.add_event(sentence_id, "label", "ann", "fact")
    store.close()
    result = run("import", "de.txt", "--db", db, "--language", "de")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "cut de.txt again in de (was en): 1 sentence kept, 1 new, 1 label of removed sentences set aside (kept in "
        "the history; they come back if the sentence does)",
        "0 documents and 1 sentence added, 0 unchanged, 1 cut again in another language; 0 sentences joined a "
        "duplicate group"]
    assert languages(db) == [("de.txt", "de")]
    assert sentences_of(db, "de.txt") == GERMAN_AS_GERMAN
    labeled = "SELECT s.text, e.label FROM events e JOIN sentences s ON s.id = e.sentence_id ORDER BY e.id"
    assert Store(db).query(labeled) == [("Die Länder müssen zustimmen.", "fact")]
    assert Store(db).query("SELECT detached_doc, label FROM events WHERE sentence_id IS NULL") == [("de.txt", "fact")]
    # the same language again: nothing to do; English again: the label set aside comes back
    result = run("import", "de.txt", "--db", db, "--language", "de")
    assert result.stdout == ("unchanged de.txt: already imported\n"
                             "0 documents and 0 sentences added, 1 unchanged; 0 sentences joined a duplicate group\n")
    result = run("import", "de.txt", "--db", db, "--language", "en")
    assert result.stdout.splitlines()[0] == "cut de.txt again in en (was de): 1 sentence kept, 2 new"
    assert sentences_of(db, "de.txt") == GERMAN_AS_ENGLISH
    assert Store(db).query(labeled) == [("Das Gesetz tritt am 14.", "fact"), ("Die Länder müssen zustimmen.", "fact")]


def test_a_language_field_corrected_in_the_file_and_a_file_named_after_its_folder_are_cut_again(tmp_path):
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "de.txt").write_text(GERMAN, encoding="utf-8")
    records = folder / "r.jsonl"
    records.write_text(json.dumps({"id": "r1", "text": GERMAN, "language": "en"}) + "\n", encoding="utf-8")
    db = tmp_path / "a.db"
    assert run("import", folder, "--db", db, "--language", "en").exit_code == 0
    assert languages(db) == [("news/de.txt", "en"), ("r1", "en")]
    records.write_text(json.dumps({"id": "r1", "text": GERMAN, "language": "deu"}) + "\n", encoding="utf-8")
    # a language given by --language stays until the file's own is asked for with --replace
    result = run("import", records, "--db", db)
    assert result.stdout.splitlines() == [
        "unchanged " + str(records) + ": already imported",
        "kept the stored language of 1 document whose file gives another (r1: de in the file, en stored; import "
        "--replace takes the file's)",
        "0 documents and 0 sentences added, 1 unchanged; 0 sentences joined a duplicate group"]
    assert languages(db) == [("news/de.txt", "en"), ("r1", "en")]
    result = run("import", records, "--db", db, "--replace")
    assert result.stdout.splitlines() == [
        "cut r1 again in de (was en): 1 sentence kept, 1 new",
        "0 documents and 1 sentence added, 0 unchanged, 1 cut again in another language; 0 sentences joined a "
        "duplicate group"]
    # imported as part of its folder, corrected by its own name
    result = run("import", folder / "de.txt", "--db", db, "--language", "de")
    assert result.stdout.splitlines()[0] == "cut news/de.txt again in de (was en): 1 sentence kept, 1 new"
    assert languages(db) == [("news/de.txt", "de"), ("r1", "de")]
    assert sentences_of(db, "news/de.txt") == sentences_of(db, "r1") == GERMAN_AS_GERMAN


def test_a_database_from_before_languages_gets_them_from_import_replace(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "de.txt").write_text(GERMAN, encoding="utf-8")
    (tmp_path / "r.jsonl").write_text(json.dumps({"id": "r1", "text": GERMAN, "language": "de"}) + "\n", encoding="utf-8")
    db = tmp_path / "old.db"
    assert run("import", "de.txt", "r.jsonl", "--db", db, "--language", "en").exit_code == 0
    conn = sqlite3.connect(db)  # as a release before languages left it: cut as English, no language
    conn.executescript("ALTER TABLE documents DROP COLUMN language; UPDATE meta SET value = '5' WHERE key = 'schema_version';")
    conn.close()
    # a file that gives its language needs no --replace: no language was ever chosen for it
    result = run("import", "de.txt", "r.jsonl", "--db", db)
    assert result.stdout.splitlines() == [
        "unchanged de.txt: already imported",
        "cut r1 again in de (was unknown): 1 sentence kept, 1 new",
        "1 document already imported has no language (imported before languages were kept, or none was found): "
        "import --replace identifies it and cuts its sentences again",
        "0 documents and 1 sentence added, 1 unchanged, 1 cut again in another language; 0 sentences joined a "
        "duplicate group"]
    assert languages(db) == [("de.txt", None), ("r1", "de")]
    result = run("import", "de.txt", "--db", db, "--replace")
    assert result.stdout.splitlines() == [
        "cut de.txt again in de (was unknown): 1 sentence kept, 1 new",
        "0 documents and 1 sentence added, 0 unchanged, 1 cut again in another language; 1 sentence joined a "
        "duplicate group"]
    assert languages(db) == [("de.txt", "de"), ("r1", "de")]
    assert sentences_of(db, "de.txt") == GERMAN_AS_GERMAN
    assert run("stats", "--db", db).stdout.splitlines()[1] == "languages   de 2"


# finding 8: Catalan, and the languages near it, are not read as Spanish

OPENINGS = {
    "ca": [
        "La Generalitat ha aprovat els pressupostos per al 2024. L'oposició hi ha votat en contra.",
        "El jutge ha dit que la investigació es tancarà al final de la setmana que ve.",
        # Catalan newswire (TeMU-BSC/catalan_CC0_sentences), each read as Spanish before
        "El govern espanyol ha justificat el vet dient que perjudicava el pressupost.",
        "El recurs ha indignat el govern balear i els partits que hi donen suport.",
        "Segons ella, el document podria oferir una falsa sensació de seguretat al portador.",
        "Els Mossos d'Esquadra han detingut tres persones a Girona per un presumpte frau a la gent gran. Segons la "
        "policia, els detinguts es feien passar per tècnics de la companyia elèctrica.",
        "L'Ajuntament de Barcelona ha decidit tancar el trànsit al passeig de Gràcia els diumenges a partir del mes "
        "que ve, una mesura que els comerciants consideren precipitada.",
        "La sequera obliga a reduir el consum d'aigua a 200 municipis de Catalunya. Els embassaments de les conques "
        "internes són al 15% de la seva capacitat, el nivell més baix des que hi ha registres.",
    ],
    "gl": [
        "A Xunta de Galicia aprobou este martes o orzamento para o próximo ano, que inclúe unha suba do 5% no gasto "
        "en sanidade e educación.",
        "O Concello da Coruña pechará ao tráfico a avenida da Mariña durante as obras, que comezarán en setembro e "
        "durarán polo menos seis meses.",
    ],
    "pt": [
        "A polícia prendeu três suspeitos de participar no assalto a um banco no centro de Lisboa. Ninguém ficou "
        "ferido, mas os assaltantes levaram cerca de 200 mil euros.",
        "O presidente da câmara municipal disse que as obras na ponte vão começar em março e que o trânsito será "
        "desviado durante um ano.",
    ],
    "it": [
        "La polizia ha arrestato tre persone a Napoli per una serie di rapine ai danni di anziani. Secondo gli "
        "investigatori, il gruppo agiva da almeno due anni.",
        "Il sindaco di Milano ha annunciato che dal prossimo mese le auto più inquinanti non potranno entrare nel "
        "centro della città.",
    ],
    "es": [
        "La Policía Nacional ha detenido a tres personas en Sevilla por una presunta estafa a personas mayores. Según "
        "los investigadores, los detenidos se hacían pasar por técnicos de la compañía eléctrica.",
        "El alcalde de Madrid anunció que las obras de la plaza comenzarán en enero y que el tráfico se desviará "
        "durante al menos seis meses.",
    ],
}


@pytest.mark.parametrize("code, text", [(code, text) for code, texts in OPENINGS.items() for text in texts])
def test_catalan_and_its_neighbours_are_told_apart(code, text):
    assert by_common_words(text) in (None, code)  # a close call is left to py3langid
    assert identify(text) == code


def test_the_common_words_still_settle_a_clear_case_at_once():
    english = "The council said on Tuesday that it would close the bridge to traffic for a year, and that the work was to start in May."
    italian = ("Il sindaco di Milano ha annunciato che dal prossimo mese le auto più inquinanti non potranno entrare nel "
               "centro della città.")
    assert (by_common_words(english), by_common_words(italian)) == ("en", "it")


# finding 10: what the import, stats, sources and export say of languages

BODY = ("<p>Der Stadtrat hat am Dienstag beschlossen, die alte Brücke über den Fluss für ein Jahr zu sperren. Die "
        "Arbeiten sollen im Mai beginnen, teilte die Verwaltung mit. Anwohner hatten seit Jahren über Risse im Beton "
        "geklagt, die Stadt hatte die Sanierung aber immer wieder verschoben.</p>")


def page(lang: str, day: str) -> str:
    return (f'<html lang="{lang}"><head><title>Brücke {day}</title></head><body><article>'
            f'{BODY.replace("Dienstag", day)}</article></body></html>')


def test_a_declared_language_the_text_contradicts_is_kept_and_said_and_a_malformed_one_said(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    pages = {"wrong.html": page("en", "Montag"), "wrong-too.html": page("fr", "Freitag"),
             "template.html": page("{{ lang }}", "Mittwoch"), "right.html": page("de-DE", "Dienstag"),
             "short.html": '<html lang="en"><body><article><p>Der Rat tagte am Montag lange.</p></article></body></html>'}
    for name, html in pages.items():
        (tmp_path / name).write_text(html, encoding="utf-8")
    db = tmp_path / "a.db"
    result = run("import", *pages, "--db", db)
    assert result.exit_code == 0, result.output
    assert [line for line in result.stdout.splitlines() if not line.startswith(("imported ", "created a new database at "))] == [
        "kept the declared <html lang> of 2 documents although the text reads as another language (wrong.html: "
        "declared en, reads as de; import it with --language to correct it)",
        "ignored the <html lang> of 1 document as no language code (template.html: '{{ lang }}')",
        # the pages' shared sentences join; the one naming another weekday in each stays apart (a date)
        "5 documents and 13 sentences added, 0 unchanged; 6 sentences joined a duplicate group"]
    assert languages(db) == [("wrong.html", "en"), ("wrong-too.html", "fr"), ("template.html", "de"),
                             ("right.html", "de"), ("short.html", "en")]
    # --language settles it, and says nothing of the page's own
    result = run("import", "wrong.html", "template.html", "--db", db, "--language", "de")
    assert result.stdout.splitlines() == [
        "cut wrong.html again in de (was en): 3 sentences kept, 0 new",
        "unchanged template.html: already imported",
        "0 documents and 0 sentences added, 1 unchanged, 1 cut again in another language; 0 sentences joined a "
        "duplicate group"]
    assert contradiction(BODY, "de") is None and contradiction(BODY, "en") == "de"
    from annotator.readers.html import page_language

    assert [page_language(html) for html in ('<html data-lang="xx" xml:lang="pt-BR">', "<HTML LANG=ger>",
                                             "<html lang='{{ lang }}'>", '<html lang="">', "<html>")] == [
        ("pt", None), ("de", None), (None, "{{ lang }}"), (None, None), (None, None)]
    assert contradiction(BODY, "yue") is None  # a language the identifier does not know: no judgement


def test_stats_and_sources_name_an_unknown_language_alike_and_the_table_stays_aligned(tmp_path):
    path = tmp_path / "news.jsonl"
    rows = [("a", "Frankfurter Allgemeine", "Das Gesetz tritt am 14. März in Kraft.", "de"),
            ("b", "Frankfurter Allgemeine", "The law takes effect.", "en"),
            ("c", "Frankfurter Allgemeine", "12 345 678", None),
            ("d", "Frankfurter Allgemeine", "La loi entre en vigueur.", "fr"),
            ("e", "Frankfurter Allgemeine", "La ley entra en vigor.", "es"),
            ("f", "B", "Shares fell.", "en"), ("g", "B", "Le cours a baissé.", "fr"), ("h", "B", "24 25", None)]
    path.write_text("".join(json.dumps({"id": i, "source": s, "text": t, **({"lang": c} if c else {})},
                                       ensure_ascii=False) + "\n" for i, s, t, c in rows), encoding="utf-8")
    db = tmp_path / "a.db"
    assert run("import", path, "--db", db).exit_code == 0
    assert json.loads(run("stats", "--json", "--db", db).stdout)["languages"] == {
        "en": 2, "fr": 2, "unknown": 2, "de": 1, "es": 1}
    assert run("stats", "--db", db).stdout.splitlines()[1] == "languages   en 2, fr 2, unknown 2, de 1, es 1"
    table = json.loads(run("sources", "--json", "--db", db).stdout)
    assert [(r["source"], r["languages"]) for r in table] == [
        ("Frankfurter Allgemeine", {"de": 1, "en": 1, "es": 1, "fr": 1, "unknown": 1}),
        ("B", {"en": 1, "fr": 1, "unknown": 1})]
    assert run("sources", "--db", db).stdout.splitlines() == [
        "source                     docs   units  labeled  fact claim opinion advert  original  languages                "
        "  copies from",
        "Frankfurter Allgemeine        5       5        0     -     -       -      -      100%  de 1, en 1, es 1, +2 more",
        "B                             3       3        0     -     -       -      -      100%  en 1, fr 1, unknown 1",
        "2 sources"]
    assert run("sources", "B", "--db", db).stdout.splitlines() == [
        "(undated)                f  (1 sentence, en)", "(undated)                g  (1 sentence, fr)",
        "(undated)                h  (1 sentence, language unknown)"]


def test_export_by_language_says_when_no_document_is_in_it_and_its_card_counts_only_its_units(tmp_path):
    path = tmp_path / "news.jsonl"
    path.write_text(
        json.dumps({"id": "de1", "text": "Das Gesetz tritt am 14. März in Kraft.", "language": "de"}) + "\n"
        + json.dumps({"id": "en1", "text": "The council voted on Tuesday. Shares fell on Monday.", "language": "en"}) + "\n",
        encoding="utf-8")
    db = tmp_path / "a.db"
    assert run("import", path, "--db", db).exit_code == 0
    store = Store(db)
    for sentence_id, in store.query("SELECT id FROM sentences ORDER BY id"):
        store.add_event(sentence_id, "label", "ann", "fact")
    store.close()
    out = tmp_path / "out.jsonl"
    result = run("export", "--out", out, "--db", db, "--language", "it")
    assert result.exit_code == 0
    assert result.stderr == "note: no documents in language it (annotator stats lists the languages); the file is empty\n"
    assert out.read_text(encoding="utf-8") == ""
    result = run("export", "--out", out, "--db", db, "--language", "und")
    assert (result.exit_code, result.stderr) == (
        1, "Error: --language: 'und' names no one language; give one (such as en, de, pt-BR)\n")
    result = run("export", "--out", out, "--db", db, "--language", "ger", "--card")
    assert result.exit_code == 0, result.output
    card = result.stdout.splitlines()
    assert card[0] == "wrote 1 row to " + str(out)
    assert ("- language: `de` only (units whose original document is in it); the counts, annotators and agreement "
            "below are of these units") in card
    assert "| **total** | 1 |" in card and "- ann: 1 labeled units" in card
    result = run("export", "--out", out, "--db", db, "--card")
    assert "- ann: 3 labeled units" in result.stdout.splitlines() and "- language:" not in result.stdout
