"""HTML: the main text, boilerplate (navigation, menus, footers, scripts) dropped, the page title kept,
and the time the page says it was published (never one guessed from a footer).

trafilatura finds the main text after `prune`, a pass of our own over the page tree for what it
misses: link-only blocks, pages laid out in tables, headlines inside links, data tables' rows."""

from __future__ import annotations

import inspect
import re
from urllib.parse import urlsplit

from annotator.model import Document, InputError
from annotator.readers.decode import decode
from annotator.segment.identify import identify
from annotator.timestamps import EARLIEST, dateline, is_date_line, latest_label_time, to_utc


def _field(doc, key: str):
    return doc.get(key) if isinstance(doc, dict) else getattr(doc, key, None)


def metadata(html: str) -> dict:
    """The page's title, outlet (og:site_name), canonical URL (trafilatura finds these) and
    publication time (`published_time`), as {"title", "site", "url", "date"}; missing ones are absent."""
    import trafilatura
    from trafilatura.utils import load_html

    # not trafilatura's date: its guesser (htmldate) takes a footer's "Last modified" or copyright year
    found = trafilatura.extract_metadata(html, extensive=False)
    out = {key: _field(found, field) for key, field in (("title", "title"), ("site", "sitename"), ("url", "url"))}
    tree = load_html(html)  # its own: trafilatura's metadata search may change the tree it is given
    out["date"] = published_time(tree, out.get("url")) if tree is not None else None
    return {k: v for k, v in out.items() if v}


# where pages state when they were first published: Open Graph and article meta tags, Dublin Core,
# Parse.ly, Sailthru, schema.org microdata, Google Scholar; lower case, as compared
_PUBLISHED_META = ("article:published_time", "og:article:published_time", "og:published_time",
                   "datepublished", "dc.date.issued", "dc.date", "dcterms.issued", "dcterms.created",
                   "dcterms.date", "parsely-pub-date", "sailthru.date", "pubdate", "publishdate",
                   "publish-date", "publication_date", "citation_publication_date", "article.published")
# a bare "date" is as often the day a page was changed: taken when nothing else says
_URL_DAY = re.compile(r"/((?:19|20)\d\d)[/-](\d\d)[/-](\d\d)(?:/|$|[-_])")
_JSON_LD_PUBLISHED = re.compile(r'"datePublished"\s*:\s*"([^"]+)"')
# a <time> in these is some other story's, or the time the page was changed
_NOT_PUBLISHED = re.compile(r"modif|updat|edit|footer|related|comment", re.IGNORECASE)


def published_time(tree, url: str | None = None) -> str | None:
    """When the page says it was first published, in the stored time form: its meta tags (in the
    order of _PUBLISHED_META), schema.org's datePublished (JSON-LD or microdata), the first <time
    datetime> that is not in a footer, an aside or a navigation, nor marked as a change, a bare
    <meta name="date">, else the day in its canonical `url` (".../2019/11/18/..."); None when it states none. Never the footer's
    copyright year, never "last modified"; never a placeholder (1970-01-01, the year 1) or a time
    more than a day ahead."""
    values = {}
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        if (key in _PUBLISHED_META or key == "date") and meta.get("content"):
            values.setdefault(key, meta.get("content"))
    candidates = [values[key] for key in _PUBLISHED_META if key in values]
    for script in tree.xpath("//script[@type='application/ld+json']"):
        candidates += _JSON_LD_PUBLISHED.findall(script.text or "")
    candidates += [element.get("datetime") or element.get("content") or element.text_content()
                   for element in tree.xpath("//*[@itemprop='datePublished']")]
    for time in tree.iter("time"):
        if time.get("datetime") and not _changed_or_aside(time):
            candidates.append(time.get("datetime"))
            break
    if "date" in values:
        candidates.append(values["date"])
    day = _URL_DAY.search(urlsplit(url or "").path)
    if day:
        candidates.append("-".join(day.groups()))
    latest = latest_label_time()
    for value in candidates:
        stored = to_utc(value or "")
        if stored and EARLIEST < stored <= latest:
            return stored
    return None


def _changed_or_aside(element) -> bool:
    for around in [element, *element.iterancestors()]:
        if around.tag in ("footer", "aside", "nav"):
            return True
        marks = " ".join(around.get(name) or "" for name in ("class", "id", "itemprop"))
        if _NOT_PUBLISHED.search(marks):
            return True
    return False


def to_text(html: str, about: dict | None = None) -> tuple[str, str | None]:
    """(main text, title) of a page: trafilatura's main-content extraction on the page tree after
    `prune` (navigation and link-only blocks dropped, layout tables opened up). Blocks (headings,
    paragraphs, list items, the cells of a layout table) are paragraphs of the text, separated by a
    blank line, so that no two of them run into one sentence; a row of a data table is one paragraph,
    its cells kept apart by " | " (one record: "Population | 12,000"); the title is None when the
    page has none. `about` is the page's `metadata`, when the caller has it already."""
    import trafilatura  # imported here: it costs half a second and only HTML needs it
    from trafilatura.utils import load_html

    tree = load_html(html)
    if tree is None:
        return "", None
    title = (metadata(html) if about is None else about).get("title")
    headlines = _headlines(tree)
    prune(tree)
    # favor_recall: a sentence lost cannot be checked, an extra one is skipped (its balanced setting
    # measures 0.005 more precise on the benchmark, but loses the text of old table-layout pages);
    # its fallbacks (readability, jusText) off: they brought back boilerplate (benchmarks/RESULTS.md)
    doc = trafilatura.bare_extraction(tree, include_comments=False, include_tables=True, favor_recall=True,
                                      **_without_fallbacks(trafilatura.bare_extraction))
    if doc is None:
        return "", title
    text = _field(doc, "text")
    blocks = [line.strip() for line in (text or "").split("\n") if line.strip()]
    # a masthead's day ("Thursday, March 5, 2009") above the story or a day left below it: no sentence
    language = page_language(html)[0]
    while blocks and is_date_line(blocks[0], language):
        blocks.pop(0)
    while blocks and is_date_line(blocks[-1], language):
        blocks.pop()
    # the headline often sits outside the element the extractor takes for the story (a header block
    # above it); when it is the page's title it is the first line of the main text
    if title in headlines and blocks and not any(title in block for block in blocks):
        blocks.insert(0, title)
    return "\n\n".join(blocks), title


def _without_fallbacks(extract) -> dict:
    # trafilatura 2 calls it `fast`; 1.x, which the requirement still allows, `no_fallback`
    return {"fast": True} if "fast" in inspect.signature(extract).parameters else {"no_fallback": True}


def _headlines(tree) -> list[str]:
    """The text of the page's <h1>s but those linking to the home page (a site's logo)."""
    return [" ".join(" ".join(h1.itertext()).split()) for h1 in tree.iter("h1")
            if not any(urlsplit(link.get("href") or "").path in ("", "/") for link in h1.iter("a"))]


_NAVIGATION = "//nav | //*[@role='navigation' or @role='menubar' or @role='menu' or @role='contentinfo']"
# a copyright line marked as such
_COPYRIGHT = ("//*[contains(translate(@class, 'COPYRIGHT', 'copyright'), 'copyright') or "
              "contains(translate(@id, 'COPYRIGHT', 'copyright'), 'copyright')]")
# or one that opens with its sign, "Copyright" and a year, or "all rights reserved" in a user's
# language, whatever element holds it (a <font> or <td> of an old site too)
_COPYRIGHT_LINE = re.compile(r"[©ⓒ]|\(c\)\s|copyright\s*(?:[©ⓒ]|\(c\)|\d{4})|all rights reserved|alle rechte vorbehalten|"
                             r"tous droits réservés|todos los derechos reservados|tutti i diritti riservati|"
                             r"wszelkie prawa zastrzeżone|все права защищены", re.IGNORECASE)
_COPYRIGHT_LETTERS = 300  # a notice is a line or two; an element this long holds more than one
_HOLDS_TEXT = ("p", "div", "table", "tr", "li", "ul", "ol", "section", "article", "blockquote", "h1", "h2", "h3",
               "h4", "h5", "h6", "main")
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_BLOCKS = {"div", "td", "th", "ul", "ol", "li", "p", "section", "dl", "dd", "center", "header"}
# a block of two links or more whose letters are this much link text is a menu, a share bar or a link
# list; one link alone is as often the article's own ("[ Engadget ]", a source named in a paragraph)
_LINK_SHARE = 0.8
_LAYOUT_CELL = 200  # letters: a cell this long holds running text, not a datum


def prune(tree) -> None:
    """Ready an lxml page tree for main-text extraction, in place: <nav>, role=navigation, role=
    contentinfo and copyright lines dropped, layout tables (cells holding paragraphs, headings,
    nested tables or long text) turned into plain blocks so each cell is a block of its own, data
    tables into a paragraph per row, the links inside headings opened (their text kept as
    the heading's), and link-only blocks (a menu, a share bar, a list of related links: two links or
    more, letters mostly link text) dropped unless they hold a heading."""
    for element in tree.xpath(_NAVIGATION) + tree.xpath(_COPYRIGHT) + _copyright_lines(tree):
        if element.tag not in ("html", "body") and element.getparent() is not None:  # not one dropped
            element.drop_tree()
    for table in reversed(tree.xpath("//table")):  # inner tables first: an outer one may hold them
        if _is_layout(table):
            for part in _own_parts(table):
                part.tag = "div"
            table.tag = "div"
        else:
            _rows_as_paragraphs(table)
    # a headline is so often a link to the article itself that extractors take it for a link list
    for link in tree.xpath("//h1//a | //h2//a | //h3//a | //h4//a | //h5//a | //h6//a"):
        link.drop_tag()
    _drop_link_blocks(tree)


def _copyright_lines(tree) -> list:
    """The elements holding a copyright notice and nothing else: no paragraph, list or table inside,
    their text short and opening with it ("© 2025 Nordkurier", "Copyright 1998-2009 The Daily
    Gazette. All rights reserved. | Privacy")."""
    found = []
    # from the text that opens a notice up to the largest element it opens (not each element's text:
    # a page's thousands of elements would each be read whole)
    for piece in tree.xpath("//text()"):
        if not _COPYRIGHT_LINE.match(piece.lstrip()):
            continue
        element, holder = piece.getparent(), None
        if piece.is_tail:  # the text after an element is its parent's
            element = element.getparent()
        while element is not None and isinstance(element.tag, str) and element.tag not in ("html", "body", "head"):
            text = " ".join(" ".join(element.itertext()).split())
            if (len(text) > _COPYRIGHT_LETTERS or not _COPYRIGHT_LINE.match(text)
                    or next(element.iterdescendants(*_HOLDS_TEXT), None) is not None):
                break
            holder, element = element, element.getparent()
        if holder is not None:
            found.append(holder)
    return found


def _own_parts(table) -> list:
    """The rows and cells of this table, not those of a table inside one of its cells."""
    return [part for part in table.iter("tbody", "thead", "tfoot", "tr", "td", "th")
            if next(part.iterancestors("table")) is table]


def _rows_as_paragraphs(table) -> None:
    """A data table as one paragraph per row, its cells apart ("Old mill | 3.2 m"): one record is one
    line whatever the extractor makes of tables (rows run together, cells one per line)."""
    rows = []
    for row in (part for part in _own_parts(table) if part.tag == "tr"):
        cells = [" ".join(" ".join(cell.itertext()).split()) for cell in row if cell.tag in ("td", "th")]
        if any(cells):
            rows.append(" | ".join(cell for cell in cells if cell))
    table.clear(keep_tail=True)
    table.tag = "div"
    for text in rows:
        paragraph = table.makeelement("p")
        paragraph.text = text
        table.append(paragraph)


def _is_layout(table) -> bool:
    """Whether a table lays out a page rather than holding data: a cell holds paragraphs, headings,
    another table or running text."""
    for cell in table.iter("td", "th"):
        if next(cell.iter("p", "table", *_HEADINGS), cell) is not cell:
            return True
        if _letters(" ".join(cell.itertext())) >= _LAYOUT_CELL:
            return True
    return False


def _drop_link_blocks(root) -> None:
    waiting = [root]  # not recursion: a page may nest blocks deeper than Python's stack allows
    while waiting:
        for child in list(waiting.pop()):
            if not isinstance(child.tag, str):  # comments, processing instructions
                continue
            if child.tag in _BLOCKS and _is_link_block(child):
                child.drop_tree()
            else:
                waiting.append(child)


def _is_link_block(block) -> bool:
    if next(block.iter(*_HEADINGS), None) is not None:
        return False
    letters = _letters(" ".join(block.itertext()))
    if letters == 0:
        return False
    links = list(block.iter("a"))
    linked = sum(_letters(" ".join(link.itertext())) for link in links)
    return len(links) >= 2 and linked >= _LINK_SHARE * letters


def _letters(text: str) -> int:
    return sum(ch.isalnum() for ch in text)


def read(data: bytes, path: str, name: str) -> list[Document]:
    page = decode(data, path, html=True)
    found = metadata(page)
    text, title = to_text(page, found)
    if not text.strip():
        raise InputError(path, "no main text found in the HTML")
    language, ignored = page_language(page)
    published = found.get("date") or _dateline(text, language or identify(text))
    return [Document(name=name, text=text, title=title, url=found.get("url"), source=found.get("site"),
                     published=published, language=language, language_from="page" if language else None,
                     page_lang_ignored=ignored)]


_LEAD_WORDS = 30  # a block this long is the story's lead: a dateline opens it or none is given


def _dateline(text: str, language: str | None) -> str | None:
    """The day a story without a stated time gives in its dateline ("BERLIN, March 3, 2025 (Reuters)
    -"), which opens its lead paragraph, after the headline, a deck or a byline above it."""
    for block in text.split("\n\n")[:4]:
        found = dateline(block, language)
        if found or len(block.split()) > _LEAD_WORDS:
            return found
    return None


_HTML_LANG = re.compile(r"""<html\b[^>]*?(?<![\w-])lang\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.IGNORECASE)


def page_language(page: str) -> tuple[str | None, str | None]:
    """(the language the page declares, the value of its <html lang> when that is no language code):
    `<html lang="de-AT">` -> ("de", None), `<html lang="{{ lang }}">` -> (None, "{{ lang }}")."""
    from annotator.segment.identify import given

    found = _HTML_LANG.search(page, 0, 20_000)
    if not found:
        return None, None
    value = next(group for group in found.groups() if group is not None)
    try:
        return given(value), None
    except ValueError:
        return None, " ".join(value.split())[:40]
