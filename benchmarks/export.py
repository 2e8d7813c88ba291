"""Time exporting labels to JSONL and check that memory stays flat as the data grows.

usage: python benchmarks/export.py [LABELS...]     (default 100000 1000000)
Each export runs as `annotator export` in its own process; its peak memory is read from the OS.
"""

from __future__ import annotations

import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

ANNOTATORS = ["ann", "bob", "cy", "dee", "eve"]
LABELS = ["fact", "claim", "opinion", "advert"]


def build(db: Path, labels: int, seed: int = 5) -> None:
    """labels / 4 units, each labeled by 4 of the 5 annotators."""
    from annotator.ingest import import_paths
    from annotator.store import Store
    from synth import write_corpus

    folder = db.parent / "corpus"
    write_corpus(folder, labels // 4, dup_share=0.0)
    store = Store(db)
    import_paths(store, [folder], group=False)
    rng = random.Random(seed)
    rows = []
    for (sid,) in store.query("SELECT id FROM sentences ORDER BY id"):
        truth = rng.choice(LABELS)
        for who in rng.sample(ANNOTATORS, 4):
            label = truth if rng.random() < 0.85 else rng.choice(LABELS)
            rows.append((sid, "label", who, label, None, "2026-01-01T00:00:00.000Z", None))
    store.add_events(rows)
    store.close()


def timed_export(db: Path, out: Path, mode: str) -> tuple[float, float]:
    start = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    subprocess.run([sys.executable, "-m", "annotator.cli", "export", "--out", str(out), "--mode", mode, "--db", str(db)],
                   check=True, capture_output=True)
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, max(peak, before) / 1024


def main() -> None:
    sizes = [int(s) for s in sys.argv[1:]] or [100_000, 1_000_000]
    print("| labels | mode | rows written | time (s) | peak memory (MB) |")
    print("|---:|---|---:|---:|---:|")
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            db = Path(tmp) / "export.db"
            build(db, size)
            for mode in ("all", "gold"):
                out = Path(tmp) / f"{mode}.jsonl"
                # each size in a fresh child: RUSAGE_CHILDREN is the max over children so far,
                # so run the biggest last; the figure is still an upper bound for the smaller ones
                elapsed, peak = timed_export(db, out, mode)
                rows = sum(1 for _ in open(out))
                print(f"| {size:,} | {mode} | {rows:,} | {elapsed:.2f} | {peak:.0f} |", flush=True)
    print("target: 1,000,000 labels to JSONL in under 10 s, memory flat")


if __name__ == "__main__":
    main()
