"""Weekly windows, date overrides, busy blocks and the rules on the tutor's profile.

Keyword-only session; never commits. Every query is scoped by ``tutor_id`` so another
tutor's rows are simply not found (the service turns that into NotFound).
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import NamedTuple

import sqlalchemy as sa
from sqlmodel import Session, select

from booking_app.models import (
    AvailabilityOverride,
    AvailabilityWindow,
    Booking,
    BookingStatus,
    BusyBlock,
    Lesson,
    LessonStatus,
    TutorProfile,
    User,
)

WallWindow = tuple[time, time]


class ProfileWithZone(NamedTuple):
    profile: TutorProfile
    timezone: str


def get_profile(*, session: Session, tutor_id: int) -> ProfileWithZone | None:
    """The tutor's profile and time zone, or None if ``tutor_id`` is not a tutor."""
    query = (
        select(TutorProfile, User.timezone)
        .join(User, User.id == TutorProfile.user_id)
        .where(TutorProfile.user_id == tutor_id)
    )
    row = session.exec(query).first()
    return ProfileWithZone(row[0], row[1]) if row is not None else None


def list_windows(*, session: Session, tutor_id: int) -> list[AvailabilityWindow]:
    query = (
        select(AvailabilityWindow)
        .where(AvailabilityWindow.tutor_id == tutor_id)
        .order_by(AvailabilityWindow.weekday, AvailabilityWindow.start_time, AvailabilityWindow.id)
    )
    return list(session.exec(query))


def replace_windows(
    *, session: Session, tutor_id: int, windows: list[tuple[int, time, time]]
) -> None:
    """Delete every weekly window of the tutor and add ``windows`` instead."""
    session.execute(sa.delete(AvailabilityWindow).where(AvailabilityWindow.tutor_id == tutor_id))
    session.add_all(
        AvailabilityWindow(tutor_id=tutor_id, weekday=weekday, start_time=start, end_time=end)
        for weekday, start, end in windows
    )
    session.flush()


def list_overrides(
    *, session: Session, tutor_id: int, first_day: date, day: date | None = None
) -> list[AvailabilityOverride]:
    """Override rows from ``first_day`` on (or of ``day`` only), by date and start."""
    query = select(AvailabilityOverride).where(
        AvailabilityOverride.tutor_id == tutor_id, AvailabilityOverride.day >= first_day
    )
    if day is not None:
        query = query.where(AvailabilityOverride.day == day)
    query = query.order_by(
        AvailabilityOverride.day, AvailabilityOverride.start_time, AvailabilityOverride.id
    )
    return list(session.exec(query))


def delete_override(*, session: Session, tutor_id: int, day: date) -> int:
    """Remove the override of ``day``; returns how many rows it had."""
    result = session.execute(
        sa.delete(AvailabilityOverride).where(
            AvailabilityOverride.tutor_id == tutor_id, AvailabilityOverride.day == day
        )
    )
    return result.rowcount or 0


def replace_override(
    *, session: Session, tutor_id: int, day: date, windows: list[WallWindow]
) -> None:
    """Make ``windows`` the hours of ``day``; no windows = closed (one row without times)."""
    delete_override(session=session, tutor_id=tutor_id, day=day)
    if windows:
        rows = [
            AvailabilityOverride(tutor_id=tutor_id, day=day, start_time=start, end_time=end)
            for start, end in windows
        ]
    else:
        rows = [AvailabilityOverride(tutor_id=tutor_id, day=day)]
    session.add_all(rows)
    session.flush()


class BookedLesson(NamedTuple):
    starts_at: datetime
    ends_at: datetime
    title: str
    students: int  # active bookings (pending or confirmed)


def booked_lessons_between(
    *, session: Session, tutor_id: int, start: datetime, end: datetime
) -> list[BookedLesson]:
    """Lessons overlapping ``[start, end)`` that someone holds a seat in (a pending or
    confirmed booking), not cancelled, by start; the seats are counted in SQL."""
    active = (BookingStatus.pending, BookingStatus.confirmed)
    seats = sa.func.count(Booking.id)
    query = (
        sa.select(Lesson.starts_at, Lesson.ends_at, Lesson.title, seats)
        .join(Booking, Booking.lesson_id == Lesson.id)
        .where(
            Lesson.tutor_id == tutor_id,
            Lesson.starts_at < end,
            Lesson.ends_at > start,
            Lesson.status != LessonStatus.cancelled,
            Booking.status.in_(active),
        )
        .group_by(Lesson.id, Lesson.starts_at, Lesson.ends_at, Lesson.title)
        .order_by(Lesson.starts_at, Lesson.id)
    )
    return [BookedLesson(*row) for row in session.execute(query)]


def upcoming_busy_blocks(*, session: Session, tutor_id: int, after: datetime) -> list[BusyBlock]:
    """The tutor's own busy blocks ending after ``after``, by start. Rows imported from a
    connected calendar are left out: there may be thousands, and the "Connected
    calendars" page sums them up per source (issue 17)."""
    query = (
        select(BusyBlock)
        .where(
            BusyBlock.tutor_id == tutor_id,
            BusyBlock.ends_at > after,
            BusyBlock.calendar_source_id.is_(None),  # type: ignore[union-attr]
        )
        .order_by(BusyBlock.starts_at, BusyBlock.id)
    )
    return list(session.exec(query))


def add_busy_block(*, session: Session, block: BusyBlock) -> BusyBlock:
    session.add(block)
    session.flush()
    return block


def delete_busy_block(*, session: Session, tutor_id: int, block_id: int) -> bool:
    """Delete the tutor's block; False if there is none with that id (or it isn't theirs)."""
    result = session.execute(
        sa.delete(BusyBlock).where(
            BusyBlock.id == block_id,
            BusyBlock.tutor_id == tutor_id,
            BusyBlock.calendar_source_id.is_(None),  # type: ignore[union-attr]
        )
    )
    return bool(result.rowcount)


def busy_block(*, session: Session, tutor_id: int, block_id: int) -> BusyBlock | None:
    """The tutor's own busy block, or None (also when it is another tutor's, or imported
    from a connected calendar: the next refresh would bring it back, so it is changed
    in that calendar)."""
    block = session.get(BusyBlock, block_id)
    if block is None or block.tutor_id != tutor_id or block.calendar_source_id is not None:
        return None
    return block
