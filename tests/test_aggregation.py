"""Aggregation: majority vote, Dawid-Skene and one-coin (annotator/quality/aggregation.py), the `aggregate`
command, `export --mode aggregated` and `review --order uncertain`.

The reference is crowd-kit (tests only), on the RTE data of Snow et al. 2008 (tests/data/README.md)."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from annotator import scheme
from annotator.quality.aggregation import aggregate, dawid_skene, majority_vote, one_coin
from annotator.store import Store
from helpers import run

DATA = Path(__file__).resolve().parent / "data"


def rte() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list, list]:
    """The RTE labels as index arrays: (units, annotators, labels, gold per unit, unit ids, worker ids)."""
    with open(DATA / "rte.standardized.tsv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    tasks = sorted({int(r["orig_id"]) for r in rows})
    workers = sorted({r["!amt_worker_ids"] for r in rows})
    task_of, worker_of = {t: i for i, t in enumerate(tasks)}, {w: i for i, w in enumerate(workers)}
    units = np.array([task_of[int(r["orig_id"])] for r in rows])
    annotators = np.array([worker_of[r["!amt_worker_ids"]] for r in rows])
    labels = np.array([int(r["response"]) for r in rows])
    gold = np.zeros(len(tasks), dtype=int)
    gold[units] = [int(r["gold"]) for r in rows]
    return units, annotators, labels, gold, tasks, workers


def crowdkit_frame(units, annotators, labels):
    pd = pytest.importorskip("pandas")
    return pd.DataFrame({"task": units, "worker": annotators, "label": labels})


def reference(name: str):
    aggregation = pytest.importorskip("crowdkit.aggregation", reason="crowd-kit is not installed (pip install crowd-kit)")
    return {"ds": aggregation.DawidSkene, "one-coin": aggregation.OneCoinDawidSkene}[name]


def same_as_crowdkit(model, frame, ours, n_classes, true_labels=None):
    fitted = reference(model)(n_iter=100)
    fitted = fitted.fit(frame, true_labels) if true_labels is not None else fitted.fit(frame)
    theirs = fitted.probas_.reindex(index=range(len(ours.labels)), columns=range(n_classes), fill_value=0.0)
    assert (theirs.to_numpy().argmax(axis=1) == ours.labels).all()  # the same label on every unit
    assert np.abs(theirs.to_numpy() - ours.posteriors).max() < 1e-4
    assert ours.iterations == len(fitted.loss_history_)  # stopped after the same round
    return fitted


@pytest.mark.parametrize("model", ["ds", "one-coin"])
def test_equals_crowdkit_on_rte(model):
    units, annotators, labels, gold, tasks, workers = rte()
    assert (len(labels), len(tasks), len(workers)) == (8000, 800, 164)  # 10 of 164 annotators per unit
    ours = aggregate(model, units, annotators, labels, n_units=len(tasks), n_annotators=len(workers), n_classes=2)
    fitted = same_as_crowdkit(model, crowdkit_frame(units, annotators, labels), ours, 2)
    if model == "one-coin":  # crowd-kit's skills are our estimated accuracies
        skills = fitted.skills_.reindex(range(len(workers))).to_numpy()
        assert np.abs(skills - ours.accuracy).max() < 1e-4
    # against the expert labels
    assert (ours.labels == gold).mean() == {"ds": 0.9275, "one-coin": 0.925}[model]
    assert (majority_vote(units, annotators, labels, n_units=800, n_annotators=164, n_classes=2).labels
            == gold).mean() == 0.91875  # ties go to the first label, "no"


def test_control_items_equal_crowdkit_true_labels_on_rte():
    units, annotators, labels, gold, tasks, workers = rte()
    control = np.arange(0, 800, 10)  # every tenth unit a control item at its expert label
    pd = pytest.importorskip("pandas")
    ours = dawid_skene(units, annotators, labels, n_units=800, n_annotators=164, n_classes=2,
                       fixed_units=control, fixed_labels=gold[control])
    same_as_crowdkit("ds", crowdkit_frame(units, annotators, labels), ours, 2,
                     true_labels=pd.Series(gold[control], index=control))
    assert (ours.posteriors[control] == np.eye(2)[gold[control]]).all()


@pytest.mark.parametrize("model", ["ds", "one-coin", "majority"])
def test_fixed_units_stay_one_hot_through_every_round(model):
    units, annotators, labels, gold, _tasks, _workers = rte()
    fixed = np.array([3, 17, 40])
    wrong = 1 - gold[fixed]  # even against every vote and the expert
    for rounds in range(1, 6):
        result = aggregate(model, units, annotators, labels, n_units=800, n_annotators=164, n_classes=2,
                           fixed_units=fixed, fixed_labels=wrong, n_iter=rounds)
        assert result.posteriors[fixed].tolist() == np.eye(2)[wrong].tolist()
        assert result.labels[fixed].tolist() == wrong.tolist()


def simulate(accuracies, n_units=1000, per_unit=3, seed=7):
    """Annotators of known accuracy (None: a spammer, answering at random) over the scheme's labels,
    `per_unit` of them drawn for each unit: (units, annotators, labels, truth)."""
    rng = np.random.default_rng(seed)
    k = len(scheme.labels())
    truth = rng.choice(k, size=n_units, p=[0.4, 0.3, 0.2, 0.1])
    units, annotators, labels = [], [], []
    for unit in range(n_units):
        for who in rng.choice(len(accuracies), size=per_unit, replace=False):
            accuracy = accuracies[who]
            if accuracy is None:
                label = rng.integers(k)
            elif rng.random() < accuracy:
                label = truth[unit]
            else:  # a wrong label, each alike
                label = (truth[unit] + rng.integers(1, k)) % k
            units.append(unit), annotators.append(who), labels.append(label)
    return np.array(units), np.array(annotators), np.array(labels), truth


def test_simulated_annotators_accuracy_found_and_beats_majority(capsys):
    accuracies = [0.95, 0.85, 0.75, 0.65, None]  # the last a spammer: right a quarter of the time
    units, annotators, labels, truth = simulate(accuracies)
    k = len(scheme.labels())
    shape = dict(n_units=1000, n_annotators=5, n_classes=k)
    majority = majority_vote(units, annotators, labels, **shape)
    expected = np.array([a if a is not None else 1 / k for a in accuracies])
    right = {"majority": (majority.labels == truth).mean()}
    for model in ("ds", "one-coin"):
        result = aggregate(model, units, annotators, labels, **shape)
        right[model] = (result.labels == truth).mean()
        assert np.abs(result.accuracy - expected).max() < 0.05, (model, result.accuracy)
        assert right[model] > right["majority"]
        with capsys.disabled():
            print(f"\n{model}: estimated accuracy {np.round(result.accuracy, 3).tolist()} (true {expected.tolist()})")
    with capsys.disabled():
        print("labels right: " + ", ".join(f"{m} {v:.3f}" for m, v in right.items()))
    assert right == {"majority": 0.868, "ds": 0.915, "one-coin": 0.916}


@pytest.mark.parametrize("model", ["ds", "one-coin"])
def test_simulated_four_labels_equal_crowdkit(model):
    units, annotators, labels, _truth = simulate([0.9, 0.8, 0.7, 0.6, None, 0.5], n_units=300, per_unit=2, seed=3)
    ours = aggregate(model, units, annotators, labels, n_units=300, n_annotators=6, n_classes=4)
    same_as_crowdkit(model, crowdkit_frame(units, annotators, labels), ours, 4)


def test_confusion_rows_are_chances_of_each_given_label():
    units, annotators, labels, _truth = simulate([0.9, 0.8, None], n_units=400, per_unit=2, seed=5)
    result = dawid_skene(units, annotators, labels, n_units=400, n_annotators=3, n_classes=4)
    assert result.confusion.shape == (3, 4, 4)
    assert np.allclose(result.confusion.sum(axis=2), 1.0)
    assert result.confusion[0, 0, 0] > 0.8  # the 0.9 annotator on the commonest label
    assert one_coin(units, annotators, labels, n_units=400, n_annotators=3, n_classes=4).confusion is None


@pytest.mark.parametrize("arrays, shape, message", [
    (([0, 1], [0], [0, 1]), {}, "units, annotators and labels must be 1-d arrays of equal length"),
    (([0, 2], [0, 0], [0, 1]), {}, "a unit index is outside 0..1"),
    (([0, 1], [0, 0], [0, 4]), {}, "a label index is outside 0..3"),
    (([0, 1], [0, 0], [0, 1]), {"n_classes": 1}, "n_classes must be at least 2, not 1"),
])
def test_bad_arrays_are_refused(arrays, shape, message):
    with pytest.raises(ValueError) as err:
        aggregate("ds", *arrays, **{"n_units": 2, "n_annotators": 1, "n_classes": 4, **shape})
    assert str(err.value) == message
    with pytest.raises(ValueError, match="unknown model 'em': one of ds, one-coin, majority"):
        aggregate("em", [0], [0], [0], n_units=1, n_annotators=1, n_classes=4)


# --- the aggregate command, over a project in several languages -------------------------------------------

SENTENCES = [
    "Die Regierung hat am Montag neue Zölle auf Stahl angekündigt.",
    "Правительство, по мнению экспертов, действует слишком медленно.",
    "Купите наши новые кроссовки со скидкой 50 процентов!",
    "قال وزير المالية إن التضخم سينخفض العام المقبل.",
    "国家统计局表示，去年的失业率为百分之五点二。",
    "Moim zdaniem ta reforma nie ma żadnego sensu.",
    "Η κυβέρνηση ανακοίνωσε νέα μέτρα για τη στέγαση.",
]
# (index, annotator, label): anna is right, boris half right, chen a spammer
VOTES = [
    (0, "anna", "fact"), (0, "boris", "fact"), (0, "chen", "advert"),
    (1, "anna", "opinion"), (1, "boris", "claim"), (1, "chen", "fact"),
    (2, "anna", "advert"), (2, "boris", "advert"), (2, "chen", "opinion"),
    (3, "anna", "claim"), (3, "boris", "claim"), (3, "chen", "claim"),
    (4, "anna", "fact"), (4, "boris", "claim"), (4, "chen", "fact"),
    (5, "anna", "opinion"), (5, "boris", "opinion"), (5, "chen", "advert"),
    (6, "anna", "fact"), (6, "chen", "claim"),
]


@pytest.fixture
def project(db_path, tmp_path):
    doc = tmp_path / "nachrichten.txt"
    doc.write_text("\n\n".join(SENTENCES) + "\n", encoding="utf-8")
    assert run("import", doc, "--db", db_path).exit_code == 0
    store = Store(db_path)
    assert [row[0] for row in store.query("SELECT text FROM sentences ORDER BY idx")] == SENTENCES
    name = store.query("SELECT name FROM documents")[0][0]
    store.close()
    rows = tmp_path / "labels.jsonl"
    rows.write_text("".join(json.dumps({"doc": name, "index": i, "annotator": who, "label": label,
                                        "created_at": f"2026-03-01T10:00:{n:02d}.000Z"}, ensure_ascii=False) + "\n"
                            for n, (i, who, label) in enumerate(VOTES)), encoding="utf-8")
    result = run("import-labels", rows, "--db", db_path)
    assert result.exit_code == 0, result.output
    return db_path


def stored(db_path) -> tuple[list[tuple], list[tuple]]:
    conn = sqlite3.connect(db_path)
    units = conn.execute("SELECT s.idx, a.label, round(a.p, 4), a.model FROM aggregates a "
                         "JOIN sentences s ON s.group_id = a.group_id ORDER BY s.idx").fetchall()
    people = conn.execute("SELECT annotator, model, round(accuracy, 4), confusion IS NOT NULL, units "
                          "FROM aggregate_annotators ORDER BY annotator").fetchall()
    conn.close()
    return units, people


def test_aggregate_majority_stores_each_unit_and_annotator(project):
    result = run("aggregate", "--model", "majority", "--db", project)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[:7] == [
        "model: majority vote",
        "units: 7 (0 control items and 0 review decisions fixed at their label)",
        "mean confidence: 0.643",
        "estimated accuracy per annotator:",
        "  anna   0.643  (7 labels)",
        "  boris  0.611  (6 labels)",
        "  chen   0.500  (7 labels)",
    ]
    assert lines[7].startswith("took ") and lines[7].endswith(" s") and len(lines) == 8
    units, people = stored(project)
    third, half = round(1 / 3, 4), 0.5
    # a tie goes to the scheme's first label: the Russian opinion's three-way split to "fact"
    assert units == [(0, "fact", round(2 / 3, 4), "majority"), (1, "fact", third, "majority"),
                     (2, "advert", round(2 / 3, 4), "majority"), (3, "claim", 1.0, "majority"),
                     (4, "fact", round(2 / 3, 4), "majority"), (5, "opinion", round(2 / 3, 4), "majority"),
                     (6, "fact", half, "majority")]
    # estimated accuracy: the mean posterior of the labels each gave
    assert people == [("anna", "majority", round(4.5 / 7, 4), 0, 7), ("boris", "majority", round(11 / 18, 4), 0, 6),
                      ("chen", "majority", 0.5, 0, 7)]


def test_aggregate_replaces_the_previous_run(project):
    assert run("aggregate", "--model", "majority", "--db", project).exit_code == 0
    result = run("aggregate", "--json", "--db", project)
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    units, people = stored(project)
    assert {row[3] for row in units} == {"ds"} and len(units) == 7
    assert [(name, model, has_confusion) for name, model, _a, has_confusion, _n in people] == [
        ("anna", "ds", 1), ("boris", "ds", 1), ("chen", "ds", 1)]
    assert (figures["model"], figures["units"], figures["fixed_control_items"], figures["fixed_decisions"]) == (
        "ds", 7, 0, 0)
    assert [a["annotator"] for a in figures["annotators"]] == ["anna", "boris", "chen"]
    assert list(figures["annotators"][0]["confusion"]) == list(scheme.labels())
    assert figures["mean_confidence"] == pytest.approx(np.mean([u[2] for u in units]), abs=1e-4)


def group_of(store, index) -> int:
    return store.query("SELECT group_id FROM sentences WHERE idx = ?", (index,))[0][0]


def test_control_items_and_decisions_are_fixed_and_past_overlap_left_out(project):
    store = Store(project)
    sentence = store.query("SELECT id FROM sentences WHERE idx = 1")[0][0]
    with store.transaction():  # the Russian opinion, a control item; chen answers it after
        store.add_control_item(sentence, "opinion", "по мнению экспертов: a view", "file",
                               at="2026-03-01T11:00:00.000Z")
    answer_uid = store.add_event(sentence, "label", "chen", "opinion", created_at="2026-03-01T12:00:00.000Z")
    answer = store.query("SELECT id FROM events WHERE uid = ?", (answer_uid,))[0][0]
    with store.transaction():
        store.mark_control_answer(answer, sentence)
    store.decide(group_of(store, 4), "lead", "claim")  # the Chinese statistic: decided a claim
    store.decide(group_of(store, 6), "lead", "ambiguous")  # not fixed
    late = store.query("SELECT id FROM events WHERE annotator = 'chen' AND sentence_id = "
                       "(SELECT id FROM sentences WHERE idx = 0)")[0][0]
    with store.transaction():
        store.mark_over_overlap(late)  # chen's advert on the German fact came past the overlap
    store.close()
    result = run("aggregate", "--model", "majority", "--db", project)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1] == "units: 7 (1 control item and 1 review decision fixed at their label)"
    units, people = stored(project)
    assert units[0] == (0, "fact", 1.0, "majority")  # anna and boris alone now
    assert units[1] == (1, "opinion", 1.0, "majority")  # the control item, with chen's answer counted
    assert units[4] == (4, "claim", 1.0, "majority")
    assert units[6] == (6, "fact", 0.5, "majority")  # ambiguous: left to the votes
    assert people[2] == ("chen", "majority", round((1 + 0 + 1 / 3 + 1 + 0 + 1 / 3 + 0.5) / 6, 4), 0, 6)


def test_aggregate_with_no_labels_says_so_and_keeps_the_previous_run(project):
    assert run("aggregate", "--db", project).exit_code == 0
    before = stored(project)
    conn = sqlite3.connect(project)
    conn.execute("UPDATE events SET undone = 1 WHERE kind = 'label'")
    conn.commit()
    conn.close()
    result = run("aggregate", "--db", project)
    assert result.exit_code == 1
    assert result.output == "Error: nothing to aggregate: no unit has a label yet\n"
    assert stored(project) == before


# --- export --mode aggregated ------------------------------------------------------------------------------

def test_export_aggregated_without_a_run_is_refused_in_one_line(project, tmp_path):
    out = tmp_path / "out" 
    out.mkdir()
    result = run("export", "--mode", "aggregated", "--out", out / "data.jsonl", "--db", project)
    assert result.exit_code == 1
    assert result.output == f"Error: {project}: no aggregate to export; run `annotator aggregate` first\n"
    assert list(out.iterdir()) == []
    result = run("export", "--min-confidence", "0.5", "--out", out / "data.jsonl", "--db", project)
    assert (result.exit_code, result.output) == (1, "Error: --min-confidence needs --mode aggregated\n")


def test_export_aggregated_writes_label_and_confidence_with_its_card(project, tmp_path):
    assert run("aggregate", "--model", "majority", "--db", project).exit_code == 0
    out = tmp_path / "data.jsonl"
    result = run("export", "--mode", "aggregated", "--min-confidence", "0.6", "--out", out, "--db", project)
    assert result.exit_code == 0, result.output
    assert "left out: 2 units below the minimum confidence" in result.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(r["index"], r["text"], r["label"], r["confidence"], r["model"], r["votes"]) for r in rows] == [
        (0, SENTENCES[0], "fact", 0.666667, "majority", {"advert": 1, "fact": 2}),
        (2, SENTENCES[2], "advert", 0.666667, "majority", {"advert": 2, "opinion": 1}),
        (3, SENTENCES[3], "claim", 1.0, "majority", {"claim": 3}),
        (4, SENTENCES[4], "fact", 0.666667, "majority", {"claim": 1, "fact": 2}),
        (5, SENTENCES[5], "opinion", 0.666667, "majority", {"advert": 1, "opinion": 2}),
    ]
    card = (tmp_path / "datacard.md").read_text(encoding="utf-8")
    section = card[card.index("## Aggregation"):].split("\n\n")
    assert section[1].splitlines()[0].startswith("- model: majority vote (`annotator aggregate --model majority`), run 20")
    assert section[1].splitlines()[1:4] == [
        "- units aggregated: 7, mean confidence 0.643",
        "- rows exported: 5, mean confidence 0.733",
        "- left out under --min-confidence 0.6: 2 units",
    ]
    assert section[3].splitlines() == ["- anna: 0.643 over 7 labels", "- boris: 0.611 over 6 labels",
                                       "- chen: 0.500 over 7 labels"]


@pytest.mark.parametrize("suffix", ["csv", "parquet"])
def test_export_aggregated_in_every_format(project, tmp_path, suffix):
    assert run("aggregate", "--model", "majority", "--db", project).exit_code == 0
    out = tmp_path / f"data.{suffix}"
    result = run("export", "--mode", "aggregated", "--out", out, "--db", project)
    assert result.exit_code == 0, result.output
    if suffix == "csv":
        with open(out, encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        got = [(r["text"], r["label"], float(r["confidence"])) for r in rows]
    else:
        pq = pytest.importorskip("pyarrow.parquet")
        got = [(r["text"], r["label"], r["confidence"]) for r in pq.read_table(out).to_pylist()]
    assert got == [(SENTENCES[i], label, p) for i, label, p in [
        (0, "fact", 0.666667), (1, "fact", 0.333333), (2, "advert", 0.666667), (3, "claim", 1.0),
        (4, "fact", 0.666667), (5, "opinion", 0.666667), (6, "fact", 0.5)]]


# --- review --order uncertain ------------------------------------------------------------------------------

def test_review_order_uncertain_takes_the_least_sure_first(project):
    from annotator.review import Review, review_queue

    result = run("review", "--order", "uncertain", "--db", project)
    assert (result.exit_code, result.output) == (
        1, f"Error: {project}: no aggregate to order by; run `annotator aggregate` first\n")
    assert run("aggregate", "--model", "majority", "--db", project).exit_code == 0
    store = Store(project)
    group = {i: group_of(store, i) for i in range(7)}
    conn = sqlite3.connect(project)  # the Polish opinion as if labeled after the run: no aggregate
    conn.execute("DELETE FROM aggregates WHERE group_id = ?", (group[5],))
    conn.commit()
    conn.close()
    # 1/3 (the Russian three-way split), 1/2, then 2/3 by unit, then the unit without an aggregate; the
    # Arabic claim all three agree on (posterior 1) is not in the queue
    expected = [group[i] for i in (1, 6, 0, 2, 4, 5)]
    assert review_queue(store, order="uncertain") == expected
    assert Review(store, "lead", order="uncertain").units == expected
    assert review_queue(store) == [group[i] for i in (1, 6, 0, 2, 4, 5)]  # split order: the aggregate unread
    conn = sqlite3.connect(project)
    conn.execute("UPDATE aggregates SET p = 0.9 WHERE group_id = ?", (group[1],))
    conn.commit()
    conn.close()
    assert review_queue(store, order="uncertain") == [group[i] for i in (6, 0, 2, 4, 1, 5)]
    assert review_queue(store) == [group[i] for i in (1, 6, 0, 2, 4, 5)]
    store.close()


def test_review_order_uncertain_adds_units_the_annotators_agree_on_but_the_model_doubts(project):
    from annotator.review import review_queue

    assert run("aggregate", "--model", "majority", "--db", project).exit_code == 0
    store = Store(project)
    arabic = group_of(store, 3)
    assert arabic not in review_queue(store, order="uncertain")  # all three agree: posterior 1
    conn = sqlite3.connect(project)  # as a model that weighs the three by their reliability might
    conn.execute("UPDATE aggregates SET p = 0.4 WHERE group_id = ?", (arabic,))
    conn.commit()
    conn.close()
    assert review_queue(store, order="uncertain")[:2] == [group_of(store, 1), arabic]
    assert arabic not in review_queue(store)  # not a disagreement
    store.close()


def test_a_write_that_fails_halfway_keeps_the_previous_run(project):
    assert run("aggregate", "--model", "majority", "--db", project).exit_code == 0
    before = stored(project)

    def units():
        yield from [(1, "fact", 0.9), (2, "claim", 0.8)]
        raise OSError("disk gone")

    store = Store(project)
    with pytest.raises(OSError):
        store.replace_aggregate("ds", units(), [("anna", 0.9, None, 7)])
    store.close()
    assert stored(project) == before


CHECKWORTHY = """
name = "checkworthy"
[[labels]]
name = "nein"
key = "i"
colour = "grey"
definition = "nicht prüfenswert"
[[labels]]
name = "vielleicht"
key = "e"
colour = "$primary-muted"
definition = "eine Tatsache, aber unwichtig"
[[labels]]
name = "ja"
key = "c"
colour = "crimson"
definition = "prüfenswerte Tatsachenbehauptung"
"""


def test_a_projects_own_labels_are_the_classes(db_path, tmp_path):
    doc = tmp_path / "meldungen.txt"
    doc.write_text("\n\n".join(SENTENCES[:4]) + "\n", encoding="utf-8")
    assert run("import", doc, "--db", db_path).exit_code == 0
    (tmp_path / "checkworthy.toml").write_text(CHECKWORTHY, encoding="utf-8")
    assert run("project", "labels", "set", tmp_path / "checkworthy.toml", "--db", db_path).exit_code == 0
    store = Store(db_path)
    name = store.query("SELECT name FROM documents")[0][0]
    store.close()
    votes = [(0, "anna", "ja"), (0, "boris", "ja"), (1, "anna", "nein"), (1, "boris", "vielleicht"),
             (2, "anna", "nein"), (2, "boris", "nein"), (3, "anna", "ja"), (3, "boris", "vielleicht")]
    rows = tmp_path / "labels.jsonl"
    rows.write_text("".join(json.dumps({"doc": name, "index": i, "annotator": who, "label": label},
                                       ensure_ascii=False) + "\n" for i, who, label in votes), encoding="utf-8")
    assert run("import-labels", rows, "--db", db_path).exit_code == 0
    figures = json.loads(run("aggregate", "--json", "--db", db_path).output)
    assert list(figures["annotators"][0]["confusion"]) == ["nein", "vielleicht", "ja"]
    assert list(figures["annotators"][0]["confusion"]["ja"]) == ["nein", "vielleicht", "ja"]
    units, _people = stored(db_path)
    assert [(index, label) for index, label, _p, _m in units][:3] == [(0, "ja"), (1, "nein"), (2, "nein")]
    assert {label for _i, label, _p, _m in units} <= {"nein", "vielleicht", "ja"}
    assert run("aggregate", "--model", "majority", "--db", db_path).exit_code == 0
    # a tie goes to the scheme's first label: "nein" before "vielleicht", "vielleicht" before "ja"
    assert [label for _i, label, _p, _m in stored(db_path)[0]] == ["ja", "nein", "nein", "vielleicht"]


# --- the figures: stale aggregates, training labels, every aggregated unit accounted for ----------------

def aggregation_section(folder: Path) -> list[str]:
    card = (folder / "datacard.md").read_text(encoding="utf-8")
    return card[card.index("## Aggregation"):].split("\n\n")


def test_a_unit_voted_on_after_the_run_is_left_out_and_counted(project, tmp_path):
    assert run("aggregate", "--model", "ds", "--db", project).exit_code == 0
    store = Store(project)
    name = store.query("SELECT name FROM documents")[0][0]
    store.close()
    late = tmp_path / "late.jsonl"  # w9 labels the German fact after the run
    late.write_text(json.dumps({"doc": name, "index": 0, "annotator": "w9", "label": "advert"}) + "\n",
                    encoding="utf-8")
    assert run("import-labels", late, "--db", project).exit_code == 0
    out = tmp_path / "out"
    out.mkdir()
    result = run("export", "--mode", "aggregated", "--out", out / "data.jsonl", "--db", project)
    assert result.exit_code == 0, result.output
    assert "left out: 1 unit labeled after the last `annotator aggregate`" in result.output
    rows = [json.loads(line) for line in (out / "data.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["index"] for r in rows] == [1, 2, 3, 4, 5, 6]
    assert aggregation_section(out)[1].splitlines()[2:5] == [
        "- rows exported: 6" + aggregation_section(out)[1].splitlines()[2][len("- rows exported: 6"):],
        "- no minimum confidence",
        "- left out, labeled after the run (their aggregate is stale: run `annotator aggregate` again): 1 unit",
    ]


def test_training_labels_are_no_annotator_of_the_aggregate(project, tmp_path):
    store = Store(project)
    third = store.query("SELECT id FROM sentences WHERE idx = 3")[0][0]
    with store.transaction():
        store.add_control_item(third, "claim", "قال الوزير: a claim", "file")
    store.add_event(third, "label", "neu", "fact", source="training")
    store.add_event(third, "label", "neu", "opinion", source="training")
    store.close()
    result = run("aggregate", "--model", "majority", "--db", project)
    assert result.exit_code == 0, result.output
    assert "neu" not in result.output
    _units, people = stored(project)
    assert [p[0] for p in people] == ["anna", "boris", "chen"]
    out = tmp_path / "out"
    out.mkdir()
    assert run("export", "--mode", "aggregated", "--out", out / "data.jsonl", "--db", project).exit_code == 0
    assert aggregation_section(out)[3].splitlines() == [
        "- anna: 0.643 over 7 labels", "- boris: 0.611 over 6 labels", "- chen: 0.500 over 7 labels"]


def test_every_aggregated_unit_is_accounted_for_on_the_card(project, tmp_path):
    store = Store(project)
    third = store.query("SELECT id FROM sentences WHERE idx = 3")[0][0]
    fifth = store.query("SELECT id FROM sentences WHERE idx = 5")[0][0]
    store.query("UPDATE events SET undone = 1 WHERE sentence_id = ?", (third,))
    with store.transaction():  # the Arabic claim: a control unit with control answers only
        store.add_control_item(third, "claim", "قال الوزير: a claim", "file")
    store.add_event(third, "label", "anna", "claim")
    store.add_event(third, "label", "boris", "claim")
    store.close()
    assert run("aggregate", "--model", "majority", "--db", project).exit_code == 0
    conn = sqlite3.connect(project)  # the Polish opinion's labels are undone after the run
    conn.execute("UPDATE events SET undone = 1 WHERE sentence_id = ?", (fifth,))
    conn.commit()
    conn.close()
    out = tmp_path / "out"
    out.mkdir()
    result = run("export", "--mode", "aggregated", "--min-confidence", "0.6", "--out", out / "data.jsonl",
                 "--db", project)
    assert result.exit_code == 0, result.output
    assert aggregation_section(out)[1].splitlines()[1:] == [
        "- units aggregated: 7, mean confidence 0.643",
        "- rows exported: 3, mean confidence 0.667",
        "- left out under --min-confidence 0.6: 2 units",
        "- control units whose only labels are control answers, not exported as data: 1 unit",
        "- without a vote now (labels undone or given past the overlap since the run): 1 unit",
        "- confidence: the posterior probability of the exported label under the model; control items and "
        "review decisions were fixed at their label (confidence 1)",
    ]


def test_a_vote_given_while_the_run_reads_makes_its_unit_stale(project, tmp_path):
    from annotator.quality.aggregate_run import run_aggregation

    store = Store(project)
    read = store.aggregation_votes

    def votes_then_a_new_one():
        rows = read().fetchall()
        first = store.query("SELECT id FROM sentences WHERE idx = 0")[0][0]
        store.add_event(first, "label", "dora", "fact")  # given after the votes were read
        return rows

    store.aggregation_votes = votes_then_a_new_one
    run_aggregation(store, "majority")
    store.close()
    out = tmp_path / "data.jsonl"
    result = run("export", "--mode", "aggregated", "--out", out, "--db", project)
    assert "left out: 1 unit labeled after the last `annotator aggregate`" in result.output
    assert [json.loads(line)["index"] for line in out.read_text(encoding="utf-8").splitlines()] == [1, 2, 3, 4, 5, 6]


GERMAN = "".join(f'[[labels]]\nname = "{name}"\nkey = "{key}"\ncolour = "{colour}"\n' for name, key, colour in (
    ("Tatsache", "f", "green"), ("claim", "c", "yellow"), ("opinion", "o", "blue"), ("advert", "a", "red")))


def test_only_a_new_vote_makes_a_unit_stale_not_a_label_past_the_overlap_or_a_renaming(project, tmp_path):
    assert run("aggregate", "--model", "majority", "--db", project).exit_code == 0
    assert run("project", "set", "overlap", "2", "--db", project).exit_code == 0
    store = Store(project)
    name = store.query("SELECT name FROM documents")[0][0]
    late = tmp_path / "late.jsonl"  # w9 labels the German fact after the run, past its overlap of 2
    late.write_text(json.dumps({"doc": name, "index": 0, "annotator": "w9", "label": "advert"}) + "\n",
                    encoding="utf-8")
    assert run("import-labels", late, "--db", project).exit_code == 0
    (tmp_path / "de.toml").write_text(f'name = "de"\n{GERMAN}', encoding="utf-8")
    assert run("project", "labels", "set", tmp_path / "de.toml", "--map", "fact=Tatsache", "--db", project
               ).exit_code == 0
    created = store.aggregate_summary()["created_at"]
    assert store.query("SELECT count(*) FROM events WHERE source LIKE 'map:%'")[0][0] > 0
    assert store.groups_voted_since(created) == set()
    store.add_event(store.query("SELECT id FROM sentences WHERE idx = 2")[0][0], "label", "w9", "claim")
    assert store.groups_voted_since(created) == {group_of(store, 2)}
