"""Run every benchmark at one size and print a Markdown table: figure, target, measured, pass/fail.

usage: python benchmarks/run_all.py [SIZE]      (default 1000000 sentences / labels)
"""

from __future__ import annotations

import os
import platform
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import agreement  # noqa: E402
import dedup  # noqa: E402
import export  # noqa: E402
import ingest  # noqa: E402
import tui  # noqa: E402


def machine() -> str:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores, {memory:.0f} GiB, {platform.machine()}, Python {platform.python_version()}"


def main() -> None:
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    print(f"Benchmarks at size {size:,}, {date.today().isoformat()}, on {machine()}.\n")
    print("| figure | target | measured | result |")
    print("|---|---|---:|---|")
    failed = 0
    # from ten million on, the import is timed with the grouping (dedup), whose grouped database the
    # TUI benchmark then opens instead of importing the same corpus again
    modules = (ingest, dedup, tui, agreement, export) if size < 10_000_000 else (dedup, tui, agreement, export)
    os.environ["KEEP_GROUPED_DB"] = str(tui.OUT / "corpus-{size}.db")
    tui.OUT.mkdir(exist_ok=True)
    for module in modules:
        started = time.perf_counter()
        for figure, target, measured, met in module.figures(size):
            failed += not met
            print(f"| {figure} | {target} | {measured} | {'pass' if met else '**fail**'} |", flush=True)
        print(f"<!-- {module.__name__}: {time.perf_counter() - started:.0f} s -->", file=sys.stderr)
    print(f"\n{failed} target{'s' * (failed != 1)} missed.")


if __name__ == "__main__":
    main()
