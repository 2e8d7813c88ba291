"""Sentences with exact character offsets.

Line and paragraph breaks always end a sentence (a heading or an advert line such as
"Meet Iranian Singles" stands alone); inside a line, sentencex proposes the boundaries and a few
rules for news text correct them:

- double quotes are hidden from sentencex (replaced by spaces of the same length), so a quote of
  several sentences is split like any other text; an opening quote then goes with the sentence
  it opens and a closing quote with the sentence it closes;
- a boundary is undone when no space follows the stop (Reuters codes ".IXIC", "JCP.N"), when the
  next piece starts in lower case ('"This is great." she said') or has no letter or digit, after a title or rank before a
  name ("Gov.", "Det.-Sgt.", "Lt. Col."), after "No." before a number, after "a.m."/"p.m." before
  a day, month or time zone, and after a lone list marker ("1.", "a.", "• 9.");
- a line that starts a numbered or lettered list ("1. The first item 2. The second item") is
  cut before each next marker in sequence, and "word. . . . The" leaves its ellipsis to the next
  sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import sentencex

_LINE = re.compile(r"[^\n]+")
_EDGE_SPACE = " \t\f\v\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\ufeff\u2028\u2029"
_DOUBLE_QUOTES = "\"\u201c\u201d\u201e\u201f\u00ab\u00bb"
_WIDE_SPACE = re.compile("[\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]")
_QUOTE = re.compile("[" + _DOUBLE_QUOTES + "]")
_OPENING_DOUBLE = "\u201c\u201e\u201f\u00ab"
_OPENING = "\"\u201c\u201e\u201f\u00ab'\u2018([{"

# abbreviations that stand before a name: a stop after one of them never ends a sentence
_TITLES = frozenset(
    "Mr Mrs Ms Mx Dr Prof Rev Fr Msgr Hon Pres Gov Sen Rep Reps Sens Atty Gen Lt Col Maj Capt Cpt Cmdr "
    "Adm Sgt Cpl Pvt Spc Det Insp Supt Const Brig Cdr Comdr Lieut Sr Sra Mme Mlle St Ste Mt Ft Gens".split()
)
_NUMBER_WORDS = frozenset("No Nos no nos Nr nr Art art Vol vol p pp Ch ch Fig fig".split())
_TIME_FOLLOWERS = frozenset(
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday Mon Tue Tues Wed Thu Thurs Fri Sat Sun "
    "January February March April May June July August September October November December "
    "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec "
    "EST EDT CST CDT MST MDT PST PDT GMT BST CET CEST UTC ET PT CT MT local".split()
)
_CLOCK = re.compile(r"(?:^|\s)\d{1,2}(?::\d\d)?\s?[ap]\.m\.$", re.IGNORECASE)
_LIST_MARKER = re.compile(r"[\u2022\u2043\u00b7*-]?\s*(\d{1,3}|[A-Za-z])(\.\)|\)|\.)")
_MARKER_START = frozenset("0123456789\u2022\u2043\u00b7*-")
_LONE_MARKER = re.compile(r"[\u2022\u2043\u00b7*-]?\s*(?:\d{1,3}|[A-Za-z])(?:\.\)|\)|\.)")
_TRAILING_ELLIPSIS = re.compile(r"(?<=\w\.)(?: \.){3}$")


def spans(text: str, language: str = "en") -> Iterator[tuple[int, int]]:
    """Yield (start, end) of each sentence so that text[start:end] is the sentence, stripped."""
    for line in _LINE.finditer(text):
        body = line.group()
        if body.isspace():
            continue
        offset = line.start()
        quoted = _QUOTE.search(body) is not None
        hidden = _QUOTE.sub(" ", body) if quoted else body  # same length: offsets stay those of the line
        if not hidden.isascii():  # sentencex panics on some wide spaces before a stop: show it plain ones
            hidden = _WIDE_SPACE.sub(" ", hidden)
        lead = len(body) - len(body.lstrip())
        if body[lead] in _MARKER_START or body[lead + 1 : lead + 2] in (".", ")"):
            items = _list_items(body)
        else:  # the common case: a line that cannot open a list
            items = ((0, len(body)),)
        for item_start, item_end in items:
            for start, end in _item_spans(body, hidden, item_start, item_end, language, quoted):
                yield offset + start, offset + end


def sentences(text: str) -> list[tuple[int, int, str]]:
    return [(s, e, text[s:e]) for s, e in spans(text)]


def _strip(line: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (line[start].isspace() or line[start] in _EDGE_SPACE):
        start += 1
    while end > start and (line[end - 1].isspace() or line[end - 1] in _EDGE_SPACE):
        end -= 1
    return start, end


def _list_items(line: str) -> list[tuple[int, int]]:
    """A line that opens a list ("1. ...", "a) ...", "• 9. ...") is cut before each next marker in
    sequence ("2.", "b)"), so an item never runs into the next; any other line is one item."""
    lead = len(line) - len(line.lstrip())
    first = _LIST_MARKER.match(line, lead)
    if first is None or first.end() >= len(line) or not line[first.end()].isspace():
        return [(0, len(line))]
    value, style = first.group(1), first.group(2)
    cuts, position = [0], first.end()
    while True:
        value = str(int(value) + 1) if value.isdigit() else chr(ord(value) + 1)
        following = re.compile(r"(?<=\s)[\u2022\u2043\u00b7*-]?\s*" + re.escape(value) + re.escape(style) + r"(?=\s)")
        found = following.search(line, position)
        if found is None:
            break
        cuts.append(found.start())
        position = found.end()
    cuts.append(len(line))
    return list(zip(cuts, cuts[1:]))


def _item_spans(line: str, hidden: str, lo: int, hi: int, language: str, quoted: bool) -> list[list[int]]:
    """The sentences of one list item (or a whole line), found in `hidden`, the line without its
    double quotes, and given in offsets of the line."""
    pieces: list[list[int]] = []  # [start, end] in line offsets, stripped
    position = lo
    for piece in _segment(language, hidden[lo:hi]):
        if hidden.startswith(piece, position):
            begin, position = position, position + len(piece)
        else:  # the segmenter changed the text: take the rest of the item as one piece
            begin, position = position, hi
        start, end = _strip(hidden, begin, position)
        if start < end:
            pieces.append([start, end])
        if position >= hi:
            break
    if position < hi:
        start, end = _strip(hidden, position, hi)
        if start < end:
            pieces.append([start, end])
    pieces = _split_after_may(hidden, pieces)
    if quoted:
        _give_quotes_back(line, pieces)
    if len(pieces) < 2:
        return pieces
    merged: list[list[int]] = []
    for piece in pieces:
        if merged and ((quoted and _inside_quote(line, merged[-1], hi)) or _continues(line, merged[-1], piece)):
            merged[-1][1] = piece[1]
        else:
            if merged:
                _move_ellipsis(line, merged[-1], piece)
            merged.append(piece)
    return [piece for piece in merged if piece[0] < piece[1]]


_MAY_END = re.compile(r"\bMay\.(?=\s+[A-Z])")


def _split_after_may(hidden: str, pieces: list[list[int]]) -> list[list[int]]:
    """sentencex takes "May." for an abbreviation ("Jan.", "Dec."), so "rose 3% in May. Traders were
    calm." stays one sentence; but May is the month's whole name: the sentence ends there."""
    if not pieces or "May." not in hidden[pieces[0][0] : pieces[-1][1]]:
        return pieces  # nearly every line: no regular expression at all
    out = []
    for start, end in pieces:
        for found in _MAY_END.finditer(hidden, start, end):
            cut = found.end()
            if cut < end:
                out.append([start, cut])
                start, end = _strip(hidden, cut, end)
        out.append([start, end])
    return out


def _segment(language: str, text: str) -> list[str]:
    """sentencex's pieces; should its Rust core panic on some input, the text stays one piece."""
    try:
        return sentencex.segment(language, text)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # pyo3's PanicException is a BaseException
        return [text]


def _give_quotes_back(line: str, pieces: list[list[int]]) -> None:
    """Hidden quotes were stripped as spaces: a quote right before a piece opens it; one right
    after a piece (with no space between) closes it."""
    for n, piece in enumerate(pieces):
        start, end = piece
        floor = pieces[n - 1][1] if n else 0
        while start > floor and line[start - 1] in _DOUBLE_QUOTES:
            start -= 1
        ceiling = pieces[n + 1][0] if n + 1 < len(pieces) else len(line)
        while end < ceiling and line[end] in _DOUBLE_QUOTES and (end + 1 >= len(line) or line[end + 1].isspace()
                                                                 or line[end + 1] in _DOUBLE_QUOTES):
            end += 1
        piece[0], piece[1] = start, end
    for n in range(1, len(pieces)):  # a quote claimed by both: it closes the earlier piece
        if pieces[n][0] < pieces[n - 1][1]:
            pieces[n][0] = pieces[n - 1][1]
            while pieces[n][0] < pieces[n][1] and line[pieces[n][0]].isspace():
                pieces[n][0] += 1


def _inside_quote(line: str, previous: list[int], hi: int) -> bool:
    """Does the previous sentence hold a quote that opened after its first word (`said "...`) and
    closes later in the line? Such a quote stays in its sentence, however many sentences it holds;
    a quote that opens a sentence is split like any other text."""
    start, end = previous
    opened = None
    depth = 0
    for mark in _QUOTE.finditer(line, start, end):
        char = mark.group()
        opening = char in _OPENING_DOUBLE or (char == '"' and depth == 0)
        if opening and depth == 0:
            opened = mark.start()
        depth = max(0, depth + (1 if opening else -1))
    if depth == 0 or opened is None or opened == start:
        return False
    return _QUOTE.search(line, end, hi) is not None


def _continues(line: str, previous: list[int], piece: list[int]) -> bool:
    """Is the boundary between two pieces a false one, so the piece belongs to the previous sentence?"""
    before = line[previous[0] : previous[1]]
    start = piece[0]
    if start == previous[1]:  # no space after the stop: ".IXIC", "JCP.N"
        return True
    if not any(c.isalnum() for c in line[start : piece[1]]):  # a lone "..." or ")" is no sentence
        return True
    first = line[start]
    if first in _OPENING and start + 1 < piece[1]:
        first = line[start + 1]
    if first.islower():
        return True
    if _LONE_MARKER.fullmatch(before):
        return True
    last_word = before.rsplit(None, 1)[-1]
    if not last_word.endswith("."):
        return False
    abbreviation = last_word.rsplit("-", 1)[-1].rstrip(".").lstrip(_OPENING)  # "Det.-Sgt." -> "Sgt"
    if abbreviation in _TITLES and first.isupper():
        return True
    if abbreviation in _NUMBER_WORDS and first.isdigit():
        return True
    if last_word.lower() in ("a.m.", "p.m.") and _CLOCK.search(before, len(before) - 12):
        next_word = re.match(r"[A-Za-z]+", line[start : piece[1]])
        return bool(next_word and next_word.group() in _TIME_FOLLOWERS)
    return False


def _move_ellipsis(line: str, previous: list[int], piece: list[int]) -> None:
    """ "compounds. . . . The practice": the stop ends the sentence, the ellipsis opens the next."""
    if not line.endswith(". . . .", previous[0], previous[1]):
        return
    found = _TRAILING_ELLIPSIS.search(line, max(previous[0], previous[1] - 8), previous[1])
    if found and line[piece[0]].isupper():
        piece[0] = found.start() + 1
        previous[1] = found.start()


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
