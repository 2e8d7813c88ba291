"""A team at work: annotator processes asking for documents and labeling at once; agreement for 400 people.

usage: python benchmarks/team.py [SENTENCES] [--annotators 10] [--seconds 120] [--overlap 2] [--pace 20]
                                 [--agreement-units 200000] [--agreement-people 400]

1. Imports SENTENCES synthetic sentences (default 1,000,000) in documents of 25 (40,000 documents),
   10% of them near-copies across documents, and sets the project's overlap.
2. Starts the annotator processes. Each asks for its next document (`route_next`, the call behind
   `annotator next` and the screen's "next"), labels the units it was given at PACE labels a second,
   and asks again, for SECONDS. Each records how long every request for a document took.
3. Checks that no unit was handed to, or labeled by, more annotators than the overlap, and that
   every label a worker stored is in the database (nothing lost).
4. Builds a second database of AGREEMENT_UNITS units where each of AGREEMENT_PEOPLE annotators
   labeled a 2% share, as routing with an overlap hands them out: the units in 50 blocks of 2%, each
   block labeled by 8 annotators (400 / 50), 80% of labels the unit's true one. Times `annotator
   agreement --json` and its size. With `--scattered`, each annotator's 2% is drawn at random
   instead, so every pair of the 400 shares some units (79,800 pairs listed).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

LABELS = ["fact", "claim", "opinion", "advert"]

WORKER = """
import json, sys, time
from annotator.store import Store
from annotator.timestamps import now
db, who, seconds, pace, out = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
store = Store(db, patience=60)
waits, handed, labels = [], [], 0
end = time.monotonic() + seconds
labels_due = time.monotonic()
while time.monotonic() < end:
    start = time.perf_counter()
    doc = store.route_next(who, now())
    waits.append(time.perf_counter() - start)
    if doc is None:
        break
    name = store.document(doc)[0]
    seen = set()
    for index in store.leased_indices(who, doc):
        s = store.sentence_at(name, index)
        if s.group_id in seen:  # a unit twice in one document: one label
            continue
        seen.add(s.group_id)
        handed.append(s.group_id)
        labels_due += 1 / pace
        pause = labels_due - time.monotonic()
        if pause > 0:
            time.sleep(pause)  # an annotator's pace, not a timing trick: the work is the measure
        store.add_event(s.id, "label", who, ("fact", "claim", "opinion", "advert")[s.group_id % 4], touch_lease=True)
        labels += 1
        if time.monotonic() >= end:
            break
json.dump({"waits": waits, "handed": handed, "labels": labels}, open(out, "w"))
"""


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def routing(sentences: int, people: int, seconds: float, overlap: int, pace: float) -> dict:
    from annotator.ingest import import_paths
    from annotator.store import Store
    from synth import write_corpus

    with tempfile.TemporaryDirectory() as tmp:
        folder, db = Path(tmp) / "corpus", Path(tmp) / "team.db"
        write_corpus(folder, sentences, per_doc=25)
        start = time.perf_counter()
        store = Store(db)
        import_paths(store, [folder])
        imported = time.perf_counter() - start
        store.set_project("overlap", str(overlap))
        docs = store.query("SELECT count(*) FROM documents")[0][0]
        procs = []
        for n in range(people):
            out = Path(tmp) / f"worker-{n}.json"
            procs.append((out, subprocess.Popen([sys.executable, "-c", WORKER, str(db), f"annotator{n:02d}",
                                                 str(seconds), str(pace), str(out)])))
        for _out, proc in procs:
            proc.wait()
        results = [json.loads(out.read_text()) for out, _ in procs]
        waits = [w for r in results for w in r["waits"]]
        handed = Counter(g for r in results for g in r["handed"])
        stored = store.query("SELECT count(*) FROM events WHERE kind = 'label'")[0][0]
        per_unit = store.query(
            "SELECT max(n) FROM (SELECT count(DISTINCT e.annotator) AS n FROM events e "
            "JOIN sentences s ON s.id = e.sentence_id WHERE e.kind = 'label' GROUP BY s.group_id)"
        )[0][0]
        return {
            "sentences": sentences, "documents": docs, "annotators": people, "overlap": overlap,
            "import_and_grouping_s": round(imported, 1),
            "requests": len(waits),
            "next_document_ms_p50": round(1000 * statistics.median(waits), 2),
            "next_document_ms_p99": round(1000 * percentile(waits, 0.99), 2),
            "next_document_ms_max": round(1000 * max(waits), 2),
            "labels_stored": stored, "labels_reported": sum(r["labels"] for r in results),
            "most_annotators_handed_one_unit": max(handed.values()) if handed else 0,
            "most_annotators_on_one_unit": per_unit,
        }


def agreement(units: int, people: int, share: float = 0.02, seed: int = 5, scattered: bool = False) -> dict:
    from annotator.ingest import import_paths
    from annotator.store import Store
    from synth import write_corpus

    with tempfile.TemporaryDirectory() as tmp:
        folder, db = Path(tmp) / "corpus", Path(tmp) / "agreement.db"
        write_corpus(folder, units, dup_share=0.0)
        store = Store(db)
        import_paths(store, [folder], group=False)
        ids = [row[0] for row in store.query("SELECT id FROM sentences ORDER BY id")]
        rng = random.Random(seed)
        truth = {sid: rng.choice(LABELS) for sid in ids}
        rows = []
        size = int(share * len(ids))
        blocks = max(1, round(1 / share))
        for n in range(people):
            block = n % blocks
            mine = rng.sample(ids, size) if scattered else ids[block * size:(block + 1) * size]
            for sid in mine:
                label = truth[sid] if rng.random() < 0.8 else rng.choice(LABELS)
                rows.append((sid, "label", f"annotator{n:03d}", label, None, "2026-01-01T00:00:00.000Z", None))
        store.add_events(rows)
        store.close()
        start = time.perf_counter()
        out = subprocess.run([sys.executable, "-m", "annotator.cli", "agreement", "--json", "--db", str(db)],
                             capture_output=True, check=True)
        took = time.perf_counter() - start
        report = json.loads(out.stdout)
        return {"scattered": scattered, "units": units, "annotators": people, "labels": len(rows), "agreement_s": round(took, 2),
                "json_mb": round(len(out.stdout) / 1e6, 2), "pairs_listed": len(report["cohen_kappa"]),
                "documents_listed": len(report["documents"])}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("sentences", nargs="?", type=int, default=1_000_000)
    parser.add_argument("--annotators", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--overlap", type=int, default=2)
    parser.add_argument("--pace", type=float, default=20, help="labels a second per annotator process")
    parser.add_argument("--agreement-units", type=int, default=200_000)
    parser.add_argument("--agreement-people", type=int, default=400)
    parser.add_argument("--scattered", action="store_true", help="each annotator's 2%% at random")
    parser.add_argument("--skip-routing", action="store_true")
    args = parser.parse_args()
    if not args.skip_routing:
        figures = routing(args.sentences, args.annotators, args.seconds, args.overlap, args.pace)
        print(json.dumps(figures))
    figures = agreement(args.agreement_units, args.agreement_people, scattered=args.scattered)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
