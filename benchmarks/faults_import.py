"""Faults on the import side (issue 25): two imports at once, a kill and a Ctrl+C during the grouping,
hostile files in a folder. Each case runs real processes on a database of its own and prints what
was lost (sentences never grouped, or marked grouped without their hash row; good documents missing)
and how the fault was reported.

usage: python benchmarks/faults_import.py [DOCUMENTS]      (default 2000 per import)
"""

from __future__ import annotations

import gzip
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

STATEMENTS = [
    "The port authority said the strike had cost the region four million dollars a day.",
    "Dockworkers walked out on Monday after talks over the new shift rota broke down.",
    "Union leaders promised to keep the picket lines in place until a deal was signed.",
]
# a child import that stops once its grouping has computed, says so, and waits for a signal
PAUSED = textwrap.dedent("""
    import sys
    from annotator import dedup
    from annotator.cli import main

    original = dedup._save

    def pause(*args):
        print("grouping", flush=True)
        sys.stdin.readline()
        return original(*args)

    dedup._save = pause
    main(["import", *sys.argv[1:]])
""")


def stories(folder: Path, prefix: str, count: int) -> Path:
    folder.mkdir(parents=True)
    for n in range(count):
        (folder / f"{prefix}{n:05d}.txt").write_text(" ".join(STATEMENTS) + f" Story {prefix} {n} ends.")
    return folder


def losses(db: Path, documents: int) -> str:
    from annotator.store import Store

    store = Store(db)
    counts = store.query(
        "SELECT (SELECT count(*) FROM documents WHERE importing IS NULL), "
        "(SELECT count(*) FROM sentences WHERE grouped = 0), "
        "(SELECT count(*) FROM sentences s WHERE grouped = 1 AND NOT EXISTS "
        " (SELECT 1 FROM hashes h WHERE h.sentence_id = s.id)), "
        "(SELECT count(DISTINCT group_id) FROM sentences WHERE text IN (?, ?, ?))", STATEMENTS)[0]
    store.close()
    stored, pending, unhashed, statement_groups = counts
    return (f"documents missing {documents - stored}, sentences pending {pending}, grouped without hash "
            f"{unhashed}, copies of the {len(STATEMENTS)} statements in {statement_groups} groups")


def cli(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "annotator.cli", *args], capture_output=True, text=True, **kwargs)


def last_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else "(nothing)"


def records(path: Path, prefix: str, count: int) -> Path:
    """One JSON Lines file of `count` stories: over 5,000 sentences, it is written hidden in batches."""
    path.write_text("".join(json.dumps({"id": f"{prefix}{n}", "text": " ".join(STATEMENTS) + f" Story {n} ends."}) + "\n"
                            for n in range(count)))
    return path


def two_imports_at_once(tmp: Path, count: int) -> None:
    db = tmp / "two.db"
    a, b = stories(tmp / "a", "a", count), records(tmp / "b.jsonl", "b", count)
    first = subprocess.Popen([sys.executable, "-m", "annotator.cli", "import", str(a), "--db", str(db)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    second = subprocess.Popen([sys.executable, "-m", "annotator.cli", "import", str(b), "--db", str(db)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    outs = [p.communicate() for p in (first, second)]
    said = "; ".join(filter(None, (err.strip() for _out, err in outs))) or "nothing on stderr"
    print(f"two imports at once: {losses(db, 2 * count)}; exit {first.returncode} and {second.returncode}; {said}")


def stopped_while_grouping(tmp: Path, count: int, how: signal.Signals) -> None:
    db = tmp / f"{how.name}.db"
    folder = stories(tmp / how.name, "s", count)
    child = subprocess.Popen([sys.executable, "-c", PAUSED, str(folder), "--db", str(db)], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    assert child.stdout.readline() == "grouping\n"
    os.killpg(child.pid, how)
    _out, err = child.communicate()
    said = last_line(err) if err.strip() else "nothing (killed)"
    after = cli("stats", "--db", str(db))
    again = cli("import", str(folder), "--db", str(db))
    print(f"{how.name} during the grouping: exit {child.returncode}, said: {said}; stats said: "
          f"{last_line(after.stderr) if after.stderr.strip() else 'nothing'}; the next import: "
          f"{last_line(again.stdout)}; then {losses(db, count)}")


def hostile_folder(tmp: Path) -> None:
    db = tmp / "hostile.db"
    folder = stories(tmp / "hostile", "good", 3)
    (folder / "bomb.jsonl.gz").write_bytes(gzip.compress(b'{"text": "' + b"a" * (40 << 20) + b'"}\n', 9))
    (folder / "deep.jsonl").write_text('{"text": "Hi.", "meta": ' + "[" * 100_000 + "]" * 100_000 + "}\n")
    (folder / "old.jsonl").write_text(json.dumps({"text": "Hi there.", "date": "0001-01-01T00:00:00+01:00"}))
    (folder / "forged\nimported everything.txt").write_text("A sentence here.")
    os.mkfifo(folder / "pipe.txt")
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(str(folder / "socket.jsonl"))
    try:
        start = time.perf_counter()
        result = cli("import", str(folder), "--db", str(db), "--max-file-mb", "16", timeout=120)
        took = time.perf_counter() - start
    finally:
        listener.close()
    print(f"hostile folder (exit {result.returncode}, {took:.1f} s): {losses(db, 4)}")
    for line in (result.stdout + result.stderr).splitlines():
        print(f"    {line.replace(str(folder), '<folder>')}")


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    with tempfile.TemporaryDirectory() as tmp:
        two_imports_at_once(Path(tmp), count)
        stopped_while_grouping(Path(tmp), count, signal.SIGINT)
        stopped_while_grouping(Path(tmp), count, signal.SIGKILL)
        hostile_folder(Path(tmp))


if __name__ == "__main__":
    main()
