"""Labels aggregated by each annotator's estimated reliability: majority vote, Dawid-Skene and its one-coin
variant, by EM in NumPy, with no I/O.

Dawid and Skene (1979) give each annotator a confusion matrix, the chance of each given label for each true
label; the one-coin variant (Zhang et al. 2016) gives each one accuracy and spreads their errors evenly over
the other labels. Both start from majority-vote posteriors and stop as crowd-kit's `DawidSkene` and
`OneCoinDawidSkene` do (at most `n_iter` rounds, or when the evidence lower bound per label gains less than
`tol`), so that their results match crowd-kit's. Control items and review decisions are *fixed*: their
posterior is one-hot at their known label from the start and after every E-step, so they teach the model
each annotator's errors without being outvoted.

Input is three integer arrays of equal length, one entry per label given (unit index, annotator index,
label index into the scheme's labels); missing labels are simply absent. Label indices follow
`annotator.scheme.labels(store)`, whose length is `n_classes`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MODELS = ("ds", "one-coin", "majority")
MODEL_NAMES = {"ds": "Dawid-Skene", "one-coin": "one-coin Dawid-Skene", "majority": "majority vote"}
# crowd-kit's floor for probabilities before a logarithm or a division: matching it keeps the results equal
_EPS = 1e-10


@dataclass
class Aggregate:
    """What a model concluded.

    labels: (n_units,) the aggregated label index of each unit (the most probable; ties go to the first).
    posteriors: (n_units, n_classes) each unit's probability of each label, rows summing to 1.
    accuracy: (n_annotators,) each annotator's estimated accuracy in [0, 1]: the expected share of their
        labels that are right under the posteriors (nan for an annotator with no label).
    answered: (n_annotators,) how many labels each annotator gave.
    confusion: (n_annotators, n_classes, n_classes) for Dawid-Skene, row = true label, column = given label,
        each row the chances of the given labels (rows an annotator never had are the model's guess);
        None for the other models.
    iterations: EM rounds run (0 for majority vote).
    """

    model: str
    labels: np.ndarray
    posteriors: np.ndarray
    accuracy: np.ndarray
    answered: np.ndarray
    confusion: np.ndarray | None
    iterations: int


def aggregate(model: str, units, annotators, labels, *, n_units: int, n_annotators: int, n_classes: int,
              fixed_units=None, fixed_labels=None, n_iter: int = 100, tol: float = 1e-5) -> Aggregate:
    """Aggregate with `model`, one of MODELS. Arrays as in the module's docstring; `fixed_units` and
    `fixed_labels` (equal length) pin those units to those labels. Raises ValueError on an unknown model,
    arrays of unequal length, or an index out of its range."""
    if model not in MODELS:
        raise ValueError(f"unknown model {model!r}: one of {', '.join(MODELS)}")
    data = _Labels(units, annotators, labels, n_units, n_annotators, n_classes, fixed_units, fixed_labels)
    if model == "majority":
        return data.result(model, data.fixed(_majority_posteriors(data)), None, 0)
    return _em(data, model, n_iter, tol)


def majority_vote(units, annotators, labels, **kwargs) -> Aggregate:
    """Each unit's label shares as its posterior; see aggregate()."""
    return aggregate("majority", units, annotators, labels, **kwargs)


def dawid_skene(units, annotators, labels, **kwargs) -> Aggregate:
    """Dawid-Skene by EM, a full confusion matrix per annotator; see aggregate()."""
    return aggregate("ds", units, annotators, labels, **kwargs)


def one_coin(units, annotators, labels, **kwargs) -> Aggregate:
    """One-coin Dawid-Skene by EM, one accuracy per annotator; see aggregate()."""
    return aggregate("one-coin", units, annotators, labels, **kwargs)


class _Labels:
    """The labels given, checked, with what every round needs computed once."""

    def __init__(self, units, annotators, labels, n_units, n_annotators, n_classes, fixed_units, fixed_labels):
        self.units = np.asarray(units, dtype=np.int64)
        self.annotators = np.asarray(annotators, dtype=np.int64)
        self.labels = np.asarray(labels, dtype=np.int64)
        if not (self.units.shape == self.annotators.shape == self.labels.shape) or self.units.ndim != 1:
            raise ValueError("units, annotators and labels must be 1-d arrays of equal length")
        if n_classes < 2:
            raise ValueError(f"n_classes must be at least 2, not {n_classes}")
        for name, values, bound in (("unit", self.units, n_units), ("annotator", self.annotators, n_annotators),
                                    ("label", self.labels, n_classes)):
            if len(values) and (values.min() < 0 or values.max() >= bound):
                raise ValueError(f"a {name} index is outside 0..{bound - 1}")
        self.n_units, self.n_annotators, self.k = n_units, n_annotators, n_classes
        self.fixed_units = np.asarray([] if fixed_units is None else fixed_units, dtype=np.int64)
        self.fixed_labels = np.asarray([] if fixed_labels is None else fixed_labels, dtype=np.int64)
        if self.fixed_units.shape != self.fixed_labels.shape:
            raise ValueError("fixed_units and fixed_labels must be of equal length")
        if len(self.fixed_units) and (self.fixed_units.min() < 0 or self.fixed_units.max() >= n_units
                                      or self.fixed_labels.min() < 0 or self.fixed_labels.max() >= n_classes):
            raise ValueError("a fixed unit or label index is out of range")
        # (annotator, given label) as one index: the rows of the annotators' confusion tables
        self.given = self.annotators * n_classes + self.labels
        self.answered = np.bincount(self.annotators, minlength=n_annotators)
        # crowd-kit keeps a row only for each label an annotator gave: the others stay 0
        self.seen = (np.bincount(self.given, minlength=n_annotators * n_classes) > 0).reshape(n_annotators, n_classes)

    def fixed(self, posteriors: np.ndarray) -> np.ndarray:
        """The posteriors with the fixed units one-hot at their label (in place)."""
        posteriors[self.fixed_units] = 0.0
        posteriors[self.fixed_units, self.fixed_labels] = 1.0
        return posteriors

    def per_unit(self, values: np.ndarray) -> np.ndarray:
        """(n_labels, k) -> (n_units, k): the sum over each unit's labels."""
        return np.stack([np.bincount(self.units, weights=values[:, c], minlength=self.n_units)
                         for c in range(self.k)], axis=1)

    def given_counts(self, posteriors: np.ndarray) -> np.ndarray:
        """(n_annotators, k given, k true): the posterior mass of each true label over the labels each
        annotator gave as each label."""
        size = self.n_annotators * self.k
        counts = np.stack([np.bincount(self.given, weights=posteriors[self.units, c], minlength=size)
                           for c in range(self.k)], axis=1)
        return counts.reshape(self.n_annotators, self.k, self.k)

    def skills(self, posteriors: np.ndarray) -> np.ndarray:
        """Each annotator's mean posterior of the labels they gave (nan with none)."""
        right = np.bincount(self.annotators, weights=posteriors[self.units, self.labels], minlength=self.n_annotators)
        with np.errstate(invalid="ignore", divide="ignore"):
            return right / self.answered

    def result(self, model: str, posteriors: np.ndarray, confusion, iterations: int) -> Aggregate:
        return Aggregate(model=model, labels=posteriors.argmax(axis=1), posteriors=posteriors,
                         accuracy=self.skills(posteriors), answered=self.answered, confusion=confusion,
                         iterations=iterations)


def _majority_posteriors(data: _Labels) -> np.ndarray:
    k = data.k
    counts = np.bincount(data.units * k + data.labels, minlength=data.n_units * k).reshape(data.n_units, k)
    counts = counts.astype(float)
    totals = counts.sum(axis=1, keepdims=True)
    empty = totals[:, 0] == 0
    counts[empty], totals[empty] = 1.0, k  # a unit nobody labeled: every label alike
    return counts / totals


def _ds_errors(data: _Labels, posteriors: np.ndarray) -> np.ndarray:
    """M-step of Dawid-Skene: (n_annotators, k given, k true), each true label's column summing to 1."""
    errors = np.where(data.seen[:, :, None], np.maximum(data.given_counts(posteriors), _EPS), 0.0)
    totals = errors.sum(axis=1, keepdims=True)
    return errors / np.where(totals > 0, totals, 1.0)


def _one_coin_errors(data: _Labels, posteriors: np.ndarray) -> np.ndarray:
    """M-step of one-coin: each annotator's skill on the diagonal, the rest spread evenly, as crowd-kit
    (no normalisation after the clip; rows of labels never given stay 0)."""
    skills = data.skills(posteriors)
    k = data.k
    errors = np.broadcast_to(((1.0 - skills) / (k - 1))[:, None, None], (data.n_annotators, k, k)).copy()
    diagonal = np.arange(k)
    errors[:, diagonal, diagonal] = skills[:, None]
    errors = np.clip(errors, _EPS, 1.0 - _EPS)
    return np.where(data.seen[:, :, None], np.nan_to_num(errors), 0.0)


def _log(values: np.ndarray) -> np.ndarray:
    """Natural log where positive; 0 elsewhere (those entries are never read)."""
    return np.log(np.where(values > 0, values, 1.0))


def _e_step(data: _Labels, priors: np.ndarray, errors: np.ndarray) -> np.ndarray:
    log_likelihood = np.log(np.maximum(priors, _EPS)) + data.per_unit(_log(errors)[data.annotators, data.labels])
    # shifting each row to a maximum of 0 keeps exp() inside floating point's range
    scaled = np.exp(log_likelihood - log_likelihood.max(axis=1, keepdims=True))
    return data.fixed(scaled / scaled.sum(axis=1, keepdims=True))


def _lower_bound(data: _Labels, posteriors: np.ndarray, priors: np.ndarray, errors: np.ndarray) -> float:
    """The evidence lower bound per label, crowd-kit's loss: the stop test compares two in a row."""
    log_terms = _log(errors)[data.annotators, data.labels] + np.log(np.maximum(priors, _EPS))
    joint = float((posteriors[data.units] * log_terms).sum())
    floored = np.maximum(posteriors, _EPS)
    entropy = -float((np.log(floored) * floored).sum())
    return (joint + entropy) / max(len(data.units), 1)


def _em(data: _Labels, model: str, n_iter: int, tol: float) -> Aggregate:
    m_step = _ds_errors if model == "ds" else _one_coin_errors
    posteriors = data.fixed(_majority_posteriors(data))
    priors = posteriors.mean(axis=0)
    errors = m_step(data, posteriors)
    loss, rounds = -np.inf, 0
    for rounds in range(1, n_iter + 1):
        posteriors = _e_step(data, priors, errors)
        priors = posteriors.mean(axis=0)
        errors = m_step(data, posteriors)
        new_loss = _lower_bound(data, posteriors, priors, errors)
        if new_loss - loss < tol:
            break
        loss = new_loss
    confusion = errors.transpose(0, 2, 1).copy() if model == "ds" else None
    return data.result(model, posteriors, confusion, rounds)
