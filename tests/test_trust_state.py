"""A stateful property test over three copies of one database: labels, relabels, undos, notes, splits,
joins, decisions, re-imports and merges in random order, with the invariants checked after each step."""

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from annotator.dedup import group_pending
from annotator.ingest import import_paths
from annotator.merge import merge
from annotator.model import LABELS
from annotator.review import Review, unit_votes_of
from annotator.session import Session
from annotator.store import Store
from annotator.store import events as events_module
from annotator.store.foreign import ForeignDatabase

A_LINES = ["The port reopened on Monday after a three-day strike.", "Union leaders signed the wage deal.",
           "Ships waited offshore for days.", "Subscribe for just one euro."]
B_LINES = ["The port reopened on Monday after a three-day strike!", "Ships waited offshore for days.",
           "Local traders fear lasting damage.", "Subscribe for just one euro."]
PEOPLE = ["ann", "bob"]
COPIES = 3


def write(path: Path, lines: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")
    return path


class CoarseClock:
    """Event times that tie often (a new second every third event), as they do between fast
    annotators and merged copies, so the order of "latest" must come from the uid."""

    def __init__(self):
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        return f"2025-06-02T10:{self.calls // 180:02d}:{(self.calls // 3) % 60:02d}.000Z"


class Copies(RuleBasedStateMachine):
    @initialize()
    def start(self):
        self.clock_was = events_module.now
        events_module.now = CoarseClock()
        self.tmp = Path(tempfile.mkdtemp())
        first = self.tmp / "copy0.db"
        store = Store(first)
        import_paths(store, [write(self.tmp / "docs" / "a.txt", A_LINES), write(self.tmp / "docs" / "b.txt", B_LINES)])
        store.close()
        for n in range(1, COPIES):
            shutil.copy(first, self.tmp / f"copy{n}.db")
        self.stores = [Store(self.tmp / f"copy{n}.db") for n in range(COPIES)]
        self.sessions = {(n, who): Session(self.stores[n], who) for n in range(COPIES) for who in PEOPLE}
        self.reviews = {}

    def teardown(self):
        events_module.now = getattr(self, "clock_was", events_module.now)
        for store in getattr(self, "stores", []):
            store.close()
        shutil.rmtree(getattr(self, "tmp", "/nonexistent"), ignore_errors=True)

    def others_events(self, n, who):
        return self.stores[n].query("SELECT uid, sentence_id, label, note, undone FROM events WHERE annotator != ? "
                                    "ORDER BY uid", (who,))

    def act(self, n, who, change):
        before = self.others_events(n, who)
        session = self.sessions[(n, who)]
        session.refresh()
        change(session)
        assert self.others_events(n, who) == before  # no action of one annotator touches another's events

    @rule(n=st.integers(0, COPIES - 1), who=st.sampled_from(PEOPLE), doc=st.integers(0, 1), index=st.integers(0, 3),
          label=st.sampled_from(LABELS))
    def label(self, n, who, doc, index, label):
        def change(session):
            session.open_document(doc, index)
            session.label(label)
        self.act(n, who, change)

    @rule(n=st.integers(0, COPIES - 1), who=st.sampled_from(PEOPLE))
    def undo(self, n, who):
        self.act(n, who, lambda session: session.undo())

    @rule(n=st.integers(0, COPIES - 1), who=st.sampled_from(PEOPLE), index=st.integers(0, 3),
          note=st.sampled_from(["check the figure", "source?"]))
    def note(self, n, who, index, note):
        def change(session):
            session.open_document(0, index)
            session.set_note(note)
        self.act(n, who, change)

    @rule(n=st.integers(0, COPIES - 1), doc=st.sampled_from(["a.txt", "b.txt"]), index=st.integers(0, 3))
    def split(self, n, doc, index):
        store = self.stores[n]
        sentence = store.sentence_at(doc, index)
        if sentence is not None:
            with store.transaction():
                store.split_sentence(sentence)

    @rule(n=st.integers(0, COPIES - 1), first=st.integers(0, 3), second=st.integers(0, 3))
    def join(self, n, first, second):
        store = self.stores[n]
        a, b = store.sentence_at("a.txt", first), store.sentence_at("b.txt", second)
        if a is not None and b is not None:
            with store.transaction():
                store.join_groups(a, b, record=True)

    @rule(n=st.integers(0, COPIES - 1), label=st.sampled_from([*LABELS, "ambiguous"]), undo=st.booleans())
    def decide(self, n, label, undo):
        review = Review(self.stores[n], "lead", include_single=True)
        if review.current is not None:
            review.decide(label)
            if undo:
                review.undo()

    @rule(n=st.integers(0, COPIES - 1), drop=st.sampled_from([None, 1, 2]))
    def reimport(self, n, drop):
        lines = [line for i, line in enumerate(A_LINES) if i != drop]
        import_paths(self.stores[n], [write(self.tmp / f"v{drop}" / "a.txt", lines)], replace=True)

    @rule(n=st.integers(0, COPIES - 1), threshold=st.sampled_from([85.0, 101.0]))
    def regroup(self, n, threshold):
        group_pending(self.stores[n], threshold=threshold, regroup=True)  # 101: every sentence on its own

    @rule(source=st.integers(0, COPIES - 1), into=st.integers(0, COPIES - 1))
    def merge_twice(self, source, into):
        if source == into:
            return
        other = ForeignDatabase(self.tmp / f"copy{source}.db")
        merge(self.stores[into], other)
        before = self.stores[into].query("SELECT uid, sentence_id, undone FROM events ORDER BY uid")
        again = merge(self.stores[into], other)
        other.close()
        assert not again.added and again.undone == 0 and again.edits == 0  # merging twice adds nothing
        assert self.stores[into].query("SELECT uid, sentence_id, undone FROM events ORDER BY uid") == before

    @rule(a=st.integers(0, COPIES - 1), b=st.integers(0, COPIES - 1))
    def merge_both_ways(self, a, b):
        if a == b:
            return
        for source, into in ((a, b), (b, a)):
            other = ForeignDatabase(self.tmp / f"copy{source}.db")
            merge(self.stores[into], other)
            other.close()
        if self.shape(a) == self.shape(b):  # the same documents and units: the same current labels and decisions
            assert self.current(a) == self.current(b)

    def shape(self, n):
        store = self.stores[n]
        units = {}
        for group, _size in store.groups(1):
            units.setdefault(group, []).extend((doc, text) for doc, _, text, _ in store.group_members(group))
        return sorted(sorted(members) for members in units.values())

    def current(self, n):
        """(unit, annotator) -> label and unit -> decision, units named by their members' texts."""
        store = self.stores[n]
        name = {group: tuple(sorted(text for _, _, text, _ in store.group_members(group)))
                for group, _ in store.groups(1)}
        labels = {(name[group], who): label for group, who, label, _, _ in store.current_labels()}
        decisions = {name[group]: store.group_decision(group) for group in name if store.group_decision(group)}
        return labels, decisions

    @invariant()
    def one_current_label_everywhere(self):
        for n, store in enumerate(getattr(self, "stores", [])):
            agreement = {(group, who): label for group, who, label, _, _ in store.current_labels()}
            # the kept table is what the events say: each annotator's latest live label on any member
            assert store.query(
                "SELECT s.group_id, e.annotator, e.label, e.id, max(e.created_at || char(31) || e.uid) FROM events e "
                "JOIN sentences s ON s.id = e.sentence_id WHERE e.kind = 'label' AND e.undone = 0 "
                "AND e.label IS NOT NULL GROUP BY s.group_id, e.annotator ORDER BY 1, 2"
            ) == store.query(
                "SELECT c.group_id, c.annotator, c.label, c.event_id, e.created_at || char(31) || e.uid "
                "FROM current_labels c JOIN events e ON e.id = c.event_id ORDER BY 1, 2")
            export = {(group, who): label
                      for *_, label, who, _, _, group, _source, _published, _language in store.label_rows()}
            assert export == agreement
            for group in {g for g, _ in agreement}:
                review = {(group, v.annotator): v.label for v in unit_votes_of(store, group)}
                assert review == {key: label for key, label in agreement.items() if key[0] == group}
            for who in PEOPLE:
                for doc_id, _ in store.document_ids():
                    for sentence in store.document_sentences(doc_id):
                        shown = store.doc_labels(doc_id, who).get(sentence.index)
                        assert shown == agreement.get((sentence.group_id, who))


Copies.TestCase.settings = settings(max_examples=40, stateful_step_count=25, deadline=None,
                                    suppress_health_check=[HealthCheck.too_slow])
TestCopies = Copies.TestCase
