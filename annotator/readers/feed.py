"""RSS and Atom feeds: each item a document (title, link, published time, its text).

Parsed with lxml (already here for trafilatura) set as defusedxml would set it: no DTD loaded, no
entity expanded (so no external entity is read and no billion laughs grows), nothing fetched from
the network, no huge tree. RSS 2.0, RSS 1.0 (RDF) and Atom 1.0 are read by their element names."""

from __future__ import annotations

import re
from dataclasses import dataclass

from annotator.model import Document, InputError
from annotator.readers.decode import clean_text
from annotator.timestamps import to_utc

_ATOM = "http://www.w3.org/2005/Atom"
_CONTENT = "http://purl.org/rss/1.0/modules/content/"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_RDF_ABOUT = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about"
_BLOCKS = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre",
           "table", "tr", "section", "article", "figure", "figcaption", "hr", "dd", "dt"}


_DECLARES_ENTITY = re.compile(rb"<!DOCTYPE[^>\[]*\[[^\]]*?<!ENTITY", re.IGNORECASE)
# what a feed appends to each item's text, not the story's: Yoast SEO's RSS footer (on by default
# in WordPress sites), as its translations word it; {post} and {site} are links
_FEED_FOOTERS = [
    "The post {post} appeared first on {site}.",
    "Der Beitrag {post} erschien zuerst auf {site}.",
    "L’article {post} est apparu en premier sur {site}.",
    "L'article {post} est apparu en premier sur {site}.",
    "La entrada {post} se publicó primero en {site}.",
    "L'articolo {post} proviene da {site}.",
    "Het bericht {post} verscheen eerst op {site}.",
    "O post {post} apareceu primeiro em {site}.",
]
_FOOTER = re.compile("|".join(re.escape(footer).replace(r"\{post\}", ".+?").replace(r"\{site\}", ".+?")
                              for footer in _FEED_FOOTERS))


@dataclass
class Item:
    """One entry of a feed: its title, link, published time (stored form, UTC) and its content as
    HTML (content:encoded, Atom content, else the description or summary), any of them None."""

    title: str | None
    link: str | None
    published: str | None
    html: str | None
    guid: str | None
    date: str | None = None  # the time as the feed writes it, published or not
    base: str | None = None  # its xml:base, that a relative link is resolved against


@dataclass
class Feed:
    title: str | None
    language: str | None
    items: list[Item]
    link: str | None = None  # the site's address (RSS <link>, Atom's alternate link)


def _parser():
    from lxml import etree

    return etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False,
                           remove_comments=True, recover=False)


def _root(data: bytes):
    from lxml import etree

    try:
        return etree.fromstring(data, _parser())
    except etree.XMLSyntaxError:
        return None


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def is_feed(data: bytes) -> bool:
    """Is it an RSS or Atom feed (its root element `rss`, `rdf:RDF` with items, or `feed`)?"""
    head = data[:2048].lstrip().lower()
    if not (head.startswith(b"<") and (b"<rss" in head or b"<feed" in head or b"rdf" in head)):
        return False
    root = _root(data)
    return root is not None and _local(root.tag) in ("rss", "feed", "RDF")


def parse(data: bytes, path: str, base: str | None = None) -> Feed:
    """The feed's title, language and items in their order; `base`: the URL it was fetched from, that
    relative links are read against. Raises InputError for XML that is not well-formed or not a
    feed, and for a feed that declares entities (never expanded)."""
    from lxml import etree

    entities = InputError(path, "the feed declares XML entities, which are not expanded (a feed never needs them)")
    try:
        root = etree.fromstring(data, _parser(), base_url=base)
    except etree.XMLSyntaxError as err:
        if _DECLARES_ENTITY.search(data):  # libxml2 stops at a billion laughs before it is asked
            raise entities from None
        raise InputError(path, f"not well-formed XML ({err.msg})") from None
    declared = root.getroottree().docinfo.internalDTD
    if declared is not None and any(True for _ in declared.entities()):
        # left unexpanded by the parser, their references would reach the text as "&name;"
        raise entities
    kind = _local(root.tag)
    if kind == "feed":
        return _atom(root)
    if kind in ("rss", "RDF"):
        return _rss(root)
    raise InputError(path, f"not an RSS or Atom feed (its root element is <{kind}>)")


def _text(element) -> str | None:
    if element is None:
        return None
    value = "".join(element.itertext()).strip()
    return value or None


def _child(parent, name: str):
    """The first child whose local name is `name` (any namespace: RSS 1.0 puts items in its own)."""
    for child in parent:
        if _local(child.tag) == name:
            return child
    return None


def _rss(root) -> Feed:
    channel = _child(root, "channel")
    container = channel if _local(root.tag) == "rss" else root  # RSS 1.0: items beside the channel
    items = []
    for node in container if container is not None else []:
        if _local(node.tag) != "item":
            continue
        encoded = node.find(f"{{{_CONTENT}}}encoded")
        date = _child(node, "pubDate") if _child(node, "pubDate") is not None else _child(node, "date")
        items.append(Item(title=_text(_child(node, "title")), link=_text(_child(node, "link")),
                          published=to_utc(_text(date) or ""),
                          html=_text(encoded) or _text(_child(node, "description")),
                          guid=_text(_child(node, "guid")) or node.get(_RDF_ABOUT), date=_text(date), base=node.base))
    head = channel if channel is not None else root
    return Feed(title=_text(_child(head, "title")), language=_text(_child(head, "language")), items=items,
                link=_text(_child(head, "link")))


def _atom_link(entry) -> tuple[str | None, str | None]:
    """(the entry's or feed's alternate link, the xml:base it is read against)."""
    links = [link for link in entry if _local(link.tag) == "link" and link.get("href")]
    chosen = next((link for link in links if link.get("rel", "alternate") == "alternate"), links[0] if links else None)
    return (chosen.get("href").strip(), chosen.base) if chosen is not None else (None, None)


def _atom(root) -> Feed:
    items = []
    for entry in root.iterfind(f"{{{_ATOM}}}entry"):
        content = entry.find(f"{{{_ATOM}}}content")
        summary = entry.find(f"{{{_ATOM}}}summary")
        date = entry.find(f"{{{_ATOM}}}published")
        if date is None:
            date = entry.find(f"{{{_ATOM}}}updated")
        link, base = _atom_link(entry)
        items.append(Item(title=_text(entry.find(f"{{{_ATOM}}}title")), link=link,
                          published=to_utc(_text(date) or ""),
                          html=_atom_content(content) or _atom_content(summary),
                          guid=_text(entry.find(f"{{{_ATOM}}}id")), date=_text(date), base=base))
    return Feed(title=_text(root.find(f"{{{_ATOM}}}title")), language=root.get(_XML_LANG), items=items,
                link=_atom_link(root)[0])


def _atom_content(element) -> str | None:
    """Atom text: type="xhtml" holds markup as elements, "html" and "text" as (escaped) text."""
    if element is None:
        return None
    if element.get("type") == "xhtml":
        from lxml import etree

        return "".join(etree.tostring(child, encoding="unicode") for child in element) or None
    return _text(element)


def fragment_text(html: str) -> str:
    """The text of an item's HTML, one paragraph per block element (p, li, h1, br ...), scripts and
    styles dropped; plain text comes back as it is, its paragraphs kept."""
    import lxml.html
    from lxml import etree

    if "<" not in html:
        return _paragraphs(html)
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError):  # nothing a parser can hold: its tags are no text
        return _paragraphs(re.sub(r"<[^>]*>", " ", html))
    parts: list[str] = []

    def walk(node) -> None:
        name = _local(node.tag).lower() if isinstance(node.tag, str) else ""
        # a caption or its credit ("Foto: dpa") is no part of the story, as on a page
        if name in ("script", "style", "noscript", "template", "figcaption"):
            if node.tail:
                parts.append(node.tail)
            return
        if name in _BLOCKS:
            parts.append("\n\n")
        if node.text and isinstance(node.tag, str):
            parts.append(node.text)
        for child in node:
            walk(child)
        if name in _BLOCKS:
            parts.append("\n\n")
        if node.tail:
            parts.append(node.tail)

    walk(root)
    return _paragraphs("".join(parts))


def _paragraphs(text: str) -> str:
    blocks = (" ".join(block.split()) for block in re.split(r"\n\s*\n", text))
    return "\n\n".join(block for block in blocks if block and not _FOOTER.fullmatch(block))


def documents(feed: Feed, path: str, name: str) -> list[Document]:
    """A document per item, named by its link (made absolute against its xml:base, the feed's URL or
    the site's address; in its canonical form), else by the feed's name and the item's guid or
    position; titled, dated and with its text. An item with no text of its own (a headline and a
    link, as many news feeds give) has its title as its text. Items with neither are left out; an
    item repeating an earlier one (link and text) too; a feed with none but those is an InputError.
    Said of the file (decode.note): a time that is no time (the item left undated), a relative link
    with nothing to read it against, a link two items with different texts share (the later named
    as an item without a link)."""
    from annotator.readers import decode
    from annotator.segment.identify import given
    from annotator.timestamps import to_utc_in

    try:
        language = given(feed.language) if feed.language else None
    except ValueError:
        language = None
    docs, named = [], {}
    for position, item in enumerate(feed.items, 1):
        text = clean_text(fragment_text(item.html)) if item.html else ""
        title = " ".join(item.title.split()) if item.title else None
        if not text.strip():
            text = title or ""
        if not text.strip():
            continue
        link = _absolute(item.link, [item.base, name, feed.link])
        own = f"{name}#{item.guid or position}"
        if item.link and link is None:
            decode.note(f"item {position}'s link {item.link!r} is relative and the feed gives no address to "
                        f"read it against; named {own}")
        if link in named and named[link] == text:  # the same item twice
            continue
        published = item.published
        if item.date and published is None:
            published = to_utc_in(item.date, language)
            if published is None:
                decode.note(f"item {position}'s time {item.date!r} is not a time; left undated")
        if link is not None and link not in named:
            named[link] = text
            doc_name = link
        else:
            if link is not None:
                decode.note(f"item {position} links to {link} as an earlier item does, with another text; "
                            f"named {own}")
            doc_name = own
        docs.append(Document(name=doc_name, text=text, title=title, url=link, source=feed.title,
                             published=published, language=language,
                             language_from="field" if language else None))
    if not docs:
        raise InputError(path, "the feed has no item with a title or text")
    return docs


def _absolute(link: str | None, bases: list[str | None]) -> str | None:
    """An item's link as an absolute URL in its canonical form (its #fragment kept: a live blog's
    entries are places in one page), read against the first absolute http(s) base; None when it is
    relative and none is."""
    from urllib.parse import urljoin, urlsplit

    from annotator.readers.web import canonical

    if not link:
        return None
    if not urlsplit(link).scheme:
        base = next((b for b in bases if b and urlsplit(b).scheme.lower() in ("http", "https")), None)
        if base is None:
            return None
        link = urljoin(base, link)
    if urlsplit(link).scheme.lower() not in ("http", "https"):
        return link
    try:
        return canonical(link, keep_fragment=True)
    except ValueError:  # a broken port or IPv6 address: kept as the feed spells it
        return link


def read(data: bytes, path: str, name: str) -> list[Document]:
    """A feed file's or URL's items as documents (see `documents`); `name` is the feed's URL when it
    was fetched. Raises InputError."""
    from urllib.parse import urlsplit

    base = name if urlsplit(name).scheme.lower() in ("http", "https") else None
    return documents(parse(data, path, base), path, name)
