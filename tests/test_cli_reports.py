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
