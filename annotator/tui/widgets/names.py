"""File names and paths shown in narrow places: folded at separators, or cut at the start."""

from __future__ import annotations

import re
from pathlib import Path

from rich.cells import cell_len

from annotator.wording import cut, pad  # noqa: F401 (the screens take them from here)

# a file name folds after these, never inside a word nor before its extension
_NAME_BREAKS = re.compile(r"(?<=[/\\_\- ])")


def fold_name(name: str, width: int) -> str:
    """A file name or path in lines of at most `width` columns (as the terminal counts them: a CJK
    character takes two), each ending at a separator (/ _ - or a space); a part longer than a line
    is the only thing cut."""
    lines = [""]
    for part in _NAME_BREAKS.split(name):
        for piece in _cut(part, width):
            if lines[-1] and cell_len(lines[-1]) + cell_len(piece) > width:
                lines.append("")
            lines[-1] += piece
    return "\n".join(lines)


def _cut(part: str, width: int) -> list[str]:
    """`part` in pieces of at most `width` columns."""
    pieces = [""]
    for char in part:
        if pieces[-1] and cell_len(pieces[-1] + char) > width:
            pieces.append("")
        pieces[-1] += char
    return pieces


def tail_of(path: str, width: int) -> str:
    """The end of a path in at most `width` columns (a CJK character takes two), an ellipsis where its
    start was cut."""
    if cell_len(path) <= width:
        return path
    tail = ""
    for char in reversed(path):
        if cell_len(char + tail) > width - 1:
            break
        tail = char + tail
    return "\u2026" + tail


def database_path(path) -> str:
    """The database file as the screens name it: its absolute path (starting in another folder opens,
    or makes, another database, and the screen must say which)."""
    return str(path) if str(path) == ":memory:" else str(Path(path).resolve())
