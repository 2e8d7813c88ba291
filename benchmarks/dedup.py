"""Import and near-duplicate grouping against a known ground truth: time, memory, precision, recall, size.

usage: python benchmarks/dedup.py [SIZES...]     e.g. 10000 100000 1000000 10000000
Each size runs in its own process. The corpus has 10% copies of earlier sentences in other
documents: exact, or edited (punctuation, a function word added, case, quote marks). The import
(reading and segmenting on worker processes) and the grouping are timed apart; then 1,000 more
sentences are imported into the grouped database and timed (incremental grouping). The database
file is measured after the grouping, with its write-ahead log copied in.
"""

from __future__ import annotations

import itertools
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synth import read_truth, run_child, write_corpus_in_child  # noqa: E402


def pairs_of(groups) -> set[tuple]:
    out = set()
    for members in groups:
        out.update(itertools.combinations(sorted(members), 2))
    return out


def measure(size: int) -> dict:
    from annotator import dedup
    from annotator.ingest import import_paths
    from annotator.store import Store
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "corpus"
        write_corpus_in_child(folder, size)
        db = Path(tmp) / "bench.db"
        store = Store(db)
        start = time.perf_counter()
        import_paths(store, [folder], group=False)
        imported = time.perf_counter() - start
        start = time.perf_counter()
        dedup.group_pending(store)
        grouped = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db_mb = db.stat().st_size / 1e6
        if keep := os.environ.get("KEEP_GROUPED_DB"):  # run_all hands it on to the TUI benchmark
            shutil.copyfile(db, keep.format(size=size))
        predicted = [[(d, i) for d, i, _, _ in store.group_members(g)] for g, _ in store.groups(2)]
        truth = read_truth(folder)
        true_pairs, found = pairs_of(truth), pairs_of(predicted)
        hits = len(true_pairs & found)
        extra = Path(tmp) / "extra"
        from synth import write_corpus

        write_corpus(extra, 1000, seed=99, dup_share=0.0)
        for path in extra.glob("*.jsonl"):  # new document names, same generator: some text overlaps the corpus
            path.write_text(path.read_text().replace('"doc-', '"new-'))
        start = time.perf_counter()
        import_paths(store, [extra])
        incremental = time.perf_counter() - start
        return {"sentences": size, "import_s": round(imported, 2), "group_s": round(grouped, 2),
                "db_mb_per_100k": round(db_mb * 100_000 / size, 1), "true_pairs": len(true_pairs),
                "found_pairs": len(found), "precision": round(hits / max(1, len(found)), 4),
                "recall": round(hits / max(1, len(true_pairs)), 4), "add_1000_s": round(incremental, 3),
                "peak_mb": round(peak)}


def run_one(size: int) -> dict:
    return run_child(__file__, size)


# issue 16's reference: 64.5 MB per 100,000 synthetic sentences before schema version 4
BEFORE_MB_PER_100K = 64.5


def figures(size: int) -> list[tuple[str, str, str, bool]]:
    """(figure, target, measured, met) rows for benchmarks/run_all.py: at ten million, import and
    grouping together, against the same at a tenth of the size."""
    r = run_one(size)
    small = run_one(max(1000, size // 10))
    both, small_both = r["import_s"] + r["group_s"], small["import_s"] + small["group_s"]
    growth = both / small_both / (r["sentences"] / small["sentences"])
    if size >= 10_000_000:
        total_target, peak_target = 360 * size / 10_000_000, 4096
    else:
        total_target, peak_target = 90 * size / 1_000_000, 2048
    smaller = 1 - r["db_mb_per_100k"] / BEFORE_MB_PER_100K
    return [
        (f"import and grouping {size:,} sentences", f"< {total_target:g} s",
         f"{both:.1f} s (import {r['import_s']} s, grouping {r['group_s']} s)", both < total_target),
        ("import and grouping time growth, 10x the sentences", "linear (ratio < 1.2)",
         f"{growth:.2f} ({small_both:.1f} s at {small['sentences']:,})", growth < 1.2),
        (f"import and grouping peak memory at {size:,}", f"< {peak_target} MB", f"{r['peak_mb']} MB",
         r["peak_mb"] < peak_target),
        (f"dedup recall at {size:,}", ">= 0.98", f"{r['recall']}", r["recall"] >= 0.98),
        (f"dedup precision at {size:,}", ">= 0.99", f"{r['precision']}", r["precision"] >= 0.99),
        (f"adding 1,000 sentences to {size:,}", "< 1 s", f"{r['add_1000_s']} s", r["add_1000_s"] < 1),
        ("database size per 100,000 sentences", f"25% below {BEFORE_MB_PER_100K} MB",
         f"{r['db_mb_per_100k']} MB ({smaller:.0%} smaller; {r['db_mb_per_100k'] * 10:.0f} MB per million)",
         smaller >= 0.25),
    ]


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--one":
        print(json.dumps(measure(int(sys.argv[2]))))
        return
    sizes = [int(s) for s in sys.argv[1:]] or [10_000, 100_000, 1_000_000]
    print("| sentences | import (s) | grouping (s) | true pairs | found pairs | precision | recall | "
          "+1,000 sentences (s) | peak memory (MB) | MB per 100k |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for size in sizes:
        r = run_one(size)
        print(f"| {r['sentences']:,} | {r['import_s']} | {r['group_s']} | {r['true_pairs']:,} | {r['found_pairs']:,} | "
              f"{r['precision']} | {r['recall']} | {r['add_1000_s']} | {r['peak_mb']} | {r['db_mb_per_100k']} |",
              flush=True)
    print("targets: recall >= 0.98, precision >= 0.99; 1M imported and grouped < 90 s, 10M < 360 s, growth linear; "
          "+1,000 < 1 s; memory < 2 GB at 1M, < 4 GB at 10M")


if __name__ == "__main__":
    main()
