"""Annotator accuracy and labeling time, with no I/O: accuracy with its 95% Wilson score interval,
confusion matrices in scheme order, median seconds per label and the share of labels given faster than
the sentence can be read. The store hands the rows (store/quality.py, Accuracy); the CLI and the team
screen print `format_quality`.
"""

from __future__ import annotations

import math
import re
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# the normal quantile of a two-sided 95% interval
Z95 = 1.959963984540054
# Words per second no reader reaches, even skimming: Rayner, Schotter, Masson, Potter and Treiman (2016),
# "So much to read, so little time", Psychological Science in the Public Interest 17(1), put skimming at
# about 4-5 words per second (600-700 words a minute with poor comprehension); twice that is a bound a
# label can only beat without reading its sentence.
READING_WPS = 8.0

# scripts written without spaces between words: a run of their characters counts as this many words
# per character (a Chinese or Japanese word averages about two characters)
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u0e00-\u0e7f\u0e80-\u0eff]")
_WORDS_PER_UNSPACED_CHAR = 0.5


def words(text: str) -> float:
    """How many words a reader reads in `text`: whitespace-separated tokens with a letter or digit (a
    dash or a full stop on its own is none), and in scripts written without spaces (Chinese, Japanese,
    Thai, Lao) half a word per character."""
    unspaced = len(_UNSPACED.findall(text))
    spaced = [token for token in _UNSPACED.sub(" ", text).split() if any(c.isalnum() for c in token)]
    return len(spaced) + unspaced * _WORDS_PER_UNSPACED_CHAR


def wilson(correct: int, n: int, z: float = Z95) -> tuple[float, float] | None:
    """The Wilson score interval (Wilson 1927) of a proportion `correct`/`n`: (low, high) in 0..1, at
    95% by default; None when n is 0. Raises ValueError when correct is outside 0..n."""
    if n == 0:
        return None
    if not 0 <= correct <= n:
        raise ValueError(f"{correct} correct out of {n}")
    p = correct / n
    centre = p + z * z / (2 * n)
    spread = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    denominator = 1 + z * z / n
    # floating error leaves 4.9e-17 for 0 and 0.9999999999999999 for 1: twelve places keep every real digit
    return (min(1.0, max(0.0, round((centre - spread) / denominator, 12))),
            min(1.0, max(0.0, round((centre + spread) / denominator, 12))))


def confusion(pairs: Iterable[tuple[str, str]], labels: Sequence[str]) -> list[list[int]]:
    """Counts of (expected, given) pairs: rows the expected label, columns the given one, both in
    `labels` order (the scheme's). A pair naming a label outside `labels` is left out."""
    at = {label: i for i, label in enumerate(labels)}
    matrix = [[0] * len(labels) for _ in labels]
    for expected, given in pairs:
        if expected in at and given in at:
            matrix[at[expected]][at[given]] += 1
    return matrix


@dataclass(frozen=True)
class Score:
    """An annotator's labels against a reference (control items or review decisions)."""
    answers: int
    correct: int
    confusion: list[list[int]]  # rows expected, columns given, in scheme order

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.answers if self.answers else None

    @property
    def interval(self) -> tuple[float, float] | None:
        return wilson(self.correct, self.answers)

    def as_json(self) -> dict:
        interval = self.interval
        return {"answers": self.answers, "correct": self.correct, "accuracy": self.accuracy,
                "interval": list(interval) if interval else None, "confusion": self.confusion}


def score(pairs: Sequence[tuple[str, str]], labels: Sequence[str]) -> Score:
    """Score (expected, given) pairs."""
    return Score(len(pairs), sum(expected == given for expected, given in pairs), confusion(pairs, labels))


@dataclass(frozen=True)
class Timing:
    """How long an annotator's labels took: only labels whose time on screen was measured count."""
    timed: int
    median_seconds: float | None
    too_fast: int  # labels given in less time than reading their sentence at READING_WPS takes

    @property
    def too_fast_share(self) -> float | None:
        return self.too_fast / self.timed if self.timed else None

    def as_json(self) -> dict:
        return {"timed": self.timed, "median_seconds": self.median_seconds, "too_fast": self.too_fast,
                "too_fast_share": self.too_fast_share}


def timing(rows: Sequence[tuple[float, str]], bound: float = READING_WPS) -> Timing:
    """Timing of (seconds on screen, sentence text) rows: a label is too fast when its seconds are fewer
    than the sentence's words / `bound` (words per second)."""
    seconds = [s for s, _ in rows]
    fast = sum(s < words(text) / bound for s, text in rows)
    return Timing(len(rows), statistics.median(seconds) if seconds else None, fast)


TEAM = "(team)"  # the row of the whole team, after the annotators


def quality(control: Iterable[tuple[str, str, str]], decided: Iterable[tuple[str, str, str]],
            timed: Iterable[tuple[str, float, str]], labels: Sequence[str], bound: float = READING_WPS) -> dict:
    """The quality report. `control` and `decided` are (annotator, expected, given) rows against control
    items and review decisions; `timed` is (annotator, seconds, sentence text) of labels timed on screen.
    Returns {"labels", "bound_wps", "control_items", "decisions", "annotators": [{"annotator", "control",
    "decisions", "timing"}], "team": {...}}, each score as Score.as_json and timing as Timing.as_json."""
    control_of, decided_of, timed_of = defaultdict(list), defaultdict(list), defaultdict(list)
    for who, expected, given in control:
        control_of[who].append((expected, given))
    for who, expected, given in decided:
        decided_of[who].append((expected, given))
    for who, seconds, text in timed:
        timed_of[who].append((seconds, text))

    def row(name: str, control_pairs, decided_pairs, timed_rows) -> dict:
        return {"annotator": name, "control": score(control_pairs, labels).as_json(),
                "decisions": score(decided_pairs, labels).as_json(), "timing": timing(timed_rows, bound).as_json()}

    people = sorted(set(control_of) | set(decided_of) | set(timed_of))
    every = lambda by: [item for who in people for item in by[who]]  # noqa: E731
    return {"labels": list(labels), "bound_wps": bound,
            "annotators": [row(who, control_of[who], decided_of[who], timed_of[who]) for who in people],
            "team": row(TEAM, every(control_of), every(decided_of), every(timed_of))}


def quality_report(store, bound: float = READING_WPS) -> dict:
    """`quality` over a store's control answers, decisions and timed labels (the store's Accuracy
    reads), in the store's label scheme."""
    from annotator import scheme

    return quality(store.control_pairs(), store.decision_pairs(), store.timed_labels(), scheme.labels(store), bound)


def percent(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.1f}%"


def accuracy_words(figures: dict, narrow: bool = False) -> str:
    """One score as the tables show it: "80.0% [49.0-94.3] of 10" (accuracy, 95% interval, answers), or
    "n/a"; `narrow`, for a table under 100 columns: "80% [49-94] 10"."""
    if not figures["answers"]:
        return "n/a"
    low, high = figures["interval"]
    if narrow:
        return f"{100 * figures['accuracy']:.0f}% [{100 * low:.0f}-{100 * high:.0f}] {figures['answers']}"
    return f"{percent(figures['accuracy'])} [{100 * low:.1f}-{100 * high:.1f}] of {figures['answers']}"


def format_quality(report: dict) -> str:
    """The quality report as text: a table per annotator and the team, then each one's confusion matrices."""
    head = f"{'annotator':<16} {'control accuracy':>26} {'decision accuracy':>26} {'median s':>9} {'too fast':>9}"
    lines = [head]
    rows = report["annotators"] + ([report["team"]] if report["annotators"] else [])
    for a in rows:
        t = a["timing"]
        median = "n/a" if t["median_seconds"] is None else f"{t['median_seconds']:.1f}"
        lines.append(f"{a['annotator'][:16]:<16} {accuracy_words(a['control']):>26} "
                     f"{accuracy_words(a['decisions']):>26} {median:>9} {percent(t['too_fast_share']):>9}")
    if not report["annotators"]:
        lines.append("(nobody has labeled yet)")
    team = report["team"]
    if not team["control"]["answers"]:
        lines.append("no control answers yet (annotator control add FILE.jsonl, then label)")
    if not team["decisions"]["answers"]:
        lines.append("no review decisions on labeled units yet (annotator review)")
    lines.append(f"accuracy with its 95% Wilson interval; too fast: under words / {report['bound_wps']:g} "
                 "words per second on screen")
    for a in rows:
        for what, title in (("control", "against control items"), ("decisions", "against review decisions")):
            if a[what]["answers"]:
                lines += ["", f"{a['annotator']} {title} (rows expected, columns given):",
                          *confusion_lines(a[what]["confusion"], report["labels"])]
    return "\n".join(lines)


def confusion_lines(matrix: list[list[int]], labels: Sequence[str]) -> list[str]:
    """A confusion matrix as a text table, labels in scheme order."""
    width = max(8, *(len(label) + 1 for label in labels))
    lines = [" " * width + "".join(f"{label:>{width}}" for label in labels)]
    lines += [f"{label:<{width}}" + "".join(f"{n:>{width}}" for n in row) for label, row in zip(labels, matrix)]
    return lines
