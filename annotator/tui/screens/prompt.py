"""Small dialogs: a note editor, a yes/no question, the scheme's second question, sentence search."""

from __future__ import annotations

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from annotator.tui.screens.dialog import Dialog
from annotator.wording import sentence_ref


class NoteScreen(Dialog[str | None]):
    """Edit the note of a sentence: enter saves, escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "cancel")]

    def __init__(self, current: str | None, subject: str = "this sentence"):
        super().__init__()
        self.current = current or ""
        self.subject = subject

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(f"Note on {self.subject}\n(enter saves, an empty note clears it, escape cancels)", markup=False)
            yield Input(value=self.current, id="note-input")

    @on(Input.Submitted)
    def save(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class FlagScreen(NoteScreen):
    """Flag a unit as unsure, with an optional note for the lead: enter flags, escape cancels."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(f"Flag {self.subject} as unsure: the lead sees it in review.\n"
                        "A note for the lead (optional; enter flags, escape cancels)", markup=False)
            yield Input(value=self.current, id="note-input")


class ConfirmScreen(Dialog[bool]):
    """A yes/no question: y or enter says yes; any other key says no, and goes no further (a key
    meant for the screen below must never act on what the question guards)."""

    def __init__(self, question: str):
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(f"{self.question}\n(y or enter: yes; any other key: no)", markup=False)

    def on_key(self, event: events.Key) -> None:
        event.stop()
        event.prevent_default()
        self.dismiss(event.key in ("y", "enter"))


class SecondScreen(Dialog[str | None]):
    """The scheme's second question, asked after a label in its `when`: an answer's key answers it,
    escape leaves it unanswered; any other key does nothing (it must not act on the screen below)."""

    def __init__(self, second, label: str, subject: str):
        super().__init__()
        self.second = second
        self.label = label
        self.subject = subject

    def compose(self) -> ComposeResult:
        keys = " · ".join(f"{answer.key} {answer.name}" for answer in self.second.answers)
        with Vertical(classes="dialog", id="second"):
            yield Label(Content.assemble((self.label, "b"), f" on {self.subject}\n", (self.second.question, "b"),
                                         f"  ({keys} · escape: no answer)"))

    def on_key(self, event: events.Key) -> None:
        event.stop()
        event.prevent_default()
        if event.key == "escape":
            self.dismiss(None)
            return
        chosen = next((answer.name for answer in self.second.answers if answer.key == event.character), None)
        if chosen is not None:
            self.dismiss(chosen)


class NumberScreen(Dialog[int | None]):
    """Ask for a sentence number (1 to `count`)."""

    BINDINGS = [Binding("escape", "cancel", "cancel")]

    def __init__(self, count: int):
        super().__init__()
        self.count = count

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(f"Go to sentence number (1-{self.count}, as the side panel counts), enter to go, "
                        "escape to cancel")
            yield Input(id="number-input", type="integer")

    @on(Input.Submitted)
    def go(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        self.dismiss(int(value) if value.isdigit() and 1 <= int(value) <= self.count else None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class FindScreen(Dialog[tuple[int, int] | None]):
    """Find sentences by text: type, move in the results with the arrows, enter opens the one
    highlighted (the first, if none is)."""

    BINDINGS = [
        Binding("escape", "cancel", "cancel"),
        Binding("down", "cursor(1)", "next hit", show=False, priority=True),
        Binding("up", "cursor(-1)", "previous hit", show=False, priority=True),
    ]

    def __init__(self, search, name_of):
        super().__init__()
        self.search = search
        self.name_of = name_of  # document id -> name
        self.hits: list[tuple[int, int, str]] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Find a sentence: type, arrows to choose, enter to open (DOC:N, N its number as the "
                        "side panel counts, from 1)")
            yield Input(id="find-input")
            yield OptionList(id="find-results")

    @on(Input.Changed)
    def update_hits(self, event: Input.Changed) -> None:
        self.hits = self.search(event.value)
        results = self.query_one(OptionList)
        results.clear_options()
        if self.hits:
            results.add_options([
                Option(Content(f"{sentence_ref(self.name_of(doc_id), index)}  {shorten(text, 100)}"), id=str(i))
                for i, (doc_id, index, text) in enumerate(self.hits)
            ])
            results.highlighted = 0
        elif event.value.strip():
            results.add_option(Option("no match", disabled=True))

    def action_cursor(self, delta: int) -> None:
        results = self.query_one(OptionList)
        if self.hits:
            current = results.highlighted if results.highlighted is not None else -1
            results.highlighted = max(0, min(len(self.hits) - 1, current + delta))

    @on(Input.Submitted)
    def pick_highlighted(self) -> None:
        chosen = self.query_one(OptionList).highlighted
        if self.hits:
            self.dismiss(self.hits[chosen if chosen is not None and chosen < len(self.hits) else 0][:2])

    @on(OptionList.OptionSelected)
    def pick(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.dismiss(self.hits[int(event.option.id)][:2])

    def action_cancel(self) -> None:
        self.dismiss(None)


def shorten(text: str, width: int) -> str:
    """At most `width` characters, cut at a word with an ellipsis."""
    if len(text) <= width:
        return text
    cut = text[: width - 1].rsplit(" ", 1)[0] if " " in text[: width - 1] else text[: width - 1]
    return cut.rstrip(" ,;:") + "\u2026"
