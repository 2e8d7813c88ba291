"""The shapes real text comes in, dealt with before and after the sentences are found: paragraphs
hard-wrapped at a fixed width, runaway "sentences" of megabytes, and pieces with no words."""

from __future__ import annotations

import re
import unicodedata

# No sentence of the news treebanks measured (the PUD news of 20 languages, Bulgarian BTB) passes 460
# characters (benchmarks/languages.py prints the longest of each): past several times that, it is a
# run of text without full stops (a table, a list flattened by a scraper), cut where it can best be.
MAX_SENTENCE = 3000

# a wrapped file's width: narrower is a column of headings or short lines, wider is not wrapped
_WRAP_WIDTHS = range(40, 161)
_BEFORE_LIST_ITEM = re.compile(r"\n(?=[^\S\n]*(?:[\u2022\u2043\u00b7*>#|-]|\d{1,3}[.)]\s|[A-Za-z][.)]\s))")
_NEXT_FIRST_WORD = re.compile(r"\n[^\S\n]*(\S*)")
_ENDS_SENTENCE = ".!?:;\u3002\uff01\uff1f\u0964\u06d4\u061f"
# what is no word to label: links, @-mentions, hashtags, cashtags ("$AAPL"), a thread's counter
# ("(1/3)") and the "via" or "cc" before a mention
_NOT_WORDS = re.compile(r"(?:https?://|www\.)\S+|(?:\b(?:via|cc)\s+)?[@#][\w.]+|\$[A-Za-z]{1,6}(?:\.[A-Za-z]{1,2})?\b"
                        r"|(?<!\S)\(?\d{1,3}/\d{1,3}\)?(?!\S)", re.IGNORECASE)
# where a runaway sentence is best cut, in order of preference
_CUT_MARKS = ("; ", "\u061b ", ": ", ", ", "\u060c ", "\uff0c", "\u3001", " ")


def soft_breaks(text: str) -> list[int]:
    """Offsets of the line breaks that only wrap a paragraph at a fixed width, to be read as spaces.

    A file is hard-wrapped when its longest line is 40 to 160 characters and at least two lines
    end only because the next line's first word would not have fitted within that width. Each such
    line break is soft, and so is one before a line that goes on in lower case where the line ends
    without a full stop (wrapped by a narrower hand: "this afternoon," / "after falling"); any other
    one (a heading, a list item, an advert line, a short line, the last line of a paragraph) still
    ends a sentence."""
    if "\n" not in text:
        return []
    lines = text.split("\n")
    width = max(map(len, lines))
    if width > _WRAP_WIDTHS.stop + 8:  # trailing spaces aside, too wide to be wrapped: the common case
        return []
    trimmed = [line.rstrip() for line in lines]
    width = max(map(len, trimmed))
    if width not in _WRAP_WIDTHS:
        return []
    firsts = _NEXT_FIRST_WORD.findall(text)  # one a line break: the next line's first word, or ""
    listed = {found.start() for found in _BEFORE_LIST_ITEM.finditer(text)}
    soft, lower, at = [], [], -1
    half, room = width // 2, width - 2
    for raw, line, first in zip(lines, trimmed, firsts):
        at += len(raw) + 1
        if not line or not first:
            continue
        if len(line) >= half and len(line) + len(first) > room:
            if at not in listed:
                soft.append(at)
        elif first[0].islower() and line[-1] not in _ENDS_SENTENCE and at not in listed:
            lower.append(at)
    return sorted(soft + lower) if len(soft) >= 2 else []


def unwrapped(text: str) -> str:
    """The text with its soft line breaks made spaces: the same length, so offsets stay the text's."""
    breaks = soft_breaks(text)
    if not breaks:
        return text
    pieces, taken = [], 0
    for at in breaks:
        cut = at - 1 if at and text[at - 1] == "\r" else at
        pieces.append(text[taken:cut])
        pieces.append(" " * (at + 1 - cut))
        taken = at + 1
    pieces.append(text[taken:])
    return "".join(pieces)


def wordless(piece: str) -> bool:
    """Is the piece only links, @-mentions (and a "via" before one), hashtags, cashtags, a thread's
    counter ("(1/3)"), emoji or punctuation, with no word to label?"""
    if "@" not in piece and "#" not in piece and "/" not in piece and "www" not in piece and "$" not in piece:
        return not any(c.isalnum() for c in piece)  # the common case: no link, mention or hashtag
    return not any(c.isalnum() for c in _NOT_WORDS.sub(" ", piece))


def cut_runaway(text: str, start: int, end: int, limit: int = MAX_SENTENCE) -> list[tuple[int, int]]:
    """(start, end) pieces of text[start:end], none longer than `limit` characters, each cut at the
    best boundary in the second half of its window ("; ", ": ", ", ", a space), else at the limit
    (never inside a combining sequence); stripped of white space at the cuts."""
    out = []
    while end - start > limit:
        window = text[start : start + limit]
        cut = -1
        for mark in _CUT_MARKS:
            found = window.rfind(mark, limit // 2)
            if found >= 0:
                cut = start + found + len(mark.rstrip() or mark)
                break
        if cut < 0:
            cut = start + limit
            while cut > start + 1 and unicodedata.combining(text[cut]):
                cut -= 1
        piece_end = cut
        while piece_end > start and text[piece_end - 1].isspace():
            piece_end -= 1
        out.append((start, piece_end))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if start < end:
        out.append((start, end))
    return out
