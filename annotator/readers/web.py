"""Pages and feeds on the web: fetched under rules (http and https only, a timeout, a size cap, no
private address unless allowed, checked on every redirect), then read by the reader their
Content-Type names."""

from __future__ import annotations

import http.client
import ipaddress
import re
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urldefrag, urljoin, urlsplit, urlunsplit

from annotator.model import Document, InputError

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_REDIRECTS = {301, 302, 303, 307, 308}
MAX_REDIRECTS = 10
USER_AGENT = "annotator (news sentence labeling; +https://pypi.org/project/annotator/)"


def is_url(target: object) -> bool:
    """Is an import target a URL ("https://...", also "file://..." or "ftp://...", which are refused)
    rather than a path?"""
    return isinstance(target, str) and bool(_URL.match(target))


@dataclass(frozen=True)
class Rules:
    """What a fetch may do. `timeout`: seconds for the whole fetch, redirects included (each
    connection and read waits at most that long too). `max_bytes`: the largest body read.
    `allow_private`: may it reach loopback, private, link-local or reserved addresses (a server on
    this machine or the local network)?"""

    timeout: float = 20.0
    max_bytes: int = 1 << 30
    allow_private: bool = False


@dataclass
class Page:
    """A fetched body: the URL asked for, the URL it came from after redirects (both without a
    #fragment, which names a place in the page, not another page), its media type
    ("text/html"), its declared charset (None when the header gives none) and its bytes."""

    asked: str
    url: str
    media_type: str
    charset: str | None
    body: bytes


# IPv6 forms that carry an IPv4 address, the packets going on to that address: IPv4-compatible
# (::a.b.c.d), IPv4-translated (::ffff:0:a.b.c.d) and NAT64's well-known prefix (64:ff9b::a.b.c.d),
# each in the last 32 bits; IPv4-mapped, 6to4 and Teredo have ipaddress's own properties
_LAST_32_BITS = tuple(ipaddress.ip_network(net) for net in ("::/96", "::ffff:0:0:0/96", "64:ff9b::/96"))
# not globally reachable (IANA's special-purpose registry) though Python before 3.12.4 calls them
# global: NAT64's local-use prefix (RFC 8215, whatever IPv4 address it carries) and the documentation one
_NOT_GLOBAL = tuple(ipaddress.ip_network(net) for net in ("64:ff9b:1::/48", "3fff::/20"))


def public(address: str) -> bool:
    """Is an IP address one of the internet's (not loopback, private, link-local, shared, multicast
    or reserved)? An IPv6 address that carries an IPv4 one (::ffff:10.0.0.1, ::127.0.0.1, NAT64's
    64:ff9b::7f00:1, 6to4's 2002:7f00:1::, a Teredo address) is public only when what it carries is
    too. Raises ValueError for what is no IP address."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    return all(one.is_global and not one.is_multicast for one in [ip, *embedded_ipv4(ip)]) and \
        not any(ip in net for net in _NOT_GLOBAL if ip.version == net.version)


def embedded_ipv4(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address carries (a Teredo address two: its server and its client),
    [] for one that carries none and for an IPv4 address."""
    if not isinstance(ip, ipaddress.IPv6Address):
        return []
    if ip.ipv4_mapped is not None:
        return [ip.ipv4_mapped]
    if ip.sixtofour is not None:
        return [ip.sixtofour]
    if ip.teredo is not None:
        return list(ip.teredo)
    if int(ip) > 1 and any(ip in net for net in _LAST_32_BITS):  # :: and ::1 are themselves
        return [ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)]
    return []


def _refused(address: str) -> str:
    """Why a private address is refused, naming the IPv4 address an IPv6 one carries."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    carried = ", ".join(str(one) for one in embedded_ipv4(ip) if str(one) not in address)
    what = f"{address} (which carries {carried})" if carried else address
    return f"refused: {what} is a private address (use --allow-private)"


def _resolve(host: str, port: int) -> list[tuple]:
    return socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)


def _guarded_connect(shown: str, rules: Rules, deadline: float):
    """A replacement for socket.create_connection that resolves the host itself and refuses it when
    any of its addresses is private, then connects to an address it checked: a name that resolves
    once to a public address and then to a private one (DNS rebinding) cannot slip through."""

    def connect(address, timeout=None, source_address=None):
        host, port = address
        try:
            found = _resolve(host, port)
        except socket.gaierror:
            raise InputError(shown, f"cannot resolve the host {host}") from None
        if not rules.allow_private:
            for *_, sockaddr in found:
                if not public(sockaddr[0]):
                    raise InputError(shown, _refused(sockaddr[0]))
        error = None
        for family, kind, proto, _name, sockaddr in found:
            sock = socket.socket(family, kind, proto)
            try:
                sock.settimeout(_left(deadline, shown, rules))
                sock.connect(sockaddr)
                return sock
            except OSError as err:
                sock.close()
                error = err
        raise error or OSError(f"no address for {host}")

    return connect


def _left(deadline: float, shown: str, rules: Rules) -> float:
    """Seconds left before the deadline; InputError once it has passed."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise _timed_out(shown, rules)
    return left


def _timed_out(shown: str, rules: Rules) -> InputError:
    return InputError(shown, f"timed out after {rules.timeout:g} s (raise it with --timeout)")


def fetch(url: str, rules: Rules = Rules()) -> Page:
    """GET a URL under the rules, following redirects (each to http or https only, each host checked).

    Raises InputError (one line naming the URL) for another scheme, a private address, an HTTP
    error status, a timeout, a host that cannot be resolved, a TLS or connection error, too many
    redirects, a body larger than rules.max_bytes or a compressed body."""
    shown = _shown(url)
    deadline = time.monotonic() + rules.timeout
    current = url
    for _ in range(MAX_REDIRECTS + 1):
        where = _where(current, shown, redirected=current != url)
        try:
            status, reason, headers, body = _get(where, shown, rules, deadline)
        except InputError:
            raise
        except (TimeoutError, socket.timeout):
            raise _timed_out(shown, rules) from None
        except ssl.SSLError as err:
            problem = getattr(err, "verify_message", None) or (err.reason or str(err)).lower().replace("_", " ")
            raise InputError(shown, f"TLS error ({problem})") from None
        except (OSError, http.client.HTTPException) as err:
            raise InputError(shown, f"cannot fetch ({getattr(err, 'strerror', None) or type(err).__name__})") from None
        if status in _REDIRECTS and headers.get("location"):
            current = urljoin(current, headers["location"].strip())
            continue
        if not 200 <= status < 300:
            raise InputError(shown, f"HTTP {status} {reason}".rstrip())
        media_type, charset = content_type(headers.get("content-type", ""))
        return Page(asked=urldefrag(url).url, url=urldefrag(current).url, media_type=media_type, charset=charset,
                    body=body)
    raise InputError(shown, f"more than {MAX_REDIRECTS} redirects")


@dataclass(frozen=True)
class _Where:
    secure: bool
    host: str  # an IPv6 address without its brackets
    port: int | None  # None: the scheme's own (80, 443)
    target: str  # the path and query asked for


def _where(url: str, shown: str, redirected: bool = False) -> _Where:
    """Where a GET of `url` goes. Raises InputError for another scheme than http or https, no host,
    a port that is no number from 0 to 65535 and a broken IPv6 literal ("http://[::1/")."""
    try:
        parts = urlsplit(url)
        scheme, host, port = parts.scheme.lower(), parts.hostname, parts.port
    except ValueError as err:
        raise InputError(shown, f"not a valid URL: {_shown(url)} ({err})") from None
    if scheme not in ("http", "https"):
        raise InputError(shown, f"refused: {f'redirect to a {scheme}: URL' if redirected else 'only http and https URLs are imported'}")
    if not host:
        raise InputError(shown, f"no host in {_shown(url)}")
    return _Where(scheme == "https", host, port, (parts.path or "/") + (f"?{parts.query}" if parts.query else ""))


def _get(where: _Where, shown: str, rules: Rules, deadline: float):
    """One GET: (status, reason, headers with lower-case names, body; empty for a redirect)."""
    timeout = _left(deadline, shown, rules)
    # the port always given: without one, http.client takes what follows an IPv6 address's last colon
    if where.secure:
        conn = http.client.HTTPSConnection(where.host, where.port or 443, timeout=timeout, context=_tls())
    else:
        conn = http.client.HTTPConnection(where.host, where.port or 80, timeout=timeout)
    conn._create_connection = _guarded_connect(shown, rules, deadline)
    try:
        conn.request("GET", where.target, headers={"User-Agent": USER_AGENT, "Accept-Encoding": "identity",
                                             "Accept": "text/html, application/xhtml+xml, application/rss+xml, "
                                                       "application/atom+xml, application/xml;q=0.9, */*;q=0.8"})
        response = conn.getresponse()
        headers = {name.lower(): value for name, value in response.getheaders()}
        if not 200 <= response.status < 300:  # a redirect or an error: its body is not read
            return response.status, response.reason, headers, b""
        if headers.get("content-encoding", "identity").strip().lower() not in ("identity", ""):
            raise InputError(shown, f"the server sent it compressed ({headers['content-encoding']}), "
                                    "which was not asked for")
        return response.status, response.reason, headers, _read_capped(response, headers, shown, rules, deadline)
    finally:
        conn.close()


def _read_capped(response, headers: dict, shown: str, rules: Rules, deadline: float) -> bytes:
    """The body, refused as soon as it passes the cap (announced by Content-Length or not) or the
    deadline (a server sending a byte a second never holds the import for long)."""
    from annotator.readers import _over_file_cap, Limits

    too_large = InputError(shown, _over_file_cap(Limits(file_bytes=rules.max_bytes), "it is"))
    length = headers.get("content-length", "").strip()
    if length.isdigit() and int(length) > rules.max_bytes:
        raise too_large
    parts, size = [], 0
    while True:
        chunk = response.read1(1 << 16)
        _left(deadline, shown, rules)
        if not chunk:
            return b"".join(parts)
        size += len(chunk)
        if size > rules.max_bytes:
            raise too_large
        parts.append(chunk)


def _tls() -> ssl.SSLContext:
    try:
        import certifi  # trafilatura's own dependency: current root certificates where the system's are old
    except ImportError:
        return ssl.create_default_context()
    return ssl.create_default_context(cafile=certifi.where())


def content_type(value: str) -> tuple[str, str | None]:
    """("text/html", "windows-1252") from 'text/html; charset="windows-1252"'; the media type is
    lower case, the charset None when not given."""
    media, _, params = value.partition(";")
    charset = None
    for param in params.split(";"):
        key, _, val = param.partition("=")
        if key.strip().lower() == "charset" and val.strip().strip("\"'"):
            charset = val.strip().strip("\"'").lower()
    return media.strip().lower(), charset


_DEFAULT_PORTS = {"http": 80, "https": 443}
# parameters that say how a reader came to a page (a newsletter, a feed, an ad), never what it says
_TRACKING = re.compile(r"utm_[a-z_]+|fbclid|gclid", re.IGNORECASE)
_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


def canonical(url: str, keep_fragment: bool = False) -> str:
    """The form of an http(s) URL that names its document, so that one page reached by several
    spellings is one document (RFC 3986's normalisation, and a little more): scheme and host in lower
    case, the scheme's own port, user and password, an empty query ("page.html?"), tracking parameters
    (utm_*, fbclid, gclid) and, unless `keep_fragment`, the #fragment left out; an empty path is "/";
    percent-escapes in upper case, those of letters, digits and "-._~" decoded.
    "HTTP://Example.org:80/a%7eb?utm_source=rss#top" -> "http://example.org/a~b". Raises ValueError
    for a URL whose port or IPv6 address is broken."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    if parts.port is not None and parts.port != _DEFAULT_PORTS.get(scheme):
        host += f":{parts.port}"
    query = "&".join(pair for pair in parts.query.split("&") if pair and not _TRACKING.fullmatch(pair.split("=")[0]))
    fragment = _escapes(parts.fragment) if keep_fragment else ""
    return urlunsplit((scheme, host, _escapes(parts.path) or "/", _escapes(query), fragment))


def _escapes(part: str) -> str:
    def one(found: re.Match) -> str:
        char = chr(int(found.group(1), 16))
        return char if char in _UNRESERVED else f"%{found.group(1).upper()}"

    return _ESCAPE.sub(one, part)


def _shown(url: str) -> str:
    """A URL as printed: control characters quoted, as a path's are."""
    from annotator.readers import shown_path

    return shown_path(url)


_HTML_TYPES = {"text/html", "application/xhtml+xml"}
_FEED_TYPES = {"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/feed+xml"}
_XML_TYPES = {"application/xml", "text/xml"}


def kind_of(page: Page) -> str:
    """Which reader a fetched body goes to, from its Content-Type ("html", "feed", "txt", "pdf"), or
    from a look at its first bytes when the server gives none. Raises InputError for another type."""
    media = page.media_type
    if media in _HTML_TYPES:
        return "html"
    if media in _FEED_TYPES:
        return "feed"
    if media in _XML_TYPES:
        from annotator.readers import feed

        if feed.is_feed(page.body):
            return "feed"
        raise InputError(_shown(page.asked), f"XML that is not an RSS or Atom feed ({media})")
    if media == "text/plain":
        return "txt"
    if media == "application/pdf":
        return "pdf"
    if media in ("", "application/octet-stream"):
        head = page.body[:1024].lstrip().lower()
        if head.startswith(b"%pdf"):
            return "pdf"
        from annotator.readers import feed

        if feed.is_feed(page.body):
            return "feed"
        if b"<html" in head or head.startswith(b"<!doctype html"):
            return "html"
    raise InputError(_shown(page.asked), f"not a page, a feed, text or a PDF (Content-Type {media or 'missing'})")


def read_page(page: Page, fmt: str | None = None, encoding: str | None = None) -> list[Document]:
    """The documents of a fetched body, read by the reader its Content-Type names (or `fmt`, as
    `import --format` forces): a page named by the URL it came from after redirects, in its
    `canonical` form, which is also its URL; a feed's items by their links. The Content-Type's charset is the declared encoding (it wins over <meta charset>, as in a
    browser); `encoding` is `import --encoding`'s, which wins over both. Raises InputError."""
    from annotator import readers
    from annotator.readers import decode

    shown = _shown(page.asked)
    kind = fmt or kind_of(page)
    if kind == "feed":
        from annotator.readers import feed

        read = feed.read
    elif kind in readers.READERS:
        read = readers.READERS[kind]
    elif kind == "pdf":
        raise InputError(shown, "is a PDF; PDF import needs the pdf extra: pip install 'annotator[pdf]'")
    else:
        raise InputError(shown, f"--format {kind} cannot read a page")
    # a redirect's target, and the same page spelt another way ("page.html?"), is the same document
    name = canonical(page.url)
    with decode.decode_as(encoding, declared=page.charset):
        docs = read(page.body, shown, name)
    for doc in docs:
        if kind != "feed":  # a feed's items keep their own links
            doc.url = name
    return docs


def read_url(url: str, rules: Rules = Rules(), *, fmt: str | None = None, encoding: str | None = None,
             follow: bool = False) -> tuple[list[Document], list[str]]:
    """The documents at a URL: a page's one, or a feed's items. With `follow`, each item that has a
    link is its linked page's main text instead (fetched under the same rules), named as a page is
    (two items whose links lead to one page give it once) and keeping the item's title and time
    where the page gives none; an item without a link keeps its own text.

    Returns (documents, one-line errors of items whose page could not be read: they are left out).
    Raises InputError when the URL itself cannot be fetched or read."""
    page = fetch(url, rules)
    kind = fmt or kind_of(page)
    docs = read_page(page, kind, encoding)
    if kind != "feed" or not follow:
        return docs, []
    followed, errors, pages = [], [], set()
    for item in docs:
        if not item.url:  # nothing to follow: the feed's own text is all there is
            followed.append(item)
            continue
        try:
            linked = fetch(item.url, rules)
            if kind_of(linked) == "feed":
                raise InputError(_shown(item.url), "the item's link is a feed, not a page")
            own = read_page(linked, None, encoding)[0]
        except InputError as err:
            errors.append(str(err))
            continue
        if own.name in pages:
            continue
        pages.add(own.name)
        own.title = own.title or item.title
        own.published = own.published or item.published
        own.source = own.source or item.source
        followed.append(own)
    return followed, errors
