"""Subprocesses in tests: ports, bounded waits, the project's environment, process trees."""

from __future__ import annotations

import fcntl
import hashlib
import itertools
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from booking_app.config import PROJECT_ROOT

BUN_BIN_DIR = PROJECT_ROOT / ".tools" / "bun" / "node_modules" / ".bin"
_STARTUP_LOCK = Path(tempfile.gettempdir()) / (
    "tutorbook-reflex-startup-" + hashlib.sha1(str(PROJECT_ROOT).encode()).hexdigest()[:12]
)


@contextmanager
def one_reflex_startup() -> Iterator[None]:
    """One Reflex app start (or `reflex` command) at a time in this checkout.

    Why: while an app starts, Reflex copies its build's bun lockfile back into the
    project's `reflex.lock/` whenever the bytes differ. Two starts at once (the
    two-instance test's A and B, two pytest-xdist workers) interleaved their truncating
    copies: the committed `reflex.lock/bun.lock` came out with its first kilobyte zeroed,
    and every later start refused the lockfile ("out of sync with the recovered
    package.json"). A file lock across processes serializes the starts; the apps run in
    parallel afterwards as before."""
    with _STARTUP_LOCK.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


VENV_BIN_DIR = Path(sys.executable).parent


_PORTS_FROM = 10_000  # test servers' ports: from here up to the kernel's ephemeral range
_PORT_SLOTS = 12  # one block for a plain run, one per xdist worker gw0..gw10 (then wraps)
_steps = itertools.count()  # this process's position in its block: no port twice


def _ephemeral_low() -> int:
    """Where the kernel's range for ports it picks itself (bind to 0, connect) begins."""
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32_768


def port_block(worker: str | None, ephemeral_low: int) -> range:
    """The ports `free_port` hands out in one process: a block per xdist worker ("gw3"),
    another for a plain run (None), all below `ephemeral_low`; empty if there is no room."""
    size = max(ephemeral_low - _PORTS_FROM, 0) // _PORT_SLOTS
    number = int("".join(ch for ch in worker or "" if ch.isdigit()) or 0)
    slot = 0 if not worker else 1 + number % (_PORT_SLOTS - 1)
    start = _PORTS_FROM + slot * size
    return range(start, start + size) if size >= 100 else range(0)


def _bindable(port: int) -> bool:
    """True when nothing is bound to `port` on any address (no SO_REUSEPORT here, so a
    listener that uses it still makes this bind fail)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("0.0.0.0", port))
        except OSError:
            return False
    return True


def free_port() -> int:
    """A TCP port nobody listens on now, never handed out before by this process, and
    outside both the kernel's ephemeral range and the other xdist workers' blocks.

    Why not let the kernel pick (bind to port 0, close, pass the number on): the port is
    free again at once and the app binds it only about a minute later, after its build.
    Another worker's free_port could get the same number meanwhile, and Granian's workers
    listen with SO_REUSEPORT, so two apps then BOTH listen on that port and the kernel
    shares connections between them (the two-instance test's "instance A is gone" check
    connected after A's whole tree had been killed). Below the ephemeral range a
    connect() never picks the port as its own source port either (TCP self-connect)."""
    block = port_block(os.environ.get("PYTEST_XDIST_WORKER"), _ephemeral_low())
    offset = (os.getpid() * 7919) % max(len(block), 1)  # concurrent sessions start apart
    for step in _steps:
        if step >= len(block):
            break  # the block is used up: let the kernel pick
        port = block[(offset + step) % len(block)]
        if _bindable(port):
            return port
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))  # no room below the ephemeral range on this machine
        return int(sock.getsockname()[1])


def wait_until(predicate: Callable[[], bool], *, timeout: float, interval: float = 0.2) -> bool:
    """Poll `predicate` until true or `timeout` seconds passed; returns the last result."""
    deadline = time.monotonic() + timeout
    while True:
        if predicate():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)


def http_ok(url: str, timeout: float = 2.0) -> bool:
    """True when GET `url` answers 200 (never through a proxy)."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=timeout) as response:
            return response.status == 200
    except OSError:
        return False


def project_env(**overrides: str) -> dict[str, str]:
    """os.environ plus what the project's tools need (bun on PATH), plus `overrides`."""
    env = dict(os.environ)
    env.pop("WEEK_CACHE_SIZE", None)  # only the test process itself runs without (conftest)
    env.pop("API_READ_CACHE_SIZE", None)
    env["PATH"] = f"{BUN_BIN_DIR}{os.pathsep}{VENV_BIN_DIR}{os.pathsep}{env.get('PATH', '')}"
    env["REFLEX_USE_SYSTEM_BUN"] = "1"
    env["PYTHONUNBUFFERED"] = "1"
    env.update(overrides)
    return env


def run_cli(
    *args: str, env: dict[str, str], timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """`python -m booking_app.cli <args>` in the project root; output captured as text."""
    return subprocess.run(
        [sys.executable, "-m", "booking_app.cli", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=timeout,
        check=False,
    )


def _stat(pid: int) -> list[str] | None:
    """Fields of /proc/<pid>/stat after "(comm)": state, ppid, pgrp, ...; None if gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text.rsplit(")", 1)[1].split()


def process_tree(root: int) -> set[tuple[int, str]]:
    """(pid, start time) of `root` and all its descendants; start time guards pid reuse."""
    children: dict[int, list[int]] = {}
    starts: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat(int(entry.name))) is not None:
            children.setdefault(int(fields[1]), []).append(int(entry.name))
            starts[int(entry.name)] = fields[19]
    tree, todo = set(), [root]
    while todo:
        pid = todo.pop()
        if pid in starts:
            tree.add((pid, starts[pid]))
        todo.extend(children.get(pid, []))
    return tree


def still_running(tree: set[tuple[int, str]]) -> list[int]:
    """The pids of `tree` that still run (same start time, not a zombie)."""
    alive = []
    for pid, start in tree:
        fields = _stat(pid)
        if fields is not None and fields[19] == start and fields[0] != "Z":
            alive.append(pid)
    return sorted(alive)


def listeners(port: int) -> list[str]:
    """ "pid command" of each process with a socket listening on TCP `port` (IPv4 or 6),
    for assertion messages about who still answers on a port."""
    inodes: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "0A":  # LISTEN
                inodes.add(fields[9])
    sockets = {f"socket:[{inode}]" for inode in inodes}
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fds = list((entry / "fd").iterdir())
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()[:120]
        except OSError:
            continue
        if any(_link(fd) in sockets for fd in fds):
            found.append(f"{entry.name} {command.strip()}")
    return found


def _link(path: Path) -> str:
    """Where a /proc fd link points; "" once the descriptor is gone."""
    try:
        return os.readlink(path)
    except OSError:
        return ""


def kill_tree(tree: set[tuple[int, str]]) -> None:
    """SIGKILL whatever of `tree` still runs (last-resort cleanup after a failed check)."""
    for pid in still_running(tree):
        try:
            os.kill(pid, 9)
        except OSError:
            pass


def log_tail(path: Path, lines: int = 60) -> str:
    """The end of a log file, for assertion messages."""
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "<no log>"
