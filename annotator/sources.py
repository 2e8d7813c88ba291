"""Sources (outlets): what each publishes (its label mix), how much is its own, whom it copies.

A duplicate group's *original* is its earliest document: by publication date, then (undated, or on
the same date) by import order. Its other documents are copies. A source's originality is the share
of its units whose group it published first. Everything is computed over whole columns with NumPy,
so a million sentences from twenty thousand sources take seconds.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from annotator.agreement import alpha_by_part
from annotator import scheme
from annotator.model import AMBIGUOUS, UNKNOWN_LANGUAGE
from annotator.store import Store

@dataclass
class Corpus:
    """Documents and sentences as columns: what provenance and the source table are computed from."""
    doc_ids: np.ndarray  # visible documents, by id
    doc_source: np.ndarray  # each document's source code
    sources: list[str]  # code -> source name ("" for none)
    doc_order: np.ndarray  # each document's place in publication order (earliest 0)
    sent_doc: np.ndarray  # each sentence's document (index into doc_ids)
    sent_group: np.ndarray  # each sentence's group


def load(store: Store) -> Corpus:
    docs = store.document_columns()
    doc_ids = np.array([d for d, _s, _p in docs], dtype=np.int64)
    names: dict[str, int] = {}
    doc_source = np.array([names.setdefault(s or "", len(names)) for _d, s, _p in docs], dtype=np.int64)
    # publication order: dated documents by date, then undated; ties by import order (the id)
    key = sorted(range(len(docs)), key=lambda i: (docs[i][2] is None, docs[i][2] or "", docs[i][0]))
    doc_order = np.empty(len(docs), dtype=np.int64)
    doc_order[key] = np.arange(len(docs))
    sent_docs, sent_group = store.sentence_columns()
    return Corpus(doc_ids, doc_source, list(names), doc_order, np.searchsorted(doc_ids, sent_docs), sent_group)


def originals(corpus: Corpus) -> tuple[np.ndarray, np.ndarray]:
    """(groups, the index of each one's original document), groups sorted."""
    order = np.lexsort((corpus.doc_order[corpus.sent_doc], corpus.sent_group))
    groups = corpus.sent_group[order]
    first = np.r_[0, np.flatnonzero(groups[1:] != groups[:-1]) + 1] if groups.size else np.zeros(0, dtype=np.int64)
    return groups[first], corpus.sent_doc[order][first]


@dataclass
class UnitLabels:
    groups: np.ndarray  # labeled groups, sorted
    label: np.ndarray  # each one's label code (the gold decision, else the majority), -1 for none
    counts: np.ndarray  # groups x labels: how many annotators gave each label
    names: list[str]  # label code -> label


def unit_label_columns(store: Store) -> UnitLabels:
    """Every labeled unit's label (the gold decision where there is one, not 'ambiguous'; else the
    label most of its annotators gave; ties have none) and vote counts, as columns."""
    from annotator.agreement import Votes

    votes = Votes(scheme.labels(store))
    votes.extend(store.votes())
    names = list(votes.codes)
    units = np.frombuffer(votes.units, dtype=np.int64) if len(votes.units) else np.zeros(0, dtype=np.int64)
    codes = np.frombuffer(votes.labels, dtype=np.int16).astype(np.int64) if len(votes.labels) else np.zeros(0, np.int64)
    groups, row = np.unique(units, return_inverse=True)
    counts = np.zeros((len(groups), max(1, len(names))), dtype=np.int64)
    np.add.at(counts, (row, codes), 1)
    label = counts.argmax(axis=1) if len(groups) else np.zeros(0, dtype=np.int64)
    top = counts.max(axis=1) if len(groups) else np.zeros(0, dtype=np.int64)
    label = np.where((counts == top[:, None]).sum(axis=1) > 1, -1, label)  # a tie: no label
    decisions = store.decisions()
    if decisions:
        code = {n: i for i, n in enumerate(names)}
        extra = sorted(set(decisions) - set(groups.tolist()))
        if extra:  # decided units nobody labeled (rare): rows of their own
            groups = np.r_[groups, np.array(extra, dtype=np.int64)]
            order = np.argsort(groups, kind="stable")
            label = np.r_[label, np.full(len(extra), -1)][order]
            counts = np.r_[counts, np.zeros((len(extra), counts.shape[1]), dtype=np.int64)][order]
            groups = groups[order]
        for group, decided in decisions.items():
            at = int(np.searchsorted(groups, group))
            if decided == AMBIGUOUS:
                label[at] = -1
            else:
                if decided not in code:
                    code[decided] = len(names)
                    names.append(decided)
                    counts = np.c_[counts, np.zeros(len(groups), dtype=np.int64)]
                label[at] = code[decided]
    return UnitLabels(groups, label, counts, names)


def unit_labels(store: Store) -> dict[int, str]:
    """group -> its label, for the units that have one (see unit_label_columns)."""
    columns = unit_label_columns(store)
    return {int(g): columns.names[c] for g, c in zip(columns.groups.tolist(), columns.label.tolist()) if c >= 0}


def source_table(store: Store, min_units: int = 0, sort: str = "units") -> list[dict]:
    """One row per source: documents, sentences, units, labeled units, the share of each label,
    originality, the sources it copies from most, and alpha over its units."""
    corpus = load(store)
    n_sources = len(corpus.sources)
    if not corpus.doc_ids.size:
        return []
    documents = np.bincount(corpus.doc_source, minlength=n_sources)
    sent_source = corpus.doc_source[corpus.sent_doc]
    sentences = np.bincount(sent_source, minlength=n_sources)
    # units: each (source, group) once
    pairs = np.unique(sent_source * (int(corpus.sent_group.max()) + 1) + corpus.sent_group)
    width = int(corpus.sent_group.max()) + 1
    pair_source, pair_group = pairs // width, pairs % width
    units = np.bincount(pair_source, minlength=n_sources)
    groups, original_doc = originals(corpus)
    original_source = corpus.doc_source[original_doc]
    pair_original = original_source[np.searchsorted(groups, pair_group)]
    own = np.bincount(pair_source[pair_original == pair_source], minlength=n_sources)
    copied = pair_original != pair_source
    copy_counts = Counter(zip(pair_source[copied].tolist(), pair_original[copied].tolist()))
    copies_from: dict[int, list[tuple[int, int]]] = {}
    for (s, o), n in copy_counts.most_common():
        copies_from.setdefault(s, []).append((o, n))
    columns = unit_label_columns(store)
    labels = scheme.labels(store)
    names = list(labels) + [n for n in columns.names if n not in labels]
    remap = np.array([names.index(n) for n in columns.names], dtype=np.int64)
    mix = np.zeros((n_sources, len(names)), dtype=np.int64)
    labeled = columns.label >= 0
    at = np.searchsorted(columns.groups, pair_group)
    inside = at < columns.groups.size
    at = np.minimum(at, max(0, columns.groups.size - 1))
    hit = inside & (columns.groups[at] == pair_group) if columns.groups.size else np.zeros(pair_group.size, bool)
    hit &= labeled[at] if columns.groups.size else hit
    if hit.any():
        np.add.at(mix, (pair_source[hit], remap[columns.label[at[hit]]]), 1)
    shared = columns.counts.sum(axis=1) >= 2
    pairable = (inside & (columns.groups[at] == pair_group) & shared[at]) if columns.groups.size else hit
    alpha_values, _n = alpha_by_part(columns.counts, pair_source[pairable], at[pairable], n_sources)
    alpha = [None if np.isnan(a) else float(a) for a in alpha_values]
    languages = languages_by_source(store)
    rows = []
    for s in range(n_sources):
        labeled = int(mix[s].sum())
        if units[s] < min_units:
            continue
        rows.append({
            "source": corpus.sources[s] or None,
            "documents": int(documents[s]), "sentences": int(sentences[s]), "units": int(units[s]),
            "labeled_units": labeled,
            "labels": {name: (int(mix[s, i]) / labeled if labeled else None) for i, name in enumerate(names)},
            "originality": int(own[s]) / int(units[s]) if units[s] else None,
            "copies_from": [{"source": corpus.sources[o] or None, "units": n} for o, n in copies_from.get(s, [])[:3]],
            "alpha": alpha[s],
            "languages": languages.get(corpus.sources[s] or None, {}),
        })
    key = {"units": lambda r: -r["units"], "originality": lambda r: -(r["originality"] or 0)}.get(
        sort, lambda r: -(r["labels"].get(sort) or 0))
    rows.sort(key=lambda r: (key(r), -r["units"], r["source"] or ""))
    return rows


def source_documents(store: Store, source: str) -> list[dict]:
    """The documents of one source, in publication order."""
    return [{"doc": name, "title": title, "published": published, "sentences": n, "language": language}
            for name, title, published, n, language in store.documents_of_source(source)]


def languages_by_source(store: Store) -> dict[str | None, dict[str, int]]:
    """source -> {language: documents}, most documents first (source None: no source; language
    "unknown": none was given or identified)."""
    out: dict[str | None, dict[str, int]] = {}
    for source, language, n in store.language_counts():
        out.setdefault(source or None, {})[language or UNKNOWN_LANGUAGE] = n
    return out


def bar(shares: dict[str, float | None], width: int = 20) -> list[tuple[str, int]]:
    """(label, cells) of a stacked bar of a label mix, `width` cells in all (largest remainders)."""
    known = {k: v for k, v in shares.items() if v}
    if not known:
        return []
    raw = {k: v * width for k, v in known.items()}
    cells = {k: int(v) for k, v in raw.items()}
    for k in sorted(raw, key=lambda k: raw[k] - cells[k], reverse=True)[: width - sum(cells.values())]:
        cells[k] += 1
    return [(k, cells[k]) for k in shares if cells.get(k)]
