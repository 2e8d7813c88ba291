"""The help screen: the project's guidelines (the current version, or the scheme's definitions and
examples), then the keys of the screen it was opened from."""

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Markdown

from annotator import scheme
from annotator.tui.bindings import key_table
from annotator.tui.screens.dialog import Dialog

# what holds for every project, whatever its labels: shown after the scheme's own definitions
COPIES = (Path(__file__).resolve().parent.parent / "help.md").read_text(encoding="utf-8")


def help_text(store, title: str, keys: list[Binding], extra: str = "") -> str:
    """The help as Markdown: the guidelines (read from `store` when the help opens, so a version set by
    another process shows), then the keys of the screen named `title`, from its own bindings."""
    version, guidelines = scheme.guidelines(store)
    if version is None:
        guidelines = f"{guidelines.rstrip()}\n\n{COPIES.rstrip()}"
    else:
        guidelines = f"*Guidelines, version {version}*\n\n{guidelines.rstrip()}"
    return (f"{guidelines}\n\n# Keys: {title}\n\n{key_table(keys)}\n\n{extra}"
            "Press `escape`, `?` or `q` to close this help.\n")


class HelpScreen(Dialog[None]):
    BINDINGS = [Binding("escape,question_mark,q", "dismiss", "close")]

    def __init__(self, store, title: str, keys: list[Binding], extra: str = ""):
        super().__init__()
        self.text = help_text(store, title, keys, extra)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Markdown(self.text)
