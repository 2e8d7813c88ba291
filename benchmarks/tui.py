"""Open the annotation app headless on a database of N sentences; time the first screen and labeling.

usage: python benchmarks/tui.py [SENTENCES]      (default 1000000)
The database is built once into benchmarks/out/ and reused.
"""

from __future__ import annotations

import asyncio
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

OUT = Path(__file__).resolve().parent / "out"


def corpus_db(size: int) -> Path:
    """A database holding `size` synthetic sentences, grouped; built on first use."""
    from annotator.ingest import import_paths
    from annotator.store import Store
    from synth import write_corpus

    path = OUT / f"corpus-{size}.db"
    if path.exists():
        return path
    if "--build" not in sys.argv:  # build in a child, so this process's peak memory is the app's own
        subprocess.run([sys.executable, __file__, "--build", str(size)], check=True)
        return path
    OUT.mkdir(exist_ok=True)
    folder = OUT / f"corpus-{size}"
    if not folder.exists():
        write_corpus(folder, size)
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    store = Store(partial)
    import_paths(store, [folder])
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    partial.rename(path)
    return path


def clean(db: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)


class FrameClock:
    """Times a label key: from the key event entering the app to the end of the first screen update
    drawn after the label was handed over and the next sentence selected (ms), and the handling alone."""

    def __enter__(self):
        from textual.screen import Screen

        self.frames: list[float] = []
        self.original = original = Screen._compositor_refresh
        frames = self.frames

        def recording(screen):
            original(screen)
            frames.append(time.perf_counter())

        Screen._compositor_refresh = recording
        return self

    def __exit__(self, *exc) -> None:
        from textual.screen import Screen

        Screen._compositor_refresh = self.original

    async def label(self, app, screen, key: str) -> tuple[float, float]:
        from textual import events

        before = len(screen.session.undo_stack)
        self.frames.clear()
        t = time.perf_counter()
        app._driver.send_message(events.Key(key, key))
        while len(screen.session.undo_stack) == before:
            await asyncio.sleep(0)
        done = time.perf_counter()
        while not any(f >= done for f in self.frames):
            await asyncio.sleep(0.0005)
        return (min(f for f in self.frames if f >= done) - t) * 1000, (done - t) * 1000


async def measure(path: Path, labels: int = 500, copy: bool = True) -> dict:
    """With copy=False the app works on `path` itself (which others may be using meanwhile)."""
    from annotator.store import Store
    from annotator.tui.app import AnnotatorApp
    from annotator.tui.screens.annotate import AnnotateScreen

    work = path.with_name("tui-bench.db") if copy else path
    if copy:
        clean(work)
        shutil.copyfile(path, work)  # not read into memory: the app's peak is its own
    start = time.perf_counter()
    app = AnnotatorApp(Store(work), "bench")
    async with app.run_test(size=(120, 40)) as pilot:
        while not (isinstance(app.screen, AnnotateScreen) and app.screen.para_widgets):
            await pilot.pause()
        first = time.perf_counter() - start
        await pilot.pause()
        # latency: from the key event entering the app to the end of the first screen update
        # drawn after the label was stored and the next sentence selected
        screen = app.screen
        latencies, handled = [], []
        with FrameClock() as clock:
            for n in range(labels):
                latency, handling = await clock.label(app, screen, "fcoa"[n % 4])
                latencies.append(latency)
                handled.append(handling)
        app.writer.wait()
        stored = app.store.query("SELECT count(*) FROM events WHERE annotator = 'bench'")[0][0]
    app.close_writer()  # as `annotator` does on the way out: a retrain still running in the background stops
    if copy:
        clean(work)
    latencies.sort()
    return {
        "first_s": first,
        "median_ms": statistics.median(latencies),
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1],
        "labels": stored,
        "handled_ms": statistics.median(handled),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def figures(size: int) -> list[tuple[str, str, str, bool]]:
    """(figure, target, measured, met) rows for benchmarks/run_all.py."""
    from export import timed_stats

    path = corpus_db(size)
    r = asyncio.run(measure(path))
    stats_s = timed_stats(path)
    return [
        (f"`stats --json`, {size:,} sentences", "< 2 s", f"{stats_s:.2f} s", stats_s < 2),
        (f"TUI start to first sentence, {size:,} sentences", "< 1.5 s", f"{r['first_s']:.2f} s", r["first_s"] < 1.5),
        ("TUI keypress to next sentence, median of 500", "< 15 ms", f"{r['median_ms']:.1f} ms", r["median_ms"] < 15),
        ("TUI keypress to next sentence, 99th percentile", "< 50 ms", f"{r['p99_ms']:.1f} ms", r["p99_ms"] < 50),
    ]


def main() -> None:
    if sys.argv[1:2] == ["--build"]:
        corpus_db(int(sys.argv[2]))
        return
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    path = corpus_db(size)
    r = asyncio.run(measure(path))
    print("| figure | target | measured |")
    print("|---|---|---:|")
    print(f"| start to first sentence, {size:,} sentences | < 1.5 s | {r['first_s']:.2f} s |")
    print(f"| keypress to next sentence, median of 500 labels | < 15 ms | {r['median_ms']:.1f} ms |")
    print(f"| keypress to next sentence, 99th percentile | < 50 ms | {r['p99_ms']:.1f} ms |")
    print(f"| of which key handling and storing the label, median | | {r['handled_ms']:.1f} ms |")
    print(f"| labels stored | 500 | {r['labels']} |")
    print(f"| peak memory of the app process | (not the corpus) | {r['peak_mb']:.0f} MB |")


if __name__ == "__main__":
    main()
