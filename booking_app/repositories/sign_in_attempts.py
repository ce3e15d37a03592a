"""Failed sign-in log queries (throttling) and redeemed login tickets."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func
from sqlmodel import Session, select

from booking_app.models import SignInAttempt, UsedLoginTicket


def failures_since(
    *, session: Session, email: str, ip: str, since: datetime
) -> tuple[int, datetime | None]:
    """(count, oldest attempted_at) of failed attempts for this account+IP since `since`."""
    row = session.exec(
        select(func.count(SignInAttempt.id), func.min(SignInAttempt.attempted_at)).where(
            SignInAttempt.email == email,
            SignInAttempt.ip == ip,
            SignInAttempt.succeeded.is_(False),  # type: ignore[union-attr]
            SignInAttempt.attempted_at >= since,
        )
    ).one()
    return int(row[0]), row[1]


def add_failure(*, session: Session, email: str, ip: str, at: datetime) -> None:
    session.add(SignInAttempt(email=email, ip=ip, succeeded=False, attempted_at=at))


def clear_failures(*, session: Session, email: str, ip: str) -> None:
    session.execute(
        delete(SignInAttempt).where(SignInAttempt.email == email, SignInAttempt.ip == ip)
    )


def delete_attempts_before(*, session: Session, before: datetime) -> int:
    result = session.execute(delete(SignInAttempt).where(SignInAttempt.attempted_at < before))
    return int(result.rowcount or 0)


def add_used_ticket(*, session: Session, jti: str, at: datetime) -> None:
    """Flushes at once so a second redemption fails with IntegrityError here."""
    session.add(UsedLoginTicket(jti=jti, used_at=at))
    session.flush()


def delete_tickets_before(*, session: Session, before: datetime) -> int:
    result = session.execute(delete(UsedLoginTicket).where(UsedLoginTicket.used_at < before))
    return int(result.rowcount or 0)
