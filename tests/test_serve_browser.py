"""`annotator serve` in a real browser as a new annotator meets it: keys work as soon as the screen
appears, the click that brings the page to the front selects nothing (a click on a page that has
focus selects the sentence under it), and nothing is fetched from any host but the server itself."""

from __future__ import annotations

import sqlite3
import time
from urllib.parse import urlsplit

import pytest

from helpers import CORPUS, run
from test_serve import CHROMIUM, TOKEN, free_port, start_server

CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu"]
IRAQ = "corpus/iraq-battleground.txt"


def labels_of(db, annotator: str) -> dict[int, str]:
    """sentence index in IRAQ -> the annotator's current label."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT s.idx, e.label FROM events e JOIN sentences s ON s.id = e.sentence_id "
            "JOIN documents d ON d.id = s.doc_id WHERE d.name = ? AND e.annotator = ? AND e.undone = 0 "
            "ORDER BY e.id", (IRAQ, annotator)).fetchall()
    return dict(rows)


def until(condition, seconds: float = 30.0) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end and not condition():
        time.sleep(0.05)
    return condition()


@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium installed (Debian package chromium; .ci/run installs it)")
def test_keys_work_before_any_click_and_nothing_leaves_this_machine(tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    db = tmp_path / "browser.db"
    assert run("import", CORPUS, "--db", db).exit_code == 0
    port = free_port()
    process = start_server(db, port)
    requests: list[str] = []
    refused: list[str] = []  # what the page's Content-Security-Policy stopped before it was asked for

    def only_here(route) -> None:
        requests.append(route.request.url)
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:  # recorded, and never sent: the test needs no network either
            route.abort()

    try:
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": 1000, "height": 640})
            context.route("**/*", only_here)
            page = context.new_page()
            page.on("websocket", lambda socket: requests.append(socket.url))
            page.on("console", lambda message: "Content Security Policy" in message.text and refused.append(message.text))
            page.goto(f"http://127.0.0.1:{port}/?token={TOKEN}")
            page.fill("input[name=name]", "Zofia Wójcik")
            page.press("input[name=name]", "Enter")
            page.wait_for_selector("body.-first-byte", state="attached", timeout=30_000)
            assert page.evaluate("document.activeElement.className") == "xterm-helper-textarea"

            page.keyboard.press("f")  # no click first
            assert until(lambda: labels_of(db, "Zofia Wójcik") == {0: "fact"}), labels_of(db, "Zofia Wójcik")

            # the page has focus (keys reach it): a click selects the sentence under it, as in a terminal
            spot = {"x": 200, "y": 350}  # a sentence further down the document
            page.mouse.click(**spot)
            page.keyboard.press("c")
            assert until(lambda: len(labels_of(db, "Zofia Wójcik")) == 2), labels_of(db, "Zofia Wójcik")
            (clicked, label), = [(i, l) for i, l in labels_of(db, "Zofia Wójcik").items() if i > 0]
            assert label == "claim" and clicked > 1  # not the next sentence in order: the click's own
            # once the window lost focus, the click that brings it back only gives focus: the cursor stays
            page.evaluate("window.dispatchEvent(new Event('blur'))")
            page.mouse.click(x=200, y=120)  # above the claimed sentence: one before it
            page.keyboard.press("o")  # the sentence the cursor moved on to after the claim
            assert until(lambda: len(labels_of(db, "Zofia Wójcik")) == 3), labels_of(db, "Zofia Wójcik")
            assert labels_of(db, "Zofia Wójcik") == {0: "fact", clicked: "claim", clicked + 1: "opinion"}
            browser.close()
    finally:
        process.terminate()
        process.wait(10)
    assert refused == []
    assert requests and [url for url in requests if urlsplit(url).hostname != "127.0.0.1"] == []
    assert f"ws://127.0.0.1:{port}/ws?width=" in " ".join(requests)
