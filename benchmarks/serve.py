"""annotator serve in a real browser: time to the first sentence, keypress to stored label, memory.

usage: python benchmarks/serve.py [--sessions 1 10] [--keys 100] [--db PATH] [--churn 100]

Starts `annotator serve` on a copy of the database (default: the bundled corpus), opens SESSIONS
pages at once in headless Chromium (Debian's, driven by Playwright), each as its own annotator, and
measures per session:
- page opened -> first sentence on screen: the page's pixels in the first text line are polled
  (xterm.js draws on a canvas, so there is no text to wait for) until they are not background;
- keypress -> label stored: a label key is pressed, then SQLite is polled until the event is there;
- memory: the resident size of each session's annotator process (/proc).
With --churn N it also connects and disconnects N sessions one after another (no browser: the
websocket alone) and counts the annotator processes left running afterwards (orphans).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "benchmark-token"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def labels_of(db: Path, name: str) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(*) FROM events WHERE annotator = ? AND kind = 'label'", (name,)).fetchone()[0]


def rss_mb(pid: int) -> float:
    """Resident size of a process and its children (the session's shell and its annotator process)."""
    total = 0.0
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS"):
            total += int(line.split()[1]) / 1024
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            total += rss_mb(int(child))
    return total


async def first_sentence(page) -> None:
    """Wait until the first text line of the document pane changes from how the page first showed it:
    the app draws its whole first screen at once, the first sentence with it."""
    blank = None
    while True:
        shot = await page.screenshot(clip={"x": 20, "y": 20, "width": 400, "height": 14})
        if blank is None:
            blank = shot
        elif shot != blank:
            return
        await asyncio.sleep(0.02)


async def one_session(browser, base: str, db: Path, name: str, keys: int) -> dict:
    context = await browser.new_context(viewport={"width": 1280, "height": 720})
    page = await context.new_page()
    start = time.perf_counter()
    await page.goto(f"{base}/?token={TOKEN}&name={name}")
    await first_sentence(page)
    first = time.perf_counter() - start
    await page.locator(".xterm-helper-textarea").focus()
    # the first key may meet a screen still settling: wait for it to land before timing the others
    await page.keyboard.press("f")
    while labels_of(db, name) < 1:
        await asyncio.sleep(0.005)
    latencies = []
    for n in range(keys):
        before = labels_of(db, name)
        t = time.perf_counter()
        await page.keyboard.press("fcoa"[n % 4])
        while labels_of(db, name) <= before:
            await asyncio.sleep(0.002)
        latencies.append((time.perf_counter() - t) * 1000)
    await context.close()
    return {"first_s": first, "latencies": latencies}


@contextlib.asynccontextmanager
async def serving(db: Path):
    """`annotator serve` on a free port, once it accepts connections; its base URL."""
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "annotator.cli", "serve", "--db", str(db), "--port", str(port),
                               "--token", TOKEN], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                await asyncio.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(20)


async def measure(db: Path, sessions: int, keys: int, chromium: str) -> dict:
    from playwright.async_api import async_playwright

    async with serving(db) as base, async_playwright() as p:
        browser = await p.chromium.launch(executable_path=chromium, headless=True, args=["--no-sandbox"])
        memory: list[float] = []

        async def sample_memory():
            import urllib.request

            while True:
                request = urllib.request.Request(f"{base}/sessions", headers={"Authorization": f"Bearer {TOKEN}"})
                listed = json.loads(urllib.request.urlopen(request).read())
                if len(listed) == sessions and all(s["pid"] for s in listed):
                    memory[:] = [rss_mb(s["pid"]) for s in listed]
                await asyncio.sleep(0.5)

        sampler = asyncio.create_task(sample_memory())
        results = await asyncio.gather(*(one_session(browser, base, db, f"browser{n:02d}", keys)
                                         for n in range(sessions)))
        sampler.cancel()
        await browser.close()
    firsts = [r["first_s"] for r in results]
    latencies = [x for r in results for x in r["latencies"]]
    return {"sessions": sessions, "first_sentence_s_median": round(statistics.median(firsts), 2),
            "first_sentence_s_max": round(max(firsts), 2),
            "key_to_stored_ms_p50": round(statistics.median(latencies), 1),
            "key_to_stored_ms_p99": round(percentile(latencies, 0.99), 1), "keys": len(latencies),
            "memory_per_session_mb": round(statistics.mean(memory), 1) if memory else None}


async def churn(db: Path, times: int) -> dict:
    """Connect a session, wait for its process, drop the connection; N times. Then count orphans."""
    import aiohttp

    pids = []
    async with serving(db) as base:
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as client:  # an IP host
            await client.get(f"{base}/?token={TOKEN}&name=churn")
            headers = {"Authorization": f"Bearer {TOKEN}"}
            for _ in range(times):
                ws = await client.ws_connect(f"{base}/ws?width=80&height=24")
                while True:
                    listed = await (await client.get(f"{base}/sessions", headers=headers)).json()
                    if listed and listed[0]["pid"]:
                        pids.append(listed[0]["pid"])
                        break
                    await asyncio.sleep(0.02)
                await ws.close()
                while await (await client.get(f"{base}/sessions", headers=headers)).json():
                    await asyncio.sleep(0.02)
    alive = [pid for pid in pids if Path(f"/proc/{pid}").exists()
             and Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"]
    return {"connects": times, "processes_started": len(set(pids)), "orphans": len(alive)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, nargs="*", default=[1, 10])
    parser.add_argument("--keys", type=int, default=100)
    parser.add_argument("--db", type=Path)
    parser.add_argument("--churn", type=int, default=0)
    args = parser.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        sys.exit("no Chromium: apt-get install chromium")
    for sessions in args.sessions:
        with tempfile.TemporaryDirectory() as tmp:
            db = Path(tmp) / "serve.db"
            if args.db:
                shutil.copy(args.db, db)
            else:
                subprocess.run([sys.executable, "-m", "annotator.cli", "import", str(ROOT / "corpus"), "--db", str(db)],
                               check=True, stdout=subprocess.DEVNULL)
            print(json.dumps(asyncio.run(measure(db, sessions, args.keys, chromium))))
    if args.churn:
        with tempfile.TemporaryDirectory() as tmp:
            db = Path(tmp) / "serve.db"
            subprocess.run([sys.executable, "-m", "annotator.cli", "import", str(ROOT / "corpus"), "--db", str(db)],
                           check=True, stdout=subprocess.DEVNULL)
            print(json.dumps(asyncio.run(churn(db, args.churn))))


if __name__ == "__main__":
    main()
