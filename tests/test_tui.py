import shutil
from collections import Counter

import pytest

from annotator.ingest import import_paths
from annotator.store import Store
from annotator.tui.app import AnnotatorApp
from annotator.tui.screens.annotate import AnnotateScreen
from annotator.tui.screens.help import HelpScreen
from annotator.writer import wait_all
from conftest import CORPUS

SIZE = (100, 30)


@pytest.fixture(scope="session")
def corpus_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("template") / "corpus.db"
    store = Store(path)
    import_paths(store, [CORPUS])
    store.close()
    return path


@pytest.fixture
def store(corpus_db, tmp_path):
    path = tmp_path / "tui.db"
    shutil.copy(corpus_db, path)
    s = Store(path)
    yield s
    s.close()


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    """Snapshots show "refreshed 14:02", whatever the time of the run."""
    monkeypatch.setattr("annotator.session.clock", lambda: "14:02")


@pytest.fixture(autouse=True)
def fixed_database_path(monkeypatch):
    """Snapshots show the database's path, wherever the test's temporary folder is."""
    monkeypatch.setattr("annotator.tui.widgets.names.database_path", lambda path: "/home/ana/newsroom.db")


@pytest.fixture
def built_review_db(tmp_path):
    from helpers import build

    db = tmp_path / "review.db"
    build(db, tmp_path)
    return db


def events(store):
    wait_all(10)  # the screen's writes land on a thread of their own
    return store.query(
        "SELECT d.name, s.idx, e.kind, e.annotator, e.label, e.note, e.undone FROM events e "
        "JOIN sentences s ON s.id = e.sentence_id JOIN documents d ON d.id = s.doc_id ORDER BY e.id"
    )


def screen(pilot) -> AnnotateScreen:
    return pilot.app.screen


IRAQ = "corpus/iraq-battleground.txt"


async def test_label_keys_store_labels_and_move_on(store):
    app = AnnotatorApp(store, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f", "c", "o", "a", "1", "2", "3", "4")
        assert [(d, i, label) for d, i, _, _, label, _, _ in events(store)] == [
            (IRAQ, 0, "fact"), (IRAQ, 1, "claim"), (IRAQ, 2, "opinion"), (IRAQ, 3, "advert"),
            (IRAQ, 4, "fact"), (IRAQ, 5, "claim"), (IRAQ, 6, "opinion"), (IRAQ, 7, "advert"),
        ]
        assert all(who == "alice" and kind == "label" and undone == 0 for _, _, kind, who, _, _, undone in events(store))
        assert screen(pilot).session.index == 8


async def test_relabel_changes_the_label(store):
    app = AnnotatorApp(store, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f", "k", "c")
        session = screen(pilot).session
        assert session.labels == {0: "claim"}
        assert [e[4] for e in events(store)] == ["fact", "claim"]


async def test_undo_back_to_the_start(store):
    app = AnnotatorApp(store, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f", "c", "o", "n", *"maybe", "enter")
        await pilot.press("u", "u", "u", "u", "u")
        # the note, given right after labeling sentence 2, is on sentence 2
        assert [(e[1], e[2], e[6]) for e in events(store)] == [(0, "label", 1), (1, "label", 1), (2, "label", 1), (2, "note", 1)]
        session = screen(pilot).session
        assert (session.index, session.labels, session.progress().labeled) == (0, {}, 0)


async def test_skip_move_and_documents(store):
    app = AnnotatorApp(store, "alice")
    async with app.run_test(size=SIZE) as pilot:
        session = screen(pilot).session
        await pilot.press("space", "s", "j", "down")
        assert session.index == 4
        await pilot.press("k", "up")
        assert session.index == 2
        await pilot.press("right_square_bracket")
        assert (session.doc_name, session.index) == ("corpus/op-ed-transit.md", 0)
        await pilot.press("left_square_bracket", "left_square_bracket")
        assert session.doc_name == "corpus/wire-port-strike.txt"
        assert events(store) == []


async def test_note_is_stored(store):
    app = AnnotatorApp(store, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", *"check 'source'; DROP TABLE x", "enter")
        assert events(store) == [(IRAQ, 0, "note", "alice", None, "check 'source'; DROP TABLE x", 0)]
        await pilot.press("n", "escape")
        assert len(events(store)) == 1


async def test_g_finds_the_next_unlabeled_anywhere(store):
    app = AnnotatorApp(store, "alice")
    async with app.run_test(size=SIZE) as pilot:
        session = screen(pilot).session
        await pilot.press(*["right_square_bracket"] * 5)
        assert session.doc_name == "corpus/syndicated-port-strike.txt"
        for _ in range(8):
            await pilot.press("f")
        # the syndicated copy is done; four of its sentences were the wire report's too
        assert session.doc_name == "corpus/wire-port-strike.txt" and session.index == 0
        await pilot.press("f")
        assert session.index == 4  # 1, 2 and 3 share labels with the syndicated copy
        await pilot.press("g")
        assert session.index == 5


async def test_find_jumps_to_the_sentence(store):
    app = AnnotatorApp(store, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"Persian Love", "enter")
        session = screen(pilot).session
        assert (session.doc_name, session.index) == (IRAQ, 63)


async def test_help_and_quit(store):
    app = AnnotatorApp(store, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, AnnotateScreen)
        await pilot.press("q")
    assert app.return_code == 0


async def test_click_selects_a_sentence(store):
    app = AnnotatorApp(store, "alice")
    async with app.run_test(size=SIZE) as pilot:
        view = screen(pilot)
        paragraph = view.para_widgets[2]  # "Israel continues to up the ante ..." is sentence 3
        await pilot.click(paragraph, offset=(2, 0))
        assert view.session.index == 3


async def test_group_label_shows_in_the_other_document(store):
    app = AnnotatorApp(store, "alice", doc_name="corpus/wire-port-strike.txt")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j", "j", "c")
        session = screen(pilot).session
        await pilot.press("left_square_bracket")
        assert session.doc_name == "corpus/syndicated-port-strike.txt"
        assert session.labels == {3: "claim"}
        await pilot.press("j", "j", "j")
        wait_all(10)  # landed, so the panel no longer says "saving"
        await pilot.pause()
        info = str(pilot.app.screen.query_one("#sentence-info").render())
        assert info == "your label: claim\nalso in 1 other document: corpus/wire-port-strike.txt"


def pressing(*keys):
    """Press keys, then let the writes land and the screen settle: a snapshot shows stored labels."""
    async def run_before(pilot):
        await pilot.press(*keys)
        wait_all(10)
        await pilot.pause()
        await pilot.pause()
    return run_before


@pytest.mark.parametrize("size", [(100, 30), (80, 24)], ids=["100x30", "80x24"])
def test_snapshot_main_screen(store, snap_compare, size):
    assert snap_compare(AnnotatorApp(store, "alice"), run_before=pressing("f", "c", "o", "j"), terminal_size=size)


@pytest.mark.parametrize("size", [(100, 30), (80, 24)], ids=["100x30", "80x24"])
def test_snapshot_help_screen(store, snap_compare, size):
    assert snap_compare(AnnotatorApp(store, "alice"), run_before=pressing("question_mark"), terminal_size=size)


@pytest.mark.parametrize("size", [(100, 30), (80, 24)], ids=["100x30", "80x24"])
def test_snapshot_review_screen(built_review_db, snap_compare, size):
    assert snap_compare(AnnotatorApp(Store(built_review_db), "lead", mode="review"), run_before=pressing(),
                        terminal_size=size)


@pytest.mark.parametrize("size", [(100, 30), (80, 24)], ids=["100x30", "80x24"])
def test_snapshot_review_help(built_review_db, snap_compare, size):
    assert snap_compare(AnnotatorApp(Store(built_review_db), "lead", mode="review"),
                        run_before=pressing("question_mark"), terminal_size=size)


async def test_refresh_shows_what_others_labeled(store):
    app = AnnotatorApp(store, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f")
        other = Store(store.path)
        other.add_event(other.sentence_at(IRAQ, 1).id, "label", "bob", "claim")
        other.add_event(other.sentence_at(IRAQ, 5).id, "label", "bob", "opinion")
        await pilot.press("r")
        counts = str(pilot.app.screen.query_one("#counts").render())
        assert "team: 3 units labeled by 2 people (refreshed " in counts
        assert any("Refreshed: the team has labeled 3 units (2 people)." == n.message for n in app._notifications)
        assert screen(pilot).session.labels == {0: "fact"}  # bob's labels are bob's, not alice's


def test_no_command_imports_the_bundled_corpus_then_opens_the_app(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from annotator.cli import main

    opened = []
    monkeypatch.setattr(AnnotatorApp, "run", lambda self: opened.append((self.annotator, self.mode)))
    monkeypatch.setenv("ANNOTATOR_NAME", "newcomer")
    db = tmp_path / "fresh.db"
    monkeypatch.setenv("ANNOTATOR_DB", str(db))  # the default database gets the sample corpus on first use
    result = CliRunner().invoke(main, [])
    assert result.exit_code == 0, result.output
    assert opened == [("newcomer", "annotate")]
    assert Store(db).counts()["documents"] == 7
    review = CliRunner().invoke(main, ["review", "--db", str(db)])
    assert review.output == "nothing to review: no units with disagreeing labels (try --all)\n"
    assert opened == [("newcomer", "annotate")]
    missing = CliRunner().invoke(main, ["annotate", "--db", str(db), "--doc", "nope.txt"])
    assert missing.output == f"Error: {db}: no document named 'nope.txt'\n"
    other = tmp_path / "other.db"
    Store(other).close()
    assert CliRunner().invoke(main, ["annotate", "--db", str(other), "--sample"]).exit_code == 0  # asked for
    assert Store(other).counts()["documents"] == 7


async def test_progress_counts_follow_labels_relabels_and_undo(store):
    app = AnnotatorApp(store, "alice")
    async with app.run_test(size=SIZE) as pilot:
        session = screen(pilot).session
        await pilot.press("f", "f", "c", "k", "o", "k", "k", "a")
        expected = dict(Counter(label for _g, who, label, _s, _at in store.current_labels() if who == "alice"))
        assert session.progress().per_label == expected == {"advert": 1, "opinion": 1, "fact": 1}
        await pilot.press("u")
        session_counts = session.progress().per_label
        assert session_counts == dict(Counter(label for _g, who, label, _s, _at in store.current_labels() if who == "alice"))
        assert session.progress().labeled == 3


async def test_side_panel_lists_the_other_wordings_a_label_covers(store):
    app = AnnotatorApp(store, "alice", doc_name="corpus/wire-port-strike.txt")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("j")  # the dateline sentence; the syndicated copy has no dateline and says "percent"
        panel = str(pilot.app.screen.query_one("#sentence-info").render())
        assert "your label also covers 1 other wording:" in panel
        assert "corpus/syndicated-port-strike.txt:2" in panel
        assert "dupes split" in panel
        variant, = screen(pilot).session.variants()[0]
        changed = [words for words, kind in variant.pieces if kind != "same"]
        assert changed == ["HALDEN, March 14 (Newswire) -", "6.5%", "6.5 percent"]
        await pilot.press("j")
        assert "Harbour Workers Workers' Union" in str(pilot.app.screen.query_one("#sentence-info").render())
        await pilot.press("j")  # the quote, copied word for word: no other wording to show
        assert "other wording" not in str(pilot.app.screen.query_one("#sentence-info").render())


async def test_the_current_sentence_stays_in_view_through_resizes(store):
    app = AnnotatorApp(store, "alice")
    async with app.run_test(size=(120, 40)) as pilot:
        view = screen(pilot)
        view.session.select(40)
        view.redraw((view.session.doc_id, 0))
        await pilot.pause()
        for size in ((80, 24), (60, 20), (200, 60), (120, 40)):
            await pilot.resize_terminal(*size)
            await pilot.pause()
            await pilot.pause()
            document = view.query_one("#document")
            widget = view.para_widgets[view.para_of[view.session.index]]
            assert document.can_view_partial(widget), size


async def test_each_screen_s_help_shows_its_own_keys(store, built_review_db):
    app = AnnotatorApp(store, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        text = pilot.app.screen.text
        assert "add or edit a note on the sentence" in text and "ambiguous" not in text
    review = AnnotatorApp(Store(built_review_db), "lead", mode="review")
    async with review.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        text = pilot.app.screen.text
        assert "mark the unit ambiguous" in text and "`x`" in text and "`t`" in text and "`k`/`↑`" in text
        assert "note" not in text and "`g`" not in text and "find a sentence" not in text


async def test_find_moves_in_the_results_from_the_input(store):
    app = AnnotatorApp(store, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"Iranian Singles")
        options = pilot.app.screen.query_one("#find-results")
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert labels == [f"{IRAQ}:60  Meet Iranian Singles", f"{IRAQ}:61  Iranian Singles"]  # numbered from 1
        await pilot.press("down", "enter")
        assert (screen(pilot).session.doc_name, screen(pilot).session.index) == (IRAQ, 60)
        await pilot.press("slash", *"zzzz no such words")
        options = pilot.app.screen.query_one("#find-results")
        assert [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)] == ["no match"]


def test_find_results_are_cut_at_a_word_with_an_ellipsis():
    from annotator.tui.screens.prompt import shorten

    assert shorten("The port reopened on Monday after a strike.", 20) == "The port reopened\u2026"
    assert shorten("Short.", 20) == "Short."


async def test_an_empty_note_stores_nothing_or_clears_the_note(store):
    app = AnnotatorApp(store, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", "enter")
        assert events(store) == []
        await pilot.press("n", *"check", "enter")
        assert screen(pilot).session.note() == "check"
        await pilot.press("n", *["backspace"] * 5, "enter")
        assert [(kind, note) for _, _, kind, _, _, note, _ in events(store)] == [("note", "check"), ("note", "")]
        assert screen(pilot).session.note() is None


async def test_n_right_after_a_label_notes_the_sentence_just_labeled(store):
    app = AnnotatorApp(store, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c", "n")
        assert "the sentence you just labeled (1)" in str(pilot.app.screen.query_one("Label").render())
        await pilot.press(*"why claim", "enter")
        await pilot.press("j", "n", *"on the third", "enter")
        assert [(i, kind, note) for _, i, kind, _, _, note, _ in events(store)] == [
            (0, "label", None), (0, "note", "why claim"), (2, "note", "on the third")]


async def test_go_to_a_sentence_by_number_and_view_one_label(store):
    app = AnnotatorApp(store, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("colon", *"12", "enter")
        session = screen(pilot).session
        assert session.index == 11
        await pilot.press("colon", *"999", "enter")  # out of range: stays
        assert session.index == 11
        await pilot.press("colon", *"1", "enter", "f", "c", "f")  # sentences 0-2: fact, claim, fact
        await pilot.press("v", "v")  # every sentence -> unlabeled -> fact
        assert session.view == "fact"
        await pilot.press("colon", *"1", "enter", "j")
        assert session.index == 2  # the claim at 1 is not in the view
        shown = screen(pilot).para_content(screen(pilot).para_of[2]).plain
        assert "[F]" in shown and "[C]" not in shown
        await pilot.press("v")
        assert (session.view, session.index) == ("claim", 1)  # no claim after 2: the one before


async def test_the_chosen_theme_is_remembered_for_this_user(store, tmp_path):
    from annotator.tui import preferences

    app = AnnotatorApp(store, "alice")
    async with app.run_test(size=SIZE) as pilot:
        pilot.app.theme = "textual-light"
        await pilot.pause()
    assert preferences.saved_theme() == "textual-light"
    assert (tmp_path / "config" / "annotator" / "theme").read_text() == "textual-light\n"
    again = AnnotatorApp(store, "alice")
    async with again.run_test(size=SIZE) as pilot:
        assert pilot.app.theme == "textual-light"


async def test_with_an_overlap_the_screen_follows_the_queue_and_shows_the_team(store):
    from annotator.tui.screens.team import ProgressScreen

    from annotator.timestamps import now

    store.set_project("overlap", "1")
    taken = store.route_next("bob", now())  # bob holds the first document
    app = AnnotatorApp(store, "alice")
    async with app.run_test(size=SIZE) as pilot:
        session = screen(pilot).session
        assert taken == store.document_id(IRAQ) and session.doc_name != IRAQ
        first = session.doc_name
        units = len(session.queue)
        await pilot.press(*["f"] * units)
        assert session.doc_name != first  # the next document handed out
        assert "in your queue" in str(app.screen.query_one("#counts").render())
        await pilot.press("p")
        assert isinstance(app.screen, ProgressScreen)
        await app.screen.workers.wait_for_complete()  # counted on a thread of its own
        await pilot.pause()
        shown = str(app.screen.query_one("Static").render())
        assert "alice" in shown and "bob" in shown and "overlap 1" in shown
        await pilot.press("escape")
        assert isinstance(app.screen, AnnotateScreen)
    labeled = {(d, i) for d, i, kind, who, *_ in events(store) if who == "alice"}
    assert len(labeled) == units and all(d == first for d, _ in labeled)


async def test_enter_accepts_the_suggestion_and_the_label_remembers_it(store):
    from annotator.suggest import add_rule

    rule, matched = add_rule(store, "Israel continues to up the ante", "claim")
    assert matched == 1
    app = AnnotatorApp(store, "alice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")  # no suggestion on the first sentence
        assert events(store) == []
        await pilot.press("j", "j", "j")
        assert "suggested (rule): " in str(app.screen.query_one("#sentence-info").render())
        await pilot.press("enter")
        assert screen(pilot).session.index == 4
    assert store.query("SELECT s.idx, e.label, e.source FROM events e JOIN sentences s ON s.id = e.sentence_id") == [
        (3, "claim", f"rule:{rule}")]
