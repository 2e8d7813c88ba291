"""Time importing a synthetic corpus: read, segment, hash and store (grouping: benchmarks/dedup.py).

usage: python benchmarks/ingest.py [SIZES...]     e.g. 10000 100000 1000000
Each size runs in its own process so its peak memory is its own.
"""

from __future__ import annotations

import json
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synth import run_child, write_corpus_in_child  # noqa: E402


def measure(size: int) -> dict:
    from annotator.ingest import import_paths
    from annotator.store import Store
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "corpus"
        write_corpus_in_child(folder, size)
        store = Store(Path(tmp) / "bench.db")
        start = time.perf_counter()
        report = import_paths(store, [folder], group=False)
        stored = time.perf_counter() - start
        assert report.sentences == size, (report.sentences, size)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return {"sentences": size, "import_s": round(stored, 2), "sentences_per_s": round(size / stored),
                "peak_mb": round(peak)}


def run_one(size: int) -> dict:
    return run_child(__file__, size)


def figures(size: int) -> list[tuple[str, str, str, bool]]:
    """(figure, target, measured, met) rows for benchmarks/run_all.py."""
    r = run_one(size)
    small = run_one(max(1000, size // 10))
    growth = (r["import_s"] / small["import_s"]) / (r["sentences"] / small["sentences"])
    target_s = 30 * size / 1_000_000
    return [
        (f"import {size:,} sentences (read, segment, hash, store)", f"< {target_s:g} s", f"{r['import_s']} s", r["import_s"] < target_s),
        (f"import peak memory at {size:,}", "< 1024 MB", f"{r['peak_mb']} MB", r["peak_mb"] < 1024),
        ("import time growth, 10x the sentences", "linear (ratio < 1.3)", f"{growth:.2f}", growth < 1.3),
    ]


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--one":
        print(json.dumps(measure(int(sys.argv[2]))))
        return
    sizes = [int(s) for s in sys.argv[1:]] or [10_000, 100_000, 1_000_000]
    print("| sentences | import (s) | sentences/s | peak memory (MB) |")
    print("|---:|---:|---:|---:|")
    for size in sizes:
        r = run_one(size)
        print(f"| {r['sentences']:,} | {r['import_s']} | {r['sentences_per_s']:,} | {r['peak_mb']} |", flush=True)
    print("targets: 1,000,000 sentences imported in under 30 s, peak memory under 1 GB, time linear in size")


if __name__ == "__main__":
    main()
