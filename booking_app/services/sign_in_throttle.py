"""Sign-in throttle: three limits over the attempt log, checked before any password.

1. Account+IP: `LOGIN_MAX_FAILURES` failures for one account from one IP within
   `LOGIN_WINDOW_MINUTES` lock that pair until the oldest failure leaves the window.
   Guessing one account from one address is slow; the owner at another address is not
   affected.
2. IP across accounts: `LOGIN_IP_MAX_FAILURES` failures from one IP on any accounts
   within the window lock that IP. Spraying one password over many accounts is slowed
   (limit 1 never sees more than one failure per account).
3. Account from every IP, a ramp rather than a lock: after `LOGIN_ACCOUNT_RAMP_AFTER`
   failures on one account within the window (only a spread-out attack gets there,
   since limit 1 stops each address at `LOGIN_MAX_FAILURES`), the next attempt must
   wait 1 s, 2 s, 4 s... (at most `LOGIN_ACCOUNT_MAX_DELAY_SECONDS`) after the latest
   failure. IPs from which this account signed in successfully within
   `LOGIN_KNOWN_IP_DAYS` skip the ramp, so a third party cannot lock the owner out at
   their usual address; elsewhere the owner waits at most the maximum delay between tries.

A refused attempt (even with the right password) is neither checked nor recorded, so
the answer never reveals whether a password was right. The log is a table: it survives
restarts and every worker sees the same counts. The IP is the one the request came from,
or the `TRUSTED_PROXY_HOPS`-th address from the right of X-Forwarded-For behind proxies.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlmodel import Session

from booking_app.config import get_settings
from booking_app.repositories import sign_in_attempts as attempts_repo
from booking_app.services.errors import TooManyAttempts


def key(email: str, ip: str) -> tuple[str, str]:
    """The normalized (account, IP) the log stores; sized to the columns. NUL is dropped
    (PostgreSQL refuses it in text; the API's token route takes any JSON string)."""
    email = (email or "").replace("\x00", "")
    return email.strip().lower()[:254], (ip or "unknown").strip()[:64] or "unknown"


def _refuse(until: datetime, now: datetime) -> TooManyAttempts:
    return TooManyAttempts(max(1, math.ceil((until - now).total_seconds())))


def ramp_delay(failures: int) -> timedelta:
    """Wait after the latest failure once an account has `failures` in the window."""
    settings = get_settings()
    over = failures - settings.login_account_ramp_after
    if over < 0:
        return timedelta(0)
    cap = settings.login_account_max_delay_seconds
    return timedelta(seconds=min(cap, 2 ** min(over, 30)))


def check(session: Session, *, email: str, ip: str, now: datetime) -> None:
    """Raise TooManyAttempts if any limit refuses this attempt (see module docstring)."""
    settings = get_settings()
    window = timedelta(minutes=settings.login_window_minutes)
    since = now - window
    count, oldest = attempts_repo.failures_since(session=session, email=email, ip=ip, since=since)
    if count >= settings.login_max_failures and oldest is not None:
        raise _refuse(oldest + window, now)
    count, oldest = attempts_repo.ip_failures_since(session=session, ip=ip, since=since)
    if count >= settings.login_ip_max_failures and oldest is not None:
        raise _refuse(oldest + window, now)
    count, latest = attempts_repo.account_failures_since(session=session, email=email, since=since)
    delay = ramp_delay(count)
    if not delay or latest is None or now >= latest + delay:
        return
    known_since = now - timedelta(days=settings.login_known_ip_days)
    if attempts_repo.succeeded_since(session=session, email=email, ip=ip, since=known_since):
        return
    raise _refuse(latest + delay, now)


def record(session: Session, *, email: str, ip: str, now: datetime, succeeded: bool) -> None:
    if succeeded:
        attempts_repo.record_success(session=session, email=email, ip=ip, at=now)
    else:
        attempts_repo.add_failure(session=session, email=email, ip=ip, at=now)


def purge(session: Session, *, now: datetime) -> int:
    """Failures outside the window and successes older than the known-IP period."""
    settings = get_settings()
    return attempts_repo.delete_attempts_before(
        session=session,
        failed_before=now - timedelta(minutes=settings.login_window_minutes),
        succeeded_before=now - timedelta(days=settings.login_known_ip_days),
    )
