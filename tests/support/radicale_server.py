"""A real CalDAV server for the sync tests: Radicale on a free loopback port, htpasswd
plain auth, storage in a temp folder. The user's calendars are made with MKCALENDAR
through the ``caldav`` library, as a tutor's would exist on Yandex or Fastmail.

Started as a subprocess (not in-process) so "server down" is a real closed port.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import caldav

from tests.support.processes import free_port, wait_until

USER, PASSWORD = "olena", "app-password-1"


@dataclass
class Radicale:
    port: int
    folder: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def calendar(self, name: str) -> caldav.Calendar:
        """Create (or find) the user's calendar ``name``; returns it."""
        with caldav.DAVClient(self.url, username=USER, password=PASSWORD) as client:
            principal = client.principal()
            for existing in principal.calendars():
                if existing.get_display_name() == name:
                    return existing
            return principal.make_calendar(name=name, cal_id=name)

    def client(self) -> caldav.DAVClient:
        return caldav.DAVClient(self.url, username=USER, password=PASSWORD)

    def start(self) -> None:
        config = self.folder / "config"
        users = self.folder / "users"
        users.write_text(f"{USER}:{PASSWORD}\n")
        config.write_text(
            "[server]\n"
            f"hosts = 127.0.0.1:{self.port}\n"
            "[auth]\n"
            "type = htpasswd\n"
            f"htpasswd_filename = {users}\n"
            "htpasswd_encryption = plain\n"
            "delay = 0\n"
            "[storage]\n"
            f"filesystem_folder = {self.folder / 'collections'}\n"
            "[logging]\n"
            "level = warning\n"
        )
        self.process = subprocess.Popen(
            [sys.executable, "-m", "radicale", "--config", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if not wait_until(self._listening, timeout=15, interval=0.05):
            self.stop()
            raise RuntimeError("Radicale did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None

    def _listening(self) -> bool:
        with socket.socket() as sock:
            sock.settimeout(0.2)
            return sock.connect_ex(("127.0.0.1", self.port)) == 0


@contextmanager
def radicale(folder: Path) -> Iterator[Radicale]:
    server = Radicale(port=free_port(), folder=folder)
    server.start()
    try:
        yield server
    finally:
        server.stop()
