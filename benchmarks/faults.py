"""Faults: attack the tool as issue 25 did, and print what was lost and how each fault was reported.

usage: python benchmarks/faults.py [CASE...]      (cases: disk-full, concurrent-imports, kill-grouping,
                                                   hostile-files, export-onto-db; default: all)

Every case runs against fresh temporary databases built from the bundled corpus/ or small generated
files, each in a child process with a timeout, so nothing here can hang: a case that does not end in
time is reported as "hang". What was lost is counted exactly, against what the tool accepted (labels
handed to the writer, documents an import committed, sentences it marked grouped); how it was
reported is the line the user saw, or "traceback" / "hang" / "silent". Prints a Markdown table; it
asserts nothing (a defect not fixed yet shows as a loss, not as a failure of this script).
"""

from __future__ import annotations

import gzip
import json
import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CORPUS = ROOT / "corpus"
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

CHILD_TIMEOUT_S = 100  # a whole case; each command inside it has a shorter timeout of its own
MEMORY_CAP = 3 << 30  # address space of a command fed a decompression bomb: it fails, the machine does not
LABELS = ("fact", "claim", "opinion", "advert")


# -- running commands ------------------------------------------------------------------------------

def cli(*args, timeout: float = 60, memory: int | None = None, wait: bool = True):
    """Run `python -m annotator.cli ARGS` in its own process group. Returns (exit code or "hang",
    stdout, stderr); with wait=False, the Popen."""
    def limits():
        if memory:
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200"}
    proc = subprocess.Popen([sys.executable, "-m", "annotator.cli", *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, errors="replace", env=env, start_new_session=True,
                            preexec_fn=limits)
    if not wait:
        return proc
    return finish(proc, timeout)


def finish(proc: subprocess.Popen, timeout: float):
    try:
        out, err = proc.communicate(timeout=timeout)
        return proc.returncode, out, err
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # the import's worker processes too
        out, err = proc.communicate()
        return "hang", out, err


def short(line: str, width: int = 220) -> str:
    line = line.strip()
    return line if len(line) <= width else line[: width - 1].rstrip() + "…"


def told(code, out: str, err: str, subject: str = "") -> str:
    """How a command reported what happened to `subject`: "hang", "traceback", the one line it
    printed about it, or "silent"."""
    if code == "hang":
        return f"hang (killed after its timeout{'; ' + err.strip().splitlines()[-1] if err.strip() else ''})"
    if code == -signal.SIGKILL:
        return "killed (out of memory?)"
    if "Traceback (most recent call last)" in err:
        count = err.count("Traceback (most recent call last)")
        return f"traceback{f' x{count}' if count > 1 else ''}: {short(err.strip().splitlines()[-1])}"
    lines = [line for line in (err + out).splitlines() if line.strip()]
    about = [line for line in lines if subject and subject in line and line.startswith(("error", "Error", "skipped"))]
    if about:
        return short(about[0]) + (f" (+{len(about) - 1} lines)" if len(about) > 1 else "")
    if code != 0 and lines:
        return short(lines[0])
    return "silent"


def count(db: Path, sql: str, params=()) -> int | None:
    """One number from the database, read on a connection of its own; None if it cannot be read."""
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
        try:
            row = conn.execute(sql, params).fetchone()
            return row[0] if row else None
        finally:
            conn.close()
    except sqlite3.Error:
        return None


def child(case: str, work: Path) -> dict:
    """Run one case in a process of its own (a hang there cannot hang this one); its last line is JSON."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, __file__, "--child", case, str(work)]
    private = ["unshare", "--mount", "--propagation", "private"]
    if case == "disk-full" and shutil.which("unshare") and subprocess.run([*private, "true"], capture_output=True).returncode == 0:
        # a mount namespace of its own: the small disk it mounts is gone when it ends, however it ends
        command = [*private, *command]
        env["FAULTS_PRIVATE_MOUNTS"] = "1"
    proc = subprocess.Popen(command, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, start_new_session=True)
    code, out, err = finish(proc, CHILD_TIMEOUT_S)
    lines = out.strip().splitlines()
    if code == 0 and lines:
        return json.loads(lines[-1])
    return {"rows": [[case, "not known", told(code, out, err)]]}


# -- what a grouping left behind ------------------------------------------------------------------

def grouping_damage(db: Path) -> dict:
    """Sentences of visible documents left pending; marked grouped without their hash row or their
    text's band rows; exact copies (same normalised text) left in different groups."""
    from annotator.dedup import normalise, token_set

    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    visible = "doc_id IN (SELECT id FROM documents WHERE importing IS NULL)"
    one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
    pending = one(f"SELECT count(*) FROM sentences WHERE grouped = 0 AND {visible}")
    no_hash = one("SELECT count(*) FROM sentences s WHERE s.grouped = 1 AND s.pinned = 0 AND NOT EXISTS "
                  "(SELECT 1 FROM hashes h WHERE h.norm_hash = s.norm_hash AND h.sentence_id = s.id)")
    # every text grouped is signed once: some sentence with its hash holds its band rows
    banded = {h for (h,) in conn.execute(
        "SELECT DISTINCT s.norm_hash FROM bands b JOIN sentences s ON s.id = b.sentence_id")}
    no_bands = 0
    for norm_hash, text, members in conn.execute(
            "SELECT norm_hash, min(text), count(*) FROM sentences WHERE grouped = 1 AND pinned = 0 GROUP BY norm_hash"):
        if norm_hash not in banded and token_set(normalise(text)) is not None:
            no_bands += members
    apart = one(f"SELECT count(*) FROM (SELECT norm_hash FROM sentences WHERE pinned = 0 AND grouped = 1 AND {visible} "
                "GROUP BY norm_hash HAVING count(DISTINCT group_id) > 1)")
    documents = one("SELECT count(*) FROM documents WHERE importing IS NULL")
    sentences = one(f"SELECT count(*) FROM sentences WHERE {visible}")
    conn.close()
    return {"pending": pending, "no_hash": no_hash, "no_bands": no_bands, "apart": apart,
            "documents": documents, "sentences": sentences}


def plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def damage_words(d: dict) -> str:
    parts = []
    if d["no_hash"] or d["no_bands"]:
        parts.append(f"{plural(max(d['no_hash'], d['no_bands']), 'sentence')} marked grouped but never grouped "
                     f"({d['no_hash']:,} without hash row, {d['no_bands']:,} without band rows)")
    if d["pending"]:
        parts.append(f"{plural(d['pending'], 'sentence')} left ungrouped")
    if d["apart"]:
        parts.append(f"{plural(d['apart'], 'exact-copy set')} never joined")
    return "; ".join(parts)


# -- 1. disk full while an annotator labels ----------------------------------------------------------

class SmallDisk:
    """A real full disk: a tmpfs of a few megabytes (mounted in this process's own mount namespace,
    so it goes when the process does), filled to the last byte by a filler file; `free` deletes it."""

    SIZE = 16 << 20

    def __init__(self, folder: Path):
        if not os.environ.get("FAULTS_PRIVATE_MOUNTS"):
            raise OSError("no mount namespace of our own: a mount here would outlive us")
        folder.mkdir()
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={self.SIZE}", "tmpfs", str(folder)],
                              capture_output=True)
        if done.returncode != 0:
            raise OSError("cannot mount a tmpfs here")
        self.folder = folder
        self.filler = folder / "filler"

    def fill(self) -> None:
        block = b"\0" * 4096
        with open(self.filler, "wb", buffering=0) as out:
            try:
                while True:
                    out.write(block)
            except OSError:
                pass  # ENOSPC: the disk is full

    def free(self) -> None:
        self.filler.unlink()


class CappedDisk:
    """Where no tmpfs can be mounted: every connection this process opens to the database gets
    PRAGMA max_page_count (SQLite then fails a write that grows the file with "database or disk is
    full"; unlike a real full disk, at the INSERT, not at the COMMIT); `free` raises the cap."""

    def __init__(self, db: Path):
        self.db = str(db.resolve())
        self.cap: int | None = None
        self.connections: list[sqlite3.Connection] = []
        self._connect = sqlite3.connect
        sqlite3.connect = self._open

    def _open(self, database, *args, **kwargs):
        conn = self._connect(database, *args, **kwargs)
        if str(database) != ":memory:" and os.path.realpath(str(database)) == self.db:
            self.connections.append(conn)
            if self.cap:
                conn.execute(f"PRAGMA max_page_count = {self.cap}")
        return conn

    def fill(self) -> None:
        with self._connect(self.db) as conn:
            self.cap = conn.execute("PRAGMA page_count").fetchone()[0]
        for conn in self.connections:
            conn.execute(f"PRAGMA max_page_count = {self.cap}")

    def free(self) -> None:
        self.cap = 1 << 30
        for conn in self.connections:
            conn.execute(f"PRAGMA max_page_count = {self.cap}")


def case_disk_full(work: Path) -> list[list[str]]:
    built = work / "full.db"
    code, out, err = cli("import", CORPUS, "--db", built)
    if code != 0:
        return [["disk full while labeling", "not run", f"import failed: {told(code, out, err)}"]]
    try:
        disk = SmallDisk(work / "disk")
        db = disk.folder / "full.db"
        shutil.copy(built, db)
        kind = "a 16 MB tmpfs filled up"
    except OSError:
        db = built
        disk = CappedDisk(db)
        kind = "PRAGMA max_page_count"
    from annotator.session import Session
    from annotator.store import Store
    from annotator.writer import BackgroundWriter, disk_full_notice

    heard: list[str] = []
    crashes: list[str] = []
    threading.excepthook = lambda args: crashes.append(f"{args.exc_type.__name__}: {args.exc_value}")
    # what the annotation screen shows, from the writer's callbacks
    writer = BackgroundWriter(str(db), on_failed=lambda _key, message: heard.append(message),
                              on_waiting=lambda _key, waited: heard.append(f"(still saving after {waited:.0f} s)"),
                              on_full=lambda pending, _message: heard.append(disk_full_notice(pending)),
                              on_room=lambda kept: heard.append(f"Saved: {kept} labels kept while the disk was "
                                                                "full are stored now."))
    session = Session(Store(db), "ann", writer=writer)
    writer.wait(10)
    disk.fill()
    for n in range(300):  # a morning's labels, given while the disk is full
        session.label(LABELS[n % 4])
    writer.wait(3)
    full_heard = list(heard)
    disk.free()
    for n in range(20):  # space freed: labeling goes on
        session.label(LABELS[n % 4])
    landed = writer.close(timeout=8)  # `q`: the screen waits for what is queued
    accepted = [entry.uid for entry in session.undo_stack if entry.kind == "label"]
    conn = sqlite3.connect(db)
    stored = {uid for (uid,) in conn.execute("SELECT uid FROM events WHERE kind = 'label'")}
    conn.close()
    lost = len([uid for uid in accepted if uid not in stored])
    reported = []
    if crashes:
        reported.append(f"traceback (the writer thread died: {short(crashes[0])})")
    if full_heard:
        reported.append(f"'{short(full_heard[0])}'" + (f" (+{len(full_heard) - 1} more)" if len(full_heard) > 1 else ""))
    reported.extend(f"then '{short(line)}'" for line in heard[len(full_heard):])
    if not landed:
        reported.append("hang (closing waits for the writer forever)")
    return [[f"disk full while labeling ({kind}; 300 labels, then space freed, 20 more)",
             f"{lost:,} of {plural(len(accepted), 'label')}", "; ".join(reported) or "silent"]]


# -- 2. two imports at once into one database ---------------------------------------------------------

def generated(folder: Path, sentences: int, docs_per_file: int = 150) -> Path:
    """A synthetic corpus (benchmarks/synth.py: 10% copies, exact or edited), 40 sentences a document."""
    from synth import write_corpus

    write_corpus(folder, sentences, per_doc=40, docs_per_file=docs_per_file)
    return folder


def pause_outside_a_write(proc: subprocess.Popen, db: Path) -> bool:
    """SIGSTOP an import between two of its write transactions (never holding the write lock, which
    would only make the other import wait); False if it ended first (or never left its writes)."""
    probe = sqlite3.connect(db, timeout=0, isolation_level=None)
    deadline = time.monotonic() + 30
    try:
        while proc.poll() is None and time.monotonic() < deadline:
            os.killpg(proc.pid, signal.SIGSTOP)
            try:
                probe.execute("BEGIN IMMEDIATE")
                probe.execute("ROLLBACK")
                return True
            except sqlite3.OperationalError:  # inside a transaction: let it finish it
                os.killpg(proc.pid, signal.SIGCONT)
                time.sleep(0.002)
        return False
    finally:
        probe.close()


def case_concurrent_imports(work: Path) -> list[list[str]]:
    """Two imports into one database, their writes interleaved as when two people import at once:
    the first writes a small file, then a large Parquet file, hidden a batch of rows at a time until it
    is whole; once two of its three batches are written (the first import held there by SIGSTOP,
    between two transactions), the second imports its own file and starts grouping, and the first
    goes on: it publishes its file while the second groups. Then every sentence marked grouped must
    have been grouped, and exact copies found across both imports."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    from annotator.readers.parquet import BATCH_ROWS

    source = generated(work / "gen", 48_000, docs_per_file=60)  # 20 files of 60 documents, 2,400 sentences
    parts = sorted(source.glob("*.jsonl"))
    first_files, second_files = work / "first", work / "second"
    first_files.mkdir()
    second_files.mkdir()
    with open(first_files / "a-small.jsonl", "w") as out:  # 4,800 sentences: one transaction
        for path in parts[0:2]:
            out.write(path.read_text())
    # 24,000 one-sentence documents: a Parquet import reads them BATCH_ROWS rows at a time
    rows = [(f"{r['id']}-{i}", line) for path in parts[2:12] for r in map(json.loads, open(path))
            for i, line in enumerate(r["text"].split("\n"))]
    pq.write_table(pa.table({"id": [r[0] for r in rows], "text": [r[1] for r in rows]}),
                   first_files / "b-large.parquet")
    with open(second_files / "c.jsonl", "w") as out:  # 19,200 sentences
        for path in parts[12:20]:
            out.write(path.read_text())
    expected = 2 * 60 + len(rows) + 8 * 60 + 7  # 7: the bundled corpus
    db = work / "two.db"
    assert cli("import", CORPUS, "--db", db)[0] == 0  # the database exists before both start
    first = cli("import", first_files, "--db", db, wait=False)
    deadline = time.monotonic() + 60
    watch = sqlite3.connect(db, timeout=10)
    while first.poll() is None and time.monotonic() < deadline and \
            watch.execute("SELECT count(*) FROM documents WHERE importing IS NOT NULL").fetchone()[0] < 2 * BATCH_ROWS:
        time.sleep(0.005)
    watch.close()
    paused = pause_outside_a_write(first, db)
    second = cli("import", second_files, "--db", db, wait=False)
    # the second reads what is pending as soon as it takes the grouping lease; the first then
    # publishes its file (one small batch and a commit) while the second is still grouping
    while paused and second.poll() is None and time.monotonic() < deadline and not grouping_lease(db):
        time.sleep(0.005)
    time.sleep(0.2)
    if paused:
        os.killpg(first.pid, signal.SIGCONT)
    results = [finish(first, 60), finish(second, 60)]
    damage = grouping_damage(db)
    lost_docs = expected - damage["documents"]
    lost = "; ".join(([plural(lost_docs, "document")] if lost_docs else []) + ([damage_words(damage)] if damage_words(damage) else [])) or "0"
    said = [told(*r) for r in results if r[0] != 0]
    reported = "; ".join(said) if said else ("silent (both imports said all was well)" if lost != "0"
                                               else "both imports ended normally")
    how = "" if paused else "; the first import ended before it could be held: no interleaving"
    return [[f"two imports at once ({damage['sentences']:,} sentences{how})", lost, reported]]


# -- 3. SIGKILL and SIGINT of an import during its grouping --------------------------------------------

def grouping_lease(db: Path) -> bool:
    return bool(count(db, "SELECT count(*) FROM meta WHERE key LIKE 'lease:grouping%'"))


SENTENCES_KILLED = 30_000


def case_kill_grouping(work: Path) -> list[list[str]]:
    """An import stopped while it groups, as a container kill (SIGKILL) or Ctrl+C (SIGINT to its
    process group, as the terminal sends it) would, at a share of the time its grouping takes when
    nothing stops it; then the next command (`stats`) and the next import. What it committed must
    stay, and be grouped: at once, or said to be pending by the next command and finished after."""
    source = generated(work / "gen", SENTENCES_KILLED)
    template = work / "template.db"
    assert cli("import", CORPUS, "--db", template)[0] == 0
    # the reference: how long the grouping takes when nothing stops it
    db = work / "ref.db"
    shutil.copy(template, db)
    proc = cli("import", source, "--db", db, wait=False)
    started = grouping_started(proc, db)
    finish(proc, 90)
    grouping_s = time.monotonic() - started if started else 2.0
    rows = []
    for sig, name in ((signal.SIGKILL, "SIGKILL"), (signal.SIGINT, "SIGINT (Ctrl+C)")):
        for share in (0.1, 0.4, 0.7):
            db = work / f"kill-{sig}-{share}.db"
            shutil.copy(template, db)
            proc = cli("import", source, "--db", db, wait=False)
            begun = grouping_started(proc, db)
            if begun is None:
                rows.append([f"{name} during grouping", "not run", "the import ended before its grouping was seen"])
                continue
            time.sleep(max(0.0, begun + share * grouping_s - time.monotonic()))
            alive = proc.poll() is None
            grouping = grouping_lease(db)
            try:
                os.killpg(proc.pid, sig)
            except ProcessLookupError:  # it ended just now
                alive = False
            code, out, err = finish(proc, 30)
            accepted = count(db, "SELECT count(*) FROM documents WHERE importing IS NULL")
            after = cli("stats", "--db", db, timeout=60)  # the next command
            waited = grouping_damage(db)["pending"]
            again = cli("import", source, "--db", db, timeout=90)  # and the next import (its documents are there)
            damage = grouping_damage(db)
            lost_docs = accepted - damage["documents"]
            lost = damage_words(damage) or "0"
            if lost_docs:
                lost = f"{plural(lost_docs, 'committed document')}; " + lost
            if waited:
                lost += f" ({plural(waited, 'sentence')} ungrouped until the next import)"
            at = (f"at {share:.0%} of the grouping's usual time" if alive and grouping else
                  "after its grouping ended" if alive else "after the import ended")
            stop = "nothing (SIGKILL)" if sig == signal.SIGKILL else told(code, out, err)
            # what the next command said beyond its usual figures: its stderr, or a word of the grouping
            said = after[2].strip().splitlines() + [line for line in after[1].splitlines()
                                                     if any(w in line.lower() for w in ("pending", "grouping", "ungrouped"))]
            next_said = told(*after) if after[0] != 0 else (short(said[0]) if said else "silent")
            if again[0] != 0:
                next_said += f"; the next import: {told(*again)}"
            rows.append([f"{name} {at} ({SENTENCES_KILLED:,} sentences; then `stats`, then the import again)", lost,
                         f"on stop: {stop}; `stats`: {next_said}"])
    return rows


def grouping_started(proc: subprocess.Popen, db: Path) -> float | None:
    """Watch the database until the import takes the grouping lease; the time it did, or None if it ended first."""
    deadline = time.monotonic() + 90
    while proc.poll() is None and time.monotonic() < deadline:
        if db.exists() and grouping_lease(db):
            return time.monotonic()
        time.sleep(0.02)
    return None


# -- 4. hostile files in a folder import ------------------------------------------------------------

SENTENCE = "The port authority said on Monday that 1,200 containers were stuck at the quay."


def hostile_files(folder: Path) -> dict[str, str]:
    """Write each hostile file into a folder of its own; returns file name -> what it is."""
    made = {}

    def place(name: str, what: str) -> Path:
        target = folder / name.replace("\n", "_")
        target.mkdir(parents=True)
        made[target.name] = what
        return target / name

    depth = 100_000
    place("deep.jsonl", "deeply nested JSON (100,000 levels)").write_text(
        json.dumps({"id": "deep", "text": SENTENCE})[:-1] + ', "meta": ' + "[" * depth + "]" * depth + "}\n")
    place("doc-list.jsonl", "`id` and `text` given as lists").write_text(
        json.dumps({"id": ["a", "b"], "text": [SENTENCE, SENTENCE]}) + "\n")
    place("old-date.jsonl", "date out of range (0001-01-01 at UTC+5)").write_text(
        json.dumps({"id": "old", "text": SENTENCE, "date": "0001-01-01T00:00:00+05:00"}) + "\n")
    place("far-date.jsonl", "date out of range (year 99999)").write_text(
        json.dumps({"id": "far", "text": SENTENCE, "date": "99999-01-01"}) + "\n")
    damaged_parquet(place("damaged.parquet", "Parquet with a damaged data page"))
    gzip_bomb(place("bomb.jsonl.gz", "gzip bomb"))
    zstd_bomb(place("bomb.jsonl.zst", "zstd bomb"))
    os.mkfifo(place("pipe.jsonl", "a named pipe"))
    place("evil\nimported forged.txt: 99 documents, 999 sentences.txt", "a file name with a newline").write_text(
        SENTENCE + "\n")
    return made


def damaged_parquet(path: Path) -> None:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        path.write_bytes(b"PAR1 not really")
        return
    table = pa.table({"id": [f"p{i}" for i in range(3000)],
                      "text": [f"Parquet row {i} says the harbour of Dover reopened at {i % 24} o'clock." for i in range(3000)]})
    pq.write_table(table, path, compression="none", row_group_size=1000)
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 400] = bytes((7 * i + 13) % 256 for i in range(400))
    path.write_bytes(bytes(data))


BOMB_BYTES = 1100 << 20  # inflates to about 1.1 GB


def gzip_bomb(path: Path) -> None:
    """One JSON line with a 1.1 GB text, as gzip members (a gzip file may hold many, read one after
    another): one member of 16 MB of 'a' compressed once and written 70 times. Never on disk uncompressed."""
    chunk = gzip.compress(b"a" * (16 << 20), compresslevel=9)
    with open(path, "wb") as out:
        out.write(gzip.compress(b'{"id": "bomb", "text": "'))
        for _ in range(BOMB_BYTES // (16 << 20)):
            out.write(chunk)
        out.write(gzip.compress(b'"}\n'))


def zstd_bomb(path: Path) -> None:
    """The same line as one zstd frame, compressed as it streams: 34 KB."""
    import zstandard

    compressor = zstandard.ZstdCompressor(level=3).compressobj()
    block = b"a" * (16 << 20)
    with open(path, "wb") as out:
        out.write(compressor.compress(b'{"id": "bomb", "text": "'))
        for _ in range(BOMB_BYTES // len(block)):
            out.write(compressor.compress(block))
        out.write(compressor.compress(b'"}\n'))
        out.write(compressor.flush())


def case_hostile_files(work: Path) -> list[list[str]]:
    folders = work / "hostile"
    made = hostile_files(folders)
    rows = []
    for name, what in made.items():
        folder = folders / name
        for good in ("wire-port-strike.txt", "syndicated-port-strike.txt"):  # a copy of each other, mostly
            shutil.copy(CORPUS / good, folder / good)
        db = work / f"{name}.db"
        bomb = "bomb" in name
        code, out, err = cli("import", folder, "--db", db, timeout=15 if not bomb else 40,
                             memory=MEMORY_CAP if bomb else None)
        hostile = [p for p in folder.iterdir() if p.name not in ("wire-port-strike.txt", "syndicated-port-strike.txt")][0]
        subject = hostile.name.split("\n")[0]
        reported = told(code, out, err, subject)
        if "\n" in hostile.name:
            named = [line for line in (out + err).splitlines() if "evil" in line]
            if any(line.startswith("imported forged.txt") for line in out.splitlines()):
                reported = "imported; its name printed raw forges the output line 'imported forged.txt: 99 documents...'"
            elif named:
                reported = f"imported; named as: {short(named[0])}"
        damage = grouping_damage(db) if db.exists() and count(db, "SELECT count(*) FROM documents") is not None else None
        goods = count(db, "SELECT count(*) FROM documents WHERE importing IS NULL AND name LIKE '%port-strike.txt'") or 0
        lost = []
        if goods < 2:
            lost.append(f"{2 - goods} of the 2 good files not imported")
        if damage and (words := damage_words(damage)):
            lost.append(words)
        rows.append([f"folder import with {what}", "; ".join(lost) or "0", reported])
    rows.append(import_labels_row(work))
    return rows


def import_labels_row(work: Path) -> list[str]:
    db = work / "labels.db"
    assert cli("import", CORPUS / "wire-port-strike.txt", "--db", db)[0] == 0
    rows = [{"doc": "wire-port-strike.txt", "index": i, "label": "fact", "annotator": "ann"} for i in range(3)]
    rows.insert(1, {"doc": ["wire-port-strike.txt"], "index": 5, "label": "fact", "annotator": "ann"})
    labels = work / "labels.jsonl"
    labels.write_text("".join(json.dumps(r) + "\n" for r in rows))
    code, out, err = cli("import-labels", labels, "--db", db, timeout=30)
    stored = count(db, "SELECT count(*) FROM events WHERE kind = 'label'") or 0
    return ["import-labels with a row whose `doc` is a list (3 valid rows)",
            f"{3 - stored} of 3 valid labels" if stored < 3 else "0", told(code, out, err, str(labels))]


# -- 5. export --out onto the database ---------------------------------------------------------------

def labeled_database(db: Path) -> None:
    assert cli("import", CORPUS, "--db", db)[0] == 0
    conn = sqlite3.connect(db)
    ids = [i for (i,) in conn.execute("SELECT id FROM sentences ORDER BY id LIMIT 40")]
    conn.executemany("INSERT INTO events(uid, sentence_id, kind, annotator, label, created_at) "
                     "VALUES (?, ?, 'label', ?, ?, '2026-03-01T09:00:00.000Z')",
                     [(f"u{n}-{who}", sid, who, LABELS[n % 4]) for n, sid in enumerate(ids) for who in ("ann", "bob")])
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def case_export_onto_db(work: Path) -> list[list[str]]:
    template = work / "labeled.db"
    labeled_database(template)
    before = (count(template, "SELECT count(*) FROM documents"), count(template, "SELECT count(*) FROM events"))
    rows = []
    for target in ("the database", "its -wal", "a symlink to it"):
        folder = work / target.replace(" ", "-")
        folder.mkdir()
        db = folder / "annotations.db"
        shutil.copy(template, db)
        holder = None
        if target == "the database":
            out = db
        elif target == "its -wal":
            # an annotator at work: labels committed to the write-ahead log, not yet copied into the file
            holder = sqlite3.connect(db, isolation_level=None)
            holder.execute("PRAGMA wal_autocheckpoint = 0")
            holder.execute("INSERT INTO events(uid, sentence_id, kind, annotator, label, created_at) "
                           "VALUES ('wal-1', 1, 'label', 'cy', 'fact', '2026-03-01T10:00:00.000Z')")
            out = Path(str(db) + "-wal")
        else:
            out = folder / "data.jsonl"
            out.symlink_to(db.name)
        given = 1 if holder else 0
        code, stdout, stderr = cli("export", "--out", out, "--format", "jsonl", "--mode", "all", "--db", db, timeout=30)
        if holder:
            holder.close()
        after = (count(db, "SELECT count(*) FROM documents"), count(db, "SELECT count(*) FROM events"))
        if None in after:
            lost = f"everything: the file is no longer a database ({before[0]} documents, {before[1] + given} labels)"
        else:
            gone = (before[0] - after[0], before[1] + given - after[1])
            lost = "0" if gone == (0, 0) else f"{plural(gone[0], 'document')}, {plural(gone[1], 'label')}"
        reported = told(code, stdout, stderr, str(out))
        if reported == "silent" or (code == 0 and stdout.startswith("wrote")):
            reported = f"silent ({stdout.strip().splitlines()[0] if stdout.strip() else 'exit 0'})"
        rows.append([f"export --out onto {target}", lost, reported])
    return rows


# -- the table ----------------------------------------------------------------------------------------

CASES = {
    "disk-full": case_disk_full,
    "concurrent-imports": case_concurrent_imports,
    "kill-grouping": case_kill_grouping,
    "hostile-files": case_hostile_files,
    "export-onto-db": case_export_onto_db,
}


def cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", "\\n")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        work = sys.argv[3]
        rows = CASES[sys.argv[2]](Path(work))
        # the temporary folder is noise in the table: paths are shown from inside it
        rows = [[cell.replace(work + "/", "") for cell in row] for row in rows]
        print(json.dumps({"rows": rows}))
        return
    chosen = sys.argv[1:] or list(CASES)
    unknown = [c for c in chosen if c not in CASES]
    if unknown:
        sys.exit(f"unknown case {unknown[0]!r}; cases: {', '.join(CASES)}")
    started = time.monotonic()
    print("| case | lost | how it was reported |")
    print("|---|---|---|")
    for case in chosen:
        with tempfile.TemporaryDirectory(prefix=f"faults-{case}-") as work:
            took = time.monotonic()
            for row in child(case, Path(work))["rows"]:
                print("| " + " | ".join(cell(c) for c in row) + " |", flush=True)
            print(f"<!-- {case}: {time.monotonic() - took:.1f} s -->", file=sys.stderr, flush=True)
    print(f"\n{len(chosen)} cases in {time.monotonic() - started:.0f} s")
    if not sys.argv[1:]:  # and the storage side: the screens on a full disk, foreign and read-only files
        print("\nThe storage side (`benchmarks/faults_store.py`):\n", flush=True)
        subprocess.run([sys.executable, str(Path(__file__).with_name("faults_store.py"))], timeout=600)


if __name__ == "__main__":
    main()
