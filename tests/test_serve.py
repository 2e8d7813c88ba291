"""annotator serve: the token, the name, session limits, binding, and a real browser labeling."""

from __future__ import annotations

import os
import shlex
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from annotator.serve import ServeError, choose_token, clean_name
from annotator.store import Store
from helpers import CORPUS, run

pytest.importorskip("textual_serve")
import aiohttp  # noqa: E402
from aiohttp.test_utils import TestClient, TestServer  # noqa: E402

from annotator.serve import CONTENT_POLICY, make_server  # noqa: E402

TOKEN = "s3cret-token"


@pytest.fixture
def corpus_db(tmp_path):
    db = tmp_path / "serve.db"
    assert run("import", CORPUS, "--db", db).exit_code == 0
    return db


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_tokens_and_names():
    assert choose_token("abc", None) == ("abc", False)
    assert choose_token(None, "from-env") == ("from-env", False)
    made, fresh = choose_token(None, None)
    assert fresh and len(made) >= 32
    with pytest.raises(ServeError, match="--token: an empty token would let anyone in"):
        choose_token("", None)
    with pytest.raises(ServeError, match=r"\$ANNOTATOR_TOKEN: an empty token"):
        choose_token(None, "  ")
    assert clean_name("  Ann   Lee ") == "Ann Lee"
    assert clean_name("") is None and clean_name("x" * 65) is None and clean_name("a\x1bb") is None


def test_an_empty_token_is_refused_in_one_line(corpus_db):
    result = run("serve", "--token", "", "--db", corpus_db)
    assert result.exit_code == 1
    assert result.output == "Error: --token: an empty token would let anyone in; give one, or none to have one made\n"


async def client_for(db: Path, **limits) -> TestClient:
    server = make_server(str(db), TOKEN, **limits)
    client = TestClient(TestServer(await server._make_app()))
    await client.start_server()
    client.annotator_server = server
    return client


async def test_401_without_or_with_a_wrong_token_and_then_a_cookie(corpus_db):
    client = await client_for(corpus_db)
    try:
        for path, headers in (("/", {}), ("/?token=wrong", {}), ("/ws", {}), ("/static/js/textual.js", {}),
                              ("/", {"Authorization": "Bearer nope"}), ("/sessions", {})):
            response = await client.get(path, headers=headers)
            assert response.status == 401, path
            assert "needs its token" in await response.text()
        assert client.annotator_server.sessions == {}  # nothing started
        first = await client.get(f"/?token={TOKEN}", allow_redirects=False)
        assert first.status == 303 and first.cookies["annotator_token"].value == TOKEN
        assert "httponly" in str(first.cookies["annotator_token"]).lower()
        assert "Your name" in await (await client.get(first.headers["Location"])).text()  # the name page
        # the cookie carries the token from now on; ?name= skips the page
        page = await client.get("/?name=alice")
        assert page.status == 200 and "textual.js" in await page.text()
        assert page.cookies["annotator_name"].value == "alice"
        bearer = await client.get("/sessions", headers={"Authorization": f"Bearer {TOKEN}"})
        assert bearer.status == 200 and await bearer.json() == []
    finally:
        await client.close()


async def open_session(client: TestClient):
    return await client.ws_connect("/ws?width=100&height=30")


def started_pid(server) -> int | None:
    """The process id of the (one) session's annotator process, once it runs."""
    for session in server.sessions.values():
        process = getattr(session.service, "_process", None)
        if process is not None:
            return process.pid
    return None


def process_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return Path(f"/proc/{pid}/stat").exists() and Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z"


async def wait_for(condition, seconds: float = 20.0) -> bool:
    import asyncio

    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return True
        await asyncio.sleep(0.05)
    return condition()


async def started_session(client: TestClient):
    """Name the browser alice, open a session and wait for its process: (websocket, process id)."""
    server = client.annotator_server
    await client.get(f"/?token={TOKEN}&name=alice")
    ws = await open_session(client)
    assert await wait_for(lambda: started_pid(server) is not None)
    return ws, started_pid(server)


async def test_sessions_are_capped_and_end_with_their_browser(corpus_db):
    client = await client_for(corpus_db, max_sessions=1)
    server = client.annotator_server
    try:
        first, pid = await started_session(client)
        second = await client.get("/ws?width=80&height=24", headers={"Upgrade": "websocket", "Connection": "Upgrade",
                                                                      "Sec-WebSocket-Version": "13",
                                                                      "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="})
        assert second.status == 503 and "has its 1 sessions" in await second.text()
        await first.close()  # the browser goes away: its process ends
        assert await wait_for(lambda: not server.sessions)
        assert await wait_for(lambda: process_gone(pid))
    finally:
        await client.close()


async def test_an_idle_session_is_closed(corpus_db):
    client = await client_for(corpus_db, idle_s=0.5)
    server = client.annotator_server
    try:
        ws, pid = await started_session(client)
        assert await wait_for(lambda: not server.sessions)
        assert await wait_for(lambda: process_gone(pid))
        await ws.close()
    finally:
        await client.close()


async def test_no_orphans_after_many_connects_and_disconnects(corpus_db):
    client = await client_for(corpus_db)
    server = client.annotator_server
    pids = []
    try:
        for _ in range(8):
            ws, pid = await started_session(client)
            pids.append(pid)
            await ws.close()
            assert await wait_for(lambda: not server.sessions)
        assert await wait_for(lambda: all(process_gone(pid) for pid in pids))
    finally:
        await client.close()


def other_address() -> str | None:
    """An address of this machine that is not loopback, if it has one."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))  # no packet is sent: this only picks the outgoing interface
            address = s.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address


def start_server(db: Path, port: int, *extra: str) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, "-m", "annotator.cli", "serve", "--db", str(db), "--port", str(port),
                                "--token", TOKEN, *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    end = time.monotonic() + 20
    while time.monotonic() < end:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process
        except OSError:
            if process.poll() is not None:
                raise AssertionError(process.stderr.read())
            time.sleep(0.05)
    raise AssertionError("the server did not start")


def test_the_server_binds_only_where_told(corpus_db):
    address = other_address()
    if address is None:
        pytest.skip("this machine has no address besides loopback")
    port = free_port()
    process = start_server(corpus_db, port)
    try:
        assert "open http://localhost:" in process.stdout.readline() + process.stdout.readline()
        with pytest.raises(OSError):
            socket.create_connection((address, port), timeout=1).close()
    finally:
        process.terminate()
        process.wait(10)


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium installed (Debian package chromium; .ci/run installs it)")
def test_a_real_browser_labels_and_two_sessions_share_the_database(corpus_db):
    sync_api = pytest.importorskip("playwright.sync_api")
    Store(corpus_db).set_project("overlap", "1")  # each session leases a document when it starts
    port = free_port()
    process = start_server(corpus_db, port)
    base = f"http://127.0.0.1:{port}"

    def leased(name: str) -> bool:
        with sqlite3.connect(corpus_db) as db:
            return db.execute("SELECT 1 FROM leases WHERE annotator = ?", (name,)).fetchone() is not None

    def current(name: str) -> dict:
        with sqlite3.connect(corpus_db) as db:
            return {(d, i): label for d, i, label in db.execute(
                "SELECT d.name, s.idx, (SELECT e2.label FROM events e2 WHERE e2.sentence_id = s.id AND e2.annotator = ? "
                "AND e2.undone = 0 ORDER BY e2.created_at DESC, e2.uid DESC LIMIT 1) FROM sentences s "
                "JOIN documents d ON d.id = s.doc_id WHERE EXISTS (SELECT 1 FROM events e WHERE e.sentence_id = s.id "
                "AND e.annotator = ? AND e.undone = 0)", (name, name))}

    def until(condition, seconds: float = 30.0) -> bool:
        end = time.monotonic() + seconds
        while time.monotonic() < end and not condition():
            time.sleep(0.05)
        return condition()

    try:
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
            pages = {}
            for name in ("alice", "bob"):  # one after the other: the first leases the first document
                page = browser.new_context().new_page()
                page.goto(f"{base}/?token={TOKEN}")
                page.fill("input[name=name]", name)
                page.click("button[type=submit]")
                pages[name] = page
                assert until(lambda: leased(name)), f"{name}'s session did not start"
            for page in pages.values():
                page.locator(".xterm-helper-textarea").focus()
            for key in ("f", "c", "u", "a"):
                pages["alice"].keyboard.press(key)
            pages["bob"].keyboard.press("o")
            iraq, op_ed = "corpus/iraq-battleground.txt", "corpus/op-ed-transit.md"
            assert until(lambda: current("alice") == {(iraq, 0): "fact", (iraq, 1): "advert"}), current("alice")
            assert until(lambda: current("bob") == {(op_ed, 0): "opinion"}), current("bob")
            with sqlite3.connect(corpus_db) as db:
                assert db.execute("SELECT label, undone FROM events WHERE annotator = 'alice' ORDER BY id").fetchall() == [
                    ("fact", 0), ("claim", 1), ("advert", 0)]
            browser.close()
    finally:
        process.terminate()
        process.wait(10)


def served_origin(client: TestClient) -> str:
    return f"http://{client.host}:{client.port}"


async def test_a_request_from_another_origin_is_refused_and_starts_nothing(corpus_db):
    client = await client_for(corpus_db, public_url="https://annotate.example.org")
    server = client.annotator_server
    try:
        await client.get(f"/?token={TOKEN}&name=alice")
        port = client.port
        for origin in (f"http://{client.host}:{port + 1}", f"http://evil.{client.host}:{port}", "null",
                       f"https://{client.host}:{port}", "https://evil.example.org", "http://annotate.example.org"):
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await client.ws_connect("/ws?width=80&height=24", origin=origin)
            assert refused.value.status == 403, origin
            page = await client.post("/", headers={"Origin": origin})
            assert page.status == 403 and await page.text() == (
                "403: this page may only be used from the address the server serves\n"), origin
        assert server.sessions == {} and started_pid(server) is None
        for origin in (served_origin(client), "https://annotate.example.org", "https://annotate.example.org:443"):
            listing = await client.get("/sessions", headers={"Origin": origin})
            assert listing.status == 200, origin
    finally:
        await client.close()


async def test_every_response_says_no_referrer(corpus_db):
    client = await client_for(corpus_db)
    try:
        responses = [await client.get("/"), await client.get(f"/?token={TOKEN}"), await client.get("/?name=alice"),
                     await client.get("/static/js/textual.js"), await client.get("/ws", headers={"Origin": "http://x"})]
        assert [r.status for r in responses] == [401, 200, 200, 200, 403]
        assert [r.headers.get("Referrer-Policy") for r in responses] == ["no-referrer"] * 5
        # no page of another port or site may frame the screen (its clicks would label as the annotator)
        assert [r.headers.get("X-Frame-Options") for r in responses] == ["DENY"] * 5
        assert [r.headers.get("Content-Security-Policy") for r in responses] == [CONTENT_POLICY] * 5
        assert "frame-ancestors 'none'" in CONTENT_POLICY
    finally:
        await client.close()


async def test_the_token_leaves_the_address_bar_after_the_first_request(corpus_db):
    client = await client_for(corpus_db)
    try:
        first = await client.get(f"/?token={TOKEN}&name=alice&fontsize=18", allow_redirects=False)
        assert first.status == 303 and first.headers["Location"] == "/?name=alice&fontsize=18"
        assert first.cookies["annotator_token"].value == TOKEN
        page = await client.get(first.headers["Location"])  # the cookie carries the token
        assert page.status == 200 and "textual.js" in await page.text()
        # followed from another site, a redirect would lose the SameSite=Strict cookie: the page moves on itself
        client.session.cookie_jar.clear()
        linked = await client.get(f"/?token={TOKEN}", headers={"Sec-Fetch-Site": "cross-site"}, allow_redirects=False)
        assert linked.status == 200 and linked.cookies["annotator_token"].value == TOKEN
        assert '<meta http-equiv="refresh" content="0; url=/">' in await linked.text()
        assert linked.headers["Cache-Control"] == "no-store"
        # a path that reads as another host in a Location ("//evil.example/") stays on this server
        for path in ("//evil.example/", "/\\evil.example/", "///evil.example/x"):
            base = str(client.make_url("/")).rstrip("/")
            off = await client.session.get(f"{base}{path}?token={TOKEN}", allow_redirects=False)
            assert off.status == 303 and off.headers["Location"].startswith("/") and \
                not off.headers["Location"].startswith(("//", "/\\")), off.headers["Location"]
    finally:
        await client.close()


async def raw_status(client: TestClient, header: bytes) -> bytes:
    """The status line the server answers to a GET / carrying this raw header line."""
    import asyncio

    reader, writer = await asyncio.open_connection(client.host, client.port)
    writer.write(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + header + b"\r\n\r\n")
    await writer.drain()
    status = await reader.readline()
    writer.close()
    return status.strip()


async def test_a_token_that_is_not_utf8_gets_401(corpus_db):
    client = await client_for(corpus_db)
    try:
        for header in (b"Authorization: Bearer \xff\xfe" + TOKEN.encode(), b"Cookie: annotator_token=\xff\xfe",
                       b"Cookie: annotator_token=" + TOKEN.encode() + b"\xc3"):
            assert await raw_status(client, header) == b"HTTP/1.1 401 Unauthorized", header
    finally:
        await client.close()


async def test_the_terminal_size_a_browser_asks_for_is_bounded(corpus_db, monkeypatch):
    from textual_serve.app_service import AppService

    sizes = []

    async def start(self, width, height):
        sizes.append((width, height))

    async def set_terminal_size(self, width, height):
        sizes.append((width, height))

    async def stop(self):
        pass

    monkeypatch.setattr(AppService, "start", start)
    monkeypatch.setattr(AppService, "set_terminal_size", set_terminal_size)
    monkeypatch.setattr(AppService, "stop", stop)
    client = await client_for(corpus_db)
    try:
        await client.get(f"/?token={TOKEN}&name=alice")
        ws = await client.ws_connect("/ws?width=100000&height=-3")
        await ws.send_str("not json")  # a malformed message is skipped, not the end of the session
        await ws.send_json(["resize", {"width": 120, "height": 40}])
        await ws.send_json(["resize", {"width": 10**9, "height": "many"}])
        await ws.send_json(["ping", "p"])
        assert (await ws.receive_json()) == ["pong", "p"]
        await ws.close()
        assert sizes == [(500, 1), (120, 40), (500, 24)]
    finally:
        await client.close()


async def test_a_link_from_a_sibling_site_cannot_rename_the_annotator(corpus_db):
    client = await client_for(corpus_db)
    try:
        await client.get(f"/?token={TOKEN}&name=alice")
        for site in ("same-site", "cross-site"):
            page = await client.get("/?name=mallory&review=1", headers={"Sec-Fetch-Site": site})
            assert page.status == 200 and "annotator: alice" in await page.text() and "mallory" not in await page.text()
            assert client.session.cookie_jar.filter_cookies(client.make_url("/"))["annotator_name"].value == "alice"
            assert client.session.cookie_jar.filter_cookies(client.make_url("/"))["annotator_role"].value == "0"
        typed = await client.get("/?name=bob", headers={"Sec-Fetch-Site": "none"})
        assert "annotator: bob" in await typed.text()
    finally:
        await client.close()


async def test_review_with_nothing_to_review_says_so_on_the_first_page_and_offers_all(corpus_db):
    client = await client_for(corpus_db)
    try:
        page = await client.get(f"/?token={TOKEN}&name=Ελένη&review=1")
        text = await page.text()
        assert page.status == 200 and 'name="all"' in text and 'value="Ελένη"' in text
        assert ("<p style='color:#b00'>nothing to review: no units with disagreeing labels "
                "(tick “every labeled unit” to review with --all)</p>") in text
        assert "annotator_role" not in client.session.cookie_jar.filter_cookies(client.make_url("/"))
        # nothing labeled at all: --all has nothing either
        page = await client.get("/?name=Ελένη&review=1&all=1")
        assert "<p style='color:#b00'>nothing to review: no labeled units</p>" in await page.text()

        rows = corpus_db.parent / "labels.jsonl"
        rows.write_text('{"doc": "corpus/iraq-battleground.txt", "index": 0, "annotator": "Ελένη", "label": "claim"}\n')
        assert run("import-labels", rows, "--db", corpus_db).exit_code == 0
        page = await client.get("/?name=Ελένη&review=1&all=1")
        assert "annotator: Ελένη (review)" in await page.text()
        assert client.session.cookie_jar.filter_cookies(client.make_url("/"))["annotator_role"].value == "all"
        server = client.annotator_server
        assert shlex.split(server.session_command("Ελένη", True, True))[-6:] == [
            "review", "--all", "--db", server.db_path, "--annotator", "Ελένη"]
    finally:
        await client.close()
