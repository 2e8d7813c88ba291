"""`annotator import URL`: pages and feeds fetched from a local HTTP server the tests start, under
the fetch rules (timeout, size cap, http(s) only, no private address unless allowed)."""

from __future__ import annotations

import socket
import sqlite3
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.readers import web
from annotator.store import Store
from helpers import output_lines


PAGE = """<!doctype html><html lang="de"><head><meta charset="utf-8"><title>Hafen Hamburg</title></head>
<body><nav><a href="/">Startseite</a> <a href="/archiv">Archiv</a></nav>
<article><h1>Streik im Hamburger Hafen beendet</h1>
<p>Die Hafenarbeiter in Hamburg haben ihren Streik nach drei Tagen beendet.</p>
<p>{middle}</p>
<p>Die Gewerkschaft Verdi nannte die Einigung einen Erfolg für alle Beschäftigten.</p>
</article><footer>Hafenblatt</footer></body></html>"""
PRICES = "„Die Preise werden fallen“, sagte der Minister, und nannte 5 € pro Container."
WAGES = "Der Lohn steigt ab Juli um 4,5 Prozent, teilte der Hafenbetreiber mit."

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>Хроника дня</title><link>{base}/</link><language>ru</language>
<item><title>Шторм обрушился на побережье</title><link>{base}/news/1</link>
<pubDate>Mon, 02 Jun 2025 10:00:00 +0300</pubDate>
<content:encoded><![CDATA[<p>Шторм обрушился на побережье Крыма в понедельник.</p><p>Спасатели эвакуировали 120 человек.</p>]]></content:encoded></item>
<item><title>Цены на хлеб выросли</title><link>{base}/news/2</link>
<pubDate>Tue, 03 Jun 2025 08:30:00 GMT</pubDate>
<description>Цены на хлеб выросли на 7 процентов за месяц.</description></item>
<item><title>Парламент принял бюджет на 2026 год</title><link>{base}/news/3</link>
<pubDate>Wed, 04 Jun 2025 23:15:00 +0000</pubDate></item>
</channel></rss>"""


class Site(BaseHTTPRequestHandler):
    """Serves the test's routes: path -> (status, headers, body), or a function given the handler."""

    protocol_version = "HTTP/1.1"

    def do_GET(self):
        route = self.server.routes.get(self.path)
        if callable(route):
            route(self)
            return
        status, headers, body = route or (404, [("Content-Type", "text/plain")], b"not here")
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # a client that hangs up on a body over its cap is what the tests want, not a fault


@pytest.fixture
def site():
    """A local server: `site.routes` to fill, `site.base` its address, `site.release` what a slow
    route waits for (set when the test ends, so the server's thread ends too)."""
    server = Server(("127.0.0.1", 0), Site)
    server.routes = {}
    server.base = f"http://127.0.0.1:{server.server_address[1]}"
    server.release = threading.Event()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.release.set()
    server.shutdown()
    server.server_close()


def html(text: str, charset: str = "utf-8") -> tuple:
    return 200, [("Content-Type", f"text/html; charset={charset}")], text.encode(charset)


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def sentences(db, name: str) -> list[str]:
    conn = sqlite3.connect(db)
    rows = conn.execute("SELECT s.text FROM sentences s JOIN documents d ON d.id = s.doc_id WHERE d.name = ? "
                        "ORDER BY s.idx", (name,)).fetchall()
    conn.close()
    return [text for (text,) in rows]


def documents(db) -> list[tuple]:
    conn = sqlite3.connect(db)
    rows = conn.execute("SELECT name, title, url, published, source, language FROM documents ORDER BY id").fetchall()
    conn.close()
    return rows


def test_page_is_read_with_the_charset_of_its_content_type(site, db_path):
    # windows-1252 bytes in a page whose <meta> says utf-8: the HTTP header wins, as in a browser
    site.routes["/hafen"] = html(PAGE.format(middle=PRICES), "windows-1252")
    url = f"{site.base}/hafen"
    result = run("import", url, "--allow-private", "--db", db_path)
    assert result.exit_code == 0, result.output
    assert f"imported {url}: 1 document, 4 sentences" in result.output
    assert sentences(db_path, url) == [
        "Streik im Hamburger Hafen beendet", "Die Hafenarbeiter in Hamburg haben ihren Streik nach drei Tagen beendet.", PRICES,
        "Die Gewerkschaft Verdi nannte die Einigung einen Erfolg für alle Beschäftigten."]
    assert documents(db_path) == [(url, "Streik im Hamburger Hafen beendet", url, None, "127.0.0.1", "de")]


def test_private_address_is_refused_without_allow_private(site, db_path):
    site.routes["/hafen"] = html(PAGE.format(middle=WAGES))
    url = f"{site.base}/hafen"
    result = run("import", url, "--db", db_path)
    assert result.exit_code == 1
    assert output_lines(result)[0] == f"error: {url}: refused: 127.0.0.1 is a private address (use --allow-private)"
    assert documents(db_path) == []


@pytest.mark.parametrize("address, public", [
    ("64:ff9b::7f00:1", False),  # NAT64's well-known prefix: 127.0.0.1
    ("64:ff9b::a9fe:a9fe", False),  # the cloud metadata address, through NAT64
    ("64:ff9b::808:808", True),  # 8.8.8.8
    ("64:ff9b:1::808:808", False),  # NAT64's local-use prefix (RFC 8215): a network's own
    ("::127.0.0.1", False),  # IPv4-compatible
    ("::8.8.8.8", True),
    ("::ffff:10.0.0.1", False),  # IPv4-mapped
    ("::ffff:8.8.8.8", True),
    ("::ffff:0:7f00:1", False),  # IPv4-translated (SIIT)
    ("2002:7f00:1::", False),  # 6to4 of 127.0.0.1
    ("2002:c0a8:101::1", False),  # 6to4 of 192.168.1.1
    ("2001:0:4136:e378:8000:63bf:3fff:fdd2", False),  # Teredo
    ("::1", False), ("::", False), ("::2", False), ("fe80::1%eth0", False), ("fd00::1", False),
    ("ff0e::1", False), ("2606:4700:4700::1111", True), ("8.8.8.8", True), ("100.64.0.1", False),
])
def test_an_ipv6_address_is_judged_with_the_ipv4_address_it_carries(address, public):
    assert web.public(address) is public


def test_ipv6_forms_of_private_ipv4_addresses_are_refused(db_path):
    urls = ["http://[64:ff9b::7f00:1]:8765/", "http://[64:ff9b::a9fe:a9fe]/latest/meta-data/",
            "http://[64:ff9b:1::a00:1]/", "http://[::127.0.0.1]:8765/", "http://[::ffff:0:a00:1]/",
            "http://[2002:7f00:1::]:8765/", "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/"]
    result = run("import", *urls, "--db", db_path)
    assert result.exit_code == 1
    assert output_lines(result) == [
        "error: http://[64:ff9b::7f00:1]:8765/: refused: 64:ff9b::7f00:1 (which carries 127.0.0.1) is a private "
        "address (use --allow-private)",
        "error: http://[64:ff9b::a9fe:a9fe]/latest/meta-data/: refused: 64:ff9b::a9fe:a9fe (which carries "
        "169.254.169.254) is a private address (use --allow-private)",
        "error: http://[64:ff9b:1::a00:1]/: refused: 64:ff9b:1::a00:1 is a private address (use --allow-private)",
        "error: http://[::127.0.0.1]:8765/: refused: ::127.0.0.1 is a private address (use --allow-private)",
        "error: http://[::ffff:0:a00:1]/: refused: ::ffff:0:a00:1 (which carries 10.0.0.1) is a private address "
        "(use --allow-private)",
        "error: http://[2002:7f00:1::]:8765/: refused: 2002:7f00:1:: (which carries 127.0.0.1) is a private "
        "address (use --allow-private)",
        "error: http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/: refused: 2001:0:4136:e378:8000:63bf:3fff:fdd2 "
        "(which carries 65.54.227.120, 192.0.2.45) is a private address (use --allow-private)",
        "0 documents and 0 sentences added, 0 unchanged; 0 sentences joined a duplicate group",
    ]


def test_an_ipv6_address_without_a_port_and_a_broken_url(site, db_path, monkeypatch):
    result = run("import", "http://[::1]/", "http://[fd00::1]/", "http://[::ffff:a9fe:a9fe]/",
                 "http://example.org:80a/", "http://[::1/", "--db", db_path)
    assert result.exit_code == 1
    assert output_lines(result)[:5] == [
        "error: http://[::1]/: refused: ::1 is a private address (use --allow-private)",
        "error: http://[fd00::1]/: refused: fd00::1 is a private address (use --allow-private)",
        "error: http://[::ffff:a9fe:a9fe]/: refused: ::ffff:169.254.169.254 is a private address (use --allow-private)",
        "error: http://example.org:80a/: not a valid URL: http://example.org:80a/ (Port could not be cast to "
        "integer value as '80a')",
        "error: http://[::1/: not a valid URL: http://[::1/ (Invalid IPv6 URL)",
    ]
    # allowed, [::1] is asked for on port 80 (the test's resolver sends it on to the local server)
    resolve, asked = web._resolve, []

    def resolver(host, port):
        asked.append((host, port))
        return resolve("127.0.0.1", int(site.base.rsplit(":", 1)[1]))

    monkeypatch.setattr(web, "_resolve", resolver)
    site.routes["/"] = html(PAGE.format(middle=WAGES))
    fetched = run("import", "http://[::1]/", "--allow-private", "--db", db_path)
    assert fetched.exit_code == 0, fetched.output
    assert asked == [("::1", 80)]
    assert [row[0] for row in documents(db_path)] == ["http://[::1]/"]


def test_a_redirect_and_other_spellings_of_a_page_are_the_same_document(site, db_path):
    site.routes["/seite"] = site.routes["/seite?"] = site.routes["/seite?utm_source=rss&utm_medium=feed"] = \
        html(PAGE.format(middle=WAGES))
    site.routes["/alt"] = (301, [("Location", "/seite")], b"")
    base, port = site.base, site.base.rsplit(":", 1)[1]
    first = run("import", f"{base}/alt", "--allow-private", "--db", db_path)
    assert first.exit_code == 0, first.output
    assert f"imported {base}/alt: 1 document, 4 sentences" in first.output
    again = run("import", f"{base}/seite", f"{base}/seite?", f"HTTP://127.0.0.1:{port}/seite#oben",
                f"{base}/seite?utm_source=rss&utm_medium=feed", f"{base}/alt", "--allow-private", "--db", db_path)
    assert again.exit_code == 0, again.output
    assert output_lines(again) == [f"unchanged {base}/seite: already imported", f"unchanged {base}/seite?: already imported",
                           f"unchanged HTTP://127.0.0.1:{port}/seite#oben: already imported",
                           f"unchanged {base}/seite?utm_source=rss&utm_medium=feed: already imported",
                           f"unchanged {base}/alt: already imported",
                           "0 documents and 0 sentences added, 5 unchanged; 0 sentences joined a duplicate group"]
    assert [(name, url) for name, _, url, *_ in documents(db_path)] == [(f"{base}/seite", f"{base}/seite")]


@pytest.mark.parametrize("url, name", [
    ("HTTP://Example.ORG:80/a%7eb/%c3%a4?utm_source=rss#top", "http://example.org/a~b/%C3%A4"),
    ("https://example.org:443", "https://example.org/"),
    ("https://user:secret@example.org:8443/p?id=7&fbclid=x&b", "https://example.org:8443/p?id=7&b"),
    ("http://[::1]:80/?", "http://[::1]/"),
])
def test_the_canonical_form_that_names_a_page(url, name):
    assert web.canonical(url) == name


def test_redirect_to_a_private_address_is_refused(site, db_path, monkeypatch):
    # the local server stands in for a site on the internet; the redirect points at the cloud
    # metadata address, which must never be fetched
    internet = web.public
    monkeypatch.setattr(web, "public", lambda address: address == "127.0.0.1" or internet(address))
    site.routes["/moved"] = (302, [("Location", "http://169.254.169.254/latest/meta-data/")], b"")
    site.routes["/local"] = (301, [("Location", "file:///etc/passwd")], b"")
    moved, local = f"{site.base}/moved", f"{site.base}/local"
    result = run("import", moved, local, "--db", db_path)
    assert result.exit_code == 1
    assert output_lines(result)[:2] == [
        f"error: {moved}: refused: 169.254.169.254 is a private address (use --allow-private)",
        f"error: {local}: refused: redirect to a file: URL",
    ]
    assert documents(db_path) == []


def test_http_errors_are_one_line_each_and_the_other_inputs_go_on(site, db_path, tmp_path):
    site.routes["/hafen"] = html(PAGE.format(middle=WAGES))
    note = tmp_path / "notiz.txt"
    note.write_text("Der Hafen bleibt am Sonntag geschlossen.\n", encoding="utf-8")
    missing, page = f"{site.base}/fehlt", f"{site.base}/hafen"
    result = run("import", missing, note, page, "ftp://example.org/a.txt", "--allow-private", "--db", db_path)
    assert result.exit_code == 1
    errors = [line for line in output_lines(result) if line.startswith("error:")]
    assert errors == [f"error: {missing}: HTTP 404 Not Found",
                      "error: ftp://example.org/a.txt: refused: only http and https URLs are imported"]
    assert [row[0] for row in documents(db_path)] == ["notiz.txt", page]


@pytest.mark.parametrize("announced", [True, False], ids=["content-length", "no-length"])
def test_a_body_over_the_cap_is_refused(site, db_path, announced):
    body = b"<html><body><p>" + "Ряд. ".encode() * 200_000 + b"</p></body></html>"  # 1.6 MB

    def unannounced(handler):  # no Content-Length: the body ends when the connection closes
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html; charset=utf-8")
        handler.send_header("Connection", "close")
        handler.end_headers()
        handler.wfile.write(body)
        handler.close_connection = True

    site.routes["/gross"] = html(body.decode()) if announced else unannounced
    url = f"{site.base}/gross"
    result = run("import", url, "--allow-private", "--max-file-mb", 1, "--db", db_path)
    assert result.exit_code == 1
    assert output_lines(result)[0] == (f"error: {url}: it is larger than 1 MB, the cap on one file's size "
                                             "(raise it with --max-file-mb)")
    assert documents(db_path) == []


def test_a_slow_server_times_out(site, db_path):
    def slow(handler):
        site.release.wait(30)  # until the test ends

    site.routes["/langsam"] = slow
    url = f"{site.base}/langsam"
    result = run("import", url, "--allow-private", "--timeout", 0.3, "--db", db_path)
    assert result.exit_code == 1
    assert output_lines(result)[0] == f"error: {url}: timed out after 0.3 s (raise it with --timeout)"


@pytest.mark.parametrize("media", ["application/rss+xml", "text/xml; charset=utf-8"])
def test_feed_url_imports_its_items(site, db_path, media):
    base = site.base
    site.routes["/rss"] = 200, [("Content-Type", media)], RSS.format(base=base).encode()
    result = run("import", f"{base}/rss", "--allow-private", "--db", db_path)
    assert result.exit_code == 0, result.output
    assert f"imported {base}/rss: 3 documents, 4 sentences" in result.output
    assert documents(db_path) == [
        (f"{base}/news/1", "Шторм обрушился на побережье", f"{base}/news/1", "2025-06-02T07:00:00.000Z", "Хроника дня", "ru"),
        (f"{base}/news/2", "Цены на хлеб выросли", f"{base}/news/2", "2025-06-03T08:30:00.000Z", "Хроника дня", "ru"),
        (f"{base}/news/3", "Парламент принял бюджет на 2026 год", f"{base}/news/3", "2025-06-04T23:15:00.000Z",
         "Хроника дня", "ru"),
    ]
    assert sentences(db_path, f"{base}/news/1") == ["Шторм обрушился на побережье Крыма в понедельник.",
                                                    "Спасатели эвакуировали 120 человек."]
    assert sentences(db_path, f"{base}/news/2") == ["Цены на хлеб выросли на 7 процентов за месяц."]
    # an item with no text of its own: its headline is what there is to label
    assert sentences(db_path, f"{base}/news/3") == ["Парламент принял бюджет на 2026 год"]


def test_follow_imports_the_pages_the_items_link_to(site, db_path):
    base = site.base
    site.routes["/rss"] = 200, [("Content-Type", "application/rss+xml")], RSS.format(base=base).encode()
    site.routes["/news/1"] = html(PAGE.format(middle=WAGES))
    site.routes["/news/2"] = (301, [("Location", "/news/1")], b"")  # the same story moved
    result = run("import", f"{base}/rss", "--follow", "--allow-private", "--db", db_path)
    assert result.exit_code == 1
    assert [line for line in output_lines(result) if line.startswith("error:")] == [
        f"error: {base}/news/3: HTTP 404 Not Found"]
    rows = documents(db_path)
    # news/2 moved to news/1: one page, one document
    assert [(name, title, url) for name, title, url, *_ in rows] == [
        (f"{base}/news/1", "Streik im Hamburger Hafen beendet", f"{base}/news/1"),
    ]
    assert rows[0][3] == "2025-06-02T07:00:00.000Z"  # the page gives no time: the item's is kept
    assert sentences(db_path, f"{base}/news/1") == [
        "Streik im Hamburger Hafen beendet", "Die Hafenarbeiter in Hamburg haben ihren Streik nach drei Tagen beendet.", WAGES,
        "Die Gewerkschaft Verdi nannte die Einigung einen Erfolg für alle Beschäftigten."]


def test_atom_file(db_path, tmp_path):
    feed = tmp_path / "meldungen.atom"
    feed.write_text("""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="pl"><title>Wiadomości</title>
<id>urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6</id><updated>2025-06-05T12:00:00Z</updated>
<entry><title>Sejm przyjął ustawę</title><link rel="alternate" href="https://example.pl/sejm"/>
<id>urn:uuid:1</id><published>2025-06-05T09:00:00+02:00</published><updated>2025-06-05T10:00:00+02:00</updated>
<content type="html">&lt;p&gt;Sejm przyjął w piątek ustawę o mediach publicznych.&lt;/p&gt;&lt;p&gt;Za głosowało 240 posłów.&lt;/p&gt;</content></entry>
<entry><title>Ceny paliw spadły</title><link href="https://example.pl/paliwa"/><id>urn:uuid:2</id>
<updated>2025-06-04T08:00:00Z</updated>
<summary type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Ceny paliw spadły o 3 procent w maju.</p></div></summary></entry>
</feed>""", encoding="utf-8")
    result = run("import", feed, "--db", db_path)
    assert result.exit_code == 0, result.output
    assert documents(db_path) == [
        ("https://example.pl/sejm", "Sejm przyjął ustawę", "https://example.pl/sejm", "2025-06-05T07:00:00.000Z",
         "Wiadomości", "pl"),
        ("https://example.pl/paliwa", "Ceny paliw spadły", "https://example.pl/paliwa", "2025-06-04T08:00:00.000Z",
         "Wiadomości", "pl"),
    ]
    assert sentences(db_path, "https://example.pl/sejm") == ["Sejm przyjął w piątek ustawę o mediach publicznych.",
                                                             "Za głosowało 240 posłów."]
    assert sentences(db_path, "https://example.pl/paliwa") == ["Ceny paliw spadły o 3 procent w maju."]


_LAUGHS = "".join(f'<!ENTITY l{n} "{f"&l{n - 1};" * 10}">' for n in range(1, 10))


@pytest.mark.parametrize("feed_text", [
    # the declarations need not come first
    '<?xml version="1.0"?><!--' + "x" * 70_000 + '--><!DOCTYPE rss [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;">'
    '<!ENTITY x SYSTEM "file:///etc/passwd">]><rss version="2.0"><channel><title>t</title>'
    '<item><title>&b; &x;</title><description>&b;</description></item></channel></rss>',
    # a billion laughs, which libxml2 gives up on before the declarations are looked at
    f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY l0 "lol">{_LAUGHS}]><rss version="2.0"><channel>'
    "<title>t</title><item><title>&l9;</title></item></channel></rss>",
], ids=["entities", "billion-laughs"])
def test_feed_declaring_entities_is_refused(db_path, tmp_path, feed_text):
    feed = tmp_path / "lol.rss"
    feed.write_text(feed_text)
    result = run("import", feed, "--db", db_path)
    assert result.exit_code == 1
    assert output_lines(result)[0] == (f"error: {feed}: the feed declares XML entities, which are not "
                                 "expanded (a feed never needs them)")


def test_the_same_url_twice_is_the_same_document(site, db_path):
    site.routes["/hafen"] = html(PAGE.format(middle=WAGES))
    url = f"{site.base}/hafen"
    assert run("import", url, "--allow-private", "--db", db_path).exit_code == 0
    again = run("import", url, "--allow-private", "--db", db_path)
    assert again.exit_code == 0, again.output
    assert again.output.splitlines() == [f"unchanged {url}: already imported",
                                         "0 documents and 0 sentences added, 1 unchanged; 0 sentences joined a duplicate group"]


def label(db_path, name: str, index: int, value: str) -> int:
    store = Store(db_path)
    sentence = store.sentence_at(name, index)
    store.add_event(sentence.id, "label", "ann", value)
    store.close()
    return sentence.id


def labels(db_path) -> list[tuple]:
    conn = sqlite3.connect(db_path)
    rows = conn.execute("SELECT s.text, e.label FROM events e JOIN sentences s ON s.id = e.sentence_id "
                        "ORDER BY e.id").fetchall()
    conn.close()
    return rows


def test_a_changed_page_is_replaced_keeping_the_labels_of_unchanged_sentences(site, db_path):
    site.routes["/hafen"] = html(PAGE.format(middle=WAGES))
    url = f"{site.base}/hafen"
    assert run("import", url, "--allow-private", "--db", db_path).exit_code == 0
    first = label(db_path, url, 1, "fact")
    site.routes["/hafen"] = html(PAGE.format(middle=PRICES))  # the page was corrected
    conflict = run("import", url, "--allow-private", "--db", db_path)
    assert conflict.exit_code == 1
    assert (f"error: {url}: conflict: document '{url}' differs from the stored one; left as it was (use --replace "
            "to update it)") in conflict.output
    replaced = run("import", url, "--allow-private", "--replace", "--db", db_path)
    assert replaced.exit_code == 0, replaced.output
    assert f"replaced {url}: 3 sentences kept, 1 new" in replaced.output
    assert sentences(db_path, url)[2] == PRICES
    assert labels(db_path) == [("Die Hafenarbeiter in Hamburg haben ihren Streik nach drei Tagen beendet.", "fact")]
    assert Store(db_path).sentence_at(url, 1).id == first


def test_a_file_read_better_is_replaced_keeping_the_labels_of_unchanged_sentences(db_path, tmp_path):
    # read first as windows-1251, the French letters of windows-1252 become Cyrillic; read again right
    doc = tmp_path / "minister.txt"
    doc.write_bytes("The port reopened on Monday.\nThe minister said the café would reopen.\n".encode("cp1252"))
    assert run("import", doc, "--encoding", "cp1251", "--db", db_path).exit_code == 0
    assert sentences(db_path, "minister.txt")[1] == "The minister said the cafй would reopen."
    label(db_path, "minister.txt", 0, "fact")
    replaced = run("import", doc, "--encoding", "cp1252", "--replace", "--db", db_path)
    assert replaced.exit_code == 0, replaced.output
    assert "replaced minister.txt: 1 sentence kept, 1 new" in replaced.output
    assert sentences(db_path, "minister.txt") == ["The port reopened on Monday.",
                                                  "The minister said the café would reopen."]
    assert labels(db_path) == [("The port reopened on Monday.", "fact")]


def test_dns_tls_and_connection_failures_are_one_line_each(site, db_path, monkeypatch):
    resolve = web._resolve

    def resolver(host, port):  # the test's own DNS: one name that does not exist
        if host == "nachrichten.invalid":
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return resolve(host, port)

    monkeypatch.setattr(web, "_resolve", resolver)
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))  # bound, never listening: the connection is refused
    port = closed.getsockname()[1]
    tls = site.base.replace("http://", "https://") + "/hafen"  # a TLS handshake with a plain HTTP server
    result = run("import", "https://nachrichten.invalid/artikel", tls, f"http://127.0.0.1:{port}/",
                 "--allow-private", "--db", db_path)
    closed.close()
    assert result.exit_code == 1
    assert output_lines(result)[:3] == [
        "error: https://nachrichten.invalid/artikel: cannot resolve the host nachrichten.invalid",
        f"error: {tls}: TLS error (wrong version number)",
        f"error: http://127.0.0.1:{port}/: cannot fetch (Connection refused)",
    ]


def test_the_content_type_chooses_the_reader(site, db_path):
    site.routes["/meldung.txt"] = (200, [("Content-Type", "text/plain; charset=koi8-r")],
                                   "Правительство объявило о новых мерах поддержки.\n".encode("koi8-r"))
    site.routes["/bild"] = 200, [("Content-Type", "image/png")], b"\x89PNG\r\n\x1a\n"
    site.routes["/bericht"] = 200, [("Content-Type", "application/pdf")], b"%PDF-1.7\n"
    site.routes["/daten"] = 200, [("Content-Type", "application/xml")], b"<?xml version='1.0'?><daten/>"
    base = site.base
    result = run("import", f"{base}/meldung.txt", f"{base}/bild", f"{base}/daten", "--allow-private", "--db", db_path)
    assert result.exit_code == 1
    assert [line for line in output_lines(result) if line.startswith("error:")] == [
        f"error: {base}/bild: not a page, a feed, text or a PDF (Content-Type image/png)",
        f"error: {base}/daten: XML that is not an RSS or Atom feed (application/xml)",
    ]
    assert sentences(db_path, f"{base}/meldung.txt") == ["Правительство объявило о новых мерах поддержки."]
    from annotator import readers

    if "pdf" not in readers.READERS:  # the pdf extra's reader, where it is installed, reads it
        pdf = run("import", f"{base}/bericht", "--allow-private", "--db", db_path)
        assert pdf.output.splitlines()[0] == (f"error: {base}/bericht: is a PDF; PDF import needs the pdf extra: "
                                              "pip install 'annotator[pdf]'")


def test_a_fragment_names_no_other_document(site, db_path):
    site.routes["/hafen"] = html(PAGE.format(middle=WAGES))
    url = f"{site.base}/hafen"
    assert run("import", f"{url}#kommentare", "--allow-private", "--db", db_path).exit_code == 0
    again = run("import", url, "--allow-private", "--db", db_path)
    assert again.output.splitlines()[0] == f"unchanged {url}: already imported"
    assert [row[0] for row in documents(db_path)] == [url]


def test_feed_captions_and_the_wordpress_footer_are_no_sentences(db_path, tmp_path):
    feed = tmp_path / "wetter.rss"
    feed.write_text("""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Küstenbote</title>
<link>https://kuestenbote.de/</link><language>de-DE</language>
<item><title>Sturm</title><link>https://kuestenbote.de/sturm/</link><pubDate>Di, 17 Okt 2023 08:30:00 +0200</pubDate>
<content:encoded><![CDATA[<p>Der Wetterdienst warnt vor Sturm an der Ostsee.</p><figure><img src="sturm.jpg">
<figcaption>Foto: dpa</figcaption></figure><p>Die Fähren nach Dänemark fallen aus.</p>
<p>Der Beitrag <a href="https://kuestenbote.de/sturm/">Sturm</a> erschien zuerst auf <a href="https://kuestenbote.de">Küstenbote</a>.</p>]]></content:encoded></item>
<item><title>Storm</title><link>https://kuestenbote.de/en/storm/</link><pubDate>Tue, 17 Oct 2023 08:30:00 +0200</pubDate>
<description><![CDATA[<p>Ferries to Denmark are cancelled.</p><p>The post <a href="https://kuestenbote.de/en/storm/">Storm</a> appeared first on <a href="https://kuestenbote.de">Küstenbote</a>.</p>]]></description></item>
</channel></rss>""", encoding="utf-8")
    result = run("import", feed, "--db", db_path)
    assert result.exit_code == 0, result.output
    assert sentences(db_path, "https://kuestenbote.de/sturm/") == ["Der Wetterdienst warnt vor Sturm an der Ostsee.",
                                                                  "Die Fähren nach Dänemark fallen aus."]
    assert sentences(db_path, "https://kuestenbote.de/en/storm/") == ["Ferries to Denmark are cancelled."]
    # a German pubDate ("Di, 17 Okt") read in the feed's language
    assert [row[3] for row in documents(db_path)] == ["2023-10-17T06:30:00.000Z", "2023-10-17T06:30:00.000Z"]


ATOM_LINKS = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="ru"><title>Новости</title>{site}
<entry><title>Первая</title><link href="https://ex.org/1"/><updated>2024-03-01T10:00:00Z</updated>
<summary>Правительство повысило налоги.</summary></entry>
<entry><title>Повтор</title><link href="https://ex.org/1"/><updated>2024-03-01T10:00:00Z</updated>
<summary>Правительство повысило налоги.</summary></entry>
<entry><title>Дубль</title><link href="https://EX.org:443/1"/><summary>Другой текст той же ссылки.</summary></entry>
<entry><title>Без даты</title><link href="https://ex.org/3"/><published>вчера</published><summary>Цены выросли.</summary></entry>
<entry><title>Относительная</title><link href="/relative/4"/><summary>Банк снизил ставку.</summary></entry>
<entry xml:base="https://archiv.ex.org/2024/"><title>База</title><link href="5.html"/><summary>Рубль укрепился.</summary></entry>
</feed>"""


def test_feed_links_made_absolute_repeats_and_bad_times_said(db_path, tmp_path):
    feed = tmp_path / "novosti.atom"
    feed.write_text(ATOM_LINKS.format(site=""), encoding="utf-8")
    notes = [f"{feed}: item 3 links to https://ex.org/1 as an earlier item does, with another text; named novosti.atom#3",
             f"{feed}: item 4's time 'вчера' is not a time; left undated",
             f"{feed}: item 5's link '/relative/4' is relative and the feed gives no address to read it against; "
             "named novosti.atom#5"]
    first = run("import", feed, "--db", db_path)
    assert first.exit_code == 0, first.output
    assert output_lines(first) == [f"imported {feed}: 5 documents, 5 sentences", *notes,
                           "5 documents and 5 sentences added, 0 unchanged; 0 sentences joined a duplicate group"]
    assert [(name, url, published) for name, _, url, published, *_ in documents(db_path)] == [
        ("https://ex.org/1", "https://ex.org/1", "2024-03-01T10:00:00.000Z"),  # its repeat (item 2) left out
        ("novosti.atom#3", "https://ex.org/1", None),
        ("https://ex.org/3", "https://ex.org/3", None),
        ("novosti.atom#5", None, None),
        ("https://archiv.ex.org/2024/5.html", "https://archiv.ex.org/2024/5.html", None),  # its xml:base
    ]
    again = run("import", feed, "--db", db_path)
    assert again.exit_code == 0, again.output
    assert output_lines(again) == [f"unchanged {feed}: already imported", *notes,
                           "0 documents and 0 sentences added, 5 unchanged; 0 sentences joined a duplicate group"]


def test_a_relative_link_is_read_against_the_site_or_the_feeds_url(site, db_path, tmp_path):
    feed = tmp_path / "novosti.atom"
    feed.write_text(ATOM_LINKS.format(site='<link rel="alternate" href="https://ex.org/ru/"/>'), encoding="utf-8")
    assert run("import", feed, "--db", db_path).exit_code == 0
    assert "https://ex.org/relative/4" in [row[0] for row in documents(db_path)]
    site.routes["/lenta"] = 200, [("Content-Type", "application/atom+xml")], ATOM_LINKS.format(site="").encode()
    fetched = run("import", f"{site.base}/lenta", "--allow-private", "--db", db_path)
    assert fetched.exit_code == 0, fetched.output
    assert f"{site.base}/relative/4" in [row[0] for row in documents(db_path)]
    assert f"{site.base}/lenta: item 4's time 'вчера' is not a time; left undated" in output_lines(fetched)  # said for a URL too


def test_an_atom_entry_is_named_by_its_alternate_link_not_its_first(db_path, tmp_path):
    feed = tmp_path / "podcast.atom"
    feed.write_text("""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" xml:lang="el">
<title>Ειδήσεις</title><entry><title>Βουλή</title><link rel="enclosure" href="https://ex.gr/vouli.mp3"/>
<link rel="alternate" href="https://ex.gr/vouli"/><summary>Η Βουλή ψήφισε τον προϋπολογισμό.</summary></entry></feed>""",
                    encoding="utf-8")
    assert run("import", feed, "--db", db_path).exit_code == 0
    assert [row[:3] for row in documents(db_path)] == [("https://ex.gr/vouli", "Βουλή", "https://ex.gr/vouli")]
