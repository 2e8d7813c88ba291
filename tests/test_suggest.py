"""Model suggestions and boilerplate rules: what is suggested, what accepting stores, what rules do."""

from __future__ import annotations

import json
import sys

import pytest

from annotator.session import Session
from annotator.store import Store
from annotator.suggest import SuggestError, margins, model_id, train_and_suggest, training_units
from helpers import CORPUS, run

pytest.importorskip("sklearn")

TEMPLATES = {
    "fact": "The council approved a budget of {n} million euros for district {n} on Tuesday.",
    "claim": "Critics say the plan will cost {n} jobs in district {n}, though no study supports that.",
    "opinion": "Honestly this is the worst idea the city has had in {n} years, and everyone knows it.",
    "advert": "Subscribe now for {n} euros a month and get a free tote bag with offer code {n}.",
}


@pytest.fixture
def labeled_db(tmp_path, db_path):
    """Two documents of 32 sentences, eight of each kind; ann labels doc0 and the first 8 of doc1."""
    docs = tmp_path / "docs.jsonl"
    with open(docs, "w") as out:
        for d in range(2):
            lines = [TEMPLATES[kind].format(n=100 * d + 10 * i + k)
                     for i in range(8) for k, kind in enumerate(TEMPLATES)]
            out.write(json.dumps({"id": f"doc{d}", "text": "\n".join(lines)}) + "\n")
    assert run("import", docs, "--db", db_path).exit_code == 0
    store = Store(db_path)
    kinds = list(TEMPLATES)
    for s in store.document_sentences(store.document_id("doc0")):
        store.add_event(s.id, "label", "ann", kinds[s.index % 4])
    doc1 = store.document_sentences(store.document_id("doc1"))
    for s in doc1[:8]:
        store.add_event(s.id, "label", "ann", kinds[s.index % 4])
    return db_path


def unlabeled_groups(store: Store) -> set[int]:
    labeled = {g for g, *_ in store.current_labels()}
    return {g for g, _t in store.unit_texts()} - labeled


def test_suggestions_for_exactly_the_unlabeled_units(labeled_db):
    result = run("suggest", "--json", "--db", labeled_db)
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["trained_on"] == 40 and report["labels"] == {"advert": 10, "claim": 10, "fact": 10, "opinion": 10}
    assert report["suggested"] == 24
    cv = report["cross_validation"]
    assert cv["units"] == 40 and set(cv["per_label"]) == {"advert", "claim", "fact", "opinion"}
    assert cv["majority_baseline_macro_f1"] == pytest.approx(0.1)  # one label of four, F1 2*0.25/1.25 = 0.4
    store = Store(labeled_db)
    suggested = {g for (g,) in store.query("SELECT group_id FROM suggestions")}
    assert suggested == unlabeled_groups(store)
    rows = json.loads(run("suggestions", "--json", "--db", labeled_db).output)
    assert len(rows) == 24 and all(r["doc"] == "doc1" and r["index"] >= 8 for r in rows)
    assert all(set(r) == {"doc", "index", "text", "label", "p", "source"} and 0 < r["p"] <= 1 for r in rows)
    # the model learned the four kinds of sentence: the suggestions are right
    kinds = list(TEMPLATES)
    assert sum(r["label"] == kinds[r["index"] % 4] for r in rows) >= 22
    ordered = [r["p"] for r in json.loads(run("suggestions", "--json", "--order", "confident", "--db", labeled_db).output)]
    assert len(ordered) == 24
    two = json.loads(run("suggestions", "--json", "--limit", "2", "--db", labeled_db).output)
    assert len(two) == 2


def test_a_label_given_later_takes_the_unit_out_of_the_suggestions(labeled_db):
    assert run("suggest", "--db", labeled_db).exit_code == 0
    store = Store(labeled_db)
    target = store.document_sentences(store.document_id("doc1"))[8]
    store.add_event(target.id, "label", "bob", "fact")
    rows = json.loads(run("suggestions", "--json", "--db", labeled_db).output)
    assert (target.doc_id, 8) not in {(r["doc"], r["index"]) for r in rows} and len(rows) == 23


def test_accepting_stores_the_label_with_its_source(labeled_db):
    store = Store(labeled_db)
    report = train_and_suggest(store, evaluate_model=False)
    session = Session(store, "bob", doc_name="doc1")
    session.select(8)
    label, p, source = session.suggestion()
    assert source == f"suggestion:{report.model}" and 0 < p <= 1
    assert session.accept_suggestion() is True
    assert store.query("SELECT annotator, label, source FROM events WHERE annotator = 'bob'") == [("bob", label, source)]
    # accepted labels are left out of agreement with --typed-only, and counted in the data card
    store.add_event(store.sentence_at("doc1", 8).id, "label", "cy", label)
    with_all = json.loads(run("agreement", "--json", "--db", labeled_db).output)
    typed = json.loads(run("agreement", "--json", "--typed-only", "--db", labeled_db).output)
    assert with_all["units"] == 1 and typed["units"] == 0 and typed["typed_only"] is True
    card = run("export", "--out", labeled_db.parent / "gold.jsonl", "--card", "--db", labeled_db).output
    assert "1 row (2.4%) carry a label someone gave by accepting a model or rule suggestion" in card  # 1 of 41


def test_the_model_id_follows_the_labels(labeled_db):
    store = Store(labeled_db)
    units = training_units(store)
    texts = store.representative_texts(units)
    first = model_id(units, texts)
    assert model_id(dict(units), dict(texts)) == first
    group = next(iter(units))
    changed = {**units, group: "claim" if units[group] != "claim" else "fact"}
    assert model_id(changed, texts) != first
    assert train_and_suggest(store, evaluate_model=False).model == first


def test_gold_decisions_and_majorities_are_what_is_learned(labeled_db):
    store = Store(labeled_db)
    s = store.sentence_at("doc1", 8)
    for who, label in (("bob", "claim"), ("cy", "claim"), ("dee", "fact")):
        store.add_event(s.id, "label", who, label)
    t = store.sentence_at("doc1", 9)
    store.add_event(t.id, "label", "bob", "claim")
    store.add_event(t.id, "label", "cy", "fact")  # a tie: left out
    u = store.sentence_at("doc0", 0)
    store.decide(u.group_id, "lead", "opinion")  # the decision beats ann's fact
    units = training_units(store)
    assert units[s.group_id] == "claim" and t.group_id not in units and units[u.group_id] == "opinion"


def test_too_few_labels_get_a_message_not_a_model(tmp_path, db_path):
    assert run("import", CORPUS / "op-ed-transit.md", "--db", db_path).exit_code == 0
    result = run("suggest", "--db", db_path)
    assert result.exit_code == 1
    assert result.output == "Error: too few labels to train on: 0 labeled units, at least 20 needed\n"
    store = Store(db_path)
    for s in store.document_sentences(1):
        store.add_event(s.id, "label", "ann", "fact" if s.index < 12 else "opinion")
    store.close()
    result = run("suggest", "--db", db_path)
    assert "too few labels" in result.output  # 14 sentences
    with pytest.raises(SuggestError, match=r"opinion \(2\); each label needs at least 3"):
        from annotator.suggest import check_training_set
        from collections import Counter
        check_training_set(Counter({"fact": 30, "opinion": 2}))


def test_missing_scikit_learn_gives_the_message(labeled_db, monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn", None)  # import sklearn now raises ImportError
    result = run("suggest", "--db", labeled_db)
    assert result.output == "Error: suggestions need scikit-learn: pip install 'annotator[suggest]'\n"
    assert result.exit_code == 1


def test_order_uncertain_routes_the_least_sure_documents_first(labeled_db):
    assert run("project", "set", "order", "uncertain", "--db", labeled_db).exit_code == 1
    assert run("suggest", "--db", labeled_db).exit_code == 0
    assert run("project", "set", "order", "uncertain", "--db", labeled_db).exit_code == 0
    store = Store(labeled_db)
    ranks = dict(store.query("SELECT doc_id, rank FROM routing"))
    doc1 = store.document_id("doc1")
    least = store.query("SELECT min(g.margin) FROM suggestions g JOIN sentences s ON s.group_id = g.group_id "
                        "WHERE s.doc_id = ?", (doc1,))[0][0]
    assert ranks[doc1] == int(least * 1_000_000) and ranks[store.document_id("doc0")] == 1_000_000


def test_margins_are_the_gap_between_the_two_likeliest():
    import numpy as np

    assert margins(np.array([[0.7, 0.2, 0.1], [0.4, 0.35, 0.25]])) == pytest.approx([0.5, 0.05])


IRAQ = "corpus/iraq-battleground.txt"


def test_rules_pre_label_boilerplate_and_can_be_removed(tmp_path, db_path):
    assert run("import", CORPUS, "--db", db_path).exit_code == 0
    before = Store(db_path).query("SELECT count(*) FROM events")
    result = run("rules", "add", "Join My Patreon", "--label", "advert", "--db", db_path)
    assert result.output == "rule 1: 1 unit nobody has labeled suggested advert\n"
    result = run("rules", "add", r"meet your \w+ love", "--regex", "--label", "advert", "--db", db_path)
    assert result.output == "rule 2: 1 unit nobody has labeled suggested advert\n"
    rows = json.loads(run("suggestions", "--json", "--db", db_path).output)
    assert sorted(r["text"][:29] for r in rows) == ["Join My Patreon\xa0if you want h", "Meet your Persian Love Today!"]
    assert all(r["source"] == "rule" and r["label"] == "advert" and r["p"] == 1.0 for r in rows)
    assert Store(db_path).query("SELECT count(*) FROM events") == before  # never a human label
    listed = json.loads(run("rules", "list", "--json", "--db", db_path).output)
    assert listed == [{"id": 1, "pattern": "Join My Patreon", "regex": False, "label": "advert"},
                      {"id": 2, "pattern": r"meet your \w+ love", "regex": True, "label": "advert"}]
    assert run("rules", "remove", "1", "--db", db_path).output == "rule 1 removed, with its suggestions\n"
    rows = json.loads(run("suggestions", "--json", "--db", db_path).output)
    assert [r["text"] for r in rows] == ["Meet your Persian Love Today!"]
    assert run("rules", "remove", "1", "--db", db_path).output == "Error: no rule 1 (annotator rules list shows them)\n"
    assert run("rules", "add", "(unclosed", "--regex", "--label", "advert", "--db", db_path).output.startswith(
        "Error: not a regular expression: '(unclosed'")
    # a later import gets the rules too
    extra = tmp_path / "more.txt"
    extra.write_text("Local news. Meet your Persian love in Shiraz through our new online club. Then go home.\n")
    assert "rules: 2 units nobody has labeled pre-labeled as suggestions" in run("import", extra, "--db", db_path).output


def test_a_phrase_rule_matches_whole_words_only():
    from annotator.suggest import compile_rule

    rule = compile_rule("ad", regex=False)
    assert rule.search("An AD for shoes.") and not rule.search("The road ahead.")
    assert compile_rule("$5 off!", regex=False).search("Get $5 OFF! now")
