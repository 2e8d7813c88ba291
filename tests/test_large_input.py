"""Input from where large corpora live: Parquet, compressed JSON Lines, legacy encodings, progress."""

from __future__ import annotations

import gzip
import json

import pytest

from annotator.ingest import import_paths
from annotator.store import Store
from conftest import dump
from helpers import run

RECORDS = [
    {"id": f"r{n}", "text": f"Story {n} says prices rose {n}% in May. Traders were calm.", "source": "Wire",
     "date": f"2024-05-{n + 1:02d}"}
    for n in range(25)
]


def stored(db) -> list[tuple]:
    return Store(db).query("SELECT name, source, published FROM documents ORDER BY id")


def test_parquet_is_read_a_row_group_at_a_time(tmp_path, db_path, monkeypatch):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    from annotator.readers import parquet

    table = pa.table({"ID": [r["id"] for r in RECORDS], "text": [r["text"] for r in RECORDS],
                      "source": [r["source"] for r in RECORDS],
                      "date": pa.array([__import__("datetime").date(2024, 5, n + 1) for n in range(25)])})
    path = tmp_path / "corpus.parquet"
    pq.write_table(table, path, row_group_size=10)
    monkeypatch.setattr(parquet, "BATCH_ROWS", 10)
    batches = []
    original = parquet.read_batches

    def counting(*args):
        for batch in original(*args):
            batches.append(len(batch))
            yield batch
    monkeypatch.setattr(parquet, "read_batches", counting)
    result = run("import", path, "--db", db_path)
    assert result.exit_code == 0, result.output
    assert batches == [10, 10, 5]
    assert f"imported {path}: 25 documents, 50 sentences" in result.output
    assert stored(db_path)[:2] == [("r0", "Wire", "2024-05-01T00:00:00.000Z"), ("r1", "Wire", "2024-05-02T00:00:00.000Z")]
    assert run("import", path, "--db", db_path).output.endswith("0 documents and 0 sentences added, 25 unchanged; "
                                                                "0 sentences joined a duplicate group\n")


def test_a_bad_row_late_in_a_parquet_file_leaves_nothing_behind(tmp_path, db_path, monkeypatch):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    from annotator.readers import parquet

    texts = [r["text"] for r in RECORDS]
    texts[23] = "   "
    pq.write_table(pa.table({"text": texts}), tmp_path / "bad.parquet", row_group_size=10)
    monkeypatch.setattr(parquet, "BATCH_ROWS", 10)
    result = run("import", tmp_path / "bad.parquet", "--db", db_path)
    assert result.exit_code == 1 and f"{tmp_path / 'bad.parquet'}:24: 'text' is empty" in result.output
    assert Store(db_path).query("SELECT count(*) FROM documents") == [(0,)]
    (tmp_path / "junk.parquet").write_bytes(b"not parquet at all")
    result = run("import", tmp_path / "junk.parquet", "--db", db_path)
    assert "junk.parquet: not a readable Parquet file" in result.output


def test_compressed_json_lines(tmp_path, db_path):
    lines = "".join(json.dumps(r) + "\n" for r in RECORDS[:3]).encode()
    (tmp_path / "a.jsonl.gz").write_bytes(gzip.compress(lines))
    zstandard = pytest.importorskip("zstandard")
    (tmp_path / "b.jsonl.zst").write_bytes(zstandard.ZstdCompressor().compress(
        "".join(json.dumps({**r, "id": r["id"] + "z"}) + "\n" for r in RECORDS[3:5]).encode()))
    (tmp_path / "broken.jsonl.gz").write_bytes(gzip.compress(lines)[:20])
    result = run("import", tmp_path, "--db", db_path)
    assert [name for name, *_ in stored(db_path)] == ["r0", "r1", "r2", "r3z", "r4z"]
    assert f"{tmp_path / 'broken.jsonl.gz'}: not a whole gzip file" in result.output


def test_legacy_encodings_named_or_detected(tmp_path, db_path):
    text = "Le président a déclaré que l'économie «va mieux». Les prix ont baissé de 3 € en août.\n"
    (tmp_path / "cp1252.txt").write_bytes(text.encode("cp1252"))
    before = run("import", tmp_path / "cp1252.txt", "--db", db_path)
    assert before.exit_code == 1 and "not valid UTF-8 (byte 0xe9" in before.output  # strict by default
    named = run("import", tmp_path / "cp1252.txt", "--encoding", "cp1252", "--db", db_path)
    assert named.exit_code == 0 and f"read {tmp_path / 'cp1252.txt'} as cp1252" in named.output
    assert Store(db_path).document(1)[2] == text
    other = tmp_path / "auto"
    other.mkdir()
    (other / "latin.txt").write_bytes(("Année après année, " + text).encode("cp1252"))
    (other / "plain.txt").write_text("Plain English, nothing special here at all.\n")
    auto = run("import", other, "--encoding", "auto", "--db", db_path)
    assert auto.exit_code == 0, auto.output
    assert f"read {other / 'plain.txt'} as utf-8" in auto.output
    chosen = [line for line in auto.output.splitlines() if line.startswith(f"read {other / 'latin.txt'} as ")]
    assert chosen and Store(db_path).query("SELECT count(*) FROM sentences WHERE text LIKE 'Année après année%'") == [(1,)]
    assert run("import", other, "--encoding", "klingon", "--db", db_path).output == "Error: --encoding: unknown encoding 'klingon'\n"
    assert run("import", other, "--encoding", "base64", "--db", db_path).output == (
        "Error: --encoding: 'base64' is not a text encoding\n")


def test_progress_is_reported_to_the_callback_and_quiet_otherwise(tmp_path, db_path):
    for n in range(3):
        (tmp_path / f"{n}.txt").write_text(f"File {n} has a sentence. And {n} more.\n")
    calls = []
    import_paths(Store(db_path), [tmp_path], progress=lambda report, done, total: calls.append(
        (report.documents, report.sentences, done, total)))
    total = sum((tmp_path / f"{n}.txt").stat().st_size for n in range(3))
    assert [c[2] for c in calls] == sorted(c[2] for c in calls) and calls[-1] == (3, 6, total, total)
    assert "\r" not in run("import", tmp_path, "--db", tmp_path / "other.db").output  # not a terminal: no progress


def test_workers_read_and_segment_exactly_as_one_process_does(tmp_path, monkeypatch):
    from annotator import ingest

    folder = tmp_path / "many"
    folder.mkdir()
    for n in range(12):
        (folder / f"{n:02d}.txt").write_text(f"Story {n}. The harbour reopened on Monday, officials said. Prices rose {n}%.\n")
    (folder / "05-bad.txt").write_bytes(b"\x00\x01 binary")
    (folder / "06.jsonl").write_text("".join(json.dumps(r) + "\n" for r in RECORDS[:4]))
    sequential, parallel = tmp_path / "one.db", tmp_path / "workers.db"
    first = import_paths(Store(sequential), [folder])
    monkeypatch.setattr(ingest, "PARALLEL_BYTES", 0)
    from_workers = []
    real = ingest._prepared

    def counting(*args):
        for prepared in real(*args):
            from_workers.append(prepared is not None)
            yield prepared
    monkeypatch.setattr(ingest, "_prepared", counting)
    second = import_paths(Store(parallel), [folder])
    assert from_workers == [True] * 14  # every file came through the workers
    assert first.errors == second.errors and len(first.errors) == 1
    assert (first.documents, first.sentences) == (second.documents, second.sentences) == (16, 44)
    keep = ("documents", "sentences", "bands")
    one, two = dump(sequential), dump(parallel)
    drop_time = lambda rows: [tuple(v for i, v in enumerate(r) if i != 8) for r in rows]  # noqa: E731 (imported_at)
    assert drop_time(one["documents"]) == drop_time(two["documents"])
    assert all(one[t] == two[t] for t in keep if t != "documents")
