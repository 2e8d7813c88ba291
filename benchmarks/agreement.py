"""Time `annotator agreement --json` on 5 annotators x UNITS units with random gaps.

usage: python benchmarks/agreement.py [UNITS]     (default 200000)
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


def build(db: Path, units: int, seed: int = 3) -> int:
    """Import `units` sentences and give each annotator a label on about 70% of them."""
    from annotator.ingest import import_paths
    from annotator.store import Store
    from synth import write_corpus

    folder = db.parent / "corpus"
    write_corpus(folder, units, dup_share=0.0)
    store = Store(db)
    import_paths(store, [folder], group=False)  # every sentence its own unit
    rng = random.Random(seed)
    ids = [row[0] for row in store.query("SELECT id FROM sentences ORDER BY id")]
    rows = []
    for sid in ids:
        truth = rng.choice(LABELS)
        for who in ANNOTATORS:
            if rng.random() < 0.7:
                label = truth if rng.random() < 0.8 else rng.choice(LABELS)
                rows.append((sid, "label", who, label, None, "2026-01-01T00:00:00.000Z", None))
    store.add_events(rows)
    store.close()
    return len(rows)


def measure(units: int) -> tuple[int, float, str]:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "agreement.db"
        labels = build(db, units)
        start = time.perf_counter()
        out = subprocess.run([sys.executable, "-m", "annotator.cli", "agreement", "--json", "--db", str(db)],
                             capture_output=True, text=True, check=True)
        return labels, time.perf_counter() - start, out.stdout


def figures(size: int) -> list[tuple[str, str, str, bool]]:
    """(figure, target, measured, met) rows for benchmarks/run_all.py; size / 5 units."""
    units = max(1000, size // 5)
    labels, elapsed, _ = measure(units)
    target = 30 if size >= 10_000_000 else 5
    return [(f"`agreement --json`, 5 annotators x {units:,} units ({labels:,} labels)", f"< {target} s",
             f"{elapsed:.2f} s", elapsed < target)]


def main() -> None:
    units = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    labels, elapsed, stdout = measure(units)
    print("| figure | target | measured |")
    print("|---|---|---:|")
    print(f"| `agreement --json`, 5 annotators x {units:,} units ({labels:,} labels) | < 5 s | {elapsed:.2f} s |")
    print(f"<!-- {stdout[:200].strip()!r} -->")


if __name__ == "__main__":
    main()
