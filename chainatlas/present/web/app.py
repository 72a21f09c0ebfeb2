"""The web atlas: ``create_app(db_url)`` builds the FastAPI application.

Pages (``pages.py``) and the JSON API (``api.py``, under ``/api/v1``, OpenAPI at ``/openapi.json``)
share one service function per view (``service.py``). Everything the browser loads is served from
``static/`` (ECharts is vendored), so the atlas works offline; a strict Content-Security-Policy
forbids inline scripts and any other origin.

Extension points (for analysis modules: chain map, coverage, compare metrics, gaps, tracker,
reports): pass ``extensions=[fn]``, each ``fn(app, ctx)`` called once at start-up. ``fn`` may
``app.include_router(...)`` (before the catch-all handlers, which only handle errors), append to
``ctx.region_sections`` (a panel on every region page), ``ctx.compare_metrics`` (a row of the
compare table), ``ctx.nav`` (a header link); ``template_dirs`` are searched before ours, so an
extension can ship its own templates and ``{% extends "base.html" %}``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from chainatlas.present.web import api, pages
from chainatlas.present.web import service as S
from chainatlas.present.web.analysis import RegionSuggestion
from chainatlas.store import Store

STATIC = Path(__file__).resolve().parent / "static"
MB = 1024 * 1024
UPLOAD_PATH = "/api/v1/documents"
MULTIPART_SLACK = 64 * 1024  # multipart headers and boundaries around the file itself

CSP = "; ".join([
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
])
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]

Extension = Callable[[FastAPI, S.AtlasContext], None]


class Guard:
    """Pure ASGI middleware: security headers on every response, and a body cap on uploads: 413 as
    soon as the declared or received size passes it, before the multipart parser sees the body."""

    def __init__(self, app: ASGIApp, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    (k, v) for k, v in SECURITY_HEADERS if k not in names]
            await send(message)

        if scope["method"] == "POST" and scope["path"] == UPLOAD_PATH:
            length = dict(scope.get("headers", [])).get(b"content-length")
            if length is not None and length.isdigit() and int(length) > self.max_body:
                await self._too_large(scope, send_with_headers)
                return
            # No (or a lying) Content-Length: read the body up to the cap before the app sees it.
            chunks: list[bytes] = []
            seen = 0
            while True:
                message = await receive()
                if message["type"] != "http.request":
                    return  # the client went away
                chunks.append(message.get("body", b""))
                seen += len(chunks[-1])
                if seen > self.max_body:
                    await self._too_large(scope, send_with_headers)
                    return
                if not message.get("more_body", False):
                    break
            body = b"".join(chunks)
            replayed = False

            async def replay() -> Message:
                nonlocal replayed
                if replayed:
                    return await receive()
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}

            await self.app(scope, replay, send_with_headers)
            return
        await self.app(scope, receive, send_with_headers)

    async def _too_large(self, scope: Scope, send: Send) -> None:
        response = JSONResponse({"detail": f"upload too large (limit {self.max_body - MULTIPART_SLACK} bytes)"},
                                status_code=413, headers={"connection": "close"})
        await response(scope, _empty_receive, send)


async def _empty_receive() -> Message:
    return {"type": "http.request", "body": b"", "more_body": False}


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"


def create_app(db_url: str | Path | None = None, *, read_open: bool = True, max_upload_bytes: int = 5 * MB,
               store: Store | None = None, extensions: Iterable[Extension] = (),
               template_dirs: Iterable[str | Path] = (), cache_size: int = 512) -> FastAPI:
    """The web atlas over the store at ``db_url`` (or an open ``store``).

    ``read_open``: reads need no token (right for 127.0.0.1); writes always need one.
    ``cache_size``: views kept per atlas version (0 turns the cache off).
    """
    if store is None:
        if db_url is None:
            raise ValueError("create_app needs db_url or store")
        store = Store(db_url)
        owned = True
    else:
        owned = False
    ctx = S.AtlasContext(store=store, read_open=read_open, max_upload_bytes=max_upload_bytes, cache_size=cache_size)

    @asynccontextmanager
    async def lifespan(_app: FastAPI):  # type: ignore[no-untyped-def]
        yield
        if owned:
            store.close()

    app = FastAPI(
        title="ChainAtlas API",
        version="1",
        description="The regional biomedical and health industry atlas: documents, entities, facts, regions, "
                    "search. Reads are open or need a token (server setting); writes need "
                    "`Authorization: Bearer <token>` from `chainatlas token create`.",
        docs_url=None, redoc_url=None, openapi_url="/openapi.json", lifespan=lifespan,
    )
    app.state.ctx = ctx
    app.state.templates = pages.make_templates(tuple(template_dirs))
    app.add_middleware(Guard, max_body=max_upload_bytes + MULTIPART_SLACK)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(api.router, prefix="/api/v1")
    app.include_router(pages.public)
    app.include_router(pages.router)
    _handlers(app)
    for extension in extensions:
        extension(app, ctx)
    return app


def _handlers(app: FastAPI) -> None:
    def suggestions(exc: S.NotFound) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for e in exc.suggestions:
            if isinstance(e, RegionSuggestion):
                out.append({"id": None, "type": "region", "name": e.name, "label": e.label, "code": e.code,
                            "ref": e.ref, "document_count": e.document_count})
            else:
                out.append({"id": e.id, "type": e.type, "name": e.name})
        return out

    @app.exception_handler(S.NotFound)
    async def not_found(request: Request, exc: S.NotFound) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": str(exc), "ambiguous": exc.ambiguous, "suggestions": suggestions(exc)},
                                status_code=404)
        return pages.render(request, "not_found.html", status_code=404, what=exc.what, query=exc.query,
                            suggestions=exc.suggestions, ambiguous=exc.ambiguous)

    @app.exception_handler(S.BadRequest)
    async def bad_request(request: Request, exc: S.BadRequest) -> Response:
        return _error(request, 400, str(exc))

    @app.exception_handler(S.TooLarge)
    async def too_large(request: Request, exc: S.TooLarge) -> Response:
        return _error(request, 413, str(exc))

    @app.exception_handler(S.Unsupported)
    async def unsupported(request: Request, exc: S.Unsupported) -> Response:
        return _error(request, 415, str(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404 and not _wants_json(request):
            return pages.render(request, "not_found.html", status_code=404, what="page", query=request.url.path,
                                suggestions=[])
        return _error(request, exc.status_code, str(exc.detail), getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": _plain(exc.errors())}, status_code=422)
        return _error(request, 400, "invalid request")


def _plain(errors: Any) -> Any:
    """Validation errors as JSON-safe data (they can carry exceptions and bytes)."""
    out = []
    for e in errors:
        out.append({k: (v if isinstance(v, str | int | float | list | type(None)) else str(v))
                    for k, v in dict(e).items() if k != "ctx"})
    return out


def _error(request: Request, status: int, detail: str, headers: dict[str, str] | None = None) -> Response:
    if _wants_json(request):
        return JSONResponse({"detail": detail}, status_code=status, headers=headers)
    response = pages.render(request, "error.html", status_code=status, status=status, detail=detail)
    for k, v in (headers or {}).items():
        response.headers[k] = v
    return response
