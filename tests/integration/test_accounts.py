"""Accounts on SQLite and PostgreSQL: registration, sign-in, throttling, tickets, admins."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from booking_app.db import read_scope, reset_engine
from booking_app.models import Classroom, SignInAttempt, TutorProfile, User
from booking_app.services import accounts
from booking_app.services.errors import InvalidCredentials, TooManyAttempts, ValidationFailed
from booking_app.services.session_tokens import issue_login_ticket
from tests.support import clock
from tests.support.builders import NOW

ROOT = Path(__file__).resolve().parents[2]


def _registration(**overrides: str) -> accounts.Registration:
    values = {
        "name": "Olena Kovalenko",
        "email": "Olena@Example.com",
        "phone": "+380 67 123 4567",
        "password": "correct-horse",
        "role": "tutor",
        "timezone": "Europe/Kyiv",
        "telegram_username": "@Olena_K",
    }
    values.update(overrides)
    return accounts.Registration(**values)


def _count(model: type) -> int:
    with read_scope() as session:
        return len(session.exec(select(model)).all())


def test_register_tutor_creates_profile_and_classroom(db: str) -> None:
    user = accounts.register(_registration())
    assert (user.email, user.role, user.timezone) == ("olena@example.com", "tutor", "Europe/Kyiv")
    with read_scope() as session:
        row = session.get(User, user.id)
        profile = session.exec(select(TutorProfile).where(TutorProfile.user_id == user.id)).one()
        assert session.exec(select(Classroom).where(Classroom.tutor_id == user.id)).one()
    assert row is not None and row.phone == "+380671234567" and row.telegram_username == "olena_k"
    assert row.password_hash.startswith("$argon2") and "correct-horse" not in row.password_hash
    assert profile.slug == "olena-kovalenko"
    second = accounts.register(_registration(email="olena2@example.com"))
    with read_scope() as session:
        slugs = session.exec(
            select(TutorProfile.slug).where(TutorProfile.user_id == second.id)
        ).one()
    assert slugs == "olena-kovalenko-2"


def test_register_student_has_no_profile(db: str) -> None:
    user = accounts.register(_registration(role="student", telegram_username=""))
    assert user.role == "student"
    assert _count(TutorProfile) == 0 and _count(Classroom) == 0


def test_every_field_error_is_reported_and_nothing_is_written(db: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        accounts.register(
            _registration(
                name="",
                email="bad",
                phone="123",
                password="short",
                timezone="Nowhere/City",
                telegram_username="@x",
                role="admin",
            )
        )
    assert set(caught.value.field_errors) == {
        "name",
        "email",
        "phone",
        "password",
        "timezone",
        "telegram_username",
        "role",
    }
    assert _count(User) == 0


def test_email_taken_is_case_insensitive(db: str) -> None:
    accounts.register(_registration())
    with pytest.raises(ValidationFailed) as caught:
        accounts.register(_registration(email="OLENA@example.com", role="student"))
    assert caught.value.field_errors == {"email": accounts.EMAIL_TAKEN}
    assert _count(User) == 1


def test_authenticate(db: str) -> None:
    accounts.register(_registration())
    user = accounts.authenticate("OLENA@example.com", "correct-horse", ip="10.0.0.1", now=NOW)
    assert user.email == "olena@example.com"
    with pytest.raises(InvalidCredentials, match="Invalid email or password"):
        accounts.authenticate("olena@example.com", "wrong-horse", ip="10.0.0.1", now=NOW)
    with pytest.raises(InvalidCredentials):
        accounts.authenticate("nobody@example.com", "correct-horse", ip="10.0.0.1", now=NOW)


def _fail(times: int, *, ip: str = "10.0.0.1", start: datetime = NOW) -> None:
    for i in range(times):
        with pytest.raises(InvalidCredentials):
            accounts.authenticate(
                "olena@example.com", "wrong", ip=ip, now=start + timedelta(seconds=i)
            )


def test_eleventh_attempt_is_refused_even_with_the_right_password(db: str) -> None:
    accounts.register(_registration())
    _fail(10)
    later = NOW + timedelta(minutes=5)
    with pytest.raises(TooManyAttempts) as caught:
        accounts.authenticate("olena@example.com", "correct-horse", ip="10.0.0.1", now=later)
    assert "Try again in 10 minutes" in caught.value.detail
    # Another IP is a different key; after the window the account+IP is free again.
    assert accounts.authenticate("olena@example.com", "correct-horse", ip="10.0.0.2", now=later)
    after_window = NOW + timedelta(minutes=15, seconds=1)
    assert accounts.authenticate(
        "olena@example.com", "correct-horse", ip="10.0.0.1", now=after_window
    )


def test_nine_failures_still_allow_sign_in_and_success_resets(db: str) -> None:
    accounts.register(_registration())
    _fail(9)
    assert accounts.authenticate("olena@example.com", "correct-horse", ip="10.0.0.1", now=NOW)
    _fail(9, start=NOW + timedelta(minutes=1))
    assert accounts.authenticate(
        "olena@example.com", "correct-horse", ip="10.0.0.1", now=NOW + timedelta(minutes=2)
    )


def test_negative_control_without_the_guard_the_throttle_test_would_fail(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Proves the throttle test can fail: with the check removed, attempt 11 gets in."""
    accounts.register(_registration())
    monkeypatch.setattr(accounts, "_check_throttle", lambda *a, **k: None)
    _fail(10)
    assert accounts.authenticate(
        "olena@example.com", "correct-horse", ip="10.0.0.1", now=NOW + timedelta(minutes=5)
    )


def test_throttle_survives_a_restart_and_is_shared_between_processes(db: str) -> None:
    accounts.register(_registration())
    _fail(5)
    reset_engine()  # a restarted server starts with a new engine and no memory
    script = (
        "from datetime import datetime, timedelta, timezone\n"
        "from booking_app.services import accounts\n"
        "from booking_app.services.errors import InvalidCredentials\n"
        f"now = datetime.fromisoformat({(NOW + timedelta(minutes=1)).isoformat()!r})\n"
        "for i in range(5):\n"
        "    try:\n"
        "        accounts.authenticate('olena@example.com', 'x', ip='10.0.0.1', now=now + timedelta(seconds=i))\n"
        "    except InvalidCredentials:\n"
        "        pass\n"
    )
    env = {**os.environ, "DATABASE_URL": db, "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-c", script], env=env, cwd=ROOT, check=True, timeout=60)
    with pytest.raises(TooManyAttempts):
        accounts.authenticate(
            "olena@example.com", "correct-horse", ip="10.0.0.1", now=NOW + timedelta(minutes=3)
        )


def test_login_ticket_is_single_use(db: str) -> None:
    user = accounts.register(_registration())
    ticket = issue_login_ticket(user_id=user.id, now=clock.now())
    assert accounts.redeem_login_ticket(ticket, now=NOW) == user
    assert accounts.redeem_login_ticket(ticket, now=NOW) is None
    assert accounts.redeem_login_ticket("garbage", now=NOW) is None


def test_deactivated_user_has_no_session(db: str) -> None:
    user = accounts.register(_registration())
    from booking_app.db import session_scope

    with session_scope(write=True) as session:
        row = session.get(User, user.id)
        assert row is not None
        row.is_active = False
        session.add(row)
    assert accounts.get_session_user(user.id) is None
    with pytest.raises(InvalidCredentials):
        accounts.authenticate("olena@example.com", "correct-horse", ip="10.0.0.1", now=NOW)


def test_purge_drops_only_attempts_outside_the_window(db: str) -> None:
    accounts.register(_registration())
    _fail(3, start=NOW - timedelta(hours=2))
    _fail(2, start=NOW)
    assert accounts.purge_sign_in_attempts(now=NOW + timedelta(minutes=1)) == 3
    assert _count(SignInAttempt) == 2


def test_create_admin(db: str) -> None:
    admin_id = accounts.create_admin(
        email="root@example.com", name="Root Admin", phone="+380671112233", password="admin-pass-1"
    )
    with read_scope() as session:
        row = session.get(User, admin_id)
    assert row is not None and row.role.value == "admin"
    with pytest.raises(ValidationFailed) as caught:
        accounts.create_admin(email="x", name="A", phone="1", password="p")
    assert {"email", "phone", "password", "name"} <= set(caught.value.field_errors)
