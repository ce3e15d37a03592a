"""Delivery of the outbox (services/notifications.py): a scan every minute, one task per row.

Why this shape: no far-future ETA messages (a broker that loses one loses a reminder; a
cancel can't withdraw one). The scan (beat) leases due rows and queues `send_notification`
for each; the task claims its row atomically, re-reads the booking, waits for the send
slot it planned (shared by all workers), then launches: one short transaction that checks
the row is still its own (not cancelled meanwhile), the booking once more, and the chat's
gate (1 s after its previous request came back), and commits `sending` right before the
HTTP call; then sends and marks sent. A killed worker's row keeps its lease until it
expires, then the next scan queues it again; Celery's acks_late +
task_reject_on_worker_lost redeliver the message too (on Redis), and the claim makes the
second delivery a no-op unless the first one never finished.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime

from celery import shared_task

from booking_app import clock
from booking_app.integrations import telegram
from booking_app.services import morning_confirm, notifications, send_budget

log = logging.getLogger(__name__)
MAX_SLOT_WAIT_S = 10.0
IN_FLIGHT_POLL_S = 0.2  # the chat's previous message is on its way: look again this soon
MAX_LAUNCH_TRIES = 100  # with MAX_SLOT_WAIT_S, bounds the loop even under a frozen clock
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
    _morning_confirmation(now)
    ids = notifications.scan(now)
    for first in range(0, len(ids), BATCH):
        send_batch.delay(ids[first : first + BATCH])
    return len(ids)


def _morning_confirmation(now: datetime) -> None:
    """Today's tentative lessons to each tutor, then cancel those past their deadline
    (services/morning_confirm.py); before the scan, so their messages leave in this run."""
    try:
        morning_confirm.queue_tentative_digests(now)
    except Exception:  # neither may stop reminders
        log.exception("tentative digest failed")
    try:
        morning_confirm.cancel_unconfirmed(now)
    except Exception:
        log.exception("cancelling unconfirmed tentative lessons failed")


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
    """Claim -> wait for the slot -> launch -> send -> mark; errors sorted by
    integrations.telegram."""
    claimed = notifications.claim(notification_id, now=clock.now())
    if claimed is None:
        return "skipped"
    if claimed.wait > MAX_SLOT_WAIT_S:  # a busy chat: come back when its slot is near
        return _retry(claimed, claimed.wait, "waiting for a send slot")
    telegram.prepare()
    launched = _launch(claimed)
    if isinstance(launched, str):
        return launched
    try:
        message_id = telegram.send_message(launched.chat_id, launched.text, launched.buttons)
    except telegram.RetryLater as exc:
        send_budget.pause(exc.seconds)
        return _retry(launched, exc.seconds, str(exc))
    except telegram.Transient as exc:
        return _retry(launched, notifications.backoff_seconds(launched.attempt), str(exc))
    except telegram.Permanent as exc:
        log.warning("notification %s failed for good: %s", notification_id, exc)
        notifications.mark_failed(launched, str(exc))
        return "failed"
    if not notifications.mark_sent(launched, message_id):
        log.warning("notification %s sent but its lease had expired", notification_id)
    return "sent"


def _launch(claimed: notifications.Outgoing) -> notifications.Outgoing | str:
    """Sleep until the planned slot, then launch; when told to hold, sleep and try again:
    until the chat's previous message is back and 1 s old, or after a 429's pause (then
    plan a fresh slot). Waiting longer than MAX_SLOT_WAIT_S in all: retry later."""
    wait, waited, left = claimed.wait, 0.0, send_budget.PER_CHAT_GAP_S
    for _ in range(MAX_LAUNCH_TRIES):
        if wait:
            time.sleep(wait)
            waited += wait
        step = notifications.launch(claimed, now=clock.now())
        if step is None:
            return "skipped"  # cancelled, moved or taken back meanwhile: the row says which
        if isinstance(step, notifications.Outgoing):
            return step
        left = step.seconds
        if waited + left > MAX_SLOT_WAIT_S:
            break
        if step.paused:
            time.sleep(left)
            waited += left
            wait = send_budget.reserve(claimed.chat_id)
        else:  # a gap ends on time; a request on its way ends when its answer comes
            wait = left if left <= send_budget.PER_CHAT_GAP_S else IN_FLIGHT_POLL_S
    return _retry(claimed, left, "waiting for a send slot")


def _retry(held: notifications.Outgoing, delay: float, error: str) -> str:
    """Back to pending at now + delay, and a short-countdown task for then (the lease
    makes the scan pick it up if that message is lost)."""
    planned = notifications.mark_retry(held, delay, error, now=clock.now())
    if planned is None:
        return "failed"
    send_notification.apply_async((held.notification_id,), countdown=planned)
    return "retry"
