"""What `disagreements` and `stats` tell a lead: the reviewer's comment on a decision, and what the
per-label counts add up to."""

from __future__ import annotations

import json

import pytest

from annotator.store import Store
from helpers import SYND, WIRE, build, run


@pytest.fixture
def built(db_path, tmp_path):
    build(db_path, tmp_path)
    return db_path


def test_disagreements_show_the_decision_and_its_comment(built):
    store = Store(built)
    comment = "Laut Hafenbehörde belegt: Meldung vom 3. März, S. 2"
    store.decide(store.sentence_at(SYND, 2).group_id, "Małgorzata", "fact", comment=comment)
    store.decide(store.sentence_at(WIRE, 4).group_id, "lead", "claim")
    listing = json.loads(run("disagreements", "--json", "--db", built).output)
    assert [(u["index"], u["decision"], u["decided_by"], u["decision_comment"]) for u in listing] == [
        (2, "fact", "Małgorzata", comment), (4, "claim", "lead", None), (6, None, None, None)]
    text = run("disagreements", "--db", built).output.splitlines()
    assert f"  decided: fact by Małgorzata  comment: {comment}" in text
    assert "  decided: claim by lead" in text


def test_stats_say_the_label_counts_are_labels_not_units(built):
    result = run("stats", "--db", built)
    assert result.exit_code == 0
    lines = result.output.splitlines()
    at = lines.index("labeled     9  (groups with a label)")
    assert lines[at + 1:at + 7] == [
        "labels      21  (one per annotator per unit: a unit labeled by two people counts twice)",
        "  advert    2", "  claim     5", "  fact      11", "  opinion   3",
        "annotators  (labels each)"]


def test_every_command_that_lists_sentences_numbers_them_from_1(built):
    # JSON keeps `index` from 0 (data); the text people read says DOC:N from 1, as the screen and dupes do
    listing = json.loads(run("disagreements", "--all", "--json", "--db", built).output)
    text = run("disagreements", "--all", "--db", built).output.splitlines()
    refs = [line.split()[2] for line in text if line.startswith("group ")]
    assert refs == [f"{u['doc']}:{u['index'] + 1}" for u in listing]
    assert refs[0] == f"{SYND}:3" and listing[0]["index"] == 2
    shown = run("next", "--annotator", "Grzegorz Brzęczyszczykiewicz", "--db", built).output.splitlines()
    assert shown[0].endswith("for you (sentence numbers count from 1, as the screen and DOC:N do)")
    first = Store(built).sentence_at(shown[0].split(":")[0], 0).text
    assert shown[1] == f"     1  {first}"


def test_joining_a_sentence_with_itself_is_refused_in_one_line(built):
    before = Store(built).sentence_at(SYND, 1).group_id
    result = run("dupes", "join", f"{SYND}:2", f"#{Store(built).sentence_at(SYND, 1).id}", "--db", built)
    assert result.exit_code == 1
    assert result.output == f"Error: {SYND}:2 and #{Store(built).sentence_at(SYND, 1).id} are the same sentence: give two to join\n"
    assert Store(built).sentence_at(SYND, 1).group_id == before
    assert Store(built).conn.execute("SELECT count(*) FROM dedup_edits").fetchone()[0] == 0


@pytest.mark.parametrize("name", ["", "  "])
def test_an_empty_annotator_name_is_refused_in_one_line(built, name):
    # every command resolves --annotator alike (annotate and review too), rather than take the login name
    result = run("next", "--annotator", name, "--db", built)
    assert result.exit_code == 1
    assert result.output == "Error: --annotator: 'annotator' must be a non-empty string\n"
