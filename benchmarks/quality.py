"""Quality control at scale: aggregation of 1M labels from 50 annotators, and routing with control items on.

usage: python benchmarks/quality.py aggregate [--labels 1000000] [--annotators 50] [--units 200000] [--store UNITS]
       python benchmarks/quality.py routing [SENTENCES] [--control-rate 0.1] ...

Each part prints what it measured; the figures go to benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def simulated_labels(n_labels: int, n_annotators: int, n_units: int, n_classes: int, spammers: int, seed: int):
    """Annotators of known accuracy (evenly from 0.55 to 0.95; the last `spammers` answer at random),
    each label a random annotator on a random unit (one label per annotator and unit, as the store keeps
    it), wrong labels spread evenly: (units, annotators, labels, truth, accuracy per annotator)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    accuracy = np.linspace(0.55, 0.95, n_annotators - spammers)
    accuracy = np.concatenate([accuracy, np.full(spammers, 1 / n_classes)])
    truth = rng.integers(n_classes, size=n_units)
    # a few more draws than asked, so that one label per annotator and unit leaves `n_labels`
    drawn = int(n_labels * 1.1)
    units = rng.integers(n_units, size=drawn)
    annotators = rng.integers(n_annotators, size=drawn)
    _, first = np.unique(units * n_annotators + annotators, return_index=True)
    keep = rng.permutation(first)[:n_labels]
    units, annotators = units[keep], annotators[keep]
    right = rng.random(len(units)) < accuracy[annotators]
    wrong = (truth[units] + rng.integers(1, n_classes, size=n_labels)) % n_classes
    labels = np.where(right, truth[units], wrong)
    # a spammer's "right" answers are chance too: their label is uniform whatever the truth
    spam = annotators >= n_annotators - spammers
    labels[spam] = rng.integers(n_classes, size=int(spam.sum()))
    return units, annotators, labels, truth, accuracy


def bench_aggregate(argv: list[str]) -> None:
    """Aggregation time and peak memory for 1M labels from 50 annotators (target < 30 s, < 1 GB)."""
    import resource
    import time
    import tracemalloc

    import numpy as np

    from annotator import scheme
    from annotator.quality.aggregation import MODEL_NAMES, aggregate

    parser = argparse.ArgumentParser(prog="quality.py aggregate")
    parser.add_argument("--labels", type=int, default=1_000_000)
    parser.add_argument("--annotators", type=int, default=50)
    parser.add_argument("--units", type=int, default=200_000)
    parser.add_argument("--spammers", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--store", type=int, metavar="UNITS",
                        help="instead: time the `annotator aggregate` command (read, model, write) on a database "
                             "of UNITS units, five annotators labeling about 70%% of them (agreement.py's)")
    args = parser.parse_args(argv)
    if args.store:
        bench_aggregate_command(args.store)
        return
    k = len(scheme.labels())
    units, annotators, labels, truth, accuracy = simulated_labels(
        args.labels, args.annotators, args.units, k, args.spammers, args.seed)
    print(f"{len(labels):,} labels from {args.annotators} annotators ({args.spammers} spammers) on "
          f"{len(np.unique(units)):,} units, {k} labels; true accuracy {accuracy.min():.2f} to {accuracy.max():.2f}")
    shape = dict(n_units=args.units, n_annotators=args.annotators, n_classes=k)
    for model in ("majority", "ds", "one-coin"):
        tracemalloc.start()
        started = time.perf_counter()
        result = aggregate(model, units, annotators, labels, **shape)
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        labeled = np.bincount(units, minlength=args.units) > 0
        right = (result.labels[labeled] == truth[labeled]).mean()
        off = np.abs(result.accuracy - accuracy).max()
        print(f"{MODEL_NAMES[model]:<22} {seconds:6.2f} s  peak {peak / 2**20:6.0f} MiB  "
              f"{result.iterations:3d} rounds  labels right {right:.4f}  "
              f"estimated accuracy off by at most {off:.3f}")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process peak resident memory: {rss:.0f} MiB")


def bench_aggregate_command(n_units: int) -> None:
    """The whole `annotator aggregate` command per model, on a database built as agreement.py builds its."""
    import json
    import subprocess
    import tempfile
    import time

    from agreement import build

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "aggregate.db"
        labels = build(db, n_units)
        print(f"`annotator aggregate`: {labels:,} labels from 5 annotators on {n_units:,} units")
        for model in ("majority", "ds", "one-coin"):
            started = time.perf_counter()
            out = subprocess.run([sys.executable, "-m", "annotator.cli", "aggregate", "--model", model, "--json",
                                  "--db", str(db)], capture_output=True, text=True, check=True)
            said = json.loads(out.stdout)
            print(f"{model:<9} command {time.perf_counter() - started:6.2f} s (it reports {said['seconds']:.2f} s: "
                  f"read, model, write), mean confidence {said['mean_confidence']:.3f}")


def bench_routing(argv: list[str]) -> None:
    """Routing's next-document p50/p99/max with control items mixed in (target p99 < 20 ms; 2.8 ms without)."""
    raise SystemExit("routing: not written yet")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("part", choices=("aggregate", "routing"))
    args, rest = parser.parse_known_args()
    {"aggregate": bench_aggregate, "routing": bench_routing}[args.part](rest)


if __name__ == "__main__":
    main()
