"""Faults on the storage side (issue 25): a full disk under the annotation screen, the review screen's
decisions and the command-line writers; another program's database and a read-only mount. Each case
prints what was lost and how it was said. The disk is a real 4 MB tmpfs (root may mount one), filled
with a file; without mount rights SQLite's own page cap stands in for it, and the script says so.

usage: python benchmarks/faults_store.py
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


def cli(*args, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "annotator.cli", *map(str, args)], capture_output=True,
                          text=True, cwd=ROOT, **kwargs)


def said(result: subprocess.CompletedProcess) -> str:
    lines = (result.stderr.strip() or result.stdout.strip()).splitlines()
    return f"exit {result.returncode}, said: {lines[-1] if lines else 'nothing'}"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def rows(db: Path) -> str:
    """Every row of every table, hashed: the same before and after means nothing was written."""
    conn = sqlite3.connect(db)
    tables = [t for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    text = repr([conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in tables])
    conn.close()
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def mount(*args: str) -> bool:
    return subprocess.run(["mount", *args], capture_output=True).returncode == 0


class Disk:
    """A small file system the database lives on, filled up and freed on demand."""

    def __init__(self, folder: Path):
        folder.mkdir()
        self.folder = folder
        self.real = mount("-t", "tmpfs", "-o", "size=4m", "tmpfs", str(folder))
        self.filler = folder / "filler"

    def fill(self) -> None:
        fd = os.open(self.filler, os.O_WRONLY | os.O_CREAT)
        try:
            while True:
                os.write(fd, b"\0" * 4096)
        except OSError:
            pass
        finally:
            os.close(fd)

    def free(self) -> None:
        self.filler.unlink(missing_ok=True)

    def close(self) -> None:
        if self.real:
            subprocess.run(["umount", "--lazy", str(self.folder)], check=True)


def cap_unless_real(disk: Disk, store, app) -> None:
    """Without a real small disk, a page cap on the writer's connection stands in for the full disk."""
    if not disk.real:
        (pages,) = store.query("PRAGMA page_count")[0]
        app.writer.submit(lambda s: s.conn.execute(f"PRAGMA max_page_count = {pages}"))


async def screen_on_a_full_disk(disk: Disk) -> None:
    """Label on the annotation screen while the disk is full, free space, count what landed."""
    from annotator.ingest import import_paths
    from annotator.store import Store
    from annotator.tui.app import AnnotatorApp

    db = disk.folder / "screen.db"
    store = Store(db)
    import_paths(store, [CORPUS / "iraq-battleground.txt"])
    if disk.real:
        disk.fill()
    app = AnnotatorApp(store, "alice")
    async with app.run_test(size=(120, 40)) as pilot:
        cap_unless_real(disk, store, app)
        given = []
        for key in "fcoa" * 5:
            given.append(app.screen.session.sentence.id)
            await pilot.press(key)
        app.writer.settle(30)
        await pilot.pause()
        stored_full = store.query("SELECT count(*) FROM events WHERE annotator = 'alice'")[0][0]
        panel = str(app.screen.query_one("#sentence-info").render())
        notice = next((line for line in panel.splitlines() if line.startswith("disk full")), "none")
        await pilot.press("q")
        asked = type(app.screen).__name__
        await pilot.press("n")
        if disk.real:
            disk.free()
        else:
            app.writer.store.conn.execute("PRAGMA max_page_count = 1073741823")
        app.writer.wait(60)
        await pilot.pause()
        stored = [sid for (sid,) in store.query("SELECT sentence_id FROM events WHERE annotator = 'alice' ORDER BY id")]
        landed = [n.message for n in app._notifications if n.message.startswith("Saved:")]
        await pilot.press("q")
    print(f"annotation screen, disk full: 20 labels given, {stored_full} stored while full; panel said: {notice}; "
          f"q showed {asked}; after freeing space {len(stored)} stored, in order: {stored == given}, "
          f"lost {len(given) - len(stored)}; said: {landed[-1] if landed else 'nothing'}")


async def quitting_on_a_full_disk(disk: Disk) -> None:
    from annotator.ingest import import_paths
    from annotator.store import Store
    from annotator.tui.app import AnnotatorApp

    disk.free()
    db = disk.folder / "quit.db"
    store = Store(db)
    import_paths(store, [CORPUS / "wire-port-strike.txt"])
    if disk.real:
        disk.fill()
    app = AnnotatorApp(store, "bob")
    async with app.run_test(size=(120, 40)) as pilot:
        cap_unless_real(disk, store, app)
        given = 0
        while not app.writer.full and given < 200:  # until the log has no room left
            await pilot.press("f")
            given += 1
            app.writer.settle(30)
        await pilot.press("c", "q")
        asked = type(app.screen).__name__
        await pilot.press("y")
    lost = app.close_writer()
    stored = store.query("SELECT count(*) FROM events WHERE annotator = 'bob'")[0][0]
    print(f"quitting on a full disk: {given + 1} labels given, q showed {asked}, the user chose to quit: "
          f"{stored} stored, and the command says: disk full while writing DB: {lost} changes not saved "
          f"(given - stored - said = {given + 1 - stored - lost})")


def writers_on_a_full_disk(disk: Disk, tmp: Path) -> None:
    disk.free()
    db = disk.folder / "cli.db"
    cli("import", CORPUS / "wire-port-strike.txt", "--db", db)
    offline = tmp / "offline.db"
    sqlite3.connect(db).execute(f"VACUUM INTO '{offline}'")
    cli("import-labels", "/dev/stdin", "--db", offline, input=json.dumps(
        {"doc": "corpus/wire-port-strike.txt", "index": 3, "annotator": "dee", "label": "fact"}) + "\n")
    stories = tmp / "stories.jsonl"
    stories.write_text("".join(json.dumps({"id": f"story-{n}", "text": " ".join(
        f"Story {n} reports fact {k} about the port of Halden." for k in range(20))}) + "\n" for n in range(400)))
    labels = tmp / "labels.jsonl"
    labels.write_text(json.dumps({"doc": "corpus/wire-port-strike.txt", "index": 1, "annotator": "ann",
                                  "label": "claim"}) + "\n")
    if not disk.real:
        print("command-line writers: skipped (needs a real full disk: mount a tmpfs as root)")
        return
    disk.fill()
    before = rows(db)
    for args in [("import", stories), ("import-labels", labels), ("merge", offline)]:
        result = cli(*args, "--db", db)
        print(f"{args[0]} on a full disk: {said(result).replace(str(db), '<db>')}")
    integrity = sqlite3.connect(db).execute("PRAGMA integrity_check").fetchone()[0]
    print(f"    rows unchanged: {rows(db) == before}, integrity {integrity}")


def another_programs_database(tmp: Path) -> None:
    history = tmp / "History"
    conn = sqlite3.connect(history)
    conn.execute("CREATE TABLE meta(key LONGVARCHAR NOT NULL UNIQUE PRIMARY KEY, value LONGVARCHAR)")
    conn.execute("INSERT INTO meta VALUES ('version', '67')")
    conn.execute("CREATE TABLE urls(id INTEGER PRIMARY KEY, url LONGVARCHAR)")
    conn.commit()
    conn.close()
    before = digest(history)
    results = [cli(*args, "--db", history) for args in
               [("stats",), ("export", "--out", tmp / "x.jsonl"), ("annotate",), ("import", CORPUS)]]
    print(f"a browser history with a meta table: stats, export, annotate, import all exit "
          f"{sorted({r.returncode for r in results})}, said: {said(results[0]).split('said: ')[1].replace(str(tmp), '<tmp>')}; "
          f"file unchanged: {digest(history) == before}, nothing beside it: {sorted(p.name for p in tmp.iterdir())}")


def read_only_mount(tmp: Path) -> None:
    source, mounted = tmp / "source", tmp / "ro"
    source.mkdir()
    mounted.mkdir()
    cli("import", CORPUS, "--db", source / "team.db")
    if not mount("--bind", "-o", "ro", str(source), str(mounted)):
        print("read-only mount: skipped (cannot bind-mount here)")
        return
    try:
        before = digest(source / "team.db")
        reads = {name: cli(name, "--db", mounted / "team.db").returncode
                 for name in ("stats", "agreement", "disagreements", "dupes", "sources", "progress")}
        export = cli("export", "--out", tmp / "out.jsonl", "--db", mounted / "team.db").returncode
        write = cli("import", CORPUS / "op-ed-transit.md", "--db", mounted / "team.db")
        print(f"read-only mount: {reads}, export {export}; import {said(write).replace(str(mounted), '<ro>')}; "
              f"file unchanged: {digest(source / 'team.db') == before}")
    finally:
        subprocess.run(["umount", "--lazy", str(mounted)], check=True)


def main() -> None:
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        disk = Disk(tmp / "disk")
        print(f"the disk: {'a real 4 MB tmpfs, filled with a file' if disk.real else 'SQLite page cap (no mount rights)'}")
        try:
            asyncio.run(screen_on_a_full_disk(disk))
            asyncio.run(quitting_on_a_full_disk(disk))
            writers_on_a_full_disk(disk, tmp)
        finally:
            disk.close()
        (tmp / "hostile").mkdir()
        another_programs_database(tmp / "hostile")
        read_only_mount(tmp)


if __name__ == "__main__":
    main()
