"""Sources at scale: the source table and an export split by source.

usage: python benchmarks/sources.py [SENTENCES] [--sources 20000]

Imports SENTENCES synthetic sentences (10% near-copies across documents) in documents from SOURCES
outlets, each with a date, labels every sentence once (one label per sentence: SENTENCES labels), then
times `annotator sources --json` and `annotator export --split 80/10/10 --split-by source`, with the
export's peak memory.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


# the peak of the command's own memory: VmHWM starts afresh at exec (ru_maxrss would carry the parent's)
PEAK = """
import runpy, sys
sys.argv = ["annotator", *sys.argv[1:]]
try:
    runpy.run_module("annotator.cli", run_name="__main__")
finally:
    hwm = [l for l in open("/proc/self/status") if l.startswith("VmHWM")][0].split()[1]
    print(hwm, file=sys.stderr)
"""


def run(*args: str) -> tuple[float, float, bytes]:
    """(seconds, peak MB, stdout) of an annotator command in a fresh process of its own."""
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", PEAK, *args], capture_output=True, check=True)
    took = time.perf_counter() - start
    return took, int(out.stderr.decode().strip().splitlines()[-1]) / 1024, out.stdout


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("sentences", nargs="?", type=int, default=1_000_000)
    parser.add_argument("--sources", type=int, default=20_000)
    args = parser.parse_args()
    from annotator.ingest import import_paths
    from annotator.store import Store
    from synth import write_corpus

    with tempfile.TemporaryDirectory() as tmp:
        folder, db = Path(tmp) / "corpus", Path(tmp) / "sources.db"
        write_corpus(folder, args.sentences, sources=args.sources)
        store = Store(db)
        start = time.perf_counter()
        import_paths(store, [folder])
        imported = time.perf_counter() - start
        rng = random.Random(3)
        names = ["fact", "claim", "opinion", "advert"]
        ids = [r[0] for r in store.query("SELECT id FROM sentences")]
        store.add_events((sid, "label", "ann", rng.choice(names), None, "2026-01-01T00:00:00.000Z", None) for sid in ids)
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        store.close()
        table_s, table_mb, out = run("sources", "--json", "--db", str(db))
        rows = json.loads(out)
        export_s, export_mb, _ = run("export", "--out", str(Path(tmp) / "data.jsonl"), "--split", "80/10/10",
                                     "--split-by", "source", "--min-annotators", "1", "--db", str(db))
        lines = sum(1 for name in ("train", "dev", "test") for _ in open(Path(tmp) / f"data.{name}.jsonl"))
        plain_s, plain_mb, _ = run("export", "--out", str(Path(tmp) / "plain.jsonl"), "--min-annotators", "1",
                                   "--db", str(db))
        print(json.dumps({
            "sentences": args.sentences, "sources": len(rows), "labels": len(ids), "import_and_grouping_s": round(imported, 1),
            "sources_json_s": round(table_s, 2), "sources_peak_mb": round(table_mb),
            "export_split_by_source_s": round(export_s, 2), "export_rows": lines, "export_peak_mb": round(export_mb),
            "export_unsplit_s": round(plain_s, 2), "export_unsplit_peak_mb": round(plain_mb),
        }))


if __name__ == "__main__":
    main()
