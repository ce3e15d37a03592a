"""Webhooks in-process, on SQLite and PostgreSQL, against a real loopback receiver.

What must hold (issue 16): a delivery row per subscribed endpoint is written with the
change (none after a rollback; a tutor's endpoint gets only their events, an admin's
everyone's); requests are signed (HMAC-SHA256 over "timestamp.body") and logged with
their response code; failures and timeouts back off and keep one booking's events in
order; N failures in a row disable the endpoint with a notice; private targets are
refused unless allowed. The worker-kill proof is tests/integration/test_webhook_worker.py.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlmodel import select

from booking_app.db import read_scope, session_scope, unit_of_work
from booking_app.models import ClassroomSession, Notification, User, WebhookDeliveryStatus
from booking_app.services import booking as svc
from booking_app.services import classroom
from booking_app.services.lessons import PublishInput, cancel_lesson, move_lesson, publish_lesson
from booking_app.services.validation import FieldError
from booking_app.services.webhooks import manage, signing, targets
from booking_app.services.webhooks.events import EVENT_TYPES
from tasks import webhooks as task
from tests.integration.webhook_helpers import (
    add_admin,
    deliveries,
    endpoint,
    endpoint_row,
    receiver,
    webhook_settings,
)
from tests.support import clock
from tests.support.builders import NOW, add_lesson, add_service, add_tutor, booking_row, form
from tests.support.webhook_receiver import Receiver

DELIVERED, PENDING, FAILED = (
    WebhookDeliveryStatus.delivered,
    WebhookDeliveryStatus.pending,
    WebhookDeliveryStatus.failed,
)


@pytest.fixture
def hook(db: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Receiver]:
    """Fast settings, a receiver, the clock at NOW, retries queued into a list."""
    clock.freeze(monkeypatch, NOW)
    queued: list[float] = []
    monkeypatch.setattr(
        task.send_webhook, "apply_async", lambda args, countdown: queued.append(countdown)
    )
    with webhook_settings(monkeypatch), receiver() as server:
        yield server


def _book(tutor: int, service: int) -> svc.BookingDetailView:
    return svc.create_booking(form(tutor, service), student_id=None, now=NOW)


def test_rows_are_written_with_the_change_for_subscribers_only(hook: Receiver) -> None:
    tutor = add_tutor("olena@example.com", requires_confirmation=True)
    other = add_tutor("petro@example.com")
    admin = add_admin()
    mine = endpoint(
        tutor, "tutor", hook.url, ["booking.created", "booking.confirmed", "lesson.created"]
    )
    others = endpoint(other, "tutor", hook.url)
    admins = endpoint(admin, "admin", hook.url, ["booking.created"])
    booking_id = booking_row(_book(tutor, add_service(tutor)).token).id
    svc.confirm_booking(tutor, booking_id or 0, now=NOW)

    assert [d.event_type for d in deliveries(mine)] == [
        "lesson.created", "booking.created", "booking.confirmed",
    ]  # fmt: skip
    assert deliveries(others) == []  # another tutor's endpoint: nothing of this tutor
    assert [d.event_type for d in deliveries(admins)] == ["booking.created"]  # all tutors
    created = json.loads(deliveries(mine)[1].payload)
    assert created["type"] == "booking.created" and created["data"]["booking_id"] == booking_id
    assert created["data"]["status"] == "pending" and created["data"]["lesson"]["starts_at"]
    assert deliveries(mine)[1].subject == f"booking:{booking_id}"
    assert json.loads(deliveries(admins)[0].payload)["id"] == created["id"]  # one event


def test_a_rolled_back_change_leaves_no_delivery(hook: Receiver) -> None:
    tutor = add_tutor()
    mine = endpoint(tutor, "tutor", hook.url)
    service = add_service(tutor)
    with pytest.raises(RuntimeError), unit_of_work():
        _book(tutor, service)
        assert len(deliveries(mine)) == 2  # written inside the transaction...
        raise RuntimeError("the transaction fails after the booking was written")
    assert deliveries(mine) == []  # ...and gone with it
    _book(tutor, service)  # control: the same booking, committed, is announced
    assert [d.event_type for d in deliveries(mine)] == ["lesson.created", "booking.created"]


def test_signed_requests_arrive_and_are_logged(hook: Receiver) -> None:
    tutor = add_tutor()
    mine = endpoint(tutor, "tutor", hook.url, ["booking.created"], into=hook)
    _book(tutor, add_service(tutor))
    [row] = deliveries(mine)
    assert task.send_subject(row.id or 0) == "delivered"
    [got] = hook.received
    assert got.signed and got.status == 200 and got.event_id == row.event_id
    [row] = deliveries(mine)
    assert (row.status, row.last_status_code, row.attempts) == (DELIVERED, 200, 1)
    assert row.delivered_at == NOW
    # Negative control: after a rotation the receiver, still on the old secret, refuses.
    manage.rotate_secret(tutor, "tutor", mine, now=NOW)
    assert manage.redeliver(tutor, "tutor", mine, row.id or 0, now=NOW).status == "pending"
    assert task.send_subject(row.id or 0) == "retry"
    assert not hook.received[-1].signed and hook.received[-1].status == 401
    assert deliveries(mine)[0].last_status_code == 401


def test_the_secret_is_encrypted_at_rest(hook: Receiver) -> None:
    tutor = add_tutor()
    made = manage.create(tutor, "tutor", url=hook.url, events=["lesson.moved"], now=NOW)
    stored = endpoint_row(made.endpoint.id).secret_encrypted
    assert made.secret.startswith("whsec_") and made.secret not in stored
    assert signing.decrypt(stored) == made.secret
    assert "secret" not in json.dumps(
        manage.get_endpoint(tutor, "tutor", made.endpoint.id).__dict__
    )


def test_failures_back_off_and_later_events_wait(
    hook: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    tutor = add_tutor(requires_confirmation=True)
    mine = endpoint(tutor, "tutor", hook.url, ["booking.created", "booking.confirmed"], into=hook)
    booking_id = booking_row(_book(tutor, add_service(tutor)).token).id or 0
    svc.confirm_booking(tutor, booking_id, now=NOW)
    first, second = deliveries(mine)
    hook.fail_next("500")
    assert task.send_subject(first.id or 0) == "retry"
    first = deliveries(mine)[0]
    assert (first.status, first.last_status_code) == (PENDING, 500)
    assert NOW < first.next_attempt_at <= NOW + timedelta(seconds=1)
    assert endpoint_row(mine).consecutive_failures == 1
    assert task.deliver(second.id or 0) == "skipped"  # the earlier event is unfinished
    assert [r.event_type for r in hook.received] == ["booking.created"]
    clock.freeze(monkeypatch, NOW + timedelta(seconds=2))  # past the backoff
    assert task.send_subject(first.id or 0) == "delivered"  # and the next one follows
    assert [r.event_type for r in hook.ok()] == ["booking.created", "booking.confirmed"]
    assert [d.status for d in deliveries(mine)] == [DELIVERED, DELIVERED]
    assert endpoint_row(mine).consecutive_failures == 0  # a success resets the count


def test_a_receiver_that_hangs_times_out(hook: Receiver) -> None:
    tutor = add_tutor()
    mine = endpoint(tutor, "tutor", hook.url, ["booking.created"], into=hook)
    _book(tutor, add_service(tutor))
    hook.hang_s = 2.0  # > WEBHOOK_TIMEOUT_SECONDS=1
    hook.fail_next("hang")
    [row] = deliveries(mine)
    assert task.send_subject(row.id or 0) == "retry"
    [row] = deliveries(mine)
    assert row.status is PENDING and row.last_status_code is None
    assert "timed out" in (row.last_error or "")


def test_consecutive_failures_disable_the_endpoint_with_a_notice(
    hook: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    tutor = add_tutor()
    with session_scope(write=True) as session:
        user = session.get(User, tutor)
        assert user is not None
        user.telegram_chat_id = 4242
    mine = endpoint(tutor, "tutor", hook.url, ["booking.created"], into=hook)
    _book(tutor, add_service(tutor))
    [row] = deliveries(mine)
    hook.fail_next("500", times=10)
    at = NOW
    for attempt in range(1, 4):
        assert endpoint_row(mine).active  # control: still on before the 3rd failure
        clock.freeze(monkeypatch, at := at + timedelta(minutes=10))
        assert task.deliver(row.id or 0) in ("retry", "failed"), attempt
    off = endpoint_row(mine)
    assert not off.active and "3 failed deliveries" in (off.disabled_reason or "")
    assert manage.list_endpoints(tutor, "tutor")[0].disabled_reason == off.disabled_reason
    with read_scope() as session:
        notice = session.exec(select(Notification).where(Notification.user_id == tutor)).one()
    assert notice.kind == f"tutor_webhook_disabled:{mine}" and notice.chat_id == 4242
    clock.freeze(monkeypatch, at := at + timedelta(minutes=10))
    arrived = len(hook.received)
    assert task.deliver(row.id or 0) == "skipped"  # re-checked right before sending: off
    assert len(hook.received) == arrived
    manage.update(tutor, "tutor", mine, active=True, now=at)  # on again: count from zero
    hook.clear_faults()
    assert endpoint_row(mine).consecutive_failures == 0
    assert task.deliver(row.id or 0) == "delivered"


def test_private_targets_are_refused_unless_allowed(
    hook: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    tutor = add_tutor()
    mine = endpoint(tutor, "tutor", hook.url, ["booking.created"], into=hook)  # allowed now
    _book(tutor, add_service(tutor))
    with webhook_settings(monkeypatch, WEBHOOK_ALLOW_PRIVATE="false"):
        for url in (
            "http://example.com/hook",  # plain http
            "https://127.0.0.1/hook", "https://10.1.2.3/x", "https://[::1]/x",
            "https://169.254.169.254/latest", "https://localhost/x", "https://db.internal/x",
            "https://user:pw@example.com/x", "ftp://example.com/x", "https://intranet/x",
        ):  # fmt: skip
            with pytest.raises(FieldError):
                targets.clean_url(url)
        assert targets.clean_url("https://hooks.example.com/x") == "https://hooks.example.com/x"
        with pytest.raises(targets.TargetRefused):
            targets.check_target("https://localhost:8443/x")  # resolves to loopback
        [row] = deliveries(mine)
        assert task.deliver(row.id or 0) == "refused"
    assert hook.received == []
    [row] = deliveries(mine)
    assert row.status is FAILED and "refused" in (row.last_error or "")


def test_lesson_changes_are_events_wherever_they_are_written(hook: Receiver) -> None:
    tutor = add_tutor()
    mine = endpoint(tutor, "tutor", hook.url, [e for e in EVENT_TYPES if e.startswith("lesson.")])
    start = NOW + timedelta(days=6)
    data = PublishInput(
        start_local=clock.local_iso(start), duration_min=60, service_id=None, title="Extra",
        lesson_type="individual", capacity=1, mode="online", location="", meeting_url="",
        tentative=False, price="",
    )  # fmt: skip
    lesson = publish_lesson(tutor, data, now=NOW)
    later = start + timedelta(hours=2)
    move_lesson(
        tutor, lesson.id, start=clock.local_iso(later), end=clock.local_iso(later + timedelta(hours=1)),
        now=NOW,
    )  # fmt: skip
    cancel_lesson(tutor, lesson.id, now=NOW)
    past = add_lesson(tutor, NOW - timedelta(hours=2))
    with read_scope() as session:
        uuid = session.exec(
            select(ClassroomSession.session_uuid).where(ClassroomSession.lesson_id == past)
        ).one()
    classroom.mark_completed(uuid, tutor_id=tutor, now=NOW)
    assert [(d.event_type, d.subject) for d in deliveries(mine)] == [
        ("lesson.created", f"lesson:{lesson.id}"),
        ("lesson.moved", f"lesson:{lesson.id}"),
        ("lesson.cancelled", f"lesson:{lesson.id}"),
        ("lesson.created", f"lesson:{past}"),
        ("lesson.completed", f"lesson:{past}"),
    ]
    moved = json.loads(deliveries(mine)[1].payload)["data"]
    assert moved["starts_at"] == later.isoformat()


def test_a_deactivated_owner_s_endpoint_stops(hook: Receiver) -> None:
    tutor = add_tutor()
    mine = endpoint(tutor, "tutor", hook.url, ["booking.created"], into=hook)
    _book(tutor, add_service(tutor))
    [row] = deliveries(mine)
    _set_active_user(tutor, False)
    assert task.deliver(row.id or 0) == "skipped" and hook.received == []
    _set_active_user(tutor, True)  # control: the same row goes once the account is back
    assert task.deliver(row.id or 0) == "delivered"


def _set_active_user(user_id: int, active: bool) -> None:
    with session_scope(write=True) as session:
        user = session.get(User, user_id)
        assert user is not None
        user.is_active = active
