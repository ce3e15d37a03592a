"""User, TutorProfile and Classroom queries for accounts. Keyword-only session; never commits."""

from __future__ import annotations

from sqlmodel import Session, select

from booking_app.models import Classroom, TutorProfile, User


def get_user(*, session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def get_user_by_email(*, session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == email)).first()


def add_user(*, session: Session, user: User) -> User:
    session.add(user)
    session.flush()
    return user


def slug_taken(*, session: Session, slug: str) -> bool:
    return (
        session.exec(select(TutorProfile.id).where(TutorProfile.slug == slug)).first() is not None
    )


def add_tutor_profile(*, session: Session, profile: TutorProfile, classroom: Classroom) -> None:
    session.add(profile)
    session.add(classroom)
    session.flush()


def any_user(*, session: Session, emails: list[str] | None = None) -> bool:
    """Whether a user exists (with one of ``emails``, when given)."""
    query = select(User.id)
    if emails is not None:
        query = query.where(User.email.in_(emails))  # type: ignore[attr-defined]
    return session.exec(query.limit(1)).first() is not None
