import json

import pytest

from annotator.review import Review, units_to_review
from annotator.store import Store
from annotator.tui.app import AnnotatorApp
from annotator.tui.screens.review import ReviewScreen, SummaryScreen
from annotator.writer import wait_all
from helpers import SYND, WIRE, build, run


@pytest.fixture
def built(db_path, tmp_path):
    build(db_path, tmp_path)
    return db_path


def test_agreement_json(built):
    result = run("agreement", "--json", "--db", built)
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert figures["units"] == 8 and figures["annotators"] == ["ann", "bob", "cy"]
    assert figures["disagreements"] == 3
    assert figures["cohen_kappa"].keys() == {"ann|bob", "ann|cy", "bob|cy"}
    # ann|bob share 8 units: 6 agree; ann: fact 4, claim 2, opinion 1, advert 1; bob: fact 4, claim 2, opinion 1, advert 1
    pe = (4 * 4 + 2 * 2 + 1 + 1) / 64
    assert figures["cohen_kappa"]["ann|bob"] == pytest.approx((6 / 8 - pe) / (1 - pe), abs=1e-12)  # full precision
    assert figures["fleiss_units"] == 4
    assert figures["confusion"]["ann|bob"]["matrix"] == [[3, 1, 0, 0], [1, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]
    assert set(figures) >= {"units", "annotators", "krippendorff_alpha", "fleiss_kappa", "cohen_kappa",
                            "observed_agreement", "per_label", "confusion", "disagreements"}
    only = json.loads(run("agreement", "--json", "--annotators", "ann,cy", "--db", built).output)
    assert (only["units"], only["disagreements"], only["cohen_kappa"]) == (4, 1, {"ann|cy": only["cohen_kappa"]["ann|cy"]})
    text = run("agreement", "--db", built).output
    assert "Krippendorff's alpha (nominal)" in text and "confusion ann|bob (rows ann, columns bob)" in text


def test_disagreements_lists_the_units(built):
    listing = json.loads(run("disagreements", "--json", "--db", built).output)
    assert [(u["doc"], u["index"], u["labels"]) for u in listing] == [
        (SYND, 2, {"ann": "fact", "bob": "claim", "cy": "fact"}),
        (WIRE, 4, {"ann": "claim", "bob": "fact"}),
        (WIRE, 6, {"ann": "opinion", "bob": "opinion", "cy": "claim"}),
    ]
    assert listing[0]["docs"] == 2 and listing[0]["decision"] is None
    everything = json.loads(run("disagreements", "--json", "--all", "--db", built).output)
    assert len(everything) == 4 and everything[1]["labels"] == {"ann": "opinion"}


def test_import_labels_reports_bad_rows_and_stores_the_rest(db_path, tmp_path):
    build(db_path, tmp_path, labels=[])
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join([
        json.dumps({"doc": WIRE, "index": 0, "annotator": "dee", "label": "fact", "text": "Dockworkers end three-day strike at Port of Halden after wage deal"}),
        json.dumps({"doc": WIRE, "index": 1, "annotator": "dee", "label": "fact", "text": "Something else."}),
        json.dumps({"doc": "nope.txt", "index": 0, "annotator": "dee", "label": "fact"}),
        json.dumps({"doc": WIRE, "index": 0, "annotator": "dee", "label": "rumour"}),
        json.dumps({"doc": WIRE, "index": 99, "annotator": "dee", "label": "fact"}),
        "{not json",
        json.dumps({"doc": WIRE, "index": "3", "annotator": "dee", "label": "fact"}),
        json.dumps({"doc": WIRE, "index": 2, "annotator": "dee", "label": "claim", "note": "who says?"}),
    ]) + "\n")
    result = run("import-labels", bad, "--db", db_path)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"error: {bad}:2: text does not match the sentence at index 1 of '{WIRE}' (stored: 'HALDEN, March 14 (Newswire) - Dockworkers at the Port of Hal')",
        f"error: {bad}:3: unknown document 'nope.txt'",
        f"error: {bad}:4: unknown label 'rumour': not in the project's scheme default (fact, claim, opinion, advert)",
        f"error: {bad}:5: document '{WIRE}' has no sentence at index 99",
        f"error: {bad}:6: bad JSON (Expecting property name enclosed in double quotes at column 2)",
        f"error: {bad}:7: 'index' must be an integer, not str",
    ]
    assert "2 labels added, 0 already present, 6 rows skipped" in result.output
    again = run("import-labels", bad, "--db", db_path)
    assert "0 labels added, 2 already present, 6 rows skipped" in again.output
    store = Store(db_path)
    assert store.query("SELECT annotator, label, note FROM events ORDER BY id") == [("dee", "fact", None), ("dee", "claim", "who says?")]


def test_review_decides_and_undoes(built):
    store = Store(built)
    review = Review(store, "lead")
    assert len(review.units) == 3
    review.decide("fact")
    review.decide("ambiguous")
    assert store.query("SELECT kind, annotator, label, undone FROM events WHERE kind = 'decision' ORDER BY id") == [
        ("decision", "lead", "fact", 0), ("decision", "lead", "ambiguous", 0)]
    assert review.undo() and review.pos == 1 and review.current.decision is None
    listing = json.loads(run("disagreements", "--json", "--db", built).output)
    assert {(u["doc"], u["index"]): u["decision"] for u in listing}[(WIRE, 4)] == "fact"  # the most split, decided first


async def test_review_screen_keys(built):
    store = Store(built)
    app = AnnotatorApp(store, "lead", mode="review")
    async with app.run_test(size=(100, 30)) as pilot:
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("c", "x", "k", "o", "y", "u", "j", "j")  # changing a decision asks first
        wait_all(10)  # decisions land on the writer's thread
        decisions = store.query("SELECT label, undone FROM events WHERE kind = 'decision' ORDER BY id")
        assert decisions == [("claim", 0), ("ambiguous", 0), ("opinion", 1)]
        await pilot.press("t")
        assert isinstance(app.screen, SummaryScreen)
        await pilot.press("escape", "q")
    assert units_to_review(store) == units_to_review(store, False)


def test_snapshot_review_summary(built, snap_compare, monkeypatch):
    monkeypatch.setattr("annotator.tui.widgets.names.database_path", lambda path: "/home/ana/newsroom.db")
    assert snap_compare(AnnotatorApp(Store(built), "lead", mode="review"), press=["t"], terminal_size=(100, 30))


def test_import_labels_says_when_two_labels_of_one_annotator_collapse_into_one_unit(db_path, tmp_path):
    # wire:3 and synd:3 are copies (one unit); wire:5 is given twice with different labels
    rows = build(db_path, tmp_path, labels=[
        (WIRE, 3, "ann", "fact"), (SYND, 3, "ann", "claim"), (WIRE, 5, "ann", "opinion"), (WIRE, 5, "ann", "claim"),
        (WIRE, 3, "bob", "fact"), (SYND, 3, "bob", "fact"),
    ])
    result = run("import-labels", rows, "--db", db_path)  # again: nothing new, the same report
    assert result.output.splitlines() == [
        "0 labels added, 6 already present, 0 rows skipped",
        f"2 units got different labels from one annotator (copies of one sentence are one unit); the latest label "
        f"counts: {WIRE}:4 {SYND}:4 (ann); {WIRE}:6 {WIRE}:6 (ann)",
    ]
    out = tmp_path / "all.jsonl"
    assert run("export", "--out", out, "--mode", "all", "--db", db_path).exit_code == 0
    exported = [json.loads(line) for line in out.read_text().splitlines()]
    assert sorted((r["annotator"], r["doc"], r["index"], r["label"]) for r in exported) == [
        ("ann", SYND, 3, "claim"), ("ann", WIRE, 5, "claim"), ("bob", SYND, 3, "fact"),
    ]


def test_review_queue_most_split_first_starting_at_the_first_undecided(built):
    store = Store(built)
    review = Review(store, "lead")
    # SYND 2: fact/claim/fact (top share 2/3); WIRE 4: claim/fact (1/2); WIRE 6: opinion/opinion/claim (2/3)
    assert [review.store.group_members(g)[0][:2] for g in review.units] == [(WIRE, 4), (SYND, 2), (WIRE, 6)]
    assert review.pos == 0 and not review.done
    review.decide("fact")
    again = Review(store, "lead")
    assert again.pos == 1 and len(again.decided) == 1  # starts at the first unit not decided
    again.decide("claim")
    again.decide("opinion")
    assert again.done
    assert again.comment("the quote is attributed")
    assert store.decision_comment(again.current.group) == "the quote is attributed"


def test_auto_accept_records_consensus_only_where_two_or_more_agree(built, monkeypatch):
    monkeypatch.setattr(AnnotatorApp, "run", lambda self: None)  # the review screen itself is not wanted here
    result = run("review", "--auto-accept", "--db", built)
    assert result.output.splitlines()[0] == "5 units all annotators agree on recorded as decided by consensus"
    store = Store(built)
    decisions = {store.group_members(g)[0][:2]: store.group_decision(g) for g in store.decided_groups()}
    assert all(who == "consensus" for _, who in decisions.values()) and len(decisions) == 5
    assert (SYND, 4) not in decisions  # one annotator is not a consensus
    assert run("review", "--auto-accept", "--db", built).output.splitlines()[0].startswith("0 units")


def decisions_and_comments(store):
    wait_all(10)
    return store.query("SELECT s.group_id, e.kind, e.label, e.note, e.undone FROM events e "
                       "JOIN sentences s ON s.id = e.sentence_id WHERE e.annotator = 'lead' ORDER BY e.id")


async def test_n_opens_the_comment_box_on_an_undecided_unit_and_typed_words_decide_nothing(built):
    store = Store(built)
    app = AnnotatorApp(store, "lead", mode="review")
    async with app.run_test(size=(100, 30)) as pilot:
        first = app.screen.review.current.group
        assert app.screen.review.current.decision is None
        await pilot.press("n", *"seems like opinion", "enter")
        assert isinstance(app.screen, ReviewScreen)
        # no decision: the comment is the reviewer's note on the unit, carried by the decision given next
        assert decisions_and_comments(store) == [(first, "note", None, "seems like opinion", 0)]
        await pilot.press("c")
        assert decisions_and_comments(store)[1:] == [(first, "decision", "claim", "seems like opinion", 0)]
        # on the next (undecided) unit, then back on the decided one: the words typed go into the box
        second = app.screen.review.current.group
        await pilot.press("n", *"fact or opinion", "enter", "k", "n", "ctrl+u", *"a claim after all", "enter")
        assert decisions_and_comments(store)[2:] == [
            (second, "note", None, "fact or opinion", 0), (first, "decision", "claim", "a claim after all", 0)]
        assert {g: label for g, label in store.decisions().items() if g in (first, second)} == {first: "claim"}


async def test_changing_a_decision_asks_first(built):
    from annotator.tui.screens.prompt import ConfirmScreen

    store = Store(built)
    app = AnnotatorApp(store, "lead", mode="review")
    async with app.run_test(size=(100, 30)) as pilot:
        first = app.screen.review.current.group
        await pilot.press("c", "k", "o")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("p")  # any key but y or enter keeps the decision
        assert isinstance(app.screen, ReviewScreen) and app.screen.review.current.group == first
        await pilot.press("x", "escape", "c")  # the same label again changes nothing: no question
        assert isinstance(app.screen, ReviewScreen)
        assert [(g, label) for g, kind, label, _, _ in decisions_and_comments(store)] == [(first, "claim"), (first, "claim")]
        await pilot.press("k", "o", "y")
        await pilot.press("k", "x", "enter")
        assert [(g, label) for g, kind, label, _, _ in decisions_and_comments(store)][2:] == [
            (first, "opinion"), (first, "ambiguous")]
        assert store.decisions()[first] == "ambiguous"


async def test_words_typed_in_one_burst_after_n_decide_nothing(built):
    from textual import events

    store = Store(built)
    app = AnnotatorApp(store, "lead", mode="review")
    async with app.run_test(size=(100, 30)) as pilot:
        for key in "nseems like opinion":  # all queued before the comment box is even open
            app.post_message(events.Key("space" if key == " " else key, key))
        await pilot.pause()
        await pilot.pause()
        assert type(app.screen).__name__ == "NoteScreen"
        assert decisions_and_comments(store) == []


def test_a_comment_on_an_undecided_unit_is_undone_like_a_decision(built):
    store = Store(built)
    review = Review(store, "lead")
    group = review.current.group
    assert review.comment("  needs the source  ") and review.current.decision is None
    assert review.comment_text == "needs the source"
    assert review.undo() and review.comment_text is None
    review.decide("fact")  # the undone comment does not go with the decision
    assert store.query("SELECT kind, label, note, undone FROM events WHERE annotator = 'lead' ORDER BY id") == [
        ("note", None, "needs the source", 1), ("decision", "fact", None, 0)]
    assert store.decisions()[group] == "fact"


async def test_a_decision_not_stored_yet_shows_and_changing_it_asks_first(built):
    import sqlite3

    from annotator.tui.screens.prompt import ConfirmScreen

    store = Store(built)
    app = AnnotatorApp(store, "lead", mode="review")
    async with app.run_test(size=(100, 30)) as pilot:
        first = app.screen.review.current.group
        import_lock = sqlite3.connect(built, isolation_level=None)  # an import holds the write lock
        import_lock.execute("BEGIN IMMEDIATE")
        await pilot.press("c", "k")
        assert app.screen.review.current.group == first and app.writer.pending == 1
        assert app.screen.review.current.decision == ("claim", "lead")  # shown as given, not "none yet"
        await pilot.press("o")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        import_lock.execute("COMMIT")
        import_lock.close()
        assert app.writer.wait(10)
        await pilot.pause()
        assert [(g, label) for g, kind, label, _, _ in decisions_and_comments(store)] == [(first, "claim")]
        assert app.screen.review.current.decision == ("claim", "lead")


@pytest.mark.parametrize("burst", ["n\rnabc\r", "fkosem", "fkonn"])
async def test_keys_in_one_burst_never_close_the_screen_beneath_a_dialog(built, burst):
    from textual import events

    names = {"\r": "enter", " ": "space"}
    store = Store(built)
    app = AnnotatorApp(store, "lead", mode="review")
    async with app.run_test(size=(100, 30)) as pilot:
        first = app.screen.review.current.group
        for key in burst:  # as a laggy link or a browser's websocket delivers them: all queued at once
            app.post_message(events.Key(names.get(key, key), key))
        for _ in range(4):
            await pilot.pause()
        assert ReviewScreen in [type(s) for s in app.screen_stack]  # the review screen is still there
        while not isinstance(app.screen, ReviewScreen):
            await pilot.press("escape")
        await pilot.press("x")  # and it still answers keys
        assert app.writer.wait(10)
        if burst.startswith("f"):  # the first decision stands: the burst's keys asked, never changed it
            assert decisions_and_comments(store)[0][:3] == (first, "decision", "fact")
