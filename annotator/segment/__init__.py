"""Sentences with exact character offsets: `segment`/`spans`/`sentences` find them in a document's
text in its language; `between`, `rejoin` and `stored_text` keep a document's text without storing its
sentences twice.

The engine is `engine.py`; what it knows of each language (full stops, quote pairs, abbreviations,
which rules apply) is data in `languages.toml`, read by `rules.py`; `shapes.py` handles hard-wrapped
paragraphs, runaway sentences and pieces without words.
"""

from __future__ import annotations

from collections.abc import Iterator

from annotator.segment.engine import Segmentation, segment
from annotator.segment.shapes import MAX_SENTENCE

__all__ = ["MAX_SENTENCE", "Segmentation", "between", "rejoin", "segment", "sentences", "spans", "stored_text"]


def spans(text: str, language: str | None = "en") -> Iterator[tuple[int, int]]:
    """Yield (start, end) of each sentence so that text[start:end] is the sentence, stripped."""
    yield from segment(text, language).spans


def sentences(text: str, language: str | None = "en") -> list[tuple[int, int, str]]:
    """(start, end, sentence) of each sentence of the text, in order."""
    return [(s, e, text[s:e]) for s, e in segment(text, language).spans]


def between(text: str, spans) -> str | None:
    """The text of a document outside its sentences (spans: (start, end), in order), which with the
    sentences gives the document back (`rejoin`); None when the spans overlap or run backwards."""
    pieces, at = [], 0
    for start, end in spans:
        if start < at or end < start or end > len(text):
            return None
        pieces.append(text[at:start])
        at = end
    pieces.append(text[at:])
    return "".join(pieces)


def rejoin(rest: str, sentences) -> str:
    """The document text from what lies between its sentences and the sentences (start, end, text),
    in order: the inverse of `between`."""
    pieces, at, taken = [], 0, 0
    for start, end, sentence in sentences:
        gap = start - at
        pieces.append(rest[taken : taken + gap])
        pieces.append(sentence)
        taken += gap
        at = end
    pieces.append(rest[taken:])
    return "".join(pieces)


def stored_text(text: str, sentences) -> tuple[str, int]:
    """What a document keeps of its text, and whether it is spliced: the part between its sentences
    (rows whose [1] and [2] are start and end, in order; the sentences hold the rest, so no text is
    stored twice), 1; or, without sentences or if they are not slices of it in order, all of it, 0."""
    if not sentences:
        return text, 0
    rest = between(text, ((row[1], row[2]) for row in sentences))
    return (rest, 1) if rest is not None else (text, 0)
