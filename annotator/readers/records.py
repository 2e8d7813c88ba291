"""JSON Lines and CSV: one document per line or row, `text` required; `id`, `title`, `url`, `source`,
`date` (or `published`), `language` (or `lang`) and `meta` optional."""

from __future__ import annotations

import csv
import io
import json
import re

from annotator.model import Document, InputError
from annotator.readers.decode import check_encodable, clean_text, decode, note
from annotator.timestamps import parse as parse_time, to_utc

_OPTIONAL_TEXT = ("title", "url", "source")


def _document(record: dict, path: str, name: str, line: int) -> Document:
    text = record.get("text")
    if text is None:
        raise InputError(path, "missing 'text'", line)
    if not isinstance(text, str):
        raise InputError(path, f"'text' must be a string, not {type(text).__name__}", line)
    text = clean_text(text)
    if not text.strip():
        raise InputError(path, "'text' is empty", line)
    check_encodable(text, path, line)
    doc_id = record.get("id")
    if doc_id not in (None, ""):
        if isinstance(doc_id, bool) or not isinstance(doc_id, (str, int)):
            raise InputError(path, f"'id' must be a string or integer, not {type(doc_id).__name__}", line)
        name = str(doc_id)
        check_encodable(name, path, line)
    fields = {}
    for key in _OPTIONAL_TEXT:
        value = record.get(key)
        if value in (None, ""):
            fields[key] = None
        elif not isinstance(value, str):
            raise InputError(path, f"'{key}' must be a string, not {type(value).__name__}", line)
        else:
            check_encodable(value, path, line)
            fields[key] = value
    meta = record.get("meta") or {}
    if isinstance(meta, str):
        try:
            meta = json.loads(meta)
        except json.JSONDecodeError:
            meta = {"value": meta}
        except RecursionError:
            raise InputError(path, "'meta' is nested too deeply", line) from None
    if not isinstance(meta, dict):
        raise InputError(path, f"'meta' must be an object, not {type(meta).__name__}", line)
    if _depth(meta) > META_DEPTH:
        raise InputError(path, f"'meta' is nested more than {META_DEPTH} levels deep", line)
    published = None
    for key in ("date", "published"):
        value = record.get(key)
        if value in (None, ""):
            continue
        published = to_utc(value) if isinstance(value, str) else None
        if published is None:
            if isinstance(value, str) and parse_time(value) is not None:  # a year near 1 or 9999, made UTC
                raise InputError(path, f"'{key}' is out of range: {value!r}", line)
            raise InputError(path, f"'{key}' is not a date or time: {value!r}", line)
        break
    if fields["source"] is not None:
        fields["source"] = fields["source"].strip() or None
    return Document(name=name, text=text, meta=meta, published=published, language=_language(record, path, line),
                    **fields)


def _language(record: dict, path: str, line: int) -> str | None:
    """The record's `language` (or `lang`) field as a stored code ("pt-BR" -> "pt"), or None."""
    from annotator.segment.identify import given

    for key in ("language", "lang"):
        value = record.get(key)
        if value in (None, ""):
            continue
        if not isinstance(value, str):
            raise InputError(path, f"'{key}' must be a string, not {type(value).__name__}", line)
        try:
            return given(value)
        except ValueError as err:
            raise InputError(path, f"'{key}': {err}", line) from None
    return None


# metadata is kept as JSON and read back by recursive code: deeper than this is not metadata
META_DEPTH = 64


def _depth(value) -> int:
    """How deeply lists and objects nest in a JSON value, found without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, level)
            if level <= META_DEPTH:
                stack.extend((child, level + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def read_jsonl(data: bytes, path: str, name: str) -> list[Document]:
    docs = []
    for number, raw in enumerate(decode(data, path).split("\n"), start=1):
        if not raw.strip():
            continue
        try:
            record = json.loads(raw)
        except json.JSONDecodeError as err:
            raise InputError(path, f"bad JSON ({err.msg} at column {err.colno})", number) from None
        except RecursionError:
            raise InputError(path, "bad JSON (nested too deeply)", number) from None
        if not isinstance(record, dict):
            raise InputError(path, f"expected a JSON object, got {type(record).__name__}", number)
        docs.append(_document(record, path, f"{name}:{number}", number))
    if not docs:
        raise InputError(path, "file is empty")
    return docs


# what separates a CSV's fields: Excel writes ";" where the decimal separator is a comma (most of
# Europe), tab-separated files come from databases and spreadsheets, "|" from older exports
DELIMITERS = (",", ";", "\t", "|")
_SHOWN = {",": ",", ";": ";", "\t": "tab", "|": "|"}


def _header(line: str) -> list[str]:
    """Header names as people write them: " Text ", "TEXT", or with a byte-order mark left in."""
    return [f.strip().lstrip("\ufeff").strip().lower() for f in line]


# Excel's own first line naming the delimiter ("sep=;"), which it writes and honours in any locale
_SEP_LINE = re.compile(r'\ufeff?"?sep=(.)"?[^\n]*\n', re.I)


def _delimiter(source: str, path: str, declared: str | None = None) -> str:
    """The delimiter whose header row has a `text` column: the one a `sep=` line declared, then
    csv.Sniffer's guess among DELIMITERS, then each in turn. Raises InputError naming the columns
    found when none gives one."""
    first = source[:65536]
    try:
        guessed = [csv.Sniffer().sniff(first, delimiters="".join(DELIMITERS)).delimiter]
    except csv.Error:
        guessed = []
    guessed = ([declared] if declared else []) + guessed
    found = []
    for delimiter in dict.fromkeys(guessed + list(DELIMITERS)):
        names = _header(next(csv.reader(io.StringIO(first, newline=""), delimiter=delimiter), []))
        if "text" in names:
            return delimiter
        found.append(names)
    columns = ", ".join(repr(name) for name in max(found, key=len))
    raise InputError(path, f"CSV has no 'text' column (found {columns or 'none'}; separated by , ; tab or |)")


def read_csv(data: bytes, path: str, name: str) -> list[Document]:
    """One document per row of a CSV with a `text` column; its delimiter (`,` `;` tab `|`, or the
    one Excel's `sep=;` first line names) is found, and said when it is not a comma. Raises
    InputError (one line)."""
    source = decode(data, path)
    sep = _SEP_LINE.match(source)
    skipped = 1 if sep else 0  # rows keep the line numbers of the file
    source = source[sep.end():] if sep else source
    delimiter = _delimiter(source, path, sep.group(1) if sep else None)
    if delimiter != ",":
        note(f"read as {_SHOWN[delimiter]}-separated")
    reader = csv.DictReader(io.StringIO(source, newline=""), delimiter=delimiter)
    reader.fieldnames = _header(reader.fieldnames or [])
    docs = []
    try:
        for row in reader:
            line = reader.line_num + skipped
            if None in row:
                raise InputError(path, "row has more fields than the header", line)
            if not any((v or "").strip() for v in row.values()):
                continue
            docs.append(_document(row, path, f"{name}:{line}", line))
    except csv.Error as err:
        raise InputError(path, f"malformed CSV ({err})", reader.line_num + skipped) from None
    if not docs:
        raise InputError(path, "CSV has a header but no rows")
    return docs
