"""Push a tutor's lessons to their CalDAV calendar (issue 17, item 4).

The outbox: ``mark_changed`` runs inside every schedule write (``locked_schedule``) and
adds ONE pending ``calendar_push`` row per CalDAV account (none if one is pending
already), in the transaction of the change, so a rolled-back booking pushes nothing.
Celery's ``send`` claims the row and then re-reads everything right before talking to
the server: the lessons someone holds a seat in (the horizon ahead) against
``calendar_pushed_event`` (what we last put there). New or changed lessons are PUT
under a stable UID (same resource, so a move updates the event), lessons cancelled or
emptied are DELETEd. Because the row only says "look again", a burst of changes is one
push, a late push sends the current truth, and sending twice changes nothing.

Deleted on their side: each push lists the calendar's resources (one PROPFIND) and
re-creates the events of lessons that still take place: the lesson is the truth, and a
tutor who deletes it in their calendar app has not cancelled it for the student. The
page reports how many were re-created. Cancel in TutorBook to remove a lesson.

Failures never block booking (the row is written, nothing waits for it): the row goes
back to pending with a doubling delay and the account's ``push_error`` is shown.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import unquote, urlsplit

import icalendar
import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session

from booking_app.config import get_settings
from booking_app.db import read_scope, session_scope
from booking_app.integrations import caldav_client
from booking_app.models import (
    CalendarPush,
    CalendarPushedEvent,
    CalendarSource,
    Lesson,
    LessonStatus,
)
from booking_app.repositories import calendar_sources as repo
from booking_app.repositories.calendar_sources import PushLesson
from booking_app.services.calendar_sources import OUR_UID_SUFFIX, account_of

PRODID = "-//TutorBook//Lessons//EN"
MAX_BACKOFF = timedelta(hours=6)
FIRST_RETRY = timedelta(minutes=1)
PAST = timedelta(days=1)
SENDING = "sending"
SEND_LEASE = timedelta(minutes=5)  # lessons this far back are still kept in step


def mark_changed(session: Session, tutor_id: int | None, now: datetime | None) -> None:
    """Called by every schedule write (see module doc): one pending row per account."""
    if not tutor_id:
        return
    for source_id in repo.push_targets(session=session, tutor_id=tutor_id):
        repo.ensure_push(session=session, source_id=source_id, send_after=now or _epoch())


def _epoch() -> datetime:
    return datetime(1970, 1, 1, tzinfo=UTC)


def due(now: datetime, *, limit: int = 100) -> list[int]:
    with read_scope() as session:
        return repo.due_pushes(session=session, now=now, limit=limit)


def lesson_uid(lesson_id: int) -> str:
    return f"lesson-{lesson_id}{OUR_UID_SUFFIX}"


def fingerprint(lesson: PushLesson) -> str:
    text = (
        f"{lesson.starts_at.isoformat()}|{lesson.ends_at.isoformat()}|{lesson.title}|{lesson.seats}"
    )
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def event_ical(lesson: PushLesson, now: datetime) -> str:
    """One VEVENT in UTC (no VTIMEZONE needed); SEQUENCE from the clock only grows."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    event = icalendar.Event()
    event.add("uid", lesson_uid(lesson.id))
    event.add("dtstamp", now.astimezone(UTC))
    event.add("dtstart", lesson.starts_at.astimezone(UTC))
    event.add("dtend", lesson.ends_at.astimezone(UTC))
    students = f"{lesson.seats} student" + ("s" if lesson.seats != 1 else "")
    event.add("summary", f"{lesson.title or 'Lesson'} ({students})")
    event.add("sequence", int(now.timestamp()) // 60)
    calendar.add_component(event)
    return calendar.to_ical().decode()


@dataclass(frozen=True, slots=True)
class _Plan:
    source: CalendarSource
    lessons: list[PushLesson]
    pushed: dict[int, CalendarPushedEvent]


def _claim(push_id: int, now: datetime) -> bool:
    """Take the row: pending, and no other send of the same account under way (two
    workers pushing one account at once would race on what the server holds). A
    send's ``send_after`` becomes its lease, so a killed worker blocks the account for
    SEND_LEASE at most; its work is redone by the next pending row (every refresh of
    the account adds one)."""
    other = aliased(CalendarPush)
    busy = (
        sa.select(other.id)
        .where(
            other.source_id == CalendarPush.source_id,
            other.status == SENDING,
            other.send_after > now,
        )
        .exists()
    )
    with session_scope(write=True) as session:
        result = session.execute(
            sa.update(CalendarPush)
            .where(CalendarPush.id == push_id, CalendarPush.status == repo.PENDING, ~busy)
            .values(status=SENDING, send_after=now + SEND_LEASE)
        )
        return bool(result.rowcount)


def _plan(push_id: int, now: datetime) -> _Plan | None:
    horizon = timedelta(days=get_settings().calendar_horizon_days)
    with read_scope() as session:
        push = session.get(CalendarPush, push_id)
        source = repo.get(session=session, source_id=push.source_id) if push else None
        if source is None or not source.push_calendar:
            return None
        lessons = repo.lessons_to_push(
            session=session, tutor_id=source.tutor_id, after=now - PAST, before=now + horizon
        )
        pushed = {
            p.lesson_id: p for p in repo.pushed_events(session=session, source_id=source.id or 0)
        }
        for row in pushed.values():
            session.expunge(row)
        session.expunge(source)
        return _Plan(source, lessons, pushed)


def send(push_id: int, *, now: datetime) -> str:
    """Claim the row, re-read, push the difference; "sent", "failed" or "skipped"."""
    if not _claim(push_id, now):
        return "skipped"
    plan = _plan(push_id, now)
    if plan is None:
        _finish(push_id, now, error=None, source_id=None)
        return "skipped"
    source = plan.source
    put: dict[int, tuple[str, str]] = {}  # lesson id -> (href, fingerprint)
    dropped: list[int] = []
    recreated = 0
    try:
        account = account_of(source)
        calendar_url = source.push_calendar or ""
        present = caldav_client.hrefs(account, calendar_url) if plan.pushed else set()
        wanted = {lesson.id for lesson in plan.lessons}
        for lesson in plan.lessons:
            known = plan.pushed.get(lesson.id)
            gone = known is not None and not _present(known.href, present)
            if known is None or known.fingerprint != fingerprint(lesson) or gone:
                href = caldav_client.put_event(account, calendar_url, event_ical(lesson, now))
                put[lesson.id] = (href, fingerprint(lesson))
                recreated += int(gone and known.fingerprint == fingerprint(lesson))  # type: ignore[union-attr]
        for lesson_id, known in plan.pushed.items():
            if lesson_id not in wanted and not _in_past(known, plan, now):
                caldav_client.delete_event(account, known.href)
                dropped.append(lesson_id)
    except caldav_client.CaldavError as exc:
        _record(source.id or 0, put, dropped)
        _finish(push_id, now, error=str(exc), source_id=source.id)
        return "failed"
    _record(source.id or 0, put, dropped)
    note = f"Re-created {recreated} lesson(s) deleted in the calendar." if recreated else None
    _finish(push_id, now, error=None, source_id=source.id, note=note)
    return "sent"


def _present(href: str, present: set[str]) -> bool:
    """Servers answer hrefs as paths or full URLs: compare by path."""
    path = unquote(urlsplit(href).path)
    return any(unquote(urlsplit(p).path) == path for p in present)


def _in_past(known: CalendarPushedEvent, plan: _Plan, now: datetime) -> bool:
    """A lesson no longer wanted only because it is over stays in their calendar."""
    return known.lesson_id not in {x.id for x in plan.lessons} and _lesson_over(
        known.lesson_id, now
    )


def _lesson_over(lesson_id: int, now: datetime) -> bool:
    with read_scope() as session:
        lesson = session.get(Lesson, lesson_id)
        return (
            lesson is not None
            and lesson.status is not LessonStatus.cancelled
            and lesson.ends_at <= now - PAST
        )


def _record(source_id: int, put: dict[int, tuple[str, str]], dropped: list[int]) -> None:
    """Remember what the server now holds (also after a partial failure)."""
    if not put and not dropped:
        return
    with session_scope(write=True) as session:
        rows = {p.lesson_id: p for p in repo.pushed_events(session=session, source_id=source_id)}
        for lesson_id, (href, print_) in put.items():
            row = rows.get(lesson_id)
            if row is None:
                session.add(
                    CalendarPushedEvent(
                        source_id=source_id, lesson_id=lesson_id, uid=lesson_uid(lesson_id),
                        href=href, fingerprint=print_,
                    )
                )  # fmt: skip
            else:
                row.href, row.fingerprint = href, print_
        for lesson_id in dropped:
            if lesson_id in rows:
                session.delete(rows[lesson_id])


def backoff(attempts: int) -> timedelta:
    return min(FIRST_RETRY * (2 ** max(0, attempts - 1)), MAX_BACKOFF)


def _finish(
    push_id: int,
    now: datetime,
    *,
    error: str | None,
    source_id: int | None,
    note: str | None = None,
) -> None:
    """Sent: done. Failed: pending again with a delay, unless a newer pending row
    already covers it (then this one is closed as superseded)."""
    with session_scope(write=True) as session:
        push = session.get(CalendarPush, push_id)
        if push is None:
            return
        source = repo.get(session=session, source_id=source_id) if source_id else None
        if error is None:
            push.status, push.sent_at, push.last_error = repo.SENT, now, None
            if source is not None:
                source.push_error, source.pushed_at = note, now
            return
        push.attempts += 1
        push.last_error = error[:1000]
        if source is not None:
            source.push_error = error[:1000]
        newer = repo.pending_push(session=session, source_id=push.source_id)
        if newer is not None:
            push.status = "failed"
            newer.send_after = max(newer.send_after, now + backoff(push.attempts))
        else:
            push.status, push.send_after = repo.PENDING, now + backoff(push.attempts)
