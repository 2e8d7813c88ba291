"""The footer of keys, showing only the keys that fit whole: a narrow terminal loses the last keys
(help lists them all), never half a word."""

from __future__ import annotations

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Footer

from annotator.tui.bindings import LABEL_ACTIONS
from annotator.tui.widgets.names import cut

# the keys a footer never leaves out: every label key, and help, which lists the rest
KEPT_ACTIONS = (*LABEL_ACTIONS, "help")
FULL_WIDTH = 80  # columns of the smallest screen everything must fit (the 80x24)


def key_width(key: Widget) -> int:
    """Columns of a compact footer key (Textual's FooterKey) as the terminal draws them (a CJK character
    or an emoji takes two): its key, a space, its description, and the space between keys."""
    return cell_len(key.key_display) + (1 + cell_len(key.description) if key.description else 0) + 1


def fold_label_names(keys: list[Widget], room: int) -> None:
    """Cut the label keys' names (never their keys) so that all of them fit in `room` columns: a scheme
    of twelve labels on 80 columns shows every key with the start of its name ("sati…"), short names whole.
    Widths are terminal columns: a name in Chinese takes twice its length."""
    if not keys or sum(key_width(key) for key in keys) <= room:
        return
    names = [key.description for key in keys]

    def fits(n: int, shown: list[str]) -> bool:
        return sum(cell_len(key.key_display) + max(min(n, cell_len(name)), cell_len(cut)) + 2
                   for key, name, cut in zip(keys, names, shown)) <= room

    # the widest cut n (in columns) at which every key (its key, a space, its name cut to n, or a little
    # more where two cuts would read the same, a space) fits
    longest = max(cell_len(name) for name in names)
    shown = next((shown for n in range(longest, 0, -1) if fits(n, shown := distinct_cuts(names, n))), None)
    if shown is None:
        # no room to tell the stubs apart: a key alone says less than a stub another label shares
        plain = [cut(name, 1, mark=False) for name in names]
        shown = [name if plain.count(name) == 1 else "" for name in plain]
    for key, name in zip(keys, shown):
        key.description = name


def distinct_cuts(names: list[str], width: int) -> list[str]:
    """Each of `names` (distinct) cut to `width` columns as `cut` does (two letters read better than one
    and an ellipsis), the cuts that would read the same extended one column at a time until they differ:
    "quote" and "question" at 3 columns are "quo…" and "que…", never "qu…" twice. Their widths may then
    pass `width`."""
    widths = [width] * len(names)
    while True:
        shown = [cut(name, w, mark=w > 2) for name, w in zip(names, widths)]
        same = [i for i, text in enumerate(shown) if shown.count(text) > 1 and cell_len(names[i]) > widths[i]]
        if not same:
            return shown
        for i in same:
            widths[i] += 1


class KeyFooter(Footer):
    """Textual's footer, with the keys that would be cut left out (the palette key stays, at the right,
    unless the label keys need its room: a label key, or help, is never left out for it)."""

    def compose(self) -> ComposeResult:
        keys = list(super().compose())
        palette = [key for key in keys if key.has_class("-command-palette")]
        kept = [key for key in keys if key.action.startswith(KEPT_ACTIONS) and key not in palette]
        labels = [key for key in kept if key.action.startswith(LABEL_ACTIONS)]
        # help (it lists every key left out) keeps its room on the 80 columns the screens are made for,
        # and wherever names must be cut anyway; below 80, names that fit whole are not cut for it
        width = self.app.size.width
        if width >= FULL_WIDTH or sum(key_width(key) for key in labels) > width:
            fold_label_names(labels, width - sum(key_width(key) for key in kept if key not in labels))
        needed = sum(key_width(key) for key in kept)
        if needed + sum(key_width(key) + 1 for key in palette) > width:
            palette = []
            keys = [key for key in keys if not key.has_class("-command-palette")]
        room = width - sum(key_width(key) + 1 for key in palette)  # + its bar
        for key in keys:
            if key in palette:
                continue
            room -= key_width(key)
            if room < 0:
                break
            yield key
        yield from palette

    def on_resize(self) -> None:
        self.call_after_refresh(self.recompose)
