"""Plain text: the file is the document."""

from __future__ import annotations

from annotator.model import Document
from annotator.readers.decode import decode


def read(data: bytes, path: str, name: str) -> list[Document]:
    text = decode(data, path)
    return [Document(name=name, text=text, title=headline(text))]


# what ends a line that is a sentence, not a title: the stops and closing quotes of the scripts read
# (Chinese and Japanese 。！？ and 」』, Devanagari ।, Arabic ؟ and ۔, Armenian ։)
_SENTENCE_END = ".!?:;,\u2026\"'\u201d\u00bb\u3002\uff01\uff1f\uff61\uff0e\uff1a\uff1b\uff0c\u300d\u300f\u0964\u0965\u061f\u06d4\u0589"


def headline(text: str) -> str | None:
    """A short first line without a final stop is the document's title ("Dockworkers end strike",
    not "台风登陆浙江。")."""
    first = text.lstrip("\ufeff").split("\n", 1)[0].strip()
    if first and len(first) <= 120 and "\n" in text.strip() and first[-1] not in _SENTENCE_END:
        return first
    return None
