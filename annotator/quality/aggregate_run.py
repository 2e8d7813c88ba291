"""One aggregation run over a project: read the votes and the fixed units from the store, aggregate, store
the result in place of the previous run. The model itself is aggregation.py (no I/O); this is its glue."""

from __future__ import annotations

import json
import time
from array import array
from dataclasses import dataclass, field

import numpy as np

from annotator import scheme
from annotator.quality.aggregation import aggregate
from annotator.timestamps import now


class NothingToAggregate(Exception):
    """The project has no votes to aggregate; the previous run, if any, is kept."""


@dataclass
class AggregateRun:
    """What one run did. `annotators`: (name, estimated accuracy, labels given, confusion {true: {given: p}}
    or None), by name; `seconds`: wall time of the read, the model and the write."""

    model: str
    units: int
    fixed_control: int
    fixed_decisions: int
    mean_confidence: float
    iterations: int
    annotators: list[tuple[str, float, int, dict | None]] = field(default_factory=list)
    seconds: float = 0.0


def run_aggregation(store, model: str, n_iter: int = 100, tol: float = 1e-5) -> AggregateRun:
    """Aggregate the project's current votes with `model` ("ds", "one-coin" or "majority"), control items
    and review decisions (other than ambiguous) fixed at their label, and store each unit's label and
    posterior and each annotator's estimated reliability, replacing the previous run in one transaction.
    Raises NothingToAggregate when no unit has a vote; StoreError when the write fails (nothing changes)."""
    started = time.perf_counter()
    names = scheme.labels(store)
    index = {label: i for i, label in enumerate(names)}
    # units and annotators numbered as first met (the votes come by group): dicts, not a sort of names
    position: dict[int, int] = {}
    numbered: dict[str, int] = {}
    units, annotators, labels = array("q"), array("q"), array("q")
    for group, who, label in store.aggregation_votes():
        if label in index:
            units.append(position.setdefault(group, len(position)))
            annotators.append(numbered.setdefault(who, len(numbered)))
            labels.append(index[label])
    if not labels:
        raise NothingToAggregate("nothing to aggregate: no unit has a label yet")
    groups, people = list(position), list(numbered)
    control, decided = store.aggregation_fixed()
    # a control item's known label goes before a review decision on the same unit
    fixed = {**{g: l for g, l in decided.items() if l in index}, **{g: l for g, l in control.items() if l in index}}
    pinned = [(position[g], index[label]) for g, label in fixed.items() if g in position]
    fixed_units = np.asarray([u for u, _ in pinned], dtype=np.int64)
    fixed_labels = np.asarray([c for _, c in pinned], dtype=np.int64)
    result = aggregate(model, np.frombuffer(units, dtype=np.int64), np.frombuffer(annotators, dtype=np.int64),
                       np.frombuffer(labels, dtype=np.int64), n_units=len(groups),
                       n_annotators=len(people), n_classes=len(names), fixed_units=fixed_units,
                       fixed_labels=fixed_labels, n_iter=n_iter, tol=tol)
    confidence = result.posteriors[np.arange(len(groups)), result.labels]
    per_annotator = []
    for i, name in sorted(enumerate(people), key=lambda pair: pair[1]):
        confusion = None
        if result.confusion is not None:
            confusion = {true: {given: round(float(result.confusion[i, t, g]), 6) for g, given in enumerate(names)}
                         for t, true in enumerate(names)}
        per_annotator.append((name, float(result.accuracy[i]), int(result.answered[i]), confusion))
    store.replace_aggregate(
        model,
        ((int(g), names[c], float(p)) for g, c, p in zip(groups, result.labels, confidence)),
        ((name, accuracy, json.dumps(confusion, ensure_ascii=False) if confusion else None, n)
         for name, accuracy, n, confusion in per_annotator),
        at=now())
    return AggregateRun(
        model=model, units=len(groups), iterations=result.iterations, mean_confidence=float(confidence.mean()),
        fixed_control=sum(1 for g in control if g in position and control[g] in index),
        fixed_decisions=sum(1 for g in decided if g in position and g not in control and decided[g] in index),
        annotators=per_annotator, seconds=time.perf_counter() - started)
