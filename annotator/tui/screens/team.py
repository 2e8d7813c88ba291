"""The team's progress (`p`): the same table as `annotator progress`, counted on a thread of its own
with a connection of its own, so a big project's count never holds up the screen."""

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from annotator.store import Store
from annotator.team import format_progress, progress
from annotator.tui.screens.dialog import Dialog

# terminal columns under which the full table (97 columns) would wrap: the dialog is 90% wide, less its
# border, padding and scrollbar
NARROW_BELOW = 115


class ProgressScreen(Dialog[None]):
    BINDINGS = [Binding("escape,p,q", "dismiss", "close")]

    def __init__(self, store: Store):
        super().__init__()
        self.store = store

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static(Content.assemble(("Team progress", "b"), "\n\n", ("counting...", "dim")), id="team-progress")

    def on_mount(self) -> None:
        self.count()

    @work(thread=True, exclusive=True)
    def count(self) -> None:
        store = self.store if self.store.path == ":memory:" else Store(self.store.path, create=False)
        try:
            text = format_progress(progress(store), narrow=self.app.size.width < NARROW_BELOW)
        finally:
            if store is not self.store:
                store.close()
        self.app.call_from_thread(self.show, text)

    def show(self, text: str) -> None:
        self.query_one("#team-progress", Static).update(Content.assemble(
            ("Team progress", "b"), "\n\n", text, "\n\n", ("escape, p or q closes this", "dim")))
