"""Model suggestions: do they learn, and are they fast enough?

usage: python benchmarks/suggest.py curves CORPUS.json [--seeds 3]
       python benchmarks/suggest.py speed [--labeled 100000] [--unlabeled 1000000]
       python benchmarks/suggest.py keypress [SENTENCES]

curves: learning curves on a real labeled sentence corpus, a JSON list of {"text", "label"} (the
  ClaimBuster sets, see the README). A quarter is held back (stratified) for testing; from 50 random
  labels, the model asks for more until 100, 200, 400 and 800 are labeled, choosing either the units
  it is least sure of (smallest margin between its two likeliest labels: `order uncertain`) or units
  at random. Macro-F1 on the held-back units, per seed, beside the majority-class baseline.
speed: a database of LABELED + UNLABELED synthetic sentences with LABELED of them labeled; times
  `annotator suggest --no-evaluation` (training, then suggesting for every unlabeled unit and
  storing it) and its peak memory, and the cross-validation on its own.
keypress: the annotation screen's keypress latency (benchmarks/tui.py) while `annotator suggest`
  retrains in the background on 100,000 labels.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

SIZES = (100, 200, 400, 800)
START = 50


def curves(path: Path, seeds: int) -> dict:
    import numpy as np
    from sklearn.metrics import f1_score
    from sklearn.model_selection import train_test_split

    from annotator.suggest import margins

    data = json.loads(path.read_text())
    texts = [d["text"] for d in data]
    labels = [str(d["label"]) for d in data]
    results: dict[str, list[list[float]]] = {"uncertain": [], "random": []}
    baselines = []
    for seed in range(seeds):
        pool_x, test_x, pool_y, test_y = train_test_split(texts, labels, test_size=0.25, stratify=labels,
                                                          random_state=seed)
        majority = Counter(pool_y).most_common(1)[0][0]
        baselines.append(f1_score(test_y, [majority] * len(test_y), average="macro", zero_division=0))
        for strategy in results:
            rng = random.Random(seed)
            chosen = rng.sample(range(len(pool_x)), START)
            scores = []
            for size in SIZES:
                rest = sorted(set(range(len(pool_x))) - set(chosen))
                need = size - len(chosen)
                if need > 0 and strategy == "random":
                    chosen += rng.sample(rest, need)
                elif need > 0:
                    model = fit([pool_x[i] for i in chosen], [pool_y[i] for i in chosen], seed)
                    gaps = margins(model.predict_proba([pool_x[i] for i in rest]))
                    chosen += [rest[i] for i in np.argsort(gaps, kind="stable")[:need]]
                model = fit([pool_x[i] for i in chosen], [pool_y[i] for i in chosen], seed)
                scores.append(f1_score(test_y, model.predict(test_x), average="macro", zero_division=0))
            results[strategy].append(scores)
    return {
        "corpus": str(path), "units": len(texts), "labels": dict(Counter(labels)), "seeds": seeds,
        "sizes": list(SIZES), "majority_baseline": statistics.mean(baselines),
        **{f"{s}_per_seed": v for s, v in results.items()},
        **{f"{s}_mean": [statistics.mean(col) for col in zip(*v)] for s, v in results.items()},
    }


def fit(x, y, seed):
    from annotator.suggest import build_model

    counts = Counter(y)
    return build_model(len(x), min(counts.values()), seed).fit(x, y)


def labeled_db(folder: Path, labeled: int, unlabeled: int) -> Path:
    """Synthetic sentences, the first `labeled` of them labeled (a label that follows their words,
    with 20% noise, so there is something to learn)."""
    from annotator.ingest import import_paths
    from annotator.store import Store
    from synth import write_corpus

    write_corpus(folder / "corpus", labeled + unlabeled, dup_share=0.0)
    db = folder / "suggest.db"
    store = Store(db)
    import_paths(store, [folder / "corpus"], group=False)
    rng = random.Random(4)
    names = ["fact", "claim", "opinion", "advert"]
    rows = []
    for sid, text in store.query("SELECT id, text FROM sentences ORDER BY id LIMIT ?", (labeled,)):
        words = text.split()
        label = names[len(words[1]) % 4] if rng.random() < 0.8 else rng.choice(names)
        rows.append((sid, "label", "ann", label, None, "2026-01-01T00:00:00.000Z", None))
    store.add_events(rows)
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    return db


def speed(labeled: int, unlabeled: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        db = labeled_db(Path(tmp), labeled, unlabeled)
        start = time.perf_counter()
        out = subprocess.run([sys.executable, "-m", "annotator.cli", "suggest", "--json", "--no-evaluation",
                              "--db", str(db)], capture_output=True, text=True, check=True)
        total = time.perf_counter() - start
        report = json.loads(out.stdout)
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        from annotator.store import Store
        from annotator.suggest import evaluate, training_units

        store = Store(db)
        units = training_units(store)
        texts = store.representative_texts(units)
        groups = sorted(units)
        start = time.perf_counter()
        evaluation = evaluate([texts[g] for g in groups], [units[g] for g in groups])
        cv = time.perf_counter() - start
        return {"labeled": labeled, "unlabeled": unlabeled, "suggested": report["suggested"],
                "train_s": round(report["seconds"]["train"], 1), "suggest_s": round(report["seconds"]["suggest"], 1),
                "command_s": round(total, 1), "peak_mb": round(peak), "cv_s": round(cv, 1), "cv_units": evaluation.units,
                "cv_macro_f1": round(evaluation.macro_f1, 3), "baseline": round(evaluation.baseline_macro_f1, 3)}


def keypress(size: int) -> dict:
    import tui

    path = tui.corpus_db(size)
    labeled = path.with_name(f"suggest-keypress-{size}.db")
    if not labeled.exists():
        from annotator.store import Store

        labeled.write_bytes(path.read_bytes())
        store = Store(labeled)
        rng = random.Random(2)
        names = ["fact", "claim", "opinion", "advert"]
        ids = [r[0] for r in store.query("SELECT id FROM sentences WHERE id = group_id ORDER BY id DESC LIMIT 100000")]
        store.add_events([(sid, "label", "ann", rng.choice(names), None, "2026-01-01T00:00:00.000Z", None) for sid in ids])
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        store.close()
    from annotator.retrain import start

    retrain = start(str(labeled))  # exactly as the screen starts it
    time.sleep(3)  # the retrain is under way (reading and training) before the first key
    result = asyncio.run(tui.measure(labeled, copy=False))
    still = retrain.poll() is None
    retrain.wait()
    return {"sentences": size, "retrain_running_throughout": still, "median_ms": round(result["median_ms"], 1),
            "p99_ms": round(result["p99_ms"], 1), "labels": result["labels"]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["curves", "speed", "keypress"])
    parser.add_argument("corpus", nargs="?")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--labeled", type=int, default=100_000)
    parser.add_argument("--unlabeled", type=int, default=1_000_000)
    args = parser.parse_args()
    if args.what == "curves":
        print(json.dumps(curves(Path(args.corpus), args.seeds)))
    elif args.what == "speed":
        print(json.dumps(speed(args.labeled, args.unlabeled)))
    else:
        print(json.dumps(keypress(int(args.corpus or 1_000_000))))


if __name__ == "__main__":
    main()
