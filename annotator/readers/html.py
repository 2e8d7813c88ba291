"""HTML: the main text, boilerplate (navigation, footers, scripts) dropped, the page title kept."""

from __future__ import annotations

import re

from annotator.model import Document, InputError
from annotator.readers.decode import decode

_TABLE_ROW = re.compile(r"^\|(.*)\|\s*$")


def to_text(html: str) -> tuple[str, str | None]:
    """Return (main text, title) using trafilatura's main-content extraction."""
    import trafilatura  # imported here: it costs half a second and only HTML needs it

    doc = trafilatura.bare_extraction(
        html, with_metadata=True, include_comments=False, include_tables=True, favor_recall=True
    )
    if doc is None:
        return "", None
    text = getattr(doc, "text", None) if not isinstance(doc, dict) else doc.get("text")
    title = getattr(doc, "title", None) if not isinstance(doc, dict) else doc.get("title")
    lines = []
    for line in (text or "").split("\n"):
        row = _TABLE_ROW.match(line.strip())
        if row:  # trafilatura renders table rows as "| a | b |": keep the cell text only
            line = " ".join(cell.strip() for cell in row.group(1).split("|") if cell.strip())
        if line.strip():
            lines.append(line.strip())
    return "\n\n".join(lines), title


def read(data: bytes, path: str, name: str) -> list[Document]:
    text, title = to_text(decode(data, path, html=True))
    if not text.strip():
        raise InputError(path, "no main text found in the HTML")
    return [Document(name=name, text=text, title=title, source=path)]
