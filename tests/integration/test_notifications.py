"""The outbox on both databases: rows written with each booking change, the claim, the
re-read before sending, error handling against the fake Telegram API (in-process sends;
tests/integration/test_notification_worker.py runs a real worker)."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest

from booking_app.models import NotificationStatus
from booking_app.services import booking as svc
from booking_app.services import notifications, send_budget, telegram_chats
from tasks.notifications import scan_notifications, send_notification
from tests.integration.notify_helpers import by_kind, fake_api, rows, set_offsets, set_telegram
from tests.integration.notify_worker_support import due_guests
from tests.support import clock
from tests.support.builders import (
    MONDAY_10,
    NOW,
    add_service,
    add_student,
    add_tutor,
    booking_row,
    form,
    utc,
)
from tests.support.processes import wait_until

P = NotificationStatus


def _guest_booking(
    tutor: int, service: int, start: str = MONDAY_10, now: datetime = NOW, **kw: object
) -> str:
    view = svc.create_booking(form(tutor, service, start=start, **kw), student_id=None, now=now)
    return view.token


def test_booking_writes_confirmation_and_reminders(db: str) -> None:
    tutor = add_tutor()
    token = _guest_booking(tutor, add_service(tutor))
    booking = booking_row(token)
    kinds = by_kind(booking.id or 0)
    assert set(kinds) == {"created", "reminder:24h", "reminder:2h"}
    start = datetime.fromisoformat(MONDAY_10)
    assert kinds["reminder:24h"].send_at == start - timedelta(hours=24)
    assert kinds["reminder:2h"].send_at == start - timedelta(hours=2)
    assert kinds["created"].chat_id is None  # nobody linked a chat yet
    body = kinds["created"].body
    assert "Booked: Algebra" in body and "Mon 30 Nov 2026, 10:00–11:00 (Europe/Kyiv)" in body
    assert f"/booking/{token}" in body
    assert "/classroom/" in body  # confirmed online lesson: the room exists


def test_student_text_is_in_the_students_zone(db: str) -> None:
    tutor = add_tutor()
    student = add_student(tz="Europe/Berlin")
    view = svc.create_booking(form(tutor, add_service(tutor)), student_id=student, now=NOW)
    body = by_kind(booking_row(view.token).id or 0)["reminder:2h"].body
    assert "09:00–10:00 (Europe/Berlin)" in body


def test_request_goes_to_a_reachable_tutor_and_decision_to_the_student(db: str) -> None:
    tutor = add_tutor(requires_confirmation=True)
    set_telegram(tutor, "olena_tutor", 5001)
    token = _guest_booking(tutor, add_service(tutor))
    booking = booking_row(token)
    kinds = by_kind(booking.id or 0)
    assert kinds["tutor_request"].chat_id == 5001
    assert "Request sent" in kinds["created"].body
    svc.decline_booking(tutor, booking.id or 0, reason="Ill that day", now=NOW)
    kinds = by_kind(booking.id or 0)
    assert "Declined" in kinds["decision"].body and "Ill that day" in kinds["decision"].body
    assert kinds["tutor_request"].status is P.cancelled  # answered on the page
    assert kinds["reminder:24h"].status is P.cancelled


def test_cancel_stops_every_unsent_message_but_its_own(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A "Booked" or a reminder after "Cancelled" is wrong: the cancel's transaction stops
    all of the booking's unsent rows but the cancellation notices; a decline (a cancel
    with a decision) still tells the student."""
    tutor = add_tutor(requires_confirmation=True)
    set_telegram(tutor, "olena_tutor", 5002)
    service = add_service(tutor)
    now = clock.freeze(monkeypatch, NOW)
    cancelled = _guest_booking(tutor, service, now=now)
    declined = _guest_booking(tutor, service, start=utc("2026-11-30T12:00"), now=now)
    for token, chat in ((cancelled, 61), (declined, 62)):
        telegram_chats.link_by_token(token, chat)
    svc.cancel_booking(cancelled, now=now)
    svc.decline_booking(tutor, booking_row(declined).id or 0, reason="Ill", now=now)
    kinds = by_kind(booking_row(cancelled).id or 0)
    stopped = {k: r.status for k, r in kinds.items() if k not in ("cancelled", "tutor_cancelled")}
    assert set(stopped) == {"created", "tutor_request", "reminder:24h", "reminder:2h"}
    assert set(stopped.values()) == {P.cancelled}
    assert kinds["cancelled"].status is P.pending and kinds["tutor_cancelled"].status is P.pending
    decision = by_kind(booking_row(declined).id or 0)["decision"]
    with fake_api(monkeypatch) as fake:
        assert send_notification.run(decision.id or 0) == "sent"
        assert any("Declined" in text for text in fake.texts(62))


def test_unreachable_tutor_gets_no_rows(db: str) -> None:
    tutor = add_tutor(requires_confirmation=True)
    token = _guest_booking(tutor, add_service(tutor))
    assert "tutor_request" not in by_kind(booking_row(token).id or 0)


def test_move_updates_reminders_instead_of_adding(db: str) -> None:
    tutor = add_tutor()
    token = _guest_booking(tutor, add_service(tutor))
    booking_id = booking_row(token).id or 0
    before = by_kind(booking_id)
    new_start = utc("2026-12-01T14:00")
    svc.reschedule_booking(token, start=new_start, now=NOW)
    after = by_kind(booking_id)
    assert len(rows(booking_id)) == 4  # created, moved, 2 reminders: nothing duplicated
    assert after["reminder:24h"].id == before["reminder:24h"].id
    moved_at = datetime.fromisoformat(new_start)
    assert after["reminder:24h"].send_at == moved_at - timedelta(hours=24)
    assert "Tue 1 Dec 2026, 14:00" in after["moved"].body


def test_cancel_cancels_pending_reminders(db: str) -> None:
    tutor = add_tutor()
    token = _guest_booking(tutor, add_service(tutor))
    svc.cancel_booking(token, now=NOW)
    kinds = by_kind(booking_row(token).id or 0)
    assert kinds["reminder:24h"].status is P.cancelled
    assert kinds["reminder:2h"].status is P.cancelled
    assert kinds["cancelled"].status is P.pending


def test_tutor_moving_or_cancelling_the_lesson_tells_its_students(db: str) -> None:
    """The calendar drag and the tutor's lesson cancel go through lessons, not the private
    link: reminders must follow (or stop) all the same, and the tutor, who made the
    change, gets no notice of it."""
    from booking_app.services import lessons

    tutor = add_tutor()
    set_telegram(tutor, "olena_tutor")
    token = _guest_booking(tutor, add_service(tutor))
    booking = booking_row(token)
    reminder_id = by_kind(booking.id or 0)["reminder:24h"].id
    lessons.move_lesson(
        tutor, booking.lesson_id, start="2026-12-01T14:00", end="2026-12-01T15:00", now=NOW
    )
    kinds = by_kind(booking.id or 0)
    moved_at = datetime.fromisoformat(utc("2026-12-01T14:00"))
    assert kinds["reminder:24h"].id == reminder_id  # updated in place
    assert kinds["reminder:24h"].send_at == moved_at - timedelta(hours=24)
    assert "Tue 1 Dec 2026, 14:00" in kinds["moved"].body
    assert "tutor_moved" not in kinds

    lessons.cancel_lesson(tutor, booking.lesson_id, now=NOW, reason="I am ill")
    kinds = by_kind(booking.id or 0)
    assert kinds["cancelled"].status is P.pending
    assert kinds["reminder:24h"].status is P.cancelled
    assert kinds["reminder:2h"].status is P.cancelled
    assert "tutor_cancelled" not in kinds


def test_dst_change_keeps_elapsed_hours_and_local_text(db: str) -> None:
    """Kyiv leaves summer time on Sun 25 Oct 2026 04:00 (UTC+3 -> UTC+2)."""
    tutor = add_tutor()
    set_offsets(tutor, [48, 24])
    early = datetime(2026, 10, 20, 8, tzinfo=UTC)
    start = datetime(2026, 10, 26, 8, tzinfo=UTC)  # Mon 26 Oct 10:00 in Kyiv (UTC+2)
    view = svc.create_booking(
        form(tutor, add_service(tutor), start=start.isoformat()), student_id=None, now=early
    )
    kinds = by_kind(booking_row(view.token).id or 0)
    assert kinds["reminder:48h"].send_at == datetime(2026, 10, 24, 8, tzinfo=UTC)  # 11:00 EEST
    assert kinds["reminder:24h"].send_at == datetime(2026, 10, 25, 8, tzinfo=UTC)  # 10:00 EET
    assert "Mon 26 Oct 2026, 10:00–11:00 (Europe/Kyiv)" in kinds["reminder:48h"].body


def test_claim_is_atomic_and_rereads_the_booking(db: str) -> None:
    tutor = add_tutor()
    token = _guest_booking(tutor, add_service(tutor))
    assert telegram_chats.link_by_token(token, 4242)
    kinds = by_kind(booking_row(token).id or 0)
    reminder = kinds["reminder:24h"]
    assert reminder.chat_id == 4242  # linking handed the chat to waiting rows
    at = reminder.send_at
    first = notifications.claim(reminder.id or 0, now=at)
    assert first is not None and first.chat_id == 4242
    assert first.buttons == [[("Cancel this lesson", f"cx:{token}")]]
    assert notifications.claim(reminder.id or 0, now=at) is None  # negative control
    # A cancelled booking's reminder is never sent even if a stale message claims it.
    svc.cancel_booking(token, now=NOW)
    stale = by_kind(booking_row(token).id or 0)["reminder:2h"]
    assert stale.status is P.cancelled
    assert notifications.claim(stale.id or 0, now=stale.send_at) is None


def test_reminder_of_a_moved_lesson_is_not_sent_at_the_old_time(db: str) -> None:
    tutor = add_tutor()
    token = _guest_booking(tutor, add_service(tutor))
    booking_id = booking_row(token).id or 0
    telegram_chats.link_by_token(token, 4243)
    old = by_kind(booking_id)["reminder:24h"]
    svc.reschedule_booking(token, start=utc("2026-12-01T14:00"), now=NOW)
    assert notifications.claim(old.id or 0, now=old.send_at) is None  # not due any more
    # A message queued before the move and arriving now finds its row re-armed, not due.
    assert by_kind(booking_id)["reminder:24h"].status is P.pending


def test_no_token_rows_are_skipped_and_visible(db: str, caplog: pytest.LogCaptureFixture) -> None:
    tutor = add_tutor()
    token = _guest_booking(tutor, add_service(tutor))
    telegram_chats.link_by_token(token, 77)
    assert notifications.scan(NOW + timedelta(minutes=1)) == []
    kinds = by_kind(booking_row(token).id or 0)
    assert kinds["created"].status is P.skipped
    assert "TELEGRAM_BOT_TOKEN" in (kinds["created"].last_error or "")
    assert kinds["reminder:2h"].status is P.pending  # not due yet: untouched


def test_send_marks_sent_and_sorts_errors(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    tutor = add_tutor()
    service = add_service(tutor)
    now = clock.freeze(monkeypatch, NOW)  # the task reads booking_app.clock
    ok = _guest_booking(tutor, service, now=now)
    blocked = _guest_booking(tutor, service, start=utc("2026-11-30T12:00"), now=now)
    flaky = _guest_booking(tutor, service, start=utc("2026-11-30T14:00"), now=now)
    for token, chat in ((ok, 1), (blocked, 2), (flaky, 3)):
        telegram_chats.link_by_token(token, chat)
    with fake_api(monkeypatch) as fake:
        fake.blocked.add(2)
        ids = notifications.scan(now)
        assert len(ids) == 3  # the three "created" messages
        fake.fail_next("network", 1)
        results = {}
        for nid in sorted(
            ids, key=lambda i: [r.chat_id for r in rows() if r.id == i][0], reverse=True
        ):
            monkeypatch.setattr(send_notification, "apply_async", lambda *a, **k: None)
            results[nid] = send_notification.run(nid)
        assert sorted(results.values()) == ["failed", "retry", "sent"]
        status = {r.chat_id: r for r in rows() if r.kind == "created"}
        assert status[1].status is P.sent and status[1].provider_message_id
        assert status[2].status is P.failed and "blocked" in (status[2].last_error or "")
        assert status[3].status is P.pending and status[3].attempts == 1  # backoff, then again
        assert fake.texts(1) and not fake.texts(2)


def test_retry_after_pauses_and_reschedules(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    tutor = add_tutor()
    now = clock.freeze(monkeypatch, NOW)  # the task reads booking_app.clock
    token = _guest_booking(tutor, add_service(tutor), now=now)
    telegram_chats.link_by_token(token, 9)
    queued: list[float] = []
    monkeypatch.setattr(
        send_notification, "apply_async", lambda args, countdown: queued.append(countdown)
    )
    with fake_api(monkeypatch) as fake:
        fake.fail_next("429", 1, retry_after=3)
        [nid] = notifications.scan(now)
        assert send_notification.run(nid) == "retry"
        assert queued == [3.0]
        row = [r for r in rows() if r.id == nid][0]
        assert row.status is P.pending and "Retry in 0:00:03" in (row.last_error or "")
        assert send_notification.run(nid) == "skipped"  # not due again for 3 s
        assert not fake.texts(9)


def test_scan_task_queues_nothing_without_due_rows(db: str) -> None:
    assert scan_notifications.run() == 0


def test_morning_digest_once_at_the_tutors_local_time(db: str) -> None:
    """MORNING_CONFIRM_CRON is 08:00 in the tutor's zone (Kyiv, UTC+2 in November)."""
    tutor = add_tutor(requires_confirmation=True)
    set_telegram(tutor, "olena_tutor", 5005)
    early = datetime(2026, 11, 30, 4, tzinfo=UTC)  # 06:00 Kyiv
    booking = svc.create_booking(
        form(tutor, add_service(tutor), start=utc("2026-11-30T15:00")), student_id=None, now=early
    )
    booking_id = booking_row(booking.token).id
    assert notifications.queue_morning_digests(early) == 0  # 06:00: not yet
    at_eight = datetime(2026, 11, 30, 6, 1, tzinfo=UTC)  # 08:01 Kyiv
    assert notifications.queue_morning_digests(at_eight) == 1
    assert notifications.queue_morning_digests(at_eight + timedelta(minutes=5)) == 0  # once
    [digest] = [r for r in rows() if r.kind == "tutor_digest:2026-11-30"]
    assert digest.chat_id == 5005 and "15:00 Ivan Guest, Algebra" in digest.body
    outgoing = notifications.claim(digest.id or 0, now=at_eight)
    assert outgoing is not None
    assert outgoing.buttons == [
        [("Confirm 15:00 Ivan Guest", f"tc:{booking_id}"), ("Decline", f"td:{booking_id}")]
    ]


def test_bad_morning_cron_is_refused() -> None:
    assert notifications.parse_morning_cron("30 7 * * *") == (7, 30)
    with pytest.raises(ValueError):
        notifications.parse_morning_cron("0 8 * * 1-5")


# --- the hard line of a cancel, and the per-chat gap (issue 12, items 6 and 7) ------------------


def _deliver_in_background(notification_id: int) -> tuple[threading.Thread, dict[str, str]]:
    """The task's own code in a thread, so the test can act while it waits or sends."""
    result: dict[str, str] = {}
    thread = threading.Thread(
        target=lambda: result.update(outcome=send_notification.run(notification_id)), daemon=True
    )
    thread.start()
    return thread, result


def _reminder_24h(token: str):  # type: ignore[no-untyped-def]
    return by_kind(booking_row(token).id or 0)["reminder:24h"]


def test_cancel_while_a_reminder_waits_for_its_slot_sends_nothing(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Item 6: the sender claimed the reminder, then waits for its chat's send slot; the
    guest cancels meanwhile (the call the page and the bot make). Once that cancel has
    returned, the reminder must not reach Telegram, and its row says so."""
    tutor = add_tutor()
    token = _guest_booking(tutor, add_service(tutor))
    assert telegram_chats.link_by_token(token, 4300)
    reminder = _reminder_24h(token)
    clock.freeze(monkeypatch, reminder.send_at)
    send_budget.reserve(4300)  # the chat's next second is taken: the sender waits ~1 s
    with fake_api(monkeypatch) as fake:
        thread, result = _deliver_in_background(reminder.id or 0)
        claimed = wait_until(
            lambda: _reminder_24h(token).status is not P.pending, timeout=5, interval=0.01
        )
        assert claimed
        svc.cancel_booking(token, now=reminder.send_at)
        thread.join(timeout=20)
        assert not thread.is_alive()
        assert fake.texts(4300) == []  # negative control: the original code sent it here
    row = _reminder_24h(token)
    assert row.status is P.cancelled, (row.status, row.last_error)
    assert result["outcome"] == "skipped"


def test_a_cancel_during_the_http_call_is_the_one_window(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What is left of the race, stated: a message whose request has begun (row `sending`,
    committed right before the HTTP call) can't be recalled. The cancel doesn't wait for
    Telegram; the message may arrive after the cancel returned, within that one request;
    and the row then says `sent`, as it was."""
    tutor = add_tutor()
    token = _guest_booking(tutor, add_service(tutor))
    assert telegram_chats.link_by_token(token, 4301)
    reminder = _reminder_24h(token)
    clock.freeze(monkeypatch, reminder.send_at)
    with fake_api(monkeypatch) as fake:
        release = fake.hold()
        thread, result = _deliver_in_background(reminder.id or 0)
        assert wait_until(lambda: fake.in_transit == 1, timeout=10, interval=0.01)
        assert _reminder_24h(token).status is P.sending  # in flight before the request left
        svc.cancel_booking(token, now=reminder.send_at)
        cancel_returned = time.time()
        assert _reminder_24h(token).status is P.sending  # not rewritten: it is on its way
        assert fake.texts(4301) == []
        time.sleep(0.2)
        release.set()
        thread.join(timeout=20)
        [sent] = fake.sent_to(4301)
    assert result["outcome"] == "sent"
    assert cancel_returned < sent.at < cancel_returned + 5  # only while that request lasted
    assert _reminder_24h(token).status is P.sent


def test_one_chats_gap_counts_from_arrival_not_from_the_plan(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Item 7: a chat's confirmation and reminder, due together, are planned 1 s apart;
    the first one spends 0.6 s on the way (a slow network, a worker descheduled after its
    slot). Telegram counts arrival times: the second must leave only 1 s after the first
    one's request came back, not at its planned instant. Real clock (the sender sleeps)."""
    [(chat, token)] = due_guests(1, first_chat=4302).items()
    kinds = by_kind(booking_row(token).id or 0)
    monkeypatch.setattr(send_notification, "apply_async", lambda *a, **k: None)
    with fake_api(monkeypatch, enforce_limits=True, first_transit_s=0.6) as fake:
        outcomes = [send_notification.run(kinds[k].id) for k in ("created", "reminder:1h")]
        sent = fake.sent_to(chat)
        assert fake.violations == []  # negative control: 0.4 s apart on the original code
    assert outcomes == ["sent", "sent"]
    first, second = sent
    assert second.at - first.at >= 1.0
