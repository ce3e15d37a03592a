"""Webhook endpoint and delivery queries. Keyword-only session; never commits.

The delivery states change by single conditional UPDATEs, as for notifications: a row is
claimed (`pending` -> `sending`, one attempt counted) only while it is pending, due, its
endpoint active and no EARLIER row of the same endpoint and subject is unfinished (that
is the per-booking order: at most one event of a subject is in flight, and only the
oldest); it is finished only by the claim that counted `attempts` (a redelivery or a
lease recovered meanwhile makes a late answer a no-op).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from booking_app.models import User, WebhookDelivery, WebhookDeliveryStatus, WebhookEndpoint

D = WebhookDelivery
E = WebhookEndpoint
PENDING = WebhookDeliveryStatus.pending
SENDING = WebhookDeliveryStatus.sending
UNFINISHED = (PENDING, SENDING)


# --- endpoints -----------------------------------------------------------------------------


def subscribed(*, session: Session, tutor_id: int, event_type: str) -> list[WebhookEndpoint]:
    """Active endpoints that want this event of this tutor: the tutor's own and the
    admins' (tutor_id NULL). The event list is space-separated, matched as a word."""
    padded = sa.literal(" ").concat(E.events).concat(" ")
    query = (
        select(E)
        .join(User, User.id == E.owner_id)
        .where(
            E.active == sa.true(),
            User.is_active == sa.true(),
            sa.or_(E.tutor_id.is_(None), E.tutor_id == tutor_id),  # type: ignore[union-attr]
            padded.like(f"% {event_type} %"),
        )
    )
    return list(session.exec(query.order_by(E.id)))  # type: ignore[arg-type]


def list_endpoints(*, session: Session, owner_id: int | None) -> list[tuple[WebhookEndpoint, str]]:
    """Endpoints with their owner's name, newest first; every one when owner_id is None."""
    query = select(E, User.name).join(User, User.id == E.owner_id)
    if owner_id is not None:
        query = query.where(E.owner_id == owner_id)
    return [(e, n) for e, n in session.exec(query.order_by(E.id.desc()))]  # type: ignore[union-attr]


def get_endpoint(
    *, session: Session, endpoint_id: int, owner_id: int | None, lock: bool = False
) -> WebhookEndpoint | None:
    """The endpoint if `owner_id` owns it (None: an admin, any endpoint)."""
    query = select(E).where(E.id == endpoint_id)
    if owner_id is not None:
        query = query.where(E.owner_id == owner_id)
    if lock:
        query = query.with_for_update()
    return session.exec(query).first()


def add(*, session: Session, row: Any) -> Any:
    session.add(row)
    session.flush()
    return row


def delete_endpoint(*, session: Session, endpoint_id: int) -> None:
    session.execute(sa.delete(D).where(D.endpoint_id == endpoint_id))
    session.execute(sa.delete(E).where(E.id == endpoint_id))


def owner(*, session: Session, endpoint_id: int) -> User | None:
    return session.exec(
        select(User).join(E, E.owner_id == User.id).where(E.id == endpoint_id)
    ).first()


def count_failure(*, session: Session, endpoint_id: int, now: datetime) -> int:
    """One more failure in a row; returns the new count (the row is locked until commit)."""
    session.execute(
        sa.update(E)
        .where(E.id == endpoint_id)
        .values(consecutive_failures=E.consecutive_failures + 1, updated_at=now)
    )
    return int(session.exec(select(E.consecutive_failures).where(E.id == endpoint_id)).one())


def reset_failures(*, session: Session, endpoint_id: int) -> None:
    session.execute(
        sa.update(E)
        .where(E.id == endpoint_id, E.consecutive_failures != 0)
        .values(consecutive_failures=0)
    )


def disable(*, session: Session, endpoint_id: int, reason: str, now: datetime) -> bool:
    """Active -> disabled; False if it already was (only one notice per disable)."""
    result = session.execute(
        sa.update(E)
        .where(E.id == endpoint_id, E.active == sa.true())
        .values(active=False, disabled_reason=reason[:500], disabled_at=now, updated_at=now)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


# --- deliveries ----------------------------------------------------------------------------


def deliveries(*, session: Session, endpoint_id: int, limit: int) -> list[WebhookDelivery]:
    query = select(D).where(D.endpoint_id == endpoint_id).order_by(D.id.desc()).limit(limit)  # type: ignore[union-attr]
    return list(session.exec(query))


def get_delivery(*, session: Session, endpoint_id: int, delivery_id: int) -> WebhookDelivery | None:
    query = select(D).where(D.id == delivery_id, D.endpoint_id == endpoint_id)
    return session.exec(query).first()


def _earlier_unfinished() -> Any:
    """An earlier delivery of the same endpoint and subject that has not finished."""
    earlier = aliased(D)
    return sa.exists().where(
        earlier.endpoint_id == D.endpoint_id,
        earlier.subject == D.subject,
        earlier.id < D.id,
        earlier.status.in_(UNFINISHED),  # type: ignore[attr-defined]
    )


def _endpoint_active() -> Any:
    """The delivery's endpoint is on and its owner's account still active (a deactivated
    tutor's or admin's endpoints stop at once, without anyone touching them)."""
    return sa.exists().where(
        E.id == D.endpoint_id,
        E.active == sa.true(),
        User.id == E.owner_id,
        User.is_active == sa.true(),
    )


def recover_expired(*, session: Session, now: datetime) -> int:
    """Rows in flight past their lease belong to a worker that died: pending again (they
    are sent again: at least once)."""
    result = session.execute(
        sa.update(D)
        .where(D.status == SENDING, D.lease_until < now)
        .values(status=PENDING, lease_until=None, next_attempt_at=now)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def _ready(now: datetime) -> Any:
    return sa.and_(
        D.status == PENDING,
        D.next_attempt_at <= now,
        _endpoint_active(),
        sa.not_(_earlier_unfinished()),
    )


def lease_due(*, session: Session, now: datetime, lease: timedelta, limit: int) -> list[int]:
    """Ids of rows that may be sent now (oldest first), leased so the next scan skips them."""
    query = (
        select(D.id)
        .where(
            _ready(now),
            sa.or_(D.lease_until.is_(None), D.lease_until < now),  # type: ignore[union-attr]
        )
        .order_by(D.id)
        .limit(limit)
    )
    ids = [i for i in session.exec(query) if i is not None]
    if ids:
        session.execute(sa.update(D).where(D.id.in_(ids)).values(lease_until=now + lease))  # type: ignore[union-attr]
    return ids


def claim(*, session: Session, delivery_id: int, now: datetime, lease: timedelta) -> bool:
    """pending -> sending, atomically, only when it may go now (see module docstring)."""
    result = session.execute(
        sa.update(D)
        .where(D.id == delivery_id, _ready(now + timedelta(seconds=1)))
        .values(
            status=SENDING, attempts=D.attempts + 1, lease_until=now + lease, last_attempt_at=now
        )
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def finish(*, session: Session, delivery_id: int, attempt: int, **values: Any) -> bool:
    """Leave `sending` (delivered, failed, or pending for a retry) if still this claim's."""
    result = session.execute(
        sa.update(D)
        .where(D.id == delivery_id, D.status == SENDING, D.attempts == attempt)
        .values(**values)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def next_in_subject(*, session: Session, delivery_id: int) -> int | None:
    """The next pending row of this one's endpoint and subject (sent right after it)."""
    row = session.get(D, delivery_id)
    if row is None:
        return None
    query = (
        select(D.id)
        .where(
            D.endpoint_id == row.endpoint_id,
            D.subject == row.subject,
            D.id > delivery_id,
            D.status == PENDING,
        )
        .order_by(D.id)
        .limit(1)
    )
    return session.exec(query).first()


def redeliver(*, session: Session, delivery_id: int, now: datetime) -> bool:
    """Any finished or waiting row -> pending now, attempts from zero; False when in flight."""
    result = session.execute(
        sa.update(D)
        .where(D.id == delivery_id, D.status != SENDING)
        .values(status=PENDING, attempts=0, next_attempt_at=now, lease_until=None)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
