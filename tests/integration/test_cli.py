"""`python -m booking_app.cli`: create-admin and migrate, as an operator runs them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import select

from booking_app import cli
from booking_app.config import PROJECT_ROOT
from booking_app.db import read_scope
from booking_app.models import Role, User
from booking_app.services.passwords import verify_password
from tests.support.databases import sqlite_url
from tests.support.processes import (
    process_tree,
    project_env,
    run_cli,
    still_running,
    wait_until,
)

pytestmark = pytest.mark.processes

ADMIN = ["--email", "Root@Example.com", "--name", "Root Admin", "--phone", "+380501234567"]
PASSWORD = "correct horse battery staple"


def _user(email: str) -> User | None:
    with read_scope() as session:
        return session.exec(select(User).where(User.email == email)).first()


def test_create_admin_creates_an_admin_whose_password_verifies(sqlite_db: str) -> None:
    result = run_cli("create-admin", *ADMIN, "--password", PASSWORD, env=project_env())
    assert result.returncode == 0, result.stderr
    admin = _user("root@example.com")
    assert admin is not None and admin.role == Role.admin
    assert verify_password(PASSWORD, admin.password_hash)


def test_create_admin_reports_field_errors_with_exit_code_2(sqlite_db: str) -> None:
    bad = ["--email", "not-an-email", "--name", "Root Admin", "--phone", "+380501234567"]
    result = run_cli("create-admin", *bad, "--password", PASSWORD, env=project_env())
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("email: "), result.stderr
    assert _user("not-an-email") is None


def test_create_admin_asks_for_the_password_twice(
    sqlite_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = iter([PASSWORD, PASSWORD])
    monkeypatch.setattr(cli.getpass, "getpass", lambda prompt="": next(answers))
    assert cli.main(["create-admin", *ADMIN]) == 0
    admin = _user("root@example.com")
    assert admin is not None and verify_password(PASSWORD, admin.password_hash)


def test_create_admin_refuses_two_different_passwords(
    sqlite_db: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = iter([PASSWORD, PASSWORD + "!"])
    monkeypatch.setattr(cli.getpass, "getpass", lambda prompt="": next(answers))
    assert cli.main(["create-admin", *ADMIN]) == 2
    assert "differ" in capsys.readouterr().err
    assert _user("root@example.com") is None


def test_migrate_is_idempotent(tmp_path: Path) -> None:
    env = project_env(DATABASE_URL=sqlite_url(tmp_path / "fresh.db"), DATA_DIR=str(tmp_path))
    for _ in range(2):
        result = run_cli("migrate", env=env)
        assert result.returncode == 0, result.stderr
        assert "latest revision" in result.stdout


def test_cli_and_tasks_do_not_import_reflex() -> None:
    """The worker and the CLI are plain Python processes (ARCHITECTURE.md, rule 1)."""
    code = (
        "import sys, booking_app.cli, tasks.celery_app, tasks.housekeeping\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('reflex', 'reflex_base')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, env=project_env(),
        capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    assert result.stdout.strip() == "[]"


def test_run_supervisor_stops_every_process_when_one_child_dies(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`run` exits non-zero when a child dies and leaves nothing running, not even a
    grandchild or a process that ignores SIGTERM (it gets SIGKILL after the grace period)."""
    monkeypatch.setattr(cli, "STOP_GRACE_SECONDS", 1.0)
    supervisor = cli.Supervisor(env=project_env())
    supervisor.start("stubborn", ["sh", "-c", "trap '' TERM; sleep 60 & sleep 60"])
    supervisor.start("short-lived", ["sh", "-c", "sleep 1; exit 3"])
    stubborn = supervisor.children["stubborn"].pid
    assert wait_until(lambda: len(process_tree(stubborn)) >= 3, timeout=5)
    tree = process_tree(stubborn)
    try:
        assert cli.supervise(supervisor, "http://127.0.0.1:9", "ready") == 3
    finally:
        supervisor.stop()
    assert not still_running(tree)
