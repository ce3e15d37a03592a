"""Our synchronous event handlers run in a worker thread, never on the event loop.

Why: one worker's asyncio loop serves every tab's websocket, the HTTP API and the static
files. Reflex runs a plain ``def`` handler inline on that loop, so a sign-in guard reading
the session row, a form saving through a service, or a tutor's calendar loading a week
(database work, 1-50 ms, seconds on a locked table) stalls every other user meanwhile
(issue 15 measured a marketplace search holding `/api/health` for ~2 s).

Rather than asking every handler to remember ``offload`` (state/page.py), `install()`
wraps Reflex's ``process_event``: a synchronous handler defined in ``booking_app`` is
called as ``asyncio.to_thread(fn, state, **payload)`` (a sync generator handler: each step
in the thread). The state is safe to touch there: Reflex holds this client's state lock
for the whole event, so nothing else reads or writes that state tree until the handler
returns, and the delta is computed afterwards on the loop as before. Async handlers are
the author's to keep non-blocking (they ``await offload(...)``); Reflex's own handlers
(setters, hydrate) stay inline: they do no I/O and a thread hop would only add latency.
Background tasks are untouched (they already run outside the event's lock).
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import inspect
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any, ParamSpec, TypeVar

from reflex_base.event import EventHandler
from reflex_base.event.processor import base_state_processor

P = ParamSpec("P")
R = TypeVar("R")
_APP_PACKAGE = "booking_app."
_END = object()
_threaded: dict[Callable[..., Any], EventHandler] = {}


def runs_in_thread(handler: EventHandler) -> bool:
    """Whether ``handler`` is one of ours and synchronous (so `install` moves it off the
    loop)."""
    fn = handler.fn
    return (
        fn is not None
        and not handler.is_background
        and not handler._is_coroutine_function
        and getattr(fn, "__module__", "").startswith(_APP_PACKAGE)
    )


def _step(gen: Iterator[Any]) -> tuple[bool, Any]:
    """One ``next()`` of a generator handler: (done, yielded or returned value)."""
    try:
        return False, next(gen)
    except StopIteration as stop:
        return True, stop.value


def _in_thread(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``fn`` as an async function (or async generator) that runs its body in a thread."""
    if inspect.isgeneratorfunction(fn):

        @functools.wraps(fn)
        async def steps(state: Any, **payload: Any) -> AsyncIterator[Any]:
            gen = await asyncio.to_thread(fn, state, **payload)
            while True:
                done, value = await asyncio.to_thread(_step, gen)
                if done:
                    if value is not None:
                        yield value
                    return
                yield value

        return steps

    @functools.wraps(fn)
    async def call(state: Any, **payload: Any) -> Any:
        return await asyncio.to_thread(fn, state, **payload)

    return call


def threaded(handler: EventHandler) -> EventHandler:
    """The same handler (state, name, actions) with its body moved to a worker thread."""
    replacement = _threaded.get(handler.fn)
    if replacement is None or replacement.state is not handler.state:
        replacement = dataclasses.replace(handler, fn=_in_thread(handler.fn))
        _threaded[handler.fn] = replacement
    return replacement


_original_process_event = base_state_processor.process_event


async def process_event(handler: EventHandler, payload: dict, state: Any, root_state: Any) -> None:
    """Reflex's ``process_event`` with our synchronous handlers moved off the loop."""
    if runs_in_thread(handler):
        handler = threaded(handler)
    await _original_process_event(handler, payload, state, root_state)


async def offload(fn: Callable[P, R], /, *args: P.args, **kwargs: P.kwargs) -> R:
    """Run ``fn`` (a service call: database work) in a worker thread and await it, so the
    event loop keeps serving everyone else meanwhile: how an ``async`` handler calls a
    service (module docstring)."""
    return await asyncio.to_thread(fn, *args, **kwargs)


def install() -> None:
    """Route every event through `process_event` (idempotent). Reflex calls the module's
    ``process_event`` by its global name, so replacing that name is enough."""
    base_state_processor.process_event = process_event


def uninstall() -> None:
    """Back to Reflex's own (tests' negative control)."""
    base_state_processor.process_event = _original_process_event
