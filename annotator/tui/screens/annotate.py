"""The annotation screen: the document with the current sentence highlighted, a side panel, the footer."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from annotator.session import Session
from annotator.store import StoreError
from annotator import scheme
from annotator.tui.bindings import ANNOTATE, LABEL_DOING, label_styles, marks, with_scheme
from annotator.tui.screens.help import HelpScreen
from annotator.tui.screens.prompt import FindScreen, FlagScreen, NoteScreen, NumberScreen, SecondScreen, shorten
from annotator.tui.screens.team import ProgressScreen
from annotator.tui.widgets.key_footer import KeyFooter
from annotator.tui.widgets import names
from annotator.tui.widgets.names import tail_of
from annotator.quality.control import pause_message
from annotator.training import TrainingSession
from annotator.tui.widgets.side_panel import SidePanel, count_line, status_line
from annotator.wording import plural


def past_overlap_notice(n: int) -> str:
    """What the screen says when labels land past their unit's overlap (the lease had lapsed)."""
    return (f"{plural(n, 'label')} went past the project's overlap: your lease had lapsed and others took "
            f"{'that unit' if n == 1 else 'those units'}. Kept and marked, but left out of agreement and "
            "exports; your queue moves on to what still needs you.")

# sentences rendered before and after the current one: a huge document stays fast, and since
# labeling moves forward, the window reaches further ahead, so it is rebuilt seldom
BEHIND, AHEAD = 10, 50
NARROW = 100  # columns: below this the side panel folds into one status line
# rows: below this the side panel's boxes (document, position, counts, your label, the suggestion) do
# not all fit, so it folds into the status line too: `enter` must never accept a suggestion out of sight
SHORT = 30


def paragraphs(text: str, sentences, lo: int, hi: int) -> list[tuple[list[int], bool]]:
    """Split sentences lo..hi-1 into lines as the document has them: (sentence indexes, blank line before)."""
    out: list[tuple[list[int], bool]] = []
    for i in range(lo, hi):
        gap = text[sentences[i - 1].end : sentences[i].start] if i > lo else "\n"
        if "\n" in gap or not out:
            out.append(([i], "\n\n" in gap or (i > lo and gap.count("\n") > 1)))
        else:
            out[-1][0].append(i)
    return out


class DocumentView(VerticalScroll, can_focus=False):
    """The document text; not focusable, so arrows and space reach the screen's bindings."""


class AnnotateScreen(Screen):
    BINDINGS = ANNOTATE

    def __init__(self, session: Session):
        super().__init__()
        self.session = session
        # the project's scheme as the screen opens: its keys, marks and colours (a scheme set by another
        # process meanwhile shows when the screen is opened again)
        self.keys = with_scheme(self, "label", LABEL_DOING, ANNOTATE, session.store)
        self.label_style = label_styles(session.store)
        self.label_mark = marks(session.store)
        self.second = scheme.second(session.store)
        self.window = (0, 0)
        self.para_of: dict[int, int] = {}
        self.para_widgets: list[Static] = []
        self.pool: list[Static] = []
        self.para_members: list[list[int]] = []
        self.shown_labels: dict[int, str] = {}
        self.shown_doc: int | None = None  # the document and view last rendered
        self.shown_view: str | None = None
        self.status_length = 0  # of the status line last shown
        self.counts_length = 0  # of the counts line under it
        self._told_past_overlap = 0  # labels of this session said to have landed past the overlap

    def compose(self) -> ComposeResult:
        with Horizontal(id="main"):
            yield DocumentView(id="document")
            yield SidePanel(names.database_path(self.session.store.path), self.label_style, self.label_mark, id="side")
        yield Static(id="status")  # the side panel folded into one line, on narrow terminals
        yield Static(id="status-counts")  # and its counts, every label's, on a line of their own
        yield KeyFooter(compact=True)

    def on_mount(self) -> None:
        self.render_document()
        self.update_panel()
        if self.session.queue_empty:
            self.notify(self.queue_empty_message(), timeout=8)

    def queue_empty_message(self) -> str:
        if self.session.paused is not None:
            return pause_message(*self.session.paused)
        return (f"Your queue is empty: every unit has its {plural(self.session.overlap, 'annotator')} "
                "or is held by someone now. You can still open any document with ] [ or /.")

    # -- rendering -----------------------------------------------------------------------

    def sentence_content(self, i: int) -> Content:
        """The sentence as the document shows it: its text is never read as markup, so a `[` in it
        shows as written and no style runs past the sentence's end."""
        s = self.session.sentences[i]
        label = self.session.labels.get(i)
        # every sentence starts with a one-letter mark (its label, or a dot): it shows where the
        # sentences split, and a new label never rewraps the paragraph
        # the mark is a bracketed letter, which no sentence text reads as a word even without colour
        if label:  # the letter in bold; given but not yet stored: in italics, dimmed
            mark = Content.styled(f"[{self.label_mark.get(label, '?')}]", "i dim" if s.id in self.session.saving else "b")
            text = Content.assemble(mark, " ", s.text).stylize_before(self.label_style.get(label, ""))
        else:
            text = Content.assemble(Content.styled("[·]", "dim"), " ", s.text)
        if i == self.session.index:
            text = text.stylize_before("reverse")
        return text.stylize_before(f"@click=screen.select({i})")

    def para_content(self, p: int) -> Content:
        shown = self.session.shown
        current = self.session.index
        return Content(" ").join(self.sentence_content(i) for i in self.para_members[p] if i == current or shown(i))

    def render_document(self) -> None:
        """Rebuild the visible window of the document around the current sentence."""
        session = self.session
        view = self.query_one("#document", VerticalScroll)
        view.border_title = Content(session.doc_title or session.doc_name)
        n = len(session.sentences)
        lo, hi = max(0, session.index - BEHIND), min(n, session.index + AHEAD)
        self.window = (lo, hi)
        self.para_of.clear()
        self.para_members = []
        blocks = paragraphs(session.doc_text, session.sentences, lo, hi)
        contents = []
        for members, gap in blocks:
            p = len(self.para_members)
            self.para_members.append(members)
            for i in members:
                self.para_of[i] = p
            contents.append(self.para_content(p))
        if not blocks:
            blocks, contents = [([], False)], [Content("(this document has no sentences)")]
        elif self.view_is_empty():  # the current sentence must not stand in for a view that matches none
            self.para_of.clear()
            self.para_members = [[]]
            blocks, contents = [([], False)], [Content.styled(f"({self.view_words()}: v shows more)", "dim")]
        # paragraph widgets are reused from document to document: mounting new ones is what costs
        new_widgets = []
        for p, ((_members, gap), content) in enumerate(zip(blocks, contents)):
            if p < len(self.pool):
                widget = self.pool[p]
                widget.update(content)
                if widget.display != bool(content):  # a paragraph with nothing in the view is hidden
                    widget.display = bool(content)
            else:
                widget = Static(content, classes="para")
                self.pool.append(widget)
                new_widgets.append(widget)
            if widget.has_class("gap") != bool(gap and p):  # a class change restyles the widget: only when needed
                widget.set_class(bool(gap and p), "gap")
        for widget in self.pool[len(blocks):]:
            if widget.display:
                widget.display = False
        self.para_widgets = self.pool[: len(blocks)]
        if new_widgets:
            view.mount_all(new_widgets)
        self.shown_labels = dict(session.labels)
        # another document, or another view of it: the old scroll offset means nothing in the new text
        relaid = (session.doc_id, session.view) != (self.shown_doc, self.shown_view)
        self.shown_doc, self.shown_view = session.doc_id, session.view
        if self.para_of.get(session.index, 0) < 3:
            view.scroll_home(animate=False)  # no need to wait for the layout: saves a repaint
        else:
            self.call_after_refresh(self.scroll_to_current, relaid)

    def on_resize(self) -> None:
        """A new terminal size rewraps the text: bring the current sentence back into view. Below
        NARROW columns or SHORT rows the side panel folds into a status line under the text."""
        narrow = self.size.width < NARROW or self.size.height < SHORT
        if self.has_class("narrow") != narrow:
            self.set_class(narrow, "narrow")
            # the side panel's title names the database; without the panel, the document's border does
            database = names.database_path(self.session.store.path)
            self.query_one("#document").border_subtitle = Content(tail_of(database, 60)) if narrow else None
            self.status_length = self.counts_length = 0
            self.update_panel()
        self.call_after_refresh(self.scroll_to_current)

    def view_is_empty(self) -> bool:
        """Does the view filter match no sentence of the open document? Then nothing is current."""
        session = self.session
        return session.view is not None and not any(session.shown(i) for i in range(len(session.sentences)))

    def view_words(self) -> str:
        """What an empty view lacks, as the screen says it: "no advert labels"."""
        view = self.session.view
        return "no unlabeled sentences" if view == "unlabeled" else f"no {view} labels"

    def scroll_to_current(self, anew: bool = False) -> None:
        """Keep the current sentence in view, scrolling a screenful at a time: a scroll repaints the
        whole view, so it should happen once a page, not on every keypress. `anew`: the text was laid
        out afresh, so its paragraph goes near the top whether or not it is in view."""
        p = self.para_of.get(self.session.index)
        if p is None:
            return
        view = self.query_one("#document", VerticalScroll)
        widget = self.para_widgets[p]
        if anew or not view.can_view_entire(widget):
            view.scroll_to(y=max(0, widget.virtual_region.y - 3), animate=False)

    def redraw(self, previous: tuple[int, int]) -> None:
        """Show a change of position or labels, redrawing as little as possible."""
        old_doc, old_index = previous
        session = self.session
        lo, hi = self.window
        # a filtered view hides sentences and whole paragraphs: leaving or changing it rebuilds them all
        if session.view is not None or session.view != self.shown_view or old_doc != session.doc_id or not (lo <= session.index < hi) or (
            (session.index - lo < 3 and lo > 0) or (hi - session.index < 15 and hi < len(session.sentences))
        ):
            self.render_document()
        else:
            changed = {old_index, session.index}
            changed.update(i for i in set(self.shown_labels) | set(session.labels)
                           if self.shown_labels.get(i) != session.labels.get(i))
            for p in sorted({self.para_of[i] for i in changed if i in self.para_of}):
                self.para_widgets[p].update(self.para_content(p), layout=False)
            self.shown_labels = dict(session.labels)
            self.scroll_to_current()
        self.update_panel()

    def update_panel(self) -> None:
        """The side panel, or on narrow terminals the status line that stands for it."""
        if self.has_class("narrow"):
            status = status_line(self.session, self.label_style)
            # the line wraps when it is longer than the screen: a new layout only when its length changed
            self.query_one("#status", Static).update(status, layout=status.cell_length != self.status_length)
            self.status_length = status.cell_length
            counts = count_line(self.label_mark, self.label_style, self.session.progress().per_label)
            self.query_one("#status-counts", Static).update(counts, layout=counts.cell_length != self.counts_length)
            self.counts_length = counts.cell_length
        else:
            self.query_one(SidePanel).show(self.session)

    # -- actions -------------------------------------------------------------------------

    def _position(self) -> tuple[int, int]:
        return self.session.doc_id, self.session.index

    def _act(self, change, keeps_last_label: bool = False) -> None:
        if not keeps_last_label:
            self.session.just_labeled = None  # `n` notes the sentence just labeled only right after the label
        before = self._position()
        try:
            result = change()
        except StoreError as err:
            self.notify(str(err), severity="error", timeout=8)
            result = None
        self.redraw(before)  # what was done before the error (a label handed to the writer) shows
        return result

    def action_label(self, label: str) -> None:
        if self.view_is_empty():  # no sentence is shown, so none is there to label
            self.notify(f"This view has {self.view_words()}: v shows more.", timeout=3)
            return
        moved = self._act(lambda: self.session.label(label), keeps_last_label=True)
        if isinstance(self.session, TrainingSession):
            self.tell_training(moved)
        elif moved is False:
            self.notify(self.queue_empty_message() if self.session.overlap is not None
                        else "Every sentence has your label. Well done.", timeout=4)
        self.app.labeled()
        self.ask_second(label)

    def ask_second(self, label: str) -> None:
        """After a label the scheme's second question follows, ask it of the sentence just labeled; its
        answer is stored as the same label with the answer (escape: the label stays, unanswered)."""
        target = self.session.just_labeled
        if self.second is None or label not in self.second.when or target is None:
            return
        entry = self.session.undo_stack[-1] if self.session.undo_stack else None

        def answered(answer: str | None) -> None:
            # the label asked about, unless undone or relabeled meanwhile
            if answer is not None and self.session.undo_stack and self.session.undo_stack[-1] is entry:
                self._act(lambda: self.session.answer(answer))

        self.app.push_screen(SecondScreen(self.second, label, f"sentence {target.index + 1}: {shorten(target.text, 60)}"),
                             answered)

    def tell_training(self, moved: bool | None) -> None:
        """After a training answer: the expected label and its reason, and the end of the round."""
        if self.session.feedback:
            self.notify(self.session.feedback, timeout=10)
            self.session.feedback = None
        if moved is False:
            self.notify(self.session.done_message(), timeout=10)

    def suggestions_updated(self) -> None:
        """A retrain finished: show the new suggestions for this document."""
        self.session.suggestions = self.session.store.doc_suggestions(self.session.doc_id)
        self.update_panel()

    def action_accept(self) -> None:
        if self.view_is_empty():
            self.notify(f"This view has {self.view_words()}: v shows more.", timeout=3)
            return
        result = self._act(self.session.accept_suggestion, keeps_last_label=True)
        if result is None:
            self.notify("No suggestion for this sentence.", timeout=3)
        elif result is False:
            self.notify(self.queue_empty_message() if self.session.overlap is not None
                        else "Every sentence has your label. Well done.", timeout=4)
        else:
            self.app.labeled()
        if result is not None:  # an accepted label is asked the second question as a typed one is
            self.ask_second(self.session.undo_stack[-1].label)

    def action_undo(self) -> None:
        result = self._act(self.session.undo)
        if result is False:
            self.notify("Nothing to undo in this session.", timeout=3)
        elif isinstance(result, str):
            self.notify(result, severity="warning", timeout=6)

    def action_skip(self) -> None:
        self._act(lambda: self.session.move(1))

    def action_move(self, delta: int) -> None:
        self._act(lambda: self.session.move(delta))

    def action_select(self, index: int) -> None:
        self._act(lambda: self.session.select(index))

    def action_document(self, delta: int) -> None:
        self._act(lambda: self.session.change_document(delta))

    def action_unlabeled(self) -> None:
        if self._act(self.session.goto_unlabeled) is False:
            self.notify(self.queue_empty_message() if self.session.overlap is not None
                        else "No sentence left without your label.", timeout=3)

    def action_refresh(self) -> None:
        self._act(self.session.refresh)
        groups, people = self.session.team
        self.notify(f"Refreshed: the team has labeled {plural(groups, 'unit')} "
                    f"({plural(people, 'person', 'people')}).", timeout=3)

    def action_sources(self) -> None:
        from annotator.sources import source_table
        from annotator.tui.screens.sources import EVERY, SourcesScreen

        def chosen(source: str | None) -> None:
            if source is None:
                return
            found = self._act(lambda: self.session.only_source(None if source == EVERY else source))
            if found is False:
                self.notify(f"No documents from {source}.", timeout=3)

        self.app.push_screen(SourcesScreen(source_table(self.session.store), self.session.store), chosen)

    def action_progress(self) -> None:
        try:
            self.app.push_screen(ProgressScreen(self.session.store))
        except StoreError as err:
            self.notify(str(err), severity="error", timeout=8)

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(self.session.store, "the annotation screen", self.keys,
                                        "A mouse click selects a sentence. Every label is saved as you give it.\n\n"))

    def action_note(self) -> None:
        target = self.session.note_target()
        if target is None or (self.view_is_empty() and self.session.just_labeled is None):
            return
        if self.session.just_labeled is not None:
            subject = f"the sentence you just labeled ({target.index + 1}): {shorten(target.text, 60)}"
        else:
            subject = f"sentence {target.index + 1}: {shorten(target.text, 60)}"

        def save(note: str | None) -> None:
            if note is None:
                return
            if self._act(lambda: self.session.set_note(note, target)) is False:
                self.notify("Empty note: nothing to save.", timeout=3)
            elif target.id != (self.session.sentence.id if self.session.sentence else None):
                self.notify(f"Note saved on {subject}", timeout=3)

        self.app.push_screen(NoteScreen(self.session.note(target), subject), save)

    def action_flag(self) -> None:
        """Flag the current unit as unsure (a dialog asks for an optional note); when this annotator has
        flagged it already, take the flag back (u undoes either)."""
        target = self.session.sentence
        if target is None or self.view_is_empty():
            return
        if self.session.flagged_by_me():
            if self._act(self.session.unflag):
                self.notify("Flag taken back (u undoes).", timeout=3)
            return

        def save(note: str | None) -> None:
            if note is not None and self._act(lambda: self.session.flag(note)):
                self.notify("Flagged as unsure: the lead sees it in review (! again takes it back).", timeout=3)

        self.app.push_screen(FlagScreen(None, f"sentence {target.index + 1}: {shorten(target.text, 60)}"), save)

    def action_goto(self) -> None:
        def go(number: int | None) -> None:
            if number is not None:
                self._act(lambda: self.session.select(number - 1))

        self.app.push_screen(NumberScreen(len(self.session.sentences)), go)

    def action_view(self) -> None:
        view = self._act(self.session.cycle_view)
        shown = {None: "every sentence", "unlabeled": "only sentences you have not labeled"}
        empty = f": this document has {self.view_words()} (v shows more)" if self.view_is_empty() else ""
        self.notify(f"Showing {shown.get(view, f'only your {view} labels')}{empty}.", timeout=3)

    def action_find(self) -> None:
        def go(hit: tuple[int, int] | None) -> None:
            if hit is not None:
                self._act(lambda: self.session.jump(*hit))

        doc_names = dict(self.session.docs)
        self.app.push_screen(FindScreen(self.session.find, lambda doc_id: doc_names.get(doc_id, "?")), go)

    def write_landed(self, sentence_id: int) -> None:
        """A write committed: show its sentence (and any other that was waiting) as stored, and say
        so when a label of this session landed past its unit's overlap."""
        waiting = set(self.session.saving)
        self.session.landed(sentence_id)
        past = self.session.over_overlap_total + len(self.session.over_overlap)
        if past > self._told_past_overlap:
            self.notify(past_overlap_notice(past - self._told_past_overlap), severity="warning", timeout=10)
            self._told_past_overlap = past
        done = waiting - self.session.saving
        indexes = {i for i, s in enumerate(self.session.sentences) if s.id in done}
        for p in sorted({self.para_of[i] for i in indexes if i in self.para_of}):
            self.para_widgets[p].update(self.para_content(p), layout=False)
        self.update_panel()

    def saving_changed(self) -> None:
        """The disk filled up, or has room again: the side panel says so."""
        self.update_panel()

    def action_quit(self) -> None:
        self.app.quit_when_saved()
