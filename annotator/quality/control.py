"""Control items, with no I/O: checking the rows that add them, routing's control rate, the pause on
low accuracy, and the order and feedback of training.

A control item is a unit whose right label is known. Routing mixes control units into each annotator's
work at the project's `control-rate`: each request draws at random whether the next thing handed out is
a control unit, weighted by how far the annotator is behind the rate, so the share holds over time while
no position can be foreseen (`control_turn`). A control unit served for the rate comes with a short run
of its document's work around it (`control_run`), at most as many units as the rate leaves for one control
unit, so each such lease holds at least the rate's share of control and the draw can catch up on work
documents that hold none. A control unit is only served for the rate where its document still has work
for the annotator: a lease of control units alone would give them away.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from annotator.scheme import Scheme

MAX_RATE = 0.5  # a queue more than half tests is no longer work
DEFAULT_MIN_ANSWERS = 10
# how strongly a deficit of one control unit raises the chance of a control next: large enough that
# documents of many units do not drown the rate, small enough that one draw is no certainty
DEFICIT_WEIGHT = 0.5


def check_row(row: dict, project: Scheme) -> tuple[str, int, str, str | None]:
    """(doc, index from 0, label, reason) of one row of a control file; ValueError naming the problem
    (a label outside the scheme names the scheme, as import-labels does)."""
    for key in ("doc", "index", "label"):
        if key not in row:
            raise ValueError(f"missing {key!r}")
    doc, index, label, reason = row["doc"], row["index"], row["label"], row.get("reason")
    if not isinstance(doc, str):
        raise ValueError(f"'doc' must be a string, not {type(doc).__name__}")
    if not isinstance(index, int) or isinstance(index, bool):
        raise ValueError(f"'index' must be an integer, not {type(index).__name__}")
    if index < 0:
        raise ValueError(f"'index' counts from 0, not {index}")
    if not isinstance(label, str) or label not in project.names():
        raise ValueError(f"unknown label {label!r}: not in the project's scheme {project.shown()}")
    if reason is not None and not isinstance(reason, str):
        raise ValueError(f"'reason' must be a string, not {type(reason).__name__}")
    return doc, index, label, (reason.strip() or None) if reason else None


def check_setting(key: str, value: str) -> str:
    """The stored form of a control setting (control-rate, min-accuracy, min-control-answers);
    ValueError in one line naming the setting."""
    if key == "min-control-answers":
        try:
            n = int(value)
        except ValueError:
            raise ValueError(f"{key}: {value!r} is not a whole number") from None
        if n < 1:
            raise ValueError(f"{key}: must be at least 1 answer")
        return str(n)
    top = MAX_RATE if key == "control-rate" else 1.0
    try:
        x = float(value)
    except ValueError:
        raise ValueError(f"{key}: {value!r} is not a number") from None
    if not 0 <= x <= top:  # also refuses nan
        raise ValueError(f"{key}: must be between 0 and {top:g}")
    return f"{x:g}"


def control_turn(draw: float, rate: float, handed: int, controls: int) -> bool:
    """Is the next thing handed out a control unit? `draw` is uniform in [0, 1); `handed` the units
    handed to the annotator so far (work and control), `controls` the control units among them.
    The chance is the rate raised by the annotator's deficit against it (lowered by a surplus)."""
    if rate <= 0:
        return False
    deficit = rate * handed - controls
    return draw < min(1.0, max(0.0, rate + DEFICIT_WEIGHT * deficit))


def control_run(units: list[int], control: int, rate: float, size_draw: float, place_draw: float) -> list[int]:
    """The units a control unit served for the rate comes with: a contiguous run of `units` (the units of
    its document the annotator may take, in reading order, the control unit at index `control` among them)
    holding the control unit and 1 to round(1 / rate) - 1 others (none only when `units` has no other),
    as many as `size_draw` picks, placed around it as `place_draw` picks (both uniform in [0, 1)). A run
    of that length keeps the lease's own share of control at or above the rate, so the deficit-weighted
    draw (`control_turn`) can make up for work documents without control; a run of varying length and
    place reads as any partial lease does, and never one of the control unit alone."""
    most = max(0, min(len(units) - 1, round(1 / rate) - 1))
    others = 1 + int(size_draw * most) if most else 0
    first, last = max(0, control - others), min(control, len(units) - 1 - others)
    start = first + int(place_draw * (last - first + 1))
    return units[start:start + others + 1]


def is_paused(answered: int, right: int, min_accuracy: float | None, min_answers: int) -> bool:
    """Does the quality check pause this annotator: at least `min_answers` control answers, and an
    accuracy (right / answered) below `min_accuracy`? Never without a min-accuracy."""
    return min_accuracy is not None and answered >= min_answers and right < min_accuracy * answered


def pause_message(answered: int, right: int) -> str:
    """The one line an annotator reads when the quality check paused their routing."""
    return (f"Routing is paused for you by the quality check: {right / answered:.0%} right on "
            f"{answered} control answers. Ask your lead to look at your work and lift the pause.")


def pause_words(answered: int, right: int) -> str:
    """The pause as the side panel and status line keep saying it while it lasts (the toast fades)."""
    return f"routing paused: {right / answered:.0%} right on {answered} control answers; ask your lead"


def training_order(annotator: str, items: list[int]) -> list[int]:
    """The order a training session serves control items in: the annotator's own shuffle, the same
    each time they start (so an interrupted session goes on where it was), unlike anyone else's."""
    return sorted(items, key=lambda item: hashlib.sha256(f"{annotator}\x1f{item}".encode()).digest())


@dataclass
class TrainingScore:
    """Answers in this training session and how many gave the expected label."""
    right: int = 0
    total: int = 0

    def answer(self, ref: str, given: str, expected: str, reason: str | None) -> str:
        """Count one answer to the sentence `ref` (DOC:N); the line that tells the trainee the expected
        label, its reason and the score. It names the sentence: the screen has moved on when it shows."""
        self.total += 1
        self.right += given == expected
        verdict = f"right, {expected}" if given == expected else f"expected {expected}"
        why = f": {reason}" if reason else ""
        return f"{ref}: {verdict}{why} ({self.right}/{self.total} right)"
