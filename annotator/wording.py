"""Counted nouns in messages: "1 group", "2 groups"."""

from __future__ import annotations


def plural(n: int, word: str, many: str | None = None) -> str:
    """'1 sentence', '3 sentences'; `many` for irregular plurals ('1 copy', '2 copies')."""
    return f"{n} {word if n == 1 else (many or word + 's')}"
