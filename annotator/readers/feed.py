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


@dataclass
class Item:
    """One entry of a feed: its title, link, published time (stored form, UTC) and its content as
    HTML (content:encoded, Atom content, else the description or summary), any of them None."""

    title: str | None
    link: str | None
    published: str | None
    html: str | None
    guid: str | None


@dataclass
class Feed:
    title: str | None
    language: str | None
    items: list[Item]


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


def parse(data: bytes, path: str) -> Feed:
    """The feed's title, language and items in their order. Raises InputError for XML that is not
    well-formed or not a feed, and for a feed that declares entities (never expanded)."""
    from lxml import etree

    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as err:
        raise InputError(path, f"not well-formed XML ({err.msg})") from None
    declared = root.getroottree().docinfo.internalDTD
    if declared is not None and any(True for _ in declared.entities()):
        # left unexpanded by the parser, their references would reach the text as "&name;"
        raise InputError(path, "the feed declares XML entities, which are not expanded (a feed never needs them)")
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
                          guid=_text(_child(node, "guid")) or node.get(_RDF_ABOUT)))
    head = channel if channel is not None else root
    return Feed(title=_text(_child(head, "title")), language=_text(_child(head, "language")), items=items)


def _atom_link(entry) -> str | None:
    links = [link for link in entry if _local(link.tag) == "link" and link.get("href")]
    for link in links:
        if link.get("rel", "alternate") == "alternate":
            return link.get("href").strip()
    return links[0].get("href").strip() if links else None


def _atom(root) -> Feed:
    items = []
    for entry in root.iterfind(f"{{{_ATOM}}}entry"):
        content = entry.find(f"{{{_ATOM}}}content")
        summary = entry.find(f"{{{_ATOM}}}summary")
        date = entry.find(f"{{{_ATOM}}}published")
        if date is None:
            date = entry.find(f"{{{_ATOM}}}updated")
        items.append(Item(title=_text(entry.find(f"{{{_ATOM}}}title")), link=_atom_link(entry),
                          published=to_utc(_text(date) or ""),
                          html=_atom_content(content) or _atom_content(summary),
                          guid=_text(entry.find(f"{{{_ATOM}}}id"))))
    return Feed(title=_text(root.find(f"{{{_ATOM}}}title")), language=root.get(_XML_LANG), items=items)


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
        if name in ("script", "style", "noscript", "template"):
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
    return "\n\n".join(block for block in blocks if block)


def documents(feed: Feed, path: str, name: str) -> list[Document]:
    """A document per item, named by its link (else by the feed's name and the item's guid or
    position), titled, dated and with its text; an item with no text of its own (a headline and a
    link, as many news feeds give) has its title as its text. Items with neither are left out; a
    feed with none but those is an InputError."""
    from annotator.segment.identify import given

    try:
        language = given(feed.language) if feed.language else None
    except ValueError:
        language = None
    docs = []
    for position, item in enumerate(feed.items, 1):
        text = clean_text(fragment_text(item.html)) if item.html else ""
        title = " ".join(item.title.split()) if item.title else None
        if not text.strip():
            text = title or ""
        if not text.strip():
            continue
        docs.append(Document(name=item.link or f"{name}#{item.guid or position}", text=text, title=title,
                             url=item.link, source=feed.title,
                             published=item.published, language=language,
                             language_from="field" if language else None))
    if not docs:
        raise InputError(path, "the feed has no item with a title or text")
    return docs


def read(data: bytes, path: str, name: str) -> list[Document]:
    """A feed file's or URL's items as documents (see `documents`). Raises InputError."""
    return documents(parse(data, path), path, name)
