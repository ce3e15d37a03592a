"""Managing endpoints (the Webhooks page and /api/v1/webhooks call these, nothing else).

Who may do what, decided here for both callers: a tutor manages the endpoints they
created, which receive their own bookings' and lessons' events; an admin manages every
endpoint, and the ones an admin creates receive every tutor's events. Anyone else, or
another tutor's endpoint, is `webhook_not_found` (no hint that it exists).
The secret leaves this module twice only: in the result of `create` and of `rotate`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from booking_app.db import read_scope, session_scope
from booking_app.models import Role, WebhookDelivery, WebhookEndpoint
from booking_app.repositories import webhooks as repo
from booking_app.services import offer_fields as f
from booking_app.services import timefmt
from booking_app.services.errors import (
    DeliveryInFlight,
    Forbidden,
    ValidationFailed,
    WebhookNotFound,
)
from booking_app.services.validation import FieldError
from booking_app.services.webhooks import signing, targets
from booking_app.services.webhooks.events import EVENT_TYPES

MANAGERS = (Role.tutor.value, Role.admin.value)
NOT_ALLOWED = "Only tutors and admins can manage webhooks."
DELIVERY_NOT_FOUND = "This delivery does not exist or is not yours."
MAX_LOG = 200


@dataclass(frozen=True)
class EndpointView:
    id: int
    url: str
    events: list[str]
    active: bool
    consecutive_failures: int
    disabled_reason: str
    disabled_at: str  # UTC ISO or ""
    scope: str  # "own" (a tutor's bookings) / "all" (every tutor's: an admin's endpoint)
    owner_name: str
    created_at: str


@dataclass(frozen=True)
class Created:
    """An endpoint and its secret: the only moment the secret is shown."""

    endpoint: EndpointView
    secret: str


@dataclass(frozen=True)
class DeliveryView:
    id: int
    event_id: str
    event_type: str
    subject: str
    status: str
    attempts: int
    last_status_code: int | None
    last_error: str
    created_at: str
    last_attempt_at: str
    next_attempt_at: str
    delivered_at: str
    payload: str = field(default="", repr=False)


def _iso(value: datetime | None) -> str:
    return timefmt.iso_utc(value) if value is not None else ""


def _view(row: WebhookEndpoint, owner_name: str) -> EndpointView:
    return EndpointView(
        id=row.id or 0, url=row.url, events=row.events.split(), active=row.active,
        consecutive_failures=row.consecutive_failures,
        disabled_reason=row.disabled_reason or "", disabled_at=_iso(row.disabled_at),
        scope="all" if row.tutor_id is None else "own", owner_name=owner_name,
        created_at=_iso(row.created_at),
    )  # fmt: skip


def delivery_view(row: WebhookDelivery) -> DeliveryView:
    return DeliveryView(
        id=row.id or 0, event_id=row.event_id, event_type=row.event_type, subject=row.subject,
        status=row.status.value, attempts=row.attempts, last_status_code=row.last_status_code,
        last_error=row.last_error or "", created_at=_iso(row.created_at),
        last_attempt_at=_iso(row.last_attempt_at), next_attempt_at=_iso(row.next_attempt_at),
        delivered_at=_iso(row.delivered_at), payload=row.payload,
    )  # fmt: skip


def _scope(role: str, user_id: int) -> int | None:
    """The owner filter: a tutor sees their own endpoints, an admin every one."""
    if role not in MANAGERS:
        raise Forbidden(NOT_ALLOWED)
    return None if role == Role.admin.value else user_id


def clean_events(raw: list[str] | str) -> list[str]:
    chosen = raw.split() if isinstance(raw, str) else [str(e).strip() for e in raw]
    unknown = sorted({e for e in chosen if e not in EVENT_TYPES})
    if unknown:
        raise FieldError(f"Unknown event: {', '.join(unknown)}.")
    events = [e for e in EVENT_TYPES if e in chosen]
    if not events:
        raise FieldError("Choose at least one event.")
    return events


def _clean(url: str, events: list[str] | str) -> tuple[str, list[str]]:
    fields = f.Fields()
    clean_url = fields.take("url", lambda: targets.clean_url(url))
    clean = fields.take("events", lambda: clean_events(events))
    fields.raise_if_invalid()
    assert clean_url is not None and clean is not None
    return clean_url, clean


def list_endpoints(user_id: int, role: str) -> list[EndpointView]:
    owner = _scope(role, user_id)
    with read_scope() as session:
        return [_view(e, n) for e, n in repo.list_endpoints(session=session, owner_id=owner)]


def get_endpoint(user_id: int, role: str, endpoint_id: int) -> EndpointView:
    owner = _scope(role, user_id)
    with read_scope() as session:
        row = repo.get_endpoint(session=session, endpoint_id=endpoint_id, owner_id=owner)
        if row is None:
            raise WebhookNotFound()
        owner_user = repo.owner(session=session, endpoint_id=endpoint_id)
        return _view(row, owner_user.name if owner_user else "")


def create(user_id: int, role: str, *, url: str, events: list[str] | str, now: datetime) -> Created:
    """A new active endpoint and its secret (shown once)."""
    _scope(role, user_id)
    clean_url, clean_events_ = _clean(url, events)
    secret = signing.new_secret()
    with session_scope(write=True) as session:
        row = repo.add(
            session=session,
            row=WebhookEndpoint(
                owner_id=user_id, tutor_id=None if role == Role.admin.value else user_id,
                url=clean_url, events=" ".join(clean_events_),
                secret_encrypted=signing.encrypt(secret), created_at=now, updated_at=now,
            ),
        )  # fmt: skip
        owner_user = repo.owner(session=session, endpoint_id=row.id or 0)
        return Created(_view(row, owner_user.name if owner_user else ""), secret)


def update(
    user_id: int,
    role: str,
    endpoint_id: int,
    *,
    now: datetime,
    url: str | None = None,
    events: list[str] | str | None = None,
    active: bool | None = None,
) -> EndpointView:
    """Change the URL, the events, or turn it on/off. On again: failures count from zero
    and the waiting deliveries go out (in order)."""
    owner = _scope(role, user_id)
    fields = f.Fields()
    clean_url = fields.take("url", lambda: targets.clean_url(url)) if url is not None else None
    chosen = fields.take("events", lambda: clean_events(events)) if events is not None else None
    fields.raise_if_invalid()
    with session_scope(write=True) as session:
        row = repo.get_endpoint(session=session, endpoint_id=endpoint_id, owner_id=owner, lock=True)
        if row is None:
            raise WebhookNotFound()
        if clean_url is not None:
            row.url = clean_url
        if chosen is not None:
            row.events = " ".join(chosen)
        if active is True and not row.active:
            row.active, row.consecutive_failures = True, 0
            row.disabled_reason = row.disabled_at = None
        elif active is False and row.active:
            row.active, row.disabled_reason, row.disabled_at = False, "Turned off by hand.", now
        row.updated_at = now
        session.flush()
        owner_user = repo.owner(session=session, endpoint_id=endpoint_id)
        return _view(row, owner_user.name if owner_user else "")


def rotate_secret(user_id: int, role: str, endpoint_id: int, *, now: datetime) -> Created:
    """A new secret replaces the old one at once (shown once); deliveries from now on
    are signed with it."""
    owner = _scope(role, user_id)
    secret = signing.new_secret()
    with session_scope(write=True) as session:
        row = repo.get_endpoint(session=session, endpoint_id=endpoint_id, owner_id=owner, lock=True)
        if row is None:
            raise WebhookNotFound()
        row.secret_encrypted, row.updated_at = signing.encrypt(secret), now
        session.flush()
        owner_user = repo.owner(session=session, endpoint_id=endpoint_id)
        return Created(_view(row, owner_user.name if owner_user else ""), secret)


def delete(user_id: int, role: str, endpoint_id: int) -> None:
    """The endpoint and its delivery log; nothing more is sent to it."""
    owner = _scope(role, user_id)
    with session_scope(write=True) as session:
        row = repo.get_endpoint(session=session, endpoint_id=endpoint_id, owner_id=owner, lock=True)
        if row is None:
            raise WebhookNotFound()
        repo.delete_endpoint(session=session, endpoint_id=endpoint_id)


def deliveries(user_id: int, role: str, endpoint_id: int, *, limit: int = 50) -> list[DeliveryView]:
    """The endpoint's delivery log, newest first."""
    owner = _scope(role, user_id)
    with read_scope() as session:
        if repo.get_endpoint(session=session, endpoint_id=endpoint_id, owner_id=owner) is None:
            raise WebhookNotFound()
        rows = repo.deliveries(
            session=session, endpoint_id=endpoint_id, limit=max(1, min(limit, MAX_LOG))
        )
        return [delivery_view(r) for r in rows]


def redeliver(
    user_id: int, role: str, endpoint_id: int, delivery_id: int, *, now: datetime
) -> DeliveryView:
    """Send this event again (same X-Webhook-Id and body, a fresh signature), at the
    next scan; waits like any delivery while the endpoint is off."""
    owner = _scope(role, user_id)
    with session_scope(write=True) as session:
        if repo.get_endpoint(session=session, endpoint_id=endpoint_id, owner_id=owner) is None:
            raise WebhookNotFound()
        row = repo.get_delivery(session=session, endpoint_id=endpoint_id, delivery_id=delivery_id)
        if row is None:
            raise WebhookNotFound(DELIVERY_NOT_FOUND)
        if not repo.redeliver(session=session, delivery_id=delivery_id, now=now):
            raise DeliveryInFlight()
        session.refresh(row)
        return delivery_view(row)


def require_fields(**values: object) -> None:
    """Used by the API for a PATCH without any field (a clear 422, never a no-op)."""
    if all(v is None for v in values.values()):
        raise ValidationFailed({"body": "Send at least one of: url, events, active."})
