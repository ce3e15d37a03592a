"""Tentative lessons confirmed in the morning (seed 004, `MORNING_CONFIRM_CRON`).

A tutor may publish a lesson as tentative ("may still change"). Every morning, at
MORNING_CONFIRM_CRON in the TUTOR'S local time, a tutor with tentative lessons later
that local day gets the list in Telegram (an outbox row); the home page lists them with
Confirm / Cancel. A tentative lesson still unconfirmed TENTATIVE_CONFIRM_HOURS (default
2) before its start is cancelled by the beat, and its students are told.

Why these shapes:
- one digest per tutor per local day: the row's kind is "tutor_tentative:<local date>"
  and (user, kind) is unique for rows about no booking, so a beat restarted mid-morning
  (or two beats) find the row and write nothing; the window after the cron time is the
  existing digest's DIGEST_WINDOW, so a beat that was down at 08:00 still sends at 08:40.
- the local day and the cron time come from zoneinfo on the tutor's zone, so a DST day
  is 23 or 25 hours long and the cron time is the wall time of that day.
- confirming and the automatic cancel go through the write skeleton / ``cancel_lesson``:
  the tutor's lock, the outbox rows in the same transaction, live updates after commit.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from booking_app.config import get_settings
from booking_app.db import read_scope, session_scope
from booking_app.models import BookingEvent, BookingStatus, LessonStatus, NotificationKind
from booking_app.repositories import bookings as bookings_repo
from booking_app.repositories import lessons as lessons_repo
from booking_app.repositories import notifications as notify_repo
from booking_app.repositories import school as repo
from booking_app.services import notifications, timefmt
from booking_app.services import notify_texts as texts
from booking_app.services.errors import DomainError, LessonStarted, NotFound, NotTentative
from booking_app.services.lessons.publish import cancel_lesson
from booking_app.services.schedule_write import locked_schedule

log = logging.getLogger(__name__)
LESSON_NOT_FOUND = "This lesson does not exist or is not yours."
AUTO_CANCEL_REASON = "The tutor did not confirm this lesson in time."
MAX_AUTO_CANCEL = 200  # per beat run; the next run takes the rest


@dataclass(frozen=True)
class TentativeView:
    lesson_id: int
    title: str
    label: str  # in the viewer's zone
    seats: int
    deadline: str  # "confirm by 10:00" in the viewer's zone


def deadline_hours() -> int:
    return max(0, get_settings().tentative_confirm_hours)


def _local_day(now: datetime, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """[local midnight, next local midnight) of ``now``'s day in ``tz`` (23/25 h on DST days)."""
    day = now.astimezone(tz).date()
    start = datetime.combine(day, datetime.min.time(), tz)
    end = datetime.combine(day + timedelta(days=1), datetime.min.time(), tz)
    return start, end


def tentative_today(tutor_id: int, *, now: datetime, viewer_tz: str) -> list[TentativeView]:
    """The tutor's tentative lessons from now to the end of the tutor's local day."""
    tz = timefmt.viewer_zone(viewer_tz)
    with read_scope() as session:
        zone = lessons_repo.tutor_timezone(session=session, tutor_id=tutor_id)
        if zone is None:
            return []
        _start, end = _local_day(now, timefmt.zone_or_utc(zone))
        lines = repo.tentative_between(session=session, tutor_id=tutor_id, start=now, end=end)
    hours = timedelta(hours=deadline_hours())
    return [
        TentativeView(
            lesson_id=line.lesson.id or 0,
            title=line.lesson.title or line.service_name or "Lesson",
            label=timefmt.span_label(line.lesson.starts_at, line.lesson.ends_at, tz),
            seats=int(line.seats),
            deadline=timefmt.format_hhmm((line.lesson.starts_at - hours).astimezone(tz).time()),
        )
        for line in lines
    ]


def confirm_tentative(tutor_id: int, lesson_id: int, *, now: datetime) -> None:
    """Tentative -> scheduled; every confirmed seat's student gets "Confirmed" (pending
    requests in it stay requests: the tutor answers those separately)."""
    with locked_schedule(tutor_id, by_tutor=True) as write:
        lesson = lessons_repo.tutor_lesson(
            session=write.session, tutor_id=tutor_id, lesson_id=lesson_id
        )
        if lesson is None:
            raise NotFound(LESSON_NOT_FOUND)
        if lesson.status is not LessonStatus.tentative:
            raise NotTentative()
        if lesson.starts_at <= now:
            raise LessonStarted("This lesson has already started.")
        lesson.status, lesson.updated_at = LessonStatus.scheduled, now
        write.session.flush()
        write.now = now
        seats = write.seats(lesson)
        for booking_id in seats.booking_ids:
            booking = bookings_repo.for_tutor(
                session=write.session, tutor_id=tutor_id, booking_id=booking_id
            )
            if booking is not None and booking.status is BookingStatus.confirmed:
                notifications.booking_changed(
                    write.session, booking_id, BookingEvent.confirmed, now=now, by_tutor=True
                )
        write.tell(tutor_id, *seats.student_ids)


def cancel_tentative(tutor_id: int, lesson_id: int, *, now: datetime, reason: str = "") -> None:
    """The home page's Cancel: the tutor's own ``cancel_lesson`` (students told)."""
    with read_scope() as session:
        lesson = lessons_repo.tutor_lesson(session=session, tutor_id=tutor_id, lesson_id=lesson_id)
        if lesson is None:
            raise NotFound(LESSON_NOT_FOUND)
        if lesson.status is not LessonStatus.tentative:
            raise NotTentative()
    cancel_lesson(tutor_id, lesson_id, now=now, reason=reason)


def cancel_unconfirmed(now: datetime) -> int:
    """Beat: cancel every tentative lesson past its deadline that has not started (each
    in its own transaction under its tutor's lock; one confirmed meanwhile is skipped)."""
    with read_scope() as session:
        due = repo.tentative_due(
            session=session,
            now=now,
            starting_before=now + timedelta(hours=deadline_hours()),
            limit=MAX_AUTO_CANCEL,
        )
    done = 0
    for lesson in due:
        try:
            cancel_tentative(lesson.tutor_id, lesson.id or 0, now=now, reason=AUTO_CANCEL_REASON)
            done += 1
        except DomainError as exc:  # confirmed or cancelled by the tutor in between
            log.info("tentative lesson %s not auto-cancelled: %s", lesson.id, exc.code)
    return done


def queue_tentative_digests(now: datetime) -> int:
    """Beat: each tutor with a linked chat and tentative lessons later today, once per
    local day, within the digest window after MORNING_CONFIRM_CRON local time."""
    hour, minute = notifications.parse_morning_cron(get_settings().morning_confirm_cron)
    made = 0
    with session_scope(write=True) as session:
        for tutor in notify_repo.users_with_chat(session=session):
            tz = timefmt.zone_or_utc(tutor.timezone)
            local = now.astimezone(tz)
            due = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
            if not (due <= local < due + notifications.DIGEST_WINDOW):
                continue
            kind = NotificationKind.tutor_tentative.key(local.date().isoformat())
            if notify_repo.has_user_notification(session=session, user_id=tutor.id or 0, kind=kind):
                continue
            _start, end = _local_day(now, tz)
            lines = repo.tentative_between(
                session=session, tutor_id=tutor.id or 0, start=now, end=end
            )
            if not lines:
                continue
            body = texts.tentative_digest(
                [
                    texts.digest_line(
                        x.lesson.starts_at, tz, x.lesson.title or x.service_name or "Lesson",
                        f"{x.seats} booked",
                    )
                    for x in lines
                ],
                deadline_hours(),
            )  # fmt: skip
            notify_repo.upsert(
                session=session, booking_id=None, kind=kind, user_id=tutor.id,
                chat_id=tutor.telegram_chat_id, body=body, send_at=now, now=now,
            )  # fmt: skip
            made += 1
    return made
