"""The sources screen (`S`): each source's label mix as a stacked bar, the share of its units it
published first, whom it copied; enter opens that source's documents for annotation."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from annotator.sources import bar
from annotator.tui.bindings import label_styles, marks
from annotator.tui.screens.dialog import Dialog
from annotator.tui.widgets.names import cut, pad
from annotator.wording import plural

EVERY = "\x00every"  # the option that opens every source's documents again
NAME = 22  # columns of a source's name in the table


def bar_width(screen_width: int) -> int:
    """Cells of the label-mix bar: 20, fewer on a narrow screen, so a source stays on one line (the
    dialog is 96% of the screen; its borders and paddings, the list's border, the option's padding,
    a scrollbar and the other columns take 55 columns)."""
    return max(6, min(20, screen_width * 96 // 100 - 55))


def column_heads(width: int = 20) -> Content:
    """The heading of the table's columns, aligned with `source_line`."""
    return Content.styled(f"{'source':<{NAME}} {'units':>6} {'labeled':>7}  {'label mix':<{width}}  first", "b")


def source_line(row: dict, width: int = 20, label_style: dict[str, str] | None = None,
                label_mark: dict[str, str] | None = None) -> Content:
    """One source: name, units, labeled units, the label mix as a bar in the label colours, the share
    of its units it published first; under it, whom it copied and how many units. `label_style`,
    `label_mark`: the scheme's (tui/bindings.py label_styles, marks; the default four's when None)."""
    label_style, label_mark = label_style or label_styles(), label_mark or marks()
    cells = [(label_mark[label] * n, label_style[label]) for label, n in bar(row["labels"], width)
             if label in label_mark]
    cells = cells or [("·" * width, "dim")]
    first = "   -" if row["originality"] is None else f"{100 * row['originality']:3.0f}%"
    name = pad(cut(row["source"] or "(none)", NAME), NAME)  # by columns: an outlet may be named in Chinese
    line = Content.assemble(f"{name} {row['units']:>6} {row['labeled_units']:>7}  ", *cells, f"  {first}")
    copied = ", ".join(f"{c['source'] or '(none)'} ({plural(c['units'], 'unit')})" for c in row["copies_from"][:2])
    if copied:
        line = Content("\n").join([line, Content.styled(f"  copied from {copied}", "dim")])
    return line


class SourcesScreen(Dialog[str | None]):
    """Dismissed with the chosen source (EVERY for all of them), or None."""

    BINDINGS = [Binding("escape,q,S", "dismiss(None)", "close")]

    def __init__(self, rows: list[dict], store=None):
        super().__init__()
        self.rows = rows
        self.label_style, self.label_mark = label_styles(store), marks(store)
        self.width = 0  # of the bars shown

    def compose(self) -> ComposeResult:
        width = self.width = bar_width(self.app.size.width)
        with Vertical(classes="dialog", id="sources"):
            yield Static(Content(
                "Each source (outlet): its units, how many are labeled, its label mix ("
                + ", ".join(f"{mark} {label}" for label, mark in self.label_mark.items())
                + "), the share of its units it published first, and whom it copied. "
                "Enter opens a source's documents; escape closes."), id="sources-about")
            yield Static(column_heads(width), id="sources-heads")
            options = [Option("every source (all documents)", id=EVERY)]
            options += [Option(self.line(row, width), id=row["source"] or "") for row in self.rows]
            yield OptionList(*options, id="source-list")
            if not self.rows:
                yield Static(Content.styled("no documents", "dim"))

    def on_resize(self, event) -> None:
        """A new terminal size: the bars and the heading are laid out again for it, the highlight kept."""
        width = bar_width(event.size.width)
        if width == self.width:
            return
        self.width = width
        self.query_one("#sources-heads", Static).update(column_heads(width))
        options = self.query_one(OptionList)
        highlighted = options.highlighted
        for i, row in enumerate(self.rows, start=1):
            options.replace_option_prompt_at_index(i, self.line(row, width))
        options.highlighted = highlighted

    def line(self, row: dict, width: int) -> Content:
        return source_line(row, width, self.label_style, self.label_mark)

    @on(OptionList.OptionSelected)
    def pick(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)
