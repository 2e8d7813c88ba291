"""File names and paths shown in narrow places: folded at separators, or cut at the start."""

from __future__ import annotations

import re
from pathlib import Path

from rich.cells import cell_len

# a file name folds after these, never inside a word
_NAME_BREAKS = re.compile(r"(?<=[/\\_.\- ])")


def fold_name(name: str, width: int) -> str:
    """A file name or path in lines of at most `width` columns (as the terminal counts them), each
    ending at a separator (/ _ . - or a space); a part longer than a line is the only thing cut."""
    lines = [""]
    for part in _NAME_BREAKS.split(name):
        while len(part) > width:  # one part longer than a line: no separator to fold at
            if lines[-1]:
                lines.append("")
            lines[-1], part = part[:width], part[width:]
            lines.append("")
        if cell_len(lines[-1]) + cell_len(part) > width and lines[-1]:
            lines.append("")
        lines[-1] += part
    return "\n".join(line for line in lines if line)


def tail_of(path: str, width: int) -> str:
    """The end of a path in at most `width` columns, an ellipsis where its start was cut."""
    return path if len(path) <= width else "\u2026" + path[-(width - 1):]


def database_path(path) -> str:
    """The database file as the screens name it: its absolute path (starting in another folder opens,
    or makes, another database, and the screen must say which)."""
    return str(path) if str(path) == ":memory:" else str(Path(path).resolve())
