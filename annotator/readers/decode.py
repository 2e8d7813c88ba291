"""Turn raw bytes into text, or say in one line why they cannot be."""

from __future__ import annotations

import codecs
import contextvars
import re
from contextlib import contextmanager

from annotator.invisible import imported_text
from annotator.model import InputError

# the encoding `import --encoding` asked for (None: strict UTF-8), and what decode() chose under it
_ASKED: contextvars.ContextVar[str | None] = contextvars.ContextVar("encoding", default=None)
chosen: contextvars.ContextVar[str | None] = contextvars.ContextVar("chosen", default=None)
# the charset the transport declared (an HTTP Content-Type's): it wins over <meta charset>, as in a browser
_DECLARED: contextvars.ContextVar[str | None] = contextvars.ContextVar("declared", default=None)


def check_encoding(name: str) -> str:
    """A usable --encoding: "auto" or a text encoding Python knows (its canonical name)."""
    if name.lower() == "auto":
        return "auto"
    try:
        info = codecs.lookup(name)
    except LookupError:
        raise ValueError(f"unknown encoding {name!r}") from None
    if not getattr(info, "_is_text_encoding", True):
        raise ValueError(f"{name!r} is not a text encoding")
    return info.name


@contextmanager
def decode_as(encoding: str | None, declared: str | None = None):
    """Read files in this encoding ("auto": detected per file) while the block runs; `declared`: the
    charset an HTTP Content-Type gives, taken as a page's own declaration."""
    token, told = _ASKED.set(encoding), _DECLARED.set(declared)
    chosen.set(None)
    try:
        yield
    finally:
        _ASKED.reset(token)
        _DECLARED.reset(told)


def _detect(data: bytes, path: str) -> str:
    """The encoding charset-normalizer finds most likely; strict UTF-8 first, as it is the common case."""
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:1_000_000]).best()
    if best is None:
        raise InputError(path, "could not tell its encoding; give one with --encoding NAME")
    return codecs.lookup(best.encoding).name

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)


def decode(data: bytes, path: str, *, html: bool = False) -> str:
    """Decode a file's bytes: a BOM wins, then the encoding `import --encoding` names, then (for HTML)
    a declared charset, then (with --encoding auto) the one charset-normalizer detects, else strict UTF-8.

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
        asked = _ASKED.get()
        if asked in (None, "auto") and b"\x00" in data[:8192]:
            raise InputError(path, "binary file (contains NUL bytes), not text")
        encoding = asked if asked not in (None, "auto") else "utf-8"
        declared = _DECLARED.get() if asked in (None, "auto") else None
        if declared is None and html and asked in (None, "auto"):
            meta = _META_CHARSET.search(data[:4096])
            declared = meta.group(1).decode("ascii") if meta else None
        if asked == "auto" and not declared:
            encoding = _detect(data, path)
        if declared:
                encoding = declared.lower()
                try:
                    known = codecs.lookup(encoding)
                except LookupError:
                    raise InputError(path, f"declares unknown charset {encoding!r}") from None
                if not getattr(known, "_is_text_encoding", True):  # "hex", "base64": codecs, not charsets
                    raise InputError(path, f"declares {encoding!r}, which is not a text encoding")
        if asked:
            chosen.set(encoding)
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as err:
            raise InputError(path, f"not valid {encoding.upper() if encoding == 'utf-8' else encoding} (byte 0x{data[err.start]:02x} at offset {err.start})") from None
    text = clean_text(text)
    if not text.strip():
        raise InputError(path, "file is empty")
    return text


def clean_text(text: str) -> str:
    """Unix line ends, no NUL characters and none of the invisible ones a reader never sees (soft
    hyphens, zero-width spaces: annotator.invisible): what every stored document text looks like."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        text = text.replace("\x00", "")
    return imported_text(text)


def check_encodable(text: str, path: str, line: int | None = None) -> None:
    """Lone surrogates (possible from JSON escapes) cannot be stored as UTF-8."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as err:
        raise InputError(path, f"text holds a lone surrogate (U+{ord(text[err.start]):04X}) at character {err.start}", line) from None
