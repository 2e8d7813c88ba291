"""Labeled datasets out: one row per unit (gold, majority) or per current label (all), streamed.

Rows come from store cursors, are written as they come, and only small per-unit facts (group id
and split) are held for a train/dev/test split, so memory stays flat for any size.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import random
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from annotator.agreement import Tally
from annotator import scheme
from annotator.model import AMBIGUOUS
from annotator.store import LABEL_ROW_FIELDS, Store
from annotator.wording import plural

MODES = ("gold", "majority", "all", "aggregated")
FORMATS = ("jsonl", "csv", "parquet")
SPLIT_NAMES = ("train", "dev", "test")

ALL_FIELDS = list(LABEL_ROW_FIELDS)
UNIT_FIELDS = ["text", "label", "group", "annotators", "agreement", "docs", "doc", "index", "source", "published",
               "copies_in", "language"]


class ExportError(Exception):
    """Told to the user in one line."""


STDOUT = "-"  # --out -: the rows go to standard output


def to_stdout(out: Path | str) -> bool:
    return str(out) == STDOUT


def stdout_format(fmt: str | None, split: str | None) -> str:
    """The format of an export to standard output (JSON Lines unless told); raises ExportError for
    what cannot go there: Parquet (binary) and a split (three files)."""
    fmt = fmt or "jsonl"
    if fmt == "parquet":
        raise ExportError("--out -: Parquet is binary and does not go to standard output; give a file name")
    if split:
        raise ExportError("--out -: --split writes three files; give a file name")
    return fmt


@dataclass
class ExportReport:
    rows: dict[str, int] = field(default_factory=dict)  # split (or "all") -> rows written
    per_label: dict[str, Counter] = field(default_factory=dict)  # split -> label counts
    left_out: Counter = field(default_factory=Counter)  # reason -> units
    files: list[Path] = field(default_factory=list)
    coverage: Counter = field(default_factory=Counter)  # annotators per unit -> units exported
    votes: Tally | None = None  # every current label met on the way, for the data card's agreement
    suggested: int = 0  # rows whose unit someone labeled by accepting a suggestion
    by_source: dict = field(default_factory=dict)  # source -> Counter of labels exported
    source_split: dict = field(default_factory=dict)  # with --split-by source: source -> split name
    copies_across: int = 0  # units with a copy in a source of another split
    decided: Counter = field(default_factory=Counter)  # reviewer -> gold rows whose label is their decision
    scheme: scheme.Scheme = scheme.DEFAULT  # the project's, whose labels were exported
    mapping: dict = field(default_factory=dict)  # export --map: project label -> label written
    guidelines: int | None = None  # the guidelines version current at the export
    per_guidelines: dict = field(default_factory=dict)  # guidelines version (None: before any) -> current labels
    # aggregated mode: the stored run (Aggregates.aggregate_summary) with its "annotators" and the
    # "min_confidence" asked for; the exported rows' confidences are summed into "confidence_sum"
    aggregate: dict | None = None


GOLD_FIELDS = UNIT_FIELDS + ["decided_by"]
MAJORITY_FIELDS = UNIT_FIELDS + ["votes"]
AGGREGATED_FIELDS = UNIT_FIELDS + ["confidence", "model", "votes"]
BELOW_CONFIDENCE = "below the minimum confidence"  # the left_out reason of --min-confidence


def fields_for(mode: str) -> list[str]:
    """The columns of each mode, in order; every row generator yields dicts in exactly this order."""
    return {"all": ALL_FIELDS, "majority": MAJORITY_FIELDS, "aggregated": AGGREGATED_FIELDS}.get(mode, GOLD_FIELDS)


def stored_aggregate(store: Store, min_confidence: float | None) -> dict:
    """The stored aggregation run for an aggregated export: its summary, "annotators" (name, accuracy,
    labels given) and "labels" {group: (label, posterior)}. Raises ExportError when none was run."""
    summary = store.aggregate_summary()
    if summary is None:
        raise ExportError(f"{store.path}: no aggregate to export; run `annotator aggregate` first")
    summary["annotators"] = [(name, accuracy, n) for name, accuracy, _confusion, n in store.aggregate_annotators()]
    summary["labels"] = store.aggregated_labels()
    summary["stale"] = store.groups_voted_since(summary["created_at"])
    summary["control"] = set(store.aggregation_fixed()[0])
    summary["min_confidence"] = min_confidence
    summary["confidence_sum"] = 0.0
    summary["accounted"] = Counter()  # what became of the run's units ("exported" and the fates below) -> units
    return summary


# what became of the units of an aggregation run in an aggregated export, in the card's order
STALE, CONTROL_ONLY, OTHER_LANGUAGE, NO_VOTE = "stale", "control", "language", "no vote"
AFTER_RUN = "labeled after the last `annotator aggregate`"  # the left_out reason of a unit without a fresh aggregate


def _units_read(store: Store, collect: Tally | None, over_overlap: bool, language: str | None,
                skipped: Callable[[int], None] | None = None) -> Iterator[tuple]:
    """store.units_with_votes of the units in `language` (all without it), each unit's votes added to
    `collect` for the data card's agreement; `skipped` is told the group of each unit of another language."""
    for unit in store.units_with_votes(over_overlap):
        if language is not None and unit[-1] != language:
            if skipped is not None:
                skipped(unit[0])
            continue
        if collect is not None:
            for who, label in unit[1]:
                collect.add(unit[0], who, label)
        yield unit


def aggregated_rows(store: Store, aggregate: dict, left_out: Counter, collect: Tally | None = None,
                    over_overlap: bool = False, language: str | None = None) -> Iterator[dict]:
    """One row per unit with its aggregated label and that label's posterior (`confidence`), from the
    stored run `aggregate` (stored_aggregate()); units below its min_confidence are left out and counted,
    and so are units labeled after the run (no aggregate yet, or a stale one: a vote came after it).
    Once read, aggregate["accounted"] says what became of the run's units that were not exported and
    are not below the minimum: stale, control units whose only labels are control answers, units of
    another language, units without a vote now."""
    labels, floor, stale, accounted = aggregate["labels"], aggregate["min_confidence"], aggregate["stale"], \
        aggregate["accounted"]
    read_control: set[int] = set()  # control units read (they are few): the others had only control answers

    def other_language(group: int) -> None:
        if group in labels:
            accounted[OTHER_LANGUAGE] += 1
            if group in aggregate["control"]:
                read_control.add(group)  # accounted for here, not as a control unit

    for unit in _units_read(store, collect, over_overlap, language, other_language):
        group, votes, _decision, first_doc, first_index, text, docs, source, published, copies, unit_language = unit
        if group in aggregate["control"]:
            read_control.add(group)
        if group not in labels or group in stale:
            left_out[AFTER_RUN] += 1
            accounted[STALE] += group in labels
            continue
        label, p = labels[group]
        if floor is not None and p < floor:
            left_out[BELOW_CONFIDENCE] += 1
            continue
        aggregate["confidence_sum"] += p
        counts = Counter(label for _who, label in votes)
        yield {"text": text, "label": label, "group": group, "annotators": len(votes),
               "agreement": round(counts.get(label, 0) / len(votes), 4), "docs": docs, "doc": first_doc,
               "index": first_index, "source": source, "published": published, "copies_in": copies,
               "language": unit_language, "confidence": round(p, 6), "model": aggregate["model"],
               "votes": dict(sorted(counts.items()))}
        accounted["exported"] += 1
    accounted[CONTROL_ONLY] = sum(1 for group in aggregate["control"] if group in labels and group not in read_control)
    accounted[NO_VOTE] = (len(labels) - accounted["exported"] - left_out[BELOW_CONFIDENCE] - accounted[STALE]
                          - accounted[OTHER_LANGUAGE] - accounted[CONTROL_ONLY])


def unit_rows(store: Store, mode: str, left_out: Counter, collect: Tally | None = None,
              min_annotators: int = 1, over_overlap: bool = False, language: str | None = None,
              mapping: dict[str, str] | None = None) -> Iterator[dict]:
    """One row per unit with a decided label (gold) or a majority label (majority). Without a review
    decision, a gold unit needs `min_annotators` who agree: one person's label is not agreement.
    With `mapping` (export --map), each vote and decision is mapped before agreement and majority are
    taken: two labels mapped to one name are one answer in the other project's scheme.
    Labels given past a unit's overlap count only with `over_overlap`. With `language`, only the units
    whose original document is in it are read (and counted, left out or collected)."""
    for unit in _units_read(store, collect, over_overlap, language):
        group, votes, decision, first_doc, first_index, text, docs, source, published, copies, unit_language = unit
        if mapping:
            votes = [(who, mapping.get(label, label)) for who, label in votes]
            if decision is not None:
                decision = (mapping.get(decision[0], decision[0]), decision[1])
        total = len(votes)  # one current label per annotator
        if mode == "gold" and total == 1 and decision is None and min_annotators <= 1:
            # the common case of a large export, without the counting below
            yield {"text": text, "label": votes[0][1], "group": group, "annotators": 1, "agreement": 1.0, "docs": docs,
                   "doc": first_doc, "index": first_index, "source": source, "published": published,
                   "copies_in": copies, "language": unit_language, "decided_by": None}
            continue
        counts = Counter(label for _who, label in votes)
        row = {"text": text, "group": group, "annotators": total, "docs": docs, "doc": first_doc, "index": first_index,
               "source": source, "published": published, "copies_in": copies, "language": unit_language}
        if mode == "gold":
            if decision is not None:
                label, decided_by = decision
                if label == AMBIGUOUS:
                    left_out["marked ambiguous"] += 1
                    continue
            elif total < min_annotators:
                left_out[f"labeled by fewer than {plural(min_annotators, 'annotator')}"] += 1
                continue
            elif len(counts) == 1:
                label, decided_by = next(iter(counts)), None
            else:
                left_out["in disagreement without a decision"] += 1
                continue
            row.update(label=label, agreement=round(counts.get(label, 0) / total, 4) if total else None,
                       decided_by=decided_by)
            row = {k: row[k] for k in GOLD_FIELDS}
        else:
            (label, top), *rest = counts.most_common() or [(None, 0)]
            if label is None:
                continue
            if rest and rest[0][1] == top:
                left_out["without a majority (tie)"] += 1
                continue
            row.update(label=label, agreement=round(top / total, 4), votes=dict(sorted(counts.items())))
            row = {k: row[k] for k in MAJORITY_FIELDS}
        yield row


def label_rows(store: Store, collect: Tally | None = None, over_overlap: bool = False,
               language: str | None = None) -> Iterator[dict]:
    """One row per current label of each annotator on each unit (the shape import-labels reads); labels
    given past a unit's overlap only with `over_overlap`; with `language`, labels on sentences of
    documents in it only."""
    fields = ALL_FIELDS  # store.label_rows yields its columns in this order
    for row in store.label_rows(over_overlap):
        if language is not None and row[-1] != language:
            continue
        if collect is not None:
            collect.add(row[9], row[6], row[5])
        yield dict(zip(fields, row))


def records(store: Store, mode: str, left_out: Counter, collect: Tally | None = None,
            as_json: bool = False, min_annotators: int = 1, over_overlap: bool = False,
            language: str | None = None, aggregate: dict | None = None,
            mapping: dict[str, str] | None = None) -> Iterator[tuple[dict | str, int, str]]:
    """(row, group, label) of every row to export, of documents in `language` only if it is given (a
    unit's language is its original document's). With as_json (mode all, no language), the row is a
    JSON line built by SQLite itself, several times faster than encoding a million dicts. Labels given
    past a unit's overlap (a lapsed lease) are left out unless `over_overlap` asks for them. `mapping`
    maps gold and majority units' votes before they are counted (see unit_rows); other modes' labels
    are mapped by following_scheme."""
    if mode not in MODES:
        raise ExportError(f"unknown mode {mode!r} (expected one of {', '.join(MODES)})")
    if mode == "all" and as_json and language is None:
        for line, group, annotator, label in store.label_rows_json(over_overlap):
            if collect is not None:
                collect.add(group, annotator, label)
            yield line, group, label
        return
    if mode == "all":
        rows = label_rows(store, collect, over_overlap, language)
    elif mode == "aggregated":
        rows = aggregated_rows(store, aggregate, left_out, collect, over_overlap, language)
    else:
        rows = unit_rows(store, mode, left_out, collect, min_annotators, over_overlap, language, mapping)
    for row in rows:
        yield row, row["group"], row["label"]


def check_map(project: scheme.Scheme, mapping: dict[str, str]) -> None:
    """Raise ExportError unless every label `mapping` renames is one of the project's, and every name it
    writes one a scheme could have (scheme.check_name) and no name differing only in case from another
    it writes (they would be two labels in the file, one for a reader)."""
    written = {name.casefold(): name for name in project.names() if name not in mapping}
    for old, new in mapping.items():
        if old not in project.names():
            raise ExportError(f"--map {old}={new}: {old} is not a label of the project's scheme {project.shown()}")
        try:
            scheme.check_name(new)
        except scheme.SchemeError as err:
            raise ExportError(f"--map {old}={new}: {err}") from None
        twin = written.setdefault(new.casefold(), new)
        if twin != new:
            raise ExportError(f"--map {old}={new}: {new} and {twin} differ only in case; write one name for both")


UNIT_MODES = ("gold", "majority")  # the modes unit_rows writes


def following_scheme(store: Store, rows: Iterator[tuple[dict | str, int, str]], mode: str,
                     mapping: dict[str, str], with_detail: bool,
                     over_overlap: bool = False) -> Iterator[tuple[dict | str, int, str]]:
    """The rows with the second question's answer (`detail`: the annotator's on a label row, on a unit
    row the answer most of the annotators who gave the unit's label gave, none on a tie) and their
    labels written as `mapping` says (another project's names)."""
    by_vote: dict[tuple[int, str], str] = {}
    by_unit: dict[int, Counter] = {}
    if with_detail:
        for group, annotator, label, answer in store.current_details(over_overlap):
            by_vote[(group, annotator)] = answer
            by_unit.setdefault(group, Counter())[(label, answer)] += 1
    for row, group, label in rows:
        if with_detail:
            if mode == "all":
                row["detail"] = by_vote.get((group, row["annotator"]))
            else:
                given: Counter = Counter()  # two labels mapped to one name: their answers count together
                for (was, answer), n in by_unit.get(group, Counter()).items():
                    if (mapping.get(was, was) if mode in UNIT_MODES else was) == label:
                        given[answer] += n
                answers = sorted(((n, a) for a, n in given.items()), reverse=True)
                row["detail"] = answers[0][1] if answers and (len(answers) == 1 or answers[1][0] < answers[0][0]) else None
        if mapping and mode not in UNIT_MODES:  # units' votes were mapped before they were counted
            label = row["label"] = mapping.get(label, label)
            if "votes" in row:
                votes = Counter()
                for name, n in row["votes"].items():
                    votes[mapping.get(name, name)] += n
                row["votes"] = dict(sorted(votes.items()))
        yield row, group, label


class _Mapped:
    """A Tally fed the labels as export --map writes them, so the card's figures are of the data written."""

    def __init__(self, tally: Tally, mapping: dict[str, str]):
        self.tally, self.mapping = tally, mapping

    def add(self, group: int, annotator: str, label: str) -> None:
        self.tally.add(group, annotator, self.mapping.get(label, label))


def parse_split(text: str) -> tuple[float, float, float]:
    try:
        parts = [float(p) for p in text.split("/")]
    except ValueError:
        parts = []
    if len(parts) != 3 or not all(math.isfinite(p) and p >= 0 for p in parts) or sum(parts) <= 0:
        raise ExportError(f"--split {text!r}: expected three shares like 80/10/10")
    total = sum(parts)
    return tuple(p / total for p in parts)  # type: ignore[return-value]


def assign_splits(strata: dict[int, str], shares: tuple[float, float, float], seed: int) -> dict[int, int]:
    """group -> split index, stratified by label, deterministic for a seed; a group is in one split only.

    Each label's units are dealt out by largest remainder: every split gets the whole part of its
    share, and the units left over go to the splits with the largest fractions (ties to the earlier
    split), so a label with few units is spread as evenly as its shares allow.
    """
    by_label: dict[str, list[int]] = {}
    for group, label in sorted(strata.items()):
        by_label.setdefault(label, []).append(group)
    out: dict[int, int] = {}
    for label in sorted(by_label):
        groups = by_label[label]
        random.Random(f"{seed}:{label}").shuffle(groups)
        sizes = largest_remainder(len(groups), shares)
        position = 0
        for which, size in enumerate(sizes):
            for group in groups[position : position + size]:
                out[group] = which
            position += size
    return out


def assign_by_source(units: dict[int, tuple[str | None, str]], shares: tuple[float, float, float],
                     seed: int) -> tuple[dict[int, int], dict[str | None, int]]:
    """(group -> split, source -> split): every unit goes with its source (the source of its original
    document), so train, dev and test outlets are disjoint and a group is never in two splits.

    Sources are taken largest first (ties in a seeded random order) and each goes to the split
    furthest below its share, in units and, for the labels the source carries, in each label's
    units: stratified as well as whole sources allow."""
    per_source: dict[str | None, Counter] = {}
    for _group, (source, label) in units.items():
        per_source.setdefault(source, Counter())[label] += 1
    placed = assign_sources(per_source, shares, seed)
    return {group: placed[source] for group, (source, _label) in units.items()}, placed


def assign_sources(per_source: dict[str | None, Counter], shares: tuple[float, float, float],
                   seed: int) -> dict[str | None, int]:
    """source -> split, from each source's label counts (in the order the sources were met); see
    assign_by_source. Needs nothing per unit, so a split export by source keeps memory flat."""
    total = sum(sum(c.values()) for c in per_source.values())
    per_label = Counter()
    for counts in per_source.values():
        per_label.update(counts)
    have = [0] * len(shares)
    have_label = [Counter() for _ in shares]
    rng = random.Random(f"{seed}:sources")
    order = sorted(per_source, key=lambda s: (-sum(per_source[s].values()), rng.random()))
    placed: dict[str | None, int] = {}
    for source in order:
        counts = per_source[source]
        size = sum(counts.values())

        def lack(which: int) -> float:
            want = shares[which] * total
            gap = (want - have[which]) / want
            labels = sum(n / size * (shares[which] * per_label[l] - have_label[which][l]) / (shares[which] * per_label[l])
                         for l, n in counts.items())
            return gap + labels

        which = max((i for i, share in enumerate(shares) if share > 0), key=lambda i: (lack(i), -i))
        placed[source] = which
        have[which] += size
        have_label[which].update(counts)
    return placed


def largest_remainder(n: int, shares: tuple[float, ...]) -> list[int]:
    """n items divided in the given shares (summing to 1): whole parts first, then the remainders."""
    exact = [n * share for share in shares]
    sizes = [math.floor(x) for x in exact]
    order = sorted(range(len(shares)), key=lambda i: (-(exact[i] - sizes[i]), i))
    for i in order[: n - sum(sizes)]:
        sizes[i] += 1
    return sizes


_SQLITE_HEADER = b"SQLite format 3\x00"
_DATABASE_FILES = ("", "-wal", "-shm", "-journal")  # what SQLite keeps of one database


def check_outputs(paths: list[Path], db_path: str | Path, force: bool = False) -> None:
    """Refuse, before anything is written, an output that is a file of the database `db_path` (the
    database, its -wal, -shm or -journal, by any name or link) and, unless `force`, any other existing
    SQLite database. Raises ExportError naming the output."""
    own = set()
    for name in {str(db_path), os.path.realpath(db_path)}:  # SQLite keeps its -wal beside the real file
        own.update(os.path.realpath(name + suffix) for suffix in _DATABASE_FILES)
    for path in paths:
        real = os.path.realpath(path)
        if real in own or any(_same_file(real, other) for other in own):
            raise ExportError(f"{path}: is a file of the database {db_path} itself; writing there would destroy it")
        if not force and _is_sqlite(real):
            raise ExportError(f"{path}: is an SQLite database; choose another name, or use --force to overwrite it")


def _same_file(a: str, b: str) -> bool:
    """The same file by another name (a hard link)."""
    try:
        return os.path.samefile(a, b)
    except OSError:  # either one does not exist (yet)
        return False


def _is_sqlite(path: str) -> bool:
    if not os.path.isfile(path):  # a pipe or a device is never opened to look
        return False
    try:
        with open(path, "rb") as handle:
            return handle.read(len(_SQLITE_HEADER)) == _SQLITE_HEADER
    except OSError:
        return False


def output_paths(out: Path, split: str | None) -> list[Path]:
    """The files an export writes its rows to."""
    return [split_path(out, name) for name in SPLIT_NAMES] if split else [out]


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value):
    """A text cell a spreadsheet would run as a formula ("=HYPERLINK(...)", "+1", "@SUM") gets a
    leading apostrophe, as OWASP recommends for CSV injection; numbers and other text are left alone."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def split_path(path: Path, split: str) -> Path:
    return path.with_name(f"{path.stem}.{split}{path.suffix}")


class _Writer:
    """Writes rows to one file in one format, streaming."""

    def __init__(self, path: Path, fmt: str, fields: list[str], csv_raw: bool = False, excel: bool = False):
        self.path, self.fmt, self.fields = path, fmt, fields
        self.csv_raw = csv_raw
        self.count = 0
        self.stdout = to_stdout(path)
        if self.stdout:
            # UTF-8 as in a file, whatever the locale of the terminal or pipe
            sys.stdout.flush()
            self.handle = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="")
        elif fmt == "parquet":
            try:
                import pyarrow  # noqa: F401
            except ImportError:
                raise ExportError("Parquet export needs pyarrow: pip install 'annotator[parquet]'") from None
            self.batch: list[dict] = []
            self.parquet = None
        else:
            # Excel reads a CSV without a byte-order mark in the machine's legacy code page (São Tomé
            # shows as SÃ£o TomÃ©): with one it reads UTF-8; the csv module's rows end in CRLF already
            self.handle = open(path, "w", encoding="utf-8-sig" if excel else "utf-8", newline="", buffering=1 << 20)
        if fmt != "parquet":
            self.encode = json.JSONEncoder(ensure_ascii=False).encode
            if fmt == "csv":
                self.csv = csv.DictWriter(self.handle, fieldnames=fields, extrasaction="ignore")
                self.csv.writeheader()

    def write(self, row: dict | str) -> None:
        """A row as a dict, or (JSON Lines only) an already encoded JSON object."""
        self.count += 1
        if self.fmt == "jsonl":
            self.handle.write(row if isinstance(row, str) else self.encode(row))
            self.handle.write("\n")
        elif self.fmt == "csv":
            cells = {k: json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list)) else v for k, v in row.items()}
            if not self.csv_raw:
                cells = {k: neutralise_cell(v) for k, v in cells.items()}
            self.csv.writerow(cells)
        else:
            self.batch.append(row)
            if len(self.batch) >= 50_000:
                self._flush()

    def _schema(self):
        import pyarrow as pa

        types = {"doc": pa.string(), "index": pa.int64(), "start": pa.int64(), "end": pa.int64(), "text": pa.string(),
                 "label": pa.string(), "annotator": pa.string(), "note": pa.string(), "created_at": pa.string(),
                 "group": pa.int64(), "annotators": pa.int64(), "agreement": pa.float64(), "docs": pa.int64(),
                 "decided_by": pa.string(), "votes": pa.map_(pa.string(), pa.int64()), "source": pa.string(),
                 "published": pa.string(), "copies_in": pa.list_(pa.string()), "language": pa.string(),
                 "detail": pa.string(), "confidence": pa.float64(), "model": pa.string()}
        return pa.schema([(f, types[f]) for f in self.fields])

    def _flush(self) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        schema = self._schema()
        if self.parquet is None:
            self.parquet = pq.ParquetWriter(self.path, schema)
        columns = {f: [r.get(f) if f != "votes" else list((r.get(f) or {}).items()) for r in self.batch] for f in self.fields}
        self.parquet.write_table(pa.table(columns, schema=schema))
        self.batch = []

    def close(self) -> None:
        if self.stdout:
            self.handle.flush()
            self.handle.detach()  # standard output stays open for what the command says next
        elif self.fmt == "parquet":
            if self.batch or self.parquet is None:
                self._flush()
            self.parquet.close()
        else:
            self.handle.close()


def export(store: Store, out: Path, *, fmt: str | None = None, mode: str = "gold", split: str | None = None,
           seed: int = 0, csv_raw: bool = False, min_annotators: int = 1, split_by: str = "unit",
           over_overlap: bool = False, force: bool = False, language: str | None = None,
           excel: bool = False, mapping: dict[str, str] | None = None,
           min_confidence: float | None = None) -> ExportReport:
    """Write the dataset (and its split files), of the documents in `language` (ISO 639-1) only if
    it is given. Reads one consistent snapshot of the database.
    `mapping` ({project label: label written}) writes another project's labels; a scheme with a second
    question adds its answer as the column `detail`.
    Each unit counts the overlap's annotators only, unless `over_overlap` adds the labels given past it.
    `excel`: CSV for Excel (UTF-8 with a byte-order mark, CRLF line ends, formulas neutralised).
    Mode "aggregated" writes the stored aggregation run's label and posterior per unit, leaving out
    units whose posterior is below `min_confidence` (0 to 1).

    Raises ExportError, before writing anything, for an unknown format or mode, a missing folder, an
    output check_outputs refuses (`force` lets it overwrite another SQLite file), or mode aggregated
    with no aggregation run stored."""
    if to_stdout(out):
        fmt = stdout_format(fmt, split)
    fmt = fmt or out.suffix.lstrip(".").lower()
    if fmt not in FORMATS:
        raise ExportError(f"{out}: unknown format {fmt!r}; use --format ({', '.join(FORMATS)})")
    if excel and fmt != "csv":
        raise ExportError(f"{out}: --excel writes CSV for Excel, not {fmt}; give a .csv file or --format csv")
    if not to_stdout(out):
        if not out.parent.is_dir():
            raise ExportError(f"{out}: {out.parent} is not a folder" if out.parent.exists()
                              else f"{out}: folder {out.parent} does not exist")
        for path in output_paths(out, split):
            if path.is_dir():
                raise ExportError(f"{path}: is a folder")
        check_outputs(output_paths(out, split), store.path, force)
    if min_confidence is not None and mode != "aggregated":
        raise ExportError("--min-confidence needs --mode aggregated")
    project, mapping = scheme.get(store), mapping or {}
    check_map(project, mapping)
    with_detail = project.second is not None
    fields = fields_for(mode) + (["detail"] if with_detail else [])
    report = ExportReport(scheme=project, mapping=mapping)
    report.votes = Tally(list(dict.fromkeys(mapping.get(label, label) for label in project.names())))
    collect = _Mapped(report.votes, mapping) if mapping else report.votes
    with store.snapshot(cache_mb=8):
        if mode == "aggregated":
            report.aggregate = stored_aggregate(store, min_confidence)
        report.guidelines, report.per_guidelines = store.guidelines_version(), store.labels_per_guidelines()
        suggested = store.suggested_groups()
        rows = records(store, mode, report.left_out, collect, as_json=fmt == "jsonl" and not (mapping or with_detail),
                       min_annotators=min_annotators, over_overlap=over_overlap, language=language,
                       aggregate=report.aggregate, mapping=mapping)
        if mapping or with_detail:
            rows = following_scheme(store, rows, mode, mapping, with_detail, over_overlap)
        if split:
            # one pass over the database: rows are spooled to a temporary file while the splits are
            # worked out (they need every unit first), then dealt out from it
            spool = tempfile.TemporaryFile("w+", encoding="utf-8")
            by_source = split_by == "source" and mode != "all"
            strata: dict[int, str] = {}  # by unit: each unit's label (by source: nothing per unit)
            per_source: dict[str | None, Counter] = {}
            source_code: dict[str | None, int] = {}
            for row, group, label in rows:
                _tally(report, row, group, label, suggested, mode)
                copies, code = "", 0
                if by_source:
                    source = row["source"]
                    code = source_code.setdefault(source, len(source_code))
                    counts = per_source.get(source)
                    if counts is None:
                        counts = per_source[source] = Counter()
                    counts[label] += 1
                    copies = "\x1f".join(row["copies_in"])
                else:
                    strata.setdefault(group, label)
                line = row if isinstance(row, str) else _ENCODE(row)
                spool.write(f"{group}\t{label}\t{code}\t{copies}\t{line}\n")
            if by_source:
                placed = assign_sources(per_source, parse_split(split), seed)
                report.source_split = {s: SPLIT_NAMES[i] for s, i in placed.items()}
                split_of_code = [placed[s] for s in source_code]
            else:
                assignment = assign_splits(strata, parse_split(split), seed)
            writers = [_Writer(split_path(out, name), fmt, fields, csv_raw, excel) for name in SPLIT_NAMES]
            names = SPLIT_NAMES
        else:
            assignment = None
            writers = [_Writer(out, fmt, fields, csv_raw, excel)]
            names = ("all",)
        counts = {name: Counter() for name in names}
        try:
            if split:
                spool.seek(0)
                for entry in spool:
                    group, label, code, copies, line = entry.rstrip("\n").split("\t", 4)
                    which = split_of_code[int(code)] if by_source else assignment[int(group)]
                    if report.source_split and copies and any(
                            report.source_split.get(s, SPLIT_NAMES[which]) != SPLIT_NAMES[which]
                            for s in copies.split("\x1f")):
                        report.copies_across += 1
                    writers[which].write(line if fmt == "jsonl" else json.loads(line))
                    counts[names[which]][label] += 1
                spool.close()
            else:
                for row, group, label in rows:
                    _tally(report, row, group, label, suggested, mode)
                    writers[0].write(row)
                    counts["all"][label] += 1
        finally:
            for writer in writers:
                writer.close()
    report.per_label = counts
    for name, writer in zip(names, writers):
        report.rows[name] = writer.count
        report.files.append(writer.path)
    return report


_ENCODE = json.JSONEncoder(ensure_ascii=False).encode


def _tally(report: ExportReport, row, group: int, label: str, suggested: set[int], mode: str) -> None:
    """What the data card counts of each exported row."""
    report.suggested += group in suggested
    if mode == "gold" and row["decided_by"] is not None:
        report.decided[row["decided_by"]] += 1
    if mode != "all":
        report.coverage[row["annotators"]] += 1
        per_source = report.by_source.get(row["source"])
        if per_source is None:
            per_source = report.by_source[row["source"]] = Counter()
        per_source[label] += 1


def datacard(report: ExportReport, *, mode: str, db_path: str, split: str | None, seed: int,
             figures, language: str | None = None) -> str:
    """A Markdown data card: what the dataset holds, how it was labeled, how far the annotators agree
    (of the units in `language` only, when the export was kept to one)."""
    fmt = lambda x: "n/a" if x is None else f"{x:.3f}"  # noqa: E731
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Data card", "",
        f"- exported: {now}",
        f"- database: `{db_path}`",
        f"- mode: `{mode}`" + (f", split {split} (seed {seed}), stratified by label; a duplicate group never crosses splits" if split else ""),
        f"- files: {', '.join(f'`{p.name}`' for p in report.files)}",
        *([f"- language: `{language}` only ("
           + ("labels on sentences of documents in it" if mode == "all" else "units whose original document is in it")
           + "); the counts, annotators and agreement below are of these units"] if language else []),
        "- unit: a group of identical or near-identical sentences; each appears once",
        "", "## Rows per label", "",
    ]
    splits = list(report.rows)
    lines.append("| label | " + " | ".join(splits) + " |")
    lines.append("|---|" + "---:|" * len(splits))
    written = list(dict.fromkeys(report.mapping.get(label, label) for label in report.scheme.names()))
    labels = sorted({l for c in report.per_label.values() for l in c}, key=lambda l: (written.index(l) if l in written else 99, l))
    for label in labels:
        lines.append(f"| {label} | " + " | ".join(str(report.per_label.get(s, Counter())[label]) for s in splits) + " |")
    lines.append("| **total** | " + " | ".join(str(report.rows[s]) for s in splits) + " |")
    if report.coverage:
        lines += ["", "Units by how many annotators labeled them: " + "; ".join(
            f"{plural(n, 'annotator')}: {plural(units, 'unit')}" for n, units in sorted(report.coverage.items()))]
    if report.left_out:
        lines += ["", "Left out: " + "; ".join(f"{plural(n, 'unit')} {why}" for why, n in sorted(report.left_out.items()))]
    if report.by_source:
        shown = sorted(report.by_source.items(), key=lambda kv: (-sum(kv[1].values()), kv[0] or ""))
        split_col = " split |" if report.source_split else ""
        lines += ["", "## Sources", "", f"| source |{split_col} units | " + " | ".join(written) + " |",
                  "|---|" + ("---|" if split_col else "") + "---:|" * (len(written) + 1)]
        for source, counts in shown[:50]:
            where = f" {report.source_split.get(source, '')} |" if split_col else ""
            lines.append(f"| {source or '(none)'} |{where} {sum(counts.values())} | "
                         + " | ".join(str(counts[label]) for label in written) + " |")
        if len(shown) > 50:
            lines.append(f"\n...and {plural(len(shown) - 50, 'more source')} (annotator sources lists them all)")
        if report.source_split:
            lines += ["", f"Split by source: train, dev and test outlets are disjoint. "
                      f"{plural(report.copies_across, 'unit')} also appear (copied) in a source of another split."]
    if mode == "gold":
        from annotator.review import CONSENSUS

        decided = sum(report.decided.values())
        by = ", ".join(f"{who} {n}" for who, n in sorted(report.decided.items(), key=lambda kv: (-kv[1], kv[0])))
        lines += ["", f"{plural(decided, 'row')} ({decided / max(1, sum(report.rows.values())):.1%}) take their label "
                  "from a review decision" + (f", decided by: {by}" if by else "")
                  + (f" ('{CONSENSUS}': recorded by `annotator review --auto-accept` because every annotator agreed)"
                     if CONSENSUS in report.decided else "")
                  + "; the others are units without a decision whose annotators agree."]
    if report.aggregate is not None:
        lines += aggregate_card(report)
    if mode != "all":
        lines += ["", f"{plural(report.suggested, 'row')} ({report.suggested / max(1, sum(report.rows.values())):.1%}) "
                  "carry a label someone gave by accepting a model or rule suggestion (see annotator agreement "
                  "--typed-only for agreement without them)."]
    lines += ["", "## Annotators", ""]
    for name, n in sorted(figures.labeled_by.items()):
        lines.append(f"- {name}: {n} labeled units")
    if not figures.labeled_by:
        lines.append("- none")
    lines += [
        "", "## Agreement", "",
        f"- units labeled by two or more annotators: {figures.units}",
        f"- Krippendorff's alpha (nominal): {fmt(figures.krippendorff_alpha)}",
        f"- Fleiss' kappa: {fmt(figures.fleiss_kappa)} (over {plural(figures.fleiss_units, 'unit')} labeled by all)",
        f"- observed agreement: {fmt(figures.observed_agreement)}",
        f"- units in disagreement: {figures.disagreements}",
    ]
    return "\n".join(lines + scheme_lines(report)) + "\n"


def scheme_lines(report: ExportReport) -> list[str]:
    """The data card's label scheme (with what --map wrote each label as), second question and guidelines."""
    project = report.scheme
    lines = ["", "## Labeling guidelines", "", f"Label scheme `{project.name}`"
             + (f", written with another project's labels (--map {', '.join(f'{a}={b}' for a, b in report.mapping.items())})"
                if report.mapping else "") + ":", ""]
    for label, text in ((label.name, label.definition) for label in project.labels):
        shown = report.mapping.get(label, label)
        lines.append(f"- **{shown}**: {text}")
    if project.second:
        second = project.second
        lines += ["", f"Second question, after {', '.join(report.mapping.get(w, w) for w in second.when)}: "
                  f"{second.question} ({', '.join(second.answer_names())}); its answer is the column `detail`."]
    given = "; ".join(f"{'before any guidelines' if v is None else f'version {v}'}: {plural(n, 'label')}"
                      for v, n in sorted(report.per_guidelines.items(), key=lambda kv: (kv[0] is not None, kv[0] or 0)))
    lines += ["", (f"Guidelines version {report.guidelines} (annotator guidelines show)" if report.guidelines
                   else "No guidelines document was set (annotator guidelines set FILE.md)")
              + (f"; current labels given under each: {given}." if given else ".")]
    return lines


def aggregate_card(report: ExportReport) -> list[str]:
    """The data card's lines on the aggregation run an aggregated export wrote."""
    from annotator.quality.aggregation import MODEL_NAMES

    run = report.aggregate
    written = sum(report.rows.values())
    below = report.left_out.get(BELOW_CONFIDENCE, 0)
    floor = run["min_confidence"]
    lines = ["", "## Aggregation", "",
             f"- model: {MODEL_NAMES.get(run['model'], run['model'])} (`annotator aggregate --model {run['model']}`), "
             f"run {run['created_at']}",
             f"- units aggregated: {run['units']}, mean confidence {run['mean_confidence']:.3f}",
             f"- rows exported: {written}" + (f", mean confidence {run['confidence_sum'] / written:.3f}" if written else ""),
             f"- left out under --min-confidence {floor:g}: {plural(below, 'unit')}" if floor is not None
             else "- no minimum confidence",
             *aggregate_fates(run["accounted"]),
             "- confidence: the posterior probability of the exported label under the model; control items and "
             "review decisions were fixed at their label (confidence 1)",
             "", "Estimated accuracy of each annotator (the expected share of their labels that are right):", ""]
    lines += [f"- {name}: {accuracy:.3f} over {plural(n, 'label')}" for name, accuracy, n in run["annotators"]]
    return lines


def aggregate_fates(accounted: Counter) -> list[str]:
    """The card's lines on the run's units neither exported nor under the minimum, so that every unit
    aggregated is accounted for; none when there are none."""
    said = {STALE: "left out, labeled after the run (their aggregate is stale: run `annotator aggregate` again)",
            CONTROL_ONLY: "control units whose only labels are control answers, not exported as data",
            OTHER_LANGUAGE: "of another language than the one exported (--language)",
            NO_VOTE: "without a vote now (labels undone or given past the overlap since the run)"}
    return [f"- {what}: {plural(accounted[fate], 'unit')}" for fate, what in said.items() if accounted[fate]]


CARD_HEADING = "# Data card"


def with_card(existing: str | None, card: str) -> str:
    """The data card file of a folder after one more export: every card it held (a card per export,
    so exports of several formats or modes into one folder each keep theirs), less one for the same
    data files, which this export replaced, and then this export's card."""
    def files_line(text: str) -> str | None:
        return next((line for line in text.splitlines() if line.startswith("- files: ")), None)

    cards, current = [], []
    for line in (existing or "").splitlines(keepends=True):
        if line.startswith(CARD_HEADING) and current:
            cards.append("".join(current))
            current = []
        current.append(line)
    if "".join(current).strip():
        cards.append("".join(current))
    kept = [c.rstrip("\n") + "\n" for c in cards if files_line(c) != files_line(card)]
    return "\n".join(kept + [card])
