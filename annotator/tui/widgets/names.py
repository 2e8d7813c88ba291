"""File names and paths shown in narrow places: folded at separators, or cut at the start."""

from __future__ import annotations

import re
from pathlib import Path

from rich.cells import cell_len

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


def cut(text: str, width: int, mark: bool = True) -> str:
    """`text` in at most `width` columns as the terminal counts them (a CJK character or an emoji takes
    two): whole when it fits, else its start and an ellipsis (none with `mark` False, where one more
    letter reads better than the ellipsis)."""
    if cell_len(text) <= width:
        return text
    room = width - 1 if mark else width
    kept = ""
    for char in text:
        if cell_len(kept + char) > room:
            break
        kept += char
    return kept + "\u2026" if mark else kept


def pad(text: str, width: int, right: bool = False) -> str:
    """`text` with spaces after it (before it with `right`) up to `width` columns (str.ljust and
    format widths count characters, not columns)."""
    spaces = " " * max(0, width - cell_len(text))
    return spaces + text if right else text + spaces


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
