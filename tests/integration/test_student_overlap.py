"""Issue 14, item 3: a student booking a time when they already have a lesson (with any
tutor). The rule is STUDENT_OVERLAP (warn | block | allow), enforced in the booking service
on SQLite and PostgreSQL, whatever the page sent; a guest is never asked."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime

import pytest

from booking_app.config import get_settings
from booking_app.models import BookingStatus
from booking_app.services import booking as bk
from booking_app.services.booking.overlap import student_busy
from booking_app.services.errors import OverlapNeedsConfirm, StudentOverlap
from booking_app.services.validation import FieldError
from tests.support.builders import (
    MONDAY_10,
    NOW,
    add_lesson,
    add_service,
    add_student,
    add_tutor,
    booking_row,
    counts,
    form,
    lesson_row,
    utc,
)

MONDAY_10_UTC = datetime.fromisoformat(MONDAY_10)


@pytest.fixture
def overlap_rule(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """Set STUDENT_OVERLAP for one test (settings are cached per process)."""

    def set_rule(value: str) -> None:
        monkeypatch.setenv("STUDENT_OVERLAP", value)
        get_settings.cache_clear()

    yield set_rule
    monkeypatch.delenv("STUDENT_OVERLAP", raising=False)
    get_settings.cache_clear()


def _student_with_a_lesson_elsewhere() -> tuple[int, int, int]:
    """Olena's Monday 10:00 slot is free; the student has Iryna's lesson at 10:30."""
    olena = add_tutor()
    service = add_service(olena)
    iryna = add_tutor("iryna@example.com", name="Iryna K")
    student = add_student()
    add_lesson(iryna, MONDAY_10_UTC.replace(minute=30), students=(student,))
    return olena, service, student


def test_default_rule_is_warn_and_a_bad_value_is_refused(
    overlap_rule: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert get_settings().student_overlap == "warn"
    monkeypatch.setenv("STUDENT_OVERLAP", "sometimes")
    get_settings.cache_clear()
    with pytest.raises(ValueError, match="STUDENT_OVERLAP"):
        get_settings()


def test_warn_asks_first_and_books_once_confirmed(db: str, overlap_rule: object) -> None:
    olena, service, student = _student_with_a_lesson_elsewhere()
    before = counts()
    with pytest.raises(OverlapNeedsConfirm) as asked:
        bk.create_booking(form(olena, service), student_id=student, now=NOW)
    assert asked.value.code == "overlap_needs_confirm"
    assert "Algebra with Iryna K" in asked.value.detail and "Book anyway?" in asked.value.detail
    assert "09:30" in asked.value.detail  # in the student's own zone (Berlin), not Kyiv
    assert counts() == before  # nothing half written
    # A truthy non-bool from a forged event is not a "yes".
    with pytest.raises(OverlapNeedsConfirm):
        bk.create_booking(
            replace(form(olena, service), confirm_overlap="yes"),  # type: ignore[arg-type]
            student_id=student,
            now=NOW,
        )
    view = bk.create_booking(
        replace(form(olena, service), confirm_overlap=True), student_id=student, now=NOW
    )
    assert view.status == "confirmed"


def test_block_refuses_even_when_confirmed(db: str, overlap_rule: object) -> None:
    overlap_rule("block")  # type: ignore[operator]
    olena, service, student = _student_with_a_lesson_elsewhere()
    before = counts()
    with pytest.raises(StudentOverlap) as refused:
        bk.create_booking(
            replace(form(olena, service), confirm_overlap=True), student_id=student, now=NOW
        )
    assert refused.value.code == "student_overlap" and "Iryna K" in refused.value.detail
    assert counts() == before


def test_allow_books_without_asking(db: str, overlap_rule: object) -> None:
    overlap_rule("allow")  # type: ignore[operator]
    olena, service, student = _student_with_a_lesson_elsewhere()
    bk.create_booking(form(olena, service), student_id=student, now=NOW)
    assert student_busy(student, NOW, NOW.replace(year=2027), "Europe/Kyiv") == []


def test_no_overlap_no_question_and_guests_are_never_asked(db: str, overlap_rule: object) -> None:
    """Negative controls: touching lessons, cancelled ones and guests pass."""
    olena = add_tutor()
    service = add_service(olena)
    iryna = add_tutor("iryna@example.com", name="Iryna K")
    student = add_student()
    add_lesson(iryna, MONDAY_10_UTC.replace(hour=7), students=(student,))  # ends 10:00 Kyiv
    add_lesson(
        iryna, MONDAY_10_UTC.replace(minute=30), students=(student,),
        status=BookingStatus.cancelled,
    )  # fmt: skip
    bk.create_booking(form(olena, service), student_id=student, now=NOW)
    two_pm = MONDAY_10_UTC.replace(hour=12).isoformat()  # 14:00 Kyiv
    add_lesson(iryna, MONDAY_10_UTC.replace(hour=12), students=(student,))
    with pytest.raises(OverlapNeedsConfirm):  # the control: this one does overlap
        bk.create_booking(form(olena, service, start=two_pm), student_id=student, now=NOW)
    bk.create_booking(  # a guest at a time the student is busy: no question
        form(olena, service, start=two_pm), student_id=None, now=NOW
    )


def test_busy_times_listed_for_the_tutor_page(db: str) -> None:
    olena, service, student = _student_with_a_lesson_elsewhere()
    [busy] = student_busy(student, NOW, NOW.replace(month=12, day=7), "Europe/Kyiv")
    assert busy.start == MONDAY_10_UTC.replace(minute=30)
    assert busy.label.startswith("Algebra with Iryna K (Mon 30 Nov, 10:30")


# --- the same rule when a student moves their own booking (issue 14 leftovers) ----------


def _booked_student_busy_at_two() -> tuple[int, int, str, int]:
    """(Olena, her service, the student's Monday 10:00 booking token with her, its lesson):
    the student also has Iryna's lesson on Monday 14:00-15:00 Kyiv."""
    olena = add_tutor()
    service = add_service(olena)
    iryna = add_tutor("iryna@example.com", name="Iryna K")
    student = add_student()
    add_lesson(iryna, datetime.fromisoformat(utc("2026-11-30T14:00")), students=(student,))
    view = bk.create_booking(form(olena, service), student_id=student, now=NOW)
    return olena, service, view.token, booking_row(view.token).lesson_id


def test_a_move_onto_another_lesson_asks_first_and_moves_once_confirmed(
    db: str, overlap_rule: object
) -> None:
    _, _, token, lesson = _booked_student_busy_at_two()
    # Negative control: overlapping only the booking's own old time asks nothing.
    moved = bk.reschedule_booking(token, start=utc("2026-11-30T10:30"), now=NOW)
    assert moved.start == utc("2026-11-30T10:30")
    clash = utc("2026-11-30T13:30")
    with pytest.raises(OverlapNeedsConfirm) as asked:
        bk.reschedule_booking(token, start=clash, now=NOW)
    assert asked.value.code == "overlap_needs_confirm"
    assert "Algebra with Iryna K" in asked.value.detail and "Move anyway?" in asked.value.detail
    assert "13:00" in asked.value.detail  # 14:00 Kyiv in the student's zone (Berlin)
    assert lesson_row(lesson).starts_at.isoformat() == utc("2026-11-30T10:30")  # unmoved
    with pytest.raises(OverlapNeedsConfirm):  # a truthy non-bool is not a "yes"
        bk.reschedule_booking(
            token,
            start=clash,
            now=NOW,
            confirm_overlap="yes",  # type: ignore[arg-type]
        )
    assert bk.reschedule_booking(token, start=clash, now=NOW, confirm_overlap=True).start == clash


def test_block_refuses_a_move_even_when_confirmed_and_guests_are_never_asked(
    db: str, overlap_rule: object
) -> None:
    overlap_rule("block")  # type: ignore[operator]
    olena, service, token, lesson = _booked_student_busy_at_two()
    clash = utc("2026-11-30T13:30")
    with pytest.raises(StudentOverlap) as refused:
        bk.reschedule_booking(token, start=clash, now=NOW, confirm_overlap=True)
    assert refused.value.code == "student_overlap" and "Iryna K" in refused.value.detail
    assert lesson_row(lesson).starts_at.isoformat() == MONDAY_10  # unmoved
    guest = bk.create_booking(
        form(olena, service, start=utc("2026-11-30T16:00")), student_id=None, now=NOW
    )
    assert bk.reschedule_booking(guest.token, start=clash, now=NOW).start == clash


def test_allow_moves_onto_another_lesson_without_asking(db: str, overlap_rule: object) -> None:
    overlap_rule("allow")  # type: ignore[operator]
    _, _, token, _ = _booked_student_busy_at_two()
    clash = utc("2026-11-30T13:30")
    assert bk.reschedule_booking(token, start=clash, now=NOW).start == clash


# --- item 1: the app never rejects the email it filled in itself --------------------------


def test_students_own_account_email_is_accepted_even_on_a_special_use_domain(db: str) -> None:
    olena = add_tutor()
    service = add_service(olena)
    student = add_student("taras.student@demo.local")
    with pytest.raises(FieldError):  # what the validator says of it on its own
        from booking_app.services.validation import clean_email

        clean_email("taras.student@demo.local")
    view = bk.create_booking(
        form(olena, service, email="Taras.Student@demo.local"), student_id=student, now=NOW
    )
    assert view.status == "confirmed"
    with pytest.raises(bk_validation_failed()):  # someone else's such address is still refused
        bk.create_booking(
            form(olena, service, start=MONDAY_10_UTC.replace(hour=13).isoformat(),
                 email="x@demo.local"),
            student_id=student,
            now=NOW,
        )  # fmt: skip


def bk_validation_failed() -> type[Exception]:
    from booking_app.services.errors import ValidationFailed

    return ValidationFailed
