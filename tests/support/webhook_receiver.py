"""A real HTTP server on 127.0.0.1 that receives webhooks (a thread with http.server).

It checks every request's signature with the secrets it was given (`secrets`), records
what arrived, in arrival order (`received`), and can be told to answer 500 or to hang
longer than the sender's timeout for the next N requests. Used in-process by the
webhook tests and, since it listens on a real port, by a real Celery worker too.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from booking_app.services.webhooks import signing


@dataclass(frozen=True)
class Received:
    event_id: str
    event_type: str
    subject_id: int | None  # booking_id / lesson_id of the event
    data: dict[str, Any]
    signed: bool  # the signature verified with one of the receiver's secrets
    status: int  # what the receiver answered
    at: float


class Receiver:
    def __init__(self) -> None:
        self.secrets: list[str] = []
        self.received: list[Received] = []
        self._faults: list[str] = []  # "500" / "hang", one per upcoming request
        self.hang_s = 3.0
        self.delay_s = 0.0  # every answer takes this long (a slow receiver)
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/hook"

    def start(self) -> Receiver:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def fail_next(self, fault: str, times: int = 1) -> None:
        with self._lock:
            self._faults.extend([fault] * times)

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def ok(self) -> list[Received]:
        """Deliveries the receiver accepted (2xx), in arrival order."""
        with self._lock:
            return [r for r in self.received if r.status == 200]

    def _fault(self) -> str | None:
        with self._lock:
            return self._faults.pop(0) if self._faults else None

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                stamp = self.headers.get("X-Webhook-Timestamp", "")
                signature = self.headers.get("X-Webhook-Signature", "")
                signed = any(
                    signing.verify(s, stamp, body, signature) for s in list(receiver.secrets)
                )
                fault = receiver._fault()
                if fault == "hang":
                    time.sleep(receiver.hang_s)
                time.sleep(receiver.delay_s)
                status = 500 if fault == "500" else 200 if signed else 401
                event = json.loads(body or b"{}")
                data = event.get("data", {})
                subject = data.get("booking_id", data.get("lesson_id"))
                with receiver._lock:
                    receiver.received.append(
                        Received(
                            self.headers.get("X-Webhook-Id", ""), event.get("type", ""),
                            subject, data, signed, status, time.time(),
                        )
                    )  # fmt: skip
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                except OSError:
                    pass  # the sender gave up waiting (timeout)

            def log_message(self, *_args: Any) -> None:
                pass

        return Handler
