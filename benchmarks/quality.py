"""Quality control at scale: aggregation of 1M labels from 50 annotators, and routing with control items on.

usage: python benchmarks/quality.py aggregate [--labels 1000000] [--annotators 50]
       python benchmarks/quality.py routing [SENTENCES] [--control-rate 0.1] ...

Each part prints what it measured; the figures go to benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def bench_aggregate(argv: list[str]) -> None:
    """Aggregation time and peak memory for 1M labels from 50 annotators (target < 30 s, < 1 GB)."""
    raise SystemExit("aggregate: not written yet")


def bench_routing(argv: list[str]) -> None:
    """Routing's next-document p50/p99/max with control items mixed in (target p99 < 20 ms; 2.8 ms without).

    Imports SENTENCES synthetic sentences in documents of 25 (team.py's corpus), makes CONTROLS of them
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
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder, db = Path(tmp) / "corpus", Path(tmp) / "quality.db"
        write_corpus(folder, args.sentences, per_doc=25)
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
            "sentences": args.sentences, "documents": store.query("SELECT count(*) FROM documents")[0][0],
            "control_items": args.controls, "control_rate": args.control_rate, "overlap": args.overlap,
            "annotators": args.annotators, "import_and_grouping_s": round(imported, 1), "requests": len(waits),
            "next_document_ms_p50": round(1000 * statistics.median(waits), 2),
            "next_document_ms_p99": round(1000 * percentile(waits, 0.99), 2),
            "next_document_ms_max": round(1000 * max(waits), 2),
            "units_per_annotator": round(statistics.mean(n for n, _ in handed.values())),
            "control_share_min": round(min(shares), 4), "control_share_max": round(max(shares), 4),
        }))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("part", choices=("aggregate", "routing"))
    args, rest = parser.parse_known_args()
    {"aggregate": bench_aggregate, "routing": bench_routing}[args.part](rest)


if __name__ == "__main__":
    main()
