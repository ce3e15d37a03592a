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

The hop is asyncio's ``run_in_executor`` on a pool of READ_THREADS threads, with the
caller's context variables copied as anyio's ``to_thread`` copies them: 22 µs of CPU
per call instead of anyio's 54 (its limiter and cancel scopes), measured with 10 tasks
hopping at once. A cancelled request (the client went away) stops waiting at once; the
call itself still runs to its end in its own transaction, as it did under anyio.
"""

from __future__ import annotations

import asyncio
import contextvars
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from fastapi import Response
from pydantic import TypeAdapter

READ_THREADS = 4  # > 1: a slow PostgreSQL answer does not queue the others behind it
# Calls that wait on another server (a tutor's calendar server, up to the fetch timeout)
# get their own few threads: four slow servers must not take every read thread.
NETWORK_THREADS = 4

T = TypeVar("T")
_pools: dict[str, ThreadPoolExecutor] = {}
os.register_at_fork(after_in_child=_pools.clear)  # a forked worker starts its own threads


def _pool(name: str, size: int) -> ThreadPoolExecutor:
    """Created on first use, once per process."""
    pool = _pools.get(name)
    if pool is None:
        pool = _pools.setdefault(name, ThreadPoolExecutor(size, thread_name_prefix=f"api-{name}"))
    return pool


async def _hop(pool: ThreadPoolExecutor, func: Callable[..., T], args: tuple[Any, ...]) -> T:
    run = contextvars.copy_context().run
    return await asyncio.get_running_loop().run_in_executor(pool, run, func, *args)


async def off_loop(func: Callable[..., T], *args: Any) -> T:
    """``func(*args)`` on the read pool; exceptions (domain errors) propagate as raised."""
    return await _hop(_pool("reads", READ_THREADS), func, args)


async def off_network(func: Callable[..., T], *args: Any) -> T:
    """``func(*args)`` on the pool of calls that wait on another server (see above)."""
    return await _hop(_pool("network", NETWORK_THREADS), func, args)


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
