"""Sources: where a document's outlet and date come from, provenance of copies, the source table,
and exports split by source."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.export import SPLIT_NAMES, assign_by_source
from annotator.ingest import domain
from annotator.sources import bar, source_table
from annotator.store import Store
from helpers import run

SHARED = "The central bank raised its main rate by 0.25 points to 4.5% on Thursday."


def write_jsonl(path, records):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def meta(store: Store, name: str):
    return store.document_meta(store.document_id(name))


def test_source_and_date_come_from_each_place_in_order(tmp_path, db_path):
    folder = tmp_path / "wire-archive"
    write_jsonl(folder / "docs.jsonl", [
        {"id": "a", "text": "One.", "source": "Reuters", "url": "https://www.apnews.com/x", "date": "2024-03-01"},
        {"id": "b", "text": "Two.", "url": "https://www.apnews.com/article/1", "published": "2024-03-02T10:00:00+02:00"},
        {"id": "c", "text": "Three.", "url": "news.example.org/item"},
        {"id": "d", "text": "Four.", "source": "  "},
    ])
    (folder / "note.txt").write_text("A plain file.\n")
    assert run("import", folder, "--db", db_path).exit_code == 0
    store = Store(db_path)
    assert meta(store, "a") == ("Reuters", "2024-03-01T00:00:00.000Z")  # the field beats the URL
    assert meta(store, "b") == ("apnews.com", "2024-03-02T08:00:00.000Z")  # the URL's domain, without www.
    assert meta(store, "c") == ("news.example.org", None)
    assert meta(store, "d") == ("wire-archive", None)  # else the folder
    assert meta(store, "wire-archive/note.txt") == ("wire-archive", None)
    # import --source names the outlet of a whole import, over everything else
    other = write_jsonl(tmp_path / "more" / "x.jsonl", [{"id": "e", "text": "Five.", "source": "Reuters"}])
    assert run("import", other, "--source", "Agence X", "--db", db_path).exit_code == 0
    assert meta(store, "e") == ("Agence X", None)
    assert run("import", other, "--source", " ", "--db", db_path).output == (
        "Error: --source: give the outlet's name, not an empty one\n")


def test_a_date_that_is_not_one_is_refused_with_its_line(tmp_path, db_path):
    path = write_jsonl(tmp_path / "bad.jsonl", [{"id": "a", "text": "One."}, {"id": "b", "text": "Two.", "date": "soon"}])
    result = run("import", path, "--db", db_path)
    assert result.exit_code == 1
    assert f"{path}:2: 'date' is not a date or time: 'soon'" in result.output


def test_html_metadata_gives_outlet_and_date(tmp_path, db_path):
    body = "<p>" + " ".join(f"The harbour reopened after {n} days of the strike, officials said." for n in range(8)) + "</p>"
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "a.html").write_text(
        '<html><head><title>Harbour</title><meta property="og:site_name" content="The Halden Post">'
        '<link rel="canonical" href="https://www.haldenpost.no/harbour">'
        '<meta property="article:published_time" content="2024-05-06T07:30:00Z"></head>'
        f"<body><article>{body}</article></body></html>")
    (tmp_path / "site" / "b.html").write_text(
        '<html><head><title>Harbour 2</title><link rel="canonical" href="https://www.nordicwire.com/h2">'
        f"</head><body><article>{body.replace('harbour', 'port')}</article></body></html>")
    assert run("import", tmp_path / "site", "--db", db_path).exit_code == 0
    store = Store(db_path)
    assert meta(store, "site/a.html") == ("The Halden Post", "2024-05-06T07:30:00.000Z")
    assert meta(store, "site/b.html")[0] == "nordicwire.com"


def test_domain():
    assert domain("https://www.reuters.com/world/x") == "reuters.com"
    assert domain("http://WWW.Example.ORG:8080/a") == "example.org"
    assert domain("apnews.com/article") == "apnews.com"
    assert domain("") is None and domain(None) is None


@pytest.fixture
def outlets(tmp_path, db_path):
    """Three outlets. The shared sentence is first published by B (dated earlier than A; C undated)."""
    write_jsonl(tmp_path / "in" / "docs.jsonl", [
        {"id": "a1", "source": "A", "date": "2024-03-02", "text": f"{SHARED} Prices rose 3% in March. Shops were full."},
        {"id": "b1", "source": "B", "date": "2024-03-01", "text": f"{SHARED} The decision was widely expected."},
        {"id": "c1", "source": "C", "text": f"{SHARED} This is a disaster for savers. Buy gold now at goldshop.example!"},
        {"id": "a2", "source": "A", "date": "2024-03-05", "text": "The mayor opened a new bridge on Friday."},
    ])
    assert run("import", tmp_path / "in", "--db", db_path).exit_code == 0
    return db_path


def test_the_original_of_a_group_is_its_earliest_document(outlets, tmp_path):
    store = Store(outlets)
    shared = store.sentence_at("a1", 0)
    assert {store.sentence_at(d, 0).group_id for d in ("a1", "b1", "c1")} == {shared.group_id}
    for who in ("ann", "bob"):
        store.add_event(shared.id, "label", who, "fact")
    assert run("export", "--out", tmp_path / "gold.jsonl", "--db", outlets).exit_code == 0
    row = json.loads((tmp_path / "gold.jsonl").read_text())
    assert (row["source"], row["published"], row["copies_in"]) == ("B", "2024-03-01T00:00:00.000Z", ["A", "C"])


def test_originality_and_label_shares_to_the_unit(outlets):
    store = Store(outlets)
    labels = {("a1", 0): "fact", ("a1", 1): "fact", ("a1", 2): "opinion", ("a2", 0): "fact",
              ("b1", 1): "claim", ("c1", 1): "opinion", ("c1", 2): "advert"}
    for (doc, index), label in labels.items():
        store.add_event(store.sentence_at(doc, index).id, "label", "ann", label)
    store.add_event(store.sentence_at("a1", 2).id, "label", "bob", "claim")  # a tie: no label for that unit
    store.add_event(store.sentence_at("c1", 2).id, "label", "bob", "advert")
    store.decide(store.sentence_at("a1", 1).group_id, "lead", "claim")  # the decision counts, not ann's fact
    rows = {r["source"]: r for r in source_table(store)}
    a, b, c = rows["A"], rows["B"], rows["C"]
    assert (a["documents"], a["sentences"], a["units"], a["labeled_units"]) == (2, 4, 4, 3)
    assert a["labels"] == {"fact": 2 / 3, "claim": 1 / 3, "opinion": 0.0, "advert": 0.0}
    assert a["originality"] == 3 / 4 and a["copies_from"] == [{"source": "B", "units": 1}]
    assert b["originality"] == 1.0 and b["copies_from"] == [] and b["labels"]["fact"] == 0.5
    assert c["originality"] == 2 / 3 and c["labels"] == {"fact": 1 / 3, "claim": 0.0, "opinion": 1 / 3, "advert": 1 / 3}
    assert c["alpha"] is None  # the one unit two people labeled, they agree on: alpha undefined (one value)
    assert [r["source"] for r in source_table(store)] == ["A", "C", "B"]  # by units
    assert [r["source"] for r in source_table(store, sort="originality")] == ["B", "A", "C"]
    assert [r["source"] for r in source_table(store, min_units=3)] == ["A", "C"]
    listed = json.loads(run("sources", "--json", "--db", outlets).output)
    assert [r["source"] for r in listed] == ["A", "C", "B"]
    docs = json.loads(run("sources", "A", "--json", "--db", outlets).output)
    assert [d["doc"] for d in docs] == ["a1", "a2"]
    assert run("sources", "Z", "--db", outlets).output == "Error: no documents from source 'Z' (annotator sources lists them)\n"
    assert "copies from" in run("sources", "--db", outlets).output


def test_bar_cells_add_up():
    assert bar({"fact": 2 / 3, "claim": 1 / 3, "opinion": 0.0}, 20) == [("fact", 13), ("claim", 7)]
    assert bar({"fact": None}) == []


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 8), st.sampled_from(["fact", "claim", "opinion", "advert"])),
                min_size=1, max_size=120),
       st.sampled_from([(0.8, 0.1, 0.1), (0.5, 0.5, 0.0), (1 / 3, 1 / 3, 1 / 3)]), st.integers(0, 3))
def test_split_by_source_never_puts_a_source_or_group_in_two_splits(units, shares, seed):
    assignment, placed = assign_by_source({g: (f"s{s}", label) for g, (s, label) in enumerate(units)}, shares, seed)
    assert set(assignment) == set(range(len(units)))  # every group once, so in one split
    for group, (source, _label) in enumerate(units):
        assert assignment[group] == placed[f"s{source}"]  # with its source
    assert all(shares[i] > 0 for i in placed.values())


def test_export_split_by_source(tmp_path, db_path):
    records = []
    for s in range(6):
        for d in range(3):
            records.append({"id": f"s{s}d{d}", "source": f"outlet{s}",
                            "text": f"Outlet {s} story {d} reports {s * 10 + d} new cases today. Then more."})
    write_jsonl(tmp_path / "in" / "docs.jsonl", records)
    assert run("import", tmp_path / "in", "--db", db_path).exit_code == 0
    store = Store(db_path)
    for s in store.query("SELECT id FROM sentences"):
        store.add_event(s[0], "label", "ann", "fact")
    out = tmp_path / "data.jsonl"
    result = run("export", "--out", out, "--split", "60/20/20", "--split-by", "source", "--min-annotators", "1",
                 "--db", db_path)
    assert result.exit_code == 0, result.output
    where: dict[str, set] = {}
    for name in SPLIT_NAMES:
        for line in open(f"{tmp_path}/data.{name}.jsonl"):
            where.setdefault(json.loads(line)["source"], set()).add(name)
    assert all(len(splits) == 1 for splits in where.values()) and len(where) == 6
    card = (tmp_path / "datacard.md").read_text()
    assert "## Sources" in card and "train, dev and test outlets are disjoint" in card
    assert run("export", "--out", out, "--split-by", "source", "--db", db_path).output == (
        "Error: --split-by source needs --split (e.g. --split 80/10/10)\n")
