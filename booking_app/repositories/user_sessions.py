"""Server-side session rows (`UserSession`). Keyword-only session; never commits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlmodel import Session, select

from booking_app.models import User, UserSession


def add(*, session: Session, row: UserSession) -> None:
    session.add(row)
    session.flush()


def active_user(*, session: Session, sid: str, user_id: int, now: datetime) -> User | None:
    """The active user of an unexpired session `sid` belonging to `user_id`, else None."""
    return session.exec(
        select(User)
        .join(UserSession, UserSession.user_id == User.id)  # type: ignore[arg-type]
        .where(
            UserSession.id == sid,
            UserSession.user_id == user_id,
            UserSession.expires_at > now,
            User.is_active.is_(True),  # type: ignore[attr-defined]
        )
    ).first()


def delete_one(*, session: Session, sid: str, user_id: int) -> int:
    result = session.execute(
        delete(UserSession).where(UserSession.id == sid, UserSession.user_id == user_id)  # type: ignore[arg-type]
    )
    return int(result.rowcount or 0)


def delete_for_user(*, session: Session, user_id: int) -> int:
    result = session.execute(delete(UserSession).where(UserSession.user_id == user_id))  # type: ignore[arg-type]
    return int(result.rowcount or 0)


def delete_expired(*, session: Session, now: datetime) -> int:
    result = session.execute(delete(UserSession).where(UserSession.expires_at <= now))  # type: ignore[arg-type]
    return int(result.rowcount or 0)
