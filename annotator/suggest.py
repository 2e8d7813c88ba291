"""Model-assisted labeling: a classifier trained on the team's own labels suggests a label for every
unit nobody has labeled yet, and rules pre-label boilerplate. Neither ever writes a human label.

scikit-learn does the learning (an optional extra): word and character n-gram TF-IDF and a linear
model (hinge-loss SGD) whose scores are calibrated into probabilities (Platt's sigmoid, by
cross-validation). It trains in seconds and needs no downloaded weights.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import re
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from annotator import scheme
from annotator.store import Store

MIN_LABELS = 20
MIN_PER_LABEL = 3
CV_UNITS = 20_000  # cross-validation on at most this many labeled units (a stratified sample)
PREDICT_BATCH = 25_000
SETTINGS = {"word_ngrams": [1, 2], "char_ngrams": [4, 4], "loss": "hinge", "alpha": 2e-5, "epochs": 15,
            "calibration": "sigmoid"}


class SuggestError(ValueError):
    """Why no model was trained, in one line."""


def require_sklearn() -> None:
    try:
        import sklearn  # noqa: F401
    except ImportError:
        raise SuggestError("suggestions need scikit-learn: pip install 'annotator[suggest]'") from None


def training_units(store: Store) -> dict[int, str]:
    """group -> the label to learn: the gold decision where there is one (not 'ambiguous'), else the
    label most of its annotators gave (all of them, a majority, or the only one); ties are left out."""
    from annotator.sources import unit_labels

    return unit_labels(store)


def model_id(units: dict[int, str], texts: dict[int, str]) -> str:
    """A hash of the training data and the settings: the same labels give the same model id."""
    digest = hashlib.sha256(json.dumps(SETTINGS, sort_keys=True).encode())
    for group in sorted(units):
        digest.update(f"{units[group]}\x1f{texts.get(group, '')}\x1e".encode())
    return digest.hexdigest()[:12]


def build_model(n_units: int, smallest: int, seed: int = 0):
    """The pipeline: TF-IDF of words (1-2) and characters (4, within words), a hinge-loss linear
    model, and probabilities calibrated on held-out folds."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import SGDClassifier
    from sklearn.pipeline import make_pipeline, make_union

    min_df = 2 if n_units >= 1000 else 1
    features = make_union(
        TfidfVectorizer(ngram_range=tuple(SETTINGS["word_ngrams"]), sublinear_tf=True, min_df=min_df, dtype=np.float32),
        TfidfVectorizer(analyzer="char_wb", ngram_range=tuple(SETTINGS["char_ngrams"]), sublinear_tf=True,
                        min_df=min_df, dtype=np.float32),
    )
    linear = SGDClassifier(loss=SETTINGS["loss"], alpha=SETTINGS["alpha"], max_iter=SETTINGS["epochs"], tol=None,
                           random_state=seed)
    calibrated = CalibratedClassifierCV(linear, cv=3 if smallest >= 6 else 2, method=SETTINGS["calibration"])
    return make_pipeline(features, calibrated)


def margins(probabilities: np.ndarray) -> np.ndarray:
    """The gap between the two likeliest labels: small means the model is unsure."""
    if probabilities.shape[1] < 2:
        return np.ones(len(probabilities))
    top2 = np.sort(probabilities, axis=1)[:, -2:]
    return top2[:, 1] - top2[:, 0]


@dataclass
class Evaluation:
    units: int
    macro_f1: float
    baseline_macro_f1: float
    per_label: dict[str, dict[str, float]] = field(default_factory=dict)


def evaluate(texts: list[str], labels: list[str], seed: int = 0) -> Evaluation:
    """Cross-validated macro-F1 and per-label precision and recall (on a stratified sample of at most
    CV_UNITS units), with the majority-class baseline beside them."""
    from sklearn.metrics import f1_score, precision_recall_fscore_support
    from sklearn.model_selection import StratifiedKFold, cross_val_predict, train_test_split

    if len(texts) > CV_UNITS:
        texts, _, labels, _ = train_test_split(texts, labels, train_size=CV_UNITS, stratify=labels, random_state=seed)
    counts = Counter(labels)
    folds = min(5, min(counts.values()))
    model = build_model(len(texts), min(counts.values()) * (folds - 1) // folds, seed)
    predicted = cross_val_predict(model, texts, labels, cv=StratifiedKFold(folds, shuffle=True, random_state=seed))
    names = sorted(counts)
    precision, recall, _, support = precision_recall_fscore_support(labels, predicted, labels=names, zero_division=0)
    majority = counts.most_common(1)[0][0]
    return Evaluation(
        units=len(texts),
        macro_f1=float(f1_score(labels, predicted, average="macro", zero_division=0)),
        baseline_macro_f1=float(f1_score(labels, [majority] * len(labels), average="macro", zero_division=0)),
        per_label={n: {"precision": float(p), "recall": float(r), "units": int(s)}
                   for n, p, r, s in zip(names, precision, recall, support)},
    )


@dataclass
class SuggestReport:
    model: str
    trained_on: int
    suggested: int
    evaluation: Evaluation | None
    labels: dict[str, int]
    seconds: dict[str, float] = field(default_factory=dict)  # evaluate, train, suggest (predict and store)

    def as_json(self) -> dict:
        ev = self.evaluation
        return {"model": self.model, "trained_on": self.trained_on, "labels": self.labels,
                "suggested": self.suggested, "seconds": self.seconds,
                "cross_validation": None if ev is None else {
                    "units": ev.units, "macro_f1": ev.macro_f1, "majority_baseline_macro_f1": ev.baseline_macro_f1,
                    "per_label": ev.per_label}}


def check_training_set(labels: Counter) -> None:
    if sum(labels.values()) < MIN_LABELS:
        raise SuggestError(f"too few labels to train on: {sum(labels.values())} labeled units, at least {MIN_LABELS} needed")
    thin = sorted(label for label, n in labels.items() if n < MIN_PER_LABEL)
    if thin or len(labels) < 2:
        which = ", ".join(f"{label} ({labels[label]})" for label in thin) or "only one label is used"
        raise SuggestError(f"too few examples to learn from: {which}; each label needs at least {MIN_PER_LABEL}, "
                           "and at least two labels")


def train_and_suggest(store: Store, evaluate_model: bool = True, seed: int = 0, workers: int | None = None) -> SuggestReport:
    """Train on the current labels and store a suggestion for every unit nobody has labeled."""
    require_sklearn()
    units = training_units(store)
    texts = store.representative_texts(units)
    units = {g: label for g, label in units.items() if g in texts}
    counts = Counter(units.values())
    check_training_set(counts)
    ident = model_id(units, texts)
    groups = sorted(units)
    x, y = [texts[g] for g in groups], [units[g] for g in groups]
    clock = time.perf_counter()
    evaluation = evaluate(x, y, seed) if evaluate_model else None
    seconds = {"evaluate": time.perf_counter() - clock}
    clock = time.perf_counter()
    model = build_model(len(x), min(counts.values()), seed).fit(x, y)
    seconds["train"] = time.perf_counter() - clock
    clock = time.perf_counter()
    suggested = store.replace_suggestions("suggestion:%", _predict(store, model, ident, workers), override=False)
    if store.project()["order"] == "uncertain":
        store.set_project("order", "uncertain")  # the documents' order follows the new margins
    seconds["suggest"] = time.perf_counter() - clock
    return SuggestReport(ident, len(x), suggested, evaluation, dict(sorted(counts.items())), seconds)


_MODEL = None  # the model a forked worker predicts with (inherited from the parent, not pickled)


def _proba(texts: list[str]) -> np.ndarray:
    return _MODEL.predict_proba(texts)


def predict_batches(model, texts: list[str], workers: int | None = None):
    """predict_proba a batch at a time, on every core: turning text into n-grams is Python work,
    so processes (forked, sharing the fitted model) rather than threads."""
    global _MODEL
    batches = [texts[i:i + PREDICT_BATCH] for i in range(0, len(texts), PREDICT_BATCH)]
    workers = min(workers or os.cpu_count() or 1, len(batches))
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        yield from (model.predict_proba(batch) for batch in batches)
        return
    _MODEL = model
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            yield from pool.map(_proba, batches)
    finally:
        _MODEL = None


def _predict(store: Store, model, ident: str, workers: int | None = None):
    """(group, label, p, margin, source, model) for every unlabeled unit, a batch at a time."""
    classes = list(model.classes_)
    rows = store.unit_texts(labeled=False).fetchall()  # read first: the writes that follow must not meet an open read
    for start, probabilities in zip(range(0, len(rows), PREDICT_BATCH),
                                    predict_batches(model, [text for _g, text in rows], workers)):
        batch = rows[start:start + PREDICT_BATCH]
        best = probabilities.argmax(axis=1)
        gaps = margins(probabilities)
        for (group, _text), k, p, gap in zip(batch, best, probabilities[np.arange(len(batch)), best], gaps):
            yield group, classes[k], float(p), float(gap), f"suggestion:{ident}", ident


# -- rules ----------------------------------------------------------------------------------------

def compile_rule(pattern: str, regex: bool) -> re.Pattern:
    """A case-insensitive phrase (matched as written, on word boundaries where it starts or ends with
    a word character) or a regular expression."""
    if not pattern.strip():
        raise SuggestError("a rule needs a phrase or pattern")
    if regex:
        try:
            return re.compile(pattern, re.IGNORECASE)
        except re.error as err:
            raise SuggestError(f"not a regular expression: {pattern!r} ({err})") from None
    phrase = re.escape(pattern.strip())
    start = r"\b" if re.match(r"\w", pattern.strip()) else ""
    end = r"\b" if re.search(r"\w$", pattern.strip()) else ""
    return re.compile(start + phrase + end, re.IGNORECASE)


def add_rule(store: Store, pattern: str, label: str, regex: bool = False) -> tuple[int, int]:
    """Store a rule and pre-label the units it matches; (rule id, units matched)."""
    project = scheme.get(store)
    if label not in project.names():
        raise SuggestError(f"unknown label {label!r}: not in the project's scheme {project.shown()}")
    compiled = compile_rule(pattern, regex)
    rule_id = store.add_rule(pattern, regex, label)
    return rule_id, apply_rules(store, [(rule_id, compiled, label)])


def apply_rules(store: Store, rules: list[tuple[int, re.Pattern, str]] | None = None) -> int:
    """Pre-label every unlabeled unit a rule matches (the first matching rule, by id); returns how many."""
    if rules is None:
        rules = [(i, compile_rule(p, r), label) for i, p, r, label in store.rules()]
    if not rules:
        return 0
    texts = store.unit_texts(labeled=False).fetchall()
    matched = []
    for group, text in texts:
        for rule_id, compiled, label in rules:
            if compiled.search(text):
                matched.append((group, label, 1.0, 1.0, f"rule:{rule_id}", f"rule:{rule_id}"))
                break
    sources = {f"rule:{rule_id}" for rule_id, _c, _l in rules}
    like = next(iter(sources)) if len(sources) == 1 else "rule:%"
    return store.replace_suggestions(like, matched, override=True)
