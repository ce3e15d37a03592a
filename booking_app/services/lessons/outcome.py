"""What happened in a lesson: held, the student did not come, the tutor did not come.

Why a service with its own rules (and not a status field anyone edits): the outcome is
what the reports count (lessons held, no-shows, hours taught), so who may set it and when
is decided once, here:

- only the lesson's tutor or an active admin (anyone else: NotFound, no leak);
- only once the lesson has started (LessonNotStarted), never on a cancelled lesson;
- changeable for OUTCOME_EDIT_DAYS (default 7) after the lesson ends (OutcomeClosed);
- per seat (a group lesson: one student came, another did not) or for the whole lesson
  (every seat that took place). A seat that never held a place (pending, cancelled) has
  no outcome (NoSeat).

Statuses: held -> booking ``completed``; student no-show -> ``no_show``; tutor no-show ->
``tutor_no_show``. Once every seat has an outcome the lesson is closed
(LessonStatus.completed: past and settled; the bookings say what happened).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel import Session

from booking_app import realtime
from booking_app.config import get_settings
from booking_app.db import read_scope, session_scope
from booking_app.models import BookingStatus, Lesson, LessonStatus, Role
from booking_app.repositories import lessons as lessons_repo
from booking_app.repositories import school as repo
from booking_app.repositories import users as users_repo
from booking_app.services import timefmt
from booking_app.services.errors import (
    AlreadyCancelled,
    LessonNotStarted,
    NoSeat,
    NotFound,
    OutcomeClosed,
    ValidationFailed,
)

OUTCOMES: dict[str, BookingStatus] = {
    "held": BookingStatus.completed,
    "student_no_show": BookingStatus.no_show,
    "tutor_no_show": BookingStatus.tutor_no_show,
}
MARKED = {status.value: name for name, status in OUTCOMES.items()}  # stored -> outcome
LABELS = {
    "confirmed": "Not marked",
    "completed": "Held",
    "no_show": "Student did not come",
    "tutor_no_show": "Tutor did not come",
}
LESSON_NOT_FOUND = "This lesson does not exist or is not yours."
NOT_STARTED = "You can mark the outcome once the lesson has started."


@dataclass(frozen=True)
class OutcomeSeat:
    booking_id: int
    name: str
    status: str
    status_label: str
    outcome: str  # "held" | "student_no_show" | "tutor_no_show" | "" (not marked)


@dataclass(frozen=True)
class OutcomeLesson:
    """A lesson in the tutor's "needs outcome" list (times in the viewer's zone)."""

    lesson_id: int
    title: str
    label: str
    unmarked: int
    seats: list[OutcomeSeat] = field(default_factory=list)


def edit_window() -> timedelta:
    return timedelta(days=max(0, get_settings().outcome_edit_days))


def set_outcome(
    actor_id: int, lesson_id: int, outcome: str, *, booking_id: int = 0, now: datetime
) -> int:
    """Mark the outcome of one seat (``booking_id``) or of every seat; returns how many
    seats changed. See the module docstring for the rules."""
    with session_scope(write=True) as session:
        lesson = lessons_repo.get_lesson(session=session, lesson_id=lesson_id)
        actor = users_repo.get_user(session=session, user_id=actor_id)
        admin = actor is not None and actor.role is Role.admin and actor.is_active
        if lesson is None or actor is None or not (admin or lesson.tutor_id == actor_id):
            raise NotFound(LESSON_NOT_FOUND)
        return apply_outcome(session, lesson, outcome, booking_id=booking_id, now=now)


def apply_outcome(
    session: Session,
    lesson: Lesson,
    outcome: str,
    *,
    booking_id: int = 0,
    now: datetime,
    only_unmarked: bool = False,
    close: bool = True,
) -> int:
    """The rules and the write, in the caller's transaction, for a caller that has
    already decided the actor may act on ``lesson`` (``set_outcome``, the classroom's
    "Mark completed" / "No-show" buttons). ``only_unmarked``: touch only seats with no
    outcome yet, and close the lesson even when there are none (the classroom's
    "Mark completed" keeps the no-shows already marked). ``close``: mark the lesson
    completed once every seat has an outcome (the classroom's "No-show" leaves that to
    its own "Mark completed" button)."""
    status = OUTCOMES.get(str(outcome or ""))
    if status is None:
        raise ValidationFailed({"outcome": "Choose held, student no-show or tutor no-show."})
    if lesson.status is LessonStatus.cancelled:
        raise AlreadyCancelled("This lesson was cancelled.")
    if now < lesson.starts_at:
        raise LessonNotStarted(NOT_STARTED)
    if now > lesson.ends_at + edit_window():
        raise OutcomeClosed()
    seats = repo.outcome_seats(session=session, lesson_id=lesson.id or 0, booking_id=booking_id)
    if only_unmarked:
        seats = [b for b in seats if b.status is BookingStatus.confirmed]
    elif not seats:
        raise NoSeat("This lesson has no seat that took place.")
    for booking in seats:
        booking.status, booking.updated_at = status, now
    session.flush()
    everyone = repo.outcome_seats(session=session, lesson_id=lesson.id or 0, booking_id=0)
    if close and not any(b.status is BookingStatus.confirmed for b in everyone):
        lesson.status, lesson.updated_at = LessonStatus.completed, now
        session.flush()
    realtime.publish_on_commit(session, (lesson.tutor_id, *(b.student_id for b in seats)))
    return len(seats)


def needs_outcome(
    tutor_id: int, *, now: datetime, viewer_tz: str, limit: int = 20
) -> list[OutcomeLesson]:
    """The tutor's ended lessons (within the edit window) with seats not marked yet."""
    tz = timefmt.viewer_zone(viewer_tz)
    with read_scope() as session:
        lines = repo.needing_outcome(
            session=session, tutor_id=tutor_id, ended_after=now - edit_window(), now=now,
            limit=max(1, limit),
        )  # fmt: skip
        ids = [line.lesson.id or 0 for line in lines]
        seats = repo.seats_of(session=session, lesson_ids=ids)
    by_lesson: dict[int, list[OutcomeSeat]] = {}
    for b in seats:
        label = LABELS.get(b.status.value, b.status.value)
        by_lesson.setdefault(b.lesson_id, []).append(
            OutcomeSeat(
                b.id or 0, b.client_name, b.status.value, label, MARKED.get(b.status.value, "")
            )
        )
    return [
        OutcomeLesson(
            lesson_id=line.lesson.id or 0,
            title=line.lesson.title or line.service_name or "Lesson",
            label=timefmt.span_label(line.lesson.starts_at, line.lesson.ends_at, tz),
            unmarked=int(line.seats),
            seats=by_lesson.get(line.lesson.id or 0, []),
        )
        for line in lines
    ]
