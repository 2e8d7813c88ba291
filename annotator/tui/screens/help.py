"""The help screen: the labeling guidelines (help.md) and the keys of the screen it was opened from."""

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Markdown

from annotator.tui.bindings import key_table
from annotator.tui.screens.dialog import Dialog

GUIDELINES = (Path(__file__).resolve().parent.parent / "help.md").read_text(encoding="utf-8")


class HelpScreen(Dialog[None]):
    BINDINGS = [Binding("escape,question_mark,q", "dismiss", "close")]

    def __init__(self, title: str, keys: list[Binding], extra: str = ""):
        super().__init__()
        self.text = (f"{GUIDELINES.rstrip()}\n\n# Keys: {title}\n\n{key_table(keys)}\n\n{extra}"
                     "Press `escape`, `?` or `q` to close this help.\n")

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Markdown(self.text)
