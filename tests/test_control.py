"""Control items: adding and listing them, their answers never votes, the control rate in routing,
the pause on low accuracy, and training."""

from __future__ import annotations

import json
import re
import sqlite3

import pytest

from annotator.quality.control import control_run, control_turn, training_order
from annotator.review import unit_votes_of, units_to_review
from annotator.store import Store
from annotator.team import next_document
from annotator.timestamps import shift
from conftest import dump
from helpers import run

T0 = "2026-11-30T09:00:00.000Z"
# real news sentences in the languages the desk works in, one document each
NEWS = {
    "de-bahn": ["Die Deutsche Bahn hat am Montag 1.200 Züge gestrichen.",
                "Der Streik ist ein Skandal für das ganze Land.",
                "Jetzt die neue BahnCard 25 zum halben Preis sichern!"],
    "ru-moscow": ["В Москве в понедельник выпало 30 сантиметров снега.",
                  "Мэрия утверждает, что город полностью готов к зиме.",
                  "По-моему, это худшая зима за десять лет."],
    "ar-cairo": ["افتتحت الحكومة المصرية يوم الأحد محطة جديدة لمترو القاهرة.",
                 "يقول الوزير إن المحطة ستخدم مليون راكب يوميا.",
                 "احجز رحلتك الآن واحصل على خصم عشرين بالمئة!"],
    "zh-rail": ["中国国家铁路集团周一宣布开通一条新的高速铁路。",
                "官员声称这条线路将把旅行时间缩短一半。",
                "我认为这是今年最重要的交通项目。"],
    "pl-sejm": ["Sejm uchwalił w piątek nową ustawę o mediach publicznych.",
                "Opozycja twierdzi, że ustawa narusza konstytucję.",
                "To najgorsza ustawa tej kadencji."],
    "el-port": ["Το λιμάνι του Πειραιά διακίνησε πέρυσι πέντε εκατομμύρια εμπορευματοκιβώτια.",
                "Ο υπουργός ισχυρίζεται ότι η επένδυση θα δημιουργήσει χίλιες θέσεις εργασίας.",
                "Κατά τη γνώμη μου, το λιμάνι πουλήθηκε πολύ φθηνά."],
}


def write_news(folder, docs=NEWS):
    path = folder / "news.jsonl"
    with open(path, "w", encoding="utf-8") as out:
        for name, sentences in docs.items():
            out.write(json.dumps({"id": name, "text": " ".join(sentences)}, ensure_ascii=False) + "\n")
    return path


@pytest.fixture
def news(tmp_path, db_path):
    assert run("import", write_news(tmp_path), "--db", db_path).exit_code == 0
    return db_path


def write_rows(path, rows):
    path.write_text("".join((row if isinstance(row, str) else json.dumps(row, ensure_ascii=False)) + "\n"
                            for row in rows), encoding="utf-8")
    return path


def rows(db_path, sql):
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def label(store: Store, doc: str, index: int, who: str, value: str, at: str = T0, source=None) -> str:
    return store.add_event(store.sentence_at(doc, index).id, "label", who, value, created_at=at, source=source)


# -- control add, list, remove, from-review ------------------------------------------------------------

def test_control_add_stores_every_row_and_lists_them(news, tmp_path):
    path = write_rows(tmp_path / "control.jsonl", [
        {"doc": "de-bahn", "index": 0, "label": "fact", "reason": "Zahl und Tag, nachprüfbar"},
        {"doc": "ru-moscow", "index": 1, "label": "claim", "reason": "слова мэрии, не проверено"},
        {"doc": "ar-cairo", "index": 2, "label": "advert"},
    ])
    result = run("control", "add", path, "--db", news)
    assert (result.exit_code, result.output) == (0, f"added 3 control items from {path}\n")
    assert rows(news, "SELECT d.name, s.idx, c.label, c.reason, c.origin FROM control_items c "
                      "JOIN sentences s ON s.id = c.sentence_id JOIN documents d ON d.id = s.doc_id ORDER BY c.id") == [
        ("de-bahn", 0, "fact", "Zahl und Tag, nachprüfbar", "file"),
        ("ru-moscow", 1, "claim", "слова мэрии, не проверено", "file"),
        ("ar-cairo", 2, "advert", None, "file"),
    ]
    store = Store(news)
    label(store, "de-bahn", 0, "ann", "fact")
    label(store, "de-bahn", 0, "bob", "claim")
    label(store, "ru-moscow", 1, "ann", "claim")
    assert run("control", "list", "--db", news).output == (
        "ar-cairo:3  index 2  advert  0/0 right  file\n"
        "de-bahn:1  index 0  fact  1/2 right  file  Zahl und Tag, nachprüfbar\n"
        "ru-moscow:2  index 1  claim  1/1 right  file  слова мэрии, не проверено\n")
    listed = json.loads(run("control", "list", "--json", "--db", news).output)
    assert listed[1] == {"doc": "de-bahn", "index": 0, "ref": "de-bahn:1", "label": "fact",
                         "reason": "Zahl und Tag, nachprüfbar", "origin": "file", "answers": 2, "right": 1,
                         "unit_label": "fact", "conflicts": []}
    again = run("control", "add", write_rows(tmp_path / "again.jsonl", [
        {"doc": "ar-cairo", "index": 2, "label": "advert", "reason": "دعوة للشراء"}]), "--db", news)
    assert again.output == f"added 0 control items from {tmp_path / 'again.jsonl'} (1 already were: label and reason replaced)\n"


def test_control_add_refuses_the_whole_file_for_any_bad_row(news, tmp_path):
    path = write_rows(tmp_path / "control.jsonl", [
        {"doc": "pl-sejm", "index": 0, "label": "fact"},
        {"doc": "pl-sejm", "index": 7, "label": "fact"},
        {"doc": "fr-paris", "index": 0, "label": "fact"},
        {"doc": "zh-rail", "index": 1, "label": "rumour"},
        {"doc": "zh-rail", "index": -1, "label": "claim"},
        "{not json",
        {"doc": "el-port", "label": "claim"},
        {"doc": "pl-sejm", "index": 0, "label": "claim"},
    ])
    before = dump(news)
    result = run("control", "add", path, "--db", news)
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"error: {path}:2: document 'pl-sejm' has no sentence at index 7",
        f"error: {path}:3: unknown document 'fr-paris'",
        f"error: {path}:4: unknown label 'rumour': not in the project's scheme default (fact, claim, opinion, advert)",
        f"error: {path}:5: 'index' counts from 0, not -1",
        f"error: {path}:6: bad JSON (Expecting property name enclosed in double quotes at column 2)",
        f"error: {path}:7: missing 'index'",
        f"error: {path}:8: the same unit as line 1",
        f"Error: {path}: 7 bad rows; no control item stored",
    ]
    assert dump(news) == before
    missing = run("control", "add", tmp_path / "none.jsonl", "--db", news)
    assert missing.output == f"Error: {tmp_path / 'none.jsonl'}: no such file\n"


def test_control_from_review_takes_live_decisions_but_ambiguous(news):
    store = Store(news)
    for doc in ("de-bahn", "ru-moscow", "pl-sejm"):
        label(store, doc, 1, "ann", "claim")
        label(store, doc, 1, "bob", "opinion")
    store.decide(store.sentence_at("de-bahn", 1).group_id, "lead", "opinion", comment="Wertung, keine Tatsache")
    store.decide(store.sentence_at("ru-moscow", 1).group_id, "lead", "ambiguous")
    uids = store.decide(store.sentence_at("pl-sejm", 1).group_id, "lead", "fact")
    store.undo_decision(uids[0].rsplit("-", 1)[0])
    result = run("control", "from-review", "--db", news)
    assert result.output == "added 1 control item from review decisions\n"
    assert rows(news, "SELECT s.idx, d.name, c.label, c.reason, c.origin FROM control_items c JOIN sentences s "
                      "ON s.id = c.sentence_id JOIN documents d ON d.id = s.doc_id") == [
        (1, "de-bahn", "opinion", "Wertung, keine Tatsache", "review")]
    # the labels given before the unit became a control item stay votes
    assert rows(news, "SELECT count(*) FROM control_answers") == [(0,)]


def test_control_remove_one_or_all(news, tmp_path):
    run("control", "add", write_rows(tmp_path / "c.jsonl", [
        {"doc": "el-port", "index": 0, "label": "fact"}, {"doc": "el-port", "index": 2, "label": "opinion"}]),
        "--db", news)
    store = Store(news)
    label(store, "el-port", 2, "ann", "opinion", at=None)
    assert run("control", "remove", "el-port:1", "--db", news).output == "removed 1 control item\n"
    assert run("control", "remove", "el-port:1", "--db", news).output == "Error: el-port:1: not a control item\n"
    assert run("control", "remove", "--db", news).output.endswith("Error: give one control item as DOC:N, or --all\n")
    assert run("control", "remove", "--all", "--db", news).output == (
        "removed 1 control item; 1 answer to it now counts as votes\n")
    assert rows(news, "SELECT count(*) FROM control_items") == [(0,)]
    assert rows(news, "SELECT count(*) FROM control_answers") == [(0,)]
    assert run("control", "list", "--db", news).output == (
        "no control items (add them: annotator control add FILE.jsonl, or control from-review)\n")


def test_control_remove_counts_answers_in_good_grammar(news, tmp_path):
    run("control", "add", write_rows(tmp_path / "c.jsonl", [
        {"doc": "pl-sejm", "index": 0, "label": "fact"}, {"doc": "pl-sejm", "index": 1, "label": "claim"}]),
        "--db", news)
    store = Store(news)
    label(store, "pl-sejm", 0, "ola", "fact", at=None)
    label(store, "pl-sejm", 1, "ola", "claim", at=None)
    assert run("control", "remove", "--all", "--db", news).output == (
        "removed 2 control items; 2 answers to them now count as votes\n")


# -- control answers are never votes -----------------------------------------------------------------------

def test_control_and_training_answers_count_nowhere_as_votes(news, tmp_path):
    store = Store(news)
    # real work: ann and bob agree on the Greek port figure, disagree on the minister's claim
    label(store, "el-port", 0, "ann", "fact")
    label(store, "el-port", 0, "bob", "fact")
    label(store, "el-port", 1, "ann", "claim")
    label(store, "el-port", 1, "bob", "opinion")
    votes_before = sorted(store.votes())
    export_before = run("export", "--out", "-", "--mode", "all", "--db", news).output
    majority_before = run("export", "--out", "-", "--mode", "majority", "--db", news).output
    stats_before = json.loads(run("stats", "--json", "--db", news).output)
    team_before = store.team_progress()
    review_before = units_to_review(store, True)
    agreement_before = run("agreement", "--json", "--db", news).output
    run("control", "add", write_rows(tmp_path / "c.jsonl", [
        {"doc": "zh-rail", "index": 0, "label": "fact"}, {"doc": "zh-rail", "index": 1, "label": "claim"}]),
        "--db", news)
    # answers to control items (ann and bob disagree on one) and a training answer by a newcomer
    later = None  # after the items were added: now
    label(store, "zh-rail", 0, "ann", "fact", at=later)
    label(store, "zh-rail", 0, "bob", "claim", at=later)
    label(store, "zh-rail", 1, "ann", "opinion", at=later)
    label(store, "zh-rail", 1, "cy", "claim", at=later, source="training")
    assert rows(news, "SELECT count(*) FROM control_answers") == [(3,)]
    assert sorted(store.votes()) == votes_before
    assert sorted(store.votes(typed_only=True)) == votes_before
    assert run("export", "--out", "-", "--mode", "all", "--db", news).output == export_before
    assert run("export", "--out", "-", "--mode", "majority", "--db", news).output == majority_before
    stats = json.loads(run("stats", "--json", "--db", news).output)
    assert (stats["labels"], stats["annotators"]) == (stats_before["labels"], stats_before["annotators"])
    assert store.team_progress() == team_before
    assert units_to_review(store, True) == review_before
    assert run("agreement", "--json", "--db", news).output == agreement_before
    unit = store.sentence_at("zh-rail", 0).group_id
    assert unit_votes_of(store, unit) == []


def test_bulk_loads_mark_control_answers(news, tmp_path):
    run("control", "add", write_rows(tmp_path / "c.jsonl", [{"doc": "pl-sejm", "index": 1, "label": "claim"}]),
        "--db", news)
    path = write_rows(tmp_path / "labels.jsonl", [
        {"doc": "pl-sejm", "index": 1, "annotator": "ann", "label": "claim"},
        {"doc": "pl-sejm", "index": 0, "annotator": "ann", "label": "fact"},
    ])
    assert run("import-labels", path, "--db", news).exit_code == 0
    assert rows(news, "SELECT e.label, e.annotator FROM control_answers a JOIN events e ON e.id = a.event_id") == [
        ("claim", "ann")]
    assert Store(news).control_tally("ann") == (1, 1)
    # a copy labeled offline: its answer to the control item is marked on merge
    copy = tmp_path / "copy.db"
    assert run("import", write_news(tmp_path), "--db", copy).exit_code == 0
    other = Store(copy)
    label(other, "pl-sejm", 1, "bob", "opinion", at=None)
    other.close()
    assert run("merge", copy, "--db", news).exit_code == 0
    assert rows(news, "SELECT e.label, e.annotator FROM control_answers a JOIN events e ON e.id = a.event_id "
                      "ORDER BY e.id") == [("claim", "ann"), ("opinion", "bob")]
    assert Store(news).control_tally("bob") == (1, 0)


def test_control_settings(news):
    assert run("project", "set", "control-rate", "0.1", "--db", news).output == (
        "control-rate 0.1: that share of each annotator's units are control units\n")
    assert run("project", "set", "control-rate", "0.6", "--db", news).output == (
        "Error: control-rate: must be between 0 and 0.5\n")
    assert run("project", "set", "min-accuracy", "nan", "--db", news).output == (
        "Error: min-accuracy: must be between 0 and 1\n")
    assert run("project", "set", "min-control-answers", "0", "--db", news).output == (
        "Error: min-control-answers: must be at least 1 answer\n")
    assert run("project", "set", "min-accuracy", "0.8", "--db", news).exit_code == 0
    project = Store(news).project()
    assert (project["control_rate"], project["min_accuracy"], project["min_control_answers"]) == (0.1, 0.8, 10)


# -- the control rate in routing -----------------------------------------------------------------------------

WORDS = ("harbour", "Hafen", "порт", "ميناء", "港口", "port", "λιμάνι", "quay")


def synthetic(folder, docs: int, per_doc: int = 3):
    """JSONL documents whose sentences are all different units."""
    path = folder / "synthetic.jsonl"
    with open(path, "w", encoding="utf-8") as out:
        for d in range(docs):
            text = " ".join(f"Report {d} counts {d * 10 + i} ships at the {WORDS[(d + i) % len(WORDS)]} "
                            f"number {d * 7 + i * 13}." for i in range(per_doc))
            out.write(json.dumps({"id": f"r{d:04d}", "text": text}, ensure_ascii=False) + "\n")
    return path


def test_control_rate_share_over_a_thousand_units_per_annotator(tmp_path, db_path):
    assert run("import", synthetic(tmp_path, 420), "--db", db_path).exit_code == 0
    # the first sentence of two documents in seven is a control item: 120 of them, a few more than the
    # rate takes over 1,000 units, so they run out before the work does
    items = [{"doc": f"r{d:04d}", "index": 0, "label": "fact"} for d in range(420) if d % 7 in (0, 3)]
    assert run("control", "add", write_rows(tmp_path / "c.jsonl", items), "--db", db_path).exit_code == 0
    assert run("project", "set", "overlap", "3", "--db", db_path).exit_code == 0
    assert run("project", "set", "control-rate", "0.1", "--db", db_path).exit_code == 0
    store = Store(db_path)
    store.conn.execute("UPDATE meta SET value = 'fixed seed' WHERE key = 'control.secret'")
    store.conn.commit()
    control_units = {store.sentence_at(i["doc"], 0).group_id for i in items}
    handed = {who: [] for who in ("anna", "борис", "李")}  # per annotator, per unit handed: was it control?
    answered = {who: set() for who in handed}
    at = shift(store.conn.execute("SELECT max(created_at) FROM control_items").fetchone()[0], 1)
    mixed = 0  # leases holding control and work units
    while any(len(units) < 1000 for units in handed.values()):
        for who, units in handed.items():
            if len(units) >= 1000:
                continue
            doc = store.route_next(who, at)
            assert doc is not None
            name = store.document(doc)[0]
            held = [store.sentence_at(name, i) for i in store.leased_indices(who, doc)]
            kinds = {s.group_id in control_units for s in held}
            mixed += kinds == {True, False}
            for s in held:
                assert s.group_id not in answered[who]
                answered[who].add(s.group_id)
                units.append(s.group_id in control_units)
                store.add_event(s.id, "label", who, "fact", created_at=at, touch_lease=True)
    # a control unit comes with its document's work, as any work document does
    assert mixed > 100
    for who, units in handed.items():
        share = sum(units[:1000]) / 1000
        assert abs(share - 0.1) <= 0.02, (who, share)
        # no fixed period: the gaps between control units vary
        places = [i for i, control in enumerate(units) if control]
        assert len({b - a for a, b in zip(places, places[1:])}) > 3
    # on to the end: each gets every control item once, and when those run out, the work goes on
    for who in handed:
        while (doc := store.route_next(who, at)) is not None:
            name = store.document(doc)[0]
            for i in store.leased_indices(who, doc):
                s = store.sentence_at(name, i)
                assert s.group_id not in answered[who]
                answered[who].add(s.group_id)
                store.add_event(s.id, "label", who, "fact", created_at=at, touch_lease=True)
        assert control_units <= answered[who]
        assert len(answered[who]) == 420 * 3


# the desk's wire copy in its languages: each sentence states its own figures, so each is a unit of its own
WIRE = ("Der Hafen {d} meldete am Montag {n} Schiffe und {m} Container.",
        "В порту {d} в понедельник разгрузили {n} судов и {m} контейнеров.",
        "أعلن الميناء {d} يوم الاثنين وصول {n} سفينة و{m} حاوية.",
        "港口{d}周一共停靠了{n}艘船和{m}个集装箱。",
        "Port {d} obsłużył w poniedziałek {n} statków i {m} kontenerów.",
        "Το λιμάνι {d} δέχτηκε τη Δευτέρα {n} πλοία και {m} κοντέινερ.")
WIRE_UNITS = 52_500  # 105 control items at 0.2%: more than the rate takes over 1,000 units


@pytest.fixture(scope="module")
def wire_corpora(tmp_path_factory):
    """per document size (25, 60): a database of WIRE_UNITS units in documents of that size, imported once."""
    built = {}
    for per_doc in (25, 60):
        folder = tmp_path_factory.mktemp(f"wire{per_doc}")
        path = folder / "wire.jsonl"
        with open(path, "w", encoding="utf-8") as out:
            for d in range(WIRE_UNITS // per_doc):
                text = " ".join(WIRE[(d + i) % len(WIRE)].format(d=d, n=d * per_doc + i, m=7 * (d * per_doc + i) + 3)
                                for i in range(per_doc))
                out.write(json.dumps({"id": f"w{d:05d}", "text": text}, ensure_ascii=False) + "\n")
        built[per_doc] = folder / "a.db"
        assert run("import", path, "--db", built[per_doc]).exit_code == 0
    return built


@pytest.mark.parametrize("per_doc, control_share", [(25, 0.002), (60, 0.002), (25, 0.02), (60, 0.02)])
def test_control_share_holds_on_long_documents(wire_corpora, tmp_path, per_doc, control_share):
    """Documents of 25 and 60 units with control items from 0.2% or 2% of the units: each annotator's share of
    control units over 1,000 units stays within 2 points of the rate."""
    import random
    import shutil

    from annotator import scheme

    db_path = tmp_path / "a.db"
    shutil.copy(wire_corpora[per_doc], db_path)
    store = Store(db_path)
    units = [g for (g,) in store.conn.execute("SELECT DISTINCT group_id FROM sentences ORDER BY group_id")]
    assert len(units) == WIRE_UNITS
    labels = scheme.labels(store)
    rng = random.Random(11)
    control_units = set(rng.sample(units, round(control_share * len(units))))
    store.add_control_items([(g, labels[g % len(labels)], None) for g in sorted(control_units)], "file")
    store.set_project("overlap", "2")
    store.set_project("control_rate", "0.1")
    store.set_setting("control.secret", "fixed seed")
    store.conn.commit()
    at = shift(store.conn.execute("SELECT max(created_at) FROM control_items").fetchone()[0], 1)
    handed = {who: [] for who in ("Jürgen", "Светлана", "فاطمة")}  # per annotator, per unit handed: was it control?
    while any(len(held) < 1000 for held in handed.values()):
        for who, held in handed.items():
            if len(held) >= 1000:
                continue
            doc = store.route_next(who, at)
            name = store.document(doc)[0]
            for i in store.leased_indices(who, doc):
                s = store.sentence_at(name, i)
                held.append(s.group_id in control_units)
                store.add_event(s.id, "label", who, labels[0], created_at=at, touch_lease=True)
    shares = {who: sum(held[:1000]) / 1000 for who, held in handed.items()}
    assert all(abs(share - 0.1) <= 0.02 for share in shares.values()), shares
    for held in handed.values():  # no fixed period: the gaps between control units vary
        places = [i for i, control in enumerate(held) if control]
        assert len({b - a for a, b in zip(places, places[1:])}) > 3


def test_a_control_unit_served_for_the_rate_comes_with_a_run_of_its_documents_work():
    units = list(range(100, 125))  # a document of 25 units, the control unit the 11th
    assert control_run(units, 10, 0.1, 0.0, 0.5) == [110, 111]  # the shortest: one unit of work beside it
    assert control_run(units, 10, 0.1, 0.0, 0.0) == [109, 110]
    assert control_run(units, 10, 0.1, 0.99, 0.0) == list(range(101, 111))  # nine others before it
    assert control_run(units, 10, 0.1, 0.99, 0.99) == list(range(110, 120))  # or after it
    assert control_run(units, 10, 0.1, 0.5, 0.5) == list(range(108, 114))  # five others around it
    assert control_run(units, 0, 0.1, 0.99, 0.5) == list(range(100, 110))  # the first unit: a run after it
    assert control_run(units, 24, 0.5, 0.99, 0.99) == [123, 124]  # rate 0.5: one other at most
    assert control_run([7, 8], 1, 0.01, 0.99, 0.5) == [7, 8]  # no more than the document has
    assert control_run([7], 0, 0.2, 0.99, 0.5) == [7]  # alone only when its document has nothing else


def test_control_turn_follows_the_deficit():
    assert not control_turn(0.0, 0.0, 100, 0)  # no rate, no control
    assert control_turn(0.99, 0.1, 100, 0)  # ten behind: certain
    assert not control_turn(0.01, 0.1, 100, 20)  # ten ahead: never
    assert control_turn(0.05, 0.1, 10, 1) and not control_turn(0.15, 0.1, 10, 1)  # on the rate: the rate


def test_training_order_is_each_annotators_own():
    items = list(range(1, 21))
    assert sorted(training_order("anna", items)) == items
    assert training_order("anna", items) == training_order("anna", items)
    assert training_order("anna", items) != training_order("борис", items)


# -- the pause on low accuracy -------------------------------------------------------------------------------

def test_min_accuracy_pauses_routing_until_the_lead_lifts_it(news, tmp_path):
    items = [{"doc": doc, "index": i, "label": "fact" if i == 0 else "claim"}
             for doc in ("de-bahn", "ru-moscow", "ar-cairo") for i in (0, 1)]
    run("control", "add", write_rows(tmp_path / "c.jsonl", items), "--db", news)
    for key, value in (("overlap", "1"), ("min-accuracy", "0.7"), ("min-control-answers", "3")):
        assert run("project", "set", key, value, "--db", news).exit_code == 0
    store = Store(news)
    # two wrong of two: too few answers to judge
    label(store, "de-bahn", 0, "ann", "opinion", at=None)
    label(store, "de-bahn", 1, "ann", "opinion", at=None)
    assert store.routing_pause("ann") is None
    assert run("next", "--annotator", "ann", "--db", news).output.startswith("de-bahn: 1 unit for you")
    label(store, "ru-moscow", 0, "ann", "fact", at=None)
    assert store.control_tally("ann") == (3, 1)
    assert store.routing_pause("ann") == (3, 1)
    assert store.route_next("ann", shift(store.conn.execute("SELECT max(created_at) FROM events").fetchone()[0], 1)) is None
    assert rows(news, "SELECT count(*) FROM claims WHERE annotator = 'ann'") == [(0,)]  # what ann held went back
    paused = ("Routing is paused for you by the quality check: 33% right on 3 control answers. "
              "Ask your lead to look at your work and lift the pause.\n")
    assert run("next", "--annotator", "ann", "--db", news).output == paused
    assert json.loads(run("next", "--annotator", "ann", "--json", "--db", news).output) == {
        "paused": True, "control_answers": 3, "right": 1}
    # bob, who answers right, works on
    label(store, "de-bahn", 0, "bob", "fact", at=None)
    label(store, "de-bahn", 1, "bob", "claim", at=None)
    label(store, "ru-moscow", 0, "bob", "fact", at=None)
    assert store.routing_pause("bob") is None
    assert run("control", "lift", "ann", "--db", news).output == (
        "lifted the pause on ann (1/3 control answers were right); only their answers from now on count toward "
        "a new pause\n")
    assert store.routing_pause("ann") is None
    assert run("next", "--annotator", "ann", "--db", news).output.startswith("de-bahn: 1 unit for you")
    assert store.control_tally("ann") == (3, 1)  # all answers still count for accuracy
    assert run("control", "lift", "bob", "--db", news).output == (
        "bob was not paused; their control answers from now on count toward a pause\n")
    # three more wrong answers after the lift pause ann again
    for doc, i in (("ru-moscow", 1), ("ar-cairo", 0), ("ar-cairo", 1)):
        label(store, doc, i, "ann", "advert", at=shift(store.setting("control.lifted.ann"), 1))
    assert store.routing_pause("ann") == (3, 0)


# -- on the screen: control units look like work; training --------------------------------------------------

HEADLINE = {"bericht": ["Die Regierung behauptet, die Inflation sei im Oktober auf zwei Prozent gefallen.",
                        "Die Opposition spricht von geschönten Zahlen."],
            "archiv": ["Das Statistische Bundesamt veröffentlicht die Zahlen am Monatsende."]}


async def screen_of(db_path, folder, control: bool) -> str:
    """What the screen shows the annotator handed the headline: as work, or as a control unit (with
    the sentence after it as its work). Both projects have one control item, so the same work to count."""
    from annotator.tui.app import AnnotatorApp

    assert run("import", write_news(folder, HEADLINE), "--db", db_path).exit_code == 0
    run("project", "set", "overlap", "1", "--db", db_path)
    item = {"doc": "bericht", "index": 0, "label": "claim"} if control else {"doc": "archiv", "index": 0, "label": "fact"}
    run("control", "add", write_rows(folder / "c.jsonl", [item]), "--db", db_path)
    if control:
        run("project", "set", "control-rate", "0.5", "--db", db_path)
    store = Store(db_path)
    store.conn.execute("INSERT OR REPLACE INTO meta VALUES ('control.handed.ann', '10 0')")  # due a control
    store.conn.commit()
    app = AnnotatorApp(store, "ann")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.screen.session.doc_name == "bericht" and app.screen.session.queue == {0, 1}
        # the SVG's class names are a hash of the export: the same screen, the same names once they are named alike
        return re.sub(r"terminal-\d+", "terminal", app.export_screenshot())


async def test_a_control_unit_is_shown_exactly_as_work(tmp_path, monkeypatch):
    monkeypatch.setattr("annotator.session.clock", lambda: "14:02")
    monkeypatch.setattr("annotator.tui.widgets.names.database_path", lambda path: "/home/ana/newsroom.db")
    for run_ in ("work", "control"):  # each file in a folder of the same name: the same source
        (tmp_path / run_ / "desk").mkdir(parents=True)
    work = await screen_of(tmp_path / "work" / "a.db", tmp_path / "work" / "desk", control=False)
    control = await screen_of(tmp_path / "control" / "a.db", tmp_path / "control" / "desk", control=True)
    assert rows(tmp_path / "control" / "a.db", "SELECT count(*) FROM claims c JOIN control_items i "
                                               "ON i.sentence_id = c.group_id") == [(1,)]
    assert control == work


async def test_training_serves_control_items_and_tells_the_expected_label(news, tmp_path):
    from annotator.tui.app import AnnotatorApp
    from annotator.writer import wait_all

    run("control", "add", write_rows(tmp_path / "c.jsonl", [
        {"doc": "ru-moscow", "index": 1, "label": "claim", "reason": "слова мэрии, не проверено"},
        {"doc": "zh-rail", "index": 0, "label": "fact"},
    ]), "--db", news)
    run("project", "set", "overlap", "1", "--db", news)
    store = Store(news)
    expected = {("ru-moscow", 1): ("claim", "c", "claim: слова мэрии, не проверено"),
                ("zh-rail", 0): ("fact", "f", "fact")}
    app = AnnotatorApp(store, "新人", training=True)
    async with app.run_test(size=(80, 24)) as pilot:
        session = app.screen.session
        first = (store.document(session.doc_id)[0], session.index)
        await pilot.press("o")  # wrong for either
        told = [n.message for n in app._notifications]
        second = (store.document(session.doc_id)[0], session.index)
        await pilot.press(expected[second][1])  # right
        told += [n.message for n in app._notifications if n.message not in told]
        wait_all(10)
    assert {first, second} == set(expected)
    assert told == [f"{first[0]}:{first[1] + 1}: expected {expected[first][2]} (0/1 right)",
                    f"{second[0]}:{second[1] + 1}: right, {expected[second][2]} (1/2 right)",
                    "Training done: 1 of 2 answers right. Start again with annotate --training, or begin real "
                    "work with annotate."]
    assert rows(news, "SELECT d.name, s.idx, e.label, e.source FROM events e JOIN sentences s ON s.id = e.sentence_id "
                      "JOIN documents d ON d.id = s.doc_id ORDER BY e.id") == [
        (*first, "opinion", "training"), (*second, expected[second][0], "training")]
    assert rows(news, "SELECT count(*) FROM control_answers") == [(0,)]
    assert rows(news, "SELECT count(*) FROM claims") == [(0,)]  # no lease taken


def test_training_without_control_items_says_how_to_add_them(news):
    result = run("annotate", "--training", "--db", news)
    assert result.output == (f"Error: {news}: no control items to train on; add them with `annotator control add "
                             "FILE.jsonl` or `annotator control from-review`\n")


def paused(news, tmp_path, doc="el-port", who="Ζωή", overlap="2") -> Store:
    """`who` paused by the quality check: three control answers on `doc`'s sentences, all wrong."""
    run("control", "add", write_rows(tmp_path / "c.jsonl", [
        {"doc": doc, "index": i, "label": "claim"} for i in range(3)]), "--db", news)
    for key, value in (("overlap", overlap), ("min-accuracy", "0.5"), ("min-control-answers", "3")):
        run("project", "set", key, value, "--db", news)
    store = Store(news)
    for i in range(3):
        label(store, doc, i, who, "fact", at=None)
    return store


async def test_the_screen_says_routing_is_paused(news, tmp_path):
    from annotator.tui.app import AnnotatorApp

    store = paused(news, tmp_path)
    app = AnnotatorApp(store, "Ζωή")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert [n.message for n in app._notifications] == [
            "Routing is paused for you by the quality check: 0% right on 3 control answers. Ask your lead to "
            "look at your work and lift the pause."]


def test_control_lift_refuses_an_annotator_who_never_labeled(news):
    result = run("control", "lift", "nobody", "--db", news)
    assert (result.exit_code, result.output) == (
        1, f"Error: {news}: 'nobody' has never labeled anything here: no pause to lift\n")
    assert rows(news, "SELECT count(*) FROM meta WHERE key LIKE 'control.lifted.%'") == [(0,)]


def test_next_exits_3_when_paused_and_0_when_nothing_is_left(news, tmp_path):
    store = paused(news, tmp_path, doc="zh-rail", who="李雷", overlap="1")
    for args in ((), ("--json",)):
        result = run("next", "--annotator", "李雷", *args, "--db", news)
        assert result.exit_code == 3
    assert json.loads(result.output) == {"paused": True, "control_answers": 3, "right": 0}
    # everything labeled by someone: nothing is left for 韩梅梅, exit 0 and null
    for doc, sentences in NEWS.items():
        for i in range(len(sentences)):
            label(store, doc, i, "王芳", "fact", at=None)
    result = run("next", "--annotator", "韩梅梅", "--json", "--db", news)
    assert (result.exit_code, result.output) == (0, "null\n")


# -- one right label per unit, whichever copy the item names --------------------------------------------------

def test_a_unit_takes_one_control_item_through_its_copies(db_path, tmp_path):
    from helpers import SYND, WIRE, build

    build(db_path, tmp_path, labels=[])
    first = write_rows(tmp_path / "wire.jsonl", [{"doc": WIRE, "index": 2, "label": "fact"}])
    assert run("control", "add", first, "--db", db_path).exit_code == 0
    other = write_rows(tmp_path / "synd.jsonl", [{"doc": SYND, "index": 2, "label": "claim"}])
    result = run("control", "add", other, "--db", db_path)
    assert (result.exit_code, result.output) == (1, (
        f"error: {other}:1: its unit already is control item {WIRE}:3 (fact), not claim\n"
        f"Error: {other}: 1 bad row; no control item stored\n"))
    same = write_rows(tmp_path / "same.jsonl", [{"doc": SYND, "index": 2, "label": "fact"}])
    assert run("control", "add", same, "--db", db_path).output == (
        f"added 0 control items from {same} (1 already a control item through a copy)\n")
    assert rows(db_path, "SELECT sentence_id, label FROM control_items") == [
        (Store(db_path).sentence_at(WIRE, 2).id, "fact")]


def test_control_from_review_refuses_a_decision_against_a_copys_item(db_path, tmp_path):
    from helpers import SYND, WIRE, build

    build(db_path, tmp_path, labels=[])
    run("control", "add", write_rows(tmp_path / "c.jsonl", [{"doc": SYND, "index": 2, "label": "claim"}]),
        "--db", db_path)
    store = Store(db_path)
    label(store, WIRE, 2, "ann", "fact")
    label(store, WIRE, 2, "bob", "opinion")
    store.decide(store.sentence_at(WIRE, 2).group_id, "lead", "fact")
    result = run("control", "from-review", "--db", db_path)
    assert (result.exit_code, result.output) == (1, (
        f"error: {WIRE}:3: decided fact, but its unit already is control item {SYND}:3 (claim), not fact\n"
        f"Error: {db_path}: 1 decision against a control item; no control item stored\n"))
    assert rows(db_path, "SELECT count(*) FROM control_items") == [(1,)]


def test_two_items_joined_into_one_unit_take_the_earliest_label(db_path, tmp_path):
    from helpers import SYND, WIRE, build

    build(db_path, tmp_path, labels=[])
    assert run("dupes", "split", f"{SYND}:3", "--db", db_path).exit_code == 0
    run("control", "add", write_rows(tmp_path / "c.jsonl", [
        {"doc": WIRE, "index": 2, "label": "fact"}, {"doc": SYND, "index": 2, "label": "claim"}]), "--db", db_path)
    store = Store(db_path)
    label(store, SYND, 2, "ann", "claim", at=None)
    label(store, WIRE, 2, "bob", "fact", at=None)
    assert run("dupes", "join", f"{WIRE}:3", f"{SYND}:3", "--db", db_path).exit_code == 0
    group = store.sentence_at(WIRE, 2).group_id
    assert rows(db_path, "SELECT count(*) FROM control_items") == [(2,)]  # both rows kept
    assert store.control_expected(group) == ("fact", None)
    assert store.aggregation_fixed()[0] == {group: "fact"}
    assert (store.control_tally("ann"), store.control_tally("bob")) == ((1, 0), (1, 1))
    assert store.control_pairs() == [("ann", "fact", "claim"), ("bob", "fact", "fact")]
    assert run("control", "list", "--db", db_path).output == (
        f"{SYND}:3  index 2  claim  0/1 right  file  CONFLICT: same unit as {WIRE}:3 (fact); the unit counts as "
        "fact (the earliest item)\n"
        f"{WIRE}:3  index 2  fact  1/1 right  file  CONFLICT: same unit as {SYND}:3 (claim); the unit counts as "
        "fact (the earliest item)\n")


# -- the annotation screen: the pause stays said, flags are one's own, 80 columns fit ------------------------

PAUSED_WORDS = "routing paused: 0% right on 3 control answers; ask your lead"


async def test_the_pause_stays_on_the_panel_and_status_line_after_the_toast(news, tmp_path):
    from annotator.tui.app import AnnotatorApp

    store = paused(news, tmp_path)
    for size in ((80, 24), (120, 40)):
        app = AnnotatorApp(store, "Ζωή")
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            app.clear_notifications()  # the toast faded
            await pilot.pause()
            counts = str(app.screen.query_one("#counts").render())
            assert counts.splitlines()[0] == PAUSED_WORDS
            assert "queue is empty" not in counts
            if size == (80, 24):
                assert PAUSED_WORDS in str(app.screen.query_one("#status").render())


async def test_the_annotation_screen_shows_only_ones_own_flag(news):
    from annotator.session import Session
    from annotator.tui.app import AnnotatorApp
    from annotator.writer import wait_all

    store = Store(news)
    Session(store, "Борис", "el-port").flag("Πηγή; Ρωτήστε το γραφείο")
    wait_all(10)
    assert store.group_flags(store.sentence_at("el-port", 0).group_id) == [("Борис", "Πηγή; Ρωτήστε το γραφείο")]
    for size in ((80, 24), (120, 40)):
        app = AnnotatorApp(store, "anna", doc_name="el-port")
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            assert "flagged" not in str(app.screen.query_one("#sentence-info").render())
            assert "flagged" not in str(app.screen.query_one("#status").render())
            await pilot.press("exclamation_mark", *"Αριθμός;", "enter")
            if size == (80, 24):  # the narrow screen folds the panel into the status line
                assert str(app.screen.query_one("#status").render()).endswith(" · flagged: Αριθμός;")
            else:
                assert str(app.screen.query_one("#sentence-info").render()).endswith("\nflagged by anna: Αριθμός;")
            await pilot.press("exclamation_mark")  # taken back for the next size
        wait_all(10)


async def test_the_status_line_at_80_columns_says_the_flags_note_cut_to_fit(news):
    from annotator.tui.app import AnnotatorApp
    from annotator.writer import wait_all

    store = Store(news)
    note = "Η πηγή του αριθμού δεν είναι γνωστή, ρωτήστε το γραφείο"
    app = AnnotatorApp(store, "anna", doc_name="el-port")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("exclamation_mark", *note, "enter")
        status = str(app.screen.query_one("#status").render())
        assert status.endswith(" · flagged: Η πηγή του αριθμού…")
        await pilot.press("j", "exclamation_mark", *"Quelle?", "enter")
        assert str(app.screen.query_one("#status").render()).endswith(" · flagged: Quelle?")
    wait_all(10)


async def test_the_team_table_fits_80_columns(news, tmp_path):
    from textual.geometry import Region

    from annotator.tui.app import AnnotatorApp

    run("control", "add", write_rows(tmp_path / "c.jsonl", [{"doc": "zh-rail", "index": 0, "label": "fact"}]),
        "--db", news)
    store = Store(news)
    label(store, "zh-rail", 0, "Александра Петрова", "fact", at=None)
    label(store, "de-bahn", 0, "Александра Петрова", "fact", at=None)
    label(store, "de-bahn", 0, "王芳", "claim", at=None)
    app = AnnotatorApp(store, "王芳", doc_name="de-bahn")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("p")
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one("#team-progress")
        shown = [strip.text.rstrip() for strip in table.render_lines(Region(0, 0, *table.content_size))]
    assert shown[:5] == [
        "Team progress",
        "",
        "annotator         done held /hour      gold agree    control acc.",
        "Александра Петро     1    0   n/a             n/a 100% [21-100] 1",
        "王芳                 1    0   n/a             n/a             n/a"]


# -- nothing tells a control unit: it comes with work, and work comes with it ---------------------------------

def test_a_work_documents_control_units_come_with_the_work(news, tmp_path):
    run("control", "add", write_rows(tmp_path / "c.jsonl", [{"doc": "de-bahn", "index": 1, "label": "opinion"}]),
        "--db", news)
    for key, value in (("overlap", "1"), ("control-rate", "0.1")):
        run("project", "set", key, value, "--db", news)
    store = Store(news)
    store.conn.execute("UPDATE meta SET value = 'fixed seed' WHERE key = 'control.secret'")
    store.conn.execute("INSERT OR REPLACE INTO meta VALUES ('control.handed.ann', '1000 100')")  # on the rate
    store.conn.commit()
    at = shift(store.conn.execute("SELECT max(created_at) FROM control_items").fetchone()[0], 1)
    doc = store.route_next("ann", at)
    assert (store.document(doc)[0], store.leased_indices("ann", doc)) == ("de-bahn", [0, 1, 2])
    assert store.setting("control.handed.ann") == "1003 101"  # the control unit counts toward the share
    for i, value in enumerate(("fact", "opinion", "advert")):
        label(store, "de-bahn", i, "ann", value, at=at)
    assert store.control_tally("ann") == (1, 1)
    assert rows(news, "SELECT count(*) FROM control_answers") == [(1,)]
    assert store.document(store.route_next("ann", at, done_doc=doc))[0] == "ru-moscow"  # never de-bahn again


def test_a_control_unit_served_for_the_rate_comes_with_its_documents_work(news, tmp_path):
    run("control", "add", write_rows(tmp_path / "c.jsonl", [{"doc": "zh-rail", "index": 2, "label": "opinion"}]),
        "--db", news)
    for key, value in (("overlap", "2"), ("control-rate", "0.5")):
        run("project", "set", key, value, "--db", news)
    store = Store(news)
    store.conn.execute("UPDATE meta SET value = 'fixed seed' WHERE key = 'control.secret'")
    store.conn.execute("INSERT OR REPLACE INTO meta VALUES ('control.handed.李', '10 0')")  # due a control
    store.conn.commit()
    label(store, "zh-rail", 0, "王", "fact", at=None)
    label(store, "zh-rail", 0, "张", "fact", at=None)  # zh-rail:1 has its overlap of 2
    doc = store.route_next("李", shift(store.conn.execute("SELECT max(created_at) FROM events").fetchone()[0], 1))
    assert (store.document(doc)[0], store.leased_indices("李", doc)) == ("zh-rail", [1, 2])
    assert store.setting("control.handed.李") == "12 1"


def test_labeling_a_control_unit_again_replaces_ones_earlier_vote(news, tmp_path):
    """What README's Control items says: an earlier label stays a vote while it is its annotator's latest."""
    store = Store(news)
    label(store, "ru-moscow", 1, "ann", "claim", at="2026-01-05T09:00:00.000Z")  # before the item
    label(store, "ru-moscow", 1, "bob", "opinion", at="2026-01-05T09:00:00.000Z")
    run("control", "add", write_rows(tmp_path / "c.jsonl", [{"doc": "ru-moscow", "index": 1, "label": "claim"}]),
        "--db", news)
    unit = store.sentence_at("ru-moscow", 1).group_id
    assert sorted((v.annotator, v.label) for v in unit_votes_of(store, unit)) == [("ann", "claim"), ("bob", "opinion")]
    label(store, "ru-moscow", 1, "ann", "claim", at=None)  # ann labels it again: an answer now
    assert store.control_tally("ann") == (1, 1)
    assert [(v.annotator, v.label) for v in unit_votes_of(store, unit)] == [("bob", "opinion")]
    assert [v for v in store.votes() if v[0] == unit] == [(unit, "bob", "opinion")]  # agreement, exports


def test_control_from_review_never_changes_an_items_label(news, tmp_path):
    run("control", "add", write_rows(tmp_path / "c.jsonl", [
        {"doc": "pl-sejm", "index": 1, "label": "claim", "reason": "Zdanie opozycji"},
        {"doc": "de-bahn", "index": 1, "label": "opinion"}]), "--db", news)
    store = Store(news)
    for doc in ("pl-sejm", "de-bahn"):
        label(store, doc, 1, "ann", "fact")
        label(store, doc, 1, "bob", "opinion")
    uids = store.decide(store.sentence_at("pl-sejm", 1).group_id, "lead", "opinion")
    store.decide(store.sentence_at("de-bahn", 1).group_id, "lead", "opinion")
    result = run("control", "from-review", "--db", news)
    assert (result.exit_code, result.output) == (1, (
        "error: pl-sejm:2: decided opinion, but its unit already is control item pl-sejm:2 (claim), not opinion\n"
        f"Error: {news}: 1 decision against a control item; no control item stored\n"))
    items = "SELECT d.name, s.idx, c.label, c.reason, c.origin FROM control_items c JOIN sentences s " \
            "ON s.id = c.sentence_id JOIN documents d ON d.id = s.doc_id ORDER BY c.id"
    assert rows(news, items) == [("pl-sejm", 1, "claim", "Zdanie opozycji", "file"), ("de-bahn", 1, "opinion", None, "file")]
    store.undo_decision(uids[0].rsplit("-", 1)[0])
    store.decide(store.sentence_at("pl-sejm", 1).group_id, "lead", "claim")
    assert run("control", "from-review", "--db", news).output == (
        "added 0 control items from review decisions (2 already a control item with that label)\n")
    assert rows(news, items) == [("pl-sejm", 1, "claim", "Zdanie opozycji", "file"), ("de-bahn", 1, "opinion", None, "file")]


async def test_review_of_a_flagged_control_unit_shows_the_item_and_its_answers(news, tmp_path):
    from annotator.session import Session
    from annotator.tui.app import AnnotatorApp
    from annotator.writer import wait_all

    run("control", "add", write_rows(tmp_path / "c.jsonl", [{"doc": "ru-moscow", "index": 1, "label": "claim"}]),
        "--db", news)
    store = Store(news)
    label(store, "ru-moscow", 1, "dee", "fact")
    assert rows(news, "SELECT count(*) FROM control_answers") == [(1,)]
    session = Session(store, "dee", "ru-moscow")
    session.jump(store.document_id("ru-moscow"), 1)
    session.flag("Кто это утверждает?")
    wait_all(10)
    app = AnnotatorApp(store, "lead", mode="review")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        votes = str(app.screen.query_one("#votes-text").render())
    assert votes.splitlines()[1:] == [
        "control item:  claim   (answers to it are no votes)",
        "dee               fact   control answer",
        "",
        "decision: none yet",
        "flagged by dee: Кто это утверждает?"]


def test_the_pause_figures_follow_each_control_answer_that_lands(news, tmp_path):
    from annotator.session import Session

    store = paused(news, tmp_path)
    run("control", "add", write_rows(tmp_path / "more.jsonl", [
        {"doc": "ru-moscow", "index": 0, "label": "fact"}, {"doc": "ru-moscow", "index": 1, "label": "claim"}]),
        "--db", news)
    session = Session(store, "Ζωή")
    assert (session.queue_empty, session.paused) == (True, (3, 0))
    session.jump(store.document_id("ru-moscow"), 0)  # by hand: the pause does not keep a document shut
    session.label("fact")
    assert session.paused == (4, 1)
    session.label("fact")
    assert session.paused == (5, 1)


async def test_the_screen_counts_a_control_answer_like_work_while_progress_leaves_it_out(news, tmp_path):
    from annotator.session import Session
    from annotator.team import progress
    from annotator.tui.app import AnnotatorApp
    from annotator.writer import wait_all

    run("control", "add", write_rows(tmp_path / "c.jsonl", [{"doc": "el-port", "index": 0, "label": "fact"}]),
        "--db", news)
    store = Store(news)
    session = Session(store, "Ζωή", "el-port")
    for value in ("claim", "claim", "opinion"):  # the first answers the control item
        session.label(value)
    wait_all(10)
    (row,) = progress(store)["annotators"]
    assert (row["units_labeled"], progress(store)["units"]) == (2, 17)
    # the annotator's own screen: the control unit counts like any other (it must not stand out)
    assert (session.progress().labeled, session.progress().groups, session.progress().per_label) == (
        3, 18, {"claim": 2, "opinion": 1})
    assert session.team == (3, 1)
    again = Session(store, "Ζωή", "el-port")  # counted by the store this time
    assert (again.progress().labeled, again.progress().groups, again.team) == (3, 18, (3, 1))
    app = AnnotatorApp(store, "Ζωή", doc_name="el-port")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "labeled 3/18" in str(app.screen.query_one("#status").render())


def test_labels_past_the_overlap_are_not_counted_on_the_screen_as_progress_does_not(news):
    from annotator.session import Session
    from annotator.team import progress

    store = Store(news)
    store.set_project("overlap", "1")
    ann = Session(Store(news), "ann")
    ann.label("fact")
    bob = Session(Store(news), "Борис")
    bob.jump(store.document_id(ann.doc_name), 0)  # bob opens ann's document by hand: her units, his labels past
    bob.label("claim")
    bob.label("claim")
    assert {r["annotator"]: r["units_labeled"] for r in progress(store)["annotators"]}["Борис"] == 0
    assert (bob.progress().labeled, bob.progress().per_label) == (0, {})
    assert Session(Store(news), "Борис", ann.doc_name).progress().labeled == 0


def test_no_lease_is_made_of_control_units_alone(news, tmp_path):
    """Control items at both ends of every document; the work of three documents already has its overlap.
    A newcomer due controls at a high rate gets every control unit with work of its document, or work only."""
    run("control", "add", write_rows(tmp_path / "c.jsonl", [
        {"doc": doc, "index": i, "label": "claim"} for doc in NEWS for i in (0, 2)]), "--db", news)
    for key, value in (("overlap", "2"), ("control-rate", "0.5")):
        run("project", "set", key, value, "--db", news)
    store = Store(news)
    store.conn.execute("UPDATE meta SET value = 'fixed seed' WHERE key = 'control.secret'")
    store.conn.commit()
    for doc in ("de-bahn", "ru-moscow", "ar-cairo"):
        label(store, doc, 1, "ann", "fact", at=None)
        label(store, doc, 1, "bob", "fact", at=None)
    work = {store.sentence_at(doc, 1).group_id for doc in NEWS}
    for who in ("eve", "hal"):
        store.conn.execute(f"INSERT OR REPLACE INTO meta VALUES ('control.handed.{who}', '10 0')")  # due controls
        store.conn.commit()
        leases = []
        while (doc := store.route_next(who, shift(store.conn.execute(
                "SELECT max(created_at) FROM events").fetchone()[0], 1))) is not None:
            name = store.document(doc)[0]
            held = store.leased_indices(who, doc)
            leases.append((name, held))
            for i in held:
                label(store, name, i, who, "fact", at=None)
        assert all(any(store.sentence_at(name, i).group_id in work for i in held) for name, held in leases), leases
        assert sorted(name for name, _held in leases) == ["el-port", "pl-sejm", "zh-rail"]


def test_an_imported_control_answer_is_never_past_the_overlap(news, tmp_path):
    """Control units never count toward a unit's overlap: a third answer loaded by import-labels is a control
    answer, not a label past the overlap (it was both, and the annotator's own screen then left it out)."""
    Store(news).set_project("overlap", "2")
    run("control", "add", write_rows(tmp_path / "c.jsonl", [{"doc": "pl-sejm", "index": 1, "label": "claim"}]),
        "--db", news)
    path = write_rows(tmp_path / "labels.jsonl", [
        {"doc": "pl-sejm", "index": 1, "annotator": who, "label": "claim"} for who in ("ann", "Борис", "dave")])
    result = run("import-labels", path, "--db", news)
    assert result.exit_code == 0 and "past the project's overlap" not in result.output
    assert rows(news, "SELECT count(*) FROM over_overlap") == [(0,)]
    assert rows(news, "SELECT e.annotator FROM control_answers a JOIN events e ON e.id = a.event_id ORDER BY e.id") == [
        ("ann",), ("Борис",), ("dave",)]
    assert Store(news).label_progress("dave", own_view=True) == {"claim": 1}
