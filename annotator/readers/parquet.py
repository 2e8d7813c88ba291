"""Parquet: the columns of JSONL and CSV (`text` required; `id`, `title`, `url`, `source`, `date` or
`published`, `language` or `lang`, `meta` optional), read a row group batch at a time with pyarrow, so a corpus prepared
with Spark, Dask, DuckDB or the datasets library comes in with memory flat in the file's size."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from annotator.model import Document, InputError
from annotator.readers.records import _document

BATCH_ROWS = 10_000
COLUMNS = ("text", "id", "title", "url", "source", "date", "published", "meta", "language", "lang")


def read_batches(path: Path, name: str, shown: str) -> Iterator[list[Document]]:
    """The file's documents, a batch of rows at a time; InputError (one line) for a file that is not
    Parquet or is damaged anywhere (a damaged page is found when its row group is read)."""
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise InputError(shown, "Parquet files need pyarrow: pip install 'annotator[parquet]'") from None
    try:
        handle = pq.ParquetFile(path)
    except Exception as err:  # pyarrow raises its own ArrowInvalid, OSError, ...
        raise InputError(shown, f"not a readable Parquet file ({_one_line(err)})") from None
    names = [n.lower() for n in handle.schema_arrow.names]
    if "text" not in names:
        raise InputError(shown, "Parquet file has no 'text' column")
    wanted = [handle.schema_arrow.names[names.index(c)] for c in COLUMNS if c in names]
    row = 0
    any_rows = False
    for records in _records(handle, wanted, shown):
        docs = []
        for record in records:
            row += 1
            record = {k.lower(): _plain(v) for k, v in record.items()}
            docs.append(_document(record, shown, f"{name}:{row}", row))
        any_rows = any_rows or bool(docs)
        yield docs
    if not any_rows:
        raise InputError(shown, "Parquet file has no rows")


def _records(handle, wanted: list[str], shown: str) -> Iterator[list[dict]]:
    """Each batch's rows as dicts; a damaged page is an InputError naming the rows read before it."""
    batches = handle.iter_batches(batch_size=BATCH_ROWS, columns=wanted)
    done = 0
    while True:
        try:
            batch = next(batches, None)
            if batch is None:
                return
            records = batch.to_pylist()
        except Exception as err:  # pyarrow's ArrowInvalid, OSError ("Corrupt snappy compressed data"), ...
            raise InputError(shown, f"damaged Parquet data after row {done:,} ({_one_line(err)})") from None
        done += len(records)
        yield records


def _one_line(err: Exception) -> str:
    return " ".join(str(err).split()) or type(err).__name__


def _plain(value):
    """Parquet cells as JSONL would give them: dates and times as ISO text, ids as text or int."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
