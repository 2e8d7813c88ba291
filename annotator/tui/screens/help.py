"""The help screen: the project's guidelines (the current version, then the scheme's labels with their
keys, definitions and examples; or, with no version set, those alone), then the keys of the screen it
was opened from. The browser serves this same screen."""

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
    another process shows), the scheme's labels and second question with their keys (a document of
    guidelines need not name the keys, nor stay in step with the scheme), then the keys of the screen
    named `title`, from its own bindings."""
    version, guidelines = scheme.guidelines(store)
    if version is None:
        guidelines = f"{guidelines.rstrip()}\n\n{COPIES.rstrip()}"
    else:
        guidelines = (f"*Guidelines, version {version}*\n\n{guidelines.rstrip()}\n\n"
                      f"# Labels: {scheme.get(store).name}\n\n{scheme.scheme_text(store)}")
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
