"""The error contract: every API error is {"error": "<code>", "detail": "<text>"}.

Whatever goes wrong under /api answers in that shape, so a client (or the fuzzer in
tests/integration/test_api_fuzz.py) never has to parse an HTML page or a bare string:

- a domain error: its own code and status (`lesson_not_found` 404, `invite_expired` 410, ...);
- input FastAPI refuses (wrong type, out of bounds, bad JSON): 422 `invalid_request`
  plus `fields` {name: message}, like `validation_failed` from the services;
- an unknown /api/ path: 404 `not_found`; a known path with another method: 405
  `method_not_allowed` with an Allow header (see `UnknownApiRoute`);
- anything unexpected: 500 `internal` with a generic detail (the traceback goes to the
  server log, never to the client).

The handlers are installed on the app, not per route, so routes added later get all of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import BaseRoute, Match, Mount, NoMatchFound, Router
from starlette.types import Receive, Scope, Send

from booking_app.services.errors import DomainError, InUse, SlotUnavailable, ValidationFailed

API_PREFIX = "/api/"
INTERNAL_DETAIL = "Something went wrong on our side. Please try again later."

_STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    429: "rate_limited",
}
_LOCATIONS = {"path", "query", "header", "cookie", "body"}
_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


class ErrorBody(BaseModel):
    """What every 4xx/5xx of the API carries (documented in OpenAPI for every route)."""

    error: str
    detail: str
    fields: dict[str, str] | None = None
    reason: str | None = None


# Passed to FastAPI(responses=...): documents the error body on every operation. "4XX"
# also stops FastAPI from documenting its own 422 shape, which we never send.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    "4XX": {"model": ErrorBody, "description": "Refused: see `error` (a stable code)."},
    "5XX": {"model": ErrorBody, "description": "Server error (`internal`)."},
}


def error_response(
    status: int,
    code: str,
    detail: str,
    headers: dict[str, str] | None = None,
    **extra: object,
) -> JSONResponse:
    return JSONResponse(
        {"error": code, "detail": detail, **extra}, status_code=status, headers=headers
    )


def error_body(exc: DomainError) -> dict[str, Any]:
    """The one translation of a domain error into the API's body: {"error": code,
    "detail": text}, plus "fields" {name: message} for a ValidationFailed and "reason"
    (the engine's Reason value) for a SlotUnavailable."""
    body: dict[str, Any] = {"error": exc.code, "detail": exc.detail}
    if isinstance(exc, ValidationFailed):
        body["fields"] = exc.field_errors
    if isinstance(exc, SlotUnavailable | InUse):
        body["reason"] = exc.reason
    return body


def _retry(exc: DomainError) -> dict[str, str] | None:
    """Retry-After for the refusals that say when to come back (throttle, rate limit)."""
    seconds = getattr(exc, "retry_after_seconds", None)
    return {"Retry-After": str(int(seconds))} if seconds else None


def is_api_path(path: str) -> bool:
    return path.startswith(API_PREFIX)


def validation_fields(errors: Sequence[Any]) -> dict[str, str]:
    """FastAPI/pydantic errors as {field: message}; the first message per field wins.

    A field is named without its location ("ttl_hours", "student_id"); an error about the
    request body as a whole (bad JSON, not an object) is "body".
    """
    fields: dict[str, str] = {}
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        if loc and loc[0] in _LOCATIONS:
            loc = loc[1:]
        if error.get("type") == "json_invalid" or not loc:
            loc = ["body"]
        fields.setdefault(".".join(loc), str(error.get("msg", "invalid")))
    return fields


def install_error_handlers(api: FastAPI) -> None:
    """The contract above, plus the fallback for unknown /api/ paths."""

    @api.exception_handler(DomainError)
    async def _domain(_: Request, exc: DomainError) -> JSONResponse:
        return JSONResponse(error_body(exc), status_code=exc.http_status, headers=_retry(exc))

    @api.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _STATUS_CODES.get(exc.status_code, "error")
        return error_response(exc.status_code, code, str(exc.detail), headers=exc.headers)

    @api.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        fields = validation_fields(exc.errors())
        detail = "; ".join(f"{name}: {message}" for name, message in fields.items())
        return error_response(422, "invalid_request", detail or "Invalid request.", fields=fields)

    @api.exception_handler(Exception)
    async def _unexpected(request: Request, _: Exception) -> Response:
        # Starlette runs this in ServerErrorMiddleware and re-raises afterwards, so the
        # traceback is still logged by the server. Reflex's own routes (mounted inside
        # this app) keep Starlette's plain answer.
        if not is_api_path(request.url.path):
            return PlainTextResponse("Internal Server Error", status_code=500)
        return error_response(500, "internal", INTERNAL_DETAIL)

    api.router.routes.append(UnknownApiRoute(api.router))


class UnknownApiRoute(BaseRoute):
    """Answers /api/ requests that no route of ours takes, in the error contract.

    Why a route: in the running app Reflex mounts its own ASGI app at "" inside ours
    (`api_transformer`), and that mount takes every path our routes don't, so an unknown
    /api/ path would get Reflex's (or the SPA's) 404 page and a wrong method a 404
    instead of 405. This route matches only when no other route of ours matches the path
    fully, so its place in the list does not matter and routes added later (by any
    router) are never shadowed.
    """

    def __init__(self, router: Router) -> None:
        self.router = router

    def _others(self) -> list[BaseRoute]:
        # Mounts at "" (Reflex's app) match everything: they are what we stand in for.
        return [
            route
            for route in self.router.routes
            if route is not self and not (isinstance(route, Mount) and route.path in ("", "/"))
        ]

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] != "http" or not is_api_path(scope["path"]):
            return Match.NONE, {}
        if any(route.matches(scope)[0] is Match.FULL for route in self._others()):
            return Match.NONE, {}
        return Match.FULL, {}

    def url_path_for(self, name: str, /, **path_params: Any) -> Any:
        raise NoMatchFound(name, path_params)

    def _allowed(self, scope: Scope) -> list[str]:
        """The methods another route takes this path with (asked through `matches`, the
        one interface every route has: FastAPI's included routers expose no `methods`)."""
        others = self._others()
        return [
            method
            for method in _METHODS
            if any(route.matches({**scope, "method": method})[0] is Match.FULL for route in others)
        ]

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        allowed = ", ".join(self._allowed(scope))
        if allowed:
            response = error_response(
                405,
                "method_not_allowed",
                f"{scope['method']} is not allowed here; use {allowed}.",
                headers={"Allow": allowed},
            )
        else:
            response = error_response(404, "not_found", "There is no such API endpoint.")
        await response(scope, receive, send)
