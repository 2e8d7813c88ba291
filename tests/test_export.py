import csv
import json
import sqlite3

import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.export import assign_splits, parse_split
from annotator.review import Review
from annotator.store import Store
from helpers import SYND, WIRE, build, run


@pytest.fixture
def built(db_path, tmp_path):
    build(db_path, tmp_path)
    return db_path


def read_jsonl(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


def texts(db_path):
    store = Store(db_path)
    return {(d, i): t for d, i, t in store.query(
        "SELECT d.name, s.idx, s.text FROM sentences s JOIN documents d ON d.id = s.doc_id")}


def test_gold_rows_exact(built, tmp_path):
    review = Review(Store(built), "lead")  # the most split unit first
    review.decide("ambiguous")  # wire:4 (ann claim, bob fact)
    review.decide("fact")  # synd:2 (ann fact, bob claim, cy fact)
    out = tmp_path / "gold.jsonl"
    result = run("export", "--out", out, "--db", built)
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        "left out: 1 unit in disagreement without a decision",
        "left out: 1 unit marked ambiguous",
    ]
    t = texts(built)
    rows = read_jsonl(out)
    assert [(r["doc"], r["index"], r["label"], r["annotators"], r["agreement"], r["docs"], r["decided_by"]) for r in rows] == [
        (SYND, 1, "fact", 3, 1.0, 2, None),
        (SYND, 2, "fact", 3, 0.6667, 2, "lead"),
        (SYND, 3, "fact", 2, 1.0, 2, None),
        (SYND, 4, "opinion", 1, 1.0, 1, None),
        (SYND, 6, "advert", 2, 1.0, 1, None),
        (WIRE, 0, "fact", 3, 1.0, 1, None),
        (WIRE, 5, "claim", 2, 1.0, 1, None),
    ]
    assert all(r["text"] == t[(r["doc"], r["index"])] for r in rows)
    assert len({r["group"] for r in rows}) == len(rows)
    card = (tmp_path / "datacard.md").read_text()
    assert "| fact | 4 |" in card and "| **total** | 7 |" in card and "**advert**: promotion" in card
    assert "Left out: 1 unit in disagreement without a decision; 1 unit marked ambiguous" in card


def test_majority_rows_csv(built, tmp_path):
    out = tmp_path / "majority.csv"
    assert run("export", "--out", out, "--mode", "majority", "--db", built).exit_code == 0
    rows = list(csv.DictReader(out.open()))
    assert [(r["doc"], r["index"], r["label"], r["agreement"], r["votes"]) for r in rows] == [
        (SYND, "1", "fact", "1.0", '{"fact": 3}'),
        (SYND, "2", "fact", "0.6667", '{"claim": 1, "fact": 2}'),
        (SYND, "3", "fact", "1.0", '{"fact": 2}'),
        (SYND, "4", "opinion", "1.0", '{"opinion": 1}'),
        (SYND, "6", "advert", "1.0", '{"advert": 2}'),
        (WIRE, "0", "fact", "1.0", '{"fact": 3}'),
        (WIRE, "5", "claim", "1.0", '{"claim": 2}'),
        (WIRE, "6", "opinion", "0.6667", '{"claim": 1, "opinion": 2}'),
    ]


def test_all_mode_round_trip_and_parquet(built, tmp_path):
    out = tmp_path / "all.jsonl"
    assert run("export", "--out", out, "--mode", "all", "--db", built).exit_code == 0
    rows = read_jsonl(out)
    assert len(rows) == 21
    assert rows[0].keys() == {"doc", "index", "start", "end", "text", "label", "annotator", "note", "created_at", "group",
                              "source", "published", "language"}
    assert (rows[0]["source"], rows[0]["published"]) == ("corpus", None)  # the folder; no date
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    fresh_db = fresh / "fresh.db"
    build(fresh_db, fresh, labels=[])
    result = run("import-labels", out, "--db", fresh_db)
    assert result.output.startswith("21 labels added"), result.output
    again = tmp_path / "again.jsonl"
    run("export", "--out", again, "--mode", "all", "--db", fresh_db)
    assert read_jsonl(again) == rows
    table = pq.read_table(_export(built, tmp_path / "all.parquet", "all")).to_pylist()
    assert table == rows


def _export(db, path, mode):
    assert run("export", "--out", path, "--mode", mode, "--db", db).exit_code == 0
    return path


def test_split_files(built, tmp_path):
    out = tmp_path / "data.jsonl"
    result = run("export", "--out", out, "--mode", "majority", "--split", "50/25/25", "--seed", "7", "--db", built)
    assert result.exit_code == 0, result.output
    parts = {name: read_jsonl(tmp_path / f"data.{name}.jsonl") for name in ("train", "dev", "test")}
    groups = [r["group"] for rows in parts.values() for r in rows]
    assert len(groups) == len(set(groups)) == 8
    first = {name: [r["group"] for r in rows] for name, rows in parts.items()}
    run("export", "--out", out, "--mode", "majority", "--split", "50/25/25", "--seed", "7", "--db", built)
    assert {name: [r["group"] for r in read_jsonl(tmp_path / f"data.{name}.jsonl")] for name in parts} == first


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.integers(0, 10_000), st.sampled_from(["fact", "claim", "opinion", "advert"]), max_size=300),
       st.integers(0, 1000))
def test_split_properties(strata, seed):
    shares = parse_split("80/10/10")
    assignment = assign_splits(strata, shares, seed)
    assert assignment.keys() == strata.keys()
    assert assign_splits(dict(reversed(list(strata.items()))), shares, seed) == assignment
    for label in set(strata.values()):
        members = [g for g, l in strata.items() if l == label]
        n = len(members)
        counts = [sum(assignment[g] == which for g in members) for which in range(3)]
        assert sum(counts) == n
        assert all(abs(count - n * share) < 1 for count, share in zip(counts, shares))  # largest remainder


def test_split_sizes_by_largest_remainder():
    from annotator.export import largest_remainder

    shares = parse_split("80/10/10")
    assert [largest_remainder(n, shares) for n in (1, 2, 5, 7, 10, 19)] == [
        [1, 0, 0], [2, 0, 0], [4, 1, 0], [5, 1, 1], [8, 1, 1], [15, 2, 2]]


def test_bad_split_and_empty_database(db_path, tmp_path):
    build(db_path, tmp_path, labels=[])
    out = tmp_path / "empty.jsonl"
    result = run("export", "--out", out, "--db", db_path)
    assert result.exit_code == 0
    assert out.read_text() == ""
    assert "note: no labeled units to export; the file is empty" in result.stderr
    bad = run("export", "--out", out, "--split", "80/20", "--db", db_path)
    assert bad.output == "Error: --split '80/20': expected three shares like 80/10/10\n"
    fmt = run("export", "--out", tmp_path / "x.xlsx", "--db", db_path)
    assert fmt.output == f"Error: {tmp_path}/x.xlsx: unknown format 'xlsx'; use --format (jsonl, csv, parquet)\n"


def test_merge_twice_is_a_no_op(built, tmp_path):
    copy = tmp_path / "copy.db"
    source, target = sqlite3.connect(built), sqlite3.connect(copy)
    source.backup(target)  # a copy that includes what is still in the write-ahead log
    source.close()
    target.close()
    offline = Store(copy)
    sentence = offline.sentence_at(WIRE, 4)
    offline.add_event(sentence.id, "label", "dee", "opinion", "from the train")
    undone = offline.add_event(sentence.id, "label", "eve", "fact")
    offline.undo_event(undone)
    offline.close()
    first = run("merge", copy, "--db", built)
    assert first.output == f"merged {copy}: added 2 labels; 1 event marked undone; 0 splits and joins carried\n"
    rows = Store(built).query("SELECT uid, kind, annotator, label, note, undone FROM events ORDER BY id")
    second = run("merge", copy, "--db", built)
    assert second.output == f"merged {copy}: added nothing new; 0 events marked undone; 0 splits and joins carried\n"
    assert Store(built).query("SELECT uid, kind, annotator, label, note, undone FROM events ORDER BY id") == rows
    assert rows[-2][2:] == ("dee", "opinion", "from the train", 0) and rows[-1][2:] == ("eve", "fact", None, 1)


def test_gold_needs_min_annotators_unless_decided_and_the_card_counts_coverage(built, tmp_path):
    out = tmp_path / "gold.jsonl"
    result = run("export", "--out", out, "--min-annotators", "2", "--db", built)
    assert result.exit_code == 0, result.output
    rows = read_jsonl(out)
    # the single-annotator unit (syndicated 4, ann only) is left out with the disagreements
    assert [(r["doc"], r["index"], r["annotators"]) for r in rows] == [
        (SYND, 1, 3), (SYND, 3, 2), (SYND, 6, 2), (WIRE, 0, 3), (WIRE, 5, 2)]
    assert "left out: 1 unit labeled by fewer than 2 annotators" in result.stderr
    card = (tmp_path / "datacard.md").read_text()
    assert "Units by how many annotators labeled them: 2 annotators: 3 units; 3 annotators: 2 units" in card
    decided = tmp_path / "decided"
    decided.mkdir()
    store = Store(built)
    store.decide(store.sentence_at(SYND, 4).group_id, "lead", "opinion")  # a decision is gold however few voted
    run("export", "--out", decided / "gold.jsonl", "--min-annotators", "2", "--db", built)
    assert (SYND, 4, "lead") in [(r["doc"], r["index"], r["decided_by"]) for r in read_jsonl(decided / "gold.jsonl")]


def test_an_export_never_writes_over_the_database_by_any_name(built, tmp_path):
    import hashlib
    import os

    from conftest import dump

    holder = sqlite3.connect(built)  # a reader keeps the -wal and -shm there, as while others label
    holder.execute("SELECT count(*) FROM events").fetchone()
    files = [built, built.with_name(built.name + "-wal"), built.with_name(built.name + "-shm")]
    digest = lambda: [hashlib.sha256(f.read_bytes()).hexdigest() for f in files]  # noqa: E731
    before, rows = digest(), dump(built)
    links = tmp_path / "links"
    links.mkdir()
    (links / "db.jsonl").symlink_to(built)
    (links / "wal.jsonl").symlink_to(files[1])
    (links / "data.train.jsonl").symlink_to(built)  # where a split export writes its train part
    os.link(built, links / "hard.jsonl")
    cards = tmp_path / "cards"
    cards.mkdir()
    (cards / "datacard.md").symlink_to(files[2])
    journal = built.with_name(built.name + "-journal")
    for out, extra in [(built, []), (files[1], []), (files[2], []), (journal, []), (links / "db.jsonl", []),
                       (links / "wal.jsonl", []), (links / "data.jsonl", ["--split", "80/10/10"]),
                       (links / "hard.jsonl", ["--force"]), (cards / "data.jsonl", [])]:
        result = run("export", "--out", out, "--format", "jsonl", *extra, "--db", built)
        named = links / "data.train.jsonl" if extra[:1] == ["--split"] else cards / "datacard.md" if out.parent == cards else out
        assert (result.exit_code, result.output) == (
            1, f"Error: {named}: is a file of the database {built} itself; writing there would destroy it\n")
    assert digest() == before and not journal.exists() and not (cards / "data.jsonl").exists()
    holder.close()
    assert dump(built) == rows


def test_an_existing_sqlite_file_is_overwritten_only_with_force(built, tmp_path):
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    kept = other.read_bytes()
    result = run("export", "--out", other, "--format", "jsonl", "--db", built)
    assert result.output == (f"Error: {other}: is an SQLite database; choose another name, or use --force to "
                             "overwrite it\n")
    assert other.read_bytes() == kept
    assert run("export", "--out", other, "--format", "jsonl", "--force", "--db", built).exit_code == 0
    assert len(read_jsonl(other)) == 6


def test_a_split_export_to_a_name_without_extension(built, tmp_path):
    out = tmp_path / "data"
    result = run("export", "--out", out, "--format", "jsonl", "--mode", "majority", "--split", "50/25/25", "--db", built)
    assert result.exit_code == 0, result.output
    counts = {name: len(read_jsonl(tmp_path / f"data.{name}")) for name in ("train", "dev", "test")}
    assert result.stdout == "".join(f"wrote {n} row{'s' * (n != 1)} to {tmp_path}/data.{name}\n"
                                    for name, n in counts.items()) + f"wrote {tmp_path}/datacard.md\n"
    assert sum(counts.values()) == 8
