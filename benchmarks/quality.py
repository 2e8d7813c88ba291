"""Quality control at scale: aggregation of 1M labels from 50 annotators, and routing with control items on.

usage: python benchmarks/quality.py aggregate [--labels 1000000] [--annotators 50] [--units 200000] [--store UNITS]
       python benchmarks/quality.py routing [SENTENCES] [--control-rate 0.1] [--doc-size 25] ...

Each part prints what it measured; the figures go to benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
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
    """Routing's next-document p50/p99/max with control items mixed in (target p99 < 20 ms; 2.8 ms without).

    Imports SENTENCES synthetic sentences in documents of DOC_SIZE (25: team.py's corpus), makes CONTROLS of them
    control items, sets the overlap and the control rate, then ANNOTATORS take turns asking for their
    next document (`route_next`) and labeling what they were handed, REQUESTS times each, in one
    process: the figure is the request's own time, not a wait on other writers (team.py measures those).
    Prints the percentiles and each annotator's share of control units."""
    import random
    import statistics
    import tempfile
    import time

    from annotator.ingest import import_paths
    from annotator.store import Store
    from annotator.timestamps import now
    from synth import write_corpus
    from team import LABELS, percentile

    parser = argparse.ArgumentParser(prog="quality.py routing")
    parser.add_argument("sentences", nargs="?", type=int, default=1_000_000)
    parser.add_argument("--control-rate", type=float, default=0.1)
    parser.add_argument("--controls", type=int, default=2_000)
    parser.add_argument("--annotators", type=int, default=10)
    parser.add_argument("--requests", type=int, default=300, help="per annotator")
    parser.add_argument("--overlap", type=int, default=2)
    parser.add_argument("--doc-size", type=int, default=25, help="sentences per document")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder, db = Path(tmp) / "corpus", Path(tmp) / "quality.db"
        write_corpus(folder, args.sentences, per_doc=args.doc_size)
        store = Store(db)
        start = time.perf_counter()
        import_paths(store, [folder])
        imported = time.perf_counter() - start
        rng = random.Random(3)
        ids = [row[0] for row in store.query("SELECT id FROM sentences WHERE id = group_id")]
        store.add_control_items([(sid, rng.choice(LABELS), None) for sid in rng.sample(ids, args.controls)], "file")
        store.set_project("overlap", str(args.overlap))
        store.set_project("control_rate", str(args.control_rate))
        controls = {row[0] for row in store.query(
            "SELECT s.group_id FROM control_items c JOIN sentences s ON s.id = c.sentence_id")}
        waits: list[float] = []
        handed = {f"annotator{n:02d}": [0, 0] for n in range(args.annotators)}  # units, control units
        for _ in range(args.requests):
            for who, counts in handed.items():
                began = time.perf_counter()
                doc = store.route_next(who, now())
                waits.append(time.perf_counter() - began)
                if doc is None:
                    continue
                name = store.document(doc)[0]
                units = {}
                for index in store.leased_indices(who, doc):
                    sentence = store.sentence_at(name, index)
                    units.setdefault(sentence.group_id, sentence.id)
                counts[0] += len(units)
                counts[1] += len(controls & units.keys())
                store.add_events([(sid, "label", who, LABELS[g % 4], None, None, None) for g, sid in units.items()])
        shares = [c / n for n, c in handed.values() if n]
        print(json.dumps({
            "sentences": args.sentences, "doc_size": args.doc_size, "documents": store.query("SELECT count(*) FROM documents")[0][0],
            "control_items": args.controls, "control_rate": args.control_rate, "overlap": args.overlap,
            "annotators": args.annotators, "import_and_grouping_s": round(imported, 1), "requests": len(waits),
            "next_document_ms_p50": round(1000 * statistics.median(waits), 2),
            "next_document_ms_p99": round(1000 * percentile(waits, 0.99), 2),
            "next_document_ms_max": round(1000 * max(waits), 2),
            "units_per_annotator": round(statistics.mean(n for n, _ in handed.values())),
            "control_share_min": round(min(shares), 4), "control_share_max": round(max(shares), 4),
            "control_shares": {who: round(c / n, 4) for who, (n, c) in handed.items() if n},
        }))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("part", choices=("aggregate", "routing"))
    args, rest = parser.parse_known_args()
    {"aggregate": bench_aggregate, "routing": bench_routing}[args.part](rest)


if __name__ == "__main__":
    main()
