"""The project's label scheme: the one place every layer asks for the labels, their keys and definitions.

Until a project can set its own (the label-scheme issue), every project has the default four of
model.LABELS with the definitions of model.GUIDELINES; code that needs the vocabulary calls `labels()`
(and friends) here, never the constant, so that a project's own scheme reaches it without a change.
"""

from __future__ import annotations

from annotator.model import GUIDELINES, LABELS


def labels(store=None) -> tuple[str, ...]:
    """The scheme's labels in their order (the order of confusion-matrix rows and columns, of keys).
    `store` is the project's database; the default scheme needs none."""
    return LABELS


def definitions(store=None) -> dict[str, str]:
    """{label: its definition}, in scheme order."""
    return {label: GUIDELINES[label] for label in labels(store)}


def check(label: str, store=None) -> None:
    """Raise ValueError naming the scheme when `label` is not one of its labels."""
    if label not in labels(store):
        raise ValueError(f"unknown label {label!r}: the project's labels are {', '.join(labels(store))}")
