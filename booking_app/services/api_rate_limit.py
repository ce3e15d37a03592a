"""The /api/v1 rate limit: fixed windows per token and per client IP, shared by workers.

Why fixed windows: one counter per key and window is one Redis INCR or one database
upsert per request, and every worker process sees the same count. A burst of up to
twice the limit across a window edge is acceptable for abuse protection (which is the
point here, not billing). The store is Redis when REDIS_URL is set, otherwise the
database (`api_rate_counter`): the app never needs Redis by default.

Settings (config.py): API_RATE_WINDOW_SECONDS, API_RATE_LIMIT_PER_TOKEN,
API_RATE_LIMIT_PER_IP (0 turns that limit off).
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime
from functools import lru_cache

import redis

from booking_app.config import get_settings
from booking_app.db import session_scope
from booking_app.repositories import api_rate as rate_repo
from booking_app.services.errors import RateLimited

REDIS_PREFIX = "api-rate:"
log = logging.getLogger(__name__)


def limits(token: str | None, ip: str) -> list[tuple[str, int]]:
    """(key, limit) pairs this request counts against; a token is keyed by a hash (the
    store never holds a usable secret), whether or not it turns out to be valid."""
    settings = get_settings()
    keys: list[tuple[str, int]] = []
    if token and settings.api_rate_limit_per_token:
        digest = hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()[:40]
        keys.append((f"t:{digest}", settings.api_rate_limit_per_token))
    if settings.api_rate_limit_per_ip:
        keys.append((f"ip:{(ip or 'unknown')[:64]}", settings.api_rate_limit_per_ip))
    return keys


@lru_cache(maxsize=4)
def _redis(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=2)


def _count_redis(url: str, keys: list[str], window_start: int, window: int) -> list[int]:
    pipe = _redis(url).pipeline(transaction=False)
    for key in keys:
        name = f"{REDIS_PREFIX}{key}:{window_start}"
        pipe.incr(name)
        pipe.expire(name, window + 5)
    replies = pipe.execute()
    return [int(replies[index * 2]) for index in range(len(keys))]


def _count_db(keys: list[str], window_start: int) -> list[int]:
    with session_scope(write=True) as session:
        counts = [
            rate_repo.hit(session=session, key=key, window_start=window_start) for key in keys
        ]
        if any(count == 1 for count in counts):  # a new window began: drop the old ones
            rate_repo.delete_before(session=session, window_start=window_start)
    return counts


def check(token: str | None, ip: str, *, now: datetime) -> None:
    """Count this request; RateLimited (with the seconds until the window ends) if any of
    its keys is over its limit. Blocking (Redis or database): call it off the loop."""
    pairs = limits(token, ip)
    if not pairs:
        return
    settings = get_settings()
    window = settings.api_rate_window_seconds
    moment = int(now.timestamp())
    window_start = moment - moment % window
    keys = [key for key, _ in pairs]
    if settings.redis_url:
        try:
            counts = _count_redis(settings.redis_url, keys, window_start, window)
        except redis.RedisError as exc:  # fail open: an outage must not take the API down
            log.warning("API rate limit skipped, Redis unavailable: %s", exc)
            return
    else:
        counts = _count_db(keys, window_start)
    if any(count > limit for count, (_, limit) in zip(counts, pairs, strict=True)):
        raise RateLimited(window_start + window - moment)
