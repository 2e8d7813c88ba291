"""Plain text: the file is the document."""

from __future__ import annotations

from annotator.model import Document
from annotator.readers.decode import decode


def read(data: bytes, path: str, name: str) -> list[Document]:
    return [Document(name=name, text=decode(data, path), source=path)]
