"""The one write skeleton for a tutor's calendar: lock -> load -> check -> write -> announce.

Why every writer goes through here: the double bookings of Cal.com and Easy!Appointments
came from checking availability in one place and inserting in another. A write that
takes time or a seat (book, join, move, confirm, publish, a lesson for a student, a seat
from an invite) runs in ONE transaction opened by ``locked_schedule``:

1. ``lock(tutor_id)``: PostgreSQL locks the tutor's profile row FOR UPDATE; SQLite's
   transaction already began with BEGIN IMMEDIATE. Writers of one tutor run one after
   the other, and the second re-reads what the first wrote.
2. ``load`` re-reads the schedule around the span (``repositories.schedules``), under the
   lock, with the seats counted there.
3. The engine judges it with the same predicate that offered the time (``check_booking``,
   ``check_join``, ``check_conflicts``, ``check_seat``); ``refuse`` turns a refusal into
   ``SlotUnavailable(reason, detail)`` with the engine's own sentence.
4. The caller writes its rows.
5. ``announce`` writes the outbox rows of the change in the same transaction (Telegram
   and webhook deliveries: written or rolled back with it) and publishes a live update
   after commit. Lesson rows' own webhook events are read off the flush
   (services/webhooks/events.py), so no writer here has to name them.

On PostgreSQL the exclusion constraint on lessons is the last line of defence; its
IntegrityError (and that of the one-live-trial index) is translated here, once, into
the same domain errors the checks raise.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from booking_app import realtime
from booking_app.db import session_scope
from booking_app.models import Booking, BookingEvent, Lesson
from booking_app.models.booking import TRIAL_INDEX
from booking_app.models.lesson import EXCLUSION_NAME
from booking_app.repositories import lessons as lessons_repo
from booking_app.repositories import schedules as schedules_repo
from booking_app.repositories.schedules import LoadedSchedule
from booking_app.scheduling import (
    BookingCheck,
    ExistingLesson,
    Reason,
    Rules,
    ServiceSpec,
    check_booking,
    check_conflicts,
    check_join,
    check_seat,
    describe,
    describe_for_tutor,
)
from booking_app.services import calendar_push, notifications
from booking_app.services.errors import DomainError, NotFound, SlotUnavailable, TrialTaken
from booking_app.services.next_free import refresh_next_free
from booking_app.services.webhooks import events as webhook_events

NOT_A_TUTOR = "This tutor does not exist."
CANCELLED_LESSON = BookingCheck(Reason.INVALID, "This lesson was cancelled.")
SQLITE_TRIAL_INDEX = "booking.tutor_id, booking.student_id"


def _no_pause() -> None:
    """Production value of the test hook below."""


_between_check_and_write: Callable[[], None] = _no_pause
"""Called after every check that passed, before the caller writes. Tests and the race
benchmark replace it with a short sleep to widen the race window; production: a no-op."""


class Seats(NamedTuple):
    """The seat-holding bookings of a lesson, and the students (not guests) among them."""

    booking_ids: tuple[int, ...]
    student_ids: tuple[int, ...]


class ScheduleWrite:
    """One write transaction on one tutor's calendar; see the module docstring."""

    def __init__(self, session: Session, *, by_tutor: bool) -> None:
        self.session = session
        self.by_tutor = by_tutor  # the tutor acts: sentences for the tutor, no notice to them
        self.tutor_id: int | None = None
        self.now: datetime | None = None  # the caller's now, seen by a verdict or announce

    def lock(self, tutor_id: int) -> None:
        """Serialize this transaction with every other writer of the tutor's calendar."""
        if self.tutor_id != tutor_id:
            schedules_repo.lock_tutor(session=self.session, tutor_id=tutor_id)
            self.tutor_id = tutor_id

    def load(self, start: datetime, end: datetime) -> LoadedSchedule:
        """The locked tutor's schedule around ``[start, end)``, seats counted now."""
        assert self.tutor_id is not None, "lock() the tutor before loading"
        loaded = schedules_repo.load_schedule(
            session=self.session, tutor_id=self.tutor_id, range_start=start, range_end=end
        )
        if loaded is None:
            raise NotFound(NOT_A_TUTOR)
        return loaded

    # --- verdicts of the engine, on the schedule as it is under the lock -------------------

    def slot_verdict(
        self, spec: ServiceSpec, start: datetime, now: datetime, ignore_lesson_id: int | None
    ) -> BookingCheck:
        """May a student book a NEW lesson of ``spec`` at ``start``?"""
        self.now = now
        loaded = self.load(start, start + timedelta(minutes=spec.duration_min))
        return check_booking(loaded.schedule, spec, start, now, ignore_lesson_id=ignore_lesson_id)

    def span_verdict(
        self, start: datetime, end: datetime, ignore_lesson_id: int | None = None
    ) -> BookingCheck:
        """May the tutor put a lesson on ``[start, end)`` (overlaps and buffers only)?"""
        loaded = self.load(start, end)
        return check_conflicts(loaded.schedule, start, end, ignore_lesson_id=ignore_lesson_id)

    def join_verdict(self, lesson: Lesson, now: datetime) -> BookingCheck:
        """May a student take a seat in this group lesson (notice, horizon, a free seat)?"""
        self.now = now
        loaded = self.load(lesson.starts_at, lesson.ends_at)
        counted = _engine_lesson(loaded, lesson.id)
        return (
            CANCELLED_LESSON if counted is None else check_join(counted, loaded.schedule.rules, now)
        )

    def seat_verdict(self, lesson: Lesson, now: datetime) -> BookingCheck:
        """May the tutor give a seat in this lesson (live, a free seat)?"""
        self.now = now
        loaded = self.load(lesson.starts_at, lesson.ends_at)
        counted = _engine_lesson(loaded, lesson.id)
        return CANCELLED_LESSON if counted is None else check_seat(counted, now)

    def refuse(self, verdict: BookingCheck) -> None:
        """The engine's refusal as SlotUnavailable (its reason, its sentence); else go on."""
        if not verdict.ok:
            raise SlotUnavailable(verdict.reason.value, verdict.detail)
        _between_check_and_write()

    # --- after the write ---------------------------------------------------------------------

    def announce(self, booking: Booking, event: BookingEvent, now: datetime) -> None:
        """Tell everyone a booking changed: its outbox rows for Telegram in this
        transaction, and a live update to the tutor's and the student's open pages once
        it commits. Every booking write ends with this call."""
        self.now = now
        notifications.booking_changed(
            self.session, booking.id or 0, event, now=now, by_tutor=self.by_tutor
        )
        webhook_events.booking_event(self.session, booking.id or 0, event, now=now)
        self.tell(booking.tutor_id, booking.student_id)

    def seats(self, lesson: Lesson) -> Seats:
        """Who holds a seat in the lesson now (read it before cancelling the seats)."""
        lesson_id = lesson.id or 0
        return Seats(
            tuple(lessons_repo.seat_booking_ids(session=self.session, lesson_id=lesson_id)),
            tuple(lessons_repo.seat_student_ids(session=self.session, lesson_id=lesson_id)),
        )

    def announce_lesson(
        self, lesson: Lesson, seats: Seats, event: BookingEvent, now: datetime
    ) -> None:
        """The tutor changed a whole lesson: every seat's holder is told (guests too) and
        the tutor's and the students' open pages update."""
        self.now = now
        for booking_id in seats.booking_ids:
            notifications.booking_changed(self.session, booking_id, event, now=now, by_tutor=True)
            webhook_events.booking_event(self.session, booking_id, event, now=now)
        self.tell(lesson.tutor_id, *seats.student_ids)

    def tell(self, *user_ids: int | None) -> None:
        """A live update to these users' open pages after commit (no data travels)."""
        realtime.publish_on_commit(self.session, user_ids)


def _engine_lesson(loaded: LoadedSchedule, lesson_id: int | None) -> ExistingLesson | None:
    """The lesson as the engine sees it (seats counted); None when it is cancelled."""
    return next((x for x in loaded.schedule.lessons if x.id == lesson_id), None)


def translate(exc: IntegrityError, *, by_tutor: bool) -> Exception:
    """A constraint the lock should have made unreachable, as the check would have said
    it; any other IntegrityError unchanged."""
    text = str(exc.orig)
    if EXCLUSION_NAME in text:
        words = describe_for_tutor if by_tutor else describe
        return SlotUnavailable(Reason.OVERLAPS.value, words(Reason.OVERLAPS, Rules()))
    if TRIAL_INDEX in text or SQLITE_TRIAL_INDEX in text:
        return TrialTaken()
    return exc


@contextmanager
def locked_schedule(
    tutor_id: int | None = None, *, by_tutor: bool = False
) -> Iterator[ScheduleWrite]:
    """A write transaction with ``tutor_id``'s calendar locked (or lock it later with
    ``write.lock`` once the tutor is known, e.g. from a booking token). Commits on
    success; a racing insert that only the database caught is a DomainError here."""
    try:
        with session_scope(write=True) as session:
            write = ScheduleWrite(session, by_tutor=by_tutor)
            if tutor_id is not None:
                write.lock(tutor_id)
            yield write
            refresh_next_free(session, write.tutor_id, write.now)  # marketplace card, same commit
            calendar_push.mark_changed(session, write.tutor_id, write.now)  # CalDAV outbox
    except IntegrityError as exc:
        translated = translate(exc, by_tutor=by_tutor)
        if isinstance(translated, DomainError):
            raise translated from None
        raise
