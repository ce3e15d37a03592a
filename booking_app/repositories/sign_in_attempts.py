"""Sign-in attempt log queries (throttling, known IPs) and redeemed login tickets."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, delete, func, or_
from sqlmodel import Session, select

from booking_app.models import SignInAttempt, UsedLoginTicket

_FAILED = SignInAttempt.succeeded.is_(False)  # type: ignore[union-attr]
_SUCCEEDED = SignInAttempt.succeeded.is_(True)  # type: ignore[union-attr]


def failures_since(
    *, session: Session, email: str, ip: str, since: datetime
) -> tuple[int, datetime | None]:
    """(count, oldest attempted_at) of failed attempts for this account+IP since `since`."""
    row = session.exec(
        select(func.count(SignInAttempt.id), func.min(SignInAttempt.attempted_at)).where(
            SignInAttempt.email == email,
            SignInAttempt.ip == ip,
            _FAILED,
            SignInAttempt.attempted_at >= since,
        )
    ).one()
    return int(row[0]), row[1]


def ip_failures_since(*, session: Session, ip: str, since: datetime) -> tuple[int, datetime | None]:
    """(count, oldest attempted_at) of failed attempts from this IP on any account."""
    row = session.exec(
        select(func.count(SignInAttempt.id), func.min(SignInAttempt.attempted_at)).where(
            SignInAttempt.ip == ip, _FAILED, SignInAttempt.attempted_at >= since
        )
    ).one()
    return int(row[0]), row[1]


def account_failures_since(
    *, session: Session, email: str, since: datetime
) -> tuple[int, datetime | None]:
    """(count, newest attempted_at) of failed attempts on this account from any IP."""
    row = session.exec(
        select(func.count(SignInAttempt.id), func.max(SignInAttempt.attempted_at)).where(
            SignInAttempt.email == email, _FAILED, SignInAttempt.attempted_at >= since
        )
    ).one()
    return int(row[0]), row[1]


def succeeded_since(*, session: Session, email: str, ip: str, since: datetime) -> bool:
    """Whether this account signed in successfully from this IP since `since`."""
    found = session.exec(
        select(SignInAttempt.id).where(
            SignInAttempt.email == email,
            SignInAttempt.ip == ip,
            _SUCCEEDED,
            SignInAttempt.attempted_at >= since,
        )
    ).first()
    return found is not None


def add_failure(*, session: Session, email: str, ip: str, at: datetime) -> None:
    session.add(SignInAttempt(email=email, ip=ip, succeeded=False, attempted_at=at))


def record_success(*, session: Session, email: str, ip: str, at: datetime) -> None:
    """Forget this account+IP's failures and keep one row saying it signed in from here."""
    session.execute(
        delete(SignInAttempt).where(SignInAttempt.email == email, SignInAttempt.ip == ip)
    )
    session.add(SignInAttempt(email=email, ip=ip, succeeded=True, attempted_at=at))


def delete_attempts_before(
    *, session: Session, failed_before: datetime, succeeded_before: datetime
) -> int:
    """Failures that left the throttle window, successes older than the known-IP period."""
    result = session.execute(
        delete(SignInAttempt).where(
            or_(
                and_(_FAILED, SignInAttempt.attempted_at < failed_before),
                and_(_SUCCEEDED, SignInAttempt.attempted_at < succeeded_before),
            )
        )
    )
    return int(result.rowcount or 0)


def add_used_ticket(*, session: Session, jti: str, at: datetime) -> None:
    """Flushes at once so a second redemption fails with IntegrityError here."""
    session.add(UsedLoginTicket(jti=jti, used_at=at))
    session.flush()


def delete_tickets_before(*, session: Session, before: datetime) -> int:
    result = session.execute(delete(UsedLoginTicket).where(UsedLoginTicket.used_at < before))
    return int(result.rowcount or 0)
