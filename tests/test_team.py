"""Team projects: routing documents with an overlap, leases, the queue, progress and settings."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter, defaultdict

import numpy as np
import pytest

from annotator.session import Session
from annotator.store import SCHEMA_VERSION, Store
from annotator.team import active_rate, next_document, progress
from annotator.timestamps import now, shift
from helpers import as_version, run, upgrade_notice

T0 = "2026-03-01T09:00:00.000Z"
SHARED = "The port authority said on Monday that 1,200 containers were stuck at the quay."


def corpus(folder, docs: int = 12, per_doc: int = 4):
    """JSONL documents with sentences of their own; every third one also carries one shared sentence
    (a syndicated paragraph), so some units are in several documents."""
    path = folder / "docs.jsonl"
    with open(path, "w") as out:
        for d in range(docs):
            own = [f"Document {d} reports finding number {d * 10 + i} about harbour {chr(65 + i)} district."
                   for i in range(per_doc)]
            if d % 3 == 0:
                own.insert(1, SHARED)
            out.write(json.dumps({"id": f"doc{d:02d}", "text": " ".join(own)}) + "\n")
    return path


@pytest.fixture
def project(tmp_path, db_path):
    assert run("import", corpus(tmp_path), "--db", db_path).exit_code == 0
    return db_path


def label_lease(store: Store, who: str, doc_id: int, at: str, label: str = "fact") -> int:
    """Label every unit this annotator holds in the document, as a script through `next` would."""
    name = store.document(doc_id)[0]
    done = 0
    for index in store.leased_indices(who, doc_id):
        sentence = store.sentence_at(name, index)
        store.add_event(sentence.id, "label", who, label, created_at=at)
        done += 1
    return done


def coverage_by_unit(store: Store) -> dict[int, set[str]]:
    out: dict[int, set[str]] = defaultdict(set)
    for group, who, _label, _sid, _at in store.current_labels():
        out[group].add(who)
    return out


def work_until_empty(store: Store, people: list[str]) -> Counter:
    """Each annotator in turn asks for a document and labels what they hold, until nobody gets one."""
    handed: Counter = Counter()  # (unit, annotator) -> times handed
    active = list(people)
    step = 0
    while active:
        for who in list(active):
            at = shift(T0, step)
            step += 1
            doc = store.route_next(who, at)
            if doc is None:
                active.remove(who)
                continue
            name = store.document(doc)[0]
            for index in store.leased_indices(who, doc):
                handed[(store.sentence_at(name, index).group_id, who)] += 1
            label_lease(store, who, doc, at)
    return handed


@pytest.mark.parametrize("overlap, expected", [("1", 1), ("2", 2), ("all", 5)])
def test_overlap_gives_exactly_the_coverage_asked(project, overlap, expected):
    assert run("project", "set", "overlap", overlap, "--db", project).exit_code == 0
    store = Store(project)
    people = ["ann", "bob", "cy", "dee", "eve"]
    handed = work_until_empty(store, people)
    units = store.count_groups()
    coverage = coverage_by_unit(store)
    assert len(coverage) == units  # every unit labeled
    assert Counter(len(who) for who in coverage.values()) == {expected: units}
    assert max(handed.values()) == 1  # no unit handed twice to the same person
    if overlap == "1":  # nobody was handed a unit someone else had labeled
        assert len({unit for unit, _ in handed}) == len(handed) == units
        assert len({who for _, who in handed}) == 5  # the work was shared out


def test_a_copy_labeled_in_another_document_counts_as_covered(project):
    store = Store(project)
    store.set_project("overlap", "1")
    shared = [s for s in store.query("SELECT id, doc_id FROM sentences WHERE text = ?", (SHARED,))]
    assert len(shared) == 4  # in doc00, doc03, doc06, doc09, one unit
    doc = store.route_next("ann", T0)
    assert store.document(doc)[0] == "doc00"
    label_lease(store, "ann", doc, T0)
    later = store.route_next("bob", shift(T0, 1))
    assert store.document(later)[0] == "doc01"
    # doc03's own sentences are still open, its shared one is not
    for _ in range(2):
        doc = store.route_next("bob", shift(T0, 2))
        label_lease(store, "bob", doc, shift(T0, 2))
    doc = store.route_next("bob", shift(T0, 3))
    assert store.document(doc)[0] == "doc03"
    texts = [store.sentence_at("doc03", i).text for i in store.leased_indices("bob", doc)]
    assert SHARED not in texts and len(texts) == 4


def test_a_fully_covered_document_is_never_handed_out(project, tmp_path):
    rows = tmp_path / "labels.jsonl"
    store = Store(project)
    with open(rows, "w") as out:
        for name in ("doc00", "doc01"):
            for s in store.document_sentences(store.document_id(name)):
                out.write(json.dumps({"doc": name, "index": s.index, "annotator": "zed", "label": "fact"}) + "\n")
    assert run("import-labels", rows, "--db", project).exit_code == 0
    assert run("project", "set", "overlap", "1", "--db", project).exit_code == 0
    found = json.loads(run("next", "--annotator", "ann", "--json", "--db", project).output)
    assert found["doc"] == "doc02"
    assert found["units"] == 4 and [s["index"] for s in found["sentences"]] == [0, 1, 2, 3]
    # asked again before labeling: the same lease
    assert json.loads(run("next", "--annotator", "ann", "--json", "--db", project).output)["doc"] == "doc02"
    # the closed documents are marked, so the next scan skips them
    assert store.query("SELECT doc_id FROM routing WHERE open = 0 ORDER BY doc_id") == [
        (store.document_id("doc00"),), (store.document_id("doc01"),)]


def test_a_lapsed_lease_goes_to_someone_else(project):
    store = Store(project)
    store.set_project("overlap", "1")
    first = store.route_next("ann", T0)
    # ann labels one sentence, then walks away
    name = store.document(first)[0]
    index = store.leased_indices("ann", first)[0]
    store.add_event(store.sentence_at(name, index).id, "label", "ann", "fact", created_at=T0)
    store.touch_lease("ann", T0)
    assert store.route_next("bob", shift(T0, 29 * 60)) != first  # 29 idle minutes: still ann's
    handed = store.route_next("cy", shift(T0, 31 * 60))  # 31 idle minutes: back in the pool
    assert handed == first
    assert store.leased_indices("cy", first) == [1, 2, 3, 4]  # all but the sentence ann labeled
    assert "ann" not in store.leases(shift(T0, 31 * 60))


def test_undo_reopens_a_closed_document(project):
    store = Store(project)
    store.set_project("overlap", "1")
    doc = store.route_next("ann", T0)
    name = store.document(doc)[0]
    uids = [store.add_event(store.sentence_at(name, i).id, "label", "ann", "fact", created_at=T0)
            for i in store.leased_indices("ann", doc)]
    assert store.route_next("ann", shift(T0, 1)) != doc  # ann moves on
    store.route_next("bob", shift(T0, 2))  # closes doc00 on the way
    assert store.query("SELECT open FROM routing WHERE doc_id = ?", (doc,)) == [(0,)]
    store.undo_event(uids[-1])
    assert store.query("SELECT open FROM routing WHERE doc_id = ?", (doc,)) == [(1,)]
    assert store.route_next("cy", shift(T0, 5)) == doc


WORKER = """
import sys
from annotator.store import Store
from annotator.timestamps import now
store = Store(sys.argv[1], patience=60)
who = sys.argv[2]
handed = []
while (doc := store.route_next(who, now())) is not None:
    name = store.document(doc)[0]
    for index in store.leased_indices(who, doc):
        s = store.sentence_at(name, index)
        handed.append(s.group_id)
        store.add_event(s.id, "label", who, "fact", touch_lease=True)
print(" ".join(map(str, handed)))
"""


@pytest.mark.parametrize("overlap", [1, 2])
def test_annotator_processes_at_once_get_exactly_the_overlap(tmp_path, db_path, overlap):
    assert run("import", corpus(tmp_path, docs=40), "--db", db_path).exit_code == 0
    assert run("project", "set", "overlap", str(overlap), "--db", db_path).exit_code == 0
    people = [f"p{i}" for i in range(4)]
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, str(db_path), who], stdout=subprocess.PIPE, text=True)
             for who in people]
    outputs = [proc.communicate(timeout=120)[0] for proc in procs]
    assert all(proc.returncode == 0 for proc in procs)
    handed = Counter(int(g) for out in outputs for g in out.split())
    store = Store(db_path)
    units = store.count_groups()
    assert len(handed) == units and set(handed.values()) == {overlap}
    assert Counter(len(who) for who in coverage_by_unit(store).values()) == {overlap: units}


def test_the_screen_session_follows_the_queue(project):
    store = Store(project)
    store.set_project("overlap", "1")
    other = Session(Store(project), "bob")  # bob takes doc00 first
    assert other.doc_name == "doc00" and other.queue == {0, 1, 2, 3, 4}
    session = Session(store, "ann")
    assert session.doc_name == "doc01" and session.index == 0
    assert session.progress().groups == store.count_groups()
    for _ in range(4):
        session.label("claim")
    assert session.doc_name == "doc02"  # doc01 done: the next document of the queue
    # bob labels doc00's shared sentence, so doc03's copy is not in anyone's queue
    other.select(1)
    other.label("fact")
    for _ in range(4):
        session.label("claim")
    assert session.doc_name == "doc03" and sorted(session.queue) == [0, 2, 3, 4]
    # a document opened by hand: labeling moves through it, not off to the queue
    session.jump(store.document_id("doc11"), 0)
    session.label("opinion")
    assert session.doc_name == "doc11" and session.index == 1


def test_an_empty_queue_is_said(project):
    store = Store(project)
    store.set_project("overlap", "1")
    handed = work_until_empty(store, ["zed"])
    assert handed
    session = Session(store, "ann")
    assert session.queue_empty and session.goto_unlabeled() is False
    assert session.progress().groups == 0  # everything is covered by zed
    found = run("next", "--annotator", "ann", "--json", "--db", project)
    assert found.output.strip() == "null"
    assert run("next", "--annotator", "ann", "--db", project).output.startswith("your queue is empty")


def test_project_settings_are_checked_and_shown(project):
    def set_(*args):
        return run("project", "set", *args, "--db", project)
    assert set_("overlap", "0").output == "Error: overlap: must be at least 1 (or 'all')\n"
    assert set_("overlap", "two").output == "Error: overlap: 'two' is not a number of annotators or 'all'\n"
    assert set_("order", "alphabetical").output == "Error: order: 'alphabetical' is not one of doc, random, uncertain\n"
    assert set_("order", "uncertain").output == (
        "Error: order uncertain needs model suggestions, and there are none yet (run annotator suggest)\n")
    assert set_("colour", "red").exit_code == 1
    assert set_("overlap", "2").output == "overlap 2: each unit is labeled by 2 annotators\n"
    assert set_("order", "random").exit_code == 0
    shown = json.loads(run("project", "show", "--json", "--db", project).output)
    assert shown == {"overlap": 2, "order": "random", "seed": 0, "retrain_every": 200, "lease_minutes": 30,
                     "control_rate": 0.0, "min_accuracy": "none", "min_control_answers": 10}
    store = Store(project)
    ranks = [d for (d,) in store.query("SELECT doc_id FROM routing ORDER BY rank")]
    assert sorted(ranks) == list(range(1, 13)) and ranks != sorted(ranks)
    assert set_("seed", "7").exit_code == 0
    assert [d for (d,) in store.query("SELECT doc_id FROM routing ORDER BY rank")] != ranks


def test_active_rate_leaves_out_pauses():
    times = ["2026-03-01T09:00:00.000Z", "2026-03-01T09:01:00.000Z", "2026-03-01T09:03:00.000Z",
             "2026-03-01T10:00:00.000Z", "2026-03-01T10:02:00.000Z"]
    hours, rate = active_rate(times)
    assert hours == pytest.approx(5 / 60)  # 1 + 2 + 2 minutes; the 57-minute pause is not work
    assert rate == pytest.approx(5 / (5 / 60))
    assert active_rate(["2026-03-01T09:00:00.000Z"]) == (0.0, None)
    assert active_rate(["2026-03-01T09:00:00.000Z", "2026-03-01T09:00:30.000Z"])[1] is None  # a burst, not a pace


def test_progress_per_annotator_and_for_the_project(project):
    store = Store(project)
    store.set_project("overlap", "2")
    doc = store.route_next("ann", T0)
    name = store.document(doc)[0]
    indexes = store.leased_indices("ann", doc)
    for n, index in enumerate(indexes):  # one label a minute
        s = store.sentence_at(name, index)
        store.add_event(s.id, "label", "ann", "fact" if n else "claim", created_at=shift(T0, 60 * n))
    store.decide(store.sentence_at(name, indexes[0]).group_id, "lead", "fact")
    store.decide(store.sentence_at(name, indexes[1]).group_id, "lead", "fact")
    assert next_document(store, "bob", at=shift(T0, 300))["doc"] == name
    report = progress(store, at=shift(T0, 300))
    ann, bob = report["annotators"]
    assert ann["annotator"] == "ann" and ann["units_labeled"] == 5 and ann["units_leased"] == 0
    assert ann["labels_per_hour"] == pytest.approx(5 / (4 / 60))  # 5 labels over 4 active minutes
    assert ann["gold_units"] == 2 and ann["agrees_with_gold"] == 0.5
    assert bob["units_labeled"] == 0 and bob["units_leased"] == 5 and bob["leased_document"] == name
    units = store.count_groups()
    assert report["units"] == units and report["units_complete"] == 0
    assert report["labels_left"] == 2 * units - 5
    assert report["hours_left"] == pytest.approx((2 * units - 5) / 75)
    assert report["coverage"] == {"0": units - 5, "1": 5}
    text = run("progress", "--db", project).output
    assert "ann" in text and f"overlap 2: 0 of {units} units have 2 annotators" in text


def test_gold_export_needs_the_overlap_by_default(project, tmp_path):
    store = Store(project)
    store.set_project("overlap", "2")
    doc00 = store.document_sentences(store.document_id("doc00"))
    store.add_event(doc00[0].id, "label", "ann", "fact")
    store.add_event(doc00[2].id, "label", "ann", "fact")
    store.add_event(doc00[2].id, "label", "bob", "fact")
    result = run("export", "--out", tmp_path / "gold.jsonl", "--db", project)
    assert result.exit_code == 0
    rows = [json.loads(line) for line in open(tmp_path / "gold.jsonl")]
    assert [(r["doc"], r["index"]) for r in rows] == [("doc00", 2)]
    result = run("export", "--out", tmp_path / "gold.jsonl", "--min-annotators", "1", "--db", project)
    assert len(open(tmp_path / "gold.jsonl").readlines()) == 2


def test_agreement_lists_each_documents_alpha(tmp_path, db_path):
    from annotator.agreement import alpha_from_counts
    from helpers import SYND, WIRE, build

    build(db_path, tmp_path)
    report = json.loads(run("agreement", "--json", "--db", db_path).output)
    store = Store(db_path)
    by_doc = {d["doc"]: d for d in report["documents"]}
    assert set(by_doc) == {WIRE, SYND}
    votes: dict[int, Counter] = defaultdict(Counter)
    for group, _who, label, _sid, _at in store.current_labels():
        votes[group][label] += 1
    for name in (WIRE, SYND):
        groups = {s.group_id for s in store.document_sentences(store.document_id(name))}
        table = np.array([[votes[g][label] for label in ("fact", "claim", "opinion", "advert")]
                          for g in sorted(groups) if sum(votes[g].values()) >= 2])
        assert by_doc[name]["units"] == len(table)
        assert by_doc[name]["alpha"] == pytest.approx(alpha_from_counts(table), abs=1e-12)
    assert [d["doc"] for d in report["documents"]] == sorted(by_doc, key=lambda n: by_doc[n]["alpha"])
    assert "hardest documents" in run("agreement", "--db", db_path).output


# -- a label past the overlap: the lease lapsed and the unit went to someone else ---------------------

def lapse(store: Store, who: str) -> None:
    """Move this annotator's lease back past its lapse, as 31 idle minutes would."""
    store.conn.execute("UPDATE leases SET touched_at = ? WHERE annotator = ?", (shift(now(), -31 * 60), who))


def labels_stored(store: Store) -> list[tuple]:
    """(annotator, doc, index, label, over the overlap) of every label event, in the order given."""
    return store.query(
        "SELECT e.annotator, d.name, s.idx, e.label, e.id IN (SELECT event_id FROM over_overlap) FROM events e "
        "JOIN sentences s ON s.id = e.sentence_id JOIN documents d ON d.id = s.doc_id ORDER BY e.id")


def exported(project, tmp_path, *flags) -> list[dict]:
    out = tmp_path / "all.jsonl"
    assert run("export", "--out", out, "--mode", "all", *flags, "--db", project).exit_code == 0
    return [{k: row[k] for k in ("doc", "index", "label", "annotator")} for row in map(json.loads, open(out))]


@pytest.mark.parametrize("bob_first", [True, False])
def test_a_label_after_the_lease_lapsed_is_marked_over_the_overlap(project, tmp_path, bob_first):
    store = Store(project)
    store.set_project("overlap", "1")
    ann = Session(Store(project), "ann")
    assert ann.doc_name == "doc00" and ann.queue == {0, 1, 2, 3, 4}
    lapse(store, "ann")
    bob = Session(Store(project), "bob")  # ann's units went back to the pool: bob holds doc00 now
    assert bob.doc_name == "doc00" and bob.queue == {0, 1, 2, 3, 4}
    assert store.leased_indices("ann", store.document_id("doc00")) == []
    first, second = (bob, ann) if bob_first else (ann, bob)
    first.label("fact" if first is bob else "opinion")
    second.label("fact" if second is bob else "opinion")
    # agreement and exports keep exactly the overlap's annotators, unless asked for more
    assert exported(project, tmp_path) == [{"doc": "doc00", "index": 0, "label": "fact", "annotator": "bob"}]
    figures = json.loads(run("agreement", "--json", "--db", project).output)
    assert figures["units"] == 0 and figures["annotators"] == []
    figures = json.loads(run("agreement", "--json", "--over-overlap", "--db", project).output)
    assert figures["units"] == 1 and figures["annotators"] == ["ann", "bob"]
    assert figures["observed_agreement"] == 0.0
    assert exported(project, tmp_path, "--over-overlap") == [
        {"doc": "doc00", "index": 0, "label": "opinion", "annotator": "ann"},
        {"doc": "doc00", "index": 0, "label": "fact", "annotator": "bob"}]
    gold = run("export", "--out", tmp_path / "gold.jsonl", "--db", project)
    assert [(r["label"], r["annotators"]) for r in map(json.loads, open(tmp_path / "gold.jsonl"))] == [("fact", 1)]
    gold = run("export", "--out", tmp_path / "gold.jsonl", "--over-overlap", "--db", project)
    assert open(tmp_path / "gold.jsonl").read() == ""
    assert "left out: 1 unit in disagreement without a decision" in gold.stderr
    assert run("disagreements", "--json", "--db", project).output.strip() == "[]"
    # the unit is covered once: nobody is handed it again, and progress counts one annotator on it
    assert store.coverage()[1] == 1
    # both labels are kept; ann's, past the overlap of 1, is marked, whoever came first
    assert sorted(labels_stored(store)) == [("ann", "doc00", 0, "opinion", 1), ("bob", "doc00", 0, "fact", 0)]
    # ann's screen learns it from the label and moves on to a document that still needs someone
    assert ann.over_overlap_total == 1 and ann.doc_name == "doc01" and ann.queue == {0, 1, 2, 3}
    assert bob.doc_name == "doc00" and bob.index == 1


def test_a_label_after_the_lease_lapsed_renews_the_claim_while_the_unit_needs_someone(project):
    store = Store(project)
    store.set_project("overlap", "2")
    ann = Session(Store(project), "ann")
    lapse(store, "ann")
    ann.label("claim")  # nobody took the units meanwhile: the lease is ann's again
    assert labels_stored(store) == [("ann", "doc00", 0, "claim", 0)]
    assert store.leases(now())["ann"] == (store.document_id("doc00"), 4)
    lapse(store, "ann")
    bob = Session(Store(project), "bob")  # overlap 2: bob shares doc00, and ann's claims lapse on the way
    assert bob.doc_name == "doc00" and "ann" not in store.leases(now())
    ann.label("claim")  # the unit still needs a second annotator: ann's label counts
    bob.label("fact")
    bob.label("fact")
    assert labels_stored(store) == [("ann", "doc00", 0, "claim", 0), ("ann", "doc00", 1, "claim", 0),
                                    ("bob", "doc00", 0, "fact", 0), ("bob", "doc00", 1, "fact", 0)]
    # units 0 and 1 have their two annotators: cy is handed doc00's other units only
    cy = Session(Store(project), "cy")
    assert cy.doc_name == "doc00" and cy.queue == {2, 3, 4}


def test_a_label_on_a_document_opened_by_hand_past_the_overlap_is_marked(project, tmp_path):
    store = Store(project)
    store.set_project("overlap", "1")
    bob = Session(Store(project), "bob")
    bob.label("fact")
    ann = Session(Store(project), "ann")
    assert ann.doc_name == "doc01"
    ann.jump(store.document_id("doc00"), 0)  # ann opens doc00, which bob covers, and labels there
    ann.label("advert")
    ann.label("advert")  # doc00's second unit is held by bob: past the overlap too
    ann.jump(store.document_id("doc01"), 0)
    ann.label("advert")  # back in her own lease
    assert [(r["doc"], r["index"], r["annotator"]) for r in exported(project, tmp_path)] == [
        ("doc00", 0, "bob"), ("doc01", 0, "ann")]
    assert labels_stored(store) == [("bob", "doc00", 0, "fact", 0), ("ann", "doc00", 0, "advert", 1),
                                    ("ann", "doc00", 1, "advert", 1), ("ann", "doc01", 0, "advert", 0)]


def test_a_version_5_database_gains_the_over_overlap_mark(project, tmp_path):
    store = Store(project)
    store.set_project("overlap", "1")
    Session(store, "bob").label("fact")
    expected = json.loads(run("stats", "--json", "--db", project).output)
    store.close()
    as_version(project, 5, "DROP TABLE over_overlap")  # as version 5 left it: no labels past the overlap
    result = run("stats", "--json", "--db", project)
    assert result.stderr == upgrade_notice(project, 5)
    assert json.loads(result.stdout) == expected
    store = Store(project)
    assert store.setting("schema_version") == str(SCHEMA_VERSION) and store.query("SELECT * FROM over_overlap") == []
    lapse(store, "bob")
    ann = Session(store, "ann")
    ann.jump(store.document_id("doc00"), 0)
    ann.label("claim")
    assert labels_stored(store)[-1] == ("ann", "doc00", 0, "claim", 1)


def test_review_shows_only_the_overlaps_labels(project):
    store = Store(project)
    store.set_project("overlap", "2")
    Session(Store(project), "ann").label("fact")
    Session(Store(project), "bob").label("claim")
    cy = Session(Store(project), "cy")
    cy.jump(store.document_id("doc00"), 0)  # the unit has its two annotators: cy's label is one too many
    cy.label("opinion")
    found = json.loads(run("disagreements", "--json", "--db", project).output)
    assert [(u["doc"], u["index"], u["labels"]) for u in found] == [("doc00", 0, {"ann": "fact", "bob": "claim"})]
    text = run("disagreements", "--db", project).output
    assert "cy" not in text and "opinion" not in text


def test_a_merged_copy_keeps_its_marks_of_labels_past_the_overlap(project, tmp_path):
    import sqlite3

    store = Store(project)
    store.set_project("overlap", "1")
    offline = tmp_path / "offline.db"
    source, target = sqlite3.connect(project), sqlite3.connect(offline)
    source.backup(target)
    source.close(), target.close()
    copy = Store(offline)
    ann = Session(Store(offline), "ann")
    lapse(copy, "ann")
    bob = Session(Store(offline), "bob")
    bob.label("fact")
    ann.label("opinion")  # past the overlap in the copy
    assert sorted(labels_stored(copy)) == [("ann", "doc00", 0, "opinion", 1), ("bob", "doc00", 0, "fact", 0)]
    result = run("merge", offline, "--db", project)
    assert result.output == (f"merged {offline}: added 2 labels; 0 events marked undone; 0 splits and joins carried\n"
                             "1 label given past the overlap in the copy, marked so here too (agreement and "
                             "exports leave them out unless --over-overlap)\n")
    assert sorted(labels_stored(Store(project))) == [("ann", "doc00", 0, "opinion", 1), ("bob", "doc00", 0, "fact", 0)]
    assert exported(project, tmp_path) == [{"doc": "doc00", "index": 0, "label": "fact", "annotator": "bob"}]
    # merging again changes nothing, marks included
    assert run("merge", offline, "--db", project).output.startswith(f"merged {offline}: added nothing new;")
    assert sorted(labels_stored(Store(project))) == [("ann", "doc00", 0, "opinion", 1), ("bob", "doc00", 0, "fact", 0)]


def test_labels_loaded_with_import_labels_past_the_overlap_are_marked(project, tmp_path):
    store = Store(project)
    store.set_project("overlap", "1")
    bob = Session(Store(project), "bob")  # bob holds doc00 and labels its first unit on the screen
    bob.label("fact")
    rows = [{"doc": "doc00", "index": 0, "label": "claim", "annotator": "ann"},  # bob's unit: past the overlap
            {"doc": "doc00", "index": 1, "label": "claim", "annotator": "ann"},  # bob holds it: past the overlap
            {"doc": "doc01", "index": 0, "label": "opinion", "annotator": "ann"},  # nobody's yet: counts
            {"doc": "doc01", "index": 0, "label": "fact", "annotator": "cy"}]  # after ann's, in the file: past it
    (tmp_path / "labels.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    result = run("import-labels", tmp_path / "labels.jsonl", "--db", project)
    assert result.output == ("4 labels added, 0 already present, 0 rows skipped\n"
                             "3 labels took a unit past the project's overlap: kept and marked (agreement and "
                             "exports leave them out unless --over-overlap)\n")
    assert sorted(labels_stored(store)) == [
        ("ann", "doc00", 0, "claim", 1), ("ann", "doc00", 1, "claim", 1), ("ann", "doc01", 0, "opinion", 0),
        ("bob", "doc00", 0, "fact", 0), ("cy", "doc01", 0, "fact", 1)]
    assert exported(project, tmp_path) == [{"doc": "doc00", "index": 0, "label": "fact", "annotator": "bob"},
                                           {"doc": "doc01", "index": 0, "label": "opinion", "annotator": "ann"}]


async def test_the_screen_says_when_a_label_went_past_the_overlap(project):
    from annotator.tui.app import AnnotatorApp
    from annotator.tui.screens.annotate import past_overlap_notice

    store = Store(project)
    store.set_project("overlap", "1")
    app = AnnotatorApp(Store(project), "ann")
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        assert app.screen.session.doc_name == "doc00"
        lapse(store, "ann")
        Session(Store(project), "bob").label("fact")  # bob is handed doc00 and labels its first unit
        await pilot.press("o")
        assert app.writer.wait(10)
        await pilot.pause()
        assert sorted(labels_stored(store)) == [("ann", "doc00", 0, "opinion", 1), ("bob", "doc00", 0, "fact", 0)]
        assert [n.message for n in app._notifications if "overlap" in n.message] == [past_overlap_notice(1)]
        await pilot.press("q")
    app.close_writer()
