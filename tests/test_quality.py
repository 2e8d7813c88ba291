"""Quality: accuracy with Wilson intervals, confusion, time on screen, flags, and the `quality` report."""

import json

import pytest

from annotator.quality.accuracy import confusion, quality, timing, wilson, words
from annotator.review import Review, units_to_review
from annotator.session import Session
from annotator.store import Store
from annotator.tui.app import AnnotatorApp
from annotator.writer import wait_all
from helpers import output_lines, run

DOCS = {
    "de.txt": "Die Bundesregierung hat am Mittwoch den Haushalt für 2027 beschlossen. "
              "Der Minister nannte den Entwurf einen großen Wurf. Jetzt abonnieren und zwei Monate gratis lesen!",
    "ru.txt": "Госдума приняла закон во втором чтении. По словам источника, решение было принято заранее. "
              "Это, на мой взгляд, ошибка.",
    "zh.txt": "国家统计局周三公布了十月份的物价数据。专家认为通胀将在明年回落。",
}


class Clock:
    """A monotonic clock the test moves by hand: no sleeping."""

    def __init__(self, at: float = 1000.0):
        self.at = at

    def __call__(self) -> float:
        return self.at

    def tick(self, seconds: float) -> None:
        self.at += seconds


@pytest.fixture
def news(db_path, tmp_path):
    """German, Russian and Chinese news, each sentence its own unit; (store, {name: doc name})."""
    folder = tmp_path / "news"
    folder.mkdir()
    for name, text in DOCS.items():
        (folder / name).write_text(text + "\n", encoding="utf-8")
    assert run("import", folder, "--db", db_path).exit_code == 0
    store = Store(db_path)
    names = {name.rsplit("/", 1)[-1]: name for _id, name in store.document_ids()}
    yield store, names
    store.close()


def sid(store, names, doc, index):
    return store.sentence_at(names[doc], index).id


# -- accuracy.py -------------------------------------------------------------------------------

def test_wilson_interval_matches_hand_computed_values():
    # 8/10: p = 0.8, z = 1.96: (0.8 + z²/20 ± z·sqrt(0.016 + z²/400)) / (1 + z²/10)
    assert wilson(8, 10) == pytest.approx((0.4902, 0.9433), abs=1e-4)
    assert wilson(4, 5) == pytest.approx((0.3755, 0.9638), abs=1e-4)
    assert wilson(2, 3) == pytest.approx((0.2077, 0.9385), abs=1e-4)
    assert wilson(0, 1) == pytest.approx((0.0, 0.7935), abs=1e-4)
    assert wilson(5, 5) == pytest.approx((0.5655, 1.0), abs=1e-4)
    assert wilson(0, 0) is None
    with pytest.raises(ValueError, match="11 correct out of 10"):
        wilson(11, 10)


def test_confusion_rows_are_expected_columns_given_in_scheme_order():
    pairs = [("fact", "fact"), ("fact", "claim"), ("opinion", "claim"), ("advert", "advert"), ("fact", "rumour")]
    assert confusion(pairs, ("fact", "claim", "opinion", "advert")) == [
        [1, 1, 0, 0], [0, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 1]]


def test_words_count_scripts_written_without_spaces():
    assert words("Госдума приняла закон во втором чтении.") == 6
    assert words("国家统计局周三公布了十月份的物价数据。") == 9  # 18 characters, half a word each
    assert words("Rząd przyjął projekt ustawy o KSeF 2.0") == 7


def test_timing_median_and_labels_faster_than_reading():
    rows = [(0.5, "Госдума приняла закон во втором чтении."),  # 6 words at 8 a second: 0.75 s at least
            (1.0, "Госдума приняла закон во втором чтении."),
            (1.0, "国家统计局周三公布了十月份的物价数据。"),  # 9 words: 1.125 s
            (7.5, "Ο υπουργός δήλωσε ότι η συμφωνία θα υπογραφεί την Πέμπτη.")]
    t = timing(rows)
    assert (t.timed, t.median_seconds, t.too_fast, t.too_fast_share) == (4, 1.0, 2, 0.5)
    assert timing([]).as_json() == {"timed": 0, "median_seconds": None, "too_fast": 0, "too_fast_share": None}


def test_quality_with_no_rows_says_none():
    report = quality([], [], [], ("fact", "claim", "opinion", "advert"))
    assert report["annotators"] == []
    assert report["team"]["control"] == {"answers": 0, "correct": 0, "accuracy": None, "interval": None,
                                         "confusion": [[0] * 4 for _ in range(4)]}


# -- time on screen --------------------------------------------------------------------------------

def test_a_label_records_its_seconds_on_screen_from_the_last_selection(news):
    store, names = news
    clock = Clock()
    session = Session(store, "anna", names["de.txt"], timer=clock)
    clock.tick(4.0)
    session.label("fact")  # moves on to sentence 2: its time starts now
    clock.tick(1.5)
    session.label("opinion")
    clock.tick(30.0)  # away from sentence 1 for a while: a relabel counts from when it is selected again
    session.move(-1)
    clock.tick(2.25)
    session.label("claim")
    session.suggestions = {2: ("advert", 0.93, "suggestion:tfidf-1")}
    clock.tick(9.0)
    session.accept_suggestion()
    assert store.query("SELECT s.idx, e.label, e.seconds, e.source FROM events e JOIN sentences s "
                       "ON s.id = e.sentence_id ORDER BY e.id") == [
        (0, "fact", 4.0, None), (1, "opinion", 1.5, None), (1, "claim", 2.25, None),
        (2, "advert", None, "suggestion:tfidf-1")]


def test_the_timer_is_not_the_time_of_day_the_panel_shows(news, monkeypatch):
    store, names = news
    monkeypatch.setattr("annotator.session.clock", lambda: "14:02")
    session = Session(store, "anna", names["de.txt"], timer=Clock())
    assert session.team_at == "14:02"
    session.refresh()
    assert session.team_at == "14:02"


def test_labels_loaded_in_bulk_have_no_seconds(news, tmp_path, db_path):
    _store, names = news
    rows = tmp_path / "labels.jsonl"
    rows.write_text(json.dumps({"doc": names["ru.txt"], "index": 0, "annotator": "борис", "label": "fact"}) + "\n")
    assert run("import-labels", rows, "--db", db_path).exit_code == 0
    assert Store(db_path).query("SELECT annotator, label, seconds FROM events") == [("борис", "fact", None)]


async def test_time_on_screen_in_the_screen_with_an_injected_clock(news):
    store, names = news
    clock = Clock()
    app = AnnotatorApp(store, "anna", doc_name=names["ru.txt"], timer=clock)
    async with app.run_test(size=(100, 30)) as pilot:
        clock.tick(3.0)
        await pilot.press("f")
        clock.tick(0.5)
        await pilot.press("c")
        await pilot.press("k")
        clock.tick(6.0)
        await pilot.press("o")
        wait_all(10)
        assert store.query("SELECT s.idx, e.label, e.seconds FROM events e JOIN sentences s ON s.id = e.sentence_id "
                           "ORDER BY e.id") == [(0, "fact", 3.0), (1, "claim", 0.5), (1, "opinion", 6.0)]


# -- flags -------------------------------------------------------------------------------------

def flag_events(store):
    wait_all(10)
    return store.query("SELECT s.idx, e.kind, e.annotator, e.note, e.source, e.undone FROM events e "
                       "JOIN sentences s ON s.id = e.sentence_id WHERE e.kind = 'note' ORDER BY e.id")


async def test_flag_key_flags_with_a_note_shows_it_and_unflags(news):
    store, names = news
    app = AnnotatorApp(store, "anna", doc_name=names["de.txt"])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("exclamation_mark", *"Quelle prüfen", "enter")
        assert flag_events(store) == [(0, "note", "anna", "Quelle prüfen", "flag", 0)]
        panel = str(app.screen.query_one("#sentence-info").render())
        assert "flagged by anna: Quelle prüfen" in panel
        await pilot.press("exclamation_mark")  # again: the flag taken back, no dialog
        assert flag_events(store) == [(0, "note", "anna", "Quelle prüfen", "flag", 1)]
        assert "flagged" not in str(app.screen.query_one("#sentence-info").render())
        await pilot.press("u")  # undoing the unflag flags the unit again, with its note
        assert flag_events(store)[1:] == [(0, "note", "anna", "Quelle prüfen", "flag", 0)]
        await pilot.press("u")  # and undoing the flag takes it back
        assert [row[-1] for row in flag_events(store)] == [1, 1]
        await pilot.press("j", "exclamation_mark", "enter")  # an empty note is allowed
        assert flag_events(store)[2:] == [(1, "note", "anna", "", "flag", 0)]
        assert "flagged by anna" in str(app.screen.query_one("#sentence-info").render())
        await pilot.press("k", "exclamation_mark", "escape")  # escape flags nothing
        assert len(flag_events(store)) == 3


async def test_the_narrow_status_line_says_flagged(news):
    store, names = news
    app = AnnotatorApp(store, "anna", doc_name=names["zh.txt"])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("exclamation_mark", *"数据来源?", "enter")
        assert "flagged" in str(app.screen.query_one("#status").render())


def test_a_flag_is_no_note_and_leaves_the_note_as_it_was(news):
    store, names = news
    session = Session(store, "anna", names["ru.txt"])
    session.label("claim")
    session.select(0)
    session.set_note("источник неизвестен")
    session.flag("")  # an empty flag note must not clear the annotator's own note
    assert session.note() == "источник неизвестен"
    assert session.flags() == [("anna", None)]
    session.unflag()
    session.flag("спросить редактора")  # nor does a flag's note stand for it, on screen or in exports
    assert session.note() == "источник неизвестен"
    assert [(row[5], row[7]) for row in store.label_rows()] == [("claim", "источник неизвестен")]


def test_a_flagged_unit_enters_review_until_it_is_decided(news, db_path):
    store, names = news
    first = sid(store, names, "ru.txt", 1)
    for who in ("anna", "борис"):  # both agree: no disagreement
        store.add_event(first, "label", who, "claim")
    assert units_to_review(store) == []
    session = Session(store, "борис", names["ru.txt"])
    session.select(1)
    session.flag("Кто этот источник?")
    group = store.sentence(first).group_id
    assert units_to_review(store) == [group]
    listing = output_lines(run("disagreements", "--db", db_path))
    assert listing == [f"group {group}  {names['ru.txt']}:2  (1 document)",
                       "  По словам источника, решение было принято заранее.",
                       "  anna         claim",
                       "  борис        claim",
                       "  flagged by борис: Кто этот источник?",
                       "1 unit"]
    as_json = json.loads(run("disagreements", "--json", "--db", db_path).output)
    assert as_json[0]["flags"] == {"борис": "Кто этот источник?"}
    review = Review(store, "lead")
    assert review.current.flags == [("борис", "Кто этот источник?")]
    review.decide("claim")
    assert units_to_review(store) == []


async def test_review_screen_says_who_flagged_the_unit(news):
    store, names = news
    first = sid(store, names, "de.txt", 1)
    store.add_event(first, "label", "anna", "opinion")
    store.add_event(first, "note", "anna", None, "Zitat oder Meinung?", source="flag")
    app = AnnotatorApp(store, "lead", mode="review")
    async with app.run_test(size=(120, 40)):
        assert "flagged by anna: Zitat oder Meinung?" in str(app.screen.query_one("#votes-text").render())


# -- the report ------------------------------------------------------------------------------------

@pytest.fixture
def judged(news):
    """Control items on each document's first sentence, decisions on the second ones, labels with times."""
    store, names = news
    at = lambda doc, i: sid(store, names, doc, i)  # noqa: E731
    with store.transaction():
        for doc in DOCS:
            store.add_control_item(at(doc, 0), "fact", "reported by the office itself", "file")
    for doc, index, who, label, seconds, source in [
        ("de.txt", 0, "anna", "fact", 4.0, None), ("ru.txt", 0, "anna", "claim", 0.5, None),
        ("zh.txt", 0, "anna", "fact", 2.0, None), ("de.txt", 1, "anna", "opinion", 6.0, None),
        ("ru.txt", 1, "anna", "claim", 3.0, None),
        ("de.txt", 0, "борис", "fact", None, "suggestion:tfidf-1"), ("ru.txt", 0, "борис", "fact", 1.0, None),
        ("de.txt", 1, "борис", "claim", 0.2, None), ("ru.txt", 2, "борис", "opinion", 5.0, None),
    ]:
        store.add_event(at(doc, index), "label", who, label, seconds=seconds, source=source)
    for doc, index, label in [("de.txt", 1, "opinion"), ("ru.txt", 1, "claim"), ("ru.txt", 2, "ambiguous")]:
        store.decide(store.sentence(at(doc, index)).group_id, "lead", label)
    return store


def test_quality_prints_each_annotator_and_the_team(judged, db_path):
    result = run("quality", "--db", db_path)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "annotator                  control accuracy          decision accuracy  median s  too fast",
        "anna                 66.7% [20.8-93.9] of 3   100.0% [34.2-100.0] of 2       3.0     20.0%",
        "борис              100.0% [34.2-100.0] of 2       0.0% [0.0-79.3] of 1       1.0     33.3%",
        "(team)               80.0% [37.6-96.4] of 5     66.7% [20.8-93.9] of 3       2.5     25.0%",
        "accuracy with its 95% Wilson interval; too fast: under words / 8 words per second on screen",
        "",
        "anna against control items (rows expected, columns given):",
        "            fact   claim opinion  advert",
        "fact           2       1       0       0",
        "claim          0       0       0       0",
        "opinion        0       0       0       0",
        "advert         0       0       0       0",
        "",
        "anna against review decisions (rows expected, columns given):",
        "            fact   claim opinion  advert",
        "fact           0       0       0       0",
        "claim          0       1       0       0",
        "opinion        0       0       1       0",
        "advert         0       0       0       0",
        "",
        "борис against control items (rows expected, columns given):",
        "            fact   claim opinion  advert",
        "fact           2       0       0       0",
        "claim          0       0       0       0",
        "opinion        0       0       0       0",
        "advert         0       0       0       0",
        "",
        "борис against review decisions (rows expected, columns given):",
        "            fact   claim opinion  advert",
        "fact           0       0       0       0",
        "claim          0       0       0       0",
        "opinion        0       1       0       0",
        "advert         0       0       0       0",
        "",
        "(team) against control items (rows expected, columns given):",
        "            fact   claim opinion  advert",
        "fact           4       1       0       0",
        "claim          0       0       0       0",
        "opinion        0       0       0       0",
        "advert         0       0       0       0",
        "",
        "(team) against review decisions (rows expected, columns given):",
        "            fact   claim opinion  advert",
        "fact           0       0       0       0",
        "claim          0       1       0       0",
        "opinion        0       1       1       0",
        "advert         0       0       0       0",
    ]


def test_quality_json(judged, db_path):
    report = json.loads(run("quality", "--json", "--db", db_path).output)
    anna, boris = report["annotators"]
    assert (anna["annotator"], boris["annotator"]) == ("anna", "борис")
    assert anna["control"]["answers"] == 3 and anna["control"]["correct"] == 2
    assert anna["control"]["interval"] == pytest.approx([0.2077, 0.9385], abs=1e-4)
    assert boris["decisions"]["confusion"][2] == [0, 1, 0, 0]
    assert boris["timing"] == {"timed": 3, "median_seconds": 1.0, "too_fast": 1, "too_fast_share": pytest.approx(1 / 3)}
    assert report["team"]["control"]["accuracy"] == 0.8 and report["bound_wps"] == 8.0
    assert report["labels"] == ["fact", "claim", "opinion", "advert"]


def test_quality_without_control_items_or_decisions_says_so(news, db_path):
    store, names = news
    result = run("quality", "--db", db_path)
    assert result.exit_code == 0 and output_lines(result) == [
        "annotator                  control accuracy          decision accuracy  median s  too fast",
        "(nobody has labeled yet)",
        "no control answers yet (annotator control add FILE.jsonl, then label)",
        "no review decisions on labeled units yet (annotator review)",
        "accuracy with its 95% Wilson interval; too fast: under words / 8 words per second on screen",
    ]
    store.add_event(sid(store, names, "zh.txt", 1), "label", "anna", "opinion", seconds=12.0)
    assert output_lines(run("quality", "--db", db_path))[1:3] == [
        "anna                                    n/a                        n/a      12.0      0.0%",
        "(team)                                  n/a                        n/a      12.0      0.0%"]


def test_progress_shows_accuracy_with_its_interval(judged, db_path):
    lines = run("progress", "--db", db_path).output.splitlines()
    assert lines[0] == ("annotator         labeled  leased  per hour                 gold agree "
                        "          control accuracy")
    assert lines[1] == ("anna                    2       0       n/a   100.0% [34.2-100.0] of 2"
                        "     66.7% [20.8-93.9] of 3")
    report = json.loads(run("progress", "--json", "--db", db_path).output)
    boris = report["annotators"][1]
    assert boris["gold_interval"] == pytest.approx([0.0, 0.7935], abs=1e-4)
    assert (boris["control"]["answers"], boris["control"]["correct"]) == (2, 2)


async def test_team_screen_shows_accuracy(judged):
    app = AnnotatorApp(judged, "anna")
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.press("p")
        await app.workers.wait_for_complete()
        await pilot.pause()
        shown = str(app.screen.query_one("#team-progress").render())
        assert "control accuracy" in shown and "66.7% [20.8-93.9] of 3" in shown


# -- merge and import-labels carry flags and seconds ---------------------------------------------------

def test_merge_carries_flags_their_undoing_and_seconds_on_screen(news, db_path, tmp_path):
    import sqlite3

    store, names = news
    offline = tmp_path / "offline.db"
    source, copy = sqlite3.connect(db_path), sqlite3.connect(offline)
    source.backup(copy)
    source.close()
    copy.close()
    other = Store(offline)
    session = Session(other, "αλέξης", names["de.txt"], timer=Clock())
    session.timer.tick(2.5)
    session.label("claim")
    session.flag("Ποια είναι η πηγή;")
    session.select(0)
    session.flag("")
    session.unflag()
    other.close()
    result = run("merge", offline, "--db", db_path)
    assert result.output == f"merged {offline}: added 1 label, 2 notes; 1 event marked undone; 0 splits and joins carried\n"
    assert store.query("SELECT s.idx, e.kind, e.label, e.note, e.source, e.seconds, e.undone FROM events e "
                       "JOIN sentences s ON s.id = e.sentence_id ORDER BY e.id") == [
        (0, "label", "claim", None, None, 2.5, 0), (1, "note", None, "Ποια είναι η πηγή;", "flag", None, 0),
        (0, "note", None, "", "flag", None, 1)]
    assert store.group_flags(store.sentence_at(names["de.txt"], 1).group_id) == [("αλέξης", "Ποια είναι η πηγή;")]


def test_import_labels_carries_a_flag_with_its_note(news, db_path, tmp_path):
    store, names = news
    rows = tmp_path / "labels.jsonl"
    rows.write_text("\n".join(json.dumps(row, ensure_ascii=False) for row in [
        {"doc": names["ru.txt"], "index": 1, "annotator": "борис", "label": "claim", "flag": "Кто источник?"},
        {"doc": names["ru.txt"], "index": 2, "annotator": "борис", "label": "opinion", "flag": ""},
        {"doc": names["de.txt"], "index": 0, "annotator": "anna", "label": "fact"},
        {"doc": names["de.txt"], "index": 1, "annotator": "anna", "label": "opinion", "flag": True},
    ]) + "\n", encoding="utf-8")
    result = run("import-labels", rows, "--db", db_path)
    assert result.output == ("error: " + f"{rows}:4: 'flag' must be a string, not bool\n"
                             "3 labels added, 2 units flagged as unsure, 0 already present, 1 row skipped\n")
    assert store.query("SELECT s.idx, e.kind, e.annotator, e.label, e.note, e.source FROM events e "
                       "JOIN sentences s ON s.id = e.sentence_id WHERE e.kind = 'note' ORDER BY e.id") == [
        (1, "note", "борис", None, "Кто источник?", "flag"), (2, "note", "борис", None, "", "flag")]
    assert store.group_flags(store.sentence_at(names["ru.txt"], 2).group_id) == [("борис", None)]
    again = run("import-labels", rows, "--db", db_path)  # the same file twice adds nothing
    assert again.output.splitlines()[-1] == "0 labels added, 3 already present, 1 row skipped"


# -- the figures: control and training answers are no work, one definition of decision accuracy ---------

def test_wilson_bounds_at_the_ends_are_exactly_0_and_1():
    for n in range(1, 300):
        assert wilson(0, n)[0] == 0.0 and wilson(n, n)[1] == 1.0, n
        low, high = wilson(n // 3, n)
        assert low == round(low, 12) and high == round(high, 12), n


@pytest.fixture
def german(db_path, tmp_path):
    """de.txt alone (three units), overlap 2, its first sentence a control item answered by x and y."""
    doc = tmp_path / "de.txt"
    doc.write_text(DOCS["de.txt"] + "\n", encoding="utf-8")
    assert run("import", doc, "--db", db_path).exit_code == 0
    assert run("project", "set", "overlap", "2", "--db", db_path).exit_code == 0
    store = Store(db_path)
    name = store.document_ids()[0][1]
    first = store.sentence_at(name, 0).id
    with store.transaction():
        store.add_control_item(first, "fact", "Beschluss der Regierung: berichtet", "file")
    store.add_event(first, "label", "x", "fact", seconds=3.0)
    store.add_event(first, "label", "y", "claim", seconds=3.0)
    yield store, name
    store.close()


def test_progress_and_stats_leave_control_units_and_answers_out_of_the_work(german, db_path):
    lines = output_lines(run("progress", "--db", db_path))
    assert lines[-2:] == ["overlap 2: 0 of 2 units have 2 annotators (0.0%)",
                          "labels left 4; team pace n/a per hour; time left about n/a (no pace yet)"]
    assert [line.split()[:2] for line in lines[1:3]] == [["x", "0"], ["y", "0"]]  # no units labeled: answers only
    report = json.loads(run("progress", "--json", "--db", db_path).output)
    assert report["coverage"] == {"0": 2} and report["units"] == 2
    assert (report["annotators"][0]["control"]["answers"], report["annotators"][0]["control"]["correct"]) == (1, 1)
    stats = output_lines(run("stats", "--db", db_path))
    assert "control     1  (control units: their answers count for accuracy only, not below)" in stats
    assert "labeled     0  (groups with a label)" in stats
    assert any(line.startswith("labels      0  ") for line in stats)
    counts = json.loads(run("stats", "--json", "--db", db_path).output)
    assert (counts["control_units"], counts["labeled"], counts["labels"], counts["annotators"]) == (1, 0, {}, {})


def test_a_vote_on_a_unit_that_became_a_control_item_is_no_work_either(german, db_path):
    store, name = german
    second = store.sentence_at(name, 1).id
    store.add_event(second, "label", "x", "opinion")  # a vote, then its unit becomes a control item
    with store.transaction():
        store.add_control_item(second, "opinion", None, "review")
    assert json.loads(run("progress", "--json", "--db", db_path).output)["coverage"] == {"0": 1}
    counts = json.loads(run("stats", "--json", "--db", db_path).output)
    assert (counts["control_units"], counts["labeled"], counts["labels"]) == (2, 0, {})


def test_quality_and_progress_give_the_same_decision_accuracy(news, db_path):
    store, names = news
    at = lambda doc, i: sid(store, names, doc, i)  # noqa: E731
    for doc, index, label in [("de.txt", 1, "opinion"), ("ru.txt", 1, "claim"), ("zh.txt", 1, "opinion")]:
        store.add_event(at(doc, index), "label", "anna", label if doc != "zh.txt" else "claim")
        store.decide(store.sentence(at(doc, index)).group_id, "lead", label)
    with store.transaction():  # the lead makes a decided unit a control item; anna's answer is no vote
        store.add_control_item(at("de.txt", 2), "advert", "Werbung", "review")
    store.decide(store.sentence(at("de.txt", 2)).group_id, "lead", "advert")
    store.add_event(at("de.txt", 2), "label", "anna", "opinion")
    quality_json = json.loads(run("quality", "--json", "--db", db_path).output)
    decisions = quality_json["annotators"][0]["decisions"]
    assert (decisions["answers"], decisions["correct"]) == (3, 2)
    assert (quality_json["annotators"][0]["control"]["answers"], quality_json["annotators"][0]["control"]["correct"]) \
        == (1, 0)
    anna = json.loads(run("progress", "--json", "--db", db_path).output)["annotators"][0]
    assert (anna["gold_units"], anna["agrees_with_gold"], anna["gold_interval"]) == (
        3, decisions["accuracy"], decisions["interval"])
    assert "66.7% [20.8-93.9] of 3" in output_lines(run("quality", "--db", db_path))[1]
    assert "66.7% [20.8-93.9] of 3" in output_lines(run("progress", "--db", db_path))[1]


def test_training_labels_count_nowhere_in_quality(news, db_path):
    store, names = news
    at = lambda doc, i: sid(store, names, doc, i)  # noqa: E731
    with store.transaction():
        store.add_control_item(at("ru.txt", 0), "fact", "сообщение Госдумы", "review")
    store.decide(store.sentence(at("ru.txt", 0)).group_id, "lead", "fact")
    store.add_event(at("ru.txt", 0), "label", "anna", "fact", seconds=4.0)
    store.add_event(at("ru.txt", 0), "label", "neu", "claim", seconds=0.1, source="training")
    report = json.loads(run("quality", "--json", "--db", db_path).output)
    assert [a["annotator"] for a in report["annotators"]] == ["anna"]
    assert report["team"]["control"]["answers"] == 1 and report["team"]["timing"]["timed"] == 1
    assert report["team"]["decisions"]["answers"] == 0
    assert [a["annotator"] for a in json.loads(run("progress", "--json", "--db", db_path).output)["annotators"]] \
        == ["anna"]


def test_control_list_and_quality_count_each_annotators_latest_answer_once(news, db_path):
    store, names = news
    advert = sid(store, names, "de.txt", 2)
    with store.transaction():
        store.add_control_item(advert, "advert", "Werbung", "file")
    store.add_event(advert, "label", "anna", "opinion")
    store.add_event(advert, "label", "anna", "advert")  # anna thinks again: her answer is the second
    store.add_event(advert, "label", "boris", "advert")
    store.add_event(advert, "label", "boris", "advert")  # a second label event (as the second question writes)
    item = store.control_items()[0]
    assert (item["answers"], item["right"]) == (2, 2)
    assert store.control_tally("anna") == store.control_tally("boris") == (1, 1)
    assert store.control_pairs() == [("anna", "advert", "advert"), ("boris", "advert", "advert")]
    control = [a["control"] for a in json.loads(run("quality", "--json", "--db", db_path).output)["annotators"]]
    assert [(c["answers"], c["correct"]) for c in control] == [(1, 1), (1, 1)]


def test_decision_accuracy_leaves_out_a_label_given_past_the_overlap(news, db_path):
    store, names = news
    store.set_project("overlap", "1")
    rows = [{"doc": names["ru.txt"], "index": 1, "annotator": who, "label": label}
            for who, label in (("anna", "claim"), ("boris", "opinion"))]
    path = str(db_path) + ".jsonl"
    with open(path, "w", encoding="utf-8") as f:
        f.write("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    assert run("import-labels", path, "--db", db_path).exit_code == 0
    store.decide(store.sentence(sid(store, names, "ru.txt", 1)).group_id, "lead", "claim")
    assert store.decision_pairs() == [("anna", "claim", "claim")]  # boris's came past the overlap: never seen
    people = json.loads(run("quality", "--json", "--db", db_path).output)["annotators"]
    assert [(a["annotator"], a["decisions"]["answers"]) for a in people] == [("anna", 1)]
    assert [(a["annotator"], a["gold_units"]) for a in json.loads(run("progress", "--json", "--db", db_path).output)[
        "annotators"]] == [("anna", 1), ("boris", 0)]


def test_the_same_label_again_stores_no_second_event(news):
    """Pressing a label's key again on a sentence that has that label moves on and stores nothing: the repeats
    counted as labels in the timing ('too fast 58%' for eight units labeled)."""
    from annotator.session import Session

    store, names = news
    session = Session(store, "dave", names["de.txt"])
    session.label("claim")
    session.select(0)
    session.label("claim")
    session.select(0)
    session.label("opinion")
    wait_all(10)
    assert store.query("SELECT label FROM events WHERE annotator = 'dave' ORDER BY id") == [("claim",), ("opinion",)]
