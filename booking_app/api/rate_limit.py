"""The /api/v1 rate limit as ASGI middleware: before any route runs, count the request.

Why middleware and not a dependency: every /api/v1 route (and any added later, on any
router) is covered without a line in it, and an unknown /api/v1 path counts too (a
scanner probing paths is limited like any client). The counting is in
services/api_rate_limit.py (Redis or the database, one hop off the event loop); a
refusal is the error contract: 429 `rate_limited` with Retry-After.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from booking_app import clock
from booking_app.api.auth import request_token
from booking_app.api.client_ip import request_ip
from booking_app.api.errors import error_response
from booking_app.api.offload import off_loop
from booking_app.config import get_settings
from booking_app.services import api_rate_limit
from booking_app.services.errors import RateLimited

LIMITED_PREFIX = "/api/v1/"


class RateLimitMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(LIMITED_PREFIX):
            await self.app(scope, receive, send)
            return
        settings = get_settings()
        if not (settings.api_rate_limit_per_token or settings.api_rate_limit_per_ip):
            await self.app(scope, receive, send)  # both limits off: no thread hop
            return
        request = Request(scope)
        token = request_token(request, request.headers.get("authorization"))
        try:
            await off_loop(_check, token, request_ip(request))
        except RateLimited as exc:
            response = error_response(
                429, exc.code, exc.detail, headers={"Retry-After": str(exc.retry_after_seconds)}
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _check(token: str | None, ip: str) -> None:
    api_rate_limit.check(token, ip, now=clock.now())
