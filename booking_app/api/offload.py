"""Run a read route's blocking work in one thread hop, on a small pool of its own.

Why not plain ``def`` routes: Starlette runs each one on anyio's default pool (40
threads), and FastAPI then validates and serializes the returned dict against the
``dict[str, Any]`` annotation on the event loop. Under concurrent reads that meant up to
40 threads taking turns at the GIL with the loop (every switch can wait the 5 ms switch
interval), and a second pass over every response body. Issue 15 measured the read routes
at 3-24 % of the same server's hello route.

Here a route is ``async def`` and hands everything blocking (the session check, the
service call, building the JSON body) to ``off_loop`` in one hop; at most READ_THREADS
such calls run at once, so the loop (every user's websocket) is never starved and the
database work never runs on it. The route returns a ready ``Response``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import anyio
import anyio.to_thread
from fastapi import Response
from pydantic import TypeAdapter

READ_THREADS = 4  # > 1: a slow PostgreSQL answer does not queue the others behind it
# Calls that wait on another server (a tutor's calendar server, up to the fetch timeout)
# get their own few threads: four slow servers must not take every read thread.
NETWORK_THREADS = 4

T = TypeVar("T")
_limiters: dict[str, anyio.CapacityLimiter] = {}


def _pool(name: str, size: int) -> anyio.CapacityLimiter:
    """Created on first use: a limiter belongs to the running event loop's backend."""
    if name not in _limiters:
        _limiters[name] = anyio.CapacityLimiter(size)
    return _limiters[name]


async def off_loop(func: Callable[..., T], *args: Any) -> T:
    """``func(*args)`` on the read pool; exceptions (domain errors) propagate as raised."""
    return await anyio.to_thread.run_sync(func, *args, limiter=_pool("reads", READ_THREADS))


async def off_network(func: Callable[..., T], *args: Any) -> T:
    """``func(*args)`` on the pool of calls that wait on another server (see above)."""
    return await anyio.to_thread.run_sync(func, *args, limiter=_pool("network", NETWORK_THREADS))


_ANY = TypeAdapter(Any)


def json_bytes(body: Any) -> bytes:
    """``body`` as JSON, encoded as `json_response` does."""
    return _ANY.dump_json(body)


def json_response(
    body: Any, *, status_code: int = 200, headers: dict[str, str] | None = None
) -> Response:
    """JSON built where it is called (the read pool), by pydantic's serializer: the same
    encoding FastAPI gave a returned ``dict[str, Any]`` (Decimal as a string, datetimes in
    ISO 8601), in one pass instead of validate-then-serialize on the loop."""
    return Response(
        json_bytes(body),
        status_code=status_code,
        headers=headers,
        media_type="application/json",
    )
