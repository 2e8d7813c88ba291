"""PDF: the text a PDF viewer shows, in reading order, as paragraphs a reader would copy out.

Read with pdfminer.six (the `pdf` extra), whose layout analysis groups characters into lines and
lines into blocks by their position on the page, and orders the blocks in columns: what a report or a
press release set in two columns needs, and what a reader in content-stream order (pypdf) gets wrong
whenever the producer wrote the page out of order. Its blocks are first put back together where it
splits them: the pieces of a justified line, a column's lines set with loose leading (`blocks`).
From them this module drops the running heads and feet (lines at the top or bottom of most pages,
or of most odd or even pages; page numbers), undoes the hyphenation at line ends, and unwraps each
block's lines by the sentences' hard-wrap rule (segment.shapes).
"""

from __future__ import annotations

import io
import logging
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from annotator.model import Document, InputError
from annotator.readers.decode import clean_text
from annotator.readers.plain import headline
from annotator.segment import shapes
from annotator.segment.identify import identify

MISSING = "PDF import needs the pdf extra: pip install 'annotator[pdf]'"

# a page number alone on its line: "3", "- 3 -", "Page 3 of 10", "Seite 3 von 10", "3/10", "iv"
_PAGE_NUMBER = re.compile(
    r"[-\u2013\u2014]?\s*(?:(?:page|p\.|seite|s\.|strona|str\.|стр\.?|страница|σελίδα|página|pagina|sayfa|صفحة)\s*)?"
    r"(?:\d{1,4}|(?=[ivxlc])c{0,3}(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3}))(?:\s*(?:of|von|z|из|από|de|di|/)\s*\d{1,4})?\s*[-\u2013\u2014]?", re.IGNORECASE)
_DIGITS = re.compile(r"\d+")
# typesetting's ligatures ("ﬁnal"), which a reader sees as their letters and a search must find so
_LIGATURES = {code: unicodedata.normalize("NFKC", chr(code)) for code in range(0xFB00, 0xFB07)}
_UNMAPPED = re.compile(r"\(cid:\d+\)")  # how pdfminer writes a glyph its font maps to no character
# of a page's lines, how many at its top and bottom may be a running head or foot
_EDGE_LINES = 2
# ... and only within this share of the page's height from its edge
_EDGE_BAND = 0.15
_SAME_COLUMN = 12  # points: blocks whose left edges are this close stand in one column
_GUTTER = 6  # points: narrower is a gap between words that the layout analysis left apart
# a wide space in a line is one between words when more of the lines around it run across it: of
# this many lines above and below, each within this many lines' height
_NEIGHBOURS = 3
_NEAR = 5
# lines set one under the other whose heights and left edges differ by less than this share of a
# line's height are one column's, in one size of type
_SAME_SIZE = 0.2
_ENDS_SENTENCE = ".!?:;\u2026\"'\u201d\u00bb\u3002\uff01\uff1f\u0964\u06d4\u061f"
_HYPHENS = "-\u00ad\u2010"  # a hyphen, a soft hyphen, Unicode's hyphen
_WORD_END = re.compile(r"(\w+)[" + _HYPHENS + r"]$")
_WORD_START = re.compile(r"^(\w+)")
# a name of the producer's, not a title: "Microsoft Word - Bericht.docx", "untitled", "report.pdf"
_NO_TITLE = re.compile(r"^(?:microsoft \w+ - |untitled\b)|\.(?:docx?|odt|pdf|rtf|indd|tex)$", re.IGNORECASE)


@dataclass(eq=False)
class Line:
    """A line of text where it sits on its page, in points from the page's lower left corner."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    block: int  # the block (a paragraph or a few, by the layout analysis) it belongs to
    right: float  # the right edge of its block's column
    size: int  # the lines of its block


def _pdfminer(path: str):
    """pdfminer.six's modules, or InputError saying how to install the extra."""
    try:
        from pdfminer import layout, pdfdocument, pdfinterp, pdfpage, pdfparser, psparser
        from pdfminer.converter import PDFPageAggregator
    except ImportError:
        raise InputError(path, MISSING) from None
    return layout, pdfdocument, pdfinterp, pdfpage, pdfparser, psparser, PDFPageAggregator


def available() -> bool:
    """Can PDFs be read here (is the pdf extra installed)?"""
    import importlib.util

    return importlib.util.find_spec("pdfminer") is not None


def read(data: bytes, path: str, name: str) -> list[Document]:
    """One Document of the PDF's text: blocks apart by a blank line, in reading order; running heads
    and feet and page numbers dropped; line-end hyphens undone ("Regie-/rung": "Regierung", but
    "Nord-/Süd-Dialog" keeps its hyphen). Raises InputError (one line): the extra is missing, the
    file is no readable PDF, it needs a password, or it has no text layer (a scan)."""
    pages, title = _pages(data, path)
    if not any(pages):
        raise InputError(path, "no text layer: run OCR first")
    running = _running_lines(pages)
    blocks: list[list[Line]] = []
    for lines in pages:
        at = None
        edges = _edges(lines)
        for line in lines:
            if line in edges and (_key(line.text) in running or _PAGE_NUMBER.fullmatch(line.text)):
                continue
            if line.block != at:
                blocks.append([])
                at = line.block
            blocks[-1].append(line)
    text = clean_text("\n\n".join(_paragraphs(blocks)))
    if not text.strip():
        raise InputError(path, "no text but page numbers and running heads")
    unmapped = len(_UNMAPPED.findall(text))
    if unmapped * 2 > len(text.split()):
        raise InputError(path, "its fonts have no Unicode map, so its text cannot be read: run OCR first")
    text = _UNMAPPED.sub("\ufffd", text)  # a glyph without a character (a maths minus): shown as missing
    text = text.translate(_LIGATURES)
    return [Document(name=name, text=text, title=title or headline(text))]


def _pages(data: bytes, path: str) -> tuple[list[list[Line]], str | None]:
    """Each page's lines in reading order (empty for a page without text), and the title in the
    file's metadata (None when it has none, or only a file name)."""
    layout, pdfdocument, pdfinterp, pdfpage, pdfparser, psparser, aggregator = _pdfminer(path)
    # pdfminer logs each flaw of a font it works around ("Could not get FontBBox"): not the user's concern
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    try:
        document = pdfdocument.PDFDocument(pdfparser.PDFParser(io.BytesIO(data)))
    except pdfdocument.PDFPasswordIncorrect:
        raise InputError(path, "encrypted with a password: decrypt it first (qpdf --decrypt "
                               "--password=PASSWORD IN OUT)") from None
    except pdfdocument.PDFEncryptionError as err:
        raise InputError(path, f"encrypted in a way that cannot be read ({err})") from None
    except (psparser.PSException, pdfparser.PDFSyntaxError, ValueError, KeyError, TypeError) as err:
        raise InputError(path, f"not a readable PDF ({type(err).__name__}: {str(err)[:120]})") from None
    resources = pdfinterp.PDFResourceManager()
    # boxes_flow=None: no hierarchical grouping of the blocks for their order (a quarter of the
    # time), as reading_order orders them
    device = aggregator(resources, laparams=layout.LAParams(boxes_flow=None))
    interpreter = pdfinterp.PDFPageInterpreter(resources, device)
    pages: list[list[Line]] = []
    block = 0
    for page in pdfpage.PDFPage.create_pages(document):
        interpreter.process_page(page)
        lines = []
        boxes = blocks([box for box in device.get_result() if isinstance(box, layout.LTTextBox)])
        for element in reading_order(boxes):
            block += 1
            found = _rows(element)
            # a column's right edge, not the block's: a block of two short lines is as wide as they are
            right = max(box.x1 for box in boxes if abs(box.x0 - element.x0) <= _SAME_COLUMN and box.x1 > element.x0)
            for text, x0, x1, top, bottom in found:
                lines.append(Line(text, x0, x1, top, bottom, block, right, len(found)))
        pages.append(lines)
    return pages, _title(document)


class Block:
    """Lines of a page read as one block: pdfminer's text lines (`pieces`, with x0, x1, y0, y1 in
    points and get_text()), of one or more of its text boxes; its length is its count of lines."""

    def __init__(self, pieces: list):
        self.pieces = pieces
        self.x0, self.x1 = min(p.x0 for p in pieces), max(p.x1 for p in pieces)
        self.y0, self.y1 = min(p.y0 for p in pieces), max(p.y1 for p in pieces)
        self.rows = _baselines(pieces)

    def __iter__(self):
        return iter(self.pieces)

    def __len__(self) -> int:
        return len(self.rows)


def blocks(boxes: list) -> list[Block]:
    """A page's text boxes (pdfminer's) as the blocks a reader sees. Two kinds of box are put together:
    the pieces of one line that the layout analysis split at the wide spaces of justified text
    ("according to official" / "figures." / "Teachers"), when the lines next to it run on across
    the space (a gap between columns stays a gap); and boxes of single lines set one under the other
    in a column at a line's spacing, which the analysis splits when the leading is loose."""
    pieces = [(line, at) for at, box in enumerate(boxes) for line in box if line.get_text().strip()]
    group = list(range(len(boxes)))

    def find(at: int) -> int:
        while group[at] != at:
            group[at] = group[group[at]]
            at = group[at]
        return at

    rows = _baselines(pieces, key=lambda item: item[0])
    for number, row in enumerate(rows):
        for (left, at), (right, other) in zip(row, row[1:]):
            if find(at) != find(other) and _spaced_words(left, right, rows, number):
                group[find(other)] = find(at)
    joined: dict[int, list] = {}
    for line, at in pieces:
        joined.setdefault(find(at), []).append(line)
    found = sorted((Block(lines) for lines in joined.values()), key=lambda block: -block.y1)
    return _stacked(found)


def _baselines(items: list, key=lambda item: item) -> list[list]:
    """Items (lines or pieces of lines) grouped by the baseline they sit on, top to bottom, each
    row left to right."""
    rows: list[list] = []
    for item in sorted(items, key=lambda item: -key(item).y1):
        line = key(item)
        if rows and abs(key(rows[-1][0]).y1 - line.y1) < (line.y1 - line.y0) / 2:
            rows[-1].append(item)
        else:
            rows.append([item])
    for row in rows:
        row.sort(key=lambda item: key(item).x0)
    return rows


def _spaced_words(left, right, rows: list[list], number: int) -> bool:
    """Is the space between two pieces of a row (`rows[number]`) a wide space between words, not a
    gap between columns: of the nearest lines above and below (up to _NEIGHBOURS each way, within
    _NEAR lines' height), do more run across all of it than have text on both sides of it and none
    across (a gap between columns goes down the page)? A line on one side only (a paragraph's short
    last line, a running head) says neither."""
    height = left.y1 - left.y0
    across = apart = 0
    for step in (-1, 1):
        at = number
        for _ in range(_NEIGHBOURS):
            at += step
            if not 0 <= at < len(rows) or abs(rows[at][0][0].y1 - left.y1) > _NEAR * height:
                break
            pieces = [piece for piece, _ in rows[at]]
            if any(piece.x0 < left.x1 and piece.x1 > right.x0 for piece in pieces):
                across += 1
            elif any(piece.x1 <= right.x0 for piece in pieces) and any(piece.x0 >= left.x1 for piece in pieces):
                apart += 1
    return across > apart


def _stacked(found: list[Block]) -> list[Block]:
    """The blocks with those of a column's lines set one under the other at a line's spacing (the
    same left edge, the same size of type, less than a line's height apart) made one."""
    out: list[Block] = []
    for block in found:
        height = block.rows[0][0].y1 - block.rows[0][0].y0
        for above in out:
            last = above.rows[-1][0]
            if (abs(above.x0 - block.x0) <= _SAME_SIZE * height and 0 <= last.y0 - block.y1 < height
                    and abs((last.y1 - last.y0) - height) <= (_SAME_SIZE * height)
                    and above.x1 > block.x0 and block.x1 > above.x0):
                out[out.index(above)] = Block(above.pieces + block.pieces)
                break
        else:
            out.append(block)
    return out


def _rows(block) -> list[tuple[str, float, float, float, float]]:
    """A block's lines as (text, x0, x1, top, bottom), top to bottom: the pieces of one line that
    the layout analysis split at a wide space of justified text ("magna." and "Integer non enim.")
    joined left to right."""
    out = []
    for pieces in _baselines([line for line in block if line.get_text().strip()]):
        text = " ".join(" ".join(piece.get_text().split()) for piece in pieces)
        out.append((text, pieces[0].x0, pieces[-1].x1, max(p.y1 for p in pieces), min(p.y0 for p in pieces)))
    return out


def reading_order(boxes: list) -> list:
    """A page's text blocks (`blocks`, with x0, x1, y0, y1 in points and a length in lines) in
    the order they are read: columns left to right, each top to bottom; a block across the gap
    between the columns (a title over them, a page number under them) between the bands of columns
    it divides. The gap is found among the blocks of two lines or more: a short line (a name, a
    date) centred over the columns does not hide it. Without columns: top to bottom, left to right."""
    if len(boxes) <= 1:
        return list(boxes)
    gap = _gutter([box for box in boxes if len(box) >= 2]) or _gutter(boxes)
    if gap is None:
        return sorted(boxes, key=lambda box: (-box.y1, box.x0))
    start, end = gap
    ordered, band = [], []
    for box in sorted(boxes, key=lambda box: -box.y1):
        if box.x0 < end and box.x1 > start:  # across the gap
            ordered += _columns(band, start) + [box]
            band = []
        else:
            band.append(box)
    return ordered + _columns(band, start)


def _columns(band: list, gap: float) -> list:
    """A band's blocks: those left of the gap, then those right of it, each side in reading order."""
    left = [box for box in band if box.x1 <= gap]
    right = [box for box in band if box.x1 > gap]
    return reading_order(left) + reading_order(right)


def _gutter(boxes: list) -> tuple[float, float] | None:
    """The first gap between columns that no block crosses, at least _GUTTER points wide, as (its
    left edge, its right edge), or None."""
    spans = sorted((box.x0, box.x1) for box in boxes)
    if not spans:
        return None
    reach = spans[0][1]
    for x0, x1 in spans[1:]:
        if x0 - reach >= _GUTTER:
            return reach, x0
        reach = max(reach, x1)
    return None


def _title(document) -> str | None:
    from pdfminer.pdftypes import resolve1
    from pdfminer.utils import decode_text

    for info in document.info:
        value = resolve1(info.get("Title"))
        if isinstance(value, bytes):
            value = decode_text(value)
        if isinstance(value, str):
            value = " ".join(value.split())
            if value and not _NO_TITLE.search(value):
                return value
    return None


def _key(text: str) -> str:
    """A line as compared across pages: its numbers made one ("Report 2025 - page 3" on every page)."""
    return _DIGITS.sub("#", text.casefold())


def _edges(lines: list[Line]) -> set[Line]:
    """The lines that may be a running head or foot: the few at the top or the bottom of their page,
    near its edge, in a block of their own or of two lines (not the first line of a paragraph)."""
    if not lines:
        return set()
    ordered = sorted(lines, key=lambda line: -line.top)
    top, foot = ordered[0].top, ordered[-1].bottom
    band = (top - foot) * _EDGE_BAND
    heads = [line for line in ordered[:_EDGE_LINES] if line.top >= top - band]
    feet = [line for line in ordered[-_EDGE_LINES:] if line.bottom <= foot + band]
    return {line for line in heads + feet if line.size <= _EDGE_LINES}


def _running_lines(pages: list[list[Line]]) -> set[str]:
    """The keys of the running heads and feet: lines at a page's top or bottom found so on most pages
    (more than half of them, and at least two), or on most of the odd pages or of the even ones: a
    book or a report set for both sides of the paper alternates its heads (the title on the right
    page, the chapter on the left one)."""
    running: set[str] = set()
    for share in (pages, pages[0::2], pages[1::2]):
        seen: Counter[str] = Counter()
        for lines in share:
            seen.update({_key(line.text) for line in _edges(lines)})
        most = max(2, math.floor(len(share) / 2) + 1)
        running |= {key for key, count in seen.items() if count >= most}
    return running


class Words:
    """The words of a document, to tell a word split at a line's end from a compound's hyphen: how
    often it writes each form, and, when it writes neither, whether the dictionary of its language
    (simplemma's, of word forms) knows it."""

    def __init__(self, text: str):
        self.text = text
        self.counts = Counter(w.casefold() for w in re.findall(r"\w+(?:-\w+)*", text))
        self._language: str | None = ""  # "" until asked: the identifier and the dictionary take time

    def known(self, word: str) -> bool:
        """Is the word (or its lower case) one of the dictionary's forms? False without a dictionary."""
        if self._language == "":
            self._language = identify(self.text)
        if self._language is None:
            return False
        import simplemma

        try:
            return simplemma.is_known(word, lang=self._language) or simplemma.is_known(word.lower(), lang=self._language)
        except ValueError:  # a language simplemma has no dictionary for
            self._language = None
            return False

    def compound(self, first: str, second: str) -> bool:
        """Is first-second written with its hyphen: the document writes it so more often than closed
        up; or, when it writes neither, the dictionary knows the hyphenated form ("well-known"), or
        both parts and not the word closed up ("year-old")."""
        hyphenated, whole = f"{first}-{second}".casefold(), (first + second).casefold()
        if self.counts[hyphenated] != self.counts[whole]:
            return self.counts[hyphenated] > self.counts[whole]
        if self.known(hyphenated):
            return True
        return not self.known(whole) and self.known(first) and self.known(second)


def _paragraphs(blocks: list[list[Line]]) -> list[str]:
    """The blocks' text: lines joined where a hyphen splits a word, each block unwrapped, and a block
    that goes on from the one before (a paragraph across a column or a page) joined to it."""
    words = Words("\n".join(line.text for lines in blocks for line in lines))
    out: list[str] = []
    last = None  # the last line of the block before
    for lines in blocks:
        joined = lines[0].text
        soft = []  # offsets of the line breaks the line's width says are wraps
        for line, after in zip(lines, lines[1:]):
            if _full(line, after.text):
                soft.append(len(joined))
            joined = _joined(joined, after.text, "\n", words)
        paragraph = _unwrapped(joined, soft)
        if out and _goes_on(out[-1], paragraph, last):
            out[-1] = _joined(out[-1], paragraph, " ", words)
        else:
            out.append(paragraph)
        last = lines[-1]
    return out


def _full(line: Line, after: str) -> bool:
    """Is the line full: would the next line's first word, at this line's mean width of a character,
    have passed its column's right edge? The hard-wrap rule of segment.shapes, in points: it measures
    lines in characters, which a proportional font's lines are not, and only from 40 on (a column
    of a two-column page is narrower)."""
    width = (line.x1 - line.x0) / max(len(line.text), 1)
    return line.x1 + width * (1 + len(after.split(" ", 1)[0])) > line.right + width / 2


def _unwrapped(text: str, soft: list[int]) -> str:
    """The block's text with its wrapped line breaks made spaces: those its lines' widths say
    (`soft`, offsets of line breaks; a break the hyphen rule removed is gone), and those the
    sentences' hard-wrap rule finds (shapes.unwrapped)."""
    text = shapes.unwrapped(text)
    chars = list(text)
    for at in soft:
        if at < len(chars) and chars[at] == "\n":
            chars[at] = " "
    return "".join(chars)


def _goes_on(before: str, after: str, last: Line | None = None) -> bool:
    """Does `after` go on with the sentence `before` leaves open: `before` ends in a hyphen after a
    word or a number and `after` opens with a letter or a digit ("Nord-" / "Süd-Dialog", "COVID-" /
    "19"), or `before` ends no sentence and `after` opens in lower case, or its first word would not
    have fitted on `last`, the line before it ("…since the" / "North-South corridor"), in a block
    of lines enough to tell its column's right edge (a title alone tells none)?"""
    if _WORD_END.search(before) and after[0].isalnum():
        return True
    if before[-1] in _ENDS_SENTENCE:
        return False
    return after[0].islower() or (last is not None and last.size >= 2 and _full(last, after))


def _joined(before: str, after: str, gap: str, words: Words) -> str:
    """Two lines as one text: a word split by a hyphen at the line's end made whole ("Regie-/rung"),
    unless the part after opens with a capital ("Nord-/Süd-Dialog") or a digit ("COVID-/19",
    "1990-/2000"), or the word is a compound written with its hyphen (Words.compound: "well-/known",
    "self-/employed"). A soft hyphen is always a split word's."""
    end, start = _WORD_END.search(before), _WORD_START.match(after)
    if end is None or start is None or not after[0].isalnum():
        return before + gap + after
    if before[-1] == "\u00ad":
        return before[:-1] + after
    if not after[0].islower():
        return before + after  # "Nord-Süd-Dialog", "Baden-Württemberg", "COVID-19", "1990-2000"
    if words.compound(end.group(1), start.group(1)):
        return before + after
    return before[:-1] + after
