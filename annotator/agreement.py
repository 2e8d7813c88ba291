"""Inter-annotator agreement over units (duplicate groups). Pure computation, no I/O.

Krippendorff's alpha comes from the `krippendorff` package. Cohen's and Fleiss' kappa are the
textbook formulas in a few lines of NumPy (statsmodels or scikit-learn would bring pandas and
SciPy for them); the tests check all three against published worked examples.
"""

from __future__ import annotations

import itertools
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np

from annotator import scheme
from annotator.wording import plural


def cohen_kappa(a: Sequence[str], b: Sequence[str], labels: Sequence[str] | None = None) -> float | None:
    """Cohen's kappa of two raters over the same items; None when undefined (no items, or chance is 1)."""
    if len(a) == 0:
        return None
    labels = list(labels or sorted(set(a) | set(b)))
    return _kappa_from_confusion(confusion(a, b, labels))


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
    present = ~np.isnan(matrix)
    values = np.unique(matrix[present])
    index = np.searchsorted(values, matrix[present]).astype(np.int64)
    counts = np.zeros((matrix.shape[1], len(values)))
    np.add.at(counts, (np.nonzero(present)[1], index), 1)
    return alpha_from_counts(counts)


_ALPHA_CHUNK = 20_000  # units per slice of the coincidence sum


def alpha_from_counts(counts: np.ndarray) -> float | None:
    """Nominal alpha from a (units x values) matrix of how many annotators gave each value.

    The krippendorff package builds a (units x values x values) array to sum the coincidence
    matrix. That sum is over units, so it is taken here slice by slice with the package's own
    functions, and memory stays flat however many units there are. If a release of the package
    renames those functions, its public alpha() gives the same figure in one piece.
    """
    import krippendorff

    counts = counts[counts.sum(axis=1) >= 2]
    if counts.shape[0] == 0 or np.count_nonzero(counts.sum(axis=0)) < 2:
        return None  # undefined: no pairable values, or a single value in all the data
    try:
        from krippendorff.krippendorff import _coincidences, _distance_metric, _distances, _random_coincidences
    except ImportError:
        return float(krippendorff.alpha(value_counts=counts, level_of_measurement="nominal"))
    o = sum(_coincidences(counts[i : i + _ALPHA_CHUNK]) for i in range(0, counts.shape[0], _ALPHA_CHUNK))
    n_v = o.sum(axis=0)
    e = _random_coincidences(n_v)
    d = _distances(np.arange(counts.shape[1]), _distance_metric("nominal"), n_v)
    return float(1 - (o * d).sum() / (e * d).sum())


def gwet_ac1(counts: np.ndarray, categories: int | None = None) -> float | None:
    """Gwet's AC1 (nominal, unweighted) from per-unit label counts (units x categories), missing
    ratings allowed (Gwet, Handbook of Inter-Rater Reliability, 4th ed., ch. 2).

    Observed agreement is taken over units with two or more ratings; each category's chance share
    over every rated unit. Unlike kappa and alpha it is not dragged down when one label is far
    more common than the others, as facts are in news. `categories` defaults to the columns given.
    """
    counts = np.asarray(counts, dtype=np.float64)
    raters = counts.sum(axis=1)
    rated, r = counts[raters >= 1], raters[raters >= 1]
    multi = r >= 2
    q = categories or counts.shape[1]
    if not multi.any() or q < 2:
        return None
    pa = float(np.mean((rated[multi] * (rated[multi] - 1)).sum(axis=1) / (r[multi] * (r[multi] - 1))))
    pi = (rated / r[:, None]).mean(axis=0)
    pe = float((pi * (1 - pi)).sum() / (q - 1))
    return None if pe == 1.0 else (pa - pe) / (1 - pe)


def alpha_by_part(counts: np.ndarray, parts: np.ndarray, units: np.ndarray, n_parts: int) -> tuple[np.ndarray, np.ndarray]:
    """Nominal alpha of many subsets of units at once (each document's units, say): `counts` is
    (units x values); unit `units[k]` belongs to part `parts[k]` (a unit may be in several parts).
    Returns (alpha per part, NaN where undefined; pairable units per part).

    Alpha = 1 - (n - 1) * sum over units of (n_u^2 - sum_c n_uc^2) / (n_u - 1) / (n^2 - sum_c n_c^2),
    Krippendorff's nominal alpha written with each unit's and each value's totals."""
    counts = np.asarray(counts, dtype=np.float64)
    n_u = counts.sum(axis=1)
    pairable = n_u >= 2
    keep = pairable[units]
    parts, units = parts[keep], units[keep]
    disagree = np.zeros(len(counts))
    disagree[pairable] = (n_u[pairable] ** 2 - (counts[pairable] ** 2).sum(axis=1)) / (n_u[pairable] - 1)
    n = np.bincount(parts, weights=n_u[units], minlength=n_parts)
    observed = np.bincount(parts, weights=disagree[units], minlength=n_parts)
    per_value = np.zeros((n_parts, counts.shape[1]))
    np.add.at(per_value, parts, counts[units])
    expected = n ** 2 - (per_value ** 2).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = np.where(expected > 0, 1 - (n - 1) * observed / expected, np.nan)
    return alpha, np.bincount(parts, minlength=n_parts)


def _full(x: float | None) -> float | None:
    """JSON keeps every figure at full precision: a client that rounds must not round twice."""
    return None if x is None else float(x)


@dataclass
class Agreement:
    units: int
    annotators: list[str]
    krippendorff_alpha: float | None
    gwet_ac1: float | None
    fleiss_kappa: float | None
    fleiss_units: int
    cohen_kappa: dict[str, float | None]
    pair_units: dict[str, int]
    observed_agreement: float | None
    per_label: dict[str, float | None]
    confusion: dict[str, dict]
    disagreements: int
    labels: list[str] = field(default_factory=lambda: list(scheme.labels()))
    labeled_by: dict[str, int] = field(default_factory=dict)  # units each annotator labeled, shared or not
    # the units labeled by two or more and their label counts, for figures over parts of them
    unit_ids: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64), repr=False)
    unit_counts: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)), repr=False)
    documents: list[dict] = field(default_factory=list)  # per document: its alpha, hardest first

    def as_json(self) -> dict:
        return {
            "units": self.units,
            "annotators": self.annotators,
            "krippendorff_alpha": _full(self.krippendorff_alpha),
            "gwet_ac1": _full(self.gwet_ac1),
            "fleiss_kappa": _full(self.fleiss_kappa),
            "fleiss_units": self.fleiss_units,
            "cohen_kappa": {k: _full(v) for k, v in self.cohen_kappa.items()},
            "pair_units": self.pair_units,
            "observed_agreement": _full(self.observed_agreement),
            "per_label": {k: _full(v) for k, v in self.per_label.items()},
            "confusion": self.confusion,
            "disagreements": self.disagreements,
            "documents": [{**d, "alpha": _full(d["alpha"])} for d in self.documents],
        }


class Votes:
    """(unit, annotator, label) triples collected compactly: a few bytes each, not Python objects,
    so an export can gather them while it streams and the data card needs no second pass."""

    def __init__(self, labels: Sequence[str] | None = None):
        """`labels`: the scheme's labels (default: the default scheme's), their codes in its order."""
        self.codes: dict[str, int] = {label: i for i, label in enumerate(scheme.labels() if labels is None else labels)}
        self.people: dict[str, int] = {}
        self.units, self.annotators, self.labels = array("q"), array("h"), array("h")

    def add(self, unit: int, annotator: str, label: str) -> None:
        self.units.append(unit)
        self.annotators.append(self.people.setdefault(annotator, len(self.people)))
        self.labels.append(self.codes.setdefault(label, len(self.codes)))  # unknown labels count too, after the scheme's

    def extend(self, rows: Iterable[tuple[int, str, str]], batch: int = 100_000) -> None:
        """add() for many rows, a batch at a time: the same result, several times faster."""
        people, codes = self.people, self.codes
        rows = iter(rows)
        while chunk := list(itertools.islice(rows, batch)):
            units, whos, labels = zip(*chunk)
            self.units.extend(units)
            self.annotators.extend([people[w] if w in people else people.setdefault(w, len(people)) for w in whos])
            self.labels.extend([codes[x] if x in codes else codes.setdefault(x, len(codes)) for x in labels])


class Tally:
    """The agreement figures of a data card (units labeled by two or more, alpha, Fleiss' kappa over
    the units labeled by all, observed agreement, disagreements, units per annotator), from votes
    that come unit by unit, as an export streams them. Each slice of `batch` votes is reduced to
    sums and let go, so memory stays flat however many labels there are."""

    def __init__(self, labels: Sequence[str] | None = None, batch: int = 200_000):
        self.votes = Votes(labels)
        self.batch = batch
        self.last: int | None = None
        self.units = self.disagreements = 0
        self.observed = 0.0  # sum over units of the share of agreeing pairs
        self.disagree = 0.0  # alpha's sum over units of (m^2 - sum of n_c^2) / (m - 1)
        self.values = np.zeros(0)  # alpha's pairable values per label
        self.per_annotator = np.zeros(0, dtype=np.int64)  # units labeled, shared or not
        self.sharing: set[int] = set()  # annotators with a vote on a unit labeled by two or more
        self.by_raters: dict[int, list] = {}  # raters -> [units, sum of P_i, label totals], for Fleiss

    def add(self, unit: int, annotator: str, label: str) -> None:
        if unit != self.last:
            if self.last is not None and unit < self.last:
                raise ValueError("votes must come unit by unit, in unit order")
            if len(self.votes.units) >= self.batch:
                self._reduce()
            self.last = unit
        self.votes.add(unit, annotator, label)

    def _reduce(self) -> None:
        votes = self.votes
        if not len(votes.units):
            return
        units = np.frombuffer(votes.units, dtype=np.int64)
        people = np.frombuffer(votes.annotators, dtype=np.int16).astype(np.int64)
        labels = np.frombuffer(votes.labels, dtype=np.int16).astype(np.int64)
        width = len(votes.codes)
        row = np.zeros(units.size, dtype=np.int64)
        np.cumsum(units[1:] != units[:-1], out=row[1:])
        counts = np.zeros((int(row[-1]) + 1, width))
        np.add.at(counts, (row, labels), 1)
        self.per_annotator = _grown(self.per_annotator, len(votes.people))
        self.per_annotator += np.bincount(people, minlength=len(votes.people))
        raters = counts.sum(axis=1)
        shared = raters >= 2
        self.sharing.update(np.unique(people[shared[row]]).tolist())
        counts, raters = counts[shared], raters[shared]
        self.units += len(counts)
        squares = (counts * counts).sum(axis=1)
        self.observed += float(((squares - raters) / (raters * (raters - 1))).sum())
        self.disagreements += int(((counts > 0).sum(axis=1) > 1).sum())
        self.disagree += float(((raters * raters - squares) / (raters - 1)).sum())
        self.values = _grown(self.values, width) + counts.sum(axis=0)
        for r in np.unique(raters).tolist():
            chosen = raters == r
            entry = self.by_raters.setdefault(int(r), [0, 0.0, np.zeros(0)])
            entry[0] += int(chosen.sum())
            entry[1] += float(((squares[chosen] - r) / (r * (r - 1))).sum())
            entry[2] = _grown(entry[2], width) + counts[chosen].sum(axis=0)
        codes, names = votes.codes, votes.people
        self.votes = Votes(list(codes))
        self.votes.people = names  # the same annotator codes in every slice

    def figures(self) -> Agreement:
        """The figures so far, as an Agreement (without pairs, per-label alpha and confusions)."""
        self._reduce()
        n = self.values.sum()
        expected = n * n - (self.values ** 2).sum()
        alpha = 1 - (n - 1) * self.disagree / expected if self.units and expected > 0 else None
        raters = len(self.sharing)
        fleiss = None
        complete, summed, totals = self.by_raters.get(raters, (0, 0.0, np.zeros(0))) if raters >= 2 else (0, 0.0, None)
        if complete:
            shares = totals / (complete * raters)
            chance = float((shares * shares).sum())
            fleiss = None if chance == 1.0 else (summed / complete - chance) / (1 - chance)
        names = self.votes.people
        return Agreement(
            units=self.units, annotators=sorted(p for p, i in names.items() if i in self.sharing),
            krippendorff_alpha=None if alpha is None else float(alpha), gwet_ac1=None, fleiss_kappa=fleiss,
            fleiss_units=complete, cohen_kappa={}, pair_units={},
            observed_agreement=self.observed / self.units if self.units else None, per_label={}, confusion={},
            disagreements=self.disagreements, labels=list(self.votes.codes),
            labeled_by={p: int(self.per_annotator[i]) for p, i in names.items() if i < len(self.per_annotator)
                        and self.per_annotator[i]},
        )


def _grown(values: np.ndarray, size: int) -> np.ndarray:
    """values padded with zeros to `size` (a label or annotator first met in a later slice)."""
    return values if len(values) >= size else np.concatenate([values, np.zeros(size - len(values), values.dtype)])


def compute(rows: Iterable[tuple[int, str, str]], only: Sequence[str] | None = None,
            labels: Sequence[str] | None = None) -> Agreement:
    """Agreement over (unit, annotator, label) rows: one current label per unit and annotator.
    `labels` is the scheme's vocabulary (default: the default scheme's): its size is AC1's q.

    Only units labeled by at least two of the (selected) annotators count.
    """
    selected = set(only) if only else None
    votes = Votes(labels)
    votes.extend(rows if selected is None else (row for row in rows if row[1] in selected))
    return compute_votes(votes, only)


def compute_votes(votes: Votes, only: Sequence[str] | None = None) -> Agreement:
    """Agreement over collected votes (see compute)."""
    selected = set(only) if only else None
    codes, people = votes.codes, votes.people
    units = np.frombuffer(votes.units, dtype=np.int64) if len(votes.units) else np.zeros(0, dtype=np.int64)
    a_col = np.frombuffer(votes.annotators, dtype=np.int16) if len(votes.annotators) else np.zeros(0, dtype=np.int16)
    l_col = np.frombuffer(votes.labels, dtype=np.int16) if len(votes.labels) else np.zeros(0, dtype=np.int16)
    if selected is not None:
        keep = np.isin(a_col, [i for p, i in people.items() if p in selected])
        units, a_col, l_col = units[keep], a_col[keep], l_col[keep]
    if units.size and np.all(units[1:] >= units[:-1]):  # rows by unit, as the store gives them: no sort needed
        u_col = np.zeros(units.size, dtype=np.int64)
        np.cumsum(units[1:] != units[:-1], out=u_col[1:])
        n_units_all = int(u_col[-1]) + 1
        unit_ids = units[np.r_[0, np.flatnonzero(units[1:] != units[:-1]) + 1]]
    else:
        unit_ids, u_col = np.unique(units, return_inverse=True)
        n_units_all = len(unit_ids)
    all_labels = list(codes)
    # annotators x units of label codes, -1 where missing: one byte a cell
    full = np.full((max(1, len(people)), n_units_all), -1, dtype=np.int8)
    full[a_col, u_col] = l_col
    # AC1's chance shares come from every rated unit, shared or not
    every_unit = np.zeros((n_units_all, len(all_labels)), dtype=np.int32)
    np.add.at(every_unit, (u_col, l_col.astype(np.int64)), 1)
    ac1 = gwet_ac1(every_unit) if n_units_all else None
    del every_unit
    shared = (full >= 0).sum(axis=0) >= 2
    matrix = full[:, shared]
    shared_ids = unit_ids[shared] if n_units_all else np.zeros(0, dtype=np.int64)
    del full
    names = sorted(selected) if selected else sorted(p for p, i in people.items() if (matrix[i] >= 0).any())
    matrix = np.vstack([matrix[people[a]] if a in people else np.full(matrix.shape[1], -1, dtype=np.int8) for a in names]) \
        if names else np.zeros((0, matrix.shape[1]), dtype=np.int8)
    n_units = matrix.shape[1]

    # label counts per unit: (units x labels), one annotator at a time
    present = matrix >= 0
    counts = np.zeros((n_units, len(all_labels)), dtype=np.int32)
    for row, mask in zip(matrix, present):
        np.add.at(counts, (np.flatnonzero(mask), row[mask].astype(np.int64)), 1)
    raters = counts.sum(axis=1)

    alpha = alpha_from_counts(counts) if n_units else None
    per_label = {}
    for code, label in enumerate(all_labels):  # one label against the rest
        binary = np.stack([counts[:, code], raters - counts[:, code]], axis=1)
        per_label[label] = alpha_from_counts(binary) if n_units else None

    complete = raters == len(names)
    fleiss = fleiss_kappa(counts[complete]) if complete.any() and len(names) >= 2 else None

    cohen, pair_units, confusions = {}, {}, {}
    for (i, j), m in pair_confusions(matrix, len(all_labels)):  # only pairs that labeled a unit in common
        key = f"{names[i]}|{names[j]}"
        pair_units[key] = int(m.sum())
        cohen[key] = _kappa_from_confusion(m)
        confusions[key] = {"labels": all_labels, "rows": names[i], "columns": names[j], "matrix": m.tolist()}

    observed = None
    disagreements = 0
    if n_units:
        same = (counts * (counts - 1)).sum(axis=1)
        observed = float(np.mean(same / (raters * (raters - 1))))
        disagreements = int(((counts > 0).sum(axis=1) > 1).sum())
    return Agreement(
        units=n_units, annotators=names, krippendorff_alpha=alpha, gwet_ac1=ac1, fleiss_kappa=fleiss,
        fleiss_units=int(complete.sum()) if len(names) >= 2 else 0, cohen_kappa=cohen, pair_units=pair_units,
        observed_agreement=observed, per_label=per_label, confusion=confusions, disagreements=disagreements,
        labels=all_labels,
        labeled_by={p: int(n) for p, n in zip(people, np.bincount(a_col.astype(np.int64), minlength=len(people))) if n},
        unit_ids=shared_ids, unit_counts=counts,
    )


def pair_confusions(matrix: np.ndarray, n_labels: int) -> Iterator[tuple[tuple[int, int], np.ndarray]]:
    """((i, j), confusion matrix) for every pair of annotators i < j (rows of `matrix`, annotators x
    units, label codes, -1 where missing) who labeled a unit in common, in order.

    Found through the units, not by trying every pair: each unit's votes are paired with the votes
    k places further on in the same unit, for k = 1, 2, ..., so the work is the number of pairs of
    votes that exist (400 annotators each sharing a few units make thousands of pairs, not 79,800
    passes over every unit)."""
    units, people = np.nonzero(matrix.T >= 0)  # by unit, then annotator
    if units.size == 0:
        return
    labels = matrix[people, units].astype(np.int64)
    people = people.astype(np.int64)
    width, cells = matrix.shape[0], n_labels * n_labels
    keys = []
    for k in range(1, int(np.bincount(units).max())):
        i = np.flatnonzero(units[k:] == units[:-k])
        j = i + k
        keys.append((people[i] * width + people[j]) * cells + labels[i] * n_labels + labels[j])
    if not keys:
        return
    found, counts = np.unique(np.concatenate(keys), return_counts=True)
    pairs, cell = found // cells, found % cells
    bounds = np.flatnonzero(np.diff(pairs)) + 1
    for chunk_pairs, chunk_cells, chunk_counts in zip(np.split(pairs, bounds), np.split(cell, bounds),
                                                      np.split(counts, bounds)):
        m = np.zeros(cells, dtype=np.int64)
        m[chunk_cells] = chunk_counts
        pair = int(chunk_pairs[0])
        yield (pair // width, pair % width), m.reshape(n_labels, n_labels)


def _kappa_from_confusion(m: np.ndarray) -> float | None:
    n = m.sum()
    if n == 0:
        return None
    observed = np.trace(m) / n
    expected = float((m.sum(axis=1) * m.sum(axis=0)).sum() / (n * n))
    if expected == 1.0:
        return None
    return float((observed - expected) / (1 - expected))


def format_text(result: Agreement) -> str:
    """The agreement figures as a readable text table."""
    fmt = lambda x: "n/a" if x is None else f"{x:.3f}"  # noqa: E731
    lines = [
        f"units labeled by 2+ annotators  {result.units}",
        f"annotators                      {', '.join(result.annotators) or '-'}",
        f"Krippendorff's alpha (nominal)  {fmt(result.krippendorff_alpha)}",
        f"Gwet's AC1                      {fmt(result.gwet_ac1)}",
        f"Fleiss' kappa                   {fmt(result.fleiss_kappa)}  (over {plural(result.fleiss_units, 'unit')} labeled by all)",
        f"observed agreement              {fmt(result.observed_agreement)}",
        f"units in disagreement           {result.disagreements}",
        "",
        "per label (one-vs-rest alpha)",
    ]
    lines += [f"  {label:<9} {fmt(value)}" for label, value in result.per_label.items()]
    hard = [d for d in result.documents if d["alpha"] is not None][:10]
    if hard:
        lines += ["", "hardest documents (alpha over each one's units labeled by 2+)"]
        lines += [f"  {fmt(d['alpha'])}  {d['doc']}  ({plural(d['units'], 'unit')})" for d in hard]
    if result.cohen_kappa:
        lines += ["", "Cohen's kappa per pair"]
        lines += [f"  {pair:<30} {fmt(k)}  ({plural(result.pair_units[pair], 'unit')})" for pair, k in result.cohen_kappa.items()]
    for pair, table in result.confusion.items():
        labels = table["labels"]
        lines += ["", f"confusion {pair} (rows {table['rows']}, columns {table['columns']})"]
        lines.append("  " + " " * 9 + "".join(f"{label[:8]:>9}" for label in labels))
        for label, row in zip(labels, table["matrix"]):
            lines.append(f"  {label[:8]:<9}" + "".join(f"{n:>9}" for n in row))
    return "\n".join(lines)
