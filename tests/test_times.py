"""Times outside the usual range: one fixed width for every stored time, and no label time before
1970 or more than a day ahead, said in one line naming the row; years near 1 or 9999 crash nothing."""

import json

import pytest

from annotator.store import Store
from helpers import WIRE, build, run


def rows_file(path, times):
    path.write_text("".join(json.dumps({"doc": WIRE, "index": 4, "annotator": who, "label": "fact",
                                        "created_at": at}) + "\n" for who, at in times))
    return path


def test_import_labels_refuses_times_that_are_no_label_times_and_keeps_the_others(db_path, tmp_path):
    build(db_path, tmp_path, labels=[])
    rows = rows_file(tmp_path / "times.jsonl", [
        ("ann", "0999-01-01T00:00:00Z"), ("ann", "0001-01-01T00:00:00+02:00"), ("ann", "9999-12-31T23:59:59-05:00"),
        ("ann", "1969-12-31T23:59:59.999Z"), ("ann", "2999-01-01T00:00:00Z"),
        ("ann", "2025-06-02T12:00:00+02:00"), ("bob", "1970-01-01T00:00:00Z")])
    result = run("import-labels", rows, "--db", db_path)
    assert result.exit_code == 1
    why = "(a label time is from 1970 to a day from now)"
    assert result.output == (
        f"error: {rows}:1: 'created_at' is before 1970-01-01: '0999-01-01T00:00:00Z' {why}\n"
        f"error: {rows}:2: 'created_at' is before 1970-01-01: '0001-01-01T00:00:00+02:00' {why}\n"
        f"error: {rows}:3: 'created_at' is more than a day in the future: '9999-12-31T23:59:59-05:00' {why}\n"
        f"error: {rows}:4: 'created_at' is before 1970-01-01: '1969-12-31T23:59:59.999Z' {why}\n"
        f"error: {rows}:5: 'created_at' is more than a day in the future: '2999-01-01T00:00:00Z' {why}\n"
        "2 labels added, 0 already present, 5 rows skipped\n")
    assert Store(db_path).query("SELECT annotator, created_at FROM events ORDER BY id") == [
        ("ann", "2025-06-02T10:00:00.000Z"), ("bob", "1970-01-01T00:00:00.000Z")]


def test_the_latest_label_wins_whatever_the_year_of_the_other(db_path, tmp_path):
    build(db_path, tmp_path, labels=[])
    store = Store(db_path)
    sid = store.sentence_at(WIRE, 4).id
    with pytest.raises(ValueError, match="before 1970-01-01: '0999-01-01T00:00:00.000Z'"):
        store.add_event(sid, "label", "ann", "fact", created_at="0999-01-01T00:00:00.000Z")
    store.add_events([(sid, "label", "ann", "fact", None, "1999-01-01T00:00:00+01:00", "old")])
    store.add_event(sid, "label", "ann", "claim")  # now
    assert [label for _g, who, label, *_ in store.current_labels()] == ["claim"]
    assert {len(at) for (at,) in store.query("SELECT created_at FROM events")} == {24}


def test_progress_and_stats_read_a_short_year_an_older_release_stored(db_path, tmp_path):
    build(db_path, tmp_path, labels=[])
    store = Store(db_path)
    sid = store.sentence_at(WIRE, 4).id
    store.add_event(sid, "label", "ann", "fact", created_at="2025-01-01T00:00:00.000Z", uid="kept")
    store.add_event(sid, "label", "bob", "fact", created_at="2025-01-01T00:00:00.000Z", uid="short")
    store.conn.execute("UPDATE events SET created_at = '999-01-01T00:00:00.000Z' WHERE uid = 'short'")
    store.conn.commit()
    for command in ("progress", "stats", "agreement"):
        result = run(command, "--json", "--db", db_path)
        assert result.exit_code == 0, result.output
    assert [p["annotator"] for p in json.loads(run("progress", "--json", "--db", db_path).output)["annotators"]] == [
        "ann", "bob"]


def test_times_of_every_year_have_one_width_and_never_overflow():
    from annotator.timestamps import format_utc, label_time, parse, seconds, to_utc

    assert format_utc(parse("0999-01-01T00:00:00Z")) == "0999-01-01T00:00:00.000Z"
    assert format_utc(parse("9999-12-31T23:59:59.999Z")) == "9999-12-31T23:59:59.999Z"
    assert to_utc("0001-01-01T00:00:00+02:00") is None  # the year 0 in UTC: no stored form
    assert to_utc("9999-12-31T23:00:00-05:00") is None
    assert to_utc("999-01-01T00:00:00.000Z") == "0999-01-01T00:00:00.000Z"
    assert seconds("999-01-01T00:00:00.000Z") == seconds("0999-01-01T00:00:00.000Z") == -30641760000.0
    latest = "2025-06-03T10:00:00.000Z"
    assert label_time("2025-06-03T12:00:00+02:00", latest) == latest
    with pytest.raises(ValueError, match="more than a day in the future"):
        label_time("2025-06-03T10:00:00.001Z", latest)
    with pytest.raises(ValueError, match="is not a time: '2025-02-30T00:00:00.000Z'"):
        label_time("2025-02-30T00:00:00.000Z", latest)  # the stored shape is not enough


def test_the_upgrade_pads_the_short_years_an_older_release_stored_so_the_latest_label_wins(db_path, tmp_path):
    from helpers import as_version

    build(db_path, tmp_path, labels=[])
    store = Store(db_path)
    sid = store.sentence_at(WIRE, 4).id
    # as a version-5 release stored them: a label dated in the year 999 sorted after today's
    store.add_event(sid, "label", "ann", "claim", created_at="2025-01-01T00:00:00.000Z", uid="old")
    store.conn.execute("UPDATE events SET created_at = '999-01-01T00:00:00.000Z' WHERE uid = 'old'")
    store.add_event(sid, "label", "ann", "fact", created_at="2025-01-02T00:00:00.000Z", uid="new")
    store.rebuild_current_labels()
    assert store.query("SELECT label FROM current_labels") == [("claim",)]  # the short year wins
    store.close()
    as_version(db_path, 5, "DROP TABLE over_overlap")
    store = Store(db_path)
    assert store.query("SELECT uid, created_at FROM events ORDER BY created_at") == [
        ("old", "0999-01-01T00:00:00.000Z"), ("new", "2025-01-02T00:00:00.000Z")]
    assert store.query("SELECT label FROM current_labels") == [("fact",)]
