"""Which web pages may use the API and the websocket with a signed-in user's cookie.

Why (issue 12): Reflex answers every origin with `Access-Control-Allow-Credentials` by
default, so a page on another port of the same host (same *site*: the SameSite=Lax
session cookie goes along) could read `/api/v1/my-students`, mint invites and drive
`/_event` as the signed-in tutor.

Two layers, both fed by `Settings.allowed_origins` (PUBLIC_URL's origin + CORS_ORIGINS):

- rxconfig.py sets Reflex's `cors_allowed_origins`, which its socket.io server (the
  `/_event` websocket) and its three CORS middlewares use.
- `OriginPolicy` wraps the whole ASGI app (outermost, see `OriginCheckedApp`), because
  Starlette's CORS middleware, as Reflex configures it, still sends
  `Access-Control-Allow-Credentials: true` to any origin and exposes no headers:

  * no `Origin` header (same-origin page loads and GETs, curl, Celery, Telegram): untouched;
  * an allowed origin: `Access-Control-Allow-Origin: <origin>`, `...-Allow-Credentials`,
    `...-Expose-Headers: X-Total-Count, Link, ETag, Retry-After` (pagination, caching
    and rate-limit headers the frontend may read), `Vary: Origin`;
  * any other origin: no `Access-Control-*` header at all; its preflights and its
    state-changing requests (POST, PUT, PATCH, DELETE: a form or a "simple" fetch needs
    no preflight and carries the cookie) get 403 `origin_not_allowed` without running;
    its websocket handshakes are refused.
"""

from __future__ import annotations

from collections.abc import Iterable

import reflex as rx
from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from booking_app.config import get_settings

EXPOSED_HEADERS = ("X-Total-Count", "Link", "ETag", "Retry-After")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
POLICY_VIOLATION = 1008  # websocket close code


class OriginPolicy:
    """ASGI middleware enforcing the allowed origins (see module docstring)."""

    def __init__(self, app: ASGIApp, allowed_origins: Iterable[str]) -> None:
        self.app = app
        self.allowed = frozenset(allowed_origins)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        origin = headers.get("origin")
        if origin is None:
            await self.app(scope, receive, send)
        elif origin in self.allowed:
            wrapped = _with_cors(send, origin) if scope["type"] == "http" else send
            await self.app(scope, receive, wrapped)
        elif scope["type"] == "websocket":
            await receive()  # websocket.connect; closing before accept answers HTTP 403
            await send({"type": "websocket.close", "code": POLICY_VIOLATION})
        elif scope["method"] not in SAFE_METHODS or "access-control-request-method" in headers:
            await _refusal(origin)(scope, receive, send)
        else:
            await self.app(scope, receive, _without_cors(send))


def _refusal(origin: str) -> JSONResponse:
    return JSONResponse(
        {
            "error": "origin_not_allowed",
            "detail": f"Pages on {origin[:100]} may not use this API. "
            "Open the app at its own address (PUBLIC_URL).",
        },
        status_code=403,
        headers={"Vary": "Origin"},
    )


def _vary_origin(headers: MutableHeaders) -> None:
    if "origin" not in headers.get("vary", "").lower():
        headers.add_vary_header("Origin")


def _with_cors(send: Send, origin: str) -> Send:
    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = MutableHeaders(scope=message)
            headers["Access-Control-Allow-Origin"] = origin
            headers["Access-Control-Allow-Credentials"] = "true"
            headers["Access-Control-Expose-Headers"] = ", ".join(EXPOSED_HEADERS)
            _vary_origin(headers)
        await send(message)

    return wrapped


def _without_cors(send: Send) -> Send:
    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = MutableHeaders(scope=message)
            for name in {k for k in headers if k.lower().startswith("access-control-")}:
                del headers[name]
            _vary_origin(headers)
        await send(message)

    return wrapped


class OriginCheckedApp(rx.App):
    """`rx.App` whose ASGI app (what the server runs) is wrapped by `OriginPolicy`."""

    def __call__(self) -> ASGIApp:
        return OriginPolicy(super().__call__(), get_settings().allowed_origins)
