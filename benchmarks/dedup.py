"""Near-duplicate grouping against a known ground truth: precision, recall and time.

usage: python benchmarks/dedup.py [SIZES...]     e.g. 10000 100000 1000000
Each size runs in its own process. The corpus has 10% copies of earlier sentences in other
documents: exact, or edited (punctuation, one word changed, case, a clause added). After the
largest size, 1,000 more sentences are imported into it and timed (incremental grouping).
"""

from __future__ import annotations

import itertools
import json
import resource
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
        store = Store(Path(tmp) / "bench.db")
        import_paths(store, [folder], group=False)
        start = time.perf_counter()
        dedup.group_pending(store)
        grouped = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
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
        return {"sentences": size, "group_s": round(grouped, 2), "true_pairs": len(true_pairs),
                "found_pairs": len(found), "precision": round(hits / max(1, len(found)), 4),
                "recall": round(hits / max(1, len(true_pairs)), 4), "add_1000_s": round(incremental, 3),
                "peak_mb": round(peak)}


def run_one(size: int) -> dict:
    return run_child(__file__, size)


def figures(size: int) -> list[tuple[str, str, str, bool]]:
    """(figure, target, measured, met) rows for benchmarks/run_all.py."""
    r = run_one(size)
    target_s = 60 * size / 1_000_000 if size > 100_000 else 6 * size / 100_000
    return [
        (f"dedup recall at {size:,}", ">= 0.98", f"{r['recall']}", r["recall"] >= 0.98),
        (f"dedup precision at {size:,}", ">= 0.99", f"{r['precision']}", r["precision"] >= 0.99),
        (f"grouping {size:,} sentences", f"< {target_s:g} s", f"{r['group_s']} s", r["group_s"] < target_s),
        (f"adding 1,000 sentences to {size:,}", "< 1 s", f"{r['add_1000_s']} s", r["add_1000_s"] < 1),
        (f"import and grouping peak memory at {size:,}", "< 2048 MB", f"{r['peak_mb']} MB", r["peak_mb"] < 2048),
    ]


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--one":
        print(json.dumps(measure(int(sys.argv[2]))))
        return
    sizes = [int(s) for s in sys.argv[1:]] or [10_000, 100_000, 1_000_000]
    print("| sentences | grouping (s) | true pairs | found pairs | precision | recall | +1,000 sentences (s) | peak memory (MB) |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for size in sizes:
        r = run_one(size)
        print(f"| {r['sentences']:,} | {r['group_s']} | {r['true_pairs']:,} | {r['found_pairs']:,} | {r['precision']} | "
              f"{r['recall']} | {r['add_1000_s']} | {r['peak_mb']} |", flush=True)
    print("targets: recall >= 0.98, precision >= 0.99; 100k grouped < 6 s, 1M < 60 s; +1,000 to 1M < 1 s; memory < 2 GB")


if __name__ == "__main__":
    main()
