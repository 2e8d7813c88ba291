"""Issue 29, the screens: the view filter, a label on its copy after a quick document change, the side
panel's counts, narrow terminals, the database shown, one numbering for people, help and palette."""

import pytest

from annotator.store import Store
from annotator.tui.app import AnnotatorApp
from test_tui import corpus_db, fixed_clock, store  # noqa: F401 (fixtures: the corpus, a copy, 14:02)

IRAQ = "corpus/iraq-battleground.txt"
WIRE = "corpus/wire-port-strike.txt"
SYNDICATED = "corpus/syndicated-port-strike.txt"


class HeldWriter:
    """A writer that lands nothing until the test says so: the order of events is the test's, not the
    thread scheduler's."""

    def __init__(self, store, app):
        self.store, self.app, self.held = store, app, []

    def submit(self, job, key=None):
        self.held.append((job, key))

    @property
    def pending(self):
        return len(self.held)

    full = False

    def land_all(self):
        while self.held:
            job, key = self.held.pop(0)
            job(self.store)
            self.app._landed(key, 0)

    def wait(self, timeout=None):
        return True

    settle = wait

    def close(self):
        self.land_all()
        return True


@pytest.fixture
def held(monkeypatch):
    writers = []

    def start(app):
        writers.append(HeldWriter(app.store, app))
        return writers[-1]

    monkeypatch.setattr(AnnotatorApp, "_start_writer", start)
    return writers


def panel(pilot, selector):
    return str(pilot.app.screen.query_one(selector).render())


async def test_a_label_shows_on_its_copy_when_the_document_changes_before_it_lands(store, held):
    app = AnnotatorApp(store, "alice", doc_name=WIRE)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("j", "j", "j", "c", "left_square_bracket")
        session = pilot.app.screen.session
        assert held[0].pending == 1  # not landed: the copy is shown from what this session gave
        assert session.doc_name == SYNDICATED and session.labels == {3: "claim"}
        await pilot.press("j", "j", "j")
        assert panel(pilot, "#sentence-info") == ("saving 1 sentence...\nyour label: claim\n"
                                                  f"also in 1 other document: {WIRE}")
        assert "[C]" in pilot.app.screen.para_content(pilot.app.screen.para_of[3]).plain
        held[0].land_all()
        await pilot.pause()
        assert session.labels == {3: "claim"} and session.unsaved_labels == {}
        await pilot.press("right_square_bracket")  # undone before it lands: the copy loses it again
        await pilot.press("u", "left_square_bracket")
        assert session.doc_name == SYNDICATED and held[0].pending == 1 and session.labels == {}


async def test_cycling_the_view_back_to_every_sentence_shows_the_whole_document(store):
    app = AnnotatorApp(store, "alice")
    async with app.run_test(size=(120, 40)) as pilot:
        view = pilot.app.screen
        await pilot.press("f", "c")
        await pilot.press(*["v"] * 6)  # unlabeled, fact, claim, opinion, advert, then every sentence
        await pilot.pause()
        session = view.session
        assert session.view is None and session.index == 1  # the claim view stopped on the claim
        shown = [str(w.render()) for w in view.para_widgets if w.display]
        assert len(shown) == len(view.para_members)
        assert [line.count("] ") for line in shown] == [len(members) for members in view.para_members]
        assert shown[0] == "[F] After Missiles Fly, Iraq Becomes the Battleground"
        assert view.window == (0, 51)  # the window around sentence 1, whole again


def visible_lines(widget) -> list[str]:
    """The lines of a widget as the screen shows them: only what fits in its box."""
    from textual.geometry import Region

    return [strip.text.rstrip() for strip in widget.render_lines(Region(0, 0, *widget.size))]


@pytest.mark.parametrize("overlap", [None, "2"])
async def test_every_label_count_is_visible_in_the_side_panel(store, overlap):
    if overlap:
        store.set_project("overlap", overlap)  # "in your queue" makes the first line wrap too
    app = AnnotatorApp(store, "alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f", "a")
        await pilot.pause()
        shown = visible_lines(app.screen.query_one("#counts"))
        assert shown[-4:] == [" F  fact     1", " C  claim    0", " O  opinion  0", " A  advert   1"]
        assert "team: 2 units labeled by 1" in "\n".join(shown)


async def test_a_narrow_screen_shows_the_suggestion_that_enter_accepts(store):
    from annotator.suggest import add_rule

    add_rule(store, "Israel continues to up the ante", "claim")
    app = AnnotatorApp(store, "alice")
    async with app.run_test(size=(70, 20)) as pilot:
        await pilot.press("j", "j", "j")
        status = app.screen.query_one("#status")
        assert str(status.render()) == "4/65 · doc 1/7 · yours: none · enter accepts  claim 1.00  · labeled 0/103"
        assert status.size.height == 2  # wrapped, not cut: all of it is on screen
        await pilot.press("enter")
        assert app.screen.session.labels == {3: "claim"}


@pytest.mark.parametrize("width, keys", [
    (70, ["fact", "claim", "opinion", "advert", "help", "quit", "undo"]),
    (200, ["fact", "claim", "opinion", "advert", "help", "quit", "undo", "skip", "note", "doc", "unlabeled", "find",
           "view"]),
])
async def test_the_footer_shows_whole_keys_only(store, width, keys):
    from textual.widgets import Footer

    app = AnnotatorApp(store, "alice")
    async with app.run_test(size=(width, 24)) as pilot:
        await pilot.pause()
        footer = app.screen.query_one(Footer)
        shown = [key for key in footer.children if not key.has_class("-command-palette")]
        assert [key.description for key in shown] == keys
        assert all(key.region.right <= width for key in footer.children)
        assert footer.max_scroll_x == 0  # nothing runs past the edge, to be cut mid-word
        assert [key.description for key in footer.children if key.has_class("-command-palette")] == ["palette"]


@pytest.mark.parametrize("width", [34, 40, 45])
async def test_a_very_narrow_footer_keeps_every_label_key_before_the_palette(store, width):
    from textual.widgets import Footer

    app = AnnotatorApp(store, "alice")
    async with app.run_test(size=(width, 20)) as pilot:
        await pilot.pause()
        footer = app.screen.query_one(Footer)
        assert [key.description for key in footer.children][:4] == ["fact", "claim", "opinion", "advert"]
        assert "palette" not in [key.description for key in footer.children]
        assert all(key.region.right <= width for key in footer.children) and footer.max_scroll_x == 0


async def test_the_screen_names_the_database_it_opened(store):
    from pathlib import Path

    app = AnnotatorApp(store, "alice")
    path = str(Path(store.path).resolve())
    async with app.run_test(size=(200, 60)) as pilot:
        side = app.screen.query_one("#side")
        assert str(side.border_title) == ("\u2026" + path[-29:] if len(path) > 30 else path)
        assert side.tooltip == f"database: {path}"
        await pilot.resize_terminal(70, 20)
        await pilot.pause()
        assert str(app.screen.query_one("#document").border_subtitle) == (
            "\u2026" + path[-59:] if len(path) > 60 else path)


def test_a_file_name_folds_at_its_separators_not_inside_a_word():
    from annotator.tui.widgets.names import fold_name, tail_of

    assert fold_name(SYNDICATED, 32) == "corpus/syndicated-port-\nstrike.txt"
    assert fold_name("новости/Забастовка_в_порту_Хальдена_продолжается.txt", 32) == (
        "новости/Забастовка_в_порту_\nХальдена_продолжается.txt")
    # a CJK character takes two columns; a part with no separator is cut where the line ends
    assert fold_name("報道/港湾労働者のストライキが続く.txt", 20) == "報道/\n港湾労働者のストライ\nキが続く.txt"
    assert fold_name("Στο λιμάνι της Χάλντεν η απεργία συνεχίζεται.txt", 32) == (
        "Στο λιμάνι της Χάλντεν η \nαπεργία συνεχίζεται.txt")
    assert tail_of("/home/ana/projects/newsroom/labels.db", 20) == "\u2026/newsroom/labels.db"


async def test_the_side_panel_folds_the_document_name_at_its_separators(store):
    app = AnnotatorApp(store, "alice", doc_name=SYNDICATED)
    async with app.run_test(size=(120, 40)):
        assert visible_lines(app.screen.query_one("#doc-info"))[:2] == ["corpus/syndicated-port-", "strike.txt"]


async def test_the_team_count_follows_your_own_labels_and_undo(store):
    app = AnnotatorApp(store, "alice")
    async with app.run_test(size=(120, 40)) as pilot:
        session = app.screen.session
        assert session.team == (0, 0)
        await pilot.press("f")
        assert session.team == (1, 1)
        bob = Store(store.path)
        bob.add_event(bob.sentence_at(IRAQ, 2).id, "label", "bob", "claim")  # not refreshed: not counted yet
        await pilot.press("c")
        assert session.team == (2, 1)
        await pilot.press("o")  # bob labeled this unit already: the team has no more units
        assert session.team == (2, 1)
        await pilot.press("u", "u")
        assert session.team == (1, 1)
        await pilot.press("u")
        assert session.team == (0, 0)
        assert "team: 0 units labeled by 0 people" in str(app.screen.query_one("#counts").render())
        await pilot.press("f")
        assert "team: 1 unit labeled by 1 person" in str(app.screen.query_one("#counts").render())


async def test_help_lists_every_key_on_its_own_row_and_says_where_the_suggestion_is(store):
    app = AnnotatorApp(store, "alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        text = app.screen.text
        assert "| `space`/`s` | skip to the next sentence |" in text
        assert ("| `enter` | accept the suggested label (the side panel shows it; a narrow screen, the status line) |"
                in text)
        assert "beside the sentence" not in text


async def test_the_command_palette_offers_the_screen_s_own_commands(store):
    from annotator.tui.screens.prompt import NumberScreen

    app = AnnotatorApp(store, "alice")
    async with app.run_test(size=(120, 40)) as pilot:
        titles = [command.title for command in app.get_system_commands(app.screen)]
        for title in ("go to (:)", "view (v)", "find (/)", "sources (S)", "team (p)", "refresh (r)", "undo (u)",
                      "quit (q)", "fact (f)"):
            assert title in titles
        assert "Quit" not in titles  # Textual's would not wait for labels still being saved
        await pilot.press("ctrl+p", *"go to", "enter")
        await pilot.pause()
        assert isinstance(app.screen, NumberScreen)
        await pilot.press(*"12", "enter")
        assert app.screen.session.index == 11


def test_the_sources_table_says_whom_a_source_copied(store):
    from annotator.sources import source_table
    from annotator.tui.screens.sources import column_heads, source_line

    rows = {row["source"]: row for row in source_table(store)}
    assert column_heads(12).plain == "source                  units labeled  label mix     first"
    assert source_line(rows["corpus"], 12).plain == (
        "corpus                    101       0  ············   99%\n  copied from example.org (1 unit)")
    assert source_line(rows["example.org"], 12).plain == "example.org                 3       0  ············  100%"


async def test_the_sources_screen_shows_its_whole_header_at_120_columns(store):
    from annotator.tui.screens.sources import SourcesScreen

    app = AnnotatorApp(store, "alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("S")
        assert isinstance(app.screen, SourcesScreen)
        about = app.screen.query_one("#sources-about")
        assert " ".join(visible_lines(about)).endswith("Enter opens a source's documents; escape closes.")
        heads = app.screen.query_one("#sources-heads")
        assert visible_lines(heads) == ["  source                  units labeled  label mix             first"]


async def test_the_sources_screen_keeps_each_source_on_one_line_at_70_columns_and_after_a_resize(store):
    from textual.widgets import OptionList

    def table(app):
        heads = visible_lines(app.screen.query_one("#sources-heads"))
        lines = [line.strip("▊▎▌ ▁▔").rstrip() for line in visible_lines(app.screen.query_one(OptionList))]
        return heads, [line for line in lines if line]

    app = AnnotatorApp(store, "alice")
    async with app.run_test(size=(70, 20)) as pilot:
        await pilot.press("S")
        await pilot.pause()
        heads, lines = table(app)
        assert heads == ["  source                  units labeled  label mix     first"]
        assert lines[1].startswith("corpus ") and lines[1].endswith("   99%")
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        await pilot.pause()
        heads, lines = table(app)
        assert heads == ["  source                  units labeled  label mix             first"]
        assert lines[1].endswith("····················   99%") and lines[2] == "copied from example.org (1 unit)"


def test_the_commands_take_and_print_sentence_numbers_as_the_screen_shows_them(store):
    from click.testing import CliRunner

    from annotator.cli import main

    store.close()
    run = lambda *args: CliRunner().invoke(main, [*args, "--db", str(store.path)])  # noqa: E731
    second = Store(store.path).sentence_at(WIRE, 1)  # index 1: the screen's sentence 2
    out = run("dupes", "why", f"{WIRE}:2", f"{SYNDICATED}:1").output.splitlines()
    assert out[0] == f"{WIRE}:2  {second.text}"
    listing = run("dupes").output
    assert f"{WIRE}:3  " in listing and f"{WIRE}:0  " not in listing
    assert "expected DOC:N" in run("dupes", "split", f"{WIRE}:0").output
    assert run("dupes", "split", f"{WIRE}:2").output.startswith(f"{WIRE}:2 is now a group of its own")
    assert Store(store.path).sentence_at(WIRE, 1).group_id != second.group_id


async def test_back_to_every_sentence_the_current_one_is_near_the_top_not_a_stale_scroll(store):
    app = AnnotatorApp(store, "alice", doc_name=SYNDICATED)
    async with app.run_test(size=(70, 20)) as pilot:
        await pilot.press("j", "j", "j", "c")  # sentence 4 labeled; on to 5
        screen = app.screen
        await pilot.press(*["v"] * 6)  # each view once (the claim view goes back to 4), then every sentence
        await pilot.pause()
        await pilot.pause()
        assert (screen.session.view, screen.session.index) == (None, 3)
        document = screen.query_one("#document")
        widget = screen.para_widgets[screen.para_of[3]]
        assert document.scroll_y == widget.virtual_region.y - 3


@pytest.mark.parametrize("size", [(140, 24), (120, 20), (100, 24)])
async def test_a_short_screen_folds_the_side_panel_so_the_suggestion_enter_accepts_is_seen(store, size):
    from annotator.suggest import add_rule

    store.set_project("overlap", "2")
    add_rule(store, "Iraq", "claim")
    app = AnnotatorApp(store, "lena")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        assert not app.screen.query_one("#side").display
        status = app.screen.query_one("#status")
        assert "enter accepts  claim 1.00 " in "\n".join(visible_lines(status))
        await pilot.press("enter")
        assert app.screen.session.labels == {0: "claim"}


async def test_at_the_shortest_height_for_the_side_panel_every_count_and_the_suggestion_show(store):
    from annotator.suggest import add_rule

    store.set_project("overlap", "2")
    add_rule(store, "Iraq", "claim")
    app = AnnotatorApp(store, "lena")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("v")  # a view line in the sentence's box as well
        await pilot.pause()
        assert app.screen.query_one("#side").display and not app.screen.query_one("#status").display
        counts = visible_lines(app.screen.query_one("#counts"))
        assert counts[-4:] == [" F  fact     0", " C  claim    0", " O  opinion  0", " A  advert   0"]
        info = "\n".join(visible_lines(app.screen.query_one("#sentence-info")))
        assert "your label: none" in info and "suggested (rule):  claim 1.00\nenter accepts" in info


@pytest.mark.parametrize("labels, views", [("fco", 5), ("", 5)])
async def test_an_empty_view_shows_no_sentence_and_label_keys_do_nothing(store, labels, views):
    app = AnnotatorApp(store, "alice")
    async with app.run_test(size=(70, 20)) as pilot:
        await pilot.press(*labels)
        await pilot.press(*["v"] * views)  # unlabeled, fact, claim, opinion, advert: none are adverts
        await pilot.pause()
        screen = app.screen
        session = screen.session
        assert session.view == "advert"
        shown = [str(w.render()) for w in screen.para_widgets if w.display]
        assert shown == ["(no advert labels: v shows more)"]
        before = dict(session.labels)
        await pilot.press("f", "a", "enter")
        await pilot.pause()
        assert session.labels == before
        assert store.db.execute("select count(*) from events where kind = 'label'").fetchone()[0] == len(labels)
        assert [n.message for n in app._notifications][-1] == "This view has no advert labels: v shows more."


@pytest.mark.parametrize("size", [(70, 20), (80, 24), (120, 40)])
@pytest.mark.parametrize("key, prompt", [
    ("slash", "Find a sentence: type, arrows to choose, enter to open (DOC:N, N its number as the side panel "
              "counts, from 1)"),
    ("colon", "Go to sentence number (1-65, as the side panel counts), enter to go, escape to cancel"),
    ("n", "Note on sentence 1: After Missiles Fly, Iraq Becomes the Battleground\n"
          "(enter saves, an empty note clears it, escape cancels)"),
])
async def test_a_dialog_s_prompt_wraps_and_is_never_cut(store, size, key, prompt):
    from textual.widgets import Label

    app = AnnotatorApp(store, "alice")
    async with app.run_test(size=size) as pilot:
        await pilot.press(key)
        await pilot.pause()
        label = app.screen.query_one(Label)
        shown = visible_lines(label)
        assert " ".join(" ".join(shown).split()) == " ".join(prompt.split())
        assert label.region.right <= app.screen.query_one(".dialog").region.right


async def test_toasts_never_cover_the_status_line_and_a_gone_toast_leaves_nothing_drawn(store):
    from textual.widgets._toast import Toast, ToastRack

    app = AnnotatorApp(store, "alice")
    async with app.run_test(size=(70, 20), notifications=True) as pilot:
        await pilot.press("v", "f", "c", "o", "v", "v", "v", "v", "v")
        await pilot.pause()
        status = app.screen.query_one("#status").region
        toasts = list(app.screen.query(Toast))
        assert [str(toast.render()) for toast in toasts] == [
            "Showing only your advert labels: this document has no advert labels (v shows more).",
            "Showing every sentence."]
        assert all(not toast.region.overlaps(status) for toast in toasts)
        assert all(toast.region.y >= 1 for toast in toasts)  # below the document's border title
        for toast in toasts:
            await pilot.click(toast)  # a click dismisses a toast as its timeout does: no waiting
            await pilot.pause()
        await pilot.pause()
        assert not app.screen.query(Toast) and not app.screen.query_one(ToastRack).display


async def test_the_review_screen_names_the_unit_and_its_copies_as_doc_n(store):
    sentence = store.sentence_at(WIRE, 3)
    store.add_event(sentence.id, "label", "alice", "claim")
    store.add_event(sentence.id, "label", "bob", "fact")
    app = AnnotatorApp(store, "lead", mode="review")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        unit = app.screen.review.current
        first, other = sorted([f"{WIRE}:4", f"{SYNDICATED}:4"], key=lambda ref: ref != f"{unit.members[0][0]}:4")
        assert app.screen.query_one("#review-context")._border_title.plain == (
            f"unit 1 of 1  ·  decided 0 of 1  ·  {first}")
        assert visible_lines(app.screen.query_one("#votes-text"))[0] == (
            f"in 2 documents (2 copies), also {other}")
