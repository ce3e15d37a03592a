"""Live updates: "something changed for these users", delivered to their open browsers.

The API is two functions, both synchronous and safe to call from anywhere:

- ``publish(user_ids)``: after a commit, tell every open tab of these users to refresh.
- ``publish_on_commit(session, user_ids)``: the same, but only once (and only if) the
  session's transaction commits. Services call this inside ``session_scope(write=True)``,
  so a rolled-back write never announces anything.

Delivery (REFLEX_NOTES section 5): every signed-in tab links a per-user ``rx.SharedState``
channel (token ``user-<id>``) and re-reads its page data when the channel's version
changes. Inside the Reflex backend the version is bumped with ``app.modify_state`` on the
running event loop (a task, never awaited by the caller: the calling handler may hold
locks the push needs). Any other process (Celery worker, bot, scripts) POSTs the user
ids to ``/internal/realtime/publish`` on the app, authenticated by a token derived from
SECRET_KEY; whichever Granian worker receives it bumps the channel and Reflex relays
the delta to tabs owned by other workers through Redis.

Two kinds of signal, both without data: ``CHANGED`` (re-read your page) and
``SESSIONS_ENDED`` (some of this user's sessions were ended server-side: each tab re-checks
its own session and goes to the sign-in page if it is one of them).

This module imports no Reflex: Celery and the CLI import services, services import this.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import threading
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import httpx
from sqlalchemy import event
from sqlalchemy.orm import Session

from booking_app.config import get_settings

logger = logging.getLogger(__name__)

INTERNAL_PATH = "/internal/realtime/publish"
TOKEN_HEADER = "X-Internal-Token"
HTTP_TIMEOUT_S = 3.0
_SESSION_KEY = "realtime_user_ids"
_LISTENING = "realtime_listening"
CHANGED = "changed"
SESSIONS_ENDED = "sessions_ended"
KINDS = (CHANGED, SESSIONS_ENDED)

# deliver(ids) for CHANGED, deliver(ids, kind=...) for the other kinds.
Deliver = Callable[..., Awaitable[None]]


class _Backend:
    """The in-process delivery, present only while the Reflex backend runs (lifespan)."""

    deliver: Deliver | None = None
    loop: asyncio.AbstractEventLoop | None = None
    tasks: set[Any] = set()


def internal_token() -> str:
    """The shared secret of the internal endpoint: an HMAC of SECRET_KEY, never the key."""
    key = get_settings().secret_key.encode()
    return hmac.new(key, b"realtime-publish-v1", hashlib.sha256).hexdigest()


def token_ok(candidate: str | None) -> bool:
    return bool(candidate) and hmac.compare_digest(str(candidate), internal_token())


def clean_ids(user_ids: Iterable[Any]) -> list[int]:
    """Distinct positive ints (guests have no id: None is dropped)."""
    out: list[int] = []
    for raw in user_ids:
        try:
            uid = int(raw)
        except (TypeError, ValueError):
            continue
        if uid > 0 and uid not in out:
            out.append(uid)
    return out


def bind(deliver: Deliver, loop: asyncio.AbstractEventLoop) -> None:
    """Called by the app's lifespan: from now on publish() delivers in this process."""
    _Backend.deliver, _Backend.loop = deliver, loop


def unbind() -> None:
    _Backend.deliver, _Backend.loop = None, None


class _Rooms:
    """Bound by the app's lifespan (realtime/channel.py): puts notes saved outside a tab
    into the room's shared state, so every open tab of the room shows them."""

    push: Callable[[str, str, int], Awaitable[bool]] | None = None


def bind_room_notes(push: Callable[[str, str, int], Awaitable[bool]] | None) -> None:
    _Rooms.push = push


async def push_room_notes(channel: str, text: str, version: int) -> bool:
    """Show saved notes in the room's open tabs (on the backend's loop); False when no
    Reflex backend runs in this process."""
    push = _Rooms.push
    return await push(channel, text, version) if push is not None else False


def _schedule_local(ids: list[int], kind: str = CHANGED) -> bool:
    """Run the delivery on the backend loop without waiting for it; False if not bound."""
    deliver, loop = _Backend.deliver, _Backend.loop
    if deliver is None or loop is None or loop.is_closed():
        return False
    try:
        running = asyncio.get_running_loop()
    except RuntimeError:
        running = None
    coro = deliver(ids) if kind == CHANGED else deliver(ids, kind=kind)
    if running is loop:
        task = loop.create_task(coro)
        _Backend.tasks.add(task)  # keep a reference until it is done
        task.add_done_callback(_done)
    else:  # a worker thread of the backend (sync API route, run_in_thread)
        asyncio.run_coroutine_threadsafe(coro, loop).add_done_callback(_done)
    return True


def _done(fut: Any) -> None:
    _Backend.tasks.discard(fut)
    if not fut.cancelled() and fut.exception() is not None:
        logger.warning("realtime delivery failed: %r", fut.exception())


def _post(ids: list[int], kind: str = CHANGED) -> None:
    """Another process: hand the ids to the app over HTTP (blocking, short timeout)."""
    base = get_settings().realtime_url
    if not base:
        return
    body: dict[str, Any] = {"user_ids": ids}
    if kind != CHANGED:
        body["kind"] = kind
    try:
        httpx.post(
            base + INTERNAL_PATH,
            json=body,
            headers={TOKEN_HEADER: internal_token()},
            timeout=HTTP_TIMEOUT_S,
        ).raise_for_status()
    except httpx.HTTPError as exc:  # live updates are best effort; the write has committed
        logger.warning("realtime publish to %s failed: %s", base, exc)


def publish(user_ids: Iterable[Any], *, kind: str = CHANGED) -> None:
    """Something changed for these users (or, with SESSIONS_ENDED, some of their sessions
    ended): their open tabs react. Never raises.

    Call it after the commit (or use publish_on_commit). In the backend it only schedules
    work; elsewhere it POSTs synchronously from a helper thread when called on an event
    loop (so an async caller is not blocked), inline otherwise.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown realtime signal {kind!r}")
    ids = clean_ids(user_ids)
    if not ids or _schedule_local(ids, kind):
        return
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        _post(ids, kind)
        return
    threading.Thread(target=_post, args=(ids, kind), daemon=True).start()


def _key(kind: str) -> str:
    return _SESSION_KEY if kind == CHANGED else f"{_SESSION_KEY}:{kind}"


def publish_on_commit(session: Session, user_ids: Iterable[Any], *, kind: str = CHANGED) -> None:
    """Publish these users once the session commits; nothing on rollback."""
    if kind not in KINDS:
        raise ValueError(f"unknown realtime signal {kind!r}")
    if not session.info.get(_LISTENING):
        session.info[_LISTENING] = True
        event.listen(session, "after_commit", _after_commit)
        event.listen(session, "after_rollback", _after_rollback)
    session.info.setdefault(_key(kind), []).extend(clean_ids(user_ids))


def forget_on_commit(session: Session) -> None:
    """Publish nothing for what this session queued so far (nobody can be watching, e.g.
    the accounts of a freshly seeded demo)."""
    for kind in KINDS:
        session.info.pop(_key(kind), None)


def queued(session: Session) -> list[int]:
    """The users this session will tell of a change once it commits (so far). The data
    version listener (services/data_versions.py) bumps their counters in the same
    transaction, so the API's ETags move exactly when their pages would re-read."""
    return list(session.info.get(_SESSION_KEY) or [])


def _after_commit(session: Session) -> None:
    publish(session.info.pop(_SESSION_KEY, None) or [])
    for kind in KINDS[1:]:  # the other signals only when some were queued
        if _key(kind) in session.info:
            publish(session.info.pop(_key(kind)) or [], kind=kind)


def _after_rollback(session: Session) -> None:
    for kind in KINDS:
        session.info.pop(_key(kind), None)
