"""One annotator's labeling session: where they are, what they labeled, what undo takes back.

Free of any UI: the TUI drives it with keys, the tests and benchmarks drive it directly.
Only the current document's sentences are held in memory, never the corpus.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from annotator import scheme
from annotator.store import DiskFull, SentenceRow, Store
from annotator.store.quality import FLAG
from annotator.timestamps import now
from annotator.variants import Variant, variants
from annotator.writer import ImmediateWriter


def clock() -> str:
    """The time of day shown beside the team's progress ("refreshed 14:02")."""
    return time.strftime("%H:%M")


@dataclass(frozen=True)
class Undoable:
    """One of this session's own events, as undo needs it: identity, place, and the label it replaced."""
    uid: str
    kind: str
    sentence_id: int
    doc_id: int
    index: int
    group_id: int
    previous: str | None = None
    label: str | None = None
    note: str | None = None  # of a flag taken back ("unflag"): undoing that flags the unit again with it
    also: tuple[str, ...] = ()  # a label answered afterwards: the label event before the answer, undone with it
    source: str | None = None  # of a label: what the answer's event repeats of it
    seconds: float | None = None
    previous_answer: str | None = None  # of a label: the answer the replaced label carried


@dataclass
class Progress:
    labeled: int
    groups: int  # the annotator's queue: every unit, or (with an overlap) those still theirs to label
    per_label: dict[str, int]


class Session:
    """Reads go to the store; writes go to the writer (by default at once, on the same store; in the
    screen, on a thread of their own, so a keypress never waits for the database). The session
    keeps what it wrote in memory, so it shows and navigates as if every write had landed, and
    `saving` holds the sentences whose writes have not landed yet."""

    def __init__(self, store: Store, annotator: str, doc_name: str | None = None, writer=None,
                 timer: Callable[[], float] = time.monotonic):
        self.store = store
        # seconds, never going back: how long a sentence was on screen before its label (tests give their own)
        self.timer = timer
        self._shown: tuple[int | None, float] = (None, 0.0)  # (sentence id, when it was selected)
        self._index = 0
        # group -> this annotator's live flag on it as this session knows it ((uid, note), None: not
        # flagged): a toggle pressed again before its write landed must see the first press
        self._my_flags: dict[int, tuple[str, str] | None] = {}
        self.writer = writer or ImmediateWriter(store)
        self.saving: set[int] = set()  # sentence ids with writes not landed yet
        self.unsaved_groups: set[int] = set()  # groups labeled here whose label has not landed yet
        # group -> the label given here (None: undone) whose write has not landed: a document opened
        # meanwhile reads the store, which does not have it yet, so these are laid over what it reads
        self.unsaved_labels: dict[int, str | None] = {}
        self.just_labeled: SentenceRow | None = None  # set by a label, cleared by the screen's next action
        self.view: str | None = None  # one of `views`
        self.annotator = annotator
        # the project's labels as the session starts: the views, the labels it takes
        self.scheme = scheme.get(store)
        # None: every sentence; "unlabeled", or one of the scheme's labels: only those
        self.views: tuple[str | None, ...] = (None, "unlabeled", *self.scheme.names())
        self.docs: list[tuple[int, str]] = store.document_ids()
        if not self.docs:
            raise ValueError("the database holds no documents: import some first (annotator import PATH)")
        # with an overlap the project hands out documents: "next" and the counts are about this
        # annotator's queue (the units they hold and those nobody has covered yet)
        self.overlap: int | None = store.project()["overlap"]
        self.queue: set[int] = set()  # indexes of the open document whose units this annotator holds
        self.queue_empty = False
        self.paused: tuple[int, int] | None = None  # (control answers, right) when the quality check paused routing
        # units whose label landed past the overlap: the lease had lapsed and others took them, so
        # the queue held in memory is stale (the writer's thread adds, the next move reads)
        self.over_overlap: list[int] = []
        self.over_overlap_total = 0  # labels of this session stored past the overlap
        self.by_hand = False  # the open document was opened by the annotator, not handed out
        self.groups_total = self._queue_total()
        self.team = store.team_progress(own_view=True)
        self.team_at = clock()
        self._per_label: dict[str, int] | None = None
        self.undo_stack: list[Undoable] = []  # this session's own events, latest last
        self.doc_pos = 0
        if doc_name is not None:
            names = [name for _, name in self.docs]
            if doc_name not in names:
                raise ValueError(f"no document named {doc_name!r}")
            self.doc_pos = names.index(doc_name)
        self._load_document()
        self.index = 0
        if doc_name is None and self.overlap is not None:
            self.queue_empty = not self._take_next()
        elif doc_name is None:
            self.goto_unlabeled(from_start=True)
        else:
            first = self.store.next_unlabeled(self.annotator, self.doc_id, -1)
            self.index = first if first is not None else 0

    # -- state ---------------------------------------------------------------------------

    def _load_document(self) -> None:
        self.doc_id = self.docs[self.doc_pos][0]
        self.doc_name, self.doc_title, self.doc_text = self.store.document(self.doc_id)
        self.doc_source = self.store.document_meta(self.doc_id)  # (source, published)
        self.doc_language = self.store.document_language(self.doc_id)  # ISO 639-1, None when unknown
        self.sentences: list[SentenceRow] = self.store.document_sentences(self.doc_id)
        self.refresh_labels()
        self.suggestions: dict[int, tuple[str, float, str]] = self.store.doc_suggestions(self.doc_id)
        if self.overlap is not None:
            self.queue = set(self.store.leased_indices(self.annotator, self.doc_id))
        self.doc_counts = self.store.group_doc_counts(self.doc_id)
        self._variants: dict[int, tuple[list[Variant], int]] = {}
        self._other_names: dict[int, list[str]] = {}

    def refresh_labels(self) -> None:
        """Re-read this annotator's labels of the current document (others may label the same groups)."""
        self.labels: dict[int, str] = self.store.doc_labels(self.doc_id, self.annotator)
        # sentence index -> this annotator's answer to the second question (read only when there is one)
        self.answers: dict[int, str] = (self.store.doc_answers(self.doc_id, self.annotator)
                                        if self.scheme.second is not None else {})
        if self.unsaved_labels:
            for i, s in enumerate(self.sentences):
                if s.group_id in self.unsaved_labels:
                    self._set_label(i, self.unsaved_labels[s.group_id])

    def refresh(self) -> None:
        """See what other annotators and imports changed: documents, groups, labels."""
        self.docs = self.store.document_ids()
        self.overlap = self.store.project()["overlap"]
        self.groups_total = self._queue_total()
        self.team = self.store.team_progress(own_view=True)
        self.team_at = clock()
        self._per_label = None
        names = [d[0] for d in self.docs]
        self.doc_pos = names.index(self.doc_id) if self.doc_id in names else 0
        self._load_document()
        self.index = min(self.index, max(0, len(self.sentences) - 1))

    def _queue_total(self) -> int:
        """The units of the project, less those closed to this annotator. Control units count here like
        work (`progress`, the lead's view, leaves them out): the screen never shows a unit as special."""
        total = self.store.count_groups()
        if self.overlap is not None:
            total -= self.store.closed_to(self.annotator, self.overlap)
        return total

    @property
    def index(self) -> int:
        """The current (selected) sentence of the open document."""
        return self._index

    @index.setter
    def index(self, value: int) -> None:
        self._index = value
        s = self.sentence
        if s is not None and s.id != self._shown[0]:  # another sentence on screen: its time starts now
            self._shown = (s.id, self.timer())

    def seconds_on_screen(self) -> float | None:
        """Seconds since the current sentence was last selected."""
        s = self.sentence
        return self.timer() - self._shown[1] if s is not None and s.id == self._shown[0] else None

    @property
    def sentence(self) -> SentenceRow | None:
        return self.sentences[self._index] if self.sentences and self._index < len(self.sentences) else None

    def other_documents(self) -> int:
        """How many other documents hold the current sentence's group."""
        s = self.sentence
        return max(0, self.doc_counts.get(s.group_id, 1) - 1) if s else 0

    def other_document_names(self, limit: int = 3) -> list[str]:
        """The first few other documents holding the current sentence's group."""
        s = self.sentence
        if s is None or not self.other_documents():
            return []
        if s.id not in self._other_names:  # asked on every keypress: read once per sentence
            self._other_names[s.id] = self.store.group_documents(s.group_id, exclude=self.doc_id, limit=limit)
        return self._other_names[s.id]

    def variants(self) -> tuple[list[Variant], int]:
        """Members of the current sentence's group worded differently (the first few, and how many
        wordings in all): what this sentence's label will also be given to."""
        s = self.sentence
        if s is None:
            return [], 0
        if s.id not in self._variants:
            self._variants[s.id] = variants(self.store, s)
        return self._variants[s.id]

    def note(self, sentence: SentenceRow | None = None) -> str | None:
        s = sentence or self.sentence
        return self.store.group_note(s.group_id, self.annotator) if s else None

    def note_target(self) -> SentenceRow | None:
        """The sentence a note is for: the one just labeled (a note explains a label), else the current one."""
        return self.just_labeled or self.sentence

    def progress(self) -> Progress:
        """This annotator's labeled groups. Counted in the database once, then kept up to date
        label by label: a count per keypress would grow with the annotator's work."""
        if self._per_label is None:
            self._per_label = self.store.label_progress(self.annotator, own_view=True)
        per_label = {label: n for label, n in self._per_label.items() if n}
        return Progress(sum(per_label.values()), self.groups_total, per_label)

    # -- moving --------------------------------------------------------------------------

    def shown(self, index: int) -> bool:
        """Is this sentence of the open document in the current view?"""
        if self.view is None:
            return True
        label = self.labels.get(index)
        return label is None if self.view == "unlabeled" else label == self.view

    def cycle_view(self) -> str | None:
        """Every sentence, then only the unlabeled ones, then each label's; the current sentence stays
        if it is in the new view, else the next one that is (or the one before)."""
        self.view = self.views[(self.views.index(self.view) + 1) % len(self.views)]
        if self.sentences and not self.shown(self.index):
            self.move(1)
            if not self.shown(self.index):
                self.move(-1)
        return self.view

    def move(self, delta: int) -> None:
        """One sentence on or back, within the current view."""
        if not self.sentences:
            return
        step = 1 if delta > 0 else -1
        index, left = self.index, abs(delta)
        while left and 0 <= index + step < len(self.sentences):
            index += step
            if self.shown(index):
                left -= 1
                self.index = index

    def select(self, index: int) -> None:
        if 0 <= index < len(self.sentences):
            self.index = index

    def only_source(self, source: str | None) -> bool:
        """Walk only this source's documents (None: every document again); False if it has none."""
        docs = self.store.document_ids() if source is None else self.store.document_ids(source)
        if not docs:
            return False
        self.docs = docs
        self.doc_pos = 0
        self.by_hand = True
        self._load_document()
        first = self.store.next_unlabeled(self.annotator, self.doc_id, -1)
        self.index = first if first is not None else 0
        return True

    def change_document(self, delta: int) -> None:
        self.by_hand = True
        self.open_document((self.doc_pos + delta) % len(self.docs))

    def open_document(self, doc_pos: int, index: int = 0) -> None:
        if doc_pos != self.doc_pos:
            self.doc_pos = doc_pos
            self._load_document()
        self.index = max(0, min(index, len(self.sentences) - 1))

    def jump(self, doc_id: int, index: int) -> None:
        positions = {d: i for i, (d, _) in enumerate(self.docs)}
        if doc_id in positions:
            self.by_hand = self.by_hand or doc_id != self.doc_id
            self.open_document(positions[doc_id], index)

    def goto_unlabeled(self, from_start: bool = False) -> bool:
        """Go to the next sentence this annotator has not labeled, here or in a later document (wrapping);
        with an overlap, the next unit of their queue. False when there is none.

        In the open document, the labels in memory decide (they include writes still landing)."""
        if self.overlap is not None:
            return self._next_in_queue(from_start)
        after = -1 if from_start else self.index
        here = self._unlabeled_here(after + 1, len(self.sentences))
        if here is not None:
            self.index = here
            return True
        for step in range(1, len(self.docs)):
            pos = (self.doc_pos + step) % len(self.docs)
            found = self._unlabeled_in(self.docs[pos][0])
            if found is not None:
                self.open_document(pos, found)
                return True
        here = self._unlabeled_here(0, after + 1)
        if here is not None:
            self.index = here
            return True
        return False

    def _next_in_queue(self, from_start: bool) -> bool:
        if self.over_overlap:
            # the lease lapsed and others hold its units now: only what is still ours stays queued
            self.over_overlap_total += len(self.over_overlap)
            self.over_overlap.clear()
            self.queue &= set(self.store.leased_indices(self.annotator, self.doc_id))
        after = -1 if from_start else self.index
        # in a leased document, its held units; in one opened by hand, its unlabeled sentences
        units = self.queue or (range(len(self.sentences)) if self.by_hand else ())
        waiting = sorted(i for i in units if i not in self.labels)
        here = next((i for i in waiting if i > after), waiting[0] if waiting else None)
        if here is not None:
            self.index = here
            return True
        self.queue_empty = not self._take_next(leaving=self.doc_id)
        return not self.queue_empty

    def _take_next(self, leaving: int | None = None) -> bool:
        """Lease the next document of the queue and open it at its first unit; False when none is left.
        What the annotator held in the document they are `leaving` and did not label goes back."""
        if not self.writer.settle():  # this annotator's labels land first: routing must see them
            raise DiskFull(f"{self.store.path}: disk full while writing DB: your labels are kept and retried; "
                           "the next document is handed out once they are saved")
        doc = self.store.route_next(self.annotator, now(), done_doc=leaving)
        self.paused = None if doc is not None else self.store.routing_pause(self.annotator)
        if doc is None:
            return False
        positions = {d: i for i, (d, _) in enumerate(self.docs)}
        if doc not in positions:
            self.docs = self.store.document_ids()  # imported since the session began
            positions = {d: i for i, (d, _) in enumerate(self.docs)}
        self.doc_pos = positions[doc]
        self.by_hand = False
        self._load_document()  # a new lease: its units
        waiting = sorted(i for i in self.queue if i not in self.labels)
        self.index = waiting[0] if waiting else 0
        return True

    def _unlabeled_here(self, start: int, stop: int) -> int | None:
        return next((i for i in range(start, stop) if i not in self.labels), None)

    def _unlabeled_in(self, doc_id: int) -> int | None:
        found = self.store.next_unlabeled(self.annotator, doc_id, -1)
        while found is not None and self.unsaved_groups and self.store.group_at(doc_id, found) in self.unsaved_groups:
            found = self.store.next_unlabeled(self.annotator, doc_id, found)
        return found

    def find(self, needle: str, limit: int = 50) -> list[tuple[int, int, str]]:
        return self.store.find_sentences(needle, limit) if needle.strip() else []

    # -- labeling ------------------------------------------------------------------------

    def suggestion(self) -> tuple[str, float, str] | None:
        """(label, probability, source) suggested for the current sentence, while nobody here labeled it."""
        return self.suggestions.get(self.index) if self.index not in self.labels else None

    def accept_suggestion(self) -> bool | None:
        """Label the current sentence with its suggestion (the label records where it came from).
        None when there is no suggestion; else as label()."""
        suggested = self.suggestion()
        if suggested is None:
            return None
        label, _p, source = suggested
        return self.label(label, source=source)

    def label(self, label: str, source: str | None = None) -> bool:
        """Hand the label to the writer, then move to the next unlabeled sentence. False when all are labeled.
        A typed label records the seconds its sentence was on screen; an accepted suggestion (`source`)
        none: accepting is no reading time. Raises SchemeChanged (a StoreError: one line the screen shows)
        for a label the project's scheme dropped since this session read it; nothing is stored then."""
        # the live scheme decides: the lead may have changed it since the session read its own
        if label not in self.scheme.names() and label not in scheme.labels(self.store):
            raise ValueError(f"unknown label {label!r}: the project's labels are {', '.join(self.scheme.names())}")
        scheme.check_current(label, self.store)
        s = self.sentence
        if s is None:
            return False
        previous = self.labels.get(self.index)
        previous_answer = self.answers.get(self.index)
        second = self.scheme.second
        if previous == label and source is None and (second is None or label not in second.when):
            # the same label again changes nothing: no second event (it would count twice in the timing)
            self.just_labeled = None
            return self.goto_unlabeled()
        uid, at, who = uuid.uuid4().hex, now(), self.annotator
        seconds = None if source else self.seconds_on_screen()
        routed = self.overlap is not None

        def store_label(store: Store) -> None:
            # with an overlap, a lease lives while its holder labels; a label past the overlap is marked
            store.add_event(s.id, "label", who, label, created_at=at, uid=uid, touch_lease=routed, source=source,
                            seconds=seconds)
            if routed and store.is_over_overlap(uid):
                self.over_overlap.append(s.group_id)

        if previous is None:  # counted before the write: an immediate writer has stored it on return
            self._count_team(s.group_id, 1)
        self._write(s.id, store_label, s.group_id)
        self.undo_stack.append(Undoable(uid, "label", s.id, self.doc_id, self.index, s.group_id, previous, label,
                                        source=source, seconds=seconds, previous_answer=previous_answer))
        self._count(previous, label, s.group_id)
        self._show_group_label(s.group_id, label, None)
        moved = self.goto_unlabeled()
        self.just_labeled = s
        return moved

    def answer(self, answer: str) -> bool:
        """Answer the scheme's second question for the label just given (this session's last event): the
        label was stored at once, so the answer is stored as a new label event with the same label and
        the answer as its detail (the current label then carries both); undo takes back both events.
        False when the last event is no label the question follows. Raises ValueError for an answer
        the question does not have."""
        second = self.scheme.second
        entry = self.undo_stack[-1] if self.undo_stack else None
        if second is None or entry is None or entry.kind != "label" or entry.label not in second.when:
            return False
        if answer not in second.answer_names():
            raise ValueError(f"unknown answer {answer!r}: {second.question} takes {', '.join(second.answer_names())}")
        uid, at, who, label = uuid.uuid4().hex, now(), self.annotator, entry.label
        routed = self.overlap is not None
        self._write(entry.sentence_id, lambda store: store.add_event(
            entry.sentence_id, "label", who, label, created_at=at, uid=uid, touch_lease=routed, source=entry.source,
            seconds=entry.seconds, detail=answer), entry.group_id)
        self.undo_stack[-1] = Undoable(uid, "label", entry.sentence_id, entry.doc_id, entry.index, entry.group_id,
                                       entry.previous, label, also=(entry.uid, *entry.also), source=entry.source,
                                       seconds=entry.seconds, previous_answer=entry.previous_answer)
        self._show_group_label(entry.group_id, label, answer)
        return True

    def set_note(self, note: str, sentence: SentenceRow | None = None) -> bool:
        """Store a note on the sentence (the current one unless given). An empty note clears the one
        there is, and without one it changes nothing (False)."""
        s = sentence or self.sentence
        note = note.strip()
        if s is not None and (note or self.note(s)):
            uid, at, who = uuid.uuid4().hex, now(), self.annotator
            # an empty note is stored as "" (not NULL): it is the latest note, and it says "none"
            self._write(s.id, lambda store: store.add_event(s.id, "note", who, None, note, created_at=at, uid=uid))
            self.undo_stack.append(Undoable(uid, "note", s.id, s.doc_id, s.index, s.group_id))
            return True
        return False

    # -- flags ---------------------------------------------------------------------------

    def flags(self, sentence: SentenceRow | None = None) -> list[tuple[str, str | None]]:
        """[(this annotator, note or None)] when they flagged the unit of the sentence (the current one
        unless given), as this session gave or took it back even before the write landed; [] when not.
        Others' flags are the lead's to see in review: shown here, they would mark a unit as disputed."""
        s = sentence or self.sentence
        mine = self._my_flag(s.group_id) if s is not None else None
        return [] if mine is None else [(self.annotator, mine[1] or None)]

    def _my_flag(self, group_id: int) -> tuple[str, str] | None:
        if group_id not in self._my_flags:
            uids = self.store.flag_uids(group_id, self.annotator)
            notes = dict(self.store.group_flags(group_id))
            self._my_flags[group_id] = (uids[-1], notes.get(self.annotator) or "") if uids else None
        return self._my_flags[group_id]

    def flagged_by_me(self) -> bool:
        """Has this annotator flagged the current unit as unsure?"""
        s = self.sentence
        return s is not None and self._my_flag(s.group_id) is not None

    def flag(self, note: str = "") -> bool:
        """Flag the current unit as unsure ("ask the lead"), with an optional note; False when there is
        no sentence or it is flagged by this annotator already."""
        s = self.sentence
        if s is None or self.flagged_by_me():
            return False
        self._add_flag(s, note.strip())
        self.undo_stack.append(Undoable(self._my_flags[s.group_id][0], "flag", s.id, s.doc_id, s.index, s.group_id))
        return True

    def _add_flag(self, s: SentenceRow, note: str) -> None:
        uid, at, who = uuid.uuid4().hex, now(), self.annotator
        self._write(s.id, lambda store: store.add_event(s.id, "note", who, None, note, created_at=at, uid=uid,
                                                        source=FLAG))
        self._my_flags[s.group_id] = (uid, note)

    def unflag(self) -> bool:
        """Take back this annotator's flag on the current unit (its flag event undone); False when there
        is none. Undoing this flags the unit again with the same note."""
        s = self.sentence
        mine = self._my_flag(s.group_id) if s is not None else None
        if mine is None:
            return False
        self._take_back_flag(s.id, s.group_id, mine[0])
        self.undo_stack.append(Undoable(mine[0], "unflag", s.id, s.doc_id, s.index, s.group_id, note=mine[1]))
        return True

    def _take_back_flag(self, sentence_id: int, group_id: int, uid: str) -> None:
        """Undo this annotator's live flag events on the unit: `uid`, and copies merged in from elsewhere."""
        uids = sorted(set(self.store.flag_uids(group_id, self.annotator)) | {uid})
        self._write(sentence_id, lambda store: [store.undo_event(each) for each in uids])
        self._my_flags[group_id] = None

    def undo(self) -> bool | str:
        """Take back the last label, note, flag or unflag of this session (by its uid: never anyone
        else's event) and go back to its sentence. False when there is nothing to undo; a message when
        the event is undone but its sentence is gone (a re-import removed it)."""
        if not self.undo_stack:
            return False
        entry = self.undo_stack.pop()
        if entry.kind == "label" and entry.previous is None:
            self._count_team(entry.group_id, -1)
        if entry.kind == "unflag":
            sentence = self.store.sentence(entry.sentence_id)
            if sentence is not None:
                self._add_flag(sentence, entry.note or "")
        elif entry.kind == "flag":  # the unit's flag may since have been taken back and given again
            mine = self._my_flags.get(entry.group_id)
            self._take_back_flag(entry.sentence_id, entry.group_id, mine[0] if mine else entry.uid)
        else:  # a label's answer came as a second event: both go
            self._write(entry.sentence_id, lambda store: [store.undo_event(uid) for uid in (entry.uid, *entry.also)])
        if entry.kind == "label":
            self._count(entry.label, entry.previous, entry.group_id)
        sentence = self.store.sentence(entry.sentence_id)
        if sentence is None:
            self.refresh()
            return "Undone, but that sentence is no longer in its document (a re-import removed it)."
        self.jump(sentence.doc_id, sentence.index)
        if entry.kind == "label":
            self._show_group_label(sentence.group_id, entry.previous, entry.previous_answer)
        return True

    # -- writes ----------------------------------------------------------------------------

    def _write(self, sentence_id: int, job, labeled_group: int | None = None) -> None:
        self.saving.add(sentence_id)
        if labeled_group is not None:
            self.unsaved_groups.add(labeled_group)
        self.writer.submit(job, sentence_id)
        if not self.writer.pending:  # landed already (an immediate writer)
            self.landed(sentence_id)

    def landed(self, sentence_id: int) -> None:
        """The writer says a write on this sentence committed."""
        if self.paused is not None:  # a control answer given by hand moves the figures the screen says
            self.paused = self.store.routing_pause(self.annotator)
        if self.over_overlap:  # a label past the overlap is no vote: `progress` leaves it out, so count again
            self._per_label = None
        if not self.writer.pending:
            self.saving.clear()
            self.unsaved_groups.clear()
            self.unsaved_labels.clear()
        else:
            self.saving.discard(sentence_id)

    def _show_group_label(self, group_id: int, label: str | None, answer: str | None = None) -> None:
        if self.writer.pending:  # still on its way: a document opened before it lands shows it too
            self.unsaved_labels[group_id] = label
        for i, other in enumerate(self.sentences):  # the label is the group's: every copy here shows it
            if other.group_id == group_id:
                self._set_label(i, label)
                if answer is None:
                    self.answers.pop(i, None)
                else:
                    self.answers[i] = answer

    def _set_label(self, index: int, label: str | None) -> None:
        if label is None:
            self.labels.pop(index, None)
        else:
            self.labels[index] = label

    def _count_team(self, group_id: int, step: int) -> None:
        """This annotator's share of the team's count, kept up to date label by label (the whole count
        is read again by `refresh`): a unit nobody else labeled is one more, or one less, for the team,
        and their first label makes them one more person."""
        units, people = self.team
        if not self.store.group_labelers(group_id) - {self.annotator}:
            units += step
        if self.progress().labeled == (0 if step > 0 else 1):  # counted before this label or undo is
            people += step
        self.team = (max(0, units), max(0, people))

    def _count(self, removed: str | None, added: str | None, group_id: int) -> None:
        if self._per_label is None:
            return
        if removed is not None:
            self._per_label[removed] = self._per_label.get(removed, 0) - 1
        if added is not None:
            self._per_label[added] = self._per_label.get(added, 0) + 1
