"""User text is data, never markup: every screen shows sentences, titles, sources, notes, names and
comments exactly as written, whatever brackets and backslashes they hold."""

from __future__ import annotations

import json

import pytest
from textual.content import Content
from textual.geometry import Region
from textual.widgets import Label, OptionList, Static
from textual.widgets._toast import Toast

from annotator.ingest import import_paths
from annotator.store import Store
from annotator.tui.app import AnnotatorApp
from annotator.tui.screens.prompt import FindScreen, NoteScreen, shorten
from annotator.tui.screens.review import ReviewScreen, SummaryScreen
from annotator.tui.screens.sources import SourcesScreen
from annotator.tui.screens.team import ProgressScreen
from annotator.writer import wait_all

DOC, COPY = "filings/[b]E:\\Data\\", "copy[/]"
TITLE, SOURCE, COPY_SOURCE = "Filing [bold]x[/] in E:\\Data\\", "[$4 million] Wire [/s/", "[/s/ General Counsel,"
SIGNED = "The filing was signed by [/s/ General Counsel, in March. He put the cost at [$4 million] in all."
STORED = "It was stored in E:\\Data\\ on Monday by the clerks of the district court."
OFFER = "The offer [to sell stands [bold]firmly[/] now."
LONE = "A lone backslash \\ ends [/]"
STORED_COPY = "It was stored in E:\\Data\\ on Monday by clerks of the district court."
CLICK = "Another line [@click=app.quit]here[/]."
ANNOTATOR, OTHER, REVIEWER = "ann [/] E:\\Data\\", "[$4 million]", "rev [b]iew\\"
NOTE, COMMENT = "[/s/ not sure \\", "see [$4 million] and [/]"


@pytest.fixture
def store(tmp_path):
    documents = tmp_path / "hostile.jsonl"
    documents.write_text("\n".join(json.dumps(d) for d in [
        {"id": DOC, "title": TITLE, "source": SOURCE, "text": f"{SIGNED}\n\n{STORED} {OFFER} {LONE}"},
        {"id": COPY, "title": "[/]", "source": COPY_SOURCE, "text": f"{STORED_COPY} {CLICK}"},
    ]) + "\n")
    store = Store(tmp_path / "hostile.db")
    import_paths(store, [documents])
    # two annotators disagree on the first sentence, with a note full of brackets: a unit to review
    first = store.query("SELECT s.id FROM sentences s JOIN documents d ON d.id = s.doc_id "
                        "WHERE d.name = ? AND s.idx = 0", (DOC,))[0][0]
    store.add_event(first, "label", OTHER, "claim", NOTE, created_at="2026-01-01T00:00:00.000Z")
    store.add_event(first, "label", ANNOTATOR, "fact", created_at="2026-01-01T00:00:01.000Z")
    yield store
    store.close()


def plain(visual) -> str:
    return visual.plain if isinstance(visual, Content) else str(visual)


def shown(widget) -> str:
    """What a widget paints, as text."""
    return plain(widget.render())


def document_text(screen) -> str:
    return "\n".join(shown(w) for w in screen.para_widgets if w.display)


async def test_the_annotation_screen_shows_every_text_as_written(store):
    app = AnnotatorApp(store, ANNOTATOR, doc_name=DOC)
    async with app.run_test(size=(110, 30), notifications=True) as pilot:
        screen = app.screen
        assert document_text(screen) == f"[F] {SIGNED}\n[·] {STORED} [·] {OFFER} [·] {LONE}"
        assert screen.query_one("#document")._border_title.plain == TITLE
        assert shown(screen.query_one("#doc-info")) == f"{DOC}\n{TITLE}\n{SOURCE} · undated · en\nannotator: {ANNOTATOR}"
        assert screen.session.index == 1  # the first one not labeled: it has a copy worded differently
        info = shown(screen.query_one("#sentence-info"))
        assert f"also in 1 other document: {COPY}" in info
        assert f"{COPY}:1\nIt was stored in E:\\Data\\ on Monday by the clerks of the district court." in info
        # the highlight covers the current sentence and nothing after it
        p = screen.para_of[1]
        content = screen.para_content(p)
        current = [span for span in content.spans if span.style == "reverse"]
        assert [content.plain[span.start:span.end] for span in current] == [f"[·] {STORED}"]
        assert all(span.end <= len(f"[·] {STORED}") for span in content.spans if "click=screen.select(1)" in str(span.style))
        await pilot.press("c", "n")  # a note on the sentence just labeled: the dialog names it
        assert isinstance(app.screen, NoteScreen)
        subject = f"the sentence you just labeled (2): {shorten(STORED, 60)}"
        assert shown(app.screen.query_one(Label)) == (
            f"Note on {subject}\n(enter saves, an empty note clears it, escape cancels)")
        await pilot.press(*NOTE, "enter")
        wait_all(10)
        await pilot.pause()
        toasts = [shown(toast) for toast in app.screen.query(Toast)]
        assert f"Note saved on {subject}" in toasts
        assert document_text(screen) == f"[F] {SIGNED}\n[C] {STORED} [·] {OFFER} [·] {LONE}"
        assert f"note: {NOTE}" not in shown(screen.query_one("#sentence-info"))  # the note went on sentence 2
        await pilot.press("k")
        assert f"note: {NOTE}" in shown(screen.query_one("#sentence-info"))

        await pilot.press("slash", *"[$4")
        assert isinstance(app.screen, FindScreen)
        results = app.screen.query_one(OptionList)
        assert [plain(results.get_option_at_index(i).prompt) for i in range(results.option_count)] == [
            f"{DOC}:1  {SIGNED}"]
        await pilot.press("escape", "S")
        assert isinstance(app.screen, SourcesScreen)
        options = app.screen.query_one(OptionList)
        lines = [plain(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert {line[:22].rstrip() for line in lines[1:]} == {SOURCE, COPY_SOURCE}
        await pilot.press("escape", "p")
        assert isinstance(app.screen, ProgressScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        progress = shown(app.screen.query_one("#team-progress"))
        assert ANNOTATOR in progress and OTHER in progress
        await pilot.press("escape", "right_square_bracket")
        assert document_text(screen) == f"[C] {STORED_COPY} [·] {CLICK}"
        assert screen.query_one("#document")._border_title.plain == "[/]"
        assert shown(screen.query_one("#doc-info")).startswith(f"{COPY}\n[/]\n{COPY_SOURCE} · undated · en\n")
        # a click on the sentence selects it; the click action its text spells is only text
        paragraph = screen.para_widgets[0]
        assert {str(span.style) for span in screen.para_content(0).spans if "@click" in str(span.style)} == {
            "@click=screen.select(0)", "@click=screen.select(1)"}
        rows = [strip.text for strip in paragraph.render_lines(Region(0, 0, *paragraph.size))]
        y = next(n for n, row in enumerate(rows) if "here[/]" in row)
        await pilot.click(paragraph, offset=(rows[y].index("here[/]"), y))
        assert app.is_running and screen.session.index == 1


async def test_the_narrow_status_line_shows_the_document_as_written(store):
    app = AnnotatorApp(store, ANNOTATOR, doc_name=DOC)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "[F] " + SIGNED in document_text(app.screen)
        assert shown(app.screen.query_one("#status")) == "2/4 · doc 1/2 · yours: none · labeled 1/5 · in 2 documents"


async def test_the_review_screen_shows_every_text_as_written(store):
    app = AnnotatorApp(store, REVIEWER, mode="review")
    async with app.run_test(size=(110, 30)) as pilot:
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        assert shown(screen.query_one("#context-text")) == f"{SIGNED}\n\n{STORED}\n\n{OFFER}"
        assert screen.query_one("#review-context")._border_title.plain == f"unit 1 of 1  ·  decided 0 of 1  ·  {DOC}:1"
        await pilot.press("n", *COMMENT, "enter", "o")
        wait_all(10)
        await pilot.pause()
        assert shown(screen.query_one("#votes-text")).splitlines() == [
            "in 1 document (1 copy)",
            f"{OTHER:<16}  claim   note: {NOTE}",
            f"{ANNOTATOR:<16}  fact ",
            "",
            f"decision:  opinion  by {REVIEWER}",
            f"comment: {COMMENT}",
            "",
            "All units are decided. q quits; u undoes the last decision.",
        ]
        await pilot.press("t")
        assert isinstance(app.screen, SummaryScreen)
        summary = "\n".join(shown(w) for w in app.screen.query(Static))
        assert f"{OTHER}|{ANNOTATOR}: " in summary or f"{ANNOTATOR}|{OTHER}: " in summary
        assert f"rows {OTHER}, columns {ANNOTATOR}" in summary or f"rows {ANNOTATOR}, columns {OTHER}" in summary
