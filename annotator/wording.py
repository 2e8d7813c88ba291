"""How things are said to people: counted nouns ("1 group", "2 groups"), sentence references, and text
cut and padded to terminal columns."""

from __future__ import annotations

from rich.cells import cell_len


def plural(n: int, word: str, many: str | None = None) -> str:
    """'1 sentence', '3 sentences'; `many` for irregular plurals ('1 copy', '2 copies')."""
    return f"{n} {word if n == 1 else (many or word + 's')}"


def sentence_ref(doc: str, index: int) -> str:
    """DOC:N, how people (the screen, find, the commands) name a sentence: N is its number in its
    document counting from 1, as the screen shows it; `index`, in data and exports, counts from 0."""
    return f"{doc}:{index + 1}"


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
