"""Asked on `q` while writes wait for disk space: quitting now loses them, so the user chooses."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Label

from annotator.tui.screens.dialog import Dialog
from annotator.wording import plural


class QuitUnsavedScreen(Dialog[bool]):
    """y quits and loses the writes not saved; n or escape goes back to work while they are retried."""

    BINDINGS = [Binding("y", "choose(True)", "quit, losing them"),
                Binding("n,escape", "choose(False)", "keep them and go on")]

    def __init__(self, pending: int, noun: str):
        super().__init__()
        self.pending = pending
        self.noun = noun

    def compose(self) -> ComposeResult:
        unsaved = plural(self.pending, self.noun)
        with Vertical(classes="dialog"):
            yield Label(f"The disk is full: {unsaved} not saved yet. They are kept and retried, and land as "
                        "soon as space is freed.\nQuitting now loses them. Quit anyway? "
                        "(y quits, n or escape goes back)", markup=False, id="quit-unsaved")

    def action_choose(self, quit_now: bool) -> None:
        self.dismiss(quit_now)
