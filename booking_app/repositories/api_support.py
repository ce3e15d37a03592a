"""Data versions and idempotency records (models/api_support.py). Keyword-only session;
never commits: the caller's transaction decides. The data version statements run on the
session's connection (Core, no autoflush), because the listener that calls them runs
inside a flush or a commit (services/data_versions.py)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from booking_app.models import Booking, DataVersion, IdempotencyRecord, Lesson, Service


def bump_versions(*, session: Session, user_ids: Iterable[int], at: datetime) -> None:
    """+1 on each user's counter (created at 1) and `changed_at` = `at`: one upsert, safe
    under concurrency (ON CONFLICT on both SQLite and PostgreSQL, so two first writes never
    collide). Runs on the session's connection: it is called from the session's commit hook."""
    ids = sorted(set(user_ids))  # a fixed order: two transactions never wait on each other
    if not ids:
        return
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = DataVersion.__table__  # type: ignore[attr-defined]
    stmt = insert(table).values([{"user_id": uid, "version": 1, "changed_at": at} for uid in ids])
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.user_id],
        set_={"version": table.c.version + 1, "changed_at": stmt.excluded.changed_at},
    )
    session.connection().execute(stmt)


def _ids(session: Session, query: sa.Select[Any]) -> set[int]:
    return {int(uid) for (uid,) in session.connection().execute(query) if uid is not None}


def lesson_people(*, session: Session, lesson_ids: Iterable[int]) -> set[int]:
    """The tutors of these lessons and every student booked into them, whatever the
    booking's status (a student's feed keeps cancelled bookings for a while)."""
    ids = sorted({i for i in lesson_ids if i is not None})
    if not ids:
        return set()
    tutors = sa.select(Lesson.tutor_id).where(Lesson.id.in_(ids))  # type: ignore[union-attr]
    students = sa.select(Booking.student_id).where(Booking.lesson_id.in_(ids))
    return _ids(session, sa.union(tutors, students))  # type: ignore[arg-type]


def service_people(*, session: Session, service_ids: Iterable[int]) -> set[int]:
    """The tutors of these services and every student booked into one of their lessons."""
    ids = sorted({i for i in service_ids if i is not None})
    if not ids:
        return set()
    tutors = sa.select(Service.tutor_id).where(Service.id.in_(ids))  # type: ignore[union-attr]
    students = (
        sa.select(Booking.student_id)
        .join(Lesson, Lesson.id == Booking.lesson_id)
        .where(Lesson.service_id.in_(ids))  # type: ignore[union-attr]
    )
    return _ids(session, sa.union(tutors, students))  # type: ignore[arg-type]


def tutors_students(*, session: Session, tutor_ids: Iterable[int]) -> set[int]:
    """Every student who ever booked one of these tutors."""
    ids = sorted({i for i in tutor_ids if i is not None})
    if not ids:
        return set()
    return _ids(session, sa.select(Booking.student_id).where(Booking.tutor_id.in_(ids)).distinct())


# Built once (building the expression costs about as much as SQLite's answer).
_VERSION_OF = sa.select(DataVersion.version).where(DataVersion.user_id == sa.bindparam("uid"))


def version_of(*, session: Session, user_id: int) -> int:
    """The user's counter (0 before their first write): one primary-key read, on the
    session's connection (Core, not the ORM's execute). The week calendar's 304 answer
    reads it with the credential instead (user_sessions.active_session_user_version)."""
    found = session.connection().execute(_VERSION_OF, {"uid": user_id}).scalar_one_or_none()
    return int(found or 0)


def idempotency_record(*, session: Session, scope: str, key: str) -> IdempotencyRecord | None:
    return session.exec(
        select(IdempotencyRecord).where(
            IdempotencyRecord.scope == scope, IdempotencyRecord.key == key
        )
    ).first()


def add_idempotency_record(*, session: Session, row: IdempotencyRecord) -> IdempotencyRecord:
    """Insert and flush: a second claim of the same (scope, key) fails here with an
    IntegrityError (PostgreSQL waits for the first claim's transaction to end first)."""
    session.add(row)
    session.flush()
    return row
