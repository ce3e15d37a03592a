"""The booking journey on SQLite and PostgreSQL: book (guest, student, group seat, trial),
requests (confirm/decline), the private link (get, cancel, late cancel, reschedule, .ics),
the student's list; bad input is a ValidationFailed with nothing written."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import uuid4

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import select

from booking_app.api.bookings import router
from booking_app.api.errors import install_error_handlers
from booking_app.db import read_scope, session_scope
from booking_app.models import (
    Booking,
    BookingKind,
    BookingStatus,
    ClassroomMembership,
    ClassroomSession,
    LessonStatus,
    MembershipStatus,
)
from booking_app.services import availability as av
from booking_app.services import booking as bk
from booking_app.services import tutor_public
from booking_app.services.errors import (
    AlreadyAnswered,
    AlreadyCancelled,
    Forbidden,
    LessonStarted,
    NotFound,
    SlotUnavailable,
    TrialNeedsAccount,
    TrialTaken,
    ValidationFailed,
)
from booking_app.services.lessons import cancel_lesson
from tests.support.builders import (
    NOW,
    add_service,
    add_student,
    add_tutor,
    booking_row,
    counts,
    form,
    lesson_row,
    utc,
)


def memberships() -> list[ClassroomMembership]:
    with read_scope() as session:
        return list(session.exec(select(ClassroomMembership)))


def rooms() -> list[ClassroomSession]:
    with read_scope() as session:
        return list(session.exec(select(ClassroomSession)))


def test_guest_books_an_offered_slot_confirmed_at_once(db: str) -> None:
    tutor = add_tutor()
    service = add_service(tutor)
    week = tutor_public.week_slots(
        tutor, service_id=service, week_start=None, viewer_tz="Europe/Kyiv", now=NOW
    )
    offered = [s for d in week.days for s in d.slots][-1]
    view = bk.create_booking(form(tutor, service, start=offered.start), student_id=None, now=NOW)
    assert view.status == "confirmed" and view.status_label == "Confirmed"
    assert view.start == offered.start and view.kind == "regular"
    assert view.price == "450.00" and view.currency == "UAH"
    assert view.telegram_link == f"https://t.me/tutor_booking_bot?start={view.token}"
    assert view.meeting_url == "https://meet.example.com/x"
    assert view.can_cancel and view.can_reschedule
    row = booking_row(view.token)
    assert row.telegram_username == "ivan_guest" and row.source.value == "public_page"
    assert counts() == (1, 1) and len(rooms()) == 1 and memberships() == []
    again = tutor_public.week_slots(
        tutor, service_id=service, week_start=None, viewer_tz="Europe/Kyiv", now=NOW
    )
    assert offered.start not in {s.start for d in again.days for s in d.slots}


def test_detail_label_is_in_the_viewer_zone(db: str) -> None:
    tutor = add_tutor()
    service = add_service(tutor)
    view = bk.create_booking(form(tutor, service), student_id=None, now=NOW)
    kyiv = bk.get_booking(view.token, viewer_tz="Europe/Kyiv", now=NOW)
    tokyo = bk.get_booking(view.token, viewer_tz="Asia/Tokyo", now=NOW)
    assert kyiv.label == "Mon 30 Nov 2026, 10:00–11:00"
    assert tokyo.label == "Mon 30 Nov 2026, 17:00–18:00" and tokyo.timezone == "Asia/Tokyo"


def test_guest_form_errors_are_keyed_by_field_and_nothing_is_written(db: str) -> None:
    tutor = add_tutor()
    service = add_service(tutor)
    bad = form(tutor, service, name="", phone="123", email="nope", telegram_username="", start="x")
    with pytest.raises(ValidationFailed) as err:
        bk.create_booking(bad, student_id=None, now=NOW)
    assert set(err.value.field_errors) == {"name", "phone", "email", "telegram_username", "start"}
    with pytest.raises(ValidationFailed) as err:
        bk.create_booking(form(tutor, service, start=""), student_id=None, now=NOW)
    assert "start" in err.value.field_errors
    with pytest.raises(ValidationFailed) as err:
        bk.create_booking(form(tutor, service, source="hack"), student_id=None, now=NOW)
    assert "source" in err.value.field_errors
    with pytest.raises(ValidationFailed):
        bk.create_booking(form(tutor, service, telegram_username="@a"), student_id=None, now=NOW)
    assert counts() == (0, 0)


def test_a_time_not_offered_is_refused_with_the_engine_reason(db: str) -> None:
    tutor = add_tutor(min_notice_min=24 * 60)
    service = add_service(tutor)
    cases = {
        utc("2026-11-30T07:00"): "outside_hours",
        utc("2026-11-30T10:10"): "off_grid",
        utc("2026-11-25T15:00"): "too_soon",
        utc("2027-06-01T10:00"): "too_far",
    }
    for start, reason in cases.items():
        with pytest.raises(SlotUnavailable) as err:
            bk.create_booking(form(tutor, service, start=start), student_id=None, now=NOW)
        assert err.value.reason == reason
    assert counts() == (0, 0)


def test_the_refusal_says_which_rule_of_the_tutor_it_is(db: str) -> None:
    """Not "just taken": the engine's own sentence, with the tutor's settings in it."""
    tutor = add_tutor(buffer_after_min=15, max_lessons_per_day=2)
    service = add_service(tutor)
    bk.create_booking(form(tutor, service, start=utc("2026-11-30T10:00")), student_id=None, now=NOW)
    with pytest.raises(SlotUnavailable) as err:
        bk.create_booking(
            form(tutor, service, start=utc("2026-11-30T11:00")), student_id=None, now=NOW
        )
    assert (err.value.reason, err.value.detail) == (
        "buffer",
        "The tutor needs at least 15 minutes free between lessons.",
    )
    bk.create_booking(form(tutor, service, start=utc("2026-11-30T14:00")), student_id=None, now=NOW)
    with pytest.raises(SlotUnavailable) as err:
        bk.create_booking(
            form(tutor, service, start=utc("2026-11-30T16:00")), student_id=None, now=NOW
        )
    assert err.value.detail == "The tutor already has the maximum of 2 lessons on that day."


def test_unknown_inactive_or_foreign_service_is_not_found(db: str) -> None:
    tutor, other = add_tutor(), add_tutor("petro@example.com")
    inactive = add_service(tutor, active=False)
    foreign = add_service(other)
    for service in (inactive, foreign, 99999):
        with pytest.raises(NotFound):
            bk.create_booking(form(tutor, service), student_id=None, now=NOW)
    assert counts() == (0, 0)


def test_student_trial_is_pending_then_confirmed_with_membership_and_room(db: str) -> None:
    tutor = add_tutor()
    trial = add_service(tutor, name="Trial", minutes=30, price="0", trial=True)
    student = add_student()
    view = bk.create_booking(
        form(tutor, trial, telegram_username="", source="marketplace"), student_id=student, now=NOW
    )
    assert view.status == "pending" and view.kind == "trial"
    assert view.status_label == "Waiting for the tutor"
    assert view.timezone == "Europe/Berlin" and view.label == "Mon 30 Nov 2026, 09:00–09:30"
    assert rooms() == [] and memberships() == []
    assert bk.pending_count(tutor) == 1
    [request] = bk.pending_requests(tutor, viewer_tz="Europe/Kyiv")
    assert request.kind == "trial" and request.client_name == "Ivan Guest"
    assert request.label == "Mon 30 Nov 2026, 10:00–10:30"
    confirmed = bk.confirm_booking(tutor, request.booking_id, now=NOW)
    assert confirmed.booking_id == request.booking_id
    assert booking_row(view.token).status is BookingStatus.confirmed
    [membership] = memberships()
    assert membership.student_id == student and membership.status is MembershipStatus.active
    assert len(rooms()) == 1 and bk.pending_count(tutor) == 0
    with pytest.raises(AlreadyAnswered) as answered:
        bk.confirm_booking(tutor, request.booking_id, now=NOW)
    assert answered.value.code == "already_answered"


def test_trials_are_for_students_and_one_per_tutor(db: str) -> None:
    tutor = add_tutor()
    trial = add_service(tutor, name="Trial", minutes=30, price="0", trial=True)
    with pytest.raises(TrialNeedsAccount) as guest:
        bk.create_booking(form(tutor, trial), student_id=None, now=NOW)
    assert guest.value.detail == "Sign in as a student to request a trial."
    student = add_student()
    bk.create_booking(form(tutor, trial), student_id=student, now=NOW)
    with pytest.raises(TrialTaken) as taken:
        bk.create_booking(
            form(tutor, trial, start=utc("2026-12-01T10:00")), student_id=student, now=NOW
        )
    assert "already have a trial" in taken.value.detail
    assert counts() == (1, 1)


def test_declined_trial_frees_the_slot_and_allows_another_trial(db: str) -> None:
    tutor = add_tutor()
    trial = add_service(tutor, name="Trial", minutes=30, price="0", trial=True)
    student = add_student()
    view = bk.create_booking(form(tutor, trial), student_id=student, now=NOW)
    booking_id = booking_row(view.token).id or 0
    with pytest.raises(ValidationFailed) as err:
        bk.decline_booking(tutor, booking_id, reason="  ", now=NOW)
    assert "reason" in err.value.field_errors
    declined = bk.decline_booking(tutor, booking_id, reason="Fully booked this month", now=NOW)
    assert declined.booking_id == booking_id
    row = booking_row(view.token)
    assert row.status is BookingStatus.cancelled and row.status_reason == "Fully booked this month"
    assert lesson_row(row.lesson_id).status is LessonStatus.cancelled
    detail = bk.get_booking(view.token, viewer_tz="UTC", now=NOW)
    assert detail.status_reason == "Fully booked this month" and not detail.can_cancel
    again = bk.create_booking(form(tutor, trial), student_id=student, now=NOW)
    assert again.status == "pending"


def test_tutor_requiring_confirmation_gets_pending_requests(db: str) -> None:
    tutor = add_tutor(requires_confirmation=True)
    service = add_service(tutor)
    view = bk.create_booking(form(tutor, service), student_id=None, now=NOW)
    assert view.status == "pending" and rooms() == []
    # the pending request holds the time
    with pytest.raises(SlotUnavailable):
        bk.create_booking(form(tutor, service, name="Other One"), student_id=None, now=NOW)
    bk.confirm_booking(tutor, booking_row(view.token).id or 0, now=NOW)
    assert len(rooms()) == 1 and memberships() == []  # a guest has no membership


def test_confirm_refuses_a_cancelled_lesson_or_a_past_time(db: str) -> None:
    tutor = add_tutor(requires_confirmation=True)
    service = add_service(tutor)
    first = bk.create_booking(form(tutor, service), student_id=None, now=NOW)
    second = bk.create_booking(
        form(tutor, service, start=utc("2026-12-01T10:00")), student_id=None, now=NOW
    )
    with pytest.raises(LessonStarted):
        bk.confirm_booking(tutor, booking_row(first.token).id or 0, now=NOW + timedelta(days=10))
    cancel_lesson(tutor, booking_row(second.token).lesson_id, now=NOW)
    with pytest.raises(NotFound):  # no longer pending: cancel_lesson cancelled the booking
        bk.confirm_booking(tutor + 999, booking_row(second.token).id or 0, now=NOW)
    with pytest.raises(AlreadyAnswered):  # cancel_lesson cancelled the request too
        bk.confirm_booking(tutor, booking_row(second.token).id or 0, now=NOW)


def test_group_seats_join_until_full(db: str) -> None:
    tutor = add_tutor()
    group = add_service(tutor, name="Club", group=2)
    first = bk.create_booking(form(tutor, group), student_id=None, now=NOW)
    lesson_id = booking_row(first.token).lesson_id
    week = tutor_public.week_slots(
        tutor, service_id=group, week_start=date(2026, 11, 30), viewer_tz="UTC", now=NOW
    )
    assert [(j.lesson_id, j.free_spots) for j in week.joinable] == [(lesson_id, 1)]
    bk.create_booking(form(tutor, group, start="", lesson_id=lesson_id), student_id=None, now=NOW)
    with pytest.raises(SlotUnavailable) as err:
        bk.create_booking(
            form(tutor, group, start="", lesson_id=lesson_id), student_id=None, now=NOW
        )
    assert err.value.reason == "full"
    assert counts() == (2, 1)


def test_cancel_on_time_and_late(db: str) -> None:
    tutor = add_tutor(cancellation_notice_hours=24)
    service = add_service(tutor)
    on_time = bk.create_booking(form(tutor, service), student_id=None, now=NOW)
    view = bk.cancel_booking(on_time.token, now=NOW, reason="Sick")
    assert view.status == "cancelled" and not view.can_cancel
    row = booking_row(on_time.token)
    assert row.cancelled_at == NOW and row.status_reason == "Sick"
    assert lesson_row(row.lesson_id).status is LessonStatus.cancelled
    with pytest.raises(AlreadyCancelled):
        bk.cancel_booking(on_time.token, now=NOW)
    late = bk.create_booking(form(tutor, service), student_id=None, now=NOW)
    soon = NOW + timedelta(days=4, hours=12)  # Sun 29 Nov 20:00 UTC, 12 h before
    detail = bk.get_booking(late.token, viewer_tz="UTC", now=soon)
    assert detail.can_cancel and detail.cancel_is_late and not detail.can_reschedule
    assert bk.cancel_booking(late.token, now=soon).status == "late_cancel"


def test_cancel_one_seat_of_a_group_keeps_the_lesson(db: str) -> None:
    tutor = add_tutor()
    group = add_service(tutor, name="Club", group=3)
    first = bk.create_booking(form(tutor, group), student_id=None, now=NOW)
    lesson_id = booking_row(first.token).lesson_id
    bk.create_booking(form(tutor, group, start="", lesson_id=lesson_id), student_id=None, now=NOW)
    bk.cancel_booking(first.token, now=NOW)
    assert lesson_row(lesson_id).status is LessonStatus.scheduled


def test_reschedule_individual_moves_the_lesson(db: str) -> None:
    tutor = add_tutor()
    service = add_service(tutor)
    view = bk.create_booking(form(tutor, service), student_id=None, now=NOW)
    lesson_id = booking_row(view.token).lesson_id
    options = bk.reschedule_options(
        view.token, week_start=date(2026, 11, 30), viewer_tz="UTC", now=NOW
    )
    offered = {s.start for d in options.days for s in d.slots}
    assert view.start in offered  # its own lesson does not block
    # a 30-minute shift overlapping its own old time is fine
    moved = bk.reschedule_booking(view.token, start=utc("2026-11-30T10:30"), now=NOW)
    assert moved.start == utc("2026-11-30T10:30")
    assert lesson_row(lesson_id).starts_at.isoformat() == utc("2026-11-30T10:30")
    assert counts() == (1, 1)


def test_reschedule_cannot_create_an_overlap_and_keeps_the_old_seat(db: str) -> None:
    tutor = add_tutor()
    service = add_service(tutor)
    mine = bk.create_booking(form(tutor, service), student_id=None, now=NOW)
    bk.create_booking(form(tutor, service, start=utc("2026-11-30T12:00")), student_id=None, now=NOW)
    with pytest.raises(SlotUnavailable) as err:
        bk.reschedule_booking(mine.token, start=utc("2026-11-30T11:30"), now=NOW)
    assert err.value.reason == "overlaps"
    assert booking_row(mine.token).status is BookingStatus.confirmed
    assert bk.get_booking(mine.token, viewer_tz="UTC", now=NOW).start == utc("2026-11-30T10:00")
    with pytest.raises(ValidationFailed):
        bk.reschedule_booking(mine.token, start="not a time", now=NOW)
    with pytest.raises(ValidationFailed):
        bk.reschedule_booking(mine.token, now=NOW)


def test_reschedule_group_seat_to_another_lesson_or_a_new_one(db: str) -> None:
    tutor = add_tutor()
    group = add_service(tutor, name="Club", group=2)
    a = bk.create_booking(form(tutor, group), student_id=None, now=NOW)
    b = bk.create_booking(
        form(tutor, group, start=utc("2026-12-01T10:00")), student_id=None, now=NOW
    )
    b_lesson = booking_row(b.token).lesson_id
    moved = bk.reschedule_booking(a.token, lesson_id=b_lesson, now=NOW)
    assert moved.start == utc("2026-12-01T10:00")
    c = bk.create_booking(
        form(tutor, group, start=utc("2026-12-02T10:00")), student_id=None, now=NOW
    )
    with pytest.raises(SlotUnavailable) as err:  # b's lesson is full now
        bk.reschedule_booking(c.token, lesson_id=b_lesson, now=NOW)
    assert err.value.reason == "full"
    assert booking_row(c.token).lesson_id != b_lesson
    to_new = bk.reschedule_booking(c.token, start=utc("2026-12-03T10:00"), now=NOW)
    assert to_new.start == utc("2026-12-03T10:00")


def test_ics_has_the_event(db: str) -> None:
    tutor = add_tutor()
    service = add_service(tutor)
    view = bk.create_booking(form(tutor, service), student_id=None, now=NOW)
    name, body = bk.booking_ics(view.token)
    text = body.decode()
    assert name == f"booking-{view.token[:8]}.ics"
    assert f"UID:{view.token}@tutorbook" in text
    assert "DTSTART:20261130T080000Z" in text and "DTEND:20261130T090000Z" in text
    assert "STATUS:CONFIRMED" in text and "SUMMARY:Algebra with Tutor olena" in text


def test_student_sees_upcoming_and_past(db: str) -> None:
    tutor = add_tutor()
    service = add_service(tutor)
    student = add_student()
    kept = bk.create_booking(form(tutor, service), student_id=student, now=NOW)
    gone = bk.create_booking(
        form(tutor, service, start=utc("2026-12-01T10:00")), student_id=student, now=NOW
    )
    bk.cancel_booking(gone.token, now=NOW)
    bk.create_booking(form(tutor, service, start=utc("2026-12-02T10:00")), student_id=None, now=NOW)
    view = bk.student_bookings(student, viewer_tz="Europe/Kyiv", now=NOW)
    assert [b.token for b in view.upcoming] == [kept.token]
    assert [b.token for b in view.past] == [gone.token]
    assert (
        bk.student_bookings(add_student("x@example.com"), viewer_tz="UTC", now=NOW).upcoming == []
    )


def test_bad_viewer_zone_is_a_field_error(db: str) -> None:
    tutor = add_tutor()
    service = add_service(tutor)
    view = bk.create_booking(form(tutor, service), student_id=None, now=NOW)
    with pytest.raises(ValidationFailed) as err:
        bk.get_booking(view.token, viewer_tz="Mars/Base", now=NOW)
    assert "viewer_tz" in err.value.field_errors


def test_api_routes_serve_the_booking_and_its_ics(db: str) -> None:
    api = FastAPI()
    install_error_handlers(api)
    api.include_router(router)
    client = TestClient(api)
    tutor = add_tutor()
    service = add_service(tutor)
    view = bk.create_booking(
        form(tutor, service, start=utc("2027-01-04T10:00")), student_id=None, now=NOW
    )
    ok = client.get(f"/api/v1/bookings/{view.token}", params={"tz": "Europe/Kyiv"})
    assert ok.status_code == 200 and ok.json()["token"] == view.token
    assert ok.json()["label"] == "Mon 4 Jan 2027, 10:00–11:00"
    ics = client.get(f"/booking/{view.token}.ics")
    assert ics.status_code == 200 and ics.headers["content-type"].startswith("text/calendar")
    assert f"UID:{view.token}@tutorbook" in ics.text
    missing = client.get(f"/api/v1/bookings/{uuid4()}")
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"
    assert client.get("/booking/nope.ics").status_code == 404
    bad_tz = client.get(f"/api/v1/bookings/{view.token}", params={"tz": "Mars/Base"})
    assert bad_tz.status_code == 422 and bad_tz.json()["error"] == "validation_failed"


def test_confirm_cannot_create_an_overlap(db: str) -> None:
    """A busy block added over a pending request (busy blocks don't check lessons) makes
    confirming it refused; the request stays pending and nothing else is written."""
    tutor = add_tutor(requires_confirmation=True)
    service = add_service(tutor)
    view = bk.create_booking(form(tutor, service), student_id=None, now=NOW)
    av.add_busy_block(tutor, "2026-11-30T10:30", "2026-11-30T12:00", "Dentist", now=NOW)
    with pytest.raises(SlotUnavailable) as err:
        bk.confirm_booking(tutor, booking_row(view.token).id or 0, now=NOW)
    assert err.value.reason == "overlaps"
    assert booking_row(view.token).status is BookingStatus.pending and rooms() == []


def test_confirm_cannot_overbook_a_group(db: str) -> None:
    """Data overbooked behind the services' back (3 seats held in a 2-seat lesson): the
    confirm re-count refuses instead of confirming a fourth... third seat."""
    tutor = add_tutor(requires_confirmation=True)
    group = add_service(tutor, name="Club", group=2)
    first = bk.create_booking(form(tutor, group), student_id=None, now=NOW)
    lesson_id = booking_row(first.token).lesson_id
    bk.create_booking(form(tutor, group, start="", lesson_id=lesson_id), student_id=None, now=NOW)
    with session_scope(write=True) as session:
        session.add(
            Booking(lesson_id=lesson_id, tutor_id=tutor, client_name="X", client_phone="+1")
        )
    with pytest.raises(SlotUnavailable) as err:
        bk.confirm_booking(tutor, booking_row(first.token).id or 0, now=NOW)
    assert err.value.reason == "full"
    assert booking_row(first.token).status is BookingStatus.pending


def test_join_needs_a_lesson_of_the_same_service(db: str) -> None:
    tutor = add_tutor()
    club = add_service(tutor, name="Club", group=3)
    other = add_service(tutor, name="Other club", group=3)
    first = bk.create_booking(form(tutor, club), student_id=None, now=NOW)
    lesson_id = booking_row(first.token).lesson_id
    with pytest.raises(NotFound):
        bk.create_booking(
            form(tutor, other, start="", lesson_id=lesson_id), student_id=None, now=NOW
        )
    with pytest.raises(ValidationFailed):
        bk.create_booking(form(tutor, club, start="", lesson_id="x"), student_id=None, now=NOW)
    assert counts() == (1, 1)


def test_only_student_accounts_book_as_students(db: str) -> None:
    tutor, other_tutor = add_tutor(), add_tutor("petro@example.com")
    service = add_service(tutor)
    for who in (other_tutor, 987654):
        with pytest.raises(Forbidden):
            bk.create_booking(form(tutor, service), student_id=who, now=NOW)
    assert counts() == (0, 0)


def test_a_seat_in_a_group_lesson_costs_what_the_lesson_costs(db: str) -> None:
    """Issue 12, item 9: price and kind of a joined seat come from the lesson being joined,
    whatever service the client's request names (a forged page sequence can pair a group
    lesson with a cheaper or trial service). Negative control: on 855d6d1 the seat below
    was stored at 100.00 (the cheap service's price) and the trial one as a trial."""
    from decimal import Decimal

    from booking_app.services.lessons import PublishInput, publish_lesson

    tutor = add_tutor()
    add_service(tutor, name="Club", price="300", group=6)
    cheap = add_service(tutor, name="Cheap", price="100", group=6)
    trial = add_service(tutor, name="Free trial", price="0", group=6, trial=True)
    lesson = publish_lesson(
        tutor,
        PublishInput(
            start_local="2026-11-30T12:00", duration_min=90, service_id=None,
            title="Exam workshop", lesson_type="group", capacity="6", mode="online",
            location="", meeting_url="https://meet.example.com/w", tentative=False,
            price="700",
        ),
        now=NOW,
    )  # fmt: skip
    student = add_student()
    for service, username in ((cheap, "@first_guest"), (trial, None)):
        view = bk.create_booking(
            form(tutor, service, start="", lesson_id=lesson.id, telegram_username=username),
            student_id=None if username else student,
            now=NOW,
        )
        stored = booking_row(view.token)
        assert (stored.price, stored.kind) == (Decimal("700.00"), BookingKind.regular)
