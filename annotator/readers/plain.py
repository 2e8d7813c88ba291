"""Plain text: the file is the document."""

from __future__ import annotations

from annotator.model import Document
from annotator.readers.decode import decode


def read(data: bytes, path: str, name: str) -> list[Document]:
    text = decode(data, path)
    return [Document(name=name, text=text, title=headline(text))]


def headline(text: str) -> str | None:
    """A short first line without a final stop is the document's title ("Dockworkers end strike")."""
    first = text.lstrip("\ufeff").split("\n", 1)[0].strip()
    if first and len(first) <= 120 and "\n" in text.strip() and first[-1] not in ".!?:;,\u2026\"'\u201d":
        return first
    return None
