"""The review screen: one disagreement at a time, in its document context, with every vote."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from annotator import agreement
from annotator.review import Review, agreement_figures, flag_words
from annotator.store import StoreError
from annotator.tui.bindings import DECIDE_DOING, REVIEW, label_styles, with_scheme
from annotator.tui.screens.dialog import Dialog
from annotator.tui.screens.help import HelpScreen
from annotator.tui.screens.prompt import ConfirmScreen, NoteScreen
from annotator.tui.widgets.key_footer import KeyFooter
from annotator.tui.widgets import names
from annotator.tui.widgets.names import cut, pad, tail_of
from annotator.wording import plural, sentence_ref
from annotator.writer import disk_full_notice

# heat map shades from no confusion to the most frequent cell
_SHADES = ["", "on $primary 15%", "on $primary 35%", "on $primary 60%", "on $primary"]


def heat_map(table: dict) -> Content:
    """A confusion matrix: counts on a background that darkens with the count."""
    labels, matrix = table["labels"], table["matrix"]
    top = max((n for row in matrix for n in row), default=0) or 1
    lines = [Content(f"rows {table['rows']}, columns {table['columns']}"),
             Content(" " * 10 + "".join(pad(cut(label, 8), 9, right=True) for label in labels))]
    for label, row in zip(labels, matrix):
        cells = []
        for n in row:
            shade = _SHADES[min(len(_SHADES) - 1, (n * (len(_SHADES) - 1) + top - 1) // top)] if n else ""
            cells.append((f"{n:>8} ", shade))
        lines.append(Content.assemble(pad(cut(label, 8), 10), *cells))
    return Content("\n").join(lines)


class SummaryScreen(Dialog[None]):
    """The agreement table and, per pair of annotators, the label confusion as a heat map."""

    BINDINGS = [Binding("escape,t,q", "dismiss", "close")]

    def __init__(self, result: agreement.Agreement, table: str):
        super().__init__()
        self.result = result
        self.table = table

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="summary"):
            head = self.table.split("\n\nCohen")[0] if "\n\nCohen" in self.table else self.table.split("\n\nconfusion")[0]
            yield Static(Content(head))
            kappas = [f"{p}: {'n/a' if k is None else f'{k:.3f}'}" for p, k in self.result.cohen_kappa.items()]
            if kappas:
                yield Static(Content.assemble("\n", ("Cohen's kappa", "b"), "\n", "\n".join(kappas)))
            for pair, table in self.result.confusion.items():
                yield Static(Content.assemble("\n", (f"confusion {pair}", "b"), "\n", heat_map(table)))


class ReviewScreen(Screen):
    BINDINGS = REVIEW

    def __init__(self, review: Review):
        super().__init__()
        self.review = review
        # the project's scheme as the screen opens: its keys decide, x leaves a unit ambiguous
        self.keys = with_scheme(self, "decide", DECIDE_DOING, REVIEW, review.store)
        self.label_style = label_styles(review.store)

    def compose(self) -> ComposeResult:
        yield VerticalScroll(Static(id="context-text"), id="review-context")
        yield VerticalScroll(Static(id="votes-text"), id="review-votes")
        yield KeyFooter(compact=True)

    def on_mount(self) -> None:
        votes = self.query_one("#review-votes")
        votes.border_title = Content(tail_of(names.database_path(self.review.store.path), 60))  # which database
        self.show()

    def show(self) -> None:
        review = self.review
        unit = review.current
        context = self.query_one("#review-context")
        if unit is None:
            context.border_title = "nothing to review"
            self.query_one("#context-text", Static).update(Content("No units to review."))
            self.query_one("#votes-text", Static).update(Content(""))
            return
        doc, before, text, after = review.context()
        context.border_title = Content(f"unit {review.pos + 1} of {len(review.units)}  ·  decided "
                                       f"{len(review.decided)} of {len(review.units)}  ·  "
                                       f"{sentence_ref(doc, unit.members[0][1])}")
        parts = ([Content.styled(s, "dim") for s in before] + [Content.styled(text, "b reverse")]
                 + [Content.styled(s, "dim") for s in after])
        self.query_one("#context-text", Static).update(Content("\n\n").join(parts))
        where = f"in {plural(unit.documents, 'document')} ({plural(len(unit.members), 'copy', 'copies')})"
        others = [sentence_ref(name, index) for name, index, _text, _id in unit.members[1:4]]
        if others:  # where else the unit stands, as DOC:N that `dupes` and find take
            where += f", also {', '.join(others)}" + (" and more" if len(unit.members) > 4 else "")
        lines = [Content(where)]
        for vote in unit.votes:
            note = ("  ", (f"note: {vote.note}", "i")) if vote.note else ()
            lines.append(Content.assemble(f"{pad(vote.annotator, 16)} ", (f" {vote.label} ", self.label_style.get(vote.label, "")),
                                          *note))
        if unit.control:  # why a control unit may show no votes at all
            lines.append(Content.assemble(("control item:", "b"), " ", (f" {unit.control} ", self.label_style.get(unit.control, "")),
                                          ("  (answers to it are no votes)", "dim")))
        for answer in unit.control_answers:
            lines.append(Content.assemble(f"{pad(answer.annotator, 16)} ", (f" {answer.label} ", self.label_style.get(answer.label, "")),
                                          ("  control answer", "i")))
        decision = ("decision:", "b")
        if unit.decision:
            label, who = unit.decision
            lines.append(Content.assemble("\n", decision, " ", (f" {label} ", self.label_style.get(label, "")), f" by {who}"))
        else:
            lines.append(Content.assemble("\n", decision, " ", ("none yet", "dim")))
        for who, note in unit.flags:
            lines.append(Content.styled(flag_words(who, note), "b $warning"))
        comment = review.comment_text
        if comment:
            lines.append(Content.styled(f"comment: {comment}", "i"))
        if review.done:
            lines.append(Content.assemble("\n", ("All units are decided.", "b"), " q quits; u undoes the last decision."))
        if review.writer.full:
            lines.append(Content.assemble("\n", (disk_full_notice(review.writer.pending, 'decision'), "bold $error")))
        self.query_one("#votes-text", Static).update(Content("\n").join(lines))

    def _act(self, change) -> None:
        try:
            change()
        except StoreError as err:
            self.notify(str(err), severity="error", timeout=8)
        self.show()

    def action_decide(self, label: str) -> None:
        unit = self.review.current
        if unit is None or unit.decision is None or unit.decision[0] == label:
            self._act(lambda: self.review.decide(label))
            return
        group = unit.group

        def answer(yes: bool | None) -> None:
            # the unit asked about, not whichever is current when the answer comes
            if yes and self.review.current is not None and self.review.current.group == group:
                self._act(lambda: self.review.decide(label))

        self.app.push_screen(ConfirmScreen(f"Change the decision on this unit from {unit.decision[0]} "
                                           f"(by {unit.decision[1]}) to {label}?"), answer)

    def action_comment(self) -> None:
        if self.review.current is None:
            self.notify("No unit to comment on.", timeout=4)
            return
        subject = ("your decision on this unit" if self.review.current.decision is not None
                   else "this unit (kept with the decision you give it)")

        def save(text: str | None) -> None:
            if text is not None:
                self._act(lambda: self.review.comment(text))

        self.app.push_screen(NoteScreen(self.review.comment_text, subject), save)

    def action_undo(self) -> None:
        self._act(self.review.undo)

    def action_move(self, delta: int) -> None:
        self._act(lambda: self.review.move(delta))

    def action_summary(self) -> None:
        result = agreement_figures(self.review.store)
        self.app.push_screen(SummaryScreen(result, agreement.format_text(result)))

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(self.review.store, "the review screen", self.keys))

    def write_landed(self, key) -> None:
        """A decision (or its undo) committed: show the unit as it now is."""
        self.review.landed(key)
        self.review.reload()
        self.show()

    def saving_changed(self) -> None:
        self.show()

    def action_quit(self) -> None:
        self.app.quit_when_saved()
