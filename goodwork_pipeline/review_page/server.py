"""The local web server of the review page: 127.0.0.1 only, a random token, then it stops.

Everything lives under ``/r/<token>/`` (the token from ``secrets.token_urlsafe``, in the
address the interviewer opens). ``Guard`` refuses (403), before any route runs:

- a path without the token (compared in constant time);
- a ``Host`` other than ``127.0.0.1:<port>`` (a DNS-rebinding page names its own host);
- an ``Origin`` other than this server's, and a change (POST) without an ``Origin``;
- a request another site started (``Sec-Fetch-Site`` cross-site or same-site).

The recording is a ``FileResponse``: Starlette answers ``Range`` requests with 206, so the
browser seeks without loading the whole file. Nothing is cached by the browser (no-store),
nothing leaves the page (CSP ``'self'``), and uvicorn's access log is off (the
address holds the token). The server stops when the page asks (``Sluiten``), a few seconds
after the page is closed (a beacon, unless the page comes back, as a reload does), or after
``idle_seconds`` without a request (the page says ``alive`` once a minute while someone types,
clicks or listens there).
"""

from __future__ import annotations

import json
import logging
import secrets
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import uvicorn
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from goodwork_pipeline.errors import EditError, GoodworkError, StaleDraftError
from goodwork_pipeline.results import StepResult
from goodwork_pipeline.review_page.edits import parse_edit
from goodwork_pipeline.review_page.session import ReviewSession

if TYPE_CHECKING:
    from goodwork_pipeline.pipeline import Pipeline

log = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parent / "static"
ASSETS = {"review.css": "text/css", "review.js": "text/javascript"}
HOST = "127.0.0.1"
MAX_BODY = 2_000_000
LEAVE_GRACE_S = 6.0  # after the page's unload beacon: a reload comes back within this
HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "same-origin",  # keeps the Origin header on our own POSTs
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
}


class Lifetime:
    """When the server should stop: asked to, left by the page, or idle too long."""

    def __init__(self, idle_seconds: float, clock: Callable[[], float] = time.monotonic):
        self.idle_seconds = idle_seconds
        self.clock = clock
        self.last_seen = clock()
        self.leaving_since: float | None = None
        self.closed = threading.Event()

    def seen(self) -> None:
        self.last_seen = self.clock()
        self.leaving_since = None

    def leaving(self) -> None:
        self.leaving_since = self.clock()

    def close(self) -> None:
        self.closed.set()

    def over(self) -> str | None:
        now = self.clock()
        if self.closed.is_set():
            return "closed"
        if self.leaving_since is not None and now - self.leaving_since >= LEAVE_GRACE_S:
            return "page closed"
        if now - self.last_seen >= self.idle_seconds:
            return "idle"
        return None


class Guard:
    """Refuse what is not this page, from this machine, for this token (see the module doc)."""

    def __init__(self, app: ASGIApp, *, token: str, port_of: Callable[[], int], lifetime: Lifetime):
        self.app = app
        self.prefix = f"/r/{token}/"
        self.port_of = port_of
        self.lifetime = lifetime

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        problem = self.problem(scope)
        if problem is not None:
            log.warning("review page: request refused (%s)", problem)
            response = PlainTextResponse("Geen toegang.", status_code=403, headers=HEADERS)
            await response(scope, receive, send)
            return
        self.lifetime.seen()
        await self.app(scope, receive, send)

    def problem(self, scope: Scope) -> str | None:
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        path = scope.get("path", "")
        given = path[: len(self.prefix)]
        if not secrets.compare_digest(given.encode(), self.prefix.encode()):
            return "no token"
        here = f"{HOST}:{self.port_of()}"
        if headers.get("host") != here:
            return "wrong host"
        origin = headers.get("origin")
        if origin is not None and origin != f"http://{here}":
            return "wrong origin"
        if scope.get("method") not in ("GET", "HEAD") and origin is None:
            return "change without origin"
        if headers.get("sec-fetch-site") in ("cross-site", "same-site"):
            return "started by another site"
        return None


def make_app(
    session: ReviewSession,
    *,
    token: str,
    port_of: Callable[[], int],
    lifetime: Lifetime,
) -> ASGIApp:
    """The review page's ASGI app for one story (``port_of``: the port it listens on)."""
    prefix = f"/r/{token}"

    async def index(request: Request) -> Response:
        return FileResponse(STATIC / "index.html", media_type="text/html", headers=HEADERS)

    async def asset(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in ASSETS:
            return PlainTextResponse("Niet gevonden.", status_code=404, headers=HEADERS)
        return FileResponse(STATIC / name, media_type=ASSETS[name], headers=HEADERS)

    async def draft(request: Request) -> Response:
        return await _answer(lambda: session.page())

    async def audio(request: Request) -> Response:
        recording = await run_in_threadpool(session.recording)
        if recording is None:
            return PlainTextResponse("Geen opname.", status_code=404, headers=HEADERS)
        return FileResponse(recording.path, media_type=recording.media_type, headers=HEADERS)

    async def save(request: Request) -> Response:
        data = await _json(request)
        if isinstance(data, Response):
            return data

        def run() -> dict[str, Any]:
            edit = parse_edit(data)
            outcome = session.save(edit, ready=data.get("ready") is True)
            return {**outcome.__dict__, "warnings_nl": list(outcome.warnings_nl)}

        return await _answer(run)

    async def ready(request: Request) -> Response:
        data = await _json(request)
        if isinstance(data, Response):
            return data
        version = data.get("version") if isinstance(data, dict) else None
        if not isinstance(version, int):
            return _refusal("De versie ontbreekt. Laad de pagina opnieuw.", 400)
        return await _answer(lambda: session.mark_ready(version).__dict__)

    async def close(request: Request) -> Response:
        lifetime.close()
        return JSONResponse({"ok": True}, headers=HEADERS)

    async def alive(request: Request) -> Response:
        return Response(status_code=204, headers=HEADERS)  # the Guard noted the request

    async def leaving(request: Request) -> Response:
        lifetime.leaving()
        return Response(status_code=204, headers=HEADERS)

    routes = [
        Route(f"{prefix}/", index),
        Route(f"{prefix}/{{name}}", asset),
        Route(f"{prefix}/api/draft", draft),
        Route(f"{prefix}/api/audio", audio, methods=["GET", "HEAD"]),
        Route(f"{prefix}/api/save", save, methods=["POST"]),
        Route(f"{prefix}/api/ready", ready, methods=["POST"]),
        Route(f"{prefix}/api/close", close, methods=["POST"]),
        Route(f"{prefix}/api/leaving", leaving, methods=["POST"]),
        Route(f"{prefix}/api/alive", alive),
    ]
    app = Starlette(routes=routes)
    return Guard(app, token=token, port_of=port_of, lifetime=lifetime)


async def _json(request: Request) -> Any:
    length = request.headers.get("content-length")
    if length is not None and (not length.isdigit() or int(length) > MAX_BODY):
        return _refusal("Te veel gegevens in één keer.", 413)
    body = await request.body()
    if len(body) > MAX_BODY:
        return _refusal("Te veel gegevens in één keer.", 413)
    try:
        return json.loads(body or b"{}")
    except ValueError:
        return _refusal("De wijzigingen konden niet worden gelezen. Laad de pagina opnieuw.", 400)


async def _answer(work: Callable[[], dict[str, Any]]) -> Response:
    try:
        result = await run_in_threadpool(work)
    except EditError as error:
        status = 409 if isinstance(error, StaleDraftError) else 400
        return _refusal(error.nl, status)
    except GoodworkError as error:
        log.warning("review page: %s", error)
        return _refusal(error.nl, 500)
    if result.get("ok") is False:  # the draft writer recorded the problem on the story
        return _refusal(result.get("message_nl") or "Opslaan is mislukt.", 500)
    return JSONResponse(result, headers=HEADERS)


def _refusal(message_nl: str, status: int) -> Response:
    return JSONResponse({"ok": False, "error": message_nl}, status_code=status, headers=HEADERS)


class ReviewServer:
    """The review page of one story on 127.0.0.1 at a free port; ``run`` blocks until it ends."""

    def __init__(self, session: ReviewSession, *, idle_seconds: float = 1800.0):
        self.session = session
        self.token = secrets.token_urlsafe(24)
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.bind((HOST, 0))
        self.socket.listen(64)  # the address works from now on, before uvicorn starts
        self.port: int = self.socket.getsockname()[1]
        self.lifetime = Lifetime(idle_seconds)
        self.app = make_app(
            session, token=self.token, port_of=lambda: self.port, lifetime=self.lifetime
        )
        config = uvicorn.Config(
            self.app, log_level="warning", access_log=False, lifespan="off", ws="none"
        )
        self.server = uvicorn.Server(config)
        self.stopped_because: str | None = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/r/{self.token}/"

    def run(self) -> str:
        """Serve until closed, left or idle; returns why it stopped."""
        watcher = threading.Thread(target=self._watch, name="review-lifetime", daemon=True)
        watcher.start()
        try:
            self.server.run(sockets=[self.socket])
        finally:
            self.socket.close()
        return self.stopped_because or "stopped"

    def stop(self, reason: str = "stopped") -> None:
        self.stopped_because = self.stopped_because or reason
        self.server.should_exit = True

    def _watch(self) -> None:
        while not self.server.should_exit:
            reason = self.lifetime.over()
            if reason is not None:
                self.stop(reason)
                return
            self.lifetime.closed.wait(0.2)


def open_review(
    pipeline: Pipeline, story: str, *, by: str = "", idle_minutes: float = 30.0
) -> ReviewServer | StepResult:
    """'goodwork review': the page's server for STORY's newest draft, checked by ``by``
    (default: the sidecar's interviewer, else the actor); a failed result (to show as it
    is) while the story has no draft yet."""
    found = pipeline.store.story(story)
    who = by or found.sidecar.interviewer or pipeline.settings.actor
    session = ReviewSession(pipeline, found.id, by=who)
    if found.draft_version == 0:
        text = f"{found.id} has no draft yet; run 'goodwork run' first."
        text_nl = f"{found.id} heeft nog geen concept; start eerst 'goodwork run'."
        return StepResult(False, found.id, message=text, message_nl=text_nl)
    return ReviewServer(session, idle_seconds=idle_minutes * 60)
