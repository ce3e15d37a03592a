"""A real HTTP server on loopback serving calendar feeds, for the iCal import tests.

Each path maps to a ``Feed`` (body, ETag, delay, status); the server answers
``If-None-Match`` with 304 like Google and Outlook do, records the requests it saw, and
can redirect. Threaded, so a slow feed does not hold up the next test's request.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Feed:
    body: bytes = b""
    etag: str | None = None
    delay: float = 0.0
    status: int = 200
    location: str | None = None


@dataclass
class FeedServer:
    port: int
    feeds: dict[str, Feed] = field(default_factory=dict)
    seen: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


def _handler(state: FeedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_args: object) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            state.seen.append((self.path, dict(self.headers.items())))
            feed = state.feeds.get(self.path)
            if feed is None:
                self.send_response(404)
                self.end_headers()
                return
            if feed.delay:
                time.sleep(feed.delay)
            if feed.location:
                self.send_response(feed.status)
                self.send_header("Location", feed.location)
                self.end_headers()
                return
            if feed.etag and self.headers.get("If-None-Match") == feed.etag:
                self.send_response(304)
                self.send_header("ETag", feed.etag)
                self.end_headers()
                return
            self.send_response(feed.status)
            self.send_header("Content-Type", "text/calendar; charset=utf-8")
            self.send_header("Content-Length", str(len(feed.body)))
            if feed.etag:
                self.send_header("ETag", feed.etag)
            self.end_headers()
            try:
                self.wfile.write(feed.body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        do_PROPFIND = do_GET  # noqa: N815 (a CalDAV client's first request, for redirect tests)

    return Handler


@contextmanager
def feed_server() -> Iterator[FeedServer]:
    state = FeedServer(port=0)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
