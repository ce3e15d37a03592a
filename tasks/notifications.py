"""Delivery of the outbox (services/notifications.py): a scan every minute, one task per row.

Why this shape: no far-future ETA messages (a broker that loses one loses a reminder; a
cancel can't withdraw one). The scan (beat) leases due rows and queues `send_notification`
for each; the task claims its row atomically, re-reads the booking, waits for a send slot
shared by all workers, sends, marks sent. A killed worker's row keeps its lease until it
expires, then the next scan queues it again; Celery's acks_late +
task_reject_on_worker_lost redeliver the message too (on Redis), and the claim makes the
second delivery a no-op unless the first one never finished.
"""

from __future__ import annotations

import logging
import time

from celery import shared_task

from booking_app import clock
from booking_app.integrations import telegram
from booking_app.services import notifications, send_budget

log = logging.getLogger(__name__)
MAX_SLOT_WAIT_S = 10.0
SEND_TASK = "tasks.notifications.send_notification"
BATCH = 10  # rows per queued task: a broker round trip per message caps an SQL broker at ~10/s


@shared_task(name="tasks.notifications.scan_notifications", ignore_result=True)
def scan_notifications() -> int:
    """Beat: morning digests, then queue every due row (or mark them skipped without a token)."""
    now = clock.now()
    try:
        notifications.queue_morning_digests(now)
    except Exception:  # the digest must never stop reminders
        log.exception("morning digest failed")
    ids = notifications.scan(now)
    for first in range(0, len(ids), BATCH):
        send_batch.delay(ids[first : first + BATCH])
    return len(ids)


@shared_task(
    name="tasks.notifications.send_batch", ignore_result=True, acks_late=True,
    reject_on_worker_lost=True,
)  # fmt: skip
def send_batch(notification_ids: list[int]) -> list[str]:
    """Several rows, one after the other; each is claimed on its own, so a kill mid-batch
    leaves at most the one in flight to be sent twice (the rest are still `pending`)."""
    return [deliver(notification_id) for notification_id in notification_ids]


@shared_task(name=SEND_TASK, ignore_result=True, acks_late=True, reject_on_worker_lost=True)
def send_notification(notification_id: int) -> str:
    """One row (a retry after its countdown)."""
    return deliver(notification_id)


def deliver(notification_id: int) -> str:
    """Claim -> wait for a slot -> send -> mark; errors sorted by integrations.telegram."""
    outgoing = notifications.claim(notification_id, now=clock.now())
    if outgoing is None:
        return "skipped"
    wait = outgoing.wait
    if wait > MAX_SLOT_WAIT_S:  # a busy chat: come back when its slot is near
        return _retry(notification_id, wait, "waiting for a send slot")
    _wait_for_slot(outgoing.chat_id, wait)
    try:
        message_id = telegram.send_message(outgoing.chat_id, outgoing.text, outgoing.buttons)
    except telegram.RetryLater as exc:
        send_budget.pause(exc.seconds)
        return _retry(notification_id, exc.seconds, str(exc))
    except telegram.Transient as exc:
        attempts = _attempts(notification_id)
        return _retry(notification_id, notifications.backoff_seconds(attempts), str(exc))
    except telegram.Permanent as exc:
        log.warning("notification %s failed for good: %s", notification_id, exc)
        notifications.mark_failed(notification_id, str(exc))
        return "failed"
    if not notifications.mark_sent(notification_id, message_id, now=clock.now()):
        log.warning("notification %s sent but its lease had expired", notification_id)
    return "sent"


def _wait_for_slot(chat_id: int, wait: float) -> None:
    """Sleep until the reserved slot; if another worker got a 429 meanwhile, sit out its
    pause and reserve afresh (the old slot is void: after a pause every waiting sender
    would otherwise fire at once, two of them maybe to the same chat)."""
    for _ in range(5):
        if wait:
            time.sleep(wait)
        paused = send_budget.paused_for()
        if not paused:
            return
        time.sleep(paused)
        wait = send_budget.reserve(chat_id)


def _attempts(notification_id: int) -> int:
    from booking_app.db import read_scope
    from booking_app.repositories import notifications as repo

    with read_scope() as session:
        row = repo.get(session=session, notification_id=notification_id)
        return row.attempts if row else 1


def _retry(notification_id: int, delay: float, error: str) -> str:
    """Back to pending at now + delay, and a short-countdown task for then (the lease
    makes the scan pick it up if that message is lost)."""
    planned = notifications.mark_retry(notification_id, delay, error, now=clock.now())
    if planned is None:
        return "failed"
    send_notification.apply_async((notification_id,), countdown=planned)
    return "retry"
