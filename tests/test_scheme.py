"""A project's own label scheme and guidelines: ClaimBuster's three labels from import to export with no
trace of the default four, a second question with its own agreement and column, renaming and removing
labels with --map (and the refusal without it), guidelines versions on the data card, merge and import
refusing what the scheme does not know."""

from __future__ import annotations

import csv
import json
import re
import sqlite3

import numpy as np
import pytest

from annotator import scheme
from annotator.agreement import gwet_ac1
from annotator.store import Store
from helpers import run

DE = ("Die Arbeitslosigkeit sank im Mai auf 3,9 Prozent. Ich finde das einfach großartig. "
      "Der Bundestag tagt am Donnerstag in Berlin.")
RU = "Безработица в мае снизилась до 3,9 процента. Это лучшая новость года."
EL = "Η ανεργία μειώθηκε στο 10,8 τοις εκατό τον Μάιο. Τι ωραία μέρα!"

CLAIMBUSTER = """
name = "claimbuster"
[[labels]]
name = "NFS"
key = "i"
colour = "grey"
definition = "non-factual sentence: a judgement, a question, a greeting"
examples = ["Ich finde das einfach großartig.", "Это лучшая новость года."]
[[labels]]
name = "UFS"
key = "e"
colour = "$primary-muted"
definition = "unimportant factual sentence"
examples = ["Der Bundestag tagt am Donnerstag in Berlin."]
[[labels]]
name = "CFS"
key = "c"
colour = "crimson"
definition = "check-worthy factual sentence"
[second]
question = "worth checking now?"
when = ["CFS"]
answers = [{name = "yes", key = "y"}, {name = "no", key = "n"}]
"""
DEFAULT_WORDS = re.compile(r"\b(fact|claim|opinion|advert)\b")


def news(tmp_path, db_path):
    folder = tmp_path / "news"
    folder.mkdir()
    for name, text in (("de.txt", DE), ("ru.txt", RU), ("el.txt", EL)):
        (folder / name).write_text(text + "\n", encoding="utf-8")
    assert run("import", folder, "--db", db_path).exit_code == 0


def write_rows(path, rows):
    path.write_text("".join(json.dumps(dict(zip(("doc", "index", "annotator", "label", "detail"), row)),
                                       ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    return path


def set_claimbuster(tmp_path, db_path):
    (tmp_path / "claimbuster.toml").write_text(CLAIMBUSTER, encoding="utf-8")
    result = run("project", "labels", "set", tmp_path / "claimbuster.toml", "--db", db_path)
    assert result.output == "scheme claimbuster (NFS, UFS, CFS) set\n"


CB_ROWS = [
    ("news/de.txt", 0, "anna", "CFS", "yes"), ("news/de.txt", 0, "boris", "CFS", "yes"),
    ("news/de.txt", 1, "anna", "NFS", None), ("news/de.txt", 1, "boris", "NFS", None),
    ("news/de.txt", 2, "anna", "UFS", None), ("news/de.txt", 2, "boris", "CFS", "no"),
    ("news/ru.txt", 0, "anna", "CFS", "yes"), ("news/ru.txt", 0, "boris", "CFS", "no"),
    ("news/ru.txt", 1, "anna", "NFS", None), ("news/ru.txt", 1, "boris", "NFS", None),
    ("news/el.txt", 0, "anna", "CFS", "no"), ("news/el.txt", 0, "boris", "CFS", "no"),
]


def test_a_new_database_has_the_default_four_with_the_screens_keys_and_colours(db_path):
    Store(db_path).close()
    shown = json.loads(run("project", "labels", "--json", "--db", db_path).output)
    assert [(l["name"], l["key"], l["colour"]) for l in shown["labels"]] == [
        ("fact", "f", "$success-muted"), ("claim", "c", "$warning-muted"), ("opinion", "o", "$primary-muted"),
        ("advert", "a", "$error-muted")]
    assert shown["name"] == "default" and shown["second"] is None
    assert scheme.labels(Store(db_path)) == ("fact", "claim", "opinion", "advert")


def test_claimbuster_from_import_to_export_in_three_formats_without_the_default_four(db_path, tmp_path):
    news(tmp_path, db_path)
    set_claimbuster(tmp_path, db_path)
    shown = run("project", "labels", "--db", db_path).output.splitlines()
    assert shown == [
        "scheme claimbuster: 3 labels",
        "  i  NFS          grey             non-factual sentence: a judgement, a question, a greeting",
        "       e.g. Ich finde das einfach großartig.",
        "       e.g. Это лучшая новость года.",
        "  e  UFS          $primary-muted   unimportant factual sentence",
        "       e.g. Der Bundestag tagt am Donnerstag in Berlin.",
        "  c  CFS          crimson          check-worthy factual sentence",
        "second question after CFS: worth checking now? (y yes, n no)"]
    result = run("import-labels", write_rows(tmp_path / "cb.jsonl", CB_ROWS), "--db", db_path)
    assert result.output == "12 labels added, 0 already present, 0 rows skipped\n"
    stored = Store(db_path).query("SELECT label, detail FROM events WHERE annotator = 'boris' ORDER BY id")
    assert stored == [("CFS", "yes"), ("NFS", None), ("CFS", "no"), ("CFS", "no"), ("NFS", None), ("CFS", "no")]

    figures = json.loads(run("agreement", "--json", "--db", db_path).output)
    # AC1's q is the scheme's size, three: its chance shares over the units' label counts
    counts = np.array([[0, 0, 2], [2, 0, 0], [0, 1, 1], [0, 0, 2], [2, 0, 0], [0, 0, 2]])
    assert figures["gwet_ac1"] == pytest.approx(gwet_ac1(counts, 3))
    assert figures["confusion"]["anna|boris"]["labels"] == ["NFS", "UFS", "CFS"]
    assert figures["second_question"]["units"] == 3  # de:1, ru:1 and el:1, CFS from both
    assert figures["second_question"]["observed_agreement"] == pytest.approx(2 / 3)
    assert figures["second_question"]["confusion"]["anna|boris"]["matrix"] == [[1, 1], [0, 1]]

    outputs = []
    for name in ("all.jsonl", "majority.csv", "gold.parquet"):
        mode = name.split(".")[0]
        result = run("export", "--out", tmp_path / name, "--mode", mode, "--db", db_path)
        assert result.exit_code == 0, result.output
        outputs.append(result.output)
    lines = [json.loads(line) for line in (tmp_path / "all.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(r["doc"], r["index"], r["annotator"], r["label"], r["detail"]) for r in lines] == [
        (doc, index, who, label, detail) for doc, index, who, label, detail in sorted(
            CB_ROWS, key=lambda r: ({"news/de.txt": 0, "news/el.txt": 1, "news/ru.txt": 2}[r[0]], r[1], r[2]))]
    with open(tmp_path / "majority.csv", encoding="utf-8") as handle:
        majority = [(r["text"], r["label"], r["votes"], r["detail"]) for r in csv.DictReader(handle)]
    assert majority == [
        ("Die Arbeitslosigkeit sank im Mai auf 3,9 Prozent.", "CFS", '{"CFS": 2}', "yes"),
        ("Ich finde das einfach großartig.", "NFS", '{"NFS": 2}', ""),
        ("Η ανεργία μειώθηκε στο 10,8 τοις εκατό τον Μάιο.", "CFS", '{"CFS": 2}', "no"),
        ("Безработица в мае снизилась до 3,9 процента.", "CFS", '{"CFS": 2}', ""),  # yes and no: a tie
        ("Это лучшая новость года.", "NFS", '{"NFS": 2}', ""),
    ]
    import pyarrow.parquet as pq

    gold = pq.read_table(tmp_path / "gold.parquet").to_pylist()
    assert [(r["label"], r["detail"]) for r in gold] == [("CFS", "yes"), ("NFS", None), ("CFS", "no"), ("CFS", None),
                                                         ("NFS", None)]
    card = (tmp_path / "datacard.md").read_text(encoding="utf-8")
    assert "- **CFS**: check-worthy factual sentence" in card
    assert "Second question, after CFS: worth checking now? (yes, no); its answer is the column `detail`." in card
    everything = [(tmp_path / "all.jsonl").read_text(encoding="utf-8"),
                  (tmp_path / "majority.csv").read_text(encoding="utf-8"), json.dumps(gold, ensure_ascii=False),
                  card, *outputs, run("agreement", "--db", db_path).output]
    assert [DEFAULT_WORDS.findall(text) for text in everything] == [[]] * len(everything)


def test_an_unknown_label_or_answer_is_refused_naming_the_scheme(db_path, tmp_path):
    news(tmp_path, db_path)
    set_claimbuster(tmp_path, db_path)
    rows = write_rows(tmp_path / "bad.jsonl", [
        ("news/de.txt", 0, "anna", "fact", None), ("news/de.txt", 0, "anna", "CFS", "vielleicht"),
        ("news/de.txt", 1, "anna", "NFS", "yes"), ("news/de.txt", 1, "anna", "NFS", None)])
    result = run("import-labels", rows, "--db", db_path)
    assert result.exit_code == 1
    assert result.output == (
        f"error: {rows}:1: unknown label 'fact': not in the project's scheme claimbuster (NFS, UFS, CFS)\n"
        f"error: {rows}:2: 'detail' 'vielleicht' is no answer to 'worth checking now?' (yes, no)\n"
        f"error: {rows}:3: 'detail' 'yes' given for 'NFS', which claimbuster (NFS, UFS, CFS) asks no second "
        "question after\n"
        "1 label added, 0 already present, 3 rows skipped\n")


THREE = """
[[labels]]
name = "fact"
key = "f"
colour = "green"
definition = "Tatsache"
[[labels]]
name = "claim"
key = "c"
colour = "yellow"
[[labels]]
name = "satire"
key = "h"
colour = "magenta"
"""


def default_labels(db_path, tmp_path):
    news(tmp_path, db_path)
    rows = [("news/de.txt", 0, "anna", "fact", None), ("news/de.txt", 1, "anna", "opinion", None),
            ("news/de.txt", 1, "boris", "opinion", None), ("news/ru.txt", 1, "boris", "advert", None),
            ("news/el.txt", 1, "anna", "opinion", None), ("news/el.txt", 1, "boris", "claim", None)]
    assert run("import-labels", write_rows(tmp_path / "d.jsonl", rows), "--db", db_path).exit_code == 0
    store = Store(db_path)
    group = store.query("SELECT group_id FROM sentences s JOIN documents d ON d.id = s.doc_id "
                        "WHERE d.name = 'news/el.txt' AND s.idx = 1")[0][0]
    store.decide(group, "lead", "opinion", comment="Ausruf")
    assert run("rules", "add", "großartig", "--label", "opinion", "--db", db_path).exit_code == 0
    (tmp_path / "three.toml").write_text(THREE, encoding="utf-8")
    return store


def test_labels_in_use_that_the_new_scheme_drops_are_refused_without_a_map(db_path, tmp_path):
    store = default_labels(db_path, tmp_path)
    before = store.query("SELECT * FROM events ORDER BY id")
    result = run("project", "labels", "set", tmp_path / "three.toml", "--db", db_path)
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {tmp_path / 'three.toml'}: labels in use that three (fact, claim, satire) drops: opinion (5), "
        "advert (1); map each with --map old=new (e.g. --map opinion=fact)\n")
    assert store.query("SELECT * FROM events ORDER BY id") == before
    assert scheme.labels(store) == ("fact", "claim", "opinion", "advert")


def test_a_rename_with_map_adds_new_events_and_keeps_history(db_path, tmp_path):
    store = default_labels(db_path, tmp_path)
    before = store.query("SELECT id, uid, label, undone FROM events ORDER BY id")
    result = run("project", "labels", "set", tmp_path / "three.toml", "--map", "opinion=satire,advert=fact",
                 "--db", db_path)
    assert result.output == ("scheme three (fact, claim, satire) set\n"
                             "mapped opinion -> satire: 3 labels, 1 decision (as new events)\n"
                             "mapped advert -> fact: 1 label, 0 decisions (as new events)\n")
    assert store.query("SELECT id, uid, label, undone FROM events ORDER BY id")[:len(before)] == before
    added = store.query(f"SELECT kind, annotator, label, note FROM events WHERE id > {before[-1][0]} ORDER BY id")
    assert added == [("label", "anna", "satire", None), ("label", "boris", "satire", None),
                     ("label", "anna", "satire", None), ("decision", "lead", "satire", "Ausruf"),
                     ("label", "boris", "fact", None)]
    current = sorted(store.query("SELECT label, count(*) FROM current_labels GROUP BY label"))
    assert current == [("claim", 1), ("fact", 2), ("satire", 3)]
    assert store.query("SELECT pattern, label FROM rules") == [("großartig", "satire")]
    assert scheme.labels(store) == ("fact", "claim", "satire")


@pytest.mark.parametrize("old, new, message", [
    ('key = "h"', 'key = "s"', "label 'satire': key 's' is the screen's key for skip"),
    ('key = "h"', 'key = "q"', "label 'satire': key 'q' is the screen's key for quit"),
    ('key = "h"', 'key = "c"', "key 'c' is given to both 'claim' and 'satire'"),
    ('key = "h"', 'key = "3"', "label 'satire': its key must be one letter, not '3'"),
    ('colour = "magenta"', 'colour = "lila"', "label 'satire': colour 'lila' is none the screen knows (a name such "
     "as \"red\", \"#ff8800\", or a theme variable such as \"$success-muted\")"),
    ('name = "satire"', 'name = "claim"', "label 'claim' is named twice"),
    ('name = "satire"', 'name = "ambiguous"', "label name 'ambiguous' is what review calls a unit left undecided; "
     "choose another"),
    ('name = "satire"', 'name = "a=b"', "label name 'a=b': at most 40 characters, without spaces, commas or '='"),
])
def test_a_scheme_file_is_checked_before_anything_is_stored(db_path, tmp_path, old, new, message):
    news(tmp_path, db_path)
    path = tmp_path / "bad.toml"
    path.write_text(THREE.replace(old, new), encoding="utf-8")
    result = run("project", "labels", "set", path, "--db", db_path)
    assert result.output == f"Error: {path}: {message}\n"
    assert Store(db_path).scheme_version() == 0


def test_two_to_twelve_labels_and_toml_unless_yaml_is_installed(db_path, tmp_path):
    news(tmp_path, db_path)
    one = tmp_path / "one.toml"
    one.write_text(THREE.split("[[labels]]\nname = \"claim\"")[0], encoding="utf-8")
    assert run("project", "labels", "set", one, "--db", db_path).output == f"Error: {one}: 1 labels: a scheme has 2 to 12\n"
    many = tmp_path / "many.toml"
    many.write_text("".join(f'[[labels]]\nname = "l{n}"\nkey = "{k}"\ncolour = "red"\n'
                            for n, k in enumerate("abcdefhilmowy")), encoding="utf-8")
    assert run("project", "labels", "set", many, "--db", db_path).output == f"Error: {many}: 13 labels: a scheme has 2 to 12\n"
    twelve = tmp_path / "twelve.toml"
    twelve.write_text("".join(f'[[labels]]\nname = "l{n}"\nkey = "{k}"\ncolour = "red"\n'
                              for n, k in enumerate("abcdefhilmow")), encoding="utf-8")
    assert run("project", "labels", "set", twelve, "--db", db_path).output.startswith("scheme twelve (l0, l1,")
    yaml_file = tmp_path / "s.yaml"
    yaml_file.write_text("labels: []\n", encoding="utf-8")
    try:
        import yaml  # noqa: F401
    except ImportError:
        assert run("project", "labels", "set", yaml_file, "--db", db_path).output == (
            f"Error: {yaml_file}: YAML needs PyYAML, which is not installed; write the scheme as TOML\n")


def test_another_process_setting_the_scheme_is_seen_at_the_next_call(db_path, tmp_path):
    news(tmp_path, db_path)
    mine, theirs = Store(db_path), Store(db_path)
    assert scheme.labels(mine) == ("fact", "claim", "opinion", "advert")
    scheme.set_scheme(theirs, scheme.parse(json.loads(json.dumps({"name": "binary", "labels": [
        {"name": "worthy", "key": "w", "colour": "red"}, {"name": "not-worthy", "key": "b", "colour": "blue"}]}))), {})
    assert scheme.labels(mine) == ("worthy", "not-worthy")
    assert scheme.keys(mine) == {"w": "worthy", "b": "not-worthy"}


def test_guidelines_versions_and_the_labels_given_under_each_on_the_card(db_path, tmp_path):
    news(tmp_path, db_path)
    run("import-labels", write_rows(tmp_path / "a.jsonl", [("news/de.txt", 0, "anna", "fact", None)]), "--db", db_path)
    (tmp_path / "v1.md").write_text("# Leitlinien\n\nEine Tatsache ist prüfbar.\n", encoding="utf-8")
    (tmp_path / "v2.md").write_text("# Руководство\n\nУтверждение требует проверки.\n", encoding="utf-8")
    assert run("guidelines", "set", tmp_path / "v1.md", "--db", db_path).output == (
        f"guidelines version 1 set from {tmp_path / 'v1.md'}\n")
    run("import-labels", write_rows(tmp_path / "b.jsonl", [("news/de.txt", 1, "anna", "opinion", None),
                                                           ("news/ru.txt", 0, "anna", "claim", None)]), "--db", db_path)
    run("guidelines", "set", tmp_path / "v2.md", "--db", db_path)
    store = Store(db_path)
    sentence = store.query("SELECT s.id FROM sentences s JOIN documents d ON d.id = s.doc_id "
                           "WHERE d.name = 'news/el.txt' AND s.idx = 0")[0][0]
    store.add_event(sentence, "label", "boris", "fact")
    assert store.query("SELECT label, guidelines FROM events ORDER BY id") == [
        ("fact", None), ("opinion", 1), ("claim", 1), ("fact", 2)]
    assert run("guidelines", "show", "--db", db_path).output == "# Руководство\n\nУтверждение требует проверки.\n"
    assert run("guidelines", "show", "--version", "1", "--db", db_path).output.startswith("# Leitlinien\n")
    assert run("guidelines", "show", "--version", "3", "--db", db_path).output == f"Error: {db_path}: no guidelines version 3\n"
    listed = run("guidelines", "list", "--db", db_path).output.splitlines()
    assert [re.sub(r"  \S+Z  ", "  TIME  ", line) for line in listed] == [
        "version 1  TIME  41 characters  2 labels given under it",
        "version 2  TIME  45 characters  1 label given under it",
        "before any guidelines: 1 label"]
    card = run("export", "--out", tmp_path / "out.jsonl", "--mode", "all", "--card", "--db", db_path).output
    assert ("Guidelines version 2 (annotator guidelines show); current labels given under each: before any "
            "guidelines: 1 label; version 1: 2 labels; version 2: 1 label.") in card


def test_export_map_writes_another_projects_labels(db_path, tmp_path):
    news(tmp_path, db_path)
    set_claimbuster(tmp_path, db_path)
    run("import-labels", write_rows(tmp_path / "cb.jsonl", CB_ROWS), "--db", db_path)
    result = run("export", "--out", "-", "--mode", "majority", "--map", "CFS=check-worthy,NFS=other,UFS=other",
                 "--db", db_path)
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["label"], r["votes"]) for r in rows] == [
        ("check-worthy", {"check-worthy": 2}), ("other", {"other": 2}), ("check-worthy", {"check-worthy": 2}),
        ("check-worthy", {"check-worthy": 2}), ("other", {"other": 2})]
    card = run("export", "--out", tmp_path / "o.jsonl", "--map", "CFS=check-worthy", "--card", "--db", db_path).output
    assert "- **check-worthy**: check-worthy factual sentence" in card
    refused = run("export", "--out", "-", "--map", "fact=x", "--db", db_path)
    assert refused.output.splitlines()[-1] == (
        "Error: --map fact=x: fact is not a label of the project's scheme claimbuster (NFS, UFS, CFS)")


def test_merge_takes_a_copy_with_the_same_scheme_and_refuses_another(db_path, tmp_path):
    news(tmp_path, db_path)
    set_claimbuster(tmp_path, db_path)
    copy = tmp_path / "copy.db"
    Store(db_path).close()
    with sqlite3.connect(db_path) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
    run("import-labels", write_rows(tmp_path / "c.jsonl", CB_ROWS[:2]), "--db", copy)
    result = run("merge", copy, "--db", db_path)
    assert result.output.startswith(f"merged {copy}: added 2 labels;")
    assert Store(db_path).query("SELECT label, detail FROM events ORDER BY id") == [("CFS", "yes"), ("CFS", "yes")]
    other = tmp_path / "other.db"
    (tmp_path / "o").mkdir()
    news(tmp_path / "o", other)
    refused = run("merge", other, "--db", db_path)
    assert refused.output == (
        f"Error: {other}: the copy's label scheme default differs from this project's claimbuster: labels fact, "
        "claim, opinion, advert vs NFS, UFS, CFS; second question none vs 'worth checking now?' after CFS (yes, no) "
        "(the copy's vs this project's); set the same scheme on both first (annotator project labels set); "
        "nothing merged\n")


def test_a_label_past_the_overlap_has_no_say_in_the_second_question(db_path, tmp_path):
    """Its agreement block and the exported `detail` count votes only: a third annotator's answer loaded past
    a unit's overlap of two neither joins the figures nor settles a tie."""
    news(tmp_path, db_path)
    set_claimbuster(tmp_path, db_path)
    Store(db_path).set_project("overlap", "2")
    assert run("import-labels", write_rows(tmp_path / "cb.jsonl", CB_ROWS), "--db", db_path).exit_code == 0
    before = json.loads(run("agreement", "--json", "--db", db_path).output)["second_question"]
    late = write_rows(tmp_path / "late.jsonl", [("news/ru.txt", 0, "cyryl", "CFS", "yes"),
                                                ("news/de.txt", 0, "cyryl", "CFS", "no")])
    assert "2 labels took a unit past the project's overlap" in run("import-labels", late, "--db", db_path).output
    after = json.loads(run("agreement", "--json", "--db", db_path).output)["second_question"]
    assert (after["units"], after["observed_agreement"]) == (before["units"], before["observed_agreement"])
    assert run("export", "--out", tmp_path / "m.jsonl", "--mode", "majority", "--db", db_path).exit_code == 0
    details = {(r["doc"], r["index"]): r["detail"]
               for r in map(json.loads, (tmp_path / "m.jsonl").read_text(encoding="utf-8").splitlines())}
    assert details[("news/ru.txt", 0)] is None  # anna yes, boris no: a tie; cyryl's yes has no say
    assert details[("news/de.txt", 0)] == "yes"
