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
_LIST_START = re.compile(r"\s*(?:[\u2022\u2043\u00b7*>#|-]|\d{1,3}[.)]\s|[A-Za-z][.)]\s)")
_FIRST_WORD = re.compile(r"\s*(\S+)")
_NOT_WORDS = re.compile(r"(?:https?://|www\.)\S+|[@#][\w.]+", re.IGNORECASE)
# where a runaway sentence is best cut, in order of preference
_CUT_MARKS = ("; ", "\u061b ", ": ", ", ", "\u060c ", "\uff0c", "\u3001", " ")


def soft_breaks(text: str) -> list[int]:
    """Offsets of the line breaks that only wrap a paragraph at a fixed width, to be read as spaces.

    A file is hard-wrapped when its longest line is 40 to 160 characters and at least two lines
    end only because the next line's first word would not have fitted within that width. Each such
    line break is soft; any other one (a heading, a list item, an advert line, a short line, the last
    line of a paragraph) still ends a sentence."""
    if "\n" not in text:
        return []
    lines = text.split("\n")
    width = max(map(len, lines))
    if width > _WRAP_WIDTHS.stop + 8:  # trailing spaces aside, too wide to be wrapped: the common case
        return []
    width = max(len(line.rstrip()) for line in lines)
    if width not in _WRAP_WIDTHS:
        return []
    soft, at = [], 0
    for n in range(len(lines) - 1):
        at += len(lines[n]) + 1
        line, following = lines[n].rstrip(), lines[n + 1]
        if not line.strip() or not following.strip() or _LIST_START.match(following):
            continue
        first = _FIRST_WORD.match(following).group(1)
        if len(line) >= width // 2 and len(line) + 1 + len(first) > width - 1:
            soft.append(at - 1)
    return soft if len(soft) >= 2 else []


def unwrapped(text: str) -> str:
    """The text with its soft line breaks made spaces: the same length, so offsets stay the text's."""
    breaks = soft_breaks(text)
    if not breaks:
        return text
    chars = list(text)
    for at in breaks:
        chars[at] = " "
        if at and chars[at - 1] == "\r":
            chars[at - 1] = " "
    return "".join(chars)


def wordless(piece: str) -> bool:
    """Is the piece only links, @-mentions, hashtags, emoji or punctuation, with no word to label?"""
    if "@" not in piece and "#" not in piece and "/" not in piece and "www" not in piece:
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
