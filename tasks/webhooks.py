"""Delivery of webhook rows (services/webhooks/delivery.py): a scan every few seconds.

The shape of tasks/notifications.py: the beat scan leases due rows and queues batches;
each row is claimed on its own (one UPDATE that re-checks the endpoint is still active
and nothing earlier of the same booking/lesson is unfinished, committed right before
the request), sent, and its answer recorded. A worker killed mid-batch leaves at most
the row in flight `sending`; its lease expires, the next scan takes it back and it is
sent again (at least once; receivers dedupe on X-Webhook-Id). acks_late +
reject_on_worker_lost also hand the batch message to the next worker; claims make that
a no-op for rows already done. After a delivery the next waiting event of the same
subject goes at once, so one booking's events don't each wait for a scan.
"""

from __future__ import annotations

import logging

from celery import shared_task

from booking_app import clock
from booking_app.config import get_settings
from booking_app.integrations import webhook_http
from booking_app.services.webhooks import delivery, signing, targets

log = logging.getLogger(__name__)
BATCH = 10
SEND_TASK = "tasks.webhooks.send_webhook"
MAX_CHAIN = 50  # events of one subject sent back to back by one task


@shared_task(name="tasks.webhooks.scan_webhooks", ignore_result=True)
def scan_webhooks() -> int:
    """Beat: take back dead workers' rows, queue every row that may go now."""
    ids = delivery.scan(clock.now())
    for first in range(0, len(ids), BATCH):
        send_webhooks.delay(ids[first : first + BATCH])
    return len(ids)


@shared_task(
    name="tasks.webhooks.send_webhooks", ignore_result=True, acks_late=True,
    reject_on_worker_lost=True,
)  # fmt: skip
def send_webhooks(delivery_ids: list[int]) -> list[str]:
    return [send_subject(delivery_id) for delivery_id in delivery_ids]


@shared_task(name=SEND_TASK, ignore_result=True, acks_late=True, reject_on_worker_lost=True)
def send_webhook(delivery_id: int) -> str:
    """One row (a retry after its countdown)."""
    return send_subject(delivery_id)


def send_subject(delivery_id: int) -> str:
    """This row, then the events of its booking/lesson waiting behind it."""
    outcome = deliver(delivery_id)
    current = delivery_id
    for _ in range(MAX_CHAIN):
        if outcome != "delivered":
            break
        following = delivery.next_in_subject(current)
        if following is None:
            break
        current, outcome = following, deliver(following)
    return outcome


def deliver(delivery_id: int) -> str:
    """Claim -> check the target -> POST -> record."""
    sent = delivery.claim(delivery_id, now=clock.now())
    if sent is None:
        return "skipped"
    try:
        targets.check_target(sent.url)
    except targets.TargetRefused as exc:
        delivery.record(sent, delivery.Answer(error=str(exc), retry=False), now=clock.now())
        return "refused"
    timestamp = int(clock.now().timestamp())
    headers = {
        "X-Webhook-Id": sent.event_id,
        "X-Webhook-Timestamp": str(timestamp),
        "X-Webhook-Signature": signing.sign(sent.secret, timestamp, sent.body),
    }
    timeout = float(get_settings().webhook_timeout_seconds)
    status, error = webhook_http.post(sent.url, sent.body, headers, timeout=timeout)
    answer = delivery.Answer(status_code=status, error=error)
    delay = delivery.record(sent, answer, now=clock.now())
    if answer.ok:
        return "delivered"
    log.info("webhook delivery %s failed: %s", delivery_id, error)
    if delay is not None:
        send_webhook.apply_async((delivery_id,), countdown=delay)
        return "retry"
    return "failed"
