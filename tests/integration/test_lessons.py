"""Published lessons on SQLite and PostgreSQL: validation, conflicts (with a negative
control for the in-transaction re-check), group capacity, cancel keeping the records, ACL."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from booking_app.db import read_scope, session_scope
from booking_app.models import (
    Booking,
    BookingStatus,
    Lesson,
    LessonStatus,
)
from booking_app.scheduling import BookingCheck, Reason
from booking_app.services import availability as av
from booking_app.services import lessons as lessons_service
from booking_app.services import schedule_write, tutor_public, tutor_services
from booking_app.services.errors import (
    AlreadyCancelled,
    LessonCompleted,
    NotFound,
    SlotUnavailable,
    ValidationFailed,
)
from booking_app.services.lessons import PublishInput, cancel_lesson, publish_lesson
from tests.support.builders import NOW, add_booking
from tests.support.builders import add_bare_tutor as add_tutor

LESSON = PublishInput(
    start_local="2026-11-30T10:00",
    duration_min=60,
    service_id=None,
    title="",
    lesson_type="individual",
    capacity="",
    mode="online",
    location="",
    meeting_url="",
    tentative=False,
    price="",
)


def at(start_local: str, minutes: int = 60, **fields: object) -> PublishInput:
    return replace(LESSON, start_local=start_local, duration_min=minutes, **fields)


def lesson_rows() -> list[Lesson]:
    with read_scope() as session:
        return list(session.exec(select(Lesson).order_by(Lesson.id)))


def test_publish_returns_the_view_in_tutor_time(db: str) -> None:
    tutor = add_tutor()
    view = publish_lesson(tutor, at("2026-11-30T10:00", 90, price="300"), now=NOW)
    assert (view.start, view.end) == ("2026-11-30T08:00:00+00:00", "2026-11-30T09:30:00+00:00")
    assert view.label == "Mon 30 Nov, 10:00–11:30"
    assert (view.title, view.status, view.price, view.service_name) == (
        "Lesson",
        "scheduled",
        "300.00",
        "",
    )
    assert (view.lesson_type, view.capacity, view.seats_taken, view.free_spots) == (
        "individual",
        1,
        0,
        1,
    )
    tentative = publish_lesson(tutor, at("2026-12-01T10:00", tentative=True), now=NOW)
    assert tentative.status == "tentative"


def test_publish_from_a_service_takes_its_name_and_price(db: str) -> None:
    tutor = add_tutor()
    service = tutor_services.create_service(
        tutor,
        tutor_services.ServiceInput(
            "Maths", None, "", 60, "450", "individual", 1, "online", "", "", False
        ),
    )
    view = publish_lesson(tutor, at("2026-11-30T10:00", service_id=service.id), now=NOW)
    assert (view.title, view.price, view.service_name) == ("Maths", "450.00", "Maths")


def test_every_field_error_at_once_and_nothing_written(db: str) -> None:
    tutor = add_tutor()
    bad = PublishInput(
        start_local="30/11/2026 10:00",
        duration_min="5",
        service_id=None,
        title="t" * 201,
        lesson_type="group",
        capacity="1",
        mode="offline",
        location="",
        meeting_url="meet.example.com",
        tentative=False,
        price="free",
    )
    with pytest.raises(ValidationFailed) as caught:
        publish_lesson(tutor, bad, now=NOW)
    assert caught.value.field_errors == {
        "start_local": "Enter a date and time as YYYY-MM-DD HH:MM.",
        "duration_min": "A lesson lasts 15 to 480 minutes.",
        "title": "Use at most 200 characters.",
        "capacity": "A group has 2 to 100 seats.",
        "location": "Enter the address of offline lessons.",
        "meeting_url": "Enter a link starting with https://, e.g. https://meet.google.com/abc.",
        "price": "Enter a price as a number, e.g. 450 or 450.50.",
    }
    with pytest.raises(ValidationFailed) as caught:
        publish_lesson(tutor, at("2026-11-30T10:00", lesson_type="pair", mode="tv"), now=NOW)
    assert caught.value.field_errors == {
        "lesson_type": "Choose individual or group.",
        "mode": "Choose online or offline.",
    }
    assert lesson_rows() == []


def test_group_capacity_rules(db: str) -> None:
    tutor = add_tutor()
    group = publish_lesson(
        tutor, at("2026-11-30T10:00", lesson_type="group", capacity="8"), now=NOW
    )
    assert (group.lesson_type, group.capacity, group.free_spots) == ("group", 8, 8)
    add_booking(tutor, group.id, BookingStatus.confirmed)
    add_booking(tutor, group.id, BookingStatus.pending)
    add_booking(tutor, group.id, BookingStatus.cancelled)
    listed = lessons_service.upcoming_lessons(tutor, now=NOW)
    assert [(v.seats_taken, v.free_spots) for v in listed] == [(2, 6)]
    one = publish_lesson(tutor, at("2026-12-01T10:00", capacity="30"), now=NOW)
    assert one.capacity == 1  # individual: one seat whatever was sent
    for capacity in ("1", "101", "x"):
        with pytest.raises(ValidationFailed) as caught:
            publish_lesson(
                tutor, at("2026-12-02T10:00", lesson_type="group", capacity=capacity), now=NOW
            )
        assert list(caught.value.field_errors) == ["capacity"]


def test_outside_hours_and_off_grid_are_allowed_for_the_tutor(db: str) -> None:
    tutor = add_tutor(max_lessons_per_day=1, horizon_days=3)
    av.save_weekly_windows(tutor, [(0, "09:00", "12:00")])
    publish_lesson(tutor, at("2026-11-30T21:07", 45), now=NOW)
    publish_lesson(tutor, at("2026-11-30T09:00"), now=NOW)  # past the daily limit and horizon
    assert len(lesson_rows()) == 2


def test_overlap_and_buffer_are_refused(db: str) -> None:
    tutor = add_tutor(buffer_after_min=15, buffer_before_min=5)
    publish_lesson(tutor, at("2026-11-30T10:00"), now=NOW)
    av.add_busy_block(tutor, "2026-11-30T14:00", "2026-11-30T15:00", "Gym", now=NOW)
    cases = [
        ("2026-11-30T10:30", 60, "overlaps"),
        ("2026-11-30T09:30", 240, "overlaps"),
        ("2026-11-30T13:30", 60, "overlaps"),  # the busy block
        ("2026-11-30T11:10", 30, "buffer"),
        ("2026-11-30T09:00", 50, "buffer"),
    ]
    for start, minutes, reason in cases:
        with pytest.raises(SlotUnavailable) as caught:
            publish_lesson(tutor, at(start, minutes), now=NOW)
        assert caught.value.reason == reason, start
        assert caught.value.code == "slot_unavailable" and caught.value.http_status == 409
    with pytest.raises(SlotUnavailable) as caught:
        publish_lesson(tutor, at("2026-11-30T11:10", 30), now=NOW)
    assert caught.value.detail == "Keep at least 15 minutes between lessons (your buffer setting)."
    publish_lesson(tutor, at("2026-11-30T11:15", 30), now=NOW)  # exactly the buffer
    publish_lesson(tutor, at("2026-11-30T15:00", 30), now=NOW)  # touching a busy block
    assert len(lesson_rows()) == 3


def test_past_start_is_too_soon(db: str) -> None:
    tutor = add_tutor()
    with pytest.raises(SlotUnavailable) as caught:
        publish_lesson(tutor, at("2026-11-25T10:00"), now=NOW)  # exactly now
    assert caught.value.reason == "too_soon"
    assert lesson_rows() == []


def test_dst_gap_start_is_a_field_error(db: str) -> None:
    tutor = add_tutor(tz="America/New_York")
    with pytest.raises(ValidationFailed) as caught:
        publish_lesson(tutor, at("2027-03-14T02:30"), now=NOW)
    assert list(caught.value.field_errors) == ["start_local"]


def test_without_the_in_transaction_check_an_overlap_gets_in(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Negative control: the guard under test is what stops the overlap.

    With ``check_conflicts`` forced to OK, SQLite stores the overlapping lesson; on
    PostgreSQL only the exclusion constraint stops it, reported as SlotUnavailable too.
    """
    tutor = add_tutor()
    publish_lesson(tutor, at("2026-11-30T10:00"), now=NOW)
    monkeypatch.setattr(
        schedule_write, "check_conflicts", lambda *a, **k: BookingCheck(Reason.OK, "")
    )
    if db.startswith("sqlite"):
        publish_lesson(tutor, at("2026-11-30T10:30"), now=NOW)
        assert len(lesson_rows()) == 2  # the double booking the re-check prevents
    else:
        with pytest.raises(SlotUnavailable) as caught:
            publish_lesson(tutor, at("2026-11-30T10:30"), now=NOW)
        assert caught.value.reason == "overlaps"
        assert len(lesson_rows()) == 1


def test_cancel_keeps_booking_records_and_frees_the_time(db: str) -> None:
    tutor = add_tutor()
    av.save_weekly_windows(tutor, [(0, "10:00", "11:00")])
    lesson = publish_lesson(tutor, at("2026-11-30T10:00", lesson_type="group", capacity=4), now=NOW)
    pending = add_booking(tutor, lesson.id, BookingStatus.pending, "Taras")
    confirmed = add_booking(tutor, lesson.id, BookingStatus.confirmed, "Sofiia")
    earlier = add_booking(tutor, lesson.id, BookingStatus.cancelled, "Andrii")
    later = NOW + timedelta(hours=1)
    cancelled = cancel_lesson(tutor, lesson.id, now=later, reason="  Ill today  ")
    assert (cancelled.status, cancelled.seats_taken, cancelled.free_spots) == ("cancelled", 0, 4)
    with read_scope() as session:
        bookings = {b.id: b for b in session.exec(select(Booking))}
    assert len(bookings) == 3  # nothing deleted
    for booking_id in (pending, confirmed):
        booking = bookings[booking_id]
        assert booking.status is BookingStatus.cancelled
        assert (booking.status_reason, booking.cancelled_at) == ("Ill today", later)
    assert bookings[earlier].status_reason is None and bookings[earlier].cancelled_at is None
    week = tutor_public.week_slots(
        tutor, service_id=None, week_start=date(2026, 11, 30), viewer_tz="Europe/Kyiv", now=NOW
    )
    assert [s.time for s in week.days[0].slots] == ["10:00"]
    again = publish_lesson(tutor, at("2026-11-30T10:00"), now=NOW)  # the time is free again
    assert again.id != lesson.id


def test_cancel_default_reason_and_repeated_or_completed(db: str) -> None:
    tutor = add_tutor()
    lesson = publish_lesson(tutor, at("2026-11-30T10:00"), now=NOW)
    booking = add_booking(tutor, lesson.id, BookingStatus.confirmed)
    cancel_lesson(tutor, lesson.id, now=NOW)
    with read_scope() as session:
        assert session.get(Booking, booking).status_reason == "Cancelled by the tutor."
    with pytest.raises(AlreadyCancelled) as cancelled:
        cancel_lesson(tutor, lesson.id, now=NOW)
    assert cancelled.value.detail == "This lesson is already cancelled."
    done = publish_lesson(tutor, at("2026-12-01T10:00"), now=NOW)
    with session_scope(write=True) as session:
        session.get(Lesson, done.id).status = LessonStatus.completed
    with pytest.raises(LessonCompleted) as completed:
        cancel_lesson(tutor, done.id, now=NOW)
    assert completed.value.detail == "This lesson has already taken place."
    with pytest.raises(ValidationFailed) as caught:
        cancel_lesson(tutor, done.id, now=NOW, reason="r" * 501)
    assert caught.value.field_errors == {"reason": "Use at most 500 characters."}


def test_another_tutors_lesson_is_not_found(db: str) -> None:
    olena = add_tutor()
    ivan = add_tutor("ivan@example.com")
    hers = publish_lesson(olena, at("2026-11-30T10:00"), now=NOW)
    with pytest.raises(NotFound):
        cancel_lesson(ivan, hers.id, now=NOW)
    assert lesson_rows()[0].status is LessonStatus.scheduled
    assert lessons_service.upcoming_lessons(ivan, now=NOW) == []
    his_service = tutor_services.create_service(
        ivan,
        tutor_services.ServiceInput(
            "Physics", None, "", 60, "400", "individual", 1, "online", "", "", False
        ),
    )
    with pytest.raises(NotFound):
        publish_lesson(olena, at("2026-12-01T10:00", service_id=his_service.id), now=NOW)
    with pytest.raises(NotFound):
        publish_lesson(99999, LESSON, now=NOW)
    with pytest.raises(NotFound):
        lessons_service.upcoming_lessons(99999, now=NOW)
    # Ivan's calendar is his own: the same time is free for him.
    assert publish_lesson(ivan, at("2026-11-30T10:00"), now=NOW).id != hers.id


def test_upcoming_lessons(db: str) -> None:
    tutor = add_tutor()
    late = publish_lesson(tutor, at("2026-12-02T10:00"), now=NOW)
    early = publish_lesson(tutor, at("2026-11-30T10:00"), now=NOW)
    gone = publish_lesson(tutor, at("2026-12-01T10:00"), now=NOW)
    cancel_lesson(tutor, gone.id, now=NOW)
    assert [v.id for v in lessons_service.upcoming_lessons(tutor, now=NOW)] == [early.id, late.id]
    running = datetime(2026, 11, 30, 8, 30, tzinfo=UTC)  # Monday's lesson is under way
    assert [v.id for v in lessons_service.upcoming_lessons(tutor, now=running, limit=1)] == [
        early.id
    ]
    after = datetime(2026, 12, 1, tzinfo=UTC)
    assert [v.id for v in lessons_service.upcoming_lessons(tutor, now=after)] == [late.id]
