"""`annotator serve`: the annotation (and review) screen in a browser, behind a token.

textual-serve (from the makers of Textual) does the serving: every browser session runs its own
`annotator annotate` process against the shared database, exactly as concurrent terminal annotators
do. This module adds what a team server needs around it:

- a token on every request (`?token=`, an `Authorization: Bearer` header, then a session cookie),
  compared in constant time; a request without it (or with one that is not even UTF-8) gets 401 and
  starts nothing; a page asked for with `?token=` is sent on to the same address without it;
- a request from a page of another origin (another port, a sibling subdomain) gets 403: only the
  served address and `--public-url` may open a session; no response leaks its address as a referrer;
- the terminal size a browser asks for bounded to MAX_COLUMNS x MAX_ROWS;
- the annotator's name, asked on a first page (or `?name=`) and kept for the browser session;
- at most `max_sessions` sessions at once, an idle session closed after `idle_s`, and a session whose
  browser went away (or was closed) ends its process.
"""

from __future__ import annotations

import asyncio
import hmac
import html
import errno
import secrets
import shlex
import socket
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

TOKEN_COOKIE = "annotator_token"
NAME_COOKIE = "annotator_name"
ROLE_COOKIE = "annotator_role"
MAX_NAME = 64
MAX_COLUMNS, MAX_ROWS = 500, 200  # a session's screen is kept in memory cell by cell: a browser may not ask for more
REFUSED_ORIGIN = "403: this page may only be used from the address the server serves\n"
WEB = Path(__file__).resolve().parent / "web"  # the screen's page, its script and style, served at /assets/
# every page, script, style, font and socket comes from this server: nothing is fetched from another
# host (the page works offline, and no third party learns who annotates when); no page may frame it
CONTENT_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                  "font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


class ServeError(ValueError):
    """A setting refused, told in one line."""


def require_textual_serve() -> None:
    try:
        import textual_serve  # noqa: F401
    except ImportError:
        raise ServeError("serving to browsers needs textual-serve: pip install 'annotator[serve]'") from None


def choose_token(given: str | None, environment: str | None) -> tuple[str, bool]:
    """(token, made here): --token, else $ANNOTATOR_TOKEN, else a new random one. Empty is refused."""
    for where, value in (("--token", given), ("$ANNOTATOR_TOKEN", environment)):
        if value is not None:
            if not value.strip():
                raise ServeError(f"{where}: an empty token would let anyone in; give one, or none to have one made")
            return value, False
    return secrets.token_urlsafe(24), True


def clean_name(name: str | None) -> str | None:
    """A usable annotator name, or None."""
    if name is None:
        return None
    name = " ".join(name.split())
    if not name or len(name) > MAX_NAME or not name.isprintable():
        return None
    return name


def terminal_size(width, height) -> tuple[int, int]:
    """(columns, rows) for the size a browser asked for, each an integer from 1 to MAX_COLUMNS or
    MAX_ROWS; what is not an integer counts as 80 columns or 24 rows."""
    def bounded(value, default: int, top: int) -> int:
        try:
            number = int(value)
        except (TypeError, ValueError, OverflowError):
            number = default
        return max(1, min(top, number))
    return bounded(width, 80, MAX_COLUMNS), bounded(height, 24, MAX_ROWS)


def origin_of(url: str) -> tuple[str, str, int | None] | None:
    """(scheme, host, port) of an address or an Origin header, the port filled in from the scheme;
    None for what is no origin ("null", garbage)."""
    from yarl import URL

    try:
        parsed = URL(url.strip())
        return (parsed.scheme.lower(), parsed.host.lower(), parsed.port) if parsed.scheme and parsed.host else None
    except (ValueError, TypeError, AttributeError):
        return None


MOVE_ON_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><meta http-equiv="refresh" content="0; url={url}"><title>annotator</title>
</head><body><a href="{url}">continue</a></body></html>"""

NAME_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>annotator</title>
<style>body{{font-family:system-ui,sans-serif;max-width:32em;margin:4em auto}}input{{font-size:1.1em}}</style>
</head><body><h1>annotator</h1>
<form method="get" action="/">
<p><label>Your name, as it goes into the label history:<br>
<input name="name" autofocus required maxlength="64" value="{name}"></label></p>
<p><label><input type="checkbox" name="review" value="1"> review disagreements (for the lead)</label><br>
<label><input type="checkbox" name="all" value="1"> with it, every labeled unit, also those one annotator labeled (--all)</label></p>
<p><button type="submit">Start</button></p>{error}
</form></body></html>"""


@dataclass
class BrowserSession:
    name: str
    review: bool
    websocket: object
    review_all: bool = False
    service: object = None
    last_active: float = field(default_factory=time.monotonic)


def make_server(db_path: str, token: str, *, host: str = "127.0.0.1", port: int = 8000, max_sessions: int = 32,
                idle_s: float = 30 * 60, public_url: str | None = None):
    """The server (a textual-serve Server with the guards above), not yet running."""
    require_textual_serve()
    import aiohttp_jinja2
    import jinja2
    from aiohttp import WSMsgType, web
    from textual_serve.app_service import AppService
    from textual_serve.server import Server, to_int

    class AnnotatorServer(Server):
        def __init__(self):
            super().__init__("annotator", host=host, port=port, title="annotator", public_url=public_url)
            self.explicit_public_url = public_url
            self.db_path = str(Path(db_path).resolve())
            self.token = token
            self.max_sessions = max_sessions
            self.idle_s = idle_s
            self.sessions: dict[int, BrowserSession] = {}
            self._reaper: asyncio.Task | None = None

        # -- the guard ------------------------------------------------------------------------

        def _given_token(self, request) -> tuple[str | None, bool]:
            """(token, came in the request itself rather than the cookie)."""
            if request.query.get("token"):
                return request.query["token"], True
            header = request.headers.get("Authorization", "")
            if header.lower().startswith("bearer "):
                return header[7:].strip(), True
            return request.cookies.get(TOKEN_COOKIE), False

        def _allowed(self, given: str | None) -> bool:
            try:  # a header or cookie that was not UTF-8 comes with surrogates, which do not encode
                given_bytes = given.encode("utf-8") if given is not None else None
            except UnicodeEncodeError:
                return False
            return given_bytes is not None and hmac.compare_digest(given_bytes, self.token.encode("utf-8"))

        def _same_origin(self, request) -> bool:
            """No Origin header (not a browser's script), or the origin this server is reached at:
            the Host it was asked for, or --public-url's."""
            origin = request.headers.get("Origin")
            if origin is None:
                return True
            served = {origin_of(self._origin(request))}
            if self.explicit_public_url:
                served.add(origin_of(self.explicit_public_url))
            return origin_of(origin) in served - {None}

        @web.middleware
        async def guard(self, request, handler):
            given, fresh = self._given_token(request)
            if not self._allowed(given):
                return web.Response(status=401, text="401: this annotator server needs its token "
                                                     "(open the address it printed, with ?token=...)\n")
            # the token cookie goes along with requests from any page of the same site (another local
            # port, a sibling subdomain): only the Origin header tells such a page's scripts apart
            if not self._same_origin(request):
                return web.Response(status=403, text=REFUSED_ORIGIN)
            if request.query.get("token") and request.method == "GET" and \
                    request.headers.get("Upgrade", "").lower() != "websocket":
                response = self._without_token(request)
            else:
                response = await handler(request)
            if fresh and isinstance(response, web.Response):
                response.set_cookie(TOKEN_COOKIE, self.token, httponly=True, samesite="Strict",
                                    secure=request.secure or request.headers.get("X-Forwarded-Proto") == "https")
            return response

        def _without_token(self, request):
            """The same address without ?token=, which the cookie now carries: out of the address bar,
            the history and screen shares. Reached from another site, a redirect would be followed
            without the SameSite=Strict cookie, so the page moves on by itself instead."""
            url = str(request.rel_url.without_query_params("token"))
            # "//host/..." or "/\\host/..." in a Location is read by browsers as another site
            url = "/" + url.lstrip("/\\")
            if request.headers.get("Sec-Fetch-Site") == "cross-site":
                response = web.Response(text=MOVE_ON_PAGE.format(url=html.escape(url)), content_type="text/html")
            else:
                response = web.Response(status=303, headers={"Location": url})
            response.headers["Cache-Control"] = "no-store"
            return response

        @staticmethod
        async def no_referrer(request, response) -> None:
            """Every response: no Referer leaves with the address, no other page may frame the
            screen (a page on another local port is the same site: the cookie would go along, and
            clicks in a hidden frame would label under the annotator's name), and the browser loads
            nothing from another host (CONTENT_POLICY)."""
            response.headers["Referrer-Policy"] = "no-referrer"
            response.headers["X-Frame-Options"] = "DENY"
            response.headers["Content-Security-Policy"] = CONTENT_POLICY

        async def _make_app(self):
            app = web.Application(middlewares=[self.guard])
            aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(WEB))
            app.add_routes([
                web.get("/", self.handle_index, name="index"),
                web.get("/ws", self.handle_websocket, name="websocket"),
                web.get("/download/{key}", self.handle_download, name="download"),
                web.get("/sessions", self.handle_sessions, name="sessions"),
                web.static("/static", self.statics_path, name="static"),
                web.static("/assets", WEB, name="assets"),
            ])
            app.on_response_prepare.append(self.no_referrer)
            app.on_startup.append(self.on_startup)
            app.on_shutdown.append(self.on_shutdown)
            return app

        # -- pages --------------------------------------------------------------------------------

        async def handle_index(self, request):
            # a name or role in the address counts only when typed, or sent by this server's own
            # pages: a link on a sibling subdomain (whose navigations carry the cookie) may not rename
            asked_here = request.headers.get("Sec-Fetch-Site", "none") in ("none", "same-origin")
            query = request.query if asked_here else {}
            asked = query.get("name")
            name = clean_name(asked) or clean_name(request.cookies.get(NAME_COOKIE))
            if name is None:
                return self._name_page(asked, "" if asked is None else "Give a name of up to 64 printable characters.")
            role = query.get("review", request.cookies.get(ROLE_COOKIE, ""))
            if role == "1" and query.get("all") == "1":
                role = "all"
            review = role in ("1", "all")
            if review and not self._anything_to_review(role == "all"):
                # `annotator review` would say so and end, which textual-serve only shows as a splash
                # that never goes: the first page says it instead, and offers --all
                from annotator.review import nothing_to_review

                return self._name_page(name, nothing_to_review(role == "all").replace(
                    "(try --all)", "(tick “every labeled unit” to review with --all)"))
            origin = self.explicit_public_url or self._origin(request)
            font_size = to_int(request.query.get("fontsize", "16"), 16)
            websocket = ("wss:" if origin.startswith("https") else "ws:") + origin.split(":", 1)[1] + "/ws"
            context = {"font_size": font_size, "app_websocket_url": websocket,
                       "config": {"static": {"url": origin + "/static/"}}, "own_static_url": origin + "/assets/",
                       "application": {"name": f"annotator: {name}" + (" (review)" if review else "")}}
            response = aiohttp_jinja2.render_template("screen.html", request, context)
            response.set_cookie(NAME_COOKIE, name, httponly=True, samesite="Strict")
            response.set_cookie(ROLE_COOKIE, role if review else "0", httponly=True, samesite="Strict")
            return response

        @staticmethod
        def _name_page(name: str | None, error: str):
            error = f"<p style='color:#b00'>{html.escape(error)}</p>" if error else ""
            return web.Response(text=NAME_PAGE.format(name=html.escape(name or ""), error=error),
                                content_type="text/html")

        def _anything_to_review(self, include_single: bool) -> bool:
            from annotator.review import units_to_review
            from annotator.store import Store

            store = Store(self.db_path, create=False)
            try:
                return bool(units_to_review(store, include_single))
            finally:
                store.close()

        def _origin(self, request) -> str:
            scheme = request.headers.get("X-Forwarded-Proto", request.scheme)
            return f"{scheme}://{request.host}"

        async def handle_sessions(self, request):
            """Who is connected now (for the lead, and for tests): names, idle seconds, process ids."""
            now = time.monotonic()
            return web.json_response([
                {"name": s.name, "review": s.review, "idle_s": round(now - s.last_active, 1),
                 "pid": getattr(getattr(s.service, "_process", None), "pid", None)}
                for s in self.sessions.values()
            ])

        # -- sessions ---------------------------------------------------------------------------

        def session_command(self, name: str, review: bool, review_all: bool = False) -> str:
            what = (["review", "--all"] if review_all else ["review"]) if review else ["annotate"]
            return shlex.join([sys.executable, "-m", "annotator.cli", *what, "--db", self.db_path, "--annotator", name])

        async def handle_websocket(self, request):
            name = clean_name(request.cookies.get(NAME_COOKIE))
            if name is None:
                return web.Response(status=400, text="400: give your name first (open / and fill it in)\n")
            if len(self.sessions) >= self.max_sessions:
                return web.Response(status=503, text=f"503: the server has its {self.max_sessions} sessions; "
                                                     "try again when someone leaves\n")
            role = request.cookies.get(ROLE_COOKIE)
            review = role in ("1", "all")
            websocket = web.WebSocketResponse(heartbeat=15)  # a browser that went away is noticed
            session = BrowserSession(name, review, websocket, review_all=role == "all")
            key = id(session)
            self.sessions[key] = session
            width, height = terminal_size(request.query.get("width"), request.query.get("height"))
            try:
                await websocket.prepare(request)
                session.service = AppService(self.session_command(name, review, session.review_all), write_bytes=websocket.send_bytes,
                                             write_str=websocket.send_str, close=websocket.close,
                                             download_manager=self.download_manager, debug=self.debug)
                await session.service.start(width, height)
                try:
                    await self._messages(websocket, session)
                finally:
                    await self._stop(session)
            except asyncio.CancelledError:
                await websocket.close()
            finally:
                await self._stop(session)
                self.sessions.pop(key, None)
            return websocket

        async def _messages(self, websocket, session: BrowserSession) -> None:
            service = session.service
            async for message in websocket:
                if message.type != WSMsgType.TEXT:
                    continue
                try:
                    kind, argument = message.json()[:2]
                except (ValueError, TypeError, KeyError):
                    continue  # not a message of textual.js: nothing to do, and no reason to end the session
                if kind == "stdin" and isinstance(argument, str):
                    session.last_active = time.monotonic()
                    await service.send_bytes(argument.encode("utf-8", "replace"))
                elif kind == "resize" and isinstance(argument, dict):
                    await service.set_terminal_size(*terminal_size(argument.get("width"), argument.get("height")))
                elif kind == "ping":
                    await websocket.send_json(["pong", argument])
                elif kind == "blur":
                    await service.blur()
                elif kind == "focus":
                    await service.focus()

        async def _stop(self, session: BrowserSession) -> None:
            """Ask the session's process to quit (it saves what is pending); kill it if it will not."""
            service, session.service = session.service, None
            if service is None:
                return
            process = getattr(service, "_process", None)
            try:
                await asyncio.wait_for(service.stop(), timeout=15)
            except (asyncio.TimeoutError, Exception):
                pass
            if process is not None and process.returncode is None:
                process.kill()
                await process.wait()

        async def _reap(self) -> None:
            """Close the sessions idle for longer than idle_s (no key or click)."""
            while True:
                await asyncio.sleep(max(0.05, min(30.0, self.idle_s / 4)))
                now = time.monotonic()
                for session in list(self.sessions.values()):
                    if now - session.last_active > self.idle_s:
                        await session.websocket.close(message=b"idle")

        async def on_startup(self, app) -> None:
            self._reaper = asyncio.create_task(self._reap())

        async def on_shutdown(self, app) -> None:
            if self._reaper is not None:
                self._reaper.cancel()
            for session in list(self.sessions.values()):
                await session.websocket.close()
            await super().on_shutdown(app)

    return AnnotatorServer()


def listen(host: str, port: int) -> socket.socket:
    """A socket bound to (host, port), taken before the server is announced, so a port already in
    use is told in one line rather than after "serving". Port 0 takes a free one (getsockname()
    tells which). Raises ServeError naming the address."""
    where = f"{host}:{port}"
    try:
        family, kind, proto, _name, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                                 flags=socket.AI_PASSIVE)[0]
    except socket.gaierror as err:
        raise ServeError(f"{where}: no such address to listen on ({err.strerror})") from None
    sock = socket.socket(family, kind, proto)
    try:
        # as aiohttp would: a port left in TIME_WAIT by the last run is free again
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError as err:
        sock.close()
        raise ServeError(f"{where}: " + {
            errno.EADDRINUSE: "the port is taken (by another server?); choose another with --port",
            errno.EACCES: "not allowed to listen there (ports below 1024 need root); choose another with --port",
            errno.EADDRNOTAVAIL: "not an address of this machine; give one of its own with --host",
        }.get(err.errno, f"cannot listen there ({err.strerror})")) from None
    return sock


def serve(db_path: str, token: str, *, sock: socket.socket, max_sessions: int, idle_s: float,
          public_url: str | None = None) -> None:
    """Run the server on `sock` (from listen()) until interrupted."""
    from aiohttp import web

    host, port = sock.getsockname()[:2]
    server = make_server(db_path, token, host=host, port=port, max_sessions=max_sessions, idle_s=idle_s,
                         public_url=public_url)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    web.run_app(server._make_app(), sock=sock, loop=loop, print=lambda *args: None)
