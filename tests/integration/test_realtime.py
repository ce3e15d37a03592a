"""realtime.publish: after commit only, to the right users, in-process or over HTTP, and
the internal endpoint refuses anyone without the derived secret (negative controls)."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from fastapi.testclient import TestClient

from booking_app import realtime
from booking_app.config import get_settings
from booking_app.services import booking as booking_service
from booking_app.services.errors import AlreadyAnswered
from tests.support.builders import (
    NOW,
    add_service,
    add_student,
    add_tutor,
    booking_row,
    form,
    utc,
)
from tests.support.processes import wait_until


class _Loop:
    """A running event loop in a thread, standing in for the backend's loop."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.received: list[list[int]] = []
        self.thread.start()

    async def deliver(self, ids: list[int]) -> None:
        self.received.append(sorted(ids))

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
        self.loop.close()


@pytest.fixture
def backend() -> Iterator[_Loop]:
    loop = _Loop()
    realtime.bind(loop.deliver, loop.loop)
    yield loop
    realtime.unbind()
    loop.close()


@pytest.mark.usefixtures("db")
def test_services_publish_tutor_and_student_after_commit(backend: _Loop) -> None:
    tutor = add_tutor(requires_confirmation=True)
    student = add_student()
    service = add_service(tutor)
    view = booking_service.create_booking(
        form(tutor, service, start=utc("2026-11-30T10:00")), student_id=student, now=NOW
    )
    assert wait_until(lambda: len(backend.received) == 1, timeout=5)
    assert backend.received == [sorted([tutor, student])]
    booking_id = booking_row(view.token).id or 0
    booking_service.confirm_booking(tutor, booking_id, now=NOW)
    assert wait_until(lambda: len(backend.received) == 2, timeout=5)
    # negative control: a refused write (already answered) rolls back and announces nothing
    with pytest.raises(AlreadyAnswered):
        booking_service.confirm_booking(tutor, booking_id, now=NOW)
    booking_service.cancel_booking(view.token, now=NOW)
    assert wait_until(lambda: len(backend.received) == 3, timeout=5)
    assert backend.received[2] == sorted([tutor, student])


def test_clean_ids_drops_guests_and_duplicates() -> None:
    assert realtime.clean_ids([3, None, "3", 0, -1, "x", 7]) == [3, 7]


class _Recorder(BaseHTTPRequestHandler):
    calls: list[tuple[str, str, dict[str, object]]] = []

    def do_POST(self) -> None:  # noqa: N802 (http.server API)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.calls.append((self.path, self.headers.get(realtime.TOKEN_HEADER, ""), body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_other_processes_post_to_the_internal_endpoint(monkeypatch: pytest.MonkeyPatch) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.setenv("REALTIME_URL", f"http://127.0.0.1:{server.server_port}")
        get_settings.cache_clear()
        realtime.publish([5, 6, None])
        assert _Recorder.calls == [
            (realtime.INTERNAL_PATH, realtime.internal_token(), {"user_ids": [5, 6]})
        ]
        assert realtime.internal_token() != get_settings().secret_key  # derived, not the key
    finally:
        server.shutdown()
        monkeypatch.setenv("REALTIME_URL", "off")
        get_settings.cache_clear()


def test_internal_endpoint_refuses_a_wrong_secret() -> None:
    from booking_app.api.app import api

    client = TestClient(api)
    path = realtime.INTERNAL_PATH
    assert client.post(path, json={"user_ids": [1]}).status_code == 403
    wrong = client.post(path, json={"user_ids": [1]}, headers={realtime.TOKEN_HEADER: "nope"})
    assert wrong.status_code == 403
    assert wrong.json()["error"] != ""
    right = {realtime.TOKEN_HEADER: realtime.internal_token()}
    bad_body = client.post(path, json={"user_ids": "x"}, headers=right)
    assert bad_body.status_code == 422
    ok = client.post(path, json={"user_ids": [1, 1, 2]}, headers=right)
    assert ok.status_code == 200 and ok.json() == {"pushed": 2}
