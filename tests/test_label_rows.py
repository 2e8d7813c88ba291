"""import-labels on hostile rows: every bad row is refused with its line number and why, never a
traceback, and the valid rows of the same file are stored."""

import json

from annotator.store import Store
from helpers import WIRE, build, run


def test_hostile_rows_are_each_refused_and_the_valid_rows_kept(db_path, tmp_path):
    build(db_path, tmp_path, labels=[])
    row = {"doc": WIRE, "index": 4, "annotator": "ann", "label": "fact"}
    lines = [
        json.dumps(row).encode(),
        b"[" * 100_000 + b"]" * 100_000,
        json.dumps({**row, "doc": [WIRE]}).encode(),
        json.dumps({**row, "doc": {"name": WIRE}}).encode(),
        json.dumps({**row, "index": 2**70}).encode(),
        json.dumps({**row, "index": -1}).encode(),
        json.dumps({**row, "label": ["fact"]}).encode(),
        json.dumps({**row, "created_at": "+10000-01-01"}).encode(),
        json.dumps({**row, "annotator": "b\xf6b"}).encode("utf-8").replace("\\u00f6".encode(), b"\xf6"),
        json.dumps({**row, "annotator": "cy", "index": 5}).encode(),
    ]
    rows = tmp_path / "hostile.jsonl"
    rows.write_bytes(b"\n".join(lines) + b"\n")
    before = Store(db_path).query("SELECT count(*) FROM events")
    result = run("import-labels", rows, "--db", db_path)
    assert result.exit_code == 1
    assert result.output == (
        f"error: {rows}:2: bad JSON (nested too deeply)\n"
        f"error: {rows}:3: 'doc' must be a string, not list\n"
        f"error: {rows}:4: 'doc' must be a string, not dict\n"
        f"error: {rows}:5: document {WIRE!r} has no sentence at index {2**70}\n"
        f"error: {rows}:6: document {WIRE!r} has no sentence at index -1\n"
        f"error: {rows}:7: unknown label ['fact']: not in the project's scheme default (fact, claim, opinion, advert)\n"
        f"error: {rows}:8: 'created_at' is not a time: '+10000-01-01' (expected ISO-8601, e.g. 2025-06-02T10:00:00Z)\n"
        f"error: {rows}:9: not valid UTF-8 (invalid start byte at column 67)\n"
        "2 labels added, 0 already present, 8 rows skipped\n")
    assert before == [(0,)]
    assert Store(db_path).query("SELECT s.idx, e.annotator, e.label FROM events e JOIN sentences s ON s.id = e.sentence_id "
                                "ORDER BY e.id") == [(4, "ann", "fact"), (5, "cy", "fact")]


def test_annotator_names_with_control_characters_or_outer_spaces_are_refused(db_path, tmp_path):
    import json

    from helpers import run

    build(db_path, tmp_path, labels=[])
    rows = [{"doc": WIRE, "index": 0, "label": "fact", "annotator": name}
            for name in ("m\nal", "m\u001bal", " mal ", "mal")]
    (tmp_path / "l.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    result = run("import-labels", tmp_path / "l.jsonl", "--db", db_path)
    assert "1 label added, 0 already present, 3 rows skipped\n" in result.output
    assert "l.jsonl:1: 'annotator' must be printable, without spaces at either end: 'm\\nal'\n" in result.output
    assert run("next", "--annotator", "ev\x1b[2Jil", "--db", db_path).output == (
        "Error: --annotator: 'annotator' must be printable, without spaces at either end: 'ev\\x1b[2Jil'\n")
