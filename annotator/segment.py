"""Sentences with exact character offsets.

Line and paragraph breaks always end a sentence (a heading or an advert line such as
"Meet Iranian Singles" stands alone); inside a line, sentencex finds the boundaries.
It keeps "U.S.", "Dr.", "$10.1 billion", "e.g." and URLs whole and runs at about 100 MB/s.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import sentencex

_LINE = re.compile(r"[^\n]+")
_EDGE_SPACE = " \t\f\v\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\ufeff"


def spans(text: str, language: str = "en") -> Iterator[tuple[int, int]]:
    """Yield (start, end) of each sentence so that text[start:end] is the sentence, stripped."""
    for line in _LINE.finditer(text):
        offset = line.start()
        body = line.group()
        if not body.strip():
            continue
        position = 0
        for piece in sentencex.segment(language, body):
            found = body.find(piece, position)
            if found < 0:  # the segmenter changed the text: fall back to the whole rest of the line
                found, piece = position, body[position:]
            start, end = found, found + len(piece)
            position = end
            while start < end and (body[start].isspace() or body[start] in _EDGE_SPACE):
                start += 1
            while end > start and (body[end - 1].isspace() or body[end - 1] in _EDGE_SPACE):
                end -= 1
            if start < end:
                yield offset + start, offset + end
        if position < len(body) and body[position:].strip():
            rest = body[position:]
            lead = len(rest) - len(rest.lstrip())
            yield offset + position + lead, offset + position + len(rest.rstrip())


def sentences(text: str) -> list[tuple[int, int, str]]:
    return [(s, e, text[s:e]) for s, e in spans(text)]
