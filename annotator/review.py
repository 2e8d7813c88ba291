"""The lead reviewer's pass over units whose labels disagree: decide, mark ambiguous, undo.

Free of any UI, like Session: the review screen and the `disagreements` command sit on top.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field, replace

import numpy as np

from annotator.agreement import Agreement, alpha_by_part, compute
from annotator import scheme
from annotator.model import AMBIGUOUS
from annotator.store import Event, Store
from annotator.timestamps import now
from annotator.writer import ImmediateWriter


@dataclass
class Vote:
    annotator: str
    label: str
    note: str | None


@dataclass
class Unit:
    group: int
    text: str
    members: list[tuple[str, int, str, int]]  # (doc name, index, text, sentence id)
    votes: list[Vote]
    decision: tuple[str, str] | None  # (label, decided by)
    documents: int
    flags: list[tuple[str, str | None]] = field(default_factory=list)  # (annotator, note) flagging it unsure
    control: str | None = None  # the label the unit has as a control item; None when it is none
    # each annotator's control answer on it: no vote, but the lead sees why the unit has none
    control_answers: list[Vote] = field(default_factory=list)


def agreement_figures(store: Store, only: list[str] | None = None, typed_only: bool = False,
                      over_overlap: bool = False) -> Agreement:
    """Agreement over the current labels of every unit (duplicate group), with each document's alpha;
    with `typed_only`, leaving out labels that are accepted suggestions (anchoring shows as the gap);
    labels given past a unit's overlap (a lapsed lease) count only with `over_overlap`."""
    result = compute(store.votes(typed_only, over_overlap), only, scheme.labels(store))
    result.documents = document_alphas(store, result)
    return result


def second_question_figures(store: Store, only: list[str] | None = None) -> Agreement | None:
    """Agreement on the scheme's second question: over the answers given with the labels it follows
    (units where two or more annotators answered); None when the scheme asks none."""
    question = scheme.second(store)
    if question is None:
        return None
    return compute(store.second_votes(question.when), only, question.answer_names())


def document_alphas(store: Store, result: Agreement) -> list[dict]:
    """Alpha over each document's units labeled by two or more (a unit copied into several documents
    counts in each): the hardest documents first, then those with more units."""
    if not len(result.unit_ids):
        return []
    docs, groups = store.sentence_columns()
    pairs = np.unique(np.stack([groups, docs], axis=1), axis=0)  # each group with each document once
    groups, docs = pairs[:, 0], pairs[:, 1]
    row_of = np.searchsorted(result.unit_ids, groups)  # unit ids come sorted
    row_of = np.minimum(row_of, len(result.unit_ids) - 1)
    inside = result.unit_ids[row_of] == groups
    doc_ids, parts = np.unique(docs[inside], return_inverse=True)
    alpha, units = alpha_by_part(result.unit_counts, parts, row_of[inside], len(doc_ids))
    names = store.document_names(doc_ids.tolist())
    out = [{"doc": names[int(d)], "units": int(n), "alpha": None if np.isnan(a) else float(a)}
           for d, a, n in zip(doc_ids, alpha, units)]
    out.sort(key=lambda d: (d["alpha"] is None, d["alpha"] if d["alpha"] is not None else 0, -d["units"], d["doc"]))
    return out


def unit_votes(store: Store) -> dict[int, dict[str, str]]:
    """group -> {annotator: current label}."""
    votes: dict[int, dict[str, str]] = {}
    for group, annotator, label in store.votes():
        votes.setdefault(group, {})[annotator] = label
    return votes


def units_to_review(store: Store, include_single: bool = False,
                    votes: dict[int, dict[str, str]] | None = None) -> list[int]:
    """Groups whose current labels differ, groups flagged as unsure that nobody decided yet (even when
    every label agrees), and, if asked, groups labeled by one annotator only. `votes`: unit_votes(store),
    when the caller has read them already."""
    flagged = store.flagged_groups() - store.decided_groups()
    return sorted(flagged | {
        group for group, labels in (unit_votes(store) if votes is None else votes).items()
        if len(set(labels.values())) > 1 or (include_single and len(labels) == 1)
    })


def flag_words(annotator: str, note: str | None) -> str:
    """A flag as review and `disagreements` say it: "flagged by anna: unsure of the date"."""
    return f"flagged by {annotator}" + (f": {note}" if note else "")


REVIEW_ORDERS = ("split", "uncertain")


def review_queue(store: Store, include_single: bool = False, order: str = "split") -> list[int]:
    """The units to review, in review order. "split": the disagreements (and with `include_single`
    the units one annotator labeled), most split first. "uncertain": those and every unit the stored
    aggregate is not sure of (posterior below 1, even where the annotators agree), the least sure
    first, units without an aggregate after them."""
    votes = unit_votes(store)
    units = units_to_review(store, include_single, votes)
    if order == "uncertain":
        return store.groups_by_confidence(set(units) | (store.unsure_groups() & votes.keys()))
    return split_order(votes, units)


def nothing_to_review(include_single: bool = False) -> str:
    """What the lead is told when units_to_review() finds none, in the terminal and the browser alike."""
    if include_single:
        return "nothing to review: no labeled units"
    return "nothing to review: no units with disagreeing labels (try --all)"


def load_unit(store: Store, group: int) -> Unit:
    members = store.group_members(group)
    votes = unit_votes_of(store, group)
    decision = store.group_decision(group)
    held = store.unit_control_item(group)
    answers = unit_votes_of(store, group, non_votes=True) if held else []
    return Unit(group=group, text=members[0][2] if members else "", members=members, votes=votes,
                decision=decision, documents=len({m[0] for m in members}), flags=store.group_flags(group),
                control=held[3] if held else None, control_answers=answers)


def unit_votes_of(store: Store, group: int, over_overlap: bool = False, non_votes: bool = False) -> list[Vote]:
    """Each annotator's current label of a unit, with their note; an annotator whose label was given
    past the unit's overlap only with `over_overlap` (agreement and exports leave it out too). With
    `non_votes`, the reverse: only the current labels that are control or training answers."""
    answers = store.non_vote_events(group)  # control and training answers are never votes
    over = set() if over_overlap or non_votes else store.over_overlap_events(group)
    latest = _latest_labels(store, group)
    return [Vote(a, latest[a].label, store.group_note(group, a)) for a in sorted(latest)
            if (latest[a].id in answers) == non_votes and latest[a].id not in over]


def _latest_labels(store: Store, group: int) -> dict[str, Event]:
    """Each annotator's current (last, not undone) label event on a unit."""
    latest: dict[str, Event] = {}
    for event in store.group_events(group):  # oldest first: the last one per annotator stays
        if event.kind == "label" and not event.undone and event.label:
            latest[event.annotator] = event
    return latest


def split_order(votes: dict[int, dict[str, str]], units: list[int]) -> list[int]:
    """Units with the most split votes first (the smallest share for the top label), then by group."""
    def top_share(group: int) -> float:
        labels = list(votes.get(group, {}).values())
        return max(labels.count(label) for label in set(labels)) / len(labels) if labels else 1.0
    return sorted(units, key=lambda group: (top_share(group), group))


def accept_consensus(store: Store, min_annotators: int = 2) -> int:
    """Record every undecided unit that all its annotators (at least `min_annotators`) agree on as
    decided by "consensus"; returns how many."""
    decided = store.decided_groups()
    accepted = 0
    for group, votes in unit_votes(store).items():
        labels = set(votes.values())
        if group not in decided and len(votes) >= max(2, min_annotators) and len(labels) == 1:
            store.decide(group, CONSENSUS, labels.pop())
            accepted += 1
    return accepted


CONSENSUS = "consensus"  # the reviewer name of decisions recorded because all annotators agreed


class Review:
    def __init__(self, store: Store, reviewer: str, include_single: bool = False, writer=None, order: str = "split"):
        self.store = store
        self.writer = writer or ImmediateWriter(store)
        self.reviewer = reviewer
        self.units = review_queue(store, include_single, order)
        self.decided = store.decided_groups() & set(self.units)
        # start at the first unit nobody decided yet
        self.pos = next((i for i, group in enumerate(self.units) if group not in self.decided), 0)
        # (uid of one decision or comment, position, was decided, "decision" | "note")
        self.undo_stack: list[tuple[str, int, bool, str]] = []
        self.current: Unit | None = None
        self.pending_comment: str | None = None  # the reviewer's comment on the current, undecided unit
        # decisions given here that the writer has not stored yet (a busy database, a full disk): the
        # unit shows them, and changing one asks first, as for a stored decision
        self.unsaved: dict[int, tuple[str, str]] = {}
        self._unsaved_writes: Counter = Counter()
        self._load()

    @property
    def done(self) -> bool:
        return bool(self.units) and len(self.decided) == len(self.units)

    def reload(self) -> None:
        """Read the current unit again (a decision given or undone has landed)."""
        self._load()

    def landed(self, group) -> None:
        """A write of this session committed (`group`: the unit of a decision or comment, None for an
        undo): once a unit's last write is stored, the store tells its decision again."""
        if group in self._unsaved_writes:
            self._unsaved_writes[group] -= 1
            if self._unsaved_writes[group] <= 0:
                del self._unsaved_writes[group]
                self.unsaved.pop(group, None)

    def _load(self) -> None:
        self.current = load_unit(self.store, self.units[self.pos]) if self.units else None
        if self.current is not None and self.current.group in self.unsaved:
            self.current = replace(self.current, decision=self.unsaved[self.current.group])
        self.pending_comment = (self.store.group_note(self.current.group, self.reviewer)
                                if self.current is not None and self.current.decision is None else None)

    @property
    def comment_text(self) -> str | None:
        """The reviewer's comment on the current unit: the decision's, or the one waiting for it."""
        if self.current is None:
            return None
        if self.current.decision is None:
            return self.pending_comment
        return self.store.decision_comment(self.current.group)

    def context(self, before: int = 2, after: int = 2) -> tuple[str, list[str], str, list[str]]:
        """The first member's document name, the sentences around it, and the sentence itself."""
        doc, index, text, sid = self.current.members[0]
        sentence = self.store.sentence(sid)
        rows = self.store.document_sentences(sentence.doc_id)
        return doc, [r.text for r in rows[max(0, index - before) : index]], text, [r.text for r in rows[index + 1 : index + 1 + after]]

    def move(self, delta: int) -> None:
        if self.units:
            self.pos = max(0, min(len(self.units) - 1, self.pos + delta))
            self._load()

    def decide(self, label: str) -> None:
        """Store the decision (a label, or 'ambiguous') as the unit's gold label, then go on. Raises
        SchemeChanged (a StoreError, one line) for a label the project's scheme no longer has."""
        # the live scheme, not the one the screen opened with: the lead may have changed it since
        scheme.check_current(label, self.store, (AMBIGUOUS,))
        if self.current is None:
            return
        self._decide(label)
        later = [i for i in range(self.pos + 1, len(self.units)) if self.units[i] not in self.decided]
        self.pos = later[0] if later else min(self.pos + 1, len(self.units) - 1)
        self._load()

    def comment(self, text: str) -> bool:
        """Add the reviewer's comment to the unit. On a decided unit it is stored with the decision; on
        one not yet decided, as the reviewer's note on the unit, which the decision given next carries
        (so a comment never needs, nor makes, a decision). False when empty or there is no unit."""
        if self.current is None or not text.strip():
            return False
        if self.current.decision is None:
            self._note(text.strip())
        else:
            self._decide(self.current.decision[0], text.strip())
            self._load()
        return True

    def _decide(self, label: str, comment: str | None = None) -> None:
        uid, at, group, reviewer = uuid.uuid4().hex, now(), self.current.group, self.reviewer
        carried = comment is None and self.current.decision is None

        def write(store: Store) -> list[str]:
            # read where the writes land in order: a comment (or its undo) still queued counts
            return store.decide(group, reviewer, label, uid, at,
                                store.group_note(group, reviewer) if carried else comment)

        self.writer.submit(write, group)
        if not isinstance(self.writer, ImmediateWriter):  # stored only once the writer says it landed
            self.unsaved[group] = (label, reviewer)
            self._unsaved_writes[group] += 1
        self.undo_stack.append((uid, self.pos, group in self.decided, "decision"))
        self.decided.add(group)

    def _note(self, text: str) -> None:
        uid, at, reviewer, sentence_id = uuid.uuid4().hex, now(), self.reviewer, self.current.members[0][3]
        self.writer.submit(lambda store: store.add_event(sentence_id, "note", reviewer, None, text, at, uid),
                           self.current.group)
        if not isinstance(self.writer, ImmediateWriter):  # landed() counts every write keyed by the unit
            self._unsaved_writes[self.current.group] += 1
        self.undo_stack.append((uid, self.pos, self.current.group in self.decided, "note"))
        self.pending_comment = text

    def undo(self) -> bool:
        if not self.undo_stack:
            return False
        uid, pos, was_decided, kind = self.undo_stack.pop()
        if kind == "note":
            self.writer.submit(lambda store: store.undo_event(uid), None)
        else:
            self.writer.submit(lambda store: store.undo_decision(uid), None)
            self.unsaved.pop(self.units[pos], None)  # what the unit's decision is now, the store tells
        if kind == "decision" and not was_decided:
            self.decided.discard(self.units[pos])
        self.pos = pos
        self._load()
        return True
