"""The team's progress (`p`): the same table as `annotator progress`, read when it opens."""

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.markup import escape
from textual.screen import ModalScreen
from textual.widgets import Static

from annotator.store import Store
from annotator.team import format_progress, progress


class ProgressScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,p,q", "dismiss", "close")]

    def __init__(self, store: Store):
        super().__init__()
        self.text = format_progress(progress(store))

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static(f"[b]Team progress[/b]\n\n{escape(self.text)}\n\n[dim]escape, p or q closes this[/]")
