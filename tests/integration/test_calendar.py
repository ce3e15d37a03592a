"""The calendar services on SQLite and PostgreSQL: the week snapshot, moves checked like
bookings (refused overlap leaves everything as it was), payments, notes, and ACL."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from booking_app.services import booking as booking_service
from booking_app.services import calendar as cal
from booking_app.services import lessons
from booking_app.services.availability import add_busy_block
from booking_app.services.errors import NotFound, SlotUnavailable, ValidationFailed
from booking_app.services.lessons import publish_lesson
from tests.integration.test_lessons import LESSON
from tests.support.builders import (
    NOW,
    add_service,
    add_student,
    add_tutor,
    booking_row,
    form,
    lesson_row,
    utc,
)

pytestmark = pytest.mark.usefixtures("db")
MONDAY = date(2026, 11, 30)


def _book(tutor: int, service: int, student: int, local: str) -> str:
    view = booking_service.create_booking(
        form(tutor, service, start=utc(local)), student_id=student, now=NOW
    )
    return view.token


def _publish(tutor: int, local: str, **fields: object) -> int:
    data = LESSON.__class__(**{**LESSON.__dict__, "start_local": local, **fields})
    return publish_lesson(tutor, data, now=NOW).id


def test_tutor_week_snapshot_has_lessons_bookings_busy_and_stats() -> None:
    tutor = add_tutor()
    service = add_service(tutor, price="450")
    student = add_student()
    _book(tutor, service, student, "2026-11-30T10:00")
    _publish(tutor, "2026-12-01T12:00", title="Group", lesson_type="group", capacity="4")
    add_busy_block(tutor, "2026-12-02T14:00", "2026-12-02T15:00", "Dentist", now=NOW)
    snap = cal.week_snapshot(tutor, "tutor", week_start=MONDAY, viewer_tz="Europe/Kyiv", now=NOW)
    kinds = sorted((e.kind, e.status) for e in snap.events)
    assert kinds == [("busy", "busy"), ("lesson", "confirmed"), ("lesson", "group")]
    booked = next(e for e in snap.events if e.status == "confirmed")
    assert booked.start == "2026-11-30T10:00:00Z"  # Kyiv wall time
    assert booked.title.startswith("Ivan Guest")  # the name given on the form, first
    assert snap.snap == "00:30:00" and snap.business_hours[0] == {
        "daysOfWeek": [1], "startTime": "09:00", "endTime": "18:00"
    }  # fmt: skip
    assert next(e for e in snap.events if e.status == "group").seats == "0/4"
    assert snap.stats.lessons == 2 and snap.stats.revenue == "450 UAH"
    assert snap.stats.unpaid == "450 UAH" and snap.stats.utilization != "—"
    # the previous week is empty; the student sees only their own booking
    empty = cal.week_snapshot(
        tutor, "tutor", week_start=date(2026, 11, 23), viewer_tz="Europe/Kyiv", now=NOW
    )
    assert empty.events == [] and empty.stats.lessons == 0
    mine = cal.week_snapshot(
        student, "student", week_start=MONDAY, viewer_tz="Europe/Berlin", now=NOW
    )
    assert [(e.kind, e.start) for e in mine.events] == [("booking", "2026-11-30T09:00:00Z")]


def test_move_is_checked_like_a_booking_and_a_refusal_changes_nothing() -> None:
    tutor = add_tutor()
    first = _publish(tutor, "2026-11-30T10:00")
    second = _publish(tutor, "2026-11-30T12:00")
    before = lesson_row(second)
    with pytest.raises(SlotUnavailable) as refused:
        lessons.move_lesson(
            tutor, second, start="2026-11-30T10:30:00Z", end="2026-11-30T11:30:00Z", now=NOW
        )
    assert refused.value.reason == "overlaps"
    after = lesson_row(second)
    assert (after.starts_at, after.ends_at) == (before.starts_at, before.ends_at)
    # negative control: the same move into free time is accepted
    lessons.move_lesson(
        tutor, second, start="2026-11-30T14:00:00Z", end="2026-11-30T15:30:00Z", now=NOW
    )
    moved = lesson_row(second)
    assert moved.starts_at == datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    assert moved.ends_at == datetime(2026, 11, 30, 13, 30, tzinfo=UTC)
    # a lesson may be resized in place (it does not conflict with itself)
    lessons.move_lesson(
        tutor, first, start="2026-11-30T10:00:00Z", end="2026-11-30T11:00:00Z", now=NOW
    )
    with pytest.raises(SlotUnavailable):  # into the past
        lessons.move_lesson(
            tutor, first, start="2026-11-20T10:00:00Z", end="2026-11-20T11:00:00Z", now=NOW
        )


def test_busy_block_refuses_a_lesson_moved_onto_it() -> None:
    tutor = add_tutor()
    lesson = _publish(tutor, "2026-11-30T10:00")
    add_busy_block(tutor, "2026-11-30T13:00", "2026-11-30T15:00", "Dentist", now=NOW)
    with pytest.raises(SlotUnavailable):
        lessons.move_lesson(
            tutor, lesson, start="2026-11-30T14:00:00Z", end="2026-11-30T15:00:00Z", now=NOW
        )


def test_other_tutors_get_not_found() -> None:
    tutor, intruder = add_tutor(), add_tutor("other@example.com")
    service = add_service(tutor)
    student = add_student()
    token = _book(tutor, service, student, "2026-11-30T10:00")
    lesson_id = booking_row(token).lesson_id
    booking_id = booking_row(token).id or 0
    move = {"start": "2026-12-01T10:00:00Z", "end": "2026-12-01T11:00:00Z", "now": NOW}
    with pytest.raises(NotFound):
        lessons.move_lesson(intruder, lesson_id, **move)
    with pytest.raises(NotFound):
        lessons.lesson_detail(intruder, lesson_id)
    with pytest.raises(NotFound):
        lessons.set_payment(intruder, booking_id, paid=True, amount="1", now=NOW)
    with pytest.raises(NotFound):
        lessons.set_lesson_notes(intruder, lesson_id, "x", now=NOW)
    with pytest.raises(NotFound):  # a student is not a tutor
        lessons.move_lesson(student, lesson_id, **move)
    assert booking_row(token).payment_status.value == "unpaid"


def test_payment_and_notes() -> None:
    tutor = add_tutor()
    service = add_service(tutor, price="450")
    token = _book(tutor, service, add_student(), "2026-11-30T10:00")
    row = booking_row(token)
    with pytest.raises(ValidationFailed) as bad:
        lessons.set_payment(tutor, row.id or 0, paid=True, amount="abc", now=NOW)
    assert "amount" in bad.value.field_errors
    lessons.set_payment(tutor, row.id or 0, paid=True, amount="400", now=NOW)
    paid = booking_row(token)
    assert (paid.payment_status.value, paid.paid_amount) == ("paid", Decimal("400.00"))
    snap = cal.week_snapshot(tutor, "tutor", week_start=MONDAY, viewer_tz="Europe/Kyiv", now=NOW)
    assert (snap.stats.paid, snap.stats.unpaid) == ("400 UAH", "50 UAH")
    lessons.set_payment(tutor, row.id or 0, paid=False, amount="", now=NOW)
    assert booking_row(token).paid_amount is None
    lessons.set_lesson_notes(tutor, row.lesson_id, "  Bring the workbook ", now=NOW)
    detail = lessons.lesson_detail(tutor, row.lesson_id)
    assert detail.notes == "Bring the workbook"
    assert [(s.name, s.status, s.payment) for s in detail.seats] == [
        ("Ivan Guest", "confirmed", "unpaid")
    ]


def test_a_students_calendar_event_opens_only_their_own_booking() -> None:
    tutor = add_tutor()
    student = add_student()
    other = add_student("ira@example.com")
    token = _book(tutor, add_service(tutor), student, "2026-11-30T10:00")
    mine = cal.week_snapshot(student, "student", week_start=MONDAY, viewer_tz="UTC", now=NOW)
    [event] = mine.events
    booking_id = int(event.id.removeprefix("booking-"))
    assert booking_service.student_booking_token(student, booking_id) == token
    with pytest.raises(NotFound):  # somebody else's booking id: not found, no token
        booking_service.student_booking_token(other, booking_id)
