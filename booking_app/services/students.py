"""My Students (tutor): the classroom's members, search, paging, remove, lessons for them.

A lesson is created FOR a student only while they are an ACTIVE member of the tutor's
classroom (seed contract `not_a_member` otherwise): membership is what a confirmed trial
or an accepted invite grants, and removal takes it away.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from booking_app.db import read_scope, session_scope
from booking_app.models import (
    Lesson,
    LessonMode,
    LessonStatus,
    LessonType,
    MembershipStatus,
)
from booking_app.repositories import classroom as repo
from booking_app.repositories import invites as invites_repo
from booking_app.repositories import lessons as lessons_repo
from booking_app.services import timefmt
from booking_app.services.booking.seats import add_tutor_seat
from booking_app.services.errors import (
    AlreadyRemoved,
    NotAMember,
    NotFound,
    ValidationFailed,
)
from booking_app.services.schedule_write import locked_schedule
from booking_app.services.validation import FieldError

PAGE_SIZES = (10, 20, 50)
NOT_A_TUTOR = "Only tutors have students."


@dataclass(frozen=True)
class StudentView:
    student_id: int
    name: str
    email: str
    status: str  # invited | active | removed
    next_lesson_id: int  # 0 = none
    next_lesson_label: str


@dataclass(frozen=True)
class StudentsPage:
    rows: tuple[StudentView, ...]
    total: int
    page: int
    page_size: int
    pages: int


@dataclass(frozen=True)
class CreatedLesson:
    lesson_id: int
    session_uuid: str
    label: str


def _tutor_zone(session: object, tutor_id: int) -> ZoneInfo:
    name = lessons_repo.tutor_timezone(session=session, tutor_id=tutor_id)  # type: ignore[arg-type]
    if name is None:
        raise NotFound(NOT_A_TUTOR)
    return timefmt.zone_or_utc(name)


def _views(
    session, tutor_id: int, tz: ZoneInfo, rows: list, now: datetime
) -> tuple[StudentView, ...]:  # type: ignore[no-untyped-def,type-arg]
    ids = [user.id or 0 for _m, user in rows]
    nxt = repo.next_lessons(session=session, tutor_id=tutor_id, student_ids=ids, after=now)
    out = []
    for membership, user in rows:
        lesson = nxt.get(user.id or 0)
        out.append(
            StudentView(
                student_id=user.id or 0,
                name=user.name,
                email=user.email,
                status=membership.status.value,
                next_lesson_id=lesson.id or 0 if lesson else 0,
                next_lesson_label=timefmt.span_label(lesson.starts_at, lesson.ends_at, tz)
                if lesson
                else "",
            )
        )
    return tuple(out)


def list_students(
    tutor_id: int, *, query: str = "", page: int = 1, page_size: int = 10, now: datetime
) -> StudentsPage:
    """One page of the classroom's students matching ``query`` (name words or email)."""
    page_size = page_size if page_size in PAGE_SIZES else PAGE_SIZES[0]
    text = (query or "").strip()[:100]
    with read_scope() as session:
        tz = _tutor_zone(session, tutor_id)
        total = repo.member_count(session=session, tutor_id=tutor_id, text=text)
        pages = max(1, -(-total // page_size))
        page = min(max(1, int(page)), pages)
        rows = repo.member_rows(
            session=session,
            tutor_id=tutor_id,
            text=text,
            limit=page_size,
            offset=(page - 1) * page_size,
        )
        views = _views(session, tutor_id, tz, rows, now)
    return StudentsPage(views, total, page, page_size, pages)


MAX_LIMIT = 100


@dataclass(frozen=True)
class StudentsWindow:
    """`limit`/`offset` paging (the API's seed-003 contract; the page uses pages)."""

    rows: tuple[StudentView, ...]
    total: int
    limit: int
    offset: int


def students_window(
    tutor_id: int, *, query: str = "", limit: int = 10, offset: int = 0, now: datetime
) -> StudentsWindow:
    """Up to ``limit`` (1..MAX_LIMIT) students from ``offset``, same search and order."""
    limit, offset = min(max(1, int(limit)), MAX_LIMIT), max(0, int(offset))
    text = (query or "").strip()[:100]
    with read_scope() as session:
        tz = _tutor_zone(session, tutor_id)
        total = repo.member_count(session=session, tutor_id=tutor_id, text=text)
        rows = repo.member_rows(
            session=session, tutor_id=tutor_id, text=text, limit=limit, offset=offset
        )
        views = _views(session, tutor_id, tz, rows, now)
    return StudentsWindow(views, total, limit, offset)


def remove_student(tutor_id: int, student_id: int, *, now: datetime) -> None:
    """Membership -> removed; every invite link of this tutor the student already used
    stops working for them (invite_revoked), so replaying one cannot undo the removal.
    Their bookings stay; a link they have not used (a new one) can bring them back.

    The membership row is locked, as invite redemptions lock it: an accept racing this
    removal runs wholly before or wholly after it."""
    with session_scope(write=True) as session:
        membership = repo.lock_membership(session=session, tutor_id=tutor_id, student_id=student_id)
        if membership is None:
            raise NotFound("This student is not in your classroom.")
        if membership.status is MembershipStatus.removed:
            raise AlreadyRemoved()
        membership.status = MembershipStatus.removed
        invites_repo.revoke_redemptions(
            session=session, tutor_id=tutor_id, user_id=student_id, at=now
        )
        session.flush()


def _clean(
    start_local: str, duration_min: int | str, title: str, tz: ZoneInfo
) -> tuple[datetime, datetime, str]:
    errors: dict[str, str] = {}
    start: datetime | None = None
    minutes = 0
    try:
        start = timefmt.parse_local(start_local, tz)
    except FieldError as exc:
        errors["start_local"] = str(exc)
    try:
        minutes = int(str(duration_min).strip())
        if not 15 <= minutes <= 480:
            raise ValueError
    except ValueError:
        errors["duration_min"] = "Duration must be 15 to 480 minutes."
    clean_title = (title or "").strip()
    if len(clean_title) > 200:
        errors["title"] = "At most 200 characters."
    if errors:
        raise ValidationFailed(errors)
    assert start is not None
    return start, start + timedelta(minutes=minutes), clean_title or "Lesson"


def create_lesson_for_student(
    tutor_id: int,
    student_id: int,
    *,
    start_local: str,
    duration_min: int | str,
    title: str,
    now: datetime,
) -> CreatedLesson:
    """An individual online lesson with the student's confirmed seat and its room.

    One transaction under the tutor's lock: membership re-checked (NotAMember), the
    span checked by the engine's tutor rule (overlaps/buffer), then lesson + booking +
    room are written together.
    """
    with read_scope() as session:
        tz = _tutor_zone(session, tutor_id)
    start, end, clean_title = _clean(start_local, duration_min, title, tz)
    if start <= now:
        raise ValidationFailed({"start_local": "This time has already passed."})
    with locked_schedule(tutor_id, by_tutor=True) as write:
        session = write.session
        if not repo.is_active_member(session=session, tutor_id=tutor_id, student_id=student_id):
            raise NotAMember()
        write.refuse(write.span_verdict(start, end))
        student = repo.get_user(session=session, user_id=student_id)
        assert student is not None
        lesson = lessons_repo.add_lesson(
            session=session,
            lesson=Lesson(
                tutor_id=tutor_id,
                title=clean_title,
                starts_at=start,
                ends_at=end,
                lesson_type=LessonType.individual,
                capacity=1,
                mode=LessonMode.online,
                status=LessonStatus.scheduled,
                created_at=now,
                updated_at=now,
            ),
        )
        add_tutor_seat(write, lesson, student, now)
        room = repo.ensure_room(session=session, lesson_id=lesson.id or 0, at=now)
        return CreatedLesson(lesson.id or 0, room.session_uuid, timefmt.span_label(start, end, tz))
