"""Why two sentences are, or are not, one unit: the similarity the grouping measured, and what the
same-fact guard found between them. `dupes why` and `dupes --json` say it."""

from __future__ import annotations

import math
from dataclasses import dataclass

from rapidfuzz import fuzz

from annotator.dedup.facts import Difference, compare
from annotator.dedup.normal import normalise


@dataclass(frozen=True)
class Explanation:
    """`ratio`: rapidfuzz's ratio (0-100, one decimal) of the two normalised texts; `exact`: the two
    normalise to the same text (a copy, joined whatever the threshold); `differences`: what the
    same-fact guard found that keeps them apart (empty when every difference is harmless)."""

    ratio: float
    threshold: float
    exact: bool
    differences: tuple[Difference, ...]

    @property
    def joins(self) -> bool:
        """Would the grouping's rule put them in one unit (the one compared with the other's group's
        first member)?"""
        return self.exact or (self.ratio >= self.threshold and not self.differences)

    def reason(self) -> str:
        """One line: why the rule joins them or keeps them apart."""
        if self.exact:
            return "the same text once normalised (case, quotes, dashes, spaces, invisible characters)"
        if self.ratio < self.threshold:
            return f"similarity {self.ratio:g} is under the threshold {self.threshold:g}"
        if self.differences:
            return f"similarity {self.ratio:g} reaches {self.threshold:g}, but the same-fact guard keeps them apart: " + \
                "; ".join(str(d) for d in self.differences)
        return f"similarity {self.ratio:g} reaches {self.threshold:g}, and every difference is harmless"

    def as_json(self) -> dict:
        return {"ratio": self.ratio, "threshold": self.threshold, "exact": self.exact, "joins": self.joins,
                "differences": [{"kind": d.kind, "a": d.a, "b": d.b} for d in self.differences],
                "reason": self.reason()}


def explain(a: str, b: str, threshold: float, language_a: str | None = None,
            language_b: str | None = None) -> Explanation:
    """Compare two sentences as written, each in its document's language, as the grouping does."""
    norm_a, norm_b = normalise(a), normalise(b)
    if norm_a == norm_b:
        return Explanation(100.0, threshold, True, ())
    ratio = math.floor(fuzz.ratio(norm_a, norm_b) * 10) / 10  # 99.96 is not "100", which means the same text
    return Explanation(ratio, threshold, False, compare(a, b, language_a, language_b))
