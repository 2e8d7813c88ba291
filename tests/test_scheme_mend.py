"""Mending the label scheme's data side: merge after a change of scheme, what counts as in use, the store
refusing labels a scheme dropped, undo of a mapped label, pace without mapping events, the scheme file's
checks, export --map before the majority, control items' and guidelines' messages."""

from __future__ import annotations

import json
import sqlite3

import pytest

from annotator import scheme
from annotator.review import Review
from annotator.session import Session
from annotator.store import Store
from annotator.team import progress
from helpers import run
from test_scheme import CLAIMBUSTER, THREE, default_labels, news, write_rows

BINARY = """
name = "binary"
[[labels]]
name = "worthy"
key = "w"
colour = "red"
definition = "verdient eine Prüfung"
[[labels]]
name = "notworthy"
key = "b"
colour = "blue"
[second]
question = "urgent?"
when = ["worthy"]
answers = [{name = "yes", key = "y"}, {name = "no", key = "n"}]
"""
RENAMED = BINARY.replace('"worthy"', '"cw"')


def backup(source, target):
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def labels_of(db, where=""):
    return Store(db).query(f"SELECT annotator, label, detail, undone FROM events {where} ORDER BY id")


def current(db):
    return sorted(Store(db).query("SELECT annotator, label FROM current_labels"))


# -- 1. merge after a rename ----------------------------------------------------------------------

def test_an_identical_copy_merges_after_a_rename_and_an_offline_copy_is_mapped_on_arrival(db_path, tmp_path):
    news(tmp_path, db_path)
    (tmp_path / "binary.toml").write_text(BINARY, encoding="utf-8")
    (tmp_path / "renamed.toml").write_text(RENAMED, encoding="utf-8")
    assert run("project", "labels", "set", tmp_path / "binary.toml", "--db", db_path).exit_code == 0
    rows = [("news/de.txt", 0, "anna", "worthy", "yes"), ("news/de.txt", 1, "boris", "notworthy", None)]
    assert run("import-labels", write_rows(tmp_path / "a.jsonl", rows), "--db", db_path).exit_code == 0
    offline = tmp_path / "offline.db"
    backup(db_path, offline)  # labels on without hearing of the rename
    run("import-labels", write_rows(tmp_path / "o.jsonl", [("news/ru.txt", 0, "carla", "worthy", "no")]),
        "--db", offline)
    renamed = run("project", "labels", "set", tmp_path / "renamed.toml", "--map", "worthy=cw", "--db", db_path)
    assert renamed.output == ("scheme binary (cw, notworthy) set\n"
                              "mapped worthy -> cw: 1 label, 0 decisions (as new events)\n")
    assert scheme.get(Store(db_path)).retired_map() == {"worthy": "cw"}

    same = tmp_path / "same.db"
    backup(db_path, same)
    result = run("merge", same, "--db", db_path)
    assert result.output == f"merged {same}: added nothing new; 0 events marked undone; 0 splits and joins carried\n"

    result = run("merge", offline, "--db", db_path)
    assert result.output == (
        f"merged {offline}: added 1 label; 0 events marked undone; 0 splits and joins carried\n"
        "mapped worthy -> cw (a label the scheme retired, still current in the copy): 1 label, 0 decisions "
        "(as new events)\n")
    assert labels_of(db_path, "WHERE annotator = 'carla'") == [("carla", "worthy", "no", 0), ("carla", "cw", "no", 0)]
    assert current(db_path) == [("anna", "cw"), ("boris", "notworthy"), ("carla", "cw")]
    again = run("merge", offline, "--db", db_path)
    assert again.output == f"merged {offline}: added nothing new; 0 events marked undone; 0 splits and joins carried\n"


# -- 2. only current labels and decisions are in use ------------------------------------------------

def test_superseded_decisions_are_not_in_use_and_the_same_map_twice_writes_nothing(db_path, tmp_path):
    store = default_labels(db_path, tmp_path)
    path = tmp_path / "three.toml"
    first = run("project", "labels", "set", path, "--map", "opinion=satire,advert=fact", "--db", db_path)
    assert first.exit_code == 0, first.output
    count = store.query("SELECT count(*) FROM events")[0][0]
    again = run("project", "labels", "set", path, "--db", db_path)
    assert again.output == "scheme three (fact, claim, satire) set\n"
    mapped = run("project", "labels", "set", path, "--map", "opinion=satire,advert=fact", "--db", db_path)
    assert mapped.output == ("scheme three (fact, claim, satire) set\n"
                             "mapped opinion -> satire: 0 labels, 0 decisions (as new events)\n"
                             "mapped advert -> fact: 0 labels, 0 decisions (as new events)\n")
    assert store.query("SELECT count(*) FROM events")[0][0] == count
    assert store.labels_in_use() == {"satire": 5, "fact": 2, "claim": 1}  # 3 labels, a decision, a rule


# -- 3. a screen open across a change of scheme -------------------------------------------------

def claimbuster(tmp_path, db_path):
    news(tmp_path, db_path)
    (tmp_path / "cb.toml").write_text(CLAIMBUSTER, encoding="utf-8")
    (tmp_path / "cb2.toml").write_text(CLAIMBUSTER.replace('name = "UFS"\nkey = "e"', 'name = "CW"\nkey = "e"')
                                       .replace('"CFS"', '"CFX"'), encoding="utf-8")
    assert run("project", "labels", "set", tmp_path / "cb.toml", "--db", db_path).exit_code == 0


MESSAGE = ("The project's labels changed to claimbuster (NFS, CW, CFX): {} is no longer one, so it was not saved. "
           "Quit and open the screen again to label with them.")


def test_a_label_the_scheme_dropped_is_refused_by_the_screen_and_the_store(db_path, tmp_path):
    claimbuster(tmp_path, db_path)
    mine = Store(db_path)
    session = Session(mine, "anna", "news/de.txt")
    review = Review(mine, "lead", include_single=True)
    session.label("NFS")
    result = run("project", "labels", "set", tmp_path / "cb2.toml", "--map", "UFS=NFS,CFS=CFX", "--db", db_path)
    assert result.exit_code == 0, result.output
    before = labels_of(db_path)
    with pytest.raises(scheme.SchemeChanged) as raised:
        session.label("UFS")
    assert str(raised.value) == MESSAGE.format("UFS")
    with pytest.raises(scheme.SchemeChanged) as raised:
        review.decide("CFS")
    assert str(raised.value) == MESSAGE.format("CFS")
    sentence = mine.query("SELECT id FROM sentences ORDER BY id LIMIT 1")[0][0]
    group = mine.query(f"SELECT group_id FROM sentences WHERE id = {sentence}")[0][0]
    with pytest.raises(scheme.SchemeChanged):
        mine.add_event(sentence, "label", "boris", "UFS")
    with pytest.raises(scheme.SchemeChanged):
        mine.decide(group, "lead", "UFS")
    assert labels_of(db_path) == before
    session.label("CW")  # the new scheme's labels are taken
    assert labels_of(db_path)[-1] == ("anna", "CW", None, 0)


# -- 4. undo after a concurrent map --------------------------------------------------------------

def test_undo_after_a_concurrent_map_takes_the_mapped_label_back_too(db_path, tmp_path):
    claimbuster(tmp_path, db_path)
    mine = Store(db_path)
    session = Session(mine, "anna", "news/de.txt")
    session.label("CFS")
    result = run("project", "labels", "set", tmp_path / "cb2.toml", "--map", "UFS=CW,CFS=CFX", "--db", db_path)
    assert result.output.splitlines()[2] == "mapped CFS -> CFX: 1 label, 0 decisions (as new events)"
    assert current(db_path) == [("anna", "CFX")]
    session.undo()
    assert labels_of(db_path) == [("anna", "CFS", None, 1), ("anna", "CFX", None, 1)]
    assert current(db_path) == []


def test_undoing_a_decision_takes_back_the_decision_mapped_from_it(db_path, tmp_path):
    claimbuster(tmp_path, db_path)
    mine = Store(db_path)
    run("import-labels", write_rows(tmp_path / "a.jsonl", [("news/de.txt", 0, "anna", "UFS", None),
                                                           ("news/de.txt", 0, "boris", "NFS", None)]), "--db", db_path)
    review = Review(mine, "lead")
    review.decide("UFS")
    run("project", "labels", "set", tmp_path / "cb2.toml", "--map", "UFS=CW,CFS=CFX", "--db", db_path)
    assert mine.query("SELECT label, undone FROM events WHERE kind = 'decision' ORDER BY id") == [("UFS", 0), ("CW", 0)]
    review.undo()
    assert mine.query("SELECT label, undone FROM events WHERE kind = 'decision' ORDER BY id") == [("UFS", 1), ("CW", 1)]


# -- 5. pace ------------------------------------------------------------------------------------

def test_mapping_events_are_no_labeling_pace(db_path, tmp_path):
    claimbuster(tmp_path, db_path)
    store = Store(db_path)
    sentences = [sid for (sid,) in store.query("SELECT id FROM sentences ORDER BY id")][:5]
    for n, sid in enumerate(sentences):  # five labels 30 seconds apart: two minutes of work
        store.add_event(sid, "label", "anna", "UFS", created_at=f"2026-11-30T01:0{n // 2}:{n % 2 * 30:02d}Z")
    before = progress(store)["annotators"][0]["labels_per_hour"]
    assert before == pytest.approx(150.0)
    run("project", "labels", "set", tmp_path / "cb2.toml", "--map", "UFS=CW,CFS=CFX", "--db", db_path)
    assert progress(Store(db_path))["annotators"][0]["labels_per_hour"] == pytest.approx(150.0)


# -- 6. the scheme file's checks ---------------------------------------------------------------

@pytest.mark.parametrize("old, new, message", [
    ('key = "h"', 'key = "C"', "keys 'c' ('claim') and 'C' ('satire') differ only by case; give each label its own "
     "letter"),
    ('name = "satire"', 'name = "Claim"', "labels 'claim' and 'Claim' differ only by case; name them apart"),
    ('colour = "magenta"', 'colour = "magenta"\nexmaples = ["Der Mond ist aus Käse."]',
     "label 'satire': unknown field 'exmaples' (it takes name, key, colour, definition, examples)"),
    ('[[labels]]\nname = "fact"', 'nmae = "drei"\n[[labels]]\nname = "fact"',
     "the scheme: unknown field 'nmae' (it takes name, labels, second)"),
])
def test_a_scheme_file_with_case_twins_or_unknown_fields_is_refused(db_path, tmp_path, old, new, message):
    news(tmp_path, db_path)
    path = tmp_path / "bad.toml"
    assert old in THREE
    path.write_text(THREE.replace(old, new, 1), encoding="utf-8")
    result = run("project", "labels", "set", path, "--db", db_path)
    assert result.output == f"Error: {path}: {message}\n"
    assert Store(db_path).scheme_version() == 0


def test_a_map_from_a_label_the_project_never_had_is_refused(db_path, tmp_path):
    news(tmp_path, db_path)
    (tmp_path / "three.toml").write_text(THREE, encoding="utf-8")
    result = run("project", "labels", "set", tmp_path / "three.toml", "--map", "zzz=fact", "--db", db_path)
    assert result.output == (f"Error: {tmp_path / 'three.toml'}: --map zzz=fact: zzz is not one of the project's "
                             "current labels (fact, claim, opinion, advert)\n")
    assert Store(db_path).scheme_version() == 0


def test_merge_refuses_a_copy_whose_second_question_differs_showing_the_difference(db_path, tmp_path):
    news(tmp_path, db_path)
    (tmp_path / "binary.toml").write_text(BINARY, encoding="utf-8")
    run("project", "labels", "set", tmp_path / "binary.toml", "--db", db_path)
    copy = tmp_path / "copy.db"
    backup(db_path, copy)
    (tmp_path / "asked.toml").write_text(BINARY.replace('"urgent?"', '"dringend?"').replace(
        'when = ["worthy"]', 'when = ["worthy", "notworthy"]'), encoding="utf-8")
    run("project", "labels", "set", tmp_path / "asked.toml", "--db", copy)
    result = run("merge", copy, "--db", db_path)
    assert result.output == (
        f"Error: {copy}: the copy's label scheme binary differs from this project's binary: second question "
        "'dringend?' after worthy, notworthy (yes, no) vs 'urgent?' after worthy (yes, no) (the copy's vs this "
        "project's); set the same scheme on both first (annotator project labels set); nothing merged\n")


# -- 7. export --map, control add, guidelines set ------------------------------------------------

def test_export_map_takes_the_majority_of_the_mapped_votes_and_checks_the_names_it_writes(db_path, tmp_path):
    news(tmp_path, db_path)
    rows = [("news/de.txt", 0, "anna", "fact", None), ("news/de.txt", 0, "boris", "claim", None),
            ("news/de.txt", 0, "carla", "opinion", None)]
    run("import-labels", write_rows(tmp_path / "a.jsonl", rows), "--db", db_path)
    result = run("export", "--out", "-", "--mode", "majority", "--map", "fact=verifiable,claim=verifiable",
                 "--db", db_path)
    written = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [(r["text"], r["label"], r["agreement"], r["votes"]) for r in written] == [
        ("Die Arbeitslosigkeit sank im Mai auf 3,9 Prozent.", "verifiable", 0.6667, {"opinion": 1, "verifiable": 2})]
    refused = run("export", "--out", "-", "--map", "fact=wahr und richtig", "--db", db_path)
    assert refused.output.splitlines()[-1] == ("Error: --map fact=wahr und richtig: label name 'wahr und richtig': "
                                               "at most 40 characters, without spaces, commas or '='")


def test_control_add_names_the_scheme_of_an_unknown_label(db_path, tmp_path):
    news(tmp_path, db_path)
    path = tmp_path / "control.jsonl"
    path.write_text(json.dumps({"doc": "news/ru.txt", "index": 0, "label": "слух"}, ensure_ascii=False) + "\n",
                    encoding="utf-8")
    result = run("control", "add", path, "--db", db_path)
    assert f"{path}:1: unknown label 'слух': not in the project's scheme default (fact, claim, opinion, advert)" \
        in result.output


def test_guidelines_set_with_the_current_text_makes_no_new_version(db_path, tmp_path):
    news(tmp_path, db_path)
    path = tmp_path / "leitlinien.md"
    path.write_text("# Leitlinien\n\nEine Tatsache ist prüfbar.\n", encoding="utf-8")
    assert run("guidelines", "set", path, "--db", db_path).output == f"guidelines version 1 set from {path}\n"
    assert run("guidelines", "set", path, "--db", db_path).output == (
        f"guidelines unchanged (version 1): {path} has the current version's text\n")
    assert Store(db_path).guidelines_versions()[-1][0] == 1


# -- votes after a map: past the overlap, accepted suggestions, names in case, guidelines -----------

CW = CLAIMBUSTER.replace('"CFS"', '"CW"')


def cb_then_cw(tmp_path, db_path):
    """The news under ClaimBuster's labels, and cw.toml beside them: the same with CFS renamed CW."""
    news(tmp_path, db_path)
    (tmp_path / "cb.toml").write_text(CLAIMBUSTER, encoding="utf-8")
    (tmp_path / "cw.toml").write_text(CW, encoding="utf-8")
    assert run("project", "labels", "set", tmp_path / "cb.toml", "--db", db_path).exit_code == 0


def test_a_mapped_label_keeps_its_marks_past_the_overlap_and_as_a_control_answer(db_path, tmp_path):
    cb_then_cw(tmp_path, db_path)
    assert run("project", "set", "overlap", "1", "--db", db_path).exit_code == 0
    store = Store(db_path)
    with store.transaction():  # the Russian sentence: a control item both answer
        store.add_control_item(store.sentence_at("news/ru.txt", 0).id, "CFS", None, "file")
    rows = [("news/de.txt", 0, "anna", "CFS", "yes"), ("news/de.txt", 0, "bob", "CFS", "no"),
            ("news/ru.txt", 0, "anna", "CFS", "yes")]
    assert run("import-labels", write_rows(tmp_path / "a.jsonl", rows), "--db", db_path).exit_code == 0
    assert run("project", "labels", "set", tmp_path / "cw.toml", "--map", "CFS=CW", "--db", db_path).exit_code == 0
    marked = "SELECT e.annotator, e.label FROM {} m JOIN events e ON e.id = m.event_id ORDER BY e.id"
    assert store.query(marked.format("over_overlap")) == [("bob", "CFS"), ("bob", "CW")]
    assert store.query(marked.format("control_answers")) == [("anna", "CFS"), ("anna", "CW")]
    assert [(who, label) for _group, who, label in store.votes()] == [("anna", "CW")]
    rows = run("export", "--out", "-", "--mode", "all", "--db", db_path).stdout.splitlines()
    assert [json.loads(line)["annotator"] for line in rows if line.startswith("{")] == ["anna"]


def test_a_mapped_label_is_an_accepted_suggestion_only_when_the_label_it_maps_was_one(db_path, tmp_path):
    cb_then_cw(tmp_path, db_path)
    store = Store(db_path)
    fact, worthy = store.sentence_at("news/de.txt", 0), store.sentence_at("news/el.txt", 0)
    store.add_event(fact.id, "label", "anna", "CFS", source="rule:1")  # accepted a rule's suggestion
    store.add_event(worthy.id, "label", "anna", "CFS")  # typed
    store.add_event(worthy.id, "label", "bob", "UFS")  # typed, not mapped
    assert run("project", "labels", "set", tmp_path / "cw.toml", "--map", "CFS=CW", "--db", db_path).exit_code == 0
    assert store.suggested_groups() == {fact.group_id}
    assert [(who, label) for _group, who, label in store.votes(typed_only=True)] == [("anna", "CW"), ("bob", "UFS")]
    assert run("project", "labels", "set", tmp_path / "cb.toml", "--map", "CW=CFS", "--db", db_path).exit_code == 0
    assert store.suggested_groups() == {fact.group_id}  # a map of a map still goes back to the rule


def test_names_differing_only_in_case_are_refused_in_export_map_and_second_answers(db_path, tmp_path):
    news(tmp_path, db_path)
    refused = run("export", "--out", "-", "--map", "fact=Yes,claim=yes", "--db", db_path)
    assert refused.output.splitlines()[-1] == "Error: --map claim=yes: yes and Yes differ only in case; write one " \
                                              "name for both"
    refused = run("export", "--out", "-", "--map", "fact=Claim", "--db", db_path)
    assert refused.output.splitlines()[-1] == "Error: --map fact=Claim: Claim and claim differ only in case; write " \
                                              "one name for both"
    path = tmp_path / "nein.toml"
    path.write_text(BINARY.replace('{name = "yes", key = "y"}', '{name = "No", key = "y"}'), encoding="utf-8")
    result = run("project", "labels", "set", path, "--db", db_path)
    assert result.output == f"Error: {path}: [second] answers: 'no' repeats a name or a key\n"


def test_guidelines_in_crlf_or_with_trailing_blanks_are_the_same_version(db_path, tmp_path):
    news(tmp_path, db_path)
    path = tmp_path / "leitlinien.md"
    path.write_text("# Leitlinien\n\nEine Tatsache ist prüfbar.\n", encoding="utf-8")
    assert run("guidelines", "set", path, "--db", db_path).output == f"guidelines version 1 set from {path}\n"
    for variant in (b"# Leitlinien\r\n\r\nEine Tatsache ist pr\xc3\xbcfbar.\r\n",
                    b"# Leitlinien  \n\nEine Tatsache ist pr\xc3\xbcfbar.\n\n\n",
                    b"\xef\xbb\xbf# Leitlinien\n\nEine Tatsache ist pr\xc3\xbcfbar.\n"):  # a byte-order mark
        path.write_bytes(variant)
        assert run("guidelines", "set", path, "--db", db_path).output == (
            f"guidelines unchanged (version 1): {path} has the current version's text\n")
    path.write_text("# Leitlinien\n\nEine Tatsache ist prüfbar, eine Meinung nicht.\n", encoding="utf-8")
    assert run("guidelines", "set", path, "--db", db_path).output == f"guidelines version 2 set from {path}\n"


def test_a_map_from_a_label_not_the_projects_names_the_current_labels(db_path, tmp_path):
    cb_then_cw(tmp_path, db_path)
    result = run("project", "labels", "set", tmp_path / "cw.toml", "--map", "cfs=CW", "--db", db_path)
    assert result.output == (f"Error: {tmp_path / 'cw.toml'}: --map cfs=CW: cfs is not one of the project's current "
                             "labels (NFS, UFS, CFS)\n")


def test_a_label_past_the_overlap_mapped_on_arrival_by_merge_stays_past_it(db_path, tmp_path):
    cb_then_cw(tmp_path, db_path)
    assert run("project", "set", "overlap", "1", "--db", db_path).exit_code == 0
    offline = tmp_path / "offline.db"
    backup(db_path, offline)  # anna and bob label offline, bob past the overlap
    rows = [("news/de.txt", 0, "anna", "CFS", "yes"), ("news/de.txt", 0, "bob", "CFS", "no")]
    assert run("import-labels", write_rows(tmp_path / "o.jsonl", rows), "--db", offline).exit_code == 0
    assert run("project", "labels", "set", tmp_path / "cw.toml", "--map", "CFS=CW", "--db", db_path).exit_code == 0
    assert run("merge", offline, "--db", db_path).exit_code == 0
    store = Store(db_path)
    assert store.query("SELECT e.annotator, e.label FROM over_overlap o JOIN events e ON e.id = o.event_id "
                       "ORDER BY e.id") == [("bob", "CFS"), ("bob", "CW")]
    assert [(who, label) for _group, who, label in store.votes()] == [("anna", "CW")]
