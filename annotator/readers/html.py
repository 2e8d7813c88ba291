"""HTML: the main text, boilerplate (navigation, footers, scripts) dropped, the page title kept."""

from __future__ import annotations

import re

from annotator.model import Document, InputError
from annotator.readers.decode import decode
from annotator.timestamps import to_utc

_TABLE_ROW = re.compile(r"^\|(.*)\|\s*$")


def _field(doc, key: str):
    return doc.get(key) if isinstance(doc, dict) else getattr(doc, key, None)


def metadata(html: str) -> dict:
    """The page's outlet (og:site_name), canonical URL and publication time (article:published_time,
    datePublished, ...), as trafilatura finds them; missing ones are absent."""
    import trafilatura

    found = trafilatura.extract_metadata(html)
    if found is None:
        return {}
    out = {"site": _field(found, "sitename"), "url": _field(found, "url"), "date": None}
    # trafilatura gives the day; the page's own time, where it has one, is more exact
    exact = re.search(r'(?:article:published_time"\s+content|"datePublished"\s*:)\s*=?\s*"([^"]+)"', html)
    out["date"] = to_utc(exact.group(1)) if exact else None
    if out["date"] is None and _field(found, "date"):
        out["date"] = to_utc(_field(found, "date"))
    return {k: v for k, v in out.items() if v}


def to_text(html: str) -> tuple[str, str | None]:
    """Return (main text, title) using trafilatura's main-content extraction."""
    import trafilatura  # imported here: it costs half a second and only HTML needs it

    doc = trafilatura.bare_extraction(
        html, with_metadata=True, include_comments=False, include_tables=True, favor_recall=True
    )
    if doc is None:
        return "", None
    text, title = _field(doc, "text"), _field(doc, "title")
    lines = []
    for line in (text or "").split("\n"):
        row = _TABLE_ROW.match(line.strip())
        if row:  # trafilatura renders table rows as "| a | b |": keep the cell text only
            line = " ".join(cell.strip() for cell in row.group(1).split("|") if cell.strip())
        if line.strip():
            lines.append(line.strip())
    return "\n\n".join(lines), title


def read(data: bytes, path: str, name: str) -> list[Document]:
    page = decode(data, path, html=True)
    text, title = to_text(page)
    if not text.strip():
        raise InputError(path, "no main text found in the HTML")
    found = metadata(page)
    language, ignored = page_language(page)
    return [Document(name=name, text=text, title=title, url=found.get("url"), source=found.get("site"),
                     published=found.get("date"), language=language, language_from="page" if language else None,
                     page_lang_ignored=ignored)]


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
