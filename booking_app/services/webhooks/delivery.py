"""The send side: scan, claim, and record the answer (tasks/webhooks.py drives it).

The pattern of the Telegram outbox (services/notifications.py), without its send slots:
- `scan` (beat): leases whose worker died are taken back (`sending` past `lease_until`
  -> pending: sent again, at least once), then due rows that may go now are leased
  and returned for queueing;
- `claim`: one UPDATE, committed right before the request, that re-checks what matters
  at that moment: the row is still pending and due, its endpoint is STILL ACTIVE (a
  disable or a delete in between wins), and no earlier event of the same booking or
  lesson is unfinished (order per subject). It reads the URL and decrypts the secret;
- `record`: 2xx -> delivered and the endpoint's failure count reset; anything else ->
  pending again after an exponential backoff with jitter (or failed after
  WEBHOOK_MAX_ATTEMPTS), and one more consecutive failure on the endpoint. At
  WEBHOOK_MAX_FAILURES the endpoint is disabled, with the reason on the page and a
  Telegram notice to its owner (an outbox row, same transaction).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from booking_app.config import get_settings
from booking_app.db import session_scope
from booking_app.models import NotificationKind, WebhookDeliveryStatus
from booking_app.repositories import notifications as notify_repo
from booking_app.repositories import webhooks as repo
from booking_app.services.notifications import backoff_seconds
from booking_app.services.webhooks import signing

MAX_ERROR = 1000
BACKOFF_CAP_S = 3600.0
NO_SECRET = "the endpoint's secret can't be read (SECRET_KEY changed): rotate it"


@dataclass(frozen=True)
class Outgoing:
    """One claimed delivery, ready to send (the body is the stored payload, as signed)."""

    delivery_id: int
    endpoint_id: int
    attempt: int  # the claim's token: only this claim may record the answer
    url: str
    secret: str
    event_id: str
    body: bytes


@dataclass(frozen=True)
class Answer:
    """What the receiver said: a status code, or an error before any (timeout, refused)."""

    status_code: int | None = None
    error: str | None = None
    retry: bool = True  # False: no point trying again (a refused target)

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def lease() -> timedelta:
    return timedelta(seconds=get_settings().webhook_lease_seconds)


def scan(now: datetime, *, limit: int = 500) -> list[int]:
    """Recover expired leases, then lease and return the ids that may be sent now."""
    with session_scope(write=True) as session:
        repo.recover_expired(session=session, now=now)
        return repo.lease_due(session=session, now=now, lease=lease(), limit=limit)


def claim(delivery_id: int, *, now: datetime) -> Outgoing | None:
    """pending -> sending (committed on return); None when it may not go now."""
    with session_scope(write=True) as session:
        if not repo.claim(session=session, delivery_id=delivery_id, now=now, lease=lease()):
            return None
        row = session.get(repo.D, delivery_id, populate_existing=True)
        endpoint = session.get(repo.E, row.endpoint_id) if row else None
        if row is None or endpoint is None:
            return None
        secret = signing.decrypt(endpoint.secret_encrypted)
        if secret is None:
            row.status, row.last_error, row.lease_until = repo.PENDING, NO_SECRET, None
            _fail_endpoint(session, endpoint.id or 0, NO_SECRET, now)
            return None
        return Outgoing(
            row.id or 0, endpoint.id or 0, row.attempts, endpoint.url, secret,
            row.event_id, row.payload.encode(),
        )  # fmt: skip


def record(sent: Outgoing, answer: Answer, *, now: datetime) -> float | None:
    """Store the answer; returns the retry delay (s) when it will be tried again."""
    settings = get_settings()
    with session_scope(write=True) as session:
        common = {"last_status_code": answer.status_code, "lease_until": None}
        if answer.ok:
            done = repo.finish(
                session=session, delivery_id=sent.delivery_id, attempt=sent.attempt,
                status=WebhookDeliveryStatus.delivered, delivered_at=now, last_error=None,
                **common,
            )  # fmt: skip
            if done:
                repo.reset_failures(session=session, endpoint_id=sent.endpoint_id)
            return None
        error = (answer.error or f"HTTP {answer.status_code}")[:MAX_ERROR]
        give_up = not answer.retry or sent.attempt >= settings.webhook_max_attempts
        delay = backoff_seconds(
            sent.attempt, base=float(settings.webhook_backoff_seconds), cap=BACKOFF_CAP_S
        )
        if give_up:
            values = {"status": WebhookDeliveryStatus.failed, "last_error": f"gave up: {error}"}
        else:
            values = {
                "status": WebhookDeliveryStatus.pending, "last_error": error,
                "next_attempt_at": now + timedelta(seconds=delay),
            }  # fmt: skip
        values = {**values, **common}
        if not repo.finish(
            session=session, delivery_id=sent.delivery_id, attempt=sent.attempt, **values
        ):
            return None  # redelivered or recovered meanwhile: that claim decides
        _fail_endpoint(session, sent.endpoint_id, error, now)
        return None if give_up else delay


def _fail_endpoint(session: Session, endpoint_id: int, error: str, now: datetime) -> None:
    """One more failure in a row; at the limit, disable the endpoint and tell its owner."""
    limit = get_settings().webhook_max_failures
    failures = repo.count_failure(session=session, endpoint_id=endpoint_id, now=now)
    if failures < limit:
        return
    reason = f"Disabled after {failures} failed deliveries in a row; last error: {error}"
    if repo.disable(session=session, endpoint_id=endpoint_id, reason=reason, now=now):
        _notify_owner(session, endpoint_id, reason, now)


def _notify_owner(session: Session, endpoint_id: int, reason: str, now: datetime) -> None:
    """A Telegram outbox row for the owner, when they have a chat (the page shows it too)."""
    owner = repo.owner(session=session, endpoint_id=endpoint_id)
    if owner is None or owner.telegram_chat_id is None:
        return
    endpoint = repo.get_endpoint(session=session, endpoint_id=endpoint_id, owner_id=None)
    url = endpoint.url if endpoint else ""
    notify_repo.upsert(
        session=session, booking_id=None,
        kind=NotificationKind.tutor_webhook_disabled.key(str(endpoint_id)),
        user_id=owner.id, chat_id=owner.telegram_chat_id,
        body=f"Your webhook {url} was turned off. {reason}\nTurn it on again on the Webhooks page.",
        send_at=now, now=now,
    )  # fmt: skip


def next_in_subject(delivery_id: int) -> int | None:
    """The next waiting event of the same endpoint and booking/lesson, if any."""
    with session_scope() as session:
        return repo.next_in_subject(session=session, delivery_id=delivery_id)
