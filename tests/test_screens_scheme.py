"""Every screen follows the project's scheme (issue 31): keys, marks, colours, counts, the footer, the
view cycle, review's decide keys, the second question asked on the screen, the guidelines behind `?`;
twelve labels on 80x24; and the whole journey for ClaimBuster's three labels and for a binary scheme
with a second question, with no trace of the default four anywhere, the screens' text included."""

from __future__ import annotations

import html
import json
import re
import sqlite3

import pytest
from rich.cells import cell_len
from textual.widgets import Footer

from annotator.store import Store
from annotator.tui.app import AnnotatorApp
from annotator.tui.screens.help import HelpScreen
from annotator.tui.screens.prompt import SecondScreen
from annotator.writer import wait_all
import test_scheme
from helpers import run
from test_tui import fixed_clock, fixed_database_path  # noqa: F401  (fixtures: 14:02, one database path)

DEFAULT_WORDS = re.compile(r"\b(fact|claim|opinion|advert)s?\b", re.IGNORECASE)

# news in the languages the teams work in; per language: check-worthy facts, unimportant facts, the rest
NEWS = {
    "de.txt": [("Die Arbeitslosigkeit sank im Mai auf 3,9 Prozent.", "CFS"),
               ("Der Bundestag tagt am Donnerstag in Berlin.", "UFS"),
               ("Ich finde das einfach großartig.", "NFS"),
               ("Die Regierung gab im vergangenen Jahr 12 Milliarden Euro für Verteidigung aus.", "CFS"),
               ("Die Pressekonferenz beginnt um zehn Uhr.", "UFS"),
               ("Was für ein schöner Tag!", "NFS")],
    "pl.txt": [("Bezrobocie w Polsce spadło w maju do 5,1 procent.", "CFS"),
               ("Posiedzenie Sejmu rozpocznie się we wtorek.", "UFS"),
               ("To jest naprawdę wspaniała wiadomość.", "NFS"),
               ("Rząd wydał w zeszłym roku 40 miliardów złotych na obronność.", "CFS"),
               ("Konferencja odbędzie się w Warszawie.", "UFS"),
               ("Co za piękny dzień!", "NFS")],
    "ru.txt": [("Безработица в мае снизилась до 3,9 процента.", "CFS"),
               ("Заседание начнётся в понедельник в Москве.", "UFS"),
               ("Это лучшая новость года.", "NFS"),
               ("Инфляция в октябре составила 7,2 процента.", "CFS"),
               ("Пресс-конференция пройдёт в десять часов.", "UFS"),
               ("Какой прекрасный день!", "NFS")],
    "el.txt": [("Η ανεργία μειώθηκε στο 10,8 τοις εκατό τον Μάιο.", "CFS"),
               ("Η συνεδρίαση ξεκινά την Πέμπτη στην Αθήνα.", "UFS"),
               ("Τι ωραία μέρα!", "NFS"),
               ("Ο υπουργός έφτασε στη Θεσσαλονίκη το πρωί.", "UFS"),
               ("Αυτό είναι υπέροχο νέο.", "NFS")],
    "es.txt": [("El paro bajó en mayo hasta el 11,4 por ciento.", "CFS"),
               ("La rueda de prensa empieza a las diez.", "UFS"),
               ("¡Qué día tan bonito!", "NFS"),
               ("El Gobierno gastó el año pasado 13.000 millones de euros en defensa.", "CFS"),
               ("El pleno se reúne el jueves en Madrid.", "UFS"),
               ("Me parece una noticia estupenda.", "NFS")],
}

# ClaimBuster's three (keys i, e, c: free of the screens' own), without test_scheme's second question
CLAIMBUSTER = test_scheme.CLAIMBUSTER.split("[second]")[0]

BINARY = """
name = "checkthat"
[[labels]]
name = "worthy"
key = "w"
colour = "$warning-muted"
definition = "worth a check by the desk"
[[labels]]
name = "unworthy"
key = "e"
colour = "$success-muted"
definition = "nothing to check"
[second]
question = "urgent?"
when = ["worthy"]
answers = [{name = "yes", key = "y"}, {name = "no", key = "n"}]
"""
BINARY_OF = {"CFS": "worthy", "UFS": "unworthy", "NFS": "unworthy"}

TWELVE_NAMES = ["satire", "quote", "statistic", "prediction", "question", "promotion", "rumour", "correction",
                "greeting", "headline", "boilerplate", "other"]
TWELVE_KEYS = "abcdehilmowy"
# the twelve names as an 80x24 and a 70x20 footer cut them: quote and question never alike
SHOWN_TWELVE = {(80, 24): ["sa", "quo…", "st", "pre…", "que…", "pro…", "ru", "co", "gr", "he", "bo", "ot"],
                (70, 20): ["sa", "quo…", "st", "pre…", "que…", "pro…", "r", "c", "g", "h", "b", "o"]}


def twelve() -> str:
    colours = ["red", "green", "blue", "yellow", "magenta", "cyan", "orange", "purple", "teal", "olive", "navy",
               "maroon"]
    return 'name = "twelve"\n' + "".join(
        f'[[labels]]\nname = "{name}"\nkey = "{key}"\ncolour = "{colour}"\ndefinition = "{name} in the news"\n'
        for name, key, colour in zip(TWELVE_NAMES, TWELVE_KEYS, colours))


def project(tmp_path, db_path, scheme_text: str | None) -> None:
    folder = tmp_path / "news"
    folder.mkdir(exist_ok=True)
    for name, sentences in NEWS.items():
        (folder / name).write_text(" ".join(text for text, _ in sentences) + "\n", encoding="utf-8")
    assert run("import", folder, "--db", db_path).exit_code == 0
    if scheme_text is not None:
        (tmp_path / "scheme.toml").write_text(scheme_text, encoding="utf-8")
        result = run("project", "labels", "set", tmp_path / "scheme.toml", "--db", db_path)
        assert result.exit_code == 0, result.output


def screen_text(app) -> str:
    """What the terminal shows, as text (read from the rendered screen)."""
    lines: dict[float, list[str]] = {}
    for y, text in re.findall(r'<text [^>]*?y="([0-9.]+)"[^>]*>([^<]*)</text>', app.export_screenshot()):
        lines.setdefault(float(y), []).append(html.unescape(text).replace("\xa0", " "))
    return "\n".join("".join(parts) for _y, parts in sorted(lines.items()))


def current(db_path, annotator: str) -> list[tuple]:
    return Store(db_path).query(
        "SELECT s.idx, c.label, e.detail FROM current_labels c JOIN events e ON e.id = c.event_id "
        "JOIN sentences s ON s.id = e.sentence_id WHERE c.annotator = ? ORDER BY s.idx", (annotator,))


# -- keys, marks, colours, counts, footer, views ---------------------------------------------------

async def test_the_annotation_screen_takes_its_keys_marks_and_colours_from_the_scheme(db_path, tmp_path):
    project(tmp_path, db_path, CLAIMBUSTER)
    store = Store(db_path)
    app = AnnotatorApp(store, "anna", doc_name="news/de.txt")
    async with app.run_test(size=(140, 40)) as pilot:
        screen = app.screen
        footer = screen.query_one(Footer)
        assert [key.description for key in footer.children][:5] == ["NFS", "UFS", "CFS", "help", "quit"]
        await pilot.press("f", "c", "i", "2", "a", "o")  # f, a, o: the default four's keys, nothing here
        wait_all(10)
        await pilot.pause()
        assert current(db_path, "anna") == [(0, "CFS", None), (1, "NFS", None), (2, "UFS", None)]
        assert screen.session.views == (None, "unlabeled", "NFS", "UFS", "CFS")
        text = screen_text(app)
        assert "[C] Die Arbeitslosigkeit" in text and "[I] Der Bundestag" in text and "[E] Ich finde" in text
        assert " I  NFS      1" in text and " E  UFS      1" in text and " C  CFS      1" in text
        para = screen.para_widgets[0].render()
        assert [span.style for span in para.spans if str(span.style).startswith("on ")][:3] == [
            "on crimson", "on grey", "on $primary-muted"]
        assert DEFAULT_WORDS.findall(text) == []
        await pilot.press("v", "v")  # every sentence, unlabeled, then the scheme's first label
        assert screen.session.view == "NFS"
        assert "view: NFS" in screen_text(app)


async def test_a_scheme_set_by_another_process_shows_when_the_screen_is_opened(db_path, tmp_path):
    project(tmp_path, db_path, None)
    store = Store(db_path)
    (tmp_path / "scheme.toml").write_text(CLAIMBUSTER, encoding="utf-8")
    assert run("project", "labels", "set", tmp_path / "scheme.toml", "--db", db_path).exit_code == 0
    app = AnnotatorApp(store, "anna", doc_name="news/de.txt")  # the store was open before the scheme was set
    async with app.run_test(size=(140, 40)):
        assert [key.description for key in app.screen.query_one(Footer).children][:3] == ["NFS", "UFS", "CFS"]


async def test_review_decides_with_the_schemes_keys_and_x(db_path, tmp_path):
    project(tmp_path, db_path, CLAIMBUSTER)
    rows = [("news/de.txt", 0, "anna", "CFS"), ("news/de.txt", 0, "boris", "UFS"),
            ("news/de.txt", 2, "anna", "NFS"), ("news/de.txt", 2, "boris", "CFS")]
    (tmp_path / "rows.jsonl").write_text("".join(json.dumps(dict(zip(("doc", "index", "annotator", "label"), r)))
                                                 + "\n" for r in rows), encoding="utf-8")
    assert run("import-labels", tmp_path / "rows.jsonl", "--db", db_path).exit_code == 0
    app = AnnotatorApp(Store(db_path), "lead", mode="review")
    async with app.run_test(size=(140, 40)) as pilot:
        assert [key.description for key in app.screen.query_one(Footer).children][:4] == ["NFS", "UFS", "CFS", "help"]
        text = screen_text(app)
        assert " CFS " in text and " UFS " in text and DEFAULT_WORDS.findall(text) == []
        await pilot.press("f", "c", "x")  # f decides nothing here
        wait_all(10)
        await pilot.pause()
    assert Store(db_path).query("SELECT label, annotator FROM events WHERE kind = 'decision' ORDER BY id") == [
        ("CFS", "lead"), ("ambiguous", "lead")]


# -- the second question ---------------------------------------------------------------------------

async def test_the_second_question_is_asked_after_its_labels_and_stored_with_the_label(db_path, tmp_path):
    project(tmp_path, db_path, BINARY)
    store = Store(db_path)
    app = AnnotatorApp(store, "anna", doc_name="news/de.txt")
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("e")  # unworthy: no question
        assert not isinstance(app.screen, SecondScreen)
        await pilot.press("w")
        assert isinstance(app.screen, SecondScreen)
        assert "urgent?  (y yes · n no · escape: no answer)" in screen_text(app)
        await pilot.press("u", "w", "y")  # keys that are no answer do nothing, y answers
        assert not isinstance(app.screen, SecondScreen)
        wait_all(10)
        await pilot.pause()
        assert current(db_path, "anna") == [(0, "unworthy", None), (1, "worthy", "yes")]
        # one label given, then its answer as the same label with the answer: two events, the latest current
        assert store.query("SELECT label, detail, undone FROM events WHERE sentence_id = "
                           "(SELECT id FROM sentences WHERE idx = 1 AND doc_id = 1) ORDER BY id") == [
            ("worthy", None, 0), ("worthy", "yes", 0)]
        await pilot.press("k")
        assert "your label: worthy · urgent: yes" in screen_text(app)
        await pilot.press("u")  # undo takes back the answer with its label
        wait_all(10)
        await pilot.pause()
        assert current(db_path, "anna") == [(0, "unworthy", None)]
        assert "your label: none" in screen_text(app)
        await pilot.press("w", "escape")  # escape: the label stays, unanswered
        wait_all(10)
        await pilot.pause()
        assert current(db_path, "anna") == [(0, "unworthy", None), (1, "worthy", None)]
        await pilot.press("k", "w", "n")  # relabeled and answered no
        wait_all(10)
        await pilot.pause()
        assert current(db_path, "anna") == [(0, "unworthy", None), (1, "worthy", "no")]
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        await pilot.press("k")
        assert "yours: worthy · urgent: no" in screen_text(app)


def test_the_session_refuses_an_answer_the_question_does_not_have(db_path, tmp_path):
    from annotator.session import Session

    project(tmp_path, db_path, BINARY)
    session = Session(Store(db_path), "anna", "news/de.txt")
    assert session.answer("yes") is False  # nothing labeled yet
    session.label("unworthy")
    assert session.answer("yes") is False  # the question does not follow unworthy
    session.label("worthy")
    with pytest.raises(ValueError, match="unknown answer 'maybe': urgent\\? takes yes, no"):
        session.answer("maybe")
    with pytest.raises(ValueError, match="unknown label 'claim': the project's labels are worthy, unworthy"):
        session.label("claim")


# -- help: the guidelines, then the keys -------------------------------------------------------------

async def test_help_shows_the_current_guidelines_or_else_the_schemes_definitions_then_the_keys(db_path, tmp_path):
    project(tmp_path, db_path, CLAIMBUSTER)
    store = Store(db_path)
    app = AnnotatorApp(store, "anna", doc_name="news/de.txt")
    async with app.run_test(size=(140, 60)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = app.screen.text
        assert "- **NFS** (`i`, `1`): non-factual sentence: a judgement, a question, a greeting" in text
        assert "  - e.g. \u201cЭто лучшая новость года.\u201d" in text
        assert "| `c`/`3` | label the sentence, then go to the next one you have not labeled: CFS |" in text
        assert DEFAULT_WORDS.findall(screen_text(app)) == []
        await pilot.press("escape")
        (tmp_path / "g.md").write_text("# Leitfaden\n\nEin CFS ist eine überprüfbare Zahl.\n", encoding="utf-8")
        assert run("guidelines", "set", tmp_path / "g.md", "--db", db_path).exit_code == 0
        await pilot.press("question_mark")  # a version set by another process shows at the next `?`
        assert app.screen.text.startswith("*Guidelines, version 1*\n\n# Leitfaden\n\nEin CFS ist eine überprüfbare "
                                          "Zahl.\n\n# Labels: claimbuster\n\n- **NFS** (`i`, `1`): non-factual")
        assert "\n\n# Keys: the annotation screen\n" in app.screen.text
        assert "Ein CFS ist eine überprüfbare Zahl." in screen_text(app)


async def test_help_under_guidelines_still_shows_definitions_examples_and_the_second_question(db_path, tmp_path):
    project(tmp_path, db_path, BINARY.replace('definition = "worth a check by the desk"',
                                              'definition = "worth a check by the desk"\n'
                                              'examples = ["Безработица в мае снизилась до 3,9 процента."]'))
    (tmp_path / "g.md").write_text("# Wytyczne\n\nLiczby zawsze sprawdzamy.\n", encoding="utf-8")
    assert run("guidelines", "set", tmp_path / "g.md", "--db", db_path).exit_code == 0
    app = AnnotatorApp(Store(db_path), "anna", doc_name="news/pl.txt")
    async with app.run_test(size=(140, 60)) as pilot:
        await pilot.press("question_mark")
        text = app.screen.text
        assert text.startswith(
            "*Guidelines, version 1*\n\n# Wytyczne\n\nLiczby zawsze sprawdzamy.\n\n# Labels: checkthat\n\n"
            "- **worthy** (`w`, `1`): worth a check by the desk\n"
            "  - e.g. \u201cБезработица в мае снизилась до 3,9 процента.\u201d\n"
            "- **unworthy** (`e`, `2`): nothing to check\n\n"
            "After worthy: **urgent?** (`y` yes, `n` no; `escape` leaves it unanswered).\n\n"
            "# Keys: the annotation screen\n")
        shown = screen_text(app)
        assert "Liczby zawsze sprawdzamy." in shown and "urgent?" in shown and "worth a check by the desk" in shown


# -- twelve labels on 80x24 ------------------------------------------------------------------------

@pytest.mark.parametrize("size", [(80, 24), (70, 20)])
async def test_twelve_labels_fit_a_small_footer_every_key_shown_no_two_names_alike(db_path, tmp_path, size):
    project(tmp_path, db_path, twelve())
    app = AnnotatorApp(Store(db_path), "anna", doc_name="news/de.txt")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        footer = app.screen.query_one(Footer)
        keys = [key for key in footer.children if key.action.startswith("label(")]
        assert [key.key for key in keys] == list(TWELVE_KEYS)
        assert all(key.region.right <= size[0] for key in keys) and footer.max_scroll_x == 0
        shown = [key.description for key in keys]
    assert shown == SHOWN_TWELVE[size]
    assert all(shown.count(name) == 1 for name in shown if name)


async def counts_after(pilot, *keys):
    """The side panel's counts box once `keys` are pressed and their labels stored."""
    await pilot.press(*keys)
    wait_all(10)
    await pilot.pause()
    return pilot.app.screen.query_one("#counts")


async def test_twelve_labels_count_in_six_lines_on_the_side_panel(db_path, tmp_path):
    project(tmp_path, db_path, twelve())
    app = AnnotatorApp(Store(db_path), "anna", doc_name="news/de.txt")
    async with app.run_test(size=(120, 40)) as pilot:
        counts = str((await counts_after(pilot, "a", "y", "y")).render()).splitlines()[2:]
        assert counts == [" A  satire     1 B  quote      0", " C  stati…     0 D  predi…     0",
                          " E  quest…     0 H  promo…     0", " I  rumour     0 L  corre…     0",
                          " M  greet…     0 O  headl…     0", " W  boile…     0 Y  other      2"]


# names of every script and width: Chinese (two columns a character), a long German compound, Russian,
# Arabic, an emoji, the longest name a scheme allows
WIDE_NAMES = ["事实陈述事实陈述", "Behauptungsüberprüfung", "Мнение", "رأي", "😀emoji",
              "Quellenangabenüberprüfungsverantwortlich", "seven", "eight"]
WIDE_KEYS = "abcdehil"


def wide() -> str:
    assert len(WIDE_NAMES[5]) == 40  # the longest a scheme allows
    colours = ["red", "green", "blue", "yellow", "magenta", "cyan", "orange", "purple"]
    return 'name = "wide"\n' + "".join(
        f'[[labels]]\nname = "{name}"\nkey = "{key}"\ncolour = "{colour}"\n'
        for name, key, colour in zip(WIDE_NAMES, WIDE_KEYS, colours))


def footer_keys(app, width: int) -> list[str]:
    """The footer's keys as drawn, each "key name"; asserting that each ends inside the screen."""
    footer = app.screen.query_one(Footer)
    assert footer.max_scroll_x == 0
    shown = []
    for key in footer.children:
        if key.region.width:
            assert key.region.right <= width, (key.key, key.description, key.region)
            shown.append(f"{key.key_display} {key.description}")
    return shown


@pytest.mark.parametrize("size, labels", [
    ((80, 24), ["a 事实陈…", "b Behaup…", "c Мнение", "d رأي", "e 😀emoji", "h Quelle…", "i seven", "l eight"]),
    ((120, 40), ["a 事实陈述事实陈述", "b Behauptungsüberprüfung", "c Мнение", "d رأي", "e 😀emoji",
                 "h Quellenangabenüberprüfun…", "i seven", "l eight"]),
])
async def test_wide_label_names_are_cut_by_columns_and_the_footer_keeps_every_key_and_help(
        db_path, tmp_path, size, labels):
    project(tmp_path, db_path, wide())
    app = AnnotatorApp(Store(db_path), "anna", doc_name="news/de.txt")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        shown = footer_keys(app, size[0])
        assert shown[:9] == [*labels, "? help"]


async def test_wide_label_names_count_on_one_line_each_in_the_side_panel(db_path, tmp_path):
    project(tmp_path, db_path, wide())
    app = AnnotatorApp(Store(db_path), "anna", doc_name="news/de.txt")
    async with app.run_test(size=(120, 40)) as pilot:
        counts = await counts_after(pilot, "a", "b", "a")
        lines = str(counts.render()).splitlines()[2:]
        assert lines == [" A  事实…      2 B  Behau…     1", " C  Мнение     0 D  رأي        0",
                         " E  😀emo…     0 H  Quell…     0", " I  seven      0 L  eight      0"]
        assert counts.region.height == 2 + len(lines) + 1  # its lines, none wrapped, and its padding
        assert all(cell_len(line) <= 32 for line in lines)


async def test_an_80x24_screen_shows_every_labels_count_without_the_side_panel(db_path, tmp_path):
    project(tmp_path, db_path, twelve())
    app = AnnotatorApp(Store(db_path), "anna", doc_name="news/de.txt")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a", "y", "y", "a", "b")
        wait_all(10)
        await pilot.pause()
        assert not app.screen.query_one("#side").display
        lines = screen_text(app).splitlines()
        assert "A 2 B 1 C 0 D 0 E 0 H 0 I 0 L 0 M 0 O 0 W 0 Y 2" in lines


async def test_twelve_labels_at_70_columns_keep_every_key_and_help(db_path, tmp_path):
    project(tmp_path, db_path, twelve())
    app = AnnotatorApp(Store(db_path), "anna", doc_name="news/de.txt")
    async with app.run_test(size=(70, 20)) as pilot:
        await pilot.pause()
        assert footer_keys(app, 70)[:13] == [f"{key} {name}" for key, name in zip(
            TWELVE_KEYS, SHOWN_TWELVE[(70, 20)])] + ["? help"]


def test_no_command_help_names_the_default_labels_keys():
    from click.testing import CliRunner

    from annotator.cli import main

    def helps(group, path):
        yield path, CliRunner().invoke(main, [*path, "--help"], terminal_width=200).output
        for name, command in getattr(group, "commands", {}).items():
            yield from helps(command, [*path, name])

    texts = dict((" ".join(path), text) for path, text in helps(main, []))
    assert "the project's label keys (annotator project labels)" in texts["annotate"]
    # a key beside a default label ("f fact") is a fixed vocabulary; any project's keys differ
    assert {path: re.findall(r"\b[a-z] (?:fact|claim|opinion|advert)\b", text) for path, text in texts.items()
            if re.search(r"\b[a-z] (?:fact|claim|opinion|advert)\b", text)} == {}


def snapshot_project(tmp_path, scheme_text):
    db_path = tmp_path / "snap.db"
    project(tmp_path, db_path, scheme_text)
    return Store(db_path)


def test_snapshot_twelve_labels_80x24(tmp_path, snap_compare):
    from test_tui import pressing

    store = snapshot_project(tmp_path, twelve())
    assert snap_compare(AnnotatorApp(store, "anna", doc_name="news/pl.txt"), run_before=pressing("a", "b", "y"),
                        terminal_size=(80, 24))


def test_snapshot_claimbuster_80x24(tmp_path, snap_compare):
    from test_tui import pressing

    store = snapshot_project(tmp_path, CLAIMBUSTER)
    assert snap_compare(AnnotatorApp(store, "anna", doc_name="news/ru.txt"), run_before=pressing("c", "e", "i"),
                        terminal_size=(80, 24))


@pytest.mark.parametrize("scheme_text, doc, keys, size", [
    (None, "news/de.txt", "fco", (80, 24)),
    (twelve(), "news/es.txt", "aby", (70, 20)),
    (wide(), "news/de.txt", "abd", (80, 24)),
    (wide(), "news/de.txt", "abd", (120, 40)),
], ids=["default_four_80x24", "twelve_70x20", "wide_names_80x24", "wide_names_120x40"])
def test_snapshot_counts_and_footer(tmp_path, snap_compare, scheme_text, doc, keys, size):
    from test_tui import pressing

    store = snapshot_project(tmp_path, scheme_text)
    assert snap_compare(AnnotatorApp(store, "anna", doc_name=doc), run_before=pressing(*keys), terminal_size=size)


def test_snapshot_binary_with_the_second_question_asked_80x24(tmp_path, snap_compare):
    from test_tui import pressing

    store = snapshot_project(tmp_path, BINARY)
    assert snap_compare(AnnotatorApp(store, "anna", doc_name="news/el.txt"), run_before=pressing("e", "w"),
                        terminal_size=(80, 24))


# -- the whole journey -----------------------------------------------------------------------------

def rows_for(scheme_name: str) -> list[dict]:
    """Two annotators' labels on every sentence but each document's last; boris differs on two."""
    rows = []
    for doc, sentences in NEWS.items():
        for index, (_text, label) in enumerate(sentences[:-1]):
            for who in ("anna", "boris"):
                given = label
                if who == "boris" and (doc, index) in (("de.txt", 1), ("ru.txt", 2)):
                    given = {"UFS": "CFS", "NFS": "UFS"}[label]
                if scheme_name == "checkthat":
                    given = BINARY_OF[given]
                row = {"doc": f"news/{doc}", "index": index, "annotator": who, "label": given}
                if given == "worthy":
                    row["detail"] = "yes" if index == 0 or who == "anna" else "no"
                rows.append(row)
    return rows


@pytest.mark.parametrize("scheme_text,name,keys", [
    (CLAIMBUSTER, "claimbuster", {"first": "c", "decide": "e"}),
    (BINARY, "checkthat", {"first": "w", "answer": "y", "decide": "w"}),
], ids=["claimbuster", "binary-with-a-second-question"])
async def test_the_whole_journey_follows_the_scheme(db_path, tmp_path, scheme_text, name, keys):
    project(tmp_path, db_path, scheme_text)
    labels = [line.split()[1] for line in run("project", "labels", "--db", db_path).output.splitlines()[1:]
              if line.startswith("  ") and not line.strip().startswith("e.g.")]
    outputs = []
    copy = tmp_path / "offline.db"
    with sqlite3.connect(db_path) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)  # an offline copy, same scheme, taken before any label
    rows = rows_for(name)
    (tmp_path / "rows.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                                         encoding="utf-8")
    outputs.append(run("import-labels", tmp_path / "rows.jsonl", "--db", db_path).output)
    assert outputs[-1] == f"{len(rows)} labels added, 0 already present, 0 rows skipped\n"

    # label in the screen, undo, label again
    screens = []
    app = AnnotatorApp(Store(db_path), "carla", doc_name="news/pl.txt")
    async with app.run_test(size=(120, 40)) as pilot:
        answer = (keys["answer"],) if "answer" in keys else ()
        await pilot.press(keys["first"], *answer)
        wait_all(10)
        await pilot.pause()
        first = labels[-1] if name == "claimbuster" else "worthy"
        assert current(db_path, "carla") == [(0, first, "yes" if answer else None)]
        await pilot.press("u")
        wait_all(10)
        await pilot.pause()
        assert current(db_path, "carla") == []
        await pilot.press(keys["first"], *answer)
        wait_all(10)
        await pilot.pause()
        screens.append(screen_text(app))
        await pilot.press("question_mark")
        screens.append(screen_text(app))
    assert current(db_path, "carla") == [(0, first, "yes" if answer else None)]

    figures = json.loads(run("agreement", "--json", "--db", db_path).output)
    assert figures["confusion"]["anna|boris"]["labels"] == labels
    outputs += [run("agreement", "--db", db_path).output, run("progress", "--db", db_path).output]

    app = AnnotatorApp(Store(db_path), "lead", mode="review")
    async with app.run_test(size=(120, 40)) as pilot:
        screens.append(screen_text(app))
        await pilot.press(keys["decide"])
        wait_all(10)
        await pilot.pause()
        screens.append(screen_text(app))
        await pilot.press("t")
        screens.append(screen_text(app))
    decided = {"c": "CFS", "e": "UFS" if name == "claimbuster" else "unworthy", "w": "worthy"}[keys["decide"]]
    assert Store(db_path).query("SELECT label FROM events WHERE kind = 'decision'") == [(decided,)]

    for out in ("all.jsonl", "majority.csv", "gold.parquet"):
        result = run("export", "--out", tmp_path / out, "--mode", out.split(".")[0], "--db", db_path)
        assert result.exit_code == 0, result.output
        outputs.append(result.output)
    import pyarrow.parquet as pq

    exported = [(tmp_path / "all.jsonl").read_text(encoding="utf-8"), (tmp_path / "majority.csv").read_text(encoding="utf-8"),
                json.dumps(pq.read_table(tmp_path / "gold.parquet").to_pylist(), ensure_ascii=False),
                (tmp_path / "datacard.md").read_text(encoding="utf-8")]
    assert {json.loads(line)["label"] for line in exported[0].splitlines()} == set(labels)
    assert [r["label"] for r in json.loads(exported[2]) if r["decided_by"]] == [decided]
    assert {r["label"] for r in json.loads(exported[2])} <= set(labels)

    result = run("suggest", "--no-evaluation", "--db", db_path)
    assert result.exit_code == 0, result.output
    outputs += [result.output, run("suggestions", "--db", db_path).output]
    suggested = json.loads(run("suggestions", "--json", "--db", db_path).output)
    assert suggested and {s["label"] for s in suggested} <= set(labels)

    (tmp_path / "offline.jsonl").write_text(json.dumps(
        {"doc": "news/el.txt", "index": 4, "annotator": "dora", "label": labels[0]}, ensure_ascii=False) + "\n",
        encoding="utf-8")
    assert run("import-labels", tmp_path / "offline.jsonl", "--db", copy).exit_code == 0
    outputs.append(run("merge", copy, "--db", db_path).output)
    assert outputs[-1].startswith(f"merged {copy}: added 1 label;")
    other_db = tmp_path / "other" / "other.db"
    other_db.parent.mkdir()
    project(other_db.parent, other_db, BINARY if name == "claimbuster" else CLAIMBUSTER)
    refused = run("merge", other_db, "--db", db_path)
    assert refused.exit_code == 1 and refused.output.startswith(f"Error: {other_db}: the copy's label scheme ")
    assert refused.output.endswith("; set the same scheme on both first (annotator project labels set); nothing merged\n")
    outputs.append(refused.output)

    everything = outputs + exported + screens
    for text in everything:
        assert DEFAULT_WORDS.findall(text) == [], text


async def test_a_label_landing_while_a_dialog_is_open_shows_as_stored(db_path, tmp_path):
    # the write lands while the second question (or a note) is asked: the screen under it learns it
    project(tmp_path, db_path, BINARY)
    app = AnnotatorApp(Store(db_path), "anna", doc_name="news/de.txt")
    async with app.run_test(size=(80, 24)) as pilot:
        annotate = app.screen
        await pilot.press("e", "n")  # a label, then the note dialog on it
        wait_all(10)
        await pilot.pause()
        assert annotate.session.saving == set() and "saving" not in screen_text(app)
        await pilot.press("escape", "w")
        assert isinstance(app.screen, SecondScreen)
        wait_all(10)
        await pilot.pause()
        assert annotate.session.saving == set() and "saving" not in screen_text(app)


async def test_an_accepted_suggestion_is_asked_the_second_question_too(db_path, tmp_path):
    from annotator.suggest import add_rule

    project(tmp_path, db_path, BINARY)
    store = Store(db_path)
    add_rule(store, "Arbeitslosigkeit", "worthy")
    app = AnnotatorApp(store, "anna", doc_name="news/de.txt")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")
        assert isinstance(app.screen, SecondScreen)
        await pilot.press("n")
        wait_all(10)
        await pilot.pause()
    assert current(db_path, "anna") == [(0, "worthy", "no")]
    assert store.query("SELECT source, detail FROM events ORDER BY id") == [("rule:1", None), ("rule:1", "no")]


# -- every name cut and aligned by terminal columns --------------------------------------------------

def test_the_confusion_heat_map_cuts_and_aligns_label_names_by_columns():
    from annotator.tui.screens.review import heat_map

    table = {"labels": ["事实陈述事实陈述", "Мнение", "رأي"], "matrix": [[2, 0, 0], [1, 3, 0], [0, 0, 1]],
             "rows": "李明", "columns": "Zofia"}
    lines = str(heat_map(table)).splitlines()
    assert lines == ["rows 李明, columns Zofia",
                     "            事实陈…   Мнение      رأي",
                     "事实陈…          2        0        0 ",
                     "Мнение           1        3        0 ",
                     "رأي              0        0        1 "]
    assert len({cell_len(line) for line in lines[2:]}) == 1


def test_a_source_named_in_chinese_keeps_the_sources_columns_aligned():
    from annotator.tui.screens.sources import source_line

    def line(source: str) -> str:
        row = {"source": source, "units": 3, "labeled_units": 1, "labels": {}, "originality": 0.5, "copies_from": []}
        return str(source_line(row, 6))

    assert line("人民日报海外版新闻中心网站频道") == "人民日报海外版新闻中…       3       1  ······   50%"
    assert line("spiegel.de") == "spiegel.de                  3       1  ······   50%"


def test_a_database_path_in_chinese_is_cut_from_its_start_by_columns():
    from annotator.tui.widgets.names import tail_of

    assert tail_of("/home/李明/项目/新闻标注.db", 12) == "\u2026新闻标注.db"
    assert cell_len(tail_of("/home/李明/项目/新闻标注.db", 12)) == 12
    assert tail_of("/data/a.db", 12) == "/data/a.db"


async def test_at_80_columns_help_keeps_its_room_even_where_the_names_alone_would_fit(db_path, tmp_path):
    names = ["Tatsache", "Meinung", "Werbung", "Satire", "Zitat", "Prognose", "Мнение", "Φήμη"]  # 75 columns of keys
    project(tmp_path, db_path, 'name = "presse"\n' + "".join(
        f'[[labels]]\nname = "{name}"\nkey = "{key}"\ncolour = "red"\n' for name, key in zip(names, WIDE_KEYS)))
    app = AnnotatorApp(Store(db_path), "anna", doc_name="news/de.txt")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert footer_keys(app, 80)[:9] == ["a Tatsac…", "b Meinung", "c Werbung", "d Satire", "e Zitat",
                                            "h Progno…", "i Мнение", "l Φήμη", "? help"]
