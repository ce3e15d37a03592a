"""The API's busiest reads, answered again while nothing they show changed.

Why (issue 15): `/api/v1/dashboard` and `/api/v1/my-students` cost 3.5-4 ms of CPU each
(aggregates over the caller's lessons, then serialization): a client polling them held
the worker at ~230 req/s, a tenth of what the server answers for a trivial route.

Key: route, the caller (id, role, zone), their data version (services/data_versions.py:
bumped in the transaction of every write that refreshes their open pages), the current
minute and the request's parameters. So an answer is never older than what the caller's
open page shows; anything no write signals for them (another user renaming themselves)
is at most a minute old, the answers being computed for the minute's start, as the
calendar week is. The key also gives a strong ETag: `If-None-Match` gets a 304 after
the credential check (one indexed read with the version). Entries: API_READ_CACHE_SIZE (0: none).

The private link's booking (JSON and .ics, api/bookings.py) is keyed the same way by
the data versions of the booking's tutor and student, read in one statement with the
token: every change of the booking, its lesson or the lesson's seats bumps the tutor's.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable
from datetime import datetime
from typing import Any, TypeVar

from fastapi import Response

from booking_app import clock
from booking_app.api.offload import json_bytes
from booking_app.config import get_settings
from booking_app.services.accounts import SessionUser
from booking_app.services.recent import RecentValues

_ANSWERS: RecentValues[Any] = RecentValues(lambda: get_settings().api_read_cache_size)
T = TypeVar("T")


def etag_matches(if_none_match: str | None, tag: str) -> bool:
    """RFC 9110: a list of tags or "*"; a weak form of our tag also matches (GET)."""
    if not if_none_match:
        return False
    candidates = [c.strip() for c in if_none_match.split(",")]
    return "*" in candidates or any(c.removeprefix("W/") == tag for c in candidates)


def personal_json(
    route: str,
    user: SessionUser,
    version: int,
    params: Hashable,
    build: Callable[[datetime], Any],
    *,
    if_none_match: str | None,
) -> Response:
    """``build(minute)``'s JSON for this caller, reused (or a 304) while the key holds.
    ``version`` is the caller's data version read with the credential, BEFORE building
    (api/access.caller_version): a body is never older than its tag."""
    key = (route, user.id, user.role, user.timezone, version, params)
    return versioned_json(key, build, if_none_match=if_none_match, vary="Authorization, Cookie")


def this_minute() -> datetime:
    """The start of the current minute: every cached answer's time (part of its key)."""
    return clock.now().replace(second=0, microsecond=0)


def versioned_json(
    key: tuple[Hashable, ...],
    build: Callable[[datetime], Any],
    *,
    if_none_match: str | None,
    vary: str | None = None,
) -> Response:
    """``build(minute)``'s JSON, reused (or a 304) while ``key`` (which must hold the
    data versions the answer depends on, read before building) and the minute hold."""
    minute = this_minute()
    full = (*key, minute.isoformat())
    tag = '"' + hashlib.sha256(repr(full).encode()).hexdigest()[:40] + '"'
    headers = {"ETag": tag, "Cache-Control": "private, no-cache"}
    if vary:
        headers["Vary"] = vary
    if etag_matches(if_none_match, tag):
        return Response(status_code=304, headers=headers)
    body = versioned(full, lambda: json_bytes(build(minute)))
    return Response(body, headers=headers, media_type="application/json")


def versioned(key: tuple[Hashable, ...], build: Callable[[], T]) -> T:
    """``build()``, reused while ``key`` (data versions and the minute included) holds."""
    answer = _ANSWERS.get(key)
    if answer is None:
        answer = build()
        _ANSWERS.put(key, answer)
    return answer
