"""Read files of every supported format into Documents; one module per format."""

from __future__ import annotations

import errno
import io
import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from annotator.model import Document, InputError
from annotator.readers import docx, feed, html, markdown, pdf, plain, records
from annotator.readers.decode import decode_as
from annotator.wording import plural

Reader = Callable[[bytes, str, str], list[Document]]

READERS: dict[str, Reader] = {
    "txt": plain.read,
    "md": markdown.read,
    "html": html.read,
    "jsonl": records.read_jsonl,
    "csv": records.read_csv,
    "feed": feed.read,
    "pdf": pdf.read,
    "docx": docx.read,
}
EXTENSIONS: dict[str, str] = {
    ".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md", ".html": "html",
    ".htm": "html", ".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".tsv": "csv", ".parquet": "parquet",
    ".rss": "feed", ".atom": "feed", ".xml": "feed", ".pdf": "pdf", ".docx": "docx",
}
FORMATS = (*READERS, "parquet")
# the formats read through an optional extra: (can it be read here, the extra's name)
EXTRAS: dict[str, tuple[Callable[[], bool], str]] = {"pdf": (pdf.available, "pdf"), "docx": (docx.available, "docx")}
_TEXT_FORMATS = frozenset({"txt", "md", "html", "jsonl", "csv", "feed"})
# the first bytes of the binary files users have beside their texts, and what they are
_MAGIC = (
    (b"%PDF-", "a PDF"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a Word 97-2003 or Excel file (or an encrypted one)"),
    (b"{\\rtf", "an RTF document"),
    (b"PAR1", "a Parquet file"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"ID3", "an MP3 file"),
    (b"\x7fELF", "a program"),
    (b"MZ", "a program"),
)
_READ_AS = {"a PDF": "pdf", "a Word document": "docx"}  # binary kinds a reader here takes, and its format
# magic numbers a text may open with too: these mark a binary file only with a NUL byte near them
_WORDLIKE = frozenset({b"GIF8", b"PAR1", b"Rar!", b"ID3", b"MZ"})
# in a ZIP archive's first entries, what the archive is
_ZIPPED = ((b"word/", "a Word document"), (b"xl/", "an Excel workbook"), (b"ppt/", "a PowerPoint file"),
           (b"application/vnd.oasis.opendocument", "an OpenDocument file"), (b"application/epub", "an EPUB book"))
# what a folder's files of these kinds are, when no reader takes them
_NOT_TEXT = frozenset(
    ".png .jpg .jpeg .gif .webp .tif .tiff .bmp .heic .svg .ico .mp3 .wav .ogg .m4a .mp4 .mov .avi .mkv .webm "
    ".zip .7z .rar .tar .gz .bz2 .xz .exe .dll .so .dylib .bin .iso .dmg .woff .woff2 .ttf .otf .sqlite .db".split())
_SAVE_AS = {
    ".doc": "Word 97-2003: save it as .docx", ".rtf": "save it as .docx", ".odt": "save it as .docx",
    ".xls": "a spreadsheet: save it as CSV", ".xlsx": "a spreadsheet: save it as CSV",
    ".ods": "a spreadsheet: save it as CSV", ".json": "only JSON Lines is read: one object a line, as .jsonl",
    ".pptx": "a presentation: save it as PDF", ".epub": "save it as .txt or .html",
}
COMPRESSED = {".gz": "gzip", ".zst": "zstd"}  # JSON Lines (and CSV) may come compressed


def format_of(path: Path, forced: str | None = None) -> str | None:
    suffix = path.suffix.lower()
    if suffix in COMPRESSED:
        inner = EXTENSIONS.get(Path(path.stem).suffix.lower())
        return forced or (inner if inner in ("jsonl", "csv") else None)
    return forced or EXTENSIONS.get(suffix)


@dataclass(frozen=True)
class Limits:
    """What one file may hold. A file is read whole, then decoded and segmented: at the peak a few
    times its uncompressed size is in memory (in each of the two worker processes), so 1 GiB keeps
    an import within a few gigabytes; a larger corpus comes as several files, or as Parquet, which
    streams. A book is about a million characters, and a 53 MB filing imports as one document in
    seconds (tests/test_ingest.py); a hundred million characters is a dump, not a text to label
    sentence by sentence, and the cap stops a small compressed line that inflates without end."""

    file_bytes: int = 1 << 30  # uncompressed size of one file
    document_chars: int = 100_000_000  # characters of one document


LIMITS = Limits()
_CHUNK = 1 << 20


def shown_path(path: Path | str) -> str:
    """A path as printed: quoted when it holds a line break or another control character, so a file
    name can never forge a line of the output."""
    text = str(path)
    if text.isprintable():
        return text
    return repr(text)


def _uncompress(data: bytes, path: Path, limits: Limits) -> bytes:
    """The file's bytes uncompressed, a megabyte at a time, refused as soon as they pass the cap
    (a few kilobytes of a decompression bomb never grow into gigabytes in memory)."""
    kind = COMPRESSED.get(path.suffix.lower())
    if kind is None:
        return data
    shown = shown_path(path)
    if kind == "gzip":
        import gzip
        import zlib

        stream, errors = gzip.GzipFile(fileobj=io.BytesIO(data)), (OSError, EOFError, zlib.error)
    else:
        try:
            import zstandard
        except ImportError:
            raise InputError(shown, "zstd files need zstandard: pip install 'annotator[zstd]'") from None
        stream = zstandard.ZstdDecompressor().stream_reader(io.BytesIO(data), read_across_frames=True)
        errors = (zstandard.ZstdError,)
    parts, size = [], 0
    try:
        while chunk := stream.read(_CHUNK):
            size += len(chunk)
            if size > limits.file_bytes:
                raise InputError(shown, _over_file_cap(limits, "uncompressed, it is"))
            parts.append(chunk)
    except errors as err:
        raise InputError(shown, f"not a whole {kind} file ({err})") from None
    return b"".join(parts)


def _over_file_cap(limits: Limits, what: str) -> str:
    return (f"{what} larger than {limits.file_bytes // (1 << 20):,} MB, the cap on one file's size "
            "(raise it with --max-file-mb)")


def check_documents(docs: list[Document], shown: str, limits: Limits) -> list[Document]:
    """The documents, or InputError naming the first longer than the cap on one document."""
    for doc in docs:
        if len(doc.text) > limits.document_chars:
            raise InputError(shown, f"document {doc.name!r} has {len(doc.text):,} characters, more than "
                                    f"{limits.document_chars:,}, the cap on one document (raise it with "
                                    "--max-document-chars)")
    return docs


def _regular_file(path: Path, shown: str) -> int:
    """A readable regular file's descriptor. Opened without blocking: a named pipe with no writer, a
    socket or a device is refused, never read (reading one would wait forever or never end)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise InputError(shown, "no such file") from None
    except IsADirectoryError:
        raise InputError(shown, "is a folder") from None
    except OSError as err:
        if err.errno == errno.ENXIO:  # a socket, or a pipe opened for writing only
            raise InputError(shown, f"not a regular file ({kind_of(path)}); skipped") from None
        raise InputError(shown, f"cannot read ({err.strerror})") from None
    mode = os.fstat(fd).st_mode
    if stat.S_ISDIR(mode):
        os.close(fd)
        raise InputError(shown, "is a folder")
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise InputError(shown, f"not a regular file ({kind_of(path)}); skipped")
    return fd


def kind_of(path: Path) -> str:
    """What a file that is not a regular one is: "a named pipe", "a socket", "a device"."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return "unreadable"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a file"


def _read_bytes(path: Path, shown: str, limits: Limits) -> bytes:
    fd = _regular_file(path, shown)
    with os.fdopen(fd, "rb") as handle:
        if os.fstat(fd).st_size > limits.file_bytes:
            raise InputError(shown, _over_file_cap(limits, "it is"))
        try:
            data = handle.read(limits.file_bytes + 1)
        except OSError as err:
            raise InputError(shown, f"cannot read ({err.strerror})") from None
    if len(data) > limits.file_bytes:  # it grew while being read
        raise InputError(shown, _over_file_cap(limits, "it is"))
    return data


def stream_file(path: Path, name: str, forced: str | None = None, encoding: str | None = None,
                limits: Limits = LIMITS) -> Iterator[list[Document]]:
    """The documents of one file, a batch at a time: Parquet row group by row group (memory stays
    flat in the file's size), any other format in one batch. Raises InputError (one line)."""
    if format_of(path, forced) == "parquet":
        from annotator.readers import parquet

        os.close(_regular_file(path, shown_path(path)))
        for batch in parquet.read_batches(path, name, shown_path(path)):
            yield check_documents(batch, shown_path(path), limits)
    else:
        yield read_file(path, name, forced, encoding, limits)


def walk(target: Path, forced: str | None = None,
         skipped: Callable[[Path, str], None] | None = None, *,
         unread: Callable[[Path], None] | None = None) -> Iterator[tuple[Path, str]]:
    """Yield (file, name) for a file or, recursively and in sorted order, a folder's readable files.

    A folder's files are named by their path inside it, prefixed with the folder's own name.
    Symlinked folders are followed once: a loop is not walked twice. What is neither a folder nor a
    regular file (a named pipe, a socket, a device) is passed to `skipped(path, what it is)`; a
    folder's file of a format no reader here takes (none at all, or one whose extra is not
    installed) to `unread(path)` (skipped_summary says why, by type).
    """
    if not target.is_dir():
        yield target, target.name
        return
    root = target.resolve()
    prefix = root.name
    seen: set[Path] = set()

    def visit(folder: Path) -> Iterator[tuple[Path, str]]:
        real = folder.resolve()
        if real in seen:
            return
        seen.add(real)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            return
        for entry in entries:
            path = Path(entry.path)
            try:
                is_dir, is_file = entry.is_dir(), entry.is_file()
            except OSError:
                continue
            if is_dir:
                yield from visit(path)
            elif not readable(format_of(path, forced)):
                if unread is not None:
                    unread(path)
            elif is_file or entry.is_symlink() and not path.exists():  # a dangling link: "no such file"
                yield path, f"{prefix}/{path.relative_to(target).as_posix()}"
            elif skipped is not None:
                skipped(path, kind_of(path))

    yield from visit(target)


def read_file(path: Path, name: str, forced: str | None = None, encoding: str | None = None,
              limits: Limits = LIMITS) -> list[Document]:
    """Read one file into its documents, or raise InputError with a one-line reason."""
    fmt = format_of(path, forced)
    shown = shown_path(path)
    if fmt is None:
        reason = _unread_reason(path)
        if reason is None:
            raise InputError(shown, f"unknown format {path.suffix or '(no extension)'!r}; use --format ({', '.join(FORMATS)})")
        raise InputError(shown, f"unknown format {path.suffix or '(no extension)'!r} ({reason})")
    if fmt == "parquet":
        return [doc for batch in stream_file(path, name, forced, limits=limits) for doc in batch]
    data = _uncompress(_read_bytes(path, shown, limits), path, limits)
    if fmt in _TEXT_FORMATS and (kind := looks_like(data)):
        known = _READ_AS.get(kind)
        if not known:
            hint = ""
        elif forced and path.suffix.lower() == f".{known}":  # its name says so already: only the --format stands in the way
            hint = f" (import it without --format {forced}, or with --format {known})"
        else:
            hint = f" (give it a .{known} name, or --format {known})"
        raise InputError(shown, f"looks like {kind}, not text{hint}")
    with decode_as(encoding):
        return check_documents(READERS[fmt](data, shown, name), shown, limits)


def readable(fmt: str | None) -> bool:
    """Is there a reader here for the format (it is known, and its extra, if it needs one, is installed)?"""
    if fmt is None:
        return False
    extra = EXTRAS.get(fmt)
    return extra is None or extra[0]()


def looks_like(data: bytes) -> str | None:
    """What a file's first bytes say it is when it is a binary file ("a PDF", "a PNG image", "a Word
    document"), else None: text, or a binary kind not told here."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            if magic in _WORDLIKE and b"\x00" not in data[:1024]:
                continue  # "MZ Mazowsze …", "ID3 tags …": a text may open with these letters
            return kind
    if data.startswith(b"PK\x03\x04"):
        head = data[:4096]
        return next((kind for mark, kind in _ZIPPED if mark in head), "a ZIP archive")
    return None


def _unread_reason(path: Path) -> str | None:
    """Why a file of no readable format is not read, as a skip report says it: the extra to install,
    "not text", what to save it as; None when nothing is known of its kind."""
    suffix = path.suffix.lower()
    fmt = EXTENSIONS.get(suffix)
    if fmt in EXTRAS:
        return f"install annotator[{EXTRAS[fmt][1]}] to read them"
    if suffix in _SAVE_AS:
        return _SAVE_AS[suffix]
    if suffix in _NOT_TEXT:
        return "not text"
    try:
        with open(path, "rb") as handle:
            kind = looks_like(handle.read(4096))
    except OSError:
        kind = None
    return f"{kind}, not text" if kind else None


def skipped_summary(paths: list[Path]) -> str | None:
    """One line of what a folder's import skipped, by type with a count, most first: "skipped 3
    files: 2 .pdf (install annotator[pdf] to read them), 1 .png (not text)"; None for none."""
    if not paths:
        return None
    kinds: dict[tuple[str, str], int] = {}
    for path in paths:
        kind = (path.suffix.lower() or "(no extension)", _unread_reason(path) or "no reader for this format")
        kinds[kind] = kinds.get(kind, 0) + 1
    parts = [f"{count} {suffix} ({reason})"
             for (suffix, reason), count in sorted(kinds.items(), key=lambda item: (-item[1], item[0]))]
    return f"skipped {plural(len(paths), 'file')}: {', '.join(parts)}"
