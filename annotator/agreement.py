"""Inter-annotator agreement over units (duplicate groups). Pure computation, no I/O.

Krippendorff's alpha comes from the `krippendorff` package. Cohen's and Fleiss' kappa are the
textbook formulas in a few lines of NumPy (statsmodels or scikit-learn would bring pandas and
SciPy for them); the tests check all three against published worked examples.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from annotator.model import LABELS


def cohen_kappa(a: Sequence[str], b: Sequence[str], labels: Sequence[str] | None = None) -> float | None:
    """Cohen's kappa of two raters over the same items; None when undefined (no items, or chance is 1)."""
    if len(a) == 0:
        return None
    labels = list(labels or sorted(set(a) | set(b)))
    m = confusion(a, b, labels).astype(float)
    n = m.sum()
    observed = np.trace(m) / n
    expected = float((m.sum(axis=1) * m.sum(axis=0)).sum() / (n * n))
    if expected == 1.0:
        return None
    return float((observed - expected) / (1 - expected))


def confusion(a: Sequence[str], b: Sequence[str], labels: Sequence[str]) -> np.ndarray:
    """Counts: row = a's label, column = b's label."""
    index = {label: i for i, label in enumerate(labels)}
    m = np.zeros((len(labels), len(labels)), dtype=np.int64)
    np.add.at(m, ([index[x] for x in a], [index[y] for y in b]), 1)
    return m


def fleiss_kappa(counts: np.ndarray) -> float | None:
    """Fleiss' kappa from an (items x categories) matrix of rater counts, the same raters per item."""
    counts = np.asarray(counts, dtype=float)
    if counts.size == 0:
        return None
    raters = counts.sum(axis=1)
    if np.any(raters != raters[0]) or raters[0] < 2:
        raise ValueError("Fleiss' kappa needs the same number (at least 2) of ratings per item")
    n, r = counts.shape[0], raters[0]
    p_j = counts.sum(axis=0) / (n * r)
    p_i = ((counts * counts).sum(axis=1) - r) / (r * (r - 1))
    p_bar, p_e = p_i.mean(), float((p_j * p_j).sum())
    if p_e == 1.0:
        return None
    return float((p_bar - p_e) / (1 - p_e))


def krippendorff_alpha(matrix: np.ndarray) -> float | None:
    """Nominal alpha of an (annotators x units) matrix of label codes, NaN where missing."""
    import krippendorff

    pairable = (~np.isnan(matrix)).sum(axis=0) >= 2
    matrix = matrix[:, pairable]
    values = np.unique(matrix[~np.isnan(matrix)])
    if matrix.shape[1] == 0 or len(values) < 2:
        return None  # undefined: no pairable values, or a single value in all the data
    return float(krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal", value_domain=values))


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


@dataclass
class Agreement:
    units: int
    annotators: list[str]
    krippendorff_alpha: float | None
    fleiss_kappa: float | None
    fleiss_units: int
    cohen_kappa: dict[str, float | None]
    pair_units: dict[str, int]
    observed_agreement: float | None
    per_label: dict[str, float | None]
    confusion: dict[str, dict]
    disagreements: int
    labels: list[str] = field(default_factory=lambda: list(LABELS))

    def as_json(self) -> dict:
        return {
            "units": self.units,
            "annotators": self.annotators,
            "krippendorff_alpha": _round(self.krippendorff_alpha),
            "fleiss_kappa": _round(self.fleiss_kappa),
            "fleiss_units": self.fleiss_units,
            "cohen_kappa": {k: _round(v) for k, v in self.cohen_kappa.items()},
            "pair_units": self.pair_units,
            "observed_agreement": _round(self.observed_agreement),
            "per_label": {k: _round(v) for k, v in self.per_label.items()},
            "confusion": self.confusion,
            "disagreements": self.disagreements,
        }


def compute(rows: Iterable[tuple[int, str, str]], only: Sequence[str] | None = None,
            labels: Sequence[str] = LABELS) -> Agreement:
    """Agreement over (unit, annotator, label) rows: one current label per unit and annotator.

    Only units labeled by at least two of the (selected) annotators count.
    """
    selected = set(only) if only else None
    by_unit: dict[int, dict[str, str]] = {}
    for unit, annotator, label in rows:
        if selected is None or annotator in selected:
            by_unit.setdefault(unit, {})[annotator] = label
    shared = {u: votes for u, votes in by_unit.items() if len(votes) >= 2}
    annotators = sorted(selected) if selected else sorted({a for v in shared.values() for a in v})
    codes = {label: i for i, label in enumerate(labels)}
    extra = sorted({l for v in shared.values() for l in v.values()} - set(codes))
    for label in extra:  # labels outside the known four still count, after them
        codes[label] = len(codes)
    all_labels = list(codes)
    col = {a: i for i, a in enumerate(annotators)}
    units = list(shared)
    matrix = np.full((len(annotators), len(units)), np.nan)
    for j, u in enumerate(units):
        for a, label in shared[u].items():
            matrix[col[a], j] = codes[label]

    alpha = krippendorff_alpha(matrix) if units else None
    per_label = {}
    for label, code in codes.items():
        if label in extra and not units:
            continue
        binary = np.where(np.isnan(matrix), np.nan, (matrix == code).astype(float))
        per_label[label] = krippendorff_alpha(binary) if units else None

    complete = [u for u in units if len(shared[u]) == len(annotators)]
    fleiss = None
    if complete and len(annotators) >= 2:
        counts = np.zeros((len(complete), len(codes)))
        for i, u in enumerate(complete):
            for label in shared[u].values():
                counts[i, codes[label]] += 1
        fleiss = fleiss_kappa(counts)

    cohen, pair_units, confusions = {}, {}, {}
    for a, b in itertools.combinations(annotators, 2):
        both = [(v[a], v[b]) for v in shared.values() if a in v and b in v]
        key = f"{a}|{b}"
        pair_units[key] = len(both)
        xs, ys = [x for x, _ in both], [y for _, y in both]
        cohen[key] = cohen_kappa(xs, ys, all_labels)
        confusions[key] = {"labels": all_labels, "rows": a, "columns": b,
                           "matrix": confusion(xs, ys, all_labels).tolist()}

    agree_share = []
    disagreements = 0
    for votes in shared.values():
        values = list(votes.values())
        n = len(values)
        same = sum(c * (c - 1) for c in _counts(values))
        agree_share.append(same / (n * (n - 1)))
        disagreements += len(set(values)) > 1
    observed = float(np.mean(agree_share)) if agree_share else None
    return Agreement(
        units=len(units), annotators=annotators, krippendorff_alpha=alpha, fleiss_kappa=fleiss,
        fleiss_units=len(complete), cohen_kappa=cohen, pair_units=pair_units, observed_agreement=observed,
        per_label=per_label, confusion=confusions, disagreements=disagreements, labels=all_labels,
    )


def _counts(values: list[str]) -> Iterable[int]:
    seen: dict[str, int] = {}
    for v in values:
        seen[v] = seen.get(v, 0) + 1
    return seen.values()


def format_text(result: Agreement) -> str:
    """The agreement figures as a readable text table."""
    fmt = lambda x: "n/a" if x is None else f"{x:.3f}"  # noqa: E731
    lines = [
        f"units labeled by 2+ annotators  {result.units}",
        f"annotators                      {', '.join(result.annotators) or '-'}",
        f"Krippendorff's alpha (nominal)  {fmt(result.krippendorff_alpha)}",
        f"Fleiss' kappa                   {fmt(result.fleiss_kappa)}  (over {result.fleiss_units} units labeled by all)",
        f"observed agreement              {fmt(result.observed_agreement)}",
        f"units in disagreement           {result.disagreements}",
        "",
        "per label (one-vs-rest alpha)",
    ]
    lines += [f"  {label:<9} {fmt(value)}" for label, value in result.per_label.items()]
    if result.cohen_kappa:
        lines += ["", "Cohen's kappa per pair"]
        lines += [f"  {pair:<30} {fmt(k)}  ({result.pair_units[pair]} units)" for pair, k in result.cohen_kappa.items()]
    for pair, table in result.confusion.items():
        labels = table["labels"]
        lines += ["", f"confusion {pair} (rows {table['rows']}, columns {table['columns']})"]
        lines.append("  " + " " * 9 + "".join(f"{label[:8]:>9}" for label in labels))
        for label, row in zip(labels, table["matrix"]):
            lines.append(f"  {label[:8]:<9}" + "".join(f"{n:>9}" for n in row))
    return "\n".join(lines)
