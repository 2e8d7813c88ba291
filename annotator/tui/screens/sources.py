"""The sources screen (`S`): each source's label mix as a stacked bar, its originality, whom it copies;
enter opens that source's documents for annotation."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from annotator.model import LABELS
from annotator.sources import bar
from annotator.tui.bindings import LABEL_STYLE
from annotator.tui.screens.dialog import Dialog

EVERY = "\x00every"  # the option that opens every source's documents again


def source_line(row: dict, width: int = 20) -> Content:
    """One source: name, units, the label mix as a bar in the label colours, originality."""
    cells = [(label[0].upper() * n, LABEL_STYLE[label]) for label, n in bar(row["labels"], width)
             if label in LABEL_STYLE]
    cells = cells or [("·" * width, "dim")]
    original = "   -" if row["originality"] is None else f"{100 * row['originality']:3.0f}%"
    copies = ", ".join(f"{c['source'] or '(none)'} {c['units']}" for c in row["copies_from"][:2])
    name = (row["source"] or "(none)")[:22]
    return Content.assemble(f"{name:<22} {row['units']:>6} units {row['labeled_units']:>6} labeled  ", *cells,
                            f"  own {original}", *((f"  copies {copies}", "dim"),) if copies else ())


class SourcesScreen(Dialog[str | None]):
    """Dismissed with the chosen source (EVERY for all of them), or None."""

    BINDINGS = [Binding("escape,q,S", "dismiss(None)", "close")]

    def __init__(self, rows: list[dict]):
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="sources"):
            yield Label("Sources by units: label mix (" + " ".join(f"{l[0].upper()} {l}" for l in LABELS)
                        + "), share published first, whom they copy. Enter opens a source's documents.")
            options = [Option("every source (all documents)", id=EVERY)]
            options += [Option(source_line(row), id=row["source"] or "")
                        for row in self.rows]
            yield OptionList(*options, id="source-list")
            if not self.rows:
                yield Static(Content.styled("no documents", "dim"))

    @on(OptionList.OptionSelected)
    def pick(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)
