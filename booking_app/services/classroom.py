"""The lesson room: who may enter, when "Join" opens, the video link, notes, tutor actions.

ACL (one place): the lesson's tutor and its students holding a seat (confirmed, or
completed/no-show once it happened) may see the room; for everyone else the room does
not exist (LessonNotFound, never a 403 that confirms it does). Every function re-checks
it: the pages only call these.

Rooms are 1:1 with lessons (`ClassroomSession.session_uuid` in the URL). Confirming a
booking creates the room; `open_room` backfills one for older lessons that have none.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from booking_app.config import get_settings
from booking_app.db import read_scope, session_scope
from booking_app.models import ClassroomSession, Lesson, LessonMode, LessonStatus
from booking_app.repositories import bookings as bookings_repo
from booking_app.repositories import classroom as repo
from booking_app.repositories import lessons as lessons_repo
from booking_app.scheduling import can_join, seconds_until_join
from booking_app.services import timefmt
from booking_app.services.errors import (
    LessonCompleted,
    LessonNotFound,
    NoSeat,
    ValidationFailed,
)
from booking_app.services.lessons import outcome
from booking_app.services.notes_merge import merge3

MAX_NOTES = 20_000
CHANNEL_PREFIX = "room-"


@dataclass(frozen=True)
class RoomStudent:
    booking_id: int
    name: str
    status: str


@dataclass(frozen=True)
class RoomView:
    session_uuid: str
    channel: str  # the SharedState token of the room's live notes (derived after the ACL)
    lesson_id: int
    title: str
    label: str  # in the viewer's zone
    starts_at: str  # UTC ISO
    ends_at: str
    status: str
    mode: str
    location: str
    tutor_name: str
    is_tutor: bool
    can_join: bool
    opens_in_seconds: int
    seconds_left: int
    has_started: bool
    video_url: str
    shared_notes: str
    notes_version: int
    lesson_notes: str  # the tutor's private notes; "" for students
    students: tuple[RoomStudent, ...]  # the seats, for the tutor only; () for students


@dataclass(frozen=True)
class NotesState:
    text: str
    version: int


def join_window_minutes() -> int:
    return get_settings().join_window_minutes


def lesson_can_join(lesson: Lesson | Any, now: datetime) -> bool:
    """The product rule: open from JOIN_WINDOW_MINUTES before the start until the end."""
    if lesson.status == LessonStatus.cancelled:
        return False
    return can_join(lesson.starts_at, lesson.ends_at, now, join_window_minutes())


def channel_token(session_uuid: str) -> str:
    """SharedState tokens may not contain `_` (or `-`, kept simple): hex digits only."""
    return CHANNEL_PREFIX + "".join(c for c in session_uuid.lower() if c in "0123456789abcdef")


def video_url(room: ClassroomSession, lesson: Lesson) -> str:
    if lesson.mode is LessonMode.offline:
        return ""
    if lesson.meeting_url:
        return lesson.meeting_url
    return get_settings().video_url_template.format(session_uuid=room.session_uuid)


def is_participant(session: Session, lesson: Lesson, user_id: int) -> bool:
    if user_id <= 0:
        return False
    if lesson.tutor_id == user_id:
        return True
    return repo.is_booked_student(session=session, lesson_id=lesson.id or 0, student_id=user_id)


def _room_for(session: Session, session_uuid: str, user_id: int) -> tuple[ClassroomSession, Lesson]:
    found = repo.room_by_uuid(session=session, session_uuid=(session_uuid or "").strip().lower())
    if found is None or not is_participant(session, found[1], user_id):
        raise LessonNotFound()
    return found


def _tutor_room(
    session: Session, session_uuid: str, tutor_id: int
) -> tuple[ClassroomSession, Lesson]:
    room, lesson = _room_for(session, session_uuid, tutor_id)
    if lesson.tutor_id != tutor_id:
        raise LessonNotFound()  # a student of the lesson: tutor actions do not exist for them
    return room, lesson


def open_room(lesson_id: int, *, user_id: int, now: datetime) -> str:
    """The room's session_uuid for a participant, creating the room if the lesson has none.

    Cancelled lessons have no room. The backfill is idempotent: the unique lesson_id
    makes a racing second insert fail, and we then read the winner's room.
    """
    with read_scope() as session:
        lesson = lessons_repo.get_lesson(session=session, lesson_id=lesson_id)
        if lesson is None or not is_participant(session, lesson, user_id):
            raise LessonNotFound()
        if lesson.status is LessonStatus.cancelled:
            raise LessonNotFound("This lesson was cancelled.")
        room = repo.room_of_lesson(session=session, lesson_id=lesson_id)
        if room is not None:
            return room.session_uuid
    try:
        with session_scope(write=True) as session:
            return repo.ensure_room(session=session, lesson_id=lesson_id, at=now).session_uuid
    except IntegrityError:
        with read_scope() as session:
            room = repo.room_of_lesson(session=session, lesson_id=lesson_id)
            assert room is not None
            return room.session_uuid


def _view(
    session: Session,
    room: ClassroomSession,
    lesson: Lesson,
    user_id: int,
    now: datetime,
    tz: ZoneInfo,
) -> RoomView:
    is_tutor = lesson.tutor_id == user_id
    # Only the tutor's page lists the seats (names, booking ids, statuses); a student's
    # view never carries their classmates: the API and the room state send this as is.
    students = (
        tuple(
            RoomStudent(b.id or 0, name or "", b.status.value)
            for b, name in repo.lesson_students(session=session, lesson_id=lesson.id or 0)
        )
        if is_tutor
        else ()
    )
    left = int((lesson.ends_at - max(now, lesson.starts_at)).total_seconds())
    return RoomView(
        session_uuid=room.session_uuid,
        channel=channel_token(room.session_uuid),
        lesson_id=lesson.id or 0,
        title=lesson.title or "Lesson",
        label=timefmt.span_label(lesson.starts_at, lesson.ends_at, tz),
        starts_at=timefmt.iso_utc(lesson.starts_at),
        ends_at=timefmt.iso_utc(lesson.ends_at),
        status=lesson.status.value,
        mode=lesson.mode.value,
        location=lesson.location or "",
        tutor_name=repo.user_name(session=session, user_id=lesson.tutor_id),
        is_tutor=is_tutor,
        can_join=lesson_can_join(lesson, now),
        opens_in_seconds=seconds_until_join(lesson.starts_at, now, join_window_minutes()),
        seconds_left=max(0, left),
        has_started=now >= lesson.starts_at,
        video_url=video_url(room, lesson),
        shared_notes=room.shared_notes,
        notes_version=room.notes_version,
        lesson_notes=lesson.notes if is_tutor else "",
        students=students,
    )


def get_room(session_uuid: str, *, user_id: int, now: datetime, viewer_tz: str = "UTC") -> RoomView:
    with read_scope() as session:
        room, lesson = _room_for(session, session_uuid, user_id)
        return _view(session, room, lesson, user_id, now, timefmt.zone_or_utc(viewer_tz))


def save_notes(
    session_uuid: str,
    *,
    user_id: int,
    text: str,
    base_text: str,
    base_version: int,
    now: datetime,
) -> NotesState:
    """Store a participant's notes; see services/notes_merge.py for the merge rule.

    The row is locked (PostgreSQL FOR UPDATE, SQLite BEGIN IMMEDIATE) so two saves are
    serialized and each merges against what the other wrote.
    """
    text = (text or "").replace("\r\n", "\n")
    if len(text) > MAX_NOTES:
        raise ValidationFailed({"notes": f"Notes are limited to {MAX_NOTES} characters."})
    with session_scope(write=True) as session:
        found, _lesson = _room_for(session, session_uuid, user_id)
        room = repo.lock_room(session=session, room_id=found.id or 0)
        assert room is not None
        if room.notes_version == base_version:
            merged = text
        else:
            merged = merge3((base_text or "").replace("\r\n", "\n"), text, room.shared_notes)
        if merged != room.shared_notes:
            room.shared_notes = merged[:MAX_NOTES]
            room.notes_version += 1
            session.flush()
        return NotesState(room.shared_notes, room.notes_version)


def mark_completed(session_uuid: str, *, tutor_id: int, now: datetime) -> None:
    """Lesson -> completed; the seats still confirmed -> completed (no-shows stay). The
    outcome rules (after start, the edit window) are services/lessons/outcome.py's."""
    with session_scope(write=True) as session:
        _room, lesson = _tutor_room(session, session_uuid, tutor_id)
        if lesson.status is LessonStatus.completed:
            raise LessonCompleted("This lesson is already marked completed.")
        outcome.apply_outcome(session, lesson, "held", now=now, only_unmarked=True)


def mark_no_show(session_uuid: str, *, tutor_id: int, booking_id: int, now: datetime) -> None:
    """One seat: the student did not come (the outcome service's rules)."""
    with session_scope(write=True) as session:
        _room, lesson = _tutor_room(session, session_uuid, tutor_id)
        if not booking_id:
            raise NoSeat()
        outcome.apply_outcome(
            session, lesson, "student_no_show", booking_id=booking_id, now=now, close=False
        )


def save_lesson_notes(session_uuid: str, *, tutor_id: int, text: str, now: datetime) -> str:
    """The tutor's private notes, saved with the lesson (students never see them)."""
    text = (text or "").strip()
    if len(text) > MAX_NOTES:
        raise ValidationFailed({"lesson_notes": f"Notes are limited to {MAX_NOTES} characters."})
    with session_scope(write=True) as session:
        _room, lesson = _tutor_room(session, session_uuid, tutor_id)
        lesson.notes, lesson.updated_at = text, now
        session.flush()
        return lesson.notes


def lesson_of_booking(token: str, *, user_id: int) -> int:
    """The lesson of the booking behind a private link, for that booking's student or
    tutor only (LessonNotFound for anyone else: the link alone opens no room)."""
    with read_scope() as session:
        booking = bookings_repo.by_token(session=session, token=(token or "")[:64])
        if booking is None or user_id not in (booking.student_id, booking.tutor_id):
            raise LessonNotFound()
        return booking.lesson_id
