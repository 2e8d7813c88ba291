"""Markdown: markup stripped to the text a reader sees, one block per paragraph."""

from __future__ import annotations

from markdown_it import MarkdownIt

from annotator.model import Document, InputError
from annotator.readers.decode import decode

_md = MarkdownIt("commonmark")


def to_text(source: str) -> tuple[str, str | None]:
    """Return (plain text, first heading) of a Markdown source."""
    blocks: list[str] = []
    title = None
    tokens = _md.parse(source)
    for i, token in enumerate(tokens):
        if token.type == "inline":
            text = _inline_text(token.children or [])
            if text.strip():
                blocks.append(text.strip())
                if title is None and i > 0 and tokens[i - 1].type == "heading_open":
                    title = text.strip()
        elif token.type in ("fence", "code_block") and token.content.strip():
            blocks.append(token.content.rstrip("\n"))
    return "\n\n".join(blocks), title


def _inline_text(children) -> str:
    parts = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type == "softbreak":
            parts.append(" ")
        elif child.type == "hardbreak":
            parts.append("\n")
        elif child.type == "image":
            parts.append(_inline_text(child.children or []))
    return "".join(parts)


def read(data: bytes, path: str, name: str) -> list[Document]:
    text, title = to_text(decode(data, path))
    if not text.strip():
        raise InputError(path, "no text left after removing Markdown markup")
    return [Document(name=name, text=text, title=title)]
