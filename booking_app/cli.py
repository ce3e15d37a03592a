"""Operator commands: `python -m booking_app.cli <command>` (what `make run` calls).

    migrate        upgrade the database to the latest schema (Alembic "head")
    seed-demo      load the demo tutors/students/lessons and print their logins
    create-admin   create an administrator (password asked twice unless --password)
    run            migrate, maybe seed, then run the Celery worker (+beat) and the app

Why a Python CLI and not shell in the Makefile: one place that knows the settings, the
same behaviour on every machine, and a supervisor that really stops what it started.
This module must not import Reflex (ARCHITECTURE.md: tasks and the CLI stay Reflex-free):
it runs the `reflex` executable next to `sys.executable`, as it runs the Celery worker.
"""

from __future__ import annotations

import argparse
import getpass
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url

from booking_app import clock
from booking_app.config import PROJECT_ROOT, Settings, get_settings

if TYPE_CHECKING:
    from booking_app.demo import DemoLogin

BIN_DIR = Path(sys.executable).parent  # the venv's bin/ (not resolved: that'd leave the venv)
BUN_BIN_DIR = PROJECT_ROOT / ".tools" / "bun" / "node_modules" / ".bin"
STOP_GRACE_SECONDS = 10.0
POLL_SECONDS = 0.5
WORKER_CONCURRENCY = 2


# ---------------------------------------------------------------------------------------------
# migrate / seed-demo / create-admin
# ---------------------------------------------------------------------------------------------


def _alembic_config(*, quiet: bool) -> Config:
    """The project's alembic.ini; `quiet` skips its logging setup (env.py honours the flag)."""
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["skip_logging"] = quiet
    return config


def migrate(*, quiet: bool = False) -> str:
    """Upgrade the configured database to head; returns the head revision id.

    Idempotent: at head, Alembic does nothing. Every command that touches the database
    calls it first, so a fresh install never fails with "no such table".
    """
    config = _alembic_config(quiet=quiet)
    command.upgrade(config, "head")
    return ScriptDirectory.from_config(config).get_current_head() or "base"


def format_logins(logins: Sequence[DemoLogin]) -> str:
    """The demo accounts as a small table (role, email, password, name)."""
    rows = [("ROLE", "EMAIL", "PASSWORD", "NAME")]
    rows += [(str(x.role), x.email, x.password, x.name) for x in logins]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    return "Demo logins:\n" + "\n".join("  " + line.rstrip() for line in lines)


def seed_demo() -> list[DemoLogin]:
    """Load the demo data (idempotent: returns the logins without writing twice)."""
    from booking_app.demo import seed_demo_data

    return seed_demo_data(now=clock.now())


def cmd_migrate(_args: argparse.Namespace) -> int:
    """`migrate`: show Alembic's own log lines so an operator sees what ran."""
    head = migrate()
    print(f"Database is at the latest revision ({head}).")
    return 0


def cmd_seed_demo(_args: argparse.Namespace) -> int:
    """`seed-demo`: migrate quietly, seed, print the logins."""
    migrate(quiet=True)
    print(format_logins(seed_demo()))
    return 0


def _prompt_password() -> str | None:
    """Ask twice without echo; None when the two entries differ."""
    first = getpass.getpass("Password: ")
    second = getpass.getpass("Password (again): ")
    return first if first == second else None


def cmd_create_admin(args: argparse.Namespace) -> int:
    """`create-admin`: field errors go to stderr with exit code 2 (like a usage error)."""
    from booking_app.services.accounts import create_admin
    from booking_app.services.errors import ValidationFailed

    password = args.password if args.password is not None else _prompt_password()
    if password is None:
        print("password: the two entries differ", file=sys.stderr)
        return 2
    migrate(quiet=True)
    try:
        user_id = create_admin(
            email=args.email,
            name=args.name,
            phone=args.phone,
            password=password,
            timezone=args.timezone,
        )
    except ValidationFailed as exc:
        for name, message in exc.field_errors.items():
            print(f"{name}: {message}", file=sys.stderr)
        return 2
    print(f"Created admin #{user_id} <{args.email}>.")
    return 0


# ---------------------------------------------------------------------------------------------
# run: configuration summary
# ---------------------------------------------------------------------------------------------


def mask_url(url: str) -> str:
    """The URL with any password replaced by ***, safe to print in logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not an RFC-1738 URL: print only its scheme
        return url.split("://", 1)[0] + "://***"


def _describe(settings: Settings) -> None:
    """Say which database, broker and state store this run uses, before anything starts."""
    db_kind = "embedded SQLite" if settings.is_sqlite else "external"
    print(f"Database: {mask_url(settings.database_url)} ({db_kind})")
    print(f"Broker:   {mask_url(settings.celery_broker_url)}")
    if settings.redis_url:
        print(f"Redis:    {mask_url(settings.redis_url)} (Reflex state, several app workers)")
    else:
        print("Redis:    not configured (Reflex keeps state in memory; one app worker)")
    print(f"Data dir: {settings.data_dir}")


def _use_port(port: int | None) -> Settings:
    """Make `--port` the PORT every process sees (PUBLIC_URL defaults to it), then reload."""
    if port is not None:
        os.environ["PORT"] = str(port)
        get_settings.cache_clear()
    return get_settings()


def _port_is_free(port: int) -> bool:
    """True when nothing listens on the port (checked before a 15 s build, not after)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("0.0.0.0", port))
        except OSError:
            return False
    return True


def _missing_tool(env: dict[str, str]) -> str | None:
    """What can't be found among the tools `run` needs (reflex, bun), as a hint to fix it."""
    if not (BIN_DIR / "reflex").exists():
        return f"reflex is not installed in {BIN_DIR}: run `make setup`"
    if shutil.which("bun", path=env["PATH"]) is None:
        return f"bun is not installed in {BUN_BIN_DIR}: run `make setup`"
    return None


def _seed_if_wanted(settings: Settings, demo: bool | None) -> str:
    """--demo: always; --no-demo: never; default: only into an empty embedded database.

    Returns the printed logins table ("" when nothing was seeded).
    """
    if demo is False:
        return ""
    from booking_app.demo import has_any_user

    if demo is None and not (settings.is_embedded and not has_any_user()):
        return ""
    logins = format_logins(seed_demo())
    print(logins)
    return logins


# ---------------------------------------------------------------------------------------------
# run: child processes
# ---------------------------------------------------------------------------------------------


def _child_env(settings: Settings) -> dict[str, str]:
    """Environment for the children: the resolved settings, bun on PATH, Redis for Reflex.

    DATA_DIR and DATABASE_URL are passed resolved: a relative path in them would otherwise
    resolve against the children's cwd (the project root), not ours.
    """
    env = dict(os.environ)
    env["PORT"] = str(settings.port)
    env["DATA_DIR"] = str(settings.data_dir)
    env["DATABASE_URL"] = settings.database_url
    env["PATH"] = f"{BUN_BIN_DIR}{os.pathsep}{env.get('PATH', '')}"
    env["REFLEX_USE_SYSTEM_BUN"] = "1"
    env["PYTHONUNBUFFERED"] = "1"
    if settings.redis_url:
        env["REFLEX_REDIS_URL"] = settings.redis_url
    return env


def worker_command(settings: Settings) -> list[str]:
    """Celery worker with embedded beat (one process tree runs the periodic schedule)."""
    schedule = settings.data_dir / "celerybeat-schedule"
    return [
        sys.executable, "-m", "celery", "-A", "tasks.celery_app", "worker", "--beat",
        "-s", str(schedule), "--loglevel=INFO", f"--concurrency={WORKER_CONCURRENCY}",
    ]  # fmt: skip


def bot_command() -> list[str]:
    """The Telegram bot (polling, or a webhook with TELEGRAM_WEBHOOK_URL)."""
    return [sys.executable, "-m", "booking_app.integrations.telegram_bot"]


def app_command(settings: Settings) -> list[str]:
    """Reflex in production mode: one port serves the built frontend and the backend."""
    port = str(settings.port)
    return [
        str(BIN_DIR / "reflex"), "run", "--env", "prod",
        "--frontend-port", port, "--backend-port", port,
    ]  # fmt: skip


def _prepare_broker() -> None:
    """Create the SQL broker's tables once, before worker, beat and app race to create them."""
    from tasks.celery_app import prepare_broker

    prepare_broker()


def _group_members(pgid: int) -> list[int]:
    """Live (non-zombie) processes of a process group, read from /proc."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()  # after "pid (comm)": state ppid pgrp ...
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(entry.name))
    return members


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    """Signal a whole process group; a group that is already gone is fine."""
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


@dataclass
class Supervisor:
    """Runs children in their own process groups and guarantees none outlives us.

    Own groups: a terminal's Ctrl-C reaches only this process, which then stops the
    children in order (SIGTERM, a grace period, SIGKILL), including their own children
    (Granian workers, Celery pool processes) because the signal goes to the whole group.
    """

    env: dict[str, str]
    children: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    signals_seen: int = 0

    def start(self, name: str, argv: list[str]) -> None:
        """Start one child in a new process group, in the project root."""
        print(f"Starting {name}: {' '.join(argv)}", flush=True)
        self.children[name] = subprocess.Popen(
            argv, cwd=PROJECT_ROOT, env=self.env, process_group=0
        )

    def on_signal(self, signum: int, _frame: FrameType | None) -> None:
        """First SIGINT/SIGTERM: stop gracefully; a second one: kill at once."""
        self.signals_seen += 1
        if self.signals_seen > 1:
            for pgid in self._groups():
                _signal_group(pgid, signal.SIGKILL)

    def _groups(self) -> list[int]:
        return [child.pid for child in self.children.values()]

    def exited_child(self) -> tuple[str, int] | None:
        """(name, exit code) of the first child that has exited, if any."""
        for name, child in self.children.items():
            code = child.poll()
            if code is not None:
                return name, code
        return None

    def stop(self) -> None:
        """SIGTERM each child's leader, wait the grace period, SIGKILL whole groups, reap.

        Only the leader first: Celery's main process then does a warm shutdown (running
        tasks finish and are acknowledged) and stops its own pool; signalling the pool
        processes directly would abort those tasks. Whatever is still alive after the
        grace period, grandchildren included, is killed with its group.
        """
        for child in self.children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        self._wait_quiet(STOP_GRACE_SECONDS)
        for pgid in self._groups():
            _signal_group(pgid, signal.SIGKILL)
        self._wait_quiet(5.0)
        for child in self.children.values():
            child.wait()

    def _wait_quiet(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while self._anything_alive() and time.monotonic() < deadline:
            time.sleep(0.1)

    def _anything_alive(self) -> bool:
        for child in self.children.values():
            child.poll()  # reap the leader so it doesn't count as a member
        return any(_group_members(pgid) for pgid in self._groups())


def _health_ok(url: str) -> bool:
    """True once the app answers GET /api/health."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never via a proxy
    try:
        with opener.open(f"{url}/api/health", timeout=1) as response:
            return response.status == 200
    except OSError:
        return False


def _failure_code(child_code: int) -> int:
    """Our exit code when a child ended on its own: never 0, 128+N for death by signal N."""
    if child_code < 0:
        return 128 - child_code
    return child_code or 1


def supervise(supervisor: Supervisor, health_url: str, ready_note: str) -> int:
    """Wait for a signal (exit 0) or a child's death (exit non-zero); say when ready.

    The ready note repeats the URL (and demo logins) below the children's start-up logs.
    """
    ready = False
    while supervisor.signals_seen == 0:
        exited = supervisor.exited_child()
        if exited is not None:
            name, code = exited
            print(f"{name} exited with code {code}; stopping everything.", file=sys.stderr)
            return _failure_code(code)
        if not ready and _health_ok(health_url):
            ready = True
            print(f"\n{ready_note}\n", flush=True)
        time.sleep(POLL_SECONDS)
    print("\nStopping...", flush=True)
    return 0


def _install_signal_handlers(supervisor: Supervisor) -> None:
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, supervisor.on_signal)


def _preflight(settings: Settings, env: dict[str, str]) -> str | None:
    """Why `run` can't start (port taken, a tool missing), found before a 15 s build."""
    if not _port_is_free(settings.port):
        return f"Port {settings.port} is in use; choose another with --port."
    return _missing_tool(env)


def cmd_run(args: argparse.Namespace) -> int:
    """`run`: the one-command start (see module docstring and README)."""
    settings = _use_port(args.port)
    _describe(settings)
    supervisor = Supervisor(env=_child_env(settings))
    if problem := _preflight(settings, supervisor.env):
        print(problem, file=sys.stderr)
        return 1
    print(f"Database schema: revision {migrate(quiet=True)} (up to date)")
    logins = _seed_if_wanted(settings, args.demo)
    print(f"Open {settings.public_url}", flush=True)
    ready_note = f"Ready: open {settings.public_url}  (Ctrl-C stops everything)"
    if logins:
        ready_note = f"{logins}\n\n{ready_note}"
    _install_signal_handlers(supervisor)
    try:
        if not args.no_worker:
            _prepare_broker()
            supervisor.start("celery worker", worker_command(settings))
        if settings.telegram_bot_token:  # issue 7: the bot runs only with a real token
            supervisor.start("telegram bot", bot_command())
        supervisor.start("app", app_command(settings))
        return supervise(supervisor, f"http://127.0.0.1:{settings.port}", ready_note)
    finally:
        supervisor.stop()


# ---------------------------------------------------------------------------------------------
# argument parsing
# ---------------------------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m booking_app.cli",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="command")
    sub.add_parser("migrate", help="upgrade the database to the latest schema").set_defaults(
        func=cmd_migrate
    )
    sub.add_parser("seed-demo", help="load demo data, print the logins").set_defaults(
        func=cmd_seed_demo
    )
    admin = sub.add_parser("create-admin", help="create an administrator account")
    admin.add_argument("--email", required=True)
    admin.add_argument("--name", required=True)
    admin.add_argument("--phone", required=True, help="e.g. +380501234567")
    admin.add_argument(
        "--password",
        help="prompted (twice, hidden) when omitted; on the command line it "
        "is visible to other local users (ps) and lands in shell history",
    )
    admin.add_argument("--timezone", default="UTC", help="IANA name, e.g. Europe/Kyiv")
    admin.set_defaults(func=cmd_create_admin)
    run = sub.add_parser("run", help="migrate, then run the worker and the app until Ctrl-C")
    run.add_argument("--port", type=int, help="serve on this port (default: PORT or 3000)")
    demo = run.add_mutually_exclusive_group()
    demo.add_argument(
        "--demo",
        dest="demo",
        action="store_true",
        default=None,
        help="load demo data into any database",
    )
    demo.add_argument(
        "--no-demo",
        dest="demo",
        action="store_false",
        help="never load demo data (default: only into an empty embedded DB)",
    )
    run.add_argument("--no-worker", action="store_true", help="don't start the Celery worker")
    run.set_defaults(func=cmd_run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the process exit code."""
    args = _parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
