"""How things are said to people: counted nouns ("1 group", "2 groups") and sentence references."""

from __future__ import annotations


def plural(n: int, word: str, many: str | None = None) -> str:
    """'1 sentence', '3 sentences'; `many` for irregular plurals ('1 copy', '2 copies')."""
    return f"{n} {word if n == 1 else (many or word + 's')}"


def sentence_ref(doc: str, index: int) -> str:
    """DOC:N, how people (the screen, find, the commands) name a sentence: N is its number in its
    document counting from 1, as the screen shows it; `index`, in data and exports, counts from 0."""
    return f"{doc}:{index + 1}"
