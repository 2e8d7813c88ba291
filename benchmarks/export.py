"""Time exporting labels to JSONL and check that memory stays flat as the data grows.

usage: python benchmarks/export.py [LABELS...]     (default 100000 1000000)
Each export runs as `annotator export` in its own process; its peak memory is read from the OS.
"""

from __future__ import annotations

import random
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


# Run the command and report its own high-water mark: ru_maxrss of a child on Linux keeps the
# parent's peak across exec, VmHWM belongs to the new program alone.
_CHILD = """
import atexit, sys
from annotator.cli import main
atexit.register(lambda: print([l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1], file=sys.stderr))
sys.argv = ['annotator', *sys.argv[1:]]
main()
"""


def timed_export(db: Path, out: Path, mode: str) -> tuple[float, float]:
    """(seconds, peak MB) of one `annotator export` process."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _CHILD, "export", "--out", str(out), "--mode", mode, "--db", str(db)],
                          capture_output=True, text=True, check=True)
    elapsed = time.perf_counter() - start
    return elapsed, int(done.stderr.strip().splitlines()[-1]) / 1024


def timed_stats(db: Path) -> float:
    """Seconds of one `annotator stats --json` process."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "annotator.cli", "stats", "--json", "--db", str(db)],
                   capture_output=True, check=True)
    return time.perf_counter() - start


def figures(size: int) -> list[tuple[str, str, str, bool]]:
    """(figure, target, measured, met) rows for benchmarks/run_all.py."""
    rows = []
    peaks = []
    for labels in (max(1000, size // 10), size):
        with tempfile.TemporaryDirectory() as tmp:
            db = Path(tmp) / "export.db"
            build(db, labels)
            elapsed, peak = timed_export(db, Path(tmp) / "all.jsonl", "all")
            peaks.append(peak)
            stats_s = timed_stats(db)
    target = 10 * size / 1_000_000
    rows.append((f"export {size:,} labels to JSONL", f"< {target:g} s", f"{elapsed:.2f} s", elapsed < target))
    rows.append((f"export peak memory, {size // 10:,} vs {size:,} labels", "flat (< 1.5x)",
                 f"{peaks[0]:.0f} / {peaks[1]:.0f} MB", peaks[1] < 1.5 * peaks[0]))
    rows.append((f"`stats --json`, {size:,} labels on {size // 4:,} sentences", "< 2 s", f"{stats_s:.2f} s", stats_s < 2))
    return rows


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
                elapsed, peak = timed_export(db, out, mode)
                rows = sum(1 for _ in open(out))
                print(f"| {size:,} | {mode} | {rows:,} | {elapsed:.2f} | {peak:.0f} |", flush=True)
    print("target: 1,000,000 labels to JSONL in under 10 s, memory flat")


if __name__ == "__main__":
    main()
