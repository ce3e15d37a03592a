"""Allowed origins against the real app (issue 12): the `/_event` websocket handshake and
the HTTP API answer PUBLIC_URL's pages only.

The handshakes are raw RFC 6455 upgrades of `/_event`, sent the way a browser sends them
(the `Origin` header is the page's origin, which page scripts cannot change), followed by
a socket.io connect on Reflex's `/_event` namespace when the server accepts.
"""

from __future__ import annotations

import base64
import os
import socket
from typing import Any

import httpx

EVIL = "https://evil.example"


def _frame(text: str) -> bytes:
    """A masked client text frame (RFC 6455 5.2), for payloads under 126 bytes."""
    payload, mask = text.encode(), os.urandom(4)
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return bytes([0x81, 0x80 | len(payload)]) + mask + masked


def _read_frame(sock: socket.socket) -> str:
    head = _read_exactly(sock, 2)
    length = head[1] & 0x7F
    if length == 126:
        length = int.from_bytes(_read_exactly(sock, 2), "big")
    elif length == 127:
        length = int.from_bytes(_read_exactly(sock, 8), "big")
    return _read_exactly(sock, length).decode()


def _read_exactly(sock: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        assert chunk, "the server closed the connection"
        data += chunk
    return data


def _event_socket(port: int, origin: str) -> tuple[int, list[str]]:
    """(HTTP status of the upgrade, the engine.io/socket.io packets received after it)."""
    key = base64.b64encode(os.urandom(16)).decode()
    request = (
        "GET /_event/?EIO=4&transport=websocket HTTP/1.1\r\n"
        f"Host: localhost:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nOrigin: {origin}\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", port), timeout=15) as sock:
        sock.sendall(request.encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = sock.recv(1)
            if not chunk:
                break
            head += chunk
        status = int(head.split(b" ", 2)[1])
        if status != 101:
            return status, []
        opened = _read_frame(sock)  # engine.io OPEN: 0{"sid":...}
        sock.sendall(_frame("40/_event,"))  # socket.io CONNECT to Reflex's namespace
        return status, [opened, _read_frame(sock)]


def test_the_event_websocket_accepts_public_url_pages_only(live_app: Any) -> None:
    status, packets = _event_socket(live_app.port, live_app.url)
    assert status == 101
    assert packets[0].startswith("0{") and packets[1].startswith("40/_event,{")
    for origin in (EVIL, f"http://localhost:{live_app.port + 1}", "null"):
        status, packets = _event_socket(live_app.port, origin)
        assert status in (400, 403), (origin, status)
        assert packets == []


def test_the_http_api_answers_cors_to_public_url_pages_only(live_app: Any) -> None:
    base = f"http://127.0.0.1:{live_app.port}"
    with httpx.Client(base_url=base, timeout=15) as client:
        mine = client.get("/api/v1/me", headers={"Origin": live_app.url})
        assert mine.headers["access-control-allow-origin"] == live_app.url
        assert mine.headers["access-control-allow-credentials"] == "true"
        assert (
            mine.headers["access-control-expose-headers"]
            == "X-Total-Count, Link, ETag, Retry-After"
        )
        theirs = client.get("/api/v1/me", headers={"Origin": EVIL})
        preflight = client.options(
            "/api/v1/my-students",
            headers={"Origin": EVIL, "Access-Control-Request-Method": "GET"},
        )
        posted = client.post("/api/auth/logout", headers={"Origin": EVIL})
    for response in (theirs, preflight, posted):
        assert not [h for h in response.headers if h.lower().startswith("access-control-")]
    assert theirs.status_code == 401  # served (not signed in), unreadable for that page
    assert preflight.status_code == 403 and posted.status_code == 403
    assert posted.json()["error"] == "origin_not_allowed"
