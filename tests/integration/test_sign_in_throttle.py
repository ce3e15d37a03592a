"""The sign-in throttle beyond account+IP: a per-IP limit across accounts (password
spraying), a per-account ramp that a third party cannot turn into a lock-out, and the
client address behind TRUSTED_PROXY_HOPS proxies (probe findings of issue 12)."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from booking_app.api import client_ip
from booking_app.api.app import api
from booking_app.config import PROJECT_ROOT, get_settings, load_settings
from booking_app.db import read_scope
from booking_app.models import SignInAttempt
from booking_app.services import accounts, sign_in_throttle
from booking_app.services.errors import InvalidCredentials, TooManyAttempts
from tests.support.builders import NOW
from tests.support.processes import project_env

OWNER, PASSWORD = "owner@example.com", "owner-pass-1"
SPRAYED = "Summer2026!"

Limits = Callable[..., None]


@pytest.fixture
def limits(monkeypatch: pytest.MonkeyPatch) -> Iterator[Limits]:
    """Set throttle environment variables for this test (settings re-read)."""

    def _set(**env: int) -> None:
        for name, value in env.items():
            monkeypatch.setenv(name, str(value))
        get_settings.cache_clear()

    yield _set
    monkeypatch.undo()
    get_settings.cache_clear()


def _owner() -> accounts.SessionUser:
    return accounts.register(
        accounts.Registration("Olena Owner", OWNER, "+380671234567", PASSWORD, "tutor", "UTC")
    )


def _fails(email: str, ip: str, at: datetime, password: str = "wrong-pass") -> None:
    with pytest.raises(InvalidCredentials):
        accounts.authenticate(email, password, ip=ip, now=at)


def test_one_password_sprayed_over_many_accounts_is_refused_per_ip(db: str, limits: Limits) -> None:
    limits(LOGIN_IP_MAX_FAILURES=5)
    _owner()
    for i in range(5):  # one failure per account: the account+IP limit never sees it
        _fails(f"victim{i}@example.com", "203.0.113.7", NOW + timedelta(seconds=i), SPRAYED)
    later = NOW + timedelta(minutes=1)
    with pytest.raises(TooManyAttempts) as caught:  # even the right password of another account
        accounts.authenticate(OWNER, PASSWORD, ip="203.0.113.7", now=later)
    assert "Try again in 14 minutes" in caught.value.detail
    with pytest.raises(TooManyAttempts):
        accounts.authenticate("victim9@example.com", SPRAYED, ip="203.0.113.7", now=later)
    # Other addresses are not affected; the sprayer's address is free after the window.
    assert accounts.authenticate(OWNER, PASSWORD, ip="198.51.100.2", now=later)
    after = NOW + timedelta(minutes=15, seconds=5)
    assert accounts.authenticate(OWNER, PASSWORD, ip="203.0.113.7", now=after)


def test_defaults(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The documented defaults (the limits above run with small values, for speed)."""
    settings = load_settings({"DATA_DIR": str(tmp_path), "SECRET_KEY": "k"})
    assert (settings.login_max_failures, settings.login_window_minutes) == (10, 15)
    assert settings.login_ip_max_failures == 50
    assert settings.login_account_ramp_after == 20
    assert settings.login_account_max_delay_seconds == 60
    assert settings.login_known_ip_days == 30
    assert settings.trusted_proxy_hops == 0


def test_a_third_party_cannot_lock_the_owner_out(db: str) -> None:
    _owner()
    for i in range(10):
        _fails(OWNER, "203.0.113.66", NOW + timedelta(seconds=i))
    with pytest.raises(TooManyAttempts):  # the attacker's address is locked...
        accounts.authenticate(OWNER, PASSWORD, ip="203.0.113.66", now=NOW + timedelta(minutes=1))
    # ...the owner at their own address is not.
    assert accounts.authenticate(OWNER, PASSWORD, ip="198.51.100.2", now=NOW + timedelta(minutes=1))


def test_a_spread_out_attack_ramps_the_account_but_never_locks_the_owner(
    db: str, limits: Limits
) -> None:
    limits(LOGIN_ACCOUNT_RAMP_AFTER=3, LOGIN_ACCOUNT_MAX_DELAY_SECONDS=8)
    _owner()
    assert accounts.authenticate(OWNER, PASSWORD, ip="198.51.100.2", now=NOW)  # known address
    start = NOW + timedelta(minutes=1)
    for i in range(3):  # three attackers, one failure each: no per-IP limit is near
        _fails(OWNER, f"203.0.113.{i}", start + timedelta(seconds=i))
    latest = start + timedelta(seconds=2)
    # 3 failures: the next try waits 1 s after the latest, from any unknown address...
    with pytest.raises(TooManyAttempts) as caught:
        accounts.authenticate(OWNER, PASSWORD, ip="203.0.113.50", now=latest)
    assert caught.value.detail.endswith("Try again in 1 second.")
    _fails(OWNER, "203.0.113.51", latest + timedelta(seconds=1))  # 4 failures: 2 s
    with pytest.raises(TooManyAttempts):
        accounts.authenticate(OWNER, "x", ip="203.0.113.52", now=latest + timedelta(seconds=2))
    _fails(OWNER, "203.0.113.53", latest + timedelta(seconds=3))  # 5: 4 s
    _fails(OWNER, "203.0.113.54", latest + timedelta(seconds=7))  # 6: 8 s (the cap)
    _fails(OWNER, "203.0.113.55", latest + timedelta(seconds=15))  # 7: still 8 s
    last = latest + timedelta(seconds=15)
    with pytest.raises(TooManyAttempts) as caught:
        accounts.authenticate(OWNER, PASSWORD, ip="192.0.2.1", now=last + timedelta(seconds=7))
    assert caught.value.retry_after_seconds == 1
    # The owner's known address skips the ramp; at a new address they wait at most the cap.
    assert accounts.authenticate(OWNER, PASSWORD, ip="198.51.100.2", now=last)
    assert accounts.authenticate(OWNER, PASSWORD, ip="192.0.2.1", now=last + timedelta(seconds=8))


def test_ramp_delays_double_up_to_the_cap() -> None:
    settings = get_settings()
    first = settings.login_account_ramp_after
    assert sign_in_throttle.ramp_delay(first - 1) == timedelta(0)
    assert sign_in_throttle.ramp_delay(first) == timedelta(seconds=1)
    assert sign_in_throttle.ramp_delay(first + 3) == timedelta(seconds=8)
    cap = timedelta(seconds=settings.login_account_max_delay_seconds)
    assert sign_in_throttle.ramp_delay(first + 1000) == cap


def test_known_addresses_expire_and_are_purged(db: str, limits: Limits) -> None:
    limits(LOGIN_KNOWN_IP_DAYS=30)
    _owner()
    accounts.authenticate(OWNER, PASSWORD, ip="198.51.100.2", now=NOW)
    _fails(OWNER, "203.0.113.1", NOW)
    assert accounts.purge_sign_in_attempts(now=NOW + timedelta(days=1)) == 1  # the failure
    assert accounts.purge_sign_in_attempts(now=NOW + timedelta(days=31)) == 1  # the success
    with read_scope() as session:
        assert session.exec(select(SignInAttempt)).all() == []


def _admin_login_ip(xff: list[str]) -> str:
    """Fail one admin sign-in over HTTP with these X-Forwarded-For lines; the logged IP."""
    client = TestClient(api)
    form = client.get("/admin/login")
    csrf = re.search(r'name="csrftoken" value="([^"]+)"', form.text)
    assert csrf is not None
    headers = [("x-forwarded-for", line) for line in xff]
    response = client.post(
        "/admin/login",
        data={"username": OWNER, "password": "wrong", "csrftoken": csrf[1]},
        headers=headers,  # type: ignore[arg-type]
        follow_redirects=False,
    )
    assert response.status_code == 400
    with read_scope() as session:
        rows = session.exec(select(SignInAttempt).order_by(SignInAttempt.id.desc())).all()  # type: ignore[union-attr]
    return rows[0].ip


def test_x_forwarded_for_counts_only_through_trusted_proxy_hops(db: str, limits: Limits) -> None:
    peer = "testclient"  # what Starlette's TestClient connects from
    assert _admin_login_ip(["6.6.6.6"]) == peer  # default 0 hops: the header is ignored
    limits(TRUSTED_PROXY_HOPS=1)  # one proxy appends the address it saw
    assert _admin_login_ip(["6.6.6.6, 198.51.100.4"]) == "198.51.100.4"
    assert _admin_login_ip(["6.6.6.6", "198.51.100.5"]) == "198.51.100.5"  # two header lines
    limits(TRUSTED_PROXY_HOPS=2)
    assert _admin_login_ip(["6.6.6.6, 198.51.100.4, 10.0.0.2"]) == "198.51.100.4"
    assert _admin_login_ip(["198.51.100.4"]) == peer  # fewer entries than hops: the peer


def test_a_proxy_without_trusted_hops_is_reported_once(
    db: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(client_ip._Warned, "proxy", False)
    with caplog.at_level(logging.WARNING, logger=client_ip.__name__):
        _admin_login_ip(["198.51.100.4"])
        _admin_login_ip(["198.51.100.4"])
    warnings = [r for r in caplog.records if "TRUSTED_PROXY_HOPS" in r.getMessage()]
    assert len(warnings) == 1


def test_reflex_resolves_the_websocket_address_with_the_same_hops() -> None:
    """rxconfig hands TRUSTED_PROXY_HOPS to Reflex (router.session.client_ip, which the
    sign-in page throttles on)."""
    env = project_env(TRUSTED_PROXY_HOPS="2", DATA_DIR=os.environ["DATA_DIR"])
    result = subprocess.run(
        [sys.executable, "-c", "import rxconfig; print(rxconfig.config.trusted_proxy_hops)"],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "2"


def test_negative_hops_are_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = {"DATA_DIR": str(tmp_path), "SECRET_KEY": "k", "TRUSTED_PROXY_HOPS": "-1"}
    with pytest.raises(ValueError, match="TRUSTED_PROXY_HOPS"):
        load_settings(env)
    assert load_settings({**env, "TRUSTED_PROXY_HOPS": ""}).trusted_proxy_hops == 0
