"""Small dialogs: a note editor and sentence search."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option


class NoteScreen(ModalScreen[str | None]):
    """Edit the note of a sentence: enter saves, escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "cancel")]

    def __init__(self, current: str | None):
        super().__init__()
        self.current = current or ""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Note on this sentence (enter saves, escape cancels)")
            yield Input(value=self.current, id="note-input")

    @on(Input.Submitted)
    def save(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class FindScreen(ModalScreen[tuple[int, int] | None]):
    """Find sentences by text; enter in the box picks the first hit, or choose one from the list."""

    BINDINGS = [Binding("escape", "cancel", "cancel")]

    def __init__(self, search):
        super().__init__()
        self.search = search
        self.hits: list[tuple[int, int, str]] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Find a sentence (type, then enter or pick one)")
            yield Input(id="find-input")
            yield OptionList(id="find-results")

    @on(Input.Changed)
    def update_hits(self, event: Input.Changed) -> None:
        self.hits = self.search(event.value)
        results = self.query_one(OptionList)
        results.clear_options()
        results.add_options([Option(f"{text[:100]}", id=str(i)) for i, (_, _, text) in enumerate(self.hits)])

    @on(Input.Submitted)
    def pick_first(self) -> None:
        self.dismiss(self.hits[0][:2] if self.hits else None)

    @on(OptionList.OptionSelected)
    def pick(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.hits[int(event.option.id)][:2])

    def action_cancel(self) -> None:
        self.dismiss(None)
