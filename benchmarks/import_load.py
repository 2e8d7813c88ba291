"""Labeling while an import runs: four annotators at five labels a second each, and one annotator in
the screen, while SENTENCES synthetic sentences are imported and grouped.

usage: python benchmarks/import_load.py [SENTENCES]      (default 1000000)
Prints: labels given, stored, lost and failed; kept current labels that differ from the events; how
long a label waited to commit (p50, p99, max); the screen's keypress latency during the import; the
import's time alone and under this load.
"""

from __future__ import annotations

import asyncio
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synth import write_corpus_in_child  # noqa: E402
from tui import FrameClock  # noqa: E402

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
ANNOTATORS, RATE_HZ = 4, 5.0


def annotator(db: str, name: str, stop: str, out: str) -> None:
    """Label at RATE_HZ through the screens' own writer until `stop` exists; write what happened to `out`."""
    from annotator.session import Session
    from annotator.store import Store
    from annotator.writer import BackgroundWriter

    given: dict[int, float] = {}
    waits: list[float] = []
    failed: list[str] = []
    clock = time.monotonic
    writer = BackgroundWriter(db, on_landed=lambda key, _: waits.append(clock() - given.pop(key)),
                              on_failed=lambda key, message: failed.append(message))
    session = Session(Store(db), name, writer=writer)
    rng = random.Random(name)
    count, next_at = 0, clock()
    while not Path(stop).exists():
        next_at += 1 / RATE_HZ
        time.sleep(max(0.0, next_at - clock()))
        if session.sentence is None or not session.sentences:
            session.change_document(1)
            continue
        session.select(rng.randrange(len(session.sentences)))
        key = count
        given[key] = clock()
        # the screens' writer, keyed by this label's number so its landing can be timed
        writer.submit(_label_job(session, rng.choice(["fact", "claim", "opinion", "advert"])), key)
        count += 1
        if count % 40 == 0:
            session.change_document(1)
    writer.close()
    Path(out).write_text(json.dumps({"given": count, "waits": waits, "failed": failed, "unlanded": len(given)}))


def _label_job(session, label):
    s, who = session.sentence, session.annotator
    return lambda store: store.add_event(s.id, "label", who, label)


async def screen(db: str, stop: str, out: str) -> None:
    """The annotation screen, headless, a key every 100 ms until `stop` exists: keypress latency."""
    from annotator.store import Store
    from annotator.tui.app import AnnotatorApp
    from annotator.tui.screens.annotate import AnnotateScreen

    app = AnnotatorApp(Store(db), "screen")
    latencies: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        while not (isinstance(app.screen, AnnotateScreen) and app.screen.para_widgets):
            await pilot.pause()
        view = app.screen
        n = 0
        with FrameClock() as clock:
            while not Path(stop).exists():
                latencies.append((await clock.label(app, view, "fcoa"[n % 4]))[0])
                n += 1
                await asyncio.sleep(0.1)
        app.writer.wait()
    Path(out).write_text(json.dumps({"latencies": latencies}))


IMPORT = "from annotator.ingest import import_paths; from annotator.store import Store; import sys; " \
         "import_paths(Store(sys.argv[1]), [sys.argv[2]])"


def timed_import(db: Path, folder: Path) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", IMPORT, str(db), str(folder)], check=True)
    return time.perf_counter() - start


def base_database(path: Path) -> None:
    from annotator.ingest import import_paths
    from annotator.store import Store

    store = Store(path)
    import_paths(store, [CORPUS])
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))] if ordered else float("nan")


def main() -> None:
    if sys.argv[1:2] == ["--annotator"]:
        annotator(*sys.argv[2:6])
        return
    if sys.argv[1:2] == ["--screen"]:
        asyncio.run(screen(*sys.argv[2:5]))
        return
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        folder = tmp / "corpus"
        write_corpus_in_child(folder, size)
        base = tmp / "base.db"
        base_database(base)
        alone_db, loaded_db = tmp / "alone.db", tmp / "loaded.db"
        shutil.copy(base, alone_db)
        shutil.copy(base, loaded_db)
        alone = timed_import(alone_db, folder)

        stop = tmp / "stop"
        children = [subprocess.Popen([sys.executable, __file__, "--annotator", str(loaded_db), f"annotator-{n}",
                                      str(stop), str(tmp / f"annotator-{n}.json")]) for n in range(ANNOTATORS)]
        children.append(subprocess.Popen([sys.executable, __file__, "--screen", str(loaded_db), str(stop),
                                          str(tmp / "screen.json")]))
        time.sleep(3)  # everyone is labeling before the import starts
        loaded = timed_import(loaded_db, folder)
        time.sleep(1)
        stop.touch()
        for child in children:
            child.wait(timeout=120)

        import sqlite3

        conn = sqlite3.connect(loaded_db)
        given = waits = failed = unlanded = stored = 0
        all_waits: list[float] = []
        for n in range(ANNOTATORS):
            result = json.loads((tmp / f"annotator-{n}.json").read_text())
            given += result["given"]
            all_waits += result["waits"]
            failed += len(result["failed"])
            unlanded += result["unlanded"]
            stored += conn.execute("SELECT count(*) FROM events WHERE annotator = ?", (f"annotator-{n}",)).fetchone()[0]
        # labels were given while the grouping moved sentences between groups: the kept current labels
        # must still be what the events say
        derived = ("SELECT grp, annotator, id FROM (SELECT s.group_id AS grp, e.annotator, e.id, "
                   "max(e.created_at || char(31) || e.uid) FROM events e JOIN sentences s ON s.id = e.sentence_id "
                   "WHERE e.kind = 'label' AND e.undone = 0 AND e.label IS NOT NULL GROUP BY 1, 2)")
        kept = "SELECT group_id, annotator, event_id FROM current_labels"
        mismatched = conn.execute(f"SELECT (SELECT count(*) FROM ({derived} EXCEPT {kept})) + "
                                  f"(SELECT count(*) FROM ({kept} EXCEPT {derived}))").fetchone()[0]
        current = conn.execute("SELECT count(*) FROM current_labels").fetchone()[0]
        waits = all_waits
        keys = json.loads((tmp / "screen.json").read_text())["latencies"]
        slower = loaded / alone - 1

    print(f"Labeling during an import of {size:,} sentences: {ANNOTATORS} annotators at {RATE_HZ:g} labels/s each, "
          "and one in the screen.\n")
    print("| figure | target | measured |")
    print("|---|---|---:|")
    print(f"| labels given / stored | all stored | {given:,} / {stored:,} |")
    print(f"| labels lost or failed | 0 | {given - stored + failed + unlanded} |")
    print(f"| current labels that differ from what the events say (of {current:,}) | 0 | {mismatched} |")
    print(f"| label commit wait, median / p99 / max | p99 < 1 s | {statistics.median(waits) * 1000:.0f} ms / "
          f"{percentile(waits, 0.99) * 1000:.0f} ms / {max(waits) * 1000:.0f} ms |")
    print(f"| screen keypress latency during the import, median / p99 ({len(keys)} keys) | p99 < 50 ms | "
          f"{statistics.median(keys):.1f} ms / {percentile(keys, 0.99):.1f} ms |")
    print(f"| import and grouping, alone / under this load | no more than 15% slower | {alone:.1f} s / {loaded:.1f} s "
          f"({slower * 100:+.0f}%) |")


if __name__ == "__main__":
    main()
