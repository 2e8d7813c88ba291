"""The engine: sentences with exact character offsets, for a document in a given language.

A hard-wrapped paragraph is first unwrapped (`shapes.unwrapped`); then line and paragraph breaks
always end a sentence (a heading or an advert line such as "Meet Iranian Singles" stands alone).
Inside a line, sentencex, told the language, proposes the boundaries and the language's rules
(`languages.toml`, read by `rules.language`) correct them:

- double quotes are hidden from sentencex (replaced by spaces of the same length), so a quote of
  several sentences is split like any other text; an opening quote then goes with the sentence it
  opens and a closing quote with the sentence it closes (across a space for guillemets: `« Ce »`);
  a quote that opens inside a sentence keeps the sentence going up to its closing mark, unless the
  next quote mark opens another quote (the first one was never closed);
- a boundary after one of the language's own full stops ("。", "।", Greek ";") is never undone, but
  for a pair of Chinese and Japanese brackets or quotes (「」, 『』, 《》, （）) open in the sentence and
  closing later in the line, and a Japanese quotative particle after a closing mark (「…。」と述べた);
  "。！？।" end a sentence even without a space after them, except before a closing mark or inside
  such a pair;
- a boundary is undone when no space follows the stop only inside a wire code (".IXIC", "JCP.N"),
  when the next piece starts in lower case after a closing quote or bracket ('"Great." she said'),
  when it has no word (a lone "...", links, hashtags, cashtags, "(1/3)", emoji: even after the
  language's own full stop, and at a line's start even after a blank line), after " ... " (words
  left out), and, where the language lists them, after a title before a name ("Gov.", "M.", in a
  script without case "डॉ."), an abbreviation before a word in lower case ("tys. dolarów", "a. m.
  al juzgado"), an ordinal number ("am 14. März"), a number word before a number ("No. 5"),
  "a.m."/"p.m." before a day, month or time zone, and before a capitalised speaker and a speech
  verb after ?" or !" ('"Will it close?" Oxfam asked');
- a boundary is added after a word that ends sentences as often as it abbreviates ("etc.", "May."),
  after an ellipsis before a capital outside a quote, before a number after a word in lower case or
  a capitalised noun where sentencex never cuts there ("Meister. 1991"), after a unit that follows a
  number before a capital ("открылся в 1985 г. Сейчас"), after an acronym in capitals in Italian and
  Spanish ("della NATO. Il"), and, in a document with no capital letter
  at all, before a word in lower case after a stop that ends no abbreviation ("beschlossen. die");
- no boundary of ours is added inside a bracket that closes later in the piece ("(gegr. 1850)");
- a line that starts a numbered or lettered list ("1. The first item 2. The second item") is cut
  before each next marker in sequence, and "word. . . . The" leaves its ellipsis to the next sentence;
- a sentence longer than `shapes.MAX_SENTENCE` is cut at its best boundary (`shapes.cut_runaway`).
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

import sentencex

from annotator.segment import shapes
from annotator.segment.identify import by_script
from annotator.segment.rules import Language, language as language_rules

_LINE = re.compile(r"[^\n]+")
_EDGE_SPACE = " \t\f\v\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\ufeff\u2028\u2029"
_STRIPPED = "".join(sorted({chr(c) for c in range(0x3000 + 1) if chr(c).isspace()} | set(_EDGE_SPACE)))
_WIDE_SPACE = re.compile("[\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]")
_INLINE_SPACE = " \u00a0\u202f\u2009\u2007"  # the (no-break, thin) spaces French sets inside guillemets
_OPENING = "\"\u201c\u201e\u201f\u00ab\u00bb'\u2018([{"
_CLOSING = "\"'\u201d\u201c\u00bb\u00ab\u2019)]}"
_CLOSING_OR_SPACE = _CLOSING + " "
_DASHES = "\u2013\u2014"
_CLOCK = re.compile(r"(?:^|\s)\d{1,2}(?::\d\d)?\s?[ap]\.m\.$", re.IGNORECASE)
_LIST_MARKER = re.compile(r"[\u2022\u2043\u00b7*-]?\s*(\d{1,3}|[A-Za-z])(\.\)|\)|\.)")
_MARKER_START = frozenset("0123456789\u2022\u2043\u00b7*-")
_LONE_MARKER = re.compile(r"[\u2022\u2043\u00b7*-]?\s*(?:\d{1,3}|[A-Za-z])(?:\.\)|\)|\.)")
_TRAILING_ELLIPSIS = re.compile(r"(?<=\w\.)(?: \.){3}$")
_FREE_ELLIPSIS = re.compile(r"(?<!\.)\s(?:\.\.\.|\u2026|\. \. \.)$")
# a wire code around a stop with no space after it: ".IXIC", "<.SPX>", "JCP.N", "VOWG_p.DE"
_CODE = re.compile(r"[<(]?[A-Z0-9_]*\.[A-Z0-9]{1,6}[>)]?")
_INITIALS = re.compile(r"(?:[A-Z]\.){2,}[A-Z]?")  # "B.C." inside Chinese text, which has no spaces; "G.D.P"
_INNER_APOSTROPHE = re.compile(r"(?<=\w)\u2018(?=\w)")
_WORD = re.compile(r"\w+")
# how a line that is no sentence may open with a letter (nearly every other line opens with a word)
_WORDLESS_OPENINGS = ("http", "www", "via ", "Via ", "cc ")


class Segmentation(NamedTuple):
    """A document's sentences as (start, end) character offsets, in order, and how many runaway
    sentences (longer than `shapes.MAX_SENTENCE`) were cut into pieces to give them."""

    spans: list[tuple[int, int]]
    runaways: int


def segment(text: str, language: str | None = "en") -> Segmentation:
    """The sentences of a document text in a language (an ISO 639 code such as "de" or "pt-BR";
    None, a language unknown, is cut by the rules of the language its script says, `identify.by_script`:
    Russian's for Cyrillic, else English's). text[start:end] is each sentence, stripped; a sentence may hold the soft line
    breaks of a hard-wrapped paragraph but no blank line, unless what follows the blank line is only
    links, hashtags or emoji (a post's last paragraph), which join the sentence before them."""
    rules = language_rules(language if language is not None else by_script(text))
    flat = shapes.unwrapped(text)
    found: list[tuple[int, int]] = []
    cuts = 0
    join_wordless = "wordless_pieces" in rules.rules
    if rules.final_stops and not any(stop in flat for stop in rules.final_stops):
        rules = rules.without_final_words  # once per document, not once per line
    if "lower_case_text" in rules.rules and flat.islower():  # no capital letter at all (stops at the first)
        rules = rules.in_lower_case
    quote_mark, lists = rules.quote_mark, "list_items" in rules.rules
    quoted_text = quote_mark.search(flat) is not None
    hidden_text = quote_mark.sub(" ", flat) if quoted_text else flat  # same length: offsets stay the text's
    if not hidden_text.isascii():  # sentencex panics on some wide spaces before a stop: show it plain ones
        hidden_text = _WIDE_SPACE.sub(" ", hidden_text)
        if "\u2018" in hidden_text:  # "l‘intrusion": sentencex takes the mark for a quote that "l’ennemi" closes
            hidden_text = _INNER_APOSTROPHE.sub("'", hidden_text)
    # sentencex once for the whole text (a call per line costs more than its work): its boundaries,
    # and every line break, which always ends a sentence
    boundaries = _boundaries(rules.code, hidden_text)
    next_boundary, last = 0, len(boundaries) - 1
    # nothing but sentencex's boundaries to check on a line of one piece without quotes or lists:
    # no word that ends sentences, no ellipsis, no rule that cuts before a number or after an acronym
    plain = (not rules.final_stops and "..." not in flat and "\u2026" not in flat and not rules.all_lower_case
             and "number_opens_sentence" not in rules.rules and (flat.isascii() or not _UNSPACED_STOP.search(flat))
             and not (rules.unit_stops and any(stop in flat for stop in rules.unit_stops))
             and not ("capital_acronyms" in rules.rules and _ACRONYM.search(flat)))
    for line in _LINE.finditer(flat):
        body = line.group()
        offset, line_end = line.span()
        while next_boundary < last and boundaries[next_boundary] <= offset:
            next_boundary += 1
        if boundaries[next_boundary] >= line_end and plain and (not quoted_text or quote_mark.search(body) is None):
            start, end = _strip(body, 0, len(body))
            if start == end:
                continue
            if not lists or not (body[start] in _MARKER_START or body[start + 1 : start + 2] in (".", ")")):
                line_spans = [[start, end]]  # the common case: a line of one sentence
            else:
                line_spans = _line_spans(body, hidden_text[offset:line_end], [], rules, lists, False)
        else:
            inside = []
            while boundaries[next_boundary] < line_end:
                inside.append(boundaries[next_boundary] - offset)
                next_boundary += 1
            if body.isspace():
                continue
            quoted = quoted_text and quote_mark.search(body) is not None
            line_spans = _line_spans(body, hidden_text[offset:line_end], inside, rules, lists, quoted)
        # a line that opens with links, hashtags or emoji only (a post's hashtags, a source's link, even in
        # a paragraph of their own) opens no sentence: that piece joins the sentence before it
        opening = line_spans[0] if found and join_wordless and line_spans else None
        if opening and (not body[opening[0]].isalnum() or body.startswith(_WORDLESS_OPENINGS, opening[0])) \
                and shapes.wordless(body[opening[0] : opening[1]]):
            found[-1] = (found[-1][0], offset + opening[1])
            del line_spans[0]
        for start, end in line_spans:
            if end - start > shapes.MAX_SENTENCE:
                pieces = shapes.cut_runaway(body, start, end)
                cuts += 1
                found.extend((offset + s, offset + e) for s, e in pieces)
            else:
                found.append((offset + start, offset + end))
    return Segmentation(found, cuts)


def _line_spans(body: str, hidden: str, inside: list[int], rules: Language, lists: bool,
                quoted: bool) -> list[list[int]]:
    """The sentences of a line, given sentencex's boundaries `inside` it (offsets of the line)."""
    lead = len(body) - len(body.lstrip())
    if lists and (body[lead] in _MARKER_START or body[lead + 1 : lead + 2] in (".", ")")):
        line_spans = []
        for item_start, item_end in _list_items(body):
            pieces = _pieces(hidden, item_start, item_end, _sentencex_cuts(rules.code, hidden, item_start, item_end) or [])
            line_spans.extend(_item_spans(body, hidden, item_start, item_end, rules, quoted, pieces))
        return line_spans
    return _item_spans(body, hidden, 0, len(body), rules, quoted, _pieces(hidden, 0, len(body), inside))


def _boundaries(language: str, hidden: str) -> list[int]:
    """Offsets in the text at which sentencex ends a piece, in order, and last one past the text's end."""
    cuts = _sentencex_cuts(language, hidden, 0, len(hidden))
    if cuts is None:  # the segmenter changed the text: ask line by line
        cuts = [line.start() + cut for line in _LINE.finditer(hidden)
                for cut in _sentencex_cuts(language, line.group(), 0, len(line.group())) or ()]
    cuts.append(len(hidden) + 1)
    return cuts


def _sentencex_cuts(language: str, hidden: str, lo: int, hi: int) -> list[int] | None:
    """Offsets in hidden's line at which sentencex ends a piece of hidden[lo:hi], in order; None when
    the segmenter changed the text (its pieces do not spell it)."""
    out, position = [], lo
    for piece in _sentencex(language, hidden[lo:hi]):
        if not hidden.startswith(piece, position):
            return None
        position += len(piece)
        out.append(position)
    return out


def _pieces(hidden: str, lo: int, hi: int, cuts: list[int]) -> list[list[int]]:
    """hidden[lo:hi] cut at the offsets `cuts` (of the line), each piece stripped, empty ones left out."""
    pieces = []
    begin = lo
    for cut in cuts:
        if lo < cut < hi:
            start, end = _strip(hidden, begin, cut)
            if start < end:
                pieces.append([start, end])
            begin = cut
    start, end = _strip(hidden, begin, hi)
    if start < end:
        pieces.append([start, end])
    return pieces


def _strip(line: str, start: int, end: int) -> tuple[int, int]:
    """line[start:end]'s bounds without the white space (and no-break, wide or zero-width spaces) at its edges."""
    piece = line[start:end]
    kept = piece.lstrip(_STRIPPED)
    start += len(piece) - len(kept)
    return start, start + len(kept.rstrip(_STRIPPED))


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


def _item_spans(line: str, hidden: str, lo: int, hi: int, rules: Language, quoted: bool,
                pieces: list[list[int]]) -> list[list[int]]:
    """The sentences of one list item (or a whole line), from sentencex's `pieces` of it found in
    `hidden`, the line without its double quotes, and given in offsets of the line."""
    for stop in rules.final_stops:  # nearly every line: a substring look or two
        if stop in hidden and pieces and "final_words" in rules.rules:
            # sentencex takes "etc." or "May." for an abbreviation inside a sentence
            pieces = _split_before_capitals(hidden, pieces, rules.final_word)
            break
    if "ellipsis_end" in rules.rules and ("\u2026" in hidden or "..." in hidden) and pieces:
        # inside a quote an ellipsis marks words left out ("free_ellipsis" keeps them together)
        pieces = _split_before_capitals(hidden, pieces, _ELLIPSIS_BEFORE_WORD,
                                        lambda start, cut, end: _open_quote(line, start, cut, rules) is None)
    if "number_opens_sentence" in rules.rules and pieces:
        # sentencex never cuts before a number in these languages ("unglaublich. 5000 Dollar")
        pieces = _split_before_capitals(hidden, pieces, _WORD_BEFORE_NUMBER, opens=str.isdigit,
                                        allowed=lambda start, cut, end: _plain_word_before(hidden, cut, end, rules))
    if rules.unit_word is not None and pieces and any(stop in hidden for stop in rules.unit_stops):
        # sentencex reads "г." as an abbreviation wherever it stands: after a year it ends the sentence
        pieces = _split_before_capitals(hidden, pieces, rules.unit_word,
                                        allowed=lambda start, cut, end: _unit_ends_sentence(hidden, start, cut, rules))
    if "capital_acronyms" in rules.rules and pieces and _ACRONYM.search(hidden, lo, hi):
        # sentencex reads "NATO." or "PP." as an abbreviation (its list ignores case): before a capital it ends
        pieces = _split_before_capitals(hidden, pieces, _ACRONYM,
                                        allowed=lambda start, cut, end: _acronym_ends_sentence(hidden, cut, rules))
    if rules.all_lower_case and pieces:
        # sentencex keeps going before a word in lower case in some languages (German, Czech, Danish)
        pieces = _split_before_capitals(hidden, pieces, _STOP_BEFORE_WORD, opens=str.islower,
                                        allowed=lambda start, cut, end: _word_ends_sentence(hidden, cut, rules))
    paired = not line.isascii() and _PAIR_OPENER.search(line, lo, hi) is not None
    if pieces and not hidden.isascii() and _UNSPACED_STOP.search(hidden, lo, hi):
        # "。", "！", "।" end a sentence with or without a space after them, whatever sentencex says
        # (not before a closing mark: 「我們不會讓步。」; not inside 「」《》: 「やります。必ず」)
        pieces = _split_before_capitals(hidden, pieces, _UNSPACED_STOP, opens=_opens_after_stop,
                                        allowed=lambda start, cut, end: line[cut] not in rules.quotes
                                        and line[cut] not in _CLOSING_MARKS
                                        and not (paired and _open_pair(line, start, cut)), in_brackets=True)
    if quoted:
        _give_quotes_back(line, pieces, rules)
    if len(pieces) < 2:
        return pieces
    merged: list[list[int]] = []
    for piece in pieces:
        if merged and ((quoted and _inside_quote(line, merged[-1], hi, rules))
                       or (paired and _closes_later_in_line(line, merged[-1], hi))
                       or _continues(line, merged[-1], piece, rules)):
            merged[-1][1] = piece[1]
        else:
            if merged and "ellipsis_run" in rules.rules:
                _move_ellipsis(line, merged[-1], piece)
            merged.append(piece)
    return [piece for piece in merged if piece[0] < piece[1]]


# the full stops of scripts that need no space after them; where a quote closes after one, sentencex
# decides (a speaker may follow: 嗎？"鮑爾說。)
_UNSPACED_STOPS = "\u3002\uff01\uff1f\uff61\u0964\u0965"
_UNSPACED_STOP = re.compile("[" + _UNSPACED_STOPS + "]+")


# the bracket and quote pairs of Chinese and Japanese (corner quotes, book titles, full-width
# brackets): a stop inside an open pair ends no sentence (「やります。必ず」と述べた。, 《摔跤吧！爸爸》),
# and no sentence opens with the closing mark (「我們不會讓步。」立法院…)
_PAIRS = {"\u300c": "\u300d", "\u300e": "\u300f", "\u300a": "\u300b", "\uff08": "\uff09", "\u3008": "\u3009",
          "\u3010": "\u3011"}
_PAIR_OPENER = re.compile("[" + "".join(_PAIRS) + "]")
_CLOSING_MARKS = frozenset("".join(_PAIRS.values()) + ")]}\u201d\u2019\u00bb\u203a\"'")


def _opens_after_stop(char: str) -> bool:
    return bool(char) and char not in _UNSPACED_STOPS + "\u2026"


def _open_pair(line: str, start: int, end: int) -> str:
    """The closing mark of a bracket or quote pair of Chinese and Japanese (「」, 『』, 《》, （）) still
    open at the end of line[start:end], or ""."""
    for opener, closer in _PAIRS.items():
        if line.count(opener, start, end) > line.count(closer, start, end):
            return closer
    return ""


def _closes_later_in_line(line: str, previous: list[int], hi: int) -> bool:
    """Does the previous sentence hold a pair (「」, 《》) that is still open and closes later in the
    line? Then it goes on up to the closing mark, as a quote that opens inside a sentence does."""
    closer = _open_pair(line, previous[0], previous[1])
    return bool(closer) and line.find(closer, previous[1], hi) >= 0


_ELLIPSIS_BEFORE_WORD = re.compile(r"(?:\.\.\.|\u2026)(?=\s+\w)")
_WORD_BEFORE_NUMBER = re.compile(r"(?<![\w.])[^\W\d_]{4,}\.(?=\s+\d)")
_STOP_BEFORE_WORD = re.compile(r"(?<=[^\W\d_])\.(?=\s+\w)")


def _plain_word_before(hidden: str, cut: int, end: int, rules: Language) -> bool:
    """Is the word before the stop at hidden[cut - 1] a word in lower case, or a capitalised one (a
    German noun: "Meister. 1991"), that the language does not list as an abbreviation or a month
    ("unglaublich.", not "např.", "Ziff." or "Sept.") nor is shaped like one ("Bahnhofstr.": its
    `abbreviation_endings`)? A short word (five letters at most: "gegr.", "odst.") is read as an
    abbreviation before a number that a word in lower case follows ("odst. 3 zákona"), not before
    a year ("Meister. 1991 verlor er"); after a longer word, a number and a word in lower case open
    a sentence in a language that writes its nouns so ("maksimimäärä. 10 viikon kurssin")."""
    word = hidden[: cut - 1].rsplit(None, 1)[-1]
    if not ((word.islower() or word.istitle()) and word not in rules.abbreviations
            and word not in rules.months and not word.endswith(rules.abbreviation_endings)):
        return False
    if len(word) > 5:
        return True
    after = _NUMBER_BEFORE_WORD.match(hidden, cut, end)
    return after is None or not after.group(2).islower() or _YEAR.fullmatch(after.group(1)) is not None


# a number and the word after it: "Bahnhofstr. 12 in", "odst. 3 zákona" go on; a year opens a sentence
# before a verb in lower case ("Meister. 1991 verlor er"), any number before a capital ("5000 Dollar")
_NUMBER_BEFORE_WORD = re.compile(r"\s+(\d[\d.,]*)\s+([^\W\d_])")
_YEAR = re.compile(r"1[5-9]\d\d|20\d\d")
_BRACKETS = {"(": ")", "[": "]", "\uff08": "\uff09"}


def _in_open_bracket(hidden: str, start: int, cut: int, end: int) -> bool:
    """Does a bracket open in hidden[start:cut] and close after it, before `end` ("(gegr. 1850)")?
    Then no rule of ours cuts at `cut`."""
    for opener, closer in _BRACKETS.items():
        if hidden.count(opener, start, cut) > hidden.count(closer, start, cut) and hidden.find(closer, cut, end) >= 0:
            return True
    return False


def _unit_ends_sentence(hidden: str, start: int, cut: int, rules: Language) -> bool:
    """Does the unit before hidden[cut] (its stop at cut - 1) follow a number ("1985 г.", "5 млн руб.",
    "10 π.μ."), with a word in lower case before the number (past its day and month: "открылся 1
    января 1985 г.")? Then the date or amount closes a clause that opened before it. A unit after no
    number is something else ("в г. Самару": the city); a capitalised word before the number opens
    the sentence ("В марте 1985 г. Горбачев…", "През 2023 г. България") or is a name ("Толстой, 1898
    г. В 1854 году…"). A currency sign, groups of thousands ("за $ 10 000 лв.") and a day and month
    are passed; a month after a comma closes a dateline ("Комба", декември 1948 г. Невинната…)."""
    if rules.unit_followers:
        following = _WORD_AFTER.match(hidden, cut)
        if following and following.group(1) in rules.unit_followers:
            return False  # "5 млн долл. США на рекламу"
    words = hidden[start:cut].split()
    at = len(words) - 2  # the word before the unit, past scale words ("млн")
    while at >= 0 and words[at].rstrip(".") in rules.units:
        at -= 1
    if at < 0 or not words[at][:1].isdigit():
        return False
    at -= 1
    while at >= 0 and words[at].isdigit() and len(words[at]) <= 3:  # "10 000 лв."
        at -= 1
    dated = at >= 0 and words[at] in rules.months
    if dated:
        at -= 1
        if at >= 0 and words[at].isdigit():
            at -= 1
    if at >= 0 and words[at] in _CURRENCY_SIGNS:  # "за $ 11 млн."
        at -= 1
    return at >= 0 and (words[at].islower() or (dated and words[at].endswith(",")))


_CURRENCY_SIGNS = frozenset("$€£¥")
_WORD_AFTER = re.compile(r"\s+(\w+)")


# a word of two to eight capitals before a stop, not part of initials ("EE.UU.", "S.p.A.")
_ACRONYM = re.compile(r"(?<![\w.])[^\W\d_]{2,8}\.(?=\s+\w)")
_ROMAN = re.compile(r"[IVXLCDM]+")
_PLURAL_HALF = re.compile(r"\s+([^\W\d_])\1\.")


def _acronym_ends_sentence(hidden: str, cut: int, rules: Language) -> bool:
    """Is the word before the stop at hidden[cut - 1] an acronym in capitals ("NATO.", "PP.", "CGIL."),
    not a Roman numeral ("Giovanni Paolo II."), a plural abbreviation ("EE. UU.") nor a title or
    abbreviation the language lists?"""
    word = hidden[: cut - 1].rsplit(None, 1)[-1]
    if _PLURAL_HALF.match(hidden, cut):
        return False  # a Spanish plural abbreviation in halves: "EE. UU.", "FF. AA.", "CC. OO."
    return (word.isupper() and _ROMAN.fullmatch(word) is None and word not in rules.titles
            and word not in rules.abbreviations and word not in rules.number_words)


def _word_ends_sentence(hidden: str, cut: int, rules: Language) -> bool:
    """In a document in lower case only: is the word before the stop at hidden[cut - 1] a word that
    ends a sentence, not a single letter, a number, or an abbreviation the language's table lists
    or sentencex knows ("ca.", "dr.", "z.b.")?"""
    token = hidden[: cut - 1].rsplit(None, 1)[-1].lstrip(_OPENING).rstrip(_CLOSING)
    if len(token) < 2 or not token.isalpha() or token in rules.lowered_abbreviations:
        return False
    return not _sentencex_abbreviation(rules.code, token)


@functools.lru_cache(maxsize=4096)
def _sentencex_abbreviation(language: str, word: str) -> bool:
    """Does sentencex read "word." as an abbreviation in the language (no cut before a capital)?"""
    return len(_sentencex(language, word + ". X")) < 2


def _split_before_capitals(hidden: str, pieces: list[list[int]], pattern: re.Pattern,
                           allowed=None, opens=str.isupper, in_brackets=False) -> list[list[int]]:
    """Each piece cut after every match of `pattern` that a capital follows (or a character `opens`
    accepts), where `allowed(piece start, cut, piece end)` agrees, if given: "etc. Prices", "habe …
    Als"; never inside a bracket that opens before the cut and closes after it in the piece
    ("(gegr. 1850)"), unless `in_brackets`."""
    out = []
    for start, end in pieces:
        for found in pattern.finditer(hidden, start, end):
            cut = found.end()
            if cut < end and opens(hidden[cut:end].lstrip()[:1]) and (allowed is None or allowed(start, cut, end)) \
                    and (in_brackets or not _in_open_bracket(hidden, start, cut, end)):
                out.append([start, cut])
                start, end = _strip(hidden, cut, end)
        out.append([start, end])
    return out


def _sentencex(language: str, text: str) -> list[str]:
    """sentencex's pieces; should its Rust core panic on some input, the text stays one piece."""
    try:
        return sentencex.segment(language, text)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # pyo3's PanicException is a BaseException
        return [text]


def _give_quotes_back(line: str, pieces: list[list[int]], rules: Language) -> None:
    """Hidden quotes were stripped as spaces: a quote right before a piece opens it; one right
    after a piece (with no space between, or a no-break space before a guillemet) closes it."""
    quotes = rules.quotes
    only_closing = rules.closers - rules.openers  # closes even with no space after it: Chinese "。”但是"
    for n, piece in enumerate(pieces):
        start, end = piece
        floor = pieces[n - 1][1] if n else 0
        while start > floor and line[start - 1] in quotes and line[start - 1] not in only_closing:
            start -= 1
        back = start
        while back > floor and line[back - 1] in _INLINE_SPACE:
            back -= 1
        if back < start and back > floor and line[back - 1] in "\u00ab\u00bb\u201e" and line[back - 1] in rules.openers:
            start = back - 1
        ceiling = pieces[n + 1][0] if n + 1 < len(pieces) else len(line)
        while end < ceiling and line[end] in quotes and (end + 1 >= len(line) or line[end + 1].isspace()
                                                         or line[end + 1] in quotes or line[end] in only_closing):
            end += 1
        ahead = end
        while ahead < ceiling and line[ahead] in _INLINE_SPACE:
            ahead += 1
        if ahead > end and ahead < ceiling and line[ahead] in "\u00bb\u00ab" and line[ahead] in rules.closers:
            end = ahead + 1
        piece[0], piece[1] = start, end
    for n in range(1, len(pieces)):  # a quote claimed by both: it closes the earlier piece
        if pieces[n][0] < pieces[n - 1][1]:
            pieces[n][0] = pieces[n - 1][1]
            while pieces[n][0] < pieces[n][1] and line[pieces[n][0]].isspace():
                pieces[n][0] += 1


def _opens(line: str, at: int, rules: Language) -> bool:
    """Does the quote mark at line[at] open a quote? A mark that only opens or only closes in the
    language says so itself; one that does both ('"', German "“") opens when a space or the line's
    start is before it and none after it."""
    char = line[at]
    if char in rules.openers and char not in rules.closers:
        return True
    if char in rules.closers and char not in rules.openers:
        return False
    before = line[at - 1] if at else " "
    after = line[at + 1] if at + 1 < len(line) else " "
    return (before.isspace() or before in "([{") and not after.isspace()


def _inside_quote(line: str, previous: list[int], hi: int, rules: Language) -> bool:
    """Does the previous sentence hold a quote that is still open and closes later in the line? Such
    a quote stays in its sentence, however many sentences it holds; where the language splits a
    quote that opens a sentence (English news, "split_opening_quote"), only one that opened after
    the first word (`said "...`) does. A quote whose next mark opens another quote was never closed
    (a typo, a quote cut by a scraper): it holds nothing."""
    start, end = previous
    opened = _open_quote(line, start, end, rules)
    if opened is None or (opened == start and "split_opening_quote" in rules.rules):
        return False
    return _closes_later(line, end, hi, rules)


def _open_quote(line: str, start: int, end: int, rules: Language) -> int | None:
    """Where the quote still open at the end of line[start:end] opened, or None."""
    opened = None
    depth = 0
    quotes = rules.quotes
    for at in range(start, end):
        if line[at] not in quotes:
            continue
        opening = _opens(line, at, rules) if line[at] != '"' else depth == 0
        if opening and depth == 0:
            opened = at
        depth = max(0, depth + (1 if opening else -1))
    return opened if depth else None


def _closes_later(line: str, start: int, hi: int, rules: Language) -> bool:
    """Is the next quote mark in line[start:hi] a closing one?"""
    for at in range(start, hi):
        if line[at] in rules.quotes:
            return not _opens(line, at, rules)
    return False


def _ends_with_stop(before: str, rules: Language) -> bool:
    """Does the text end with one of the language's own full stops (before closing quotes)?"""
    trimmed = before.rstrip(_CLOSING_OR_SPACE)
    return bool(trimmed) and trimmed[-1] in rules.stops


def _continues(line: str, previous: list[int], piece: list[int], rules: Language) -> bool:
    """Is the boundary between two pieces a false one, so the piece belongs to the previous sentence?"""
    before = line[previous[0] : previous[1]]
    start = piece[0]
    use = rules.rules
    text = line[start : piece[1]]
    if (not line[start].isalpha() or line.startswith(_WORDLESS_OPENINGS, start)) and (
            shapes.wordless(text) if "wordless_pieces" in use else not any(c.isalnum() for c in text)):
        return True  # links, hashtags, emoji (also after "。" or "!"), a lone "..." or ")": no sentence
    if rules.quote_particles and before[-1] in _CLOSING_MARKS and line.startswith(rules.quote_particles, start):
        return True  # a quote and the particle that goes on from it: 「必ずやります。」と述べた
    if _ends_with_stop(before, rules):
        return False
    if start == previous[1]:  # no space after the stop: "1.)" or a wire code, else a missing space
        first = line[start]
        if not (first.isalnum() or first in _OPENING) or _numbered(line, previous[1] - 1):
            return True  # "1.)", "1.Helado, 2.Carne", "。2．扩大开放"
        if first.isdigit() and before[-1] in ".\uff0e" and before[-2:-1].isdigit():
            return True  # a decimal written with a full-width stop: "３８．５度", "Ｍ６．５"
        if first.islower() or (first.isalpha() and not first.isupper() and before[-1] in _CLOSING):
            return True  # "гл.серж.", "e.g.the"; a quote and a particle in a script without case: "한다.”라고"
        return "instrument_codes" in use and _in_code(line, start)
    first = line[start]
    dash = first in _DASHES
    if (first in _OPENING or dash) and start + 2 < piece[1]:
        first = line[start + 2] if dash and line[start + 1].isspace() else line[start + 1]
    if first.islower() and "lower_case_after_quote" in use and (dash or before.rstrip()[-1:] in _CLOSING):
        return True  # '"Great." she said'; a dash before the speaker in a dialogue
    if "ordinal_numbers" in use and _ordinal(before, text, first, rules):
        return True  # "am 14. März", "in der 4. Klasse", "na poziomie 4. klasy"
    if "lone_list_marker" in use and _LONE_MARKER.fullmatch(before):
        return True
    if ("free_ellipsis" in use and before.endswith(("...", "\u2026", ". . .")) and _FREE_ELLIPSIS.search(before)
            and _open_quote(line, previous[0], previous[1], rules) is not None
            and _closes_later(line, previous[1], len(line), rules)):
        return True  # words left out of a quote: '"We saw it through the lens of ... March events."'
    if ("speaker_after_quote" in use and len(before) > 1 and before[-2] in "?!" and before[-1] in _CLOSING
            and _speaker(text, rules)):
        return True
    last_word = before.rsplit(None, 1)[-1]
    if not last_word.endswith("."):
        return False
    abbreviation = last_word.rsplit("-", 1)[-1].rstrip(".").lstrip(_OPENING)  # "Det.-Sgt." -> "Sgt"
    if len(abbreviation) == 1 and abbreviation.isalpha() and not abbreviation.isupper() and not abbreviation.islower():
        return True  # an initial in a script without case: "أحمد ز. أمين"
    if "abbreviations" in use and abbreviation in rules.abbreviations and (first.islower() or first.isdigit()):
        return True  # "5 tys. dolarów", "w 2015 r. o 6%"
    if "titles" in use and (abbreviation in rules.titles or abbreviation.rsplit(".", 1)[-1] in rules.titles) \
            and (first.isupper() or (first.isalpha() and not first.islower())):
        return True  # "Gov. Smith", "гл.серж. Александров"; a name in a script without case: "डॉ. शर्मा"
    if "number_words" in use and abbreviation in rules.number_words and first.isdigit():
        return True
    if "clock_times" in use and last_word.lower() in ("a.m.", "p.m.") and _CLOCK.search(before, len(before) - 12):
        next_word = re.match(r"[A-Za-z]+", text)
        return bool(next_word and next_word.group() in rules.time_followers)
    return False


_ORDINAL = re.compile(r"\d{1,3}\.")


def _ordinal(before: str, text: str, first: str, rules: Language) -> bool:
    """Does `before` end with an ordinal number ("14.") that the next piece goes on from: a word in
    lower case, a month, or after a word that stands before ordinals ("der", "am")?"""
    words = before.rsplit(None, 2)
    if not _ORDINAL.fullmatch(words[-1]):
        return False
    if first.islower() or (len(words) > 1 and words[-2].lower() in rules.ordinal_before):
        return True
    next_word = _WORD.match(text.lstrip(_OPENING))
    return next_word is not None and next_word.group() in rules.months


def _numbered(line: str, stop: int) -> bool:
    """Is the stop at line[stop] the end of a number of one to three digits standing alone ("2."), or
    after a full stop of a script without spaces ("。2．")?"""
    digits = stop
    while digits > 0 and line[digits - 1].isdigit():
        digits -= 1
    return 0 < stop - digits <= 3 and (digits == 0 or line[digits - 1].isspace() or line[digits - 1] in _UNSPACED_STOPS)


def _in_code(line: str, start: int) -> bool:
    """Is the stop before line[start] inside a wire code (".IXIC", "JCP.N") or initials ("B.C." in
    text written without spaces), not between two words?"""
    left = start - 1
    while left > 0 and line[left - 1].isascii() and not line[left - 1].isspace():
        left -= 1
    right = start
    while right < len(line) and line[right].isascii() and not line[right].isspace():
        right += 1
    token = line[left:right].rstrip(",;:")
    glued = left > 0 and line[left - 1].isalpha()  # "жағдайы.XVIII": a word, a stop, a word
    return (not glued and _CODE.fullmatch(token) is not None) or _INITIALS.fullmatch(token) is not None


def _speaker(text: str, rules: Language) -> bool:
    """Does the piece open with a capitalised name or organisation and a speech verb ("Oxfam asked",
    "The World Bank said")?"""
    words = _WORD.findall(text[:80])
    for n, word in enumerate(words[:5]):
        if word in rules.speech_verbs:
            return n > 0
        if not word[0].isupper():
            return False
    return False


def _move_ellipsis(line: str, previous: list[int], piece: list[int]) -> None:
    """ "compounds. . . . The practice": the stop ends the sentence, the ellipsis opens the next."""
    if not line.endswith(". . . .", previous[0], previous[1]):
        return
    found = _TRAILING_ELLIPSIS.search(line, max(previous[0], previous[1] - 8), previous[1])
    if found and line[piece[0]].isupper():
        piece[0] = found.start() + 1
        previous[1] = found.start()
