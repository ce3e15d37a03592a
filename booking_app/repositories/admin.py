"""Admin searches and reference counts (users, tutors, subjects). Keyword-only session;
never commits. Counts are SQL COUNTs, pages are LIMIT/OFFSET."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from booking_app.models import (
    Booking,
    Lesson,
    Notification,
    Role,
    Service,
    Subject,
    TutorProfile,
    TutorSubject,
    User,
)
from booking_app.repositories.text_search import contains


def _user_filter(q: str, role: Role | None) -> list[Any]:
    where: list[Any] = []
    if q:
        where.append(sa.or_(contains(User.name, q), contains(User.email, q)))
    if role is not None:
        where.append(User.role == role)
    return where


def users_page(
    *, session: Session, q: str, role: Role | None, limit: int, offset: int
) -> tuple[int, list[User]]:
    where = _user_filter(q, role)
    total = session.execute(sa.select(sa.func.count()).select_from(User).where(*where))
    rows = session.execute(
        sa.select(User).where(*where).order_by(User.id).limit(limit).offset(offset)  # type: ignore[arg-type]
    )
    return int(total.scalar_one()), list(rows.scalars())


def tutors_page(
    *, session: Session, q: str, limit: int, offset: int
) -> tuple[int, list[tuple[User, TutorProfile]]]:
    where = [*_user_filter(q, Role.tutor)]
    base = sa.select(User, TutorProfile).join(TutorProfile, TutorProfile.user_id == User.id)  # type: ignore[arg-type]
    total = session.execute(
        sa.select(sa.func.count())
        .select_from(User)
        .join(TutorProfile, TutorProfile.user_id == User.id)  # type: ignore[arg-type]
        .where(*where)
    ).scalar_one()
    rows = session.execute(base.where(*where).order_by(User.id).limit(limit).offset(offset))  # type: ignore[arg-type]
    return int(total), [(user, profile) for user, profile in rows.all()]


def user_references(*, session: Session, user_id: int) -> dict[str, int]:
    """Rows that keep a user's history and must not silently vanish with the account."""

    def count(column: Any) -> int:
        table = column.class_
        return int(
            session.execute(
                sa.select(sa.func.count()).select_from(table).where(column == user_id)
            ).scalar_one()
        )

    return {
        "lessons": count(Lesson.tutor_id),
        "bookings": count(Booking.tutor_id) + count(Booking.student_id),
        "notifications": count(Notification.user_id),
    }


def delete_user(*, session: Session, user_id: int) -> int:
    result = session.execute(sa.delete(User).where(User.id == user_id))  # type: ignore[arg-type]
    return int(result.rowcount or 0)


def subjects_page(
    *, session: Session, q: str, limit: int, offset: int
) -> tuple[int, list[Subject]]:
    where = [contains(Subject.name, q)] if q else []
    total = session.execute(sa.select(sa.func.count()).select_from(Subject).where(*where))
    rows = session.execute(
        sa.select(Subject).where(*where).order_by(Subject.name).limit(limit).offset(offset)
    )
    return int(total.scalar_one()), list(rows.scalars())


def subject_references(*, session: Session, subject_id: int) -> dict[str, int]:
    def count(column: Any) -> int:
        return int(
            session.execute(
                sa.select(sa.func.count()).select_from(column.class_).where(column == subject_id)
            ).scalar_one()
        )

    return {"services": count(Service.subject_id), "tutors": count(TutorSubject.subject_id)}


def subject_named(*, session: Session, name: str, slug: str) -> Subject | None:
    return session.execute(
        sa.select(Subject).where(
            sa.or_(sa.func.lower(Subject.name) == name.lower(), Subject.slug == slug)
        )
    ).scalar_one_or_none()


def get_subject(*, session: Session, subject_id: int) -> Subject | None:
    return session.get(Subject, subject_id)


def add_subject(*, session: Session, subject: Subject) -> Subject:
    session.add(subject)
    session.flush()
    return subject


def delete_subject(*, session: Session, subject_id: int) -> None:
    session.execute(sa.delete(Subject).where(Subject.id == subject_id))  # type: ignore[arg-type]
