"""Turn raw bytes into text, or say in one line why they cannot be."""

from __future__ import annotations

import codecs
import re

from annotator.model import InputError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)


def decode(data: bytes, path: str, *, html: bool = False) -> str:
    """Decode a file's bytes: a BOM wins, then (for HTML) a declared charset, else strict UTF-8.

    The result has Unix line ends, so sentence offsets refer to the stored text.
    """
    if not data.strip():
        raise InputError(path, "file is empty")
    text = None
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(encoding)
            except UnicodeDecodeError as err:
                raise InputError(path, f"not valid {encoding} after its byte-order mark ({err.reason} at byte {err.start})") from None
            break
    if text is None:
        if b"\x00" in data[:8192]:
            raise InputError(path, "binary file (contains NUL bytes), not text")
        encoding = "utf-8"
        if html:
            declared = _META_CHARSET.search(data[:4096])
            if declared:
                encoding = declared.group(1).decode("ascii").lower()
                try:
                    known = codecs.lookup(encoding)
                except LookupError:
                    raise InputError(path, f"declares unknown charset {encoding!r}") from None
                if not getattr(known, "_is_text_encoding", True):  # "hex", "base64": codecs, not charsets
                    raise InputError(path, f"declares {encoding!r}, which is not a text encoding")
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as err:
            raise InputError(path, f"not valid {encoding.upper() if encoding == 'utf-8' else encoding} (byte 0x{data[err.start]:02x} at offset {err.start})") from None
    text = clean_text(text)
    if not text.strip():
        raise InputError(path, "file is empty")
    return text


def clean_text(text: str) -> str:
    """Unix line ends and no NUL characters: what every stored document text looks like."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        text = text.replace("\x00", "")
    return text


def check_encodable(text: str, path: str, line: int | None = None) -> None:
    """Lone surrogates (possible from JSON escapes) cannot be stored as UTF-8."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as err:
        raise InputError(path, f"text holds a lone surrogate (U+{ord(text[err.start]):04X}) at character {err.start}", line) from None
