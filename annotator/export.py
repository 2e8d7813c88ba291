"""Labeled datasets out: one row per unit (gold, majority) or per current label (all), streamed.

Rows come from store cursors, are written as they come, and only small per-unit facts (group id
and split) are held for a train/dev/test split, so memory stays flat for any size.
"""

from __future__ import annotations

import csv
import math
import json
import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from annotator.agreement import Votes
from annotator.model import AMBIGUOUS, GUIDELINES, LABELS
from annotator.store import LABEL_ROW_FIELDS, Store
from annotator.wording import plural

MODES = ("gold", "majority", "all")
FORMATS = ("jsonl", "csv", "parquet")
SPLIT_NAMES = ("train", "dev", "test")

ALL_FIELDS = list(LABEL_ROW_FIELDS)
UNIT_FIELDS = ["text", "label", "group", "annotators", "agreement", "docs", "doc", "index"]


class ExportError(Exception):
    """Told to the user in one line."""


@dataclass
class ExportReport:
    rows: dict[str, int] = field(default_factory=dict)  # split (or "all") -> rows written
    per_label: dict[str, Counter] = field(default_factory=dict)  # split -> label counts
    left_out: Counter = field(default_factory=Counter)  # reason -> units
    files: list[Path] = field(default_factory=list)
    coverage: Counter = field(default_factory=Counter)  # annotators per unit -> units exported
    votes: Votes | None = None  # every current label met on the way, for the data card's agreement
    suggested: int = 0  # rows whose unit someone labeled by accepting a suggestion


GOLD_FIELDS = UNIT_FIELDS + ["decided_by"]
MAJORITY_FIELDS = UNIT_FIELDS + ["votes"]


def fields_for(mode: str) -> list[str]:
    """The columns of each mode, in order; every row generator yields dicts in exactly this order."""
    return {"all": ALL_FIELDS, "majority": MAJORITY_FIELDS}.get(mode, GOLD_FIELDS)


def unit_rows(store: Store, mode: str, left_out: Counter, collect: Votes | None = None,
              min_annotators: int = 1) -> Iterator[dict]:
    """One row per unit with a decided label (gold) or a majority label (majority). Without a review
    decision, a gold unit needs `min_annotators` who agree: one person's label is not agreement."""
    for unit in store.units_with_votes():
        group, votes, decision, first_doc, first_index, text, docs = unit
        if collect is not None:
            for who, label in votes:
                collect.add(group, who, label)
        counts = Counter(label for _who, label in votes)
        total = sum(counts.values())
        row = {"text": text, "group": group, "annotators": total, "docs": docs, "doc": first_doc, "index": first_index}
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


def label_rows(store: Store, collect: Votes | None = None) -> Iterator[dict]:
    """One row per current label of each annotator on each unit (the shape import-labels reads)."""
    fields = ALL_FIELDS  # store.label_rows yields its columns in this order
    for row in store.label_rows():
        if collect is not None:
            collect.add(row[9], row[6], row[5])
        yield dict(zip(fields, row))


def records(store: Store, mode: str, left_out: Counter, collect: Votes | None = None,
            as_json: bool = False, min_annotators: int = 1) -> Iterator[tuple[dict | str, int, str]]:
    """(row, group, label) of every row to export. With as_json (mode all only), the row is a JSON
    line built by SQLite itself, which is several times faster than encoding a million dicts."""
    if mode not in MODES:
        raise ExportError(f"unknown mode {mode!r} (expected one of {', '.join(MODES)})")
    if mode == "all" and as_json:
        for line, group, annotator, label in store.label_rows_json():
            if collect is not None:
                collect.add(group, annotator, label)
            yield line, group, label
        return
    rows = label_rows(store, collect) if mode == "all" else unit_rows(store, mode, left_out, collect, min_annotators)
    for row in rows:
        yield row, row["group"], row["label"]


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


def largest_remainder(n: int, shares: tuple[float, ...]) -> list[int]:
    """n items divided in the given shares (summing to 1): whole parts first, then the remainders."""
    exact = [n * share for share in shares]
    sizes = [math.floor(x) for x in exact]
    order = sorted(range(len(shares)), key=lambda i: (-(exact[i] - sizes[i]), i))
    for i in order[: n - sum(sizes)]:
        sizes[i] += 1
    return sizes


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

    def __init__(self, path: Path, fmt: str, fields: list[str], csv_raw: bool = False):
        self.path, self.fmt, self.fields = path, fmt, fields
        self.csv_raw = csv_raw
        self.count = 0
        if fmt == "parquet":
            try:
                import pyarrow  # noqa: F401
            except ImportError:
                raise ExportError("Parquet export needs pyarrow: pip install 'annotator[parquet]'") from None
            self.batch: list[dict] = []
            self.parquet = None
        else:
            self.handle = open(path, "w", encoding="utf-8", newline="", buffering=1 << 20)
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
            cells = {k: json.dumps(v, ensure_ascii=False) if isinstance(v, dict) else v for k, v in row.items()}
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
                 "decided_by": pa.string(), "votes": pa.map_(pa.string(), pa.int64())}
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
        if self.fmt == "parquet":
            if self.batch or self.parquet is None:
                self._flush()
            self.parquet.close()
        else:
            self.handle.close()


def export(store: Store, out: Path, *, fmt: str | None = None, mode: str = "gold", split: str | None = None,
           seed: int = 0, csv_raw: bool = False, min_annotators: int = 1) -> ExportReport:
    """Write the dataset (and its split files). Reads one consistent snapshot of the database."""
    fmt = fmt or out.suffix.lstrip(".").lower()
    if fmt not in FORMATS:
        raise ExportError(f"{out}: unknown format {fmt!r}; use --format ({', '.join(FORMATS)})")
    if not out.parent.is_dir():
        raise ExportError(f"{out}: {out.parent} is not a folder" if out.parent.exists()
                          else f"{out}: folder {out.parent} does not exist")
    for path in output_paths(out, split):
        if path.is_dir():
            raise ExportError(f"{path}: is a folder")
    fields = fields_for(mode)
    report = ExportReport()
    report.votes = Votes()
    with store.snapshot(cache_mb=8):
        suggested = store.suggested_groups()
        if split:
            shares = parse_split(split)
            strata: dict[int, str] = {}
            for _row, group, label in records(store, mode, Counter(), min_annotators=min_annotators):
                strata.setdefault(group, label)
            assignment = assign_splits(strata, shares, seed)
            writers = [_Writer(split_path(out, name), fmt, fields, csv_raw) for name in SPLIT_NAMES]
            names = SPLIT_NAMES
        else:
            assignment = None
            writers = [_Writer(out, fmt, fields, csv_raw)]
            names = ("all",)
        counts = {name: Counter() for name in names}
        try:
            for row, group, label in records(store, mode, report.left_out, report.votes, as_json=fmt == "jsonl",
                                             min_annotators=min_annotators):
                if mode != "all":
                    report.coverage[row["annotators"]] += 1
                which = assignment[group] if assignment is not None else 0
                report.suggested += group in suggested
                writers[which].write(row)
                counts[names[which]][label] += 1
        finally:
            for writer in writers:
                writer.close()
    report.per_label = counts
    for name, writer in zip(names, writers):
        report.rows[name] = writer.count
        report.files.append(writer.path)
    return report


def datacard(report: ExportReport, *, mode: str, db_path: str, split: str | None, seed: int,
             figures) -> str:
    """A Markdown data card: what the dataset holds, how it was labeled, how far the annotators agree."""
    fmt = lambda x: "n/a" if x is None else f"{x:.3f}"  # noqa: E731
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Data card", "",
        f"- exported: {now}",
        f"- database: `{db_path}`",
        f"- mode: `{mode}`" + (f", split {split} (seed {seed}), stratified by label; a duplicate group never crosses splits" if split else ""),
        f"- files: {', '.join(f'`{p.name}`' for p in report.files)}",
        "- unit: a group of identical or near-identical sentences; each appears once",
        "", "## Rows per label", "",
    ]
    splits = list(report.rows)
    lines.append("| label | " + " | ".join(splits) + " |")
    lines.append("|---|" + "---:|" * len(splits))
    labels = sorted({l for c in report.per_label.values() for l in c}, key=lambda l: (LABELS.index(l) if l in LABELS else 99, l))
    for label in labels:
        lines.append(f"| {label} | " + " | ".join(str(report.per_label.get(s, Counter())[label]) for s in splits) + " |")
    lines.append("| **total** | " + " | ".join(str(report.rows[s]) for s in splits) + " |")
    if report.coverage:
        lines += ["", "Units by how many annotators labeled them: " + "; ".join(
            f"{plural(n, 'annotator')}: {plural(units, 'unit')}" for n, units in sorted(report.coverage.items()))]
    if report.left_out:
        lines += ["", "Left out: " + "; ".join(f"{plural(n, 'unit')} {why}" for why, n in sorted(report.left_out.items()))]
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
        "", "## Labeling guidelines", "",
    ]
    lines += [f"- **{label}**: {text}" for label, text in GUIDELINES.items()]
    return "\n".join(lines) + "\n"
