"""Safe retries: run a write once per ``Idempotency-Key``, replay its answer afterwards.

A client that lost the response of ``POST /api/v1/bookings`` (timeout, dropped
connection) retries with the same key. The key's record is written in the SAME
transaction as the booking (``db.unit_of_work``), so either both exist or neither does:

- same key, same request -> the stored status and body, nothing written again;
- same key, another request (body or route) -> ``IdempotencyKeyReused`` (422), nothing run;
- two requests with one key at once: PostgreSQL makes the second wait on the unique
  (scope, key) index until the first commits, then it replays; SQLite's write lock
  (BEGIN IMMEDIATE) runs them one after the other, so the second finds the record;
- a refused request (a domain error) rolls back with its record, so a retry is judged
  afresh (nothing was written the first time either).

Keys are scoped to the caller ("user:<id>", or "guest" for anonymous booking): a guest's
key must be unguessable (a UUID4), like the booking token it protects.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError

from booking_app.db import read_scope, unit_of_work
from booking_app.models import IdempotencyRecord
from booking_app.repositories import api_support as repo
from booking_app.services.errors import IdempotencyKeyReused, ValidationFailed

MAX_KEY = 255
GUEST_SCOPE = "guest"


@dataclass(frozen=True)
class Outcome:
    status_code: int
    body: Any  # JSON-ready
    replayed: bool


def scope_of(user_id: int | None) -> str:
    return GUEST_SCOPE if user_id is None else f"user:{user_id}"


def fingerprint(method: str, path: str, body: Any) -> str:
    """sha256 of the request as the server understood it (canonical JSON of the body)."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{method} {path}\n{canonical}".encode()).hexdigest()


def clean_key(raw: str | None) -> str | None:
    """None without a header; a blank or oversized key is a field error."""
    if raw is None:
        return None
    key = raw.strip()
    if not key or len(key) > MAX_KEY or not key.isprintable():
        raise ValidationFailed(
            {"Idempotency-Key": f"Use 1 to {MAX_KEY} printable characters (a UUID is ideal)."}
        )
    return key


def _replay(found: IdempotencyRecord, print_: str) -> Outcome:
    if found.fingerprint != print_:
        raise IdempotencyKeyReused()
    return Outcome(found.status_code, json.loads(found.body), replayed=True)


def run_once(
    *,
    scope: str,
    key: str,
    request_print: str,
    now: datetime,
    run: Callable[[], tuple[int, Any]],
) -> Outcome:
    """``run()`` -> (status, JSON body) once for (scope, key), inside one transaction with
    the record; later calls with the same fingerprint get the stored outcome."""
    with read_scope() as session:
        found = repo.idempotency_record(session=session, scope=scope, key=key)
        if found is not None:
            return _replay(found, request_print)
    try:
        with unit_of_work() as session:
            record = repo.add_idempotency_record(
                session=session,
                row=IdempotencyRecord(
                    scope=scope, key=key, fingerprint=request_print, created_at=now
                ),
            )
            status, body = run()
            record.status_code, record.body = status, json.dumps(body, default=str)
            session.flush()
            return Outcome(status, body, replayed=False)
    except IntegrityError:
        # Another request claimed the key first and has committed by now (PostgreSQL
        # waited for it on the unique index): answer what it answered.
        with read_scope() as session:
            found = repo.idempotency_record(session=session, scope=scope, key=key)
        if found is None:
            raise
        return _replay(found, request_print)
