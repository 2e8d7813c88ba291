"""Training: a newcomer labels control items only, and after each answer reads the expected label
and its reason. Their answers are stored as labels from the source "training": neither votes nor
control answers (store/quality.py), so practice never moves a figure.

Free of any UI, as Session is: the screen shows `feedback` after each label.
"""

from __future__ import annotations

from annotator.quality.control import TrainingScore, training_order
from annotator.session import Session
from annotator.store import Store
from annotator.store.quality import TRAINING
from annotator.wording import sentence_ref


class TrainingSession(Session):
    """A Session over the control items, in this annotator's own order (quality.control.training_order),
    from the first one they have not answered yet; the whole round again once they answered all."""

    def __init__(self, store: Store, annotator: str, writer=None, timer=None):
        units = {group: (doc, item) for item, group, doc in store.control_units()}
        if not units:
            raise ValueError("no control items to train on: add them with `annotator control add FILE.jsonl` "
                             "or `annotator control from-review`")
        order = {item: group for group, (_doc, item) in units.items()}
        plan = [(order[item], units[order[item]][0]) for item in training_order(annotator, sorted(order))]
        answered = store.control_units_answered(annotator)
        start = next((i for i, (group, _doc) in enumerate(plan) if group not in answered), 0)
        self.plan = plan[start:] + plan[:start]
        self.step = -1  # the place in the plan of the item shown
        self.score = TrainingScore()
        self.feedback: str | None = None  # what the last answer should have been, until the screen shows it
        super().__init__(store, annotator, writer=writer, **({"timer": timer} if timer else {}))
        self.overlap = None  # training answers are nobody's routed work: no lease, no overlap

    def _take_next(self, leaving: int | None = None) -> bool:
        return self.goto_unlabeled()  # never routing: the plan is the queue

    def refresh(self) -> None:
        super().refresh()
        self.overlap = None
        self.queue = {self.index}

    def _queue_total(self) -> int:
        return len(self.plan)

    def _load_document(self) -> None:
        super()._load_document()
        self.suggestions = {}  # a suggestion would give the answer away

    def goto_unlabeled(self, from_start: bool = False) -> bool:
        """The next control item of the plan; False once each was shown in this session."""
        if self.step + 1 >= len(self.plan):
            return False
        self.step += 1
        group, doc = self.plan[self.step]
        self.jump_to_unit(doc, group)
        return True

    def jump_to_unit(self, doc: int, group: int) -> None:
        positions = {d: i for i, (d, _) in enumerate(self.docs)}
        self.open_document(positions[doc])
        self.index = next(i for i, s in enumerate(self.sentences) if s.group_id == group)
        self.queue = {self.index}

    def label(self, label: str, source: str | None = None) -> bool:
        """Store the answer as a training label, say what was expected, and go on to the next item."""
        s = self.sentence
        expected = self.store.control_expected(s.group_id) if s is not None else None
        if expected is None:  # a sentence opened by hand that is no control item: labeled, but not scored
            return super().label(label, source=TRAINING)
        self.feedback = self.score.answer(sentence_ref(self.doc_name, s.index), label, *expected)
        return super().label(label, source=TRAINING)

    def done_message(self) -> str:
        return (f"Training done: {self.score.right} of {self.score.total} answers right. "
                "Start again with annotate --training, or begin real work with annotate.")
