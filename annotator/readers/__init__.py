"""Read files of every supported format into Documents; one module per format."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

from annotator.model import Document, InputError
from annotator.readers import html, markdown, plain, records
from annotator.readers.decode import decode_as

Reader = Callable[[bytes, str, str], list[Document]]

READERS: dict[str, Reader] = {
    "txt": plain.read,
    "md": markdown.read,
    "html": html.read,
    "jsonl": records.read_jsonl,
    "csv": records.read_csv,
}
EXTENSIONS: dict[str, str] = {
    ".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md", ".html": "html",
    ".htm": "html", ".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".parquet": "parquet",
}
FORMATS = (*READERS, "parquet")
COMPRESSED = {".gz": "gzip", ".zst": "zstd"}  # JSON Lines (and CSV) may come compressed


def format_of(path: Path, forced: str | None = None) -> str | None:
    suffix = path.suffix.lower()
    if suffix in COMPRESSED:
        inner = EXTENSIONS.get(Path(path.stem).suffix.lower())
        return forced or (inner if inner in ("jsonl", "csv") else None)
    return forced or EXTENSIONS.get(suffix)


def _uncompress(data: bytes, path: Path) -> bytes:
    kind = COMPRESSED.get(path.suffix.lower())
    if kind == "gzip":
        import gzip
        import zlib

        try:
            return gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as err:
            raise InputError(str(path), f"not a whole gzip file ({err})") from None
    if kind == "zstd":
        try:
            import zstandard
        except ImportError:
            raise InputError(str(path), "zstd files need zstandard: pip install 'annotator[zstd]'") from None
        try:
            return zstandard.ZstdDecompressor().decompressobj().decompress(data)
        except zstandard.ZstdError as err:
            raise InputError(str(path), f"not a whole zstd file ({err})") from None
    return data


def stream_file(path: Path, name: str, forced: str | None = None, encoding: str | None = None) -> Iterator[list[Document]]:
    """The documents of one file, a batch at a time: Parquet row group by row group (memory stays
    flat in the file's size), any other format in one batch."""
    if format_of(path, forced) == "parquet":
        from annotator.readers import parquet

        yield from parquet.read_batches(path, name)
    else:
        yield read_file(path, name, forced, encoding)


def walk(target: Path, forced: str | None = None) -> Iterator[tuple[Path, str]]:
    """Yield (file, name) for a file or, recursively and in sorted order, a folder's readable files.

    A folder's files are named by their path inside it, prefixed with the folder's own name.
    Symlinked folders are followed once: a loop is not walked twice.
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
                is_dir = entry.is_dir()
            except OSError:
                continue
            if is_dir:
                yield from visit(path)
            elif format_of(path, forced):
                yield path, f"{prefix}/{path.relative_to(target).as_posix()}"

    yield from visit(target)


def read_file(path: Path, name: str, forced: str | None = None, encoding: str | None = None) -> list[Document]:
    """Read one file into its documents, or raise InputError with a one-line reason."""
    fmt = format_of(path, forced)
    shown = str(path)
    if fmt is None:
        raise InputError(shown, f"unknown format {path.suffix or '(no extension)'!r}; use --format ({', '.join(FORMATS)})")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(shown, "no such file") from None
    except IsADirectoryError:
        raise InputError(shown, "is a folder") from None
    except OSError as err:
        raise InputError(shown, f"cannot read ({err.strerror})") from None
    if fmt == "parquet":
        return [doc for batch in stream_file(path, name, forced) for doc in batch]
    data = _uncompress(data, path)
    with decode_as(encoding):
        return READERS[fmt](data, shown, name)
