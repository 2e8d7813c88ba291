"""Build small multi-annotator databases for the tests, through the same code users run."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from click.testing import CliRunner

from annotator.cli import main

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
WIRE = "corpus/wire-port-strike.txt"
SYND = "corpus/syndicated-port-strike.txt"

# (doc, index, annotator, label): wire 1-3 and 7 are the same units as syndicated 1-3 and 5
LABELS = [
    (WIRE, 0, "ann", "fact"), (WIRE, 0, "bob", "fact"), (WIRE, 0, "cy", "fact"),
    (WIRE, 1, "ann", "fact"), (WIRE, 1, "bob", "fact"), (WIRE, 1, "cy", "fact"),
    (WIRE, 2, "ann", "fact"), (WIRE, 2, "bob", "claim"), (WIRE, 2, "cy", "fact"),
    (WIRE, 3, "ann", "fact"), (WIRE, 3, "bob", "fact"),
    (WIRE, 4, "ann", "claim"), (WIRE, 4, "bob", "fact"),
    (WIRE, 5, "ann", "claim"), (WIRE, 5, "bob", "claim"),
    (WIRE, 6, "ann", "opinion"), (WIRE, 6, "bob", "opinion"), (WIRE, 6, "cy", "claim"),
    (SYND, 6, "ann", "advert"), (SYND, 6, "bob", "advert"),
    (SYND, 4, "ann", "opinion"),
]

# the tables of a database as the first release made them (merge and migration read such files)
V1_SCHEMA = """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
    INSERT INTO meta VALUES ('schema_version', '1');
    CREATE TABLE documents (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, title TEXT, url TEXT, meta TEXT,
        hash TEXT NOT NULL, text TEXT NOT NULL, source TEXT, imported_at TEXT NOT NULL);
    CREATE TABLE sentences (id INTEGER PRIMARY KEY, doc_id INTEGER NOT NULL REFERENCES documents(id),
        idx INTEGER NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL, text TEXT NOT NULL,
        norm_hash INTEGER NOT NULL, group_id INTEGER NOT NULL, grouped INTEGER NOT NULL DEFAULT 0,
        pinned INTEGER NOT NULL DEFAULT 0);
    CREATE TABLE events (id INTEGER PRIMARY KEY, uid TEXT NOT NULL UNIQUE,
        sentence_id INTEGER NOT NULL REFERENCES sentences(id), kind TEXT NOT NULL, annotator TEXT NOT NULL,
        label TEXT, note TEXT, created_at TEXT NOT NULL, undone INTEGER NOT NULL DEFAULT 0);
    CREATE TABLE dedup_edits (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, a_doc TEXT NOT NULL,
        a_hash INTEGER NOT NULL, b_doc TEXT, b_hash INTEGER, created_at TEXT NOT NULL);
"""


def as_version(db_path: Path, version: int, *undo: str) -> None:
    """Take a database back to an older schema version: `undo` are the statements that remove what
    the versions since added."""
    conn = sqlite3.connect(db_path)
    for statement in undo:
        conn.execute(statement)
    conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(version),))
    conn.commit()
    conn.close()


def upgrade_notice(db_path: Path, version: int) -> str:
    """What a command says on stderr before it upgrades a database of an older schema version."""
    from annotator.store.connection import SCHEMA_VERSION

    return (f"{db_path}: upgrading the database from schema version {version} to {SCHEMA_VERSION} "
            "(once; a large file takes a while)\n")


def run(*args):
    return CliRunner().invoke(main, list(map(str, args)))


def build(db_path: Path, tmp_path: Path, labels=LABELS) -> Path:
    """Import the wire report and its syndicated copy, then the given labels."""
    folder = tmp_path / "corpus"
    folder.mkdir(exist_ok=True)
    for name in ("wire-port-strike.txt", "syndicated-port-strike.txt"):
        (folder / name).write_bytes((CORPUS / name).read_bytes())
    assert run("import", folder, "--db", db_path).exit_code == 0
    store_rows = tmp_path / "labels.jsonl"
    with open(store_rows, "w") as out:
        for n, (doc, index, who, label) in enumerate(labels):
            out.write(json.dumps({"doc": doc, "index": index, "annotator": who, "label": label,
                                  "created_at": f"2026-01-01T00:00:{n:02d}.000Z"}) + "\n")
    if labels:
        result = run("import-labels", store_rows, "--db", db_path)
        assert result.exit_code == 0, result.output
    return store_rows


def output_lines(result) -> list[str]:
    """A command's output lines without the one that says a new database was created."""
    return [line for line in result.output.splitlines() if not line.startswith("created a new database at ")]
