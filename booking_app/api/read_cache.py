"""The API's busiest personal reads, answered again while nothing of the caller changed.

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
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable
from datetime import datetime
from typing import Any

from fastapi import Response

from booking_app import clock
from booking_app.api.offload import json_bytes
from booking_app.config import get_settings
from booking_app.services.accounts import SessionUser
from booking_app.services.recent import RecentValues

_ANSWERS: RecentValues[bytes] = RecentValues(lambda: get_settings().api_read_cache_size)


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
    minute = clock.now().replace(second=0, microsecond=0)
    key = (route, user.id, user.role, user.timezone, version, minute.isoformat(), params)
    tag = '"' + hashlib.sha256(repr(key).encode()).hexdigest()[:40] + '"'
    headers = {"ETag": tag, "Cache-Control": "private, no-cache", "Vary": "Authorization, Cookie"}
    if etag_matches(if_none_match, tag):
        return Response(status_code=304, headers=headers)
    body = _ANSWERS.get(key)
    if body is None:
        body = json_bytes(build(minute))
        _ANSWERS.put(key, body)
    return Response(body, headers=headers, media_type="application/json")
