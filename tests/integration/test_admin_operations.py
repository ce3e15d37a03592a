"""Admin operations (issue 18, item 4): every row action goes through the tutor's own
service (same rules, outbox rows, live updates) and writes an audit row in the same
transaction; refusals write nothing; only admins, only with the CSRF token.

Driven through the real starlette-admin routes (row actions are POSTs to
/admin/_api/<view>/row-action, as the list page's modal sends them).
"""

from __future__ import annotations

import weakref
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from httpx import Response

from booking_app import realtime
from booking_app.db import read_scope, session_scope
from booking_app.models import (
    AuditLog,
    Booking,
    BookingStatus,
    Lesson,
    Notification,
    NotificationStatus,
    PaymentStatus,
    Role,
    Subject,
    User,
)
from booking_app.services import admin_ops, sessions
from booking_app.services import booking as booking_svc
from booking_app.services.errors import AlreadyCancelled, Forbidden, NotResendable
from tests.integration.admin_helpers import client_for, csrf_token, row
from tests.support import clock
from tests.support.builders import (
    NOW,
    add_lesson,
    add_service,
    add_student,
    add_subject,
    add_tutor,
    form,
)
from tests.support.builders import booking_row as booking_by_token


@pytest.fixture(autouse=True)
def _frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    clock.freeze(monkeypatch, NOW)


def _admin() -> int:
    """An admin row written directly (no password hashing: these tests use the cookie)."""
    with session_scope(write=True) as session:
        user = User(email="admin@example.com", phone="+380671110000", name="Ada Admin")
        user.role, user.timezone, user.password_hash = Role.admin, "America/New_York", "-"
        session.add(user)
        session.flush()
        return user.id or 0


_TOKENS: weakref.WeakKeyDictionary[TestClient, str] = weakref.WeakKeyDictionary()


def _csrf(client: TestClient) -> str:
    """The client's CSRF token, read from one admin page once (it stays valid)."""
    if client not in _TOKENS:
        _TOKENS[client] = csrf_token(client)
    return _TOKENS[client]


def _action(client: TestClient, view: str, name: str, pk: Any, **data: str) -> Response:
    return client.post(
        f"/admin/_api/{view}/row-action",
        params={"name": name, "pk": str(pk)},
        data=data,
        headers={"X-CSRFToken": _csrf(client)},
    )


def _audit() -> list[AuditLog]:
    with read_scope() as session:
        return list(session.execute(sa.select(AuditLog).order_by(AuditLog.id)).scalars())


def _outbox(booking_id: int) -> dict[str, NotificationStatus]:
    with read_scope() as session:
        rows = session.execute(
            sa.select(Notification).where(Notification.booking_id == booking_id)
        ).scalars()
        return {r.kind: r.status for r in rows}


def _booked(**form_fields: Any) -> tuple[int, int, str]:
    """(tutor, booking id, token): a guest's booking of a one-to-one lesson on Monday."""
    tutor = add_tutor(**form_fields)
    created = booking_svc.create_booking(form(tutor, add_service(tutor)), student_id=None, now=NOW)
    return tutor, booking_by_token(created.token).id or 0, created.token


def test_admin_cancels_a_booking_through_the_service_with_an_audit_row(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    published: list[list[int]] = []
    monkeypatch.setattr(realtime, "publish", lambda ids, **_: published.append(list(ids)))
    admin = _admin()
    tutor, booking_id, _token = _booked()
    client = client_for(admin)
    answer = _action(client, "booking", "cancel", booking_id, reason="Tutor is ill")
    assert answer.status_code == 200, answer.text
    cancelled = row(Booking, booking_id)
    assert cancelled.status is BookingStatus.cancelled
    assert cancelled.status_reason == "Tutor is ill"
    assert row(Lesson, cancelled.lesson_id).status.value == "cancelled"  # its only seat
    assert _outbox(booking_id)["cancelled"] is NotificationStatus.pending  # the student is told
    assert any(tutor in ids for ids in published)  # the tutor's open calendar updates
    [entry] = _audit()
    assert (entry.actor_id, entry.action, entry.target_type) == (admin, "booking.cancel", "booking")
    assert entry.target_id == booking_id and entry.at == NOW
    assert entry.before and entry.after
    assert (entry.before["status"], entry.after["status"]) == ("confirmed", "cancelled")
    assert "booking_token" not in entry.before  # no capability in the log
    # Again: no longer offered for this row; the service refuses it too; nothing written.
    again = _action(client, "booking", "cancel", booking_id, reason="x")
    assert again.status_code == 400
    with pytest.raises(AlreadyCancelled):
        admin_ops.cancel(admin, booking_id, reason="x", now=NOW)
    assert len(_audit()) == 1


def test_only_an_admin_with_the_csrf_token_can_run_an_action(db: str) -> None:
    admin = _admin()
    _tutor, booking_id, _token = _booked()
    student = add_student()
    intruder = TestClient(client_for(admin).app)
    intruder.cookies.set(
        "session", sessions.open_session(user_id=student, role="admin", now=clock.now())
    )
    admin_client = client_for(admin)
    token = _csrf(admin_client)
    intruder.cookies.set(
        "starlette_admin_csrftoken", admin_client.cookies["starlette_admin_csrftoken"]
    )
    refused = intruder.post(
        "/admin/_api/booking/row-action",
        params={"name": "cancel", "pk": str(booking_id)},
        headers={"X-CSRFToken": token},
        follow_redirects=False,
    )
    assert refused.status_code in (303, 400, 401, 403)
    no_csrf = admin_client.post(
        "/admin/_api/booking/row-action", params={"name": "cancel", "pk": str(booking_id)}
    )
    assert no_csrf.status_code == 403
    assert row(Booking, booking_id).status is BookingStatus.confirmed and not _audit()
    # The positive control: the admin, with the token, is let through.
    assert _action(admin_client, "booking", "cancel", booking_id).status_code == 200
    # And the service re-checks on its own: a student id as the actor is refused.
    with pytest.raises(Forbidden):
        admin_ops.cancel(student, booking_id, reason="", now=NOW)


def test_confirm_and_decline_requests_as_the_tutor_would(db: str) -> None:
    admin = _admin()
    tutor = add_tutor(requires_confirmation=True)
    service = add_service(tutor)
    first = booking_svc.create_booking(form(tutor, service), student_id=None, now=NOW)
    second = booking_svc.create_booking(
        form(tutor, service, start="2026-11-30T10:00:00+00:00"), student_id=None, now=NOW
    )
    one, two = booking_by_token(first.token).id, booking_by_token(second.token).id
    client = client_for(admin)
    assert _action(client, "booking", "confirm", one).status_code == 200
    refused = _action(client, "booking", "decline", two, reason="")
    assert refused.status_code == 400 and "why" in refused.json()["msg"]  # reason required
    assert _action(client, "booking", "decline", two, reason="Busy").status_code == 200
    assert row(Booking, one).status is BookingStatus.confirmed
    assert row(Booking, two).status is BookingStatus.cancelled
    assert _outbox(one)["decision"] is NotificationStatus.pending
    assert [a.action for a in _audit()] == ["booking.confirm", "booking.decline"]


def test_mark_paid_reschedule_and_give_a_seat(db: str) -> None:
    admin = _admin()
    tutor, booking_id, _token = _booked()
    client = client_for(admin)
    assert _action(client, "booking", "paid", booking_id, amount="300").status_code == 200
    paid = row(Booking, booking_id)
    assert paid.payment_status is PaymentStatus.paid and str(paid.paid_amount) == "300.00"
    bad = _action(client, "booking", "reschedule", booking_id, start_local="someday")
    assert bad.status_code == 400
    moved = _action(client, "booking", "reschedule", booking_id, start_local="2026-12-01T12:00")
    assert moved.status_code == 200, moved.text
    lesson = row(Lesson, paid.lesson_id)
    assert lesson.starts_at.isoformat() == "2026-12-01T10:00:00+00:00"  # 12:00 Kyiv
    assert _outbox(booking_id)["moved"] is NotificationStatus.pending
    # A seat in a group lesson for an active member of the tutor's classroom.
    member = add_student()
    add_lesson(tutor, NOW - timedelta(days=3), students=(member,))  # makes them a member
    group = add_lesson(tutor, NOW + timedelta(days=7), capacity=5)
    stranger = add_student("x@example.com")
    refused = _action(client, "lesson", "give_seat", group, student_id=str(stranger))
    assert refused.status_code == 400
    assert _action(client, "lesson", "give_seat", group, student_id=str(member)).status_code == 200
    with read_scope() as session:
        seat = session.execute(sa.select(Booking).where(Booking.lesson_id == group)).scalar_one()
    assert seat.student_id == member and seat.status is BookingStatus.confirmed
    actions = [a.action for a in _audit()]
    assert actions == ["booking.paid", "booking.reschedule", "lesson.give_seat"]


def test_deactivate_ends_sessions_and_create_tutor_uses_sign_up(db: str) -> None:
    admin = _admin()
    student = add_student()
    token = sessions.open_session(user_id=student, role="student", now=NOW)
    client = client_for(admin)
    assert _action(client, "user", "deactivate", student).status_code == 200
    assert row(User, student).is_active is False and sessions.session_user(token) is None
    assert _action(client, "user", "reactivate", student).status_code == 200
    assert row(User, student).is_active is True
    myself = _action(client, "user", "deactivate", admin)
    assert myself.status_code == 400 and row(User, admin).is_active is True
    page = client.get("/admin/user/create")
    assert page.status_code == 200 and 'name="password"' in page.text
    data = {
        "name": "Tina Tutor", "email": "tina@example.com", "phone": "+380671112233",
        "timezone": "Europe/Kyiv", "password": "short", "csrftoken": _csrf(client),
    }  # fmt: skip
    weak = client.post("/admin/user/create", data=data, follow_redirects=False)
    assert weak.status_code == 422  # the sign-up password rule, as a field message
    made = client.post(
        "/admin/user/create", data={**data, "password": "tutor-pass-123"}, follow_redirects=False
    )
    assert made.status_code == 303, made.text
    with read_scope() as session:
        tina = session.execute(sa.select(User).where(User.email == "tina@example.com")).scalar_one()
    assert tina.role.value == "tutor"
    entries = _audit()
    assert [a.action for a in entries][-1] == "user.create_tutor"
    assert entries[-1].after and "password_hash" not in entries[-1].after
    assert "deactivate" in [a.action.split(".")[1] for a in entries]


def test_resend_a_skipped_message_and_refuse_a_sent_one(db: str) -> None:
    admin = _admin()
    _tutor, booking_id, _token = _booked()
    from booking_app.services import notifications

    notifications.scan(NOW + timedelta(minutes=1))  # no bot token: kept as skipped
    with read_scope() as session:
        skipped = (
            session.execute(sa.select(Notification).where(Notification.booking_id == booking_id))
            .scalars()
            .first()
        )
    assert skipped is not None and skipped.status is NotificationStatus.skipped
    client = client_for(admin)
    assert _action(client, "notification", "resend", skipped.id).status_code == 200
    assert row(Notification, skipped.id).status is NotificationStatus.pending
    assert _action(client, "notification", "resend", skipped.id).status_code == 400  # not offered
    with pytest.raises(NotResendable):  # and the service refuses it on its own
        admin_ops.resend(admin, skipped.id, now=NOW)
    assert [a.action for a in _audit()] == ["notification.resend"]


def test_bookings_list_shows_tutor_service_and_start_in_the_admins_zone(db: str) -> None:
    admin = _admin()
    _booked(name="Olena Tutor")
    client = client_for(admin)
    page = client.get("/admin/booking/list").text
    assert "Olena Tutor" in page and "Algebra" in page
    # Monday 30 Nov 08:00 UTC is 03:00 in New York (the admin's zone).
    assert "2026-11-30 03:00 (America/New_York)" in page
    assert "/admin/booking/edit" not in page and "/admin/booking/create" not in page


def test_a_delete_that_would_orphan_rows_answers_with_the_reason(db: str) -> None:
    """On the views that still delete (subjects, users): a subject a service uses, a tutor
    with bookings are refused with the tables that use them, never an IntegrityError."""
    admin = _admin()
    tutor, _booking_id, _token = _booked()
    subject = add_subject("Maths")
    with session_scope(write=True) as session:
        session.execute(sa.text("UPDATE service SET subject_id = :s"), {"s": subject})
    client = client_for(admin)
    for view, pk, user in (("subject", subject, "service"), ("user", tutor, "lesson")):
        refused = client.post(
            f"/admin/_api/{view}/action",
            params={"name": "delete", "pks": str(pk)},
            headers={"X-CSRFToken": _csrf(client)},
        )
        assert refused.status_code == 400, (view, refused.text)
        assert "still used by" in refused.json()["msg"] and user in refused.json()["msg"]
    assert row(Subject, subject) and row(User, tutor)  # still there


def test_admin_sets_a_lesson_outcome_within_the_rules(db: str) -> None:
    admin = _admin()
    tutor = add_tutor()
    student = add_student()
    lesson = add_lesson(tutor, NOW - timedelta(hours=2), students=(student,))
    future = add_lesson(tutor, NOW + timedelta(days=2), students=(student,))
    client = client_for(admin)
    early = _action(client, "lesson", "outcome", future, outcome="held")
    assert early.status_code == 400 and "started" in early.json()["msg"]
    done = _action(client, "lesson", "outcome", lesson, outcome="tutor_no_show")
    assert done.status_code == 200, done.text
    with read_scope() as session:
        seat = session.execute(sa.select(Booking).where(Booking.lesson_id == lesson)).scalar_one()
    assert seat.status is BookingStatus.tutor_no_show
    [entry] = _audit()
    assert entry.action == "lesson.outcome.tutor_no_show" and entry.target_type == "lesson"
    assert entry.after and entry.after["status"] == "completed"


def test_a_group_seat_moves_to_another_lesson_of_its_service(db: str) -> None:
    admin = _admin()
    tutor = add_tutor()
    service = add_service(tutor, group=5)
    first = booking_svc.create_booking(form(tutor, service), student_id=None, now=NOW)
    other = booking_svc.create_booking(
        form(tutor, service, start="2026-11-30T12:00:00+00:00", name="Olha"),
        student_id=None,
        now=NOW,
    )
    seat, target = booking_by_token(first.token), booking_by_token(other.token).lesson_id
    client = client_for(admin)
    refused = _action(client, "booking", "reschedule", seat.id, start_local="2026-12-01T12:00")
    assert refused.status_code == 400 and "group lesson" in refused.json()["msg"]
    moved = _action(client, "booking", "reschedule", seat.id, lesson_id=str(target))
    assert moved.status_code == 200, moved.text
    assert row(Booking, seat.id).lesson_id == target
    [entry] = _audit()
    assert entry.target_type == "booking" and entry.before and entry.after
    assert (entry.before["lesson_id"], entry.after["lesson_id"]) == (seat.lesson_id, target)
