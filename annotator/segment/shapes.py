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
# fmt fills its lines raggedly to a goal of 93% of the width: a line is full when the next line's
# first word would have taken it past that goal
_GOAL = 0.93
# in a wrapped file, a line at least this share of the width long that ends no sentence is wrapped
# too (fmt breaks some lines short of the goal; a heading or an advert line is shorter)
_RAGGED = 0.75
# the widths a short text of two or three lines is filled to (textwrap's 70, fmt's 75, 72, 80, 96),
# unless it goes on in lower case: wider is a paragraph a line, narrower a heading and its line
_SHORT_TEXT = range(60, 101)
# a bullet, a quote or a table row, a heading ("# Results", not "#tag"), "2)" or "b)"; not "-järjestöstä"
_LIST_ITEM = re.compile(r"[^\S\n]*(?:[\u2022\u2043\u00b7>|]|[*#-]\s|\d{1,3}\)\s|[A-Za-z]\)\s)")
_MARKS = "\u2022\u2043\u00b7>|*#-"
_GAP = re.compile(r"(?<=\S) {2,}(?=\S)")  # between a table's columns: "Chicago     1.47  --    --"
_ORDINAL_END = re.compile(r"(?<!\S)(?:\d{1,3}|[^\W\d_])\.$")  # "für den 14." / "März", "u. a." / "die"
_NUMBERED = re.compile(r"[^\S\n]*(\d{1,3}|[A-Za-z])\.\s")  # "2. " or "b. ", or an ordinal date: "14. März"
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

    The width is the longest line's, 40 to 160 characters, of the lines that can have been wrapped:
    a line too wide only for one word no one can wrap (a long link) and a table's row are set aside;
    a line too wide for anything else means a paragraph a line, no wrapped file. A line ends where
    the next line's first word would not have fitted within the width (a full line), or goes on in
    lower case without a full stop ("this afternoon," / "after falling": wrapped by a narrower hand).
    A file is wrapped when at least two lines are such, or, in a text of two or three lines of one
    paragraph (a record filled at 72 columns), when every line but the last is such and one ends no
    sentence (the text filled to 60 to 100 columns, or going on in lower case). Then their breaks are
    soft. In a wrapped text's shape (two lines in three at least three quarters of the width, one in
    four opening without a capital) fmt's ragged lines are read too: a line is full when the next
    word would have taken it past 93% of the width (fmt's goal), and a line at least three quarters
    of the width that ends no sentence is wrapped. Any other break still ends a sentence: after a
    heading, an advert line ("Meet Iranian Singles"), a short line, a table's row, the last line of
    a paragraph; before a list item after a complete line or after the item numbered one before it,
    and before a line indented past the text's margin (a wire story's paragraph). "14. März", "1.
    Januar" or "u. a." opening a line after one that ends no sentence is the sentence going on."""
    if "\n" not in text:
        return []
    lines = text.split("\n")
    wide = 0  # lines too wide to be wrapped only for a word no one can wrap: set aside
    longest = max(lines, key=len)
    if len(longest) >= _WRAP_WIDTHS.stop:
        middle = len(longest) // 2
        if " " in longest[middle - 10 : middle + 10]:  # no word no one can wrap at its middle
            return []  # a line too wide to be wrapped: the common case of a paragraph a line
        for line in lines:
            if len(line) >= _WRAP_WIDTHS.stop and len(line.rstrip()) >= _WRAP_WIDTHS.stop:
                if _unwrappable(line.rstrip()):
                    wide += 1
                else:
                    return []  # a line too wide to be wrapped: the common case of a paragraph a line
    trimmed = [line.rstrip() for line in lines]
    longest = max(trimmed, key=len)
    width = len(longest)
    if wide or ("  " in longest.lstrip() and _row(longest)):  # of the lines that can have been wrapped
        width = max((len(line) for line in trimmed if len(line) < _WRAP_WIDTHS.stop
                     and not ("  " in line.lstrip() and _row(line))), default=0)
    if width not in _WRAP_WIDTHS:
        return []
    half, goal, ragged = width // 2, int(width * _GOAL), int(width * _RAGGED)
    body = len(trimmed) - trimmed.count("")
    if body > 3 and sum(map(half.__le__, map(len, trimmed[:-1]))) < 2:
        return []  # fewer than two lines of half the width: no line full, nor going on from a long one
    margin = None  # indentation past the text's least opens a paragraph (wire copy indents its first line)
    soft, relaxed = [], []  # relaxed: soft only in a wrapped text's shape (fmt's ragged lines)
    full = relaxed_full = breaks = lower = 0
    lone = relaxed_lone = False  # a full line that ends no sentence
    at, marker, previous = -1, None, ""  # marker: the number or letter of the paragraph's last list item
    firsts = _NEXT_FIRST_WORD.findall(text)  # a line break's next line's first word, or ""
    for raw, line, after, first in zip(lines, trimmed, trimmed[1:], firsts):
        at += len(raw) + 1
        if not line:
            marker = previous = None
            continue
        if not previous and _marked(line.split(None, 1)[0]):  # a paragraph's first line may open a list
            opening = _NUMBERED.match(line)
            marker = opening.group(1) if opening else None
        previous = line
        size = len(line)
        if not first or size >= _WRAP_WIDTHS.stop:
            continue
        reach = size + 1 + len(first)  # the line with the next line's first word
        lowercase, marked = first[0].islower(), first[0] in _MARKS or first[-1] in ".)"
        ends = line[-1] in _ENDS_SENTENCE and not (line[-1] == "." and (line[-2:-1].isdigit() or line[-3:-2] in " ")
                                                    and _ORDINAL_END.search(line, size - 5))
        if not (lowercase or marked or (size >= half and reach > goal) or (size >= ragged and not ends)):
            breaks += 1
            continue  # a short or complete line before one that opens with a capital: nearly every line
        if marked:
            if _LIST_ITEM.match(after):
                continue  # a bullet, "2)", "b)"
            numbered = _NUMBERED.match(after)
            if numbered and (ends or (marker is not None and numbered.group(1) == _next_marker(marker))):
                marker = numbered.group(1)
                continue  # a list item: "2. The second" after "1. The first" or a complete line
        breaks += 1
        long = size >= half
        goes_on = lowercase and not ends
        fits = long and reach >= width  # the next word did not fit
        near = long and not fits and reach > goal  # past fmt's goal
        if fits or (goes_on and long):
            full += 1
            lone = lone or not ends
        elif near:
            relaxed_full += 1
            relaxed_lone = relaxed_lone or not ends
        if "  " in line.lstrip() and _row(line):
            continue  # a table's row
        if goes_on:
            lower += 1
            soft.append(at)
            continue
        if after[0] in " \t":
            if margin is None:
                margin = min(len(line) - len(line.lstrip()) for line in trimmed if line) + 1
            if len(after) - len(after.lstrip()) >= margin:
                continue  # a paragraph opens
        if "  " in after.lstrip() and _row(after):
            continue  # a table's row opens
        if fits:
            soft.append(at)
        elif near or (not ends and size >= ragged):
            relaxed.append(at)
    if (relaxed or relaxed_full) and _dense(trimmed, ragged):
        full, lone = full + relaxed_full, lone or relaxed_lone
        soft = sorted(soft + relaxed)
    if full < 2:
        short = body <= 3 and text.strip().count("\n") == body - 1  # two or three lines, one paragraph
        if not (short and lone and full == breaks and (width in _SHORT_TEXT or lower == breaks)):
            return []
    if wide >= full:
        return []
    return soft


def _unwrappable(line: str) -> bool:
    """Is the line too wide only for one word no one can wrap (a long link: "Source: https://…")?"""
    return 8 * line.count(" ") < len(line) and 2 * max(map(len, line.split())) >= len(line)


def _dense(trimmed: list[str], ragged: int) -> bool:
    """Has the text a wrapped text's shape: two lines in three long, one in four opening without a
    capital (a sentence going on)? A list of records ("Net profit 1.2 mln vs 0.9 mln") or of short
    paragraphs has not."""
    body = [line for line in trimmed if line]
    return (3 * len([line for line in body if len(line) >= ragged]) >= 2 * len(body)
            and 4 * len([line for line in body[1:] if not line.lstrip()[0].isupper()]) >= len(body) - 1)


def _marked(word: str) -> bool:
    """Might the line that opens with this word be a list item ("•", "-", "2.", "b)", "14.")?"""
    return word[0] in _MARKS or (len(word) <= 4 and word[-1] in ".)")


def _row(line: str) -> bool:
    """Is the line a table's row: columns apart by three spaces or more, or by two twice (a sentence
    may end in two spaces once: "remains chairman.  Evans had been…")?"""
    gaps = _GAP.findall(line.strip())
    return len(gaps) > 1 or (len(gaps) == 1 and len(gaps[0]) > 2)


def _next_marker(marker: str) -> str:
    """The list marker after "1" ("2") or after "a" ("b")."""
    return str(int(marker) + 1) if marker.isdigit() else chr(ord(marker) + 1)


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
