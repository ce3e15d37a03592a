"""A simulated browser tab speaking the compiled frontend's protocol (a helper module).

Why not a browser per user: 200 chromium tabs do not fit on 2 cores next to the server
they measure. Why not python-socketio's client: it needs aiohttp/websocket-client, which
the project does not install, and it adds its own framing choices. This speaks exactly
what `.web/utils/state.js` (Reflex 0.10.1) sends, over wsproto (already installed):

- the websocket URL ``/_event/?token=<uuid4>&EIO=4&transport=websocket`` with the
  Reflex version as subprotocol (``createSocket`` in state.js);
- Engine.IO v4 packets: ``0{...}`` open, ``2``/``3`` ping/pong, ``4`` message, wrapping
  Socket.IO packets of the ``/_event`` namespace: ``40/_event,{auth}`` (the CONNECT packet
  carries the page's ``hydrate_and_load`` event and the compiled state schema, so the
  page hydrates without a round trip) and ``42/_event,["event",{...}]`` for events and
  updates;
- an event is ``{"name", "payload"?, "router_data": {pathname, asPath, query}}``;
- the frontend answers ``_call_script`` events whose callback queues a handler (the
  viewer's timezone) by sending that handler, as the browser does;
- the handshake carries the cookies the browser had when its socket opened (``cookie``:
  the page's <head> script writes the ``tz`` cookie before the app's JavaScript runs, so
  even chromium's first visit sends it, and the server computes the page once).

The exact CONNECT packet (hashes of the compiled initial state, schema digest) is taken
from a real chromium visit by bench_ws_load.py, so nothing here guesses the build.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from wsproto import ConnectionType, WSConnection
from wsproto.events import (
    AcceptConnection,
    CloseConnection,
    Message,
    Ping,
    RejectConnection,
    Request,
    TextMessage,
)

NAMESPACE = "/_event"
CALLBACK_EVENT = re.compile(r'ReflexEvent\(\\?"([^"\\]+)\\?",\s*\{(\w+):_result\}')


class ProtocolError(Exception):
    """The server answered something a browser would not accept."""


@dataclass
class Frame:
    """One Socket.IO ``event`` update from the server, with its arrival time."""

    at: float
    update: dict[str, Any]
    size: int


@dataclass
class Tab:
    """One browser tab: a websocket, its token and what it received."""

    host: str
    port: int
    reflex_version: str
    answers: dict[str, Any] = field(default_factory=dict)  # _call_script results, by code
    token: str = field(default_factory=lambda: str(uuid.uuid4()))
    received_bytes: int = 0
    cookie: str = ""  # the Cookie header of chromium's handshake ("" = none)

    async def open(self, timeout: float) -> None:
        self._reader, self._writer = await asyncio.wait_for(
            asyncio.open_connection("127.0.0.1", self.port), timeout
        )
        self._ws = WSConnection(ConnectionType.CLIENT)
        self._inbox: asyncio.Queue[Frame | Exception] = asyncio.Queue()
        self._text: list[str] = []
        target = f"{NAMESPACE}/?token={self.token}&EIO=4&transport=websocket"
        self._send_raw(
            Request(
                host=self.host,
                target=target,
                subprotocols=[self.reflex_version],
                extra_headers=[(b"origin", f"http://{self.host}".encode())]
                + ([(b"cookie", self.cookie.encode())] if self.cookie else []),
            )
        )
        self._opened = asyncio.get_running_loop().create_future()
        self._pump = asyncio.create_task(self._read_loop())
        await asyncio.wait_for(self._opened, timeout)

    def _send_raw(self, event: Any) -> None:
        self._writer.write(self._ws.send(event))

    def send_packet(self, packet: str) -> None:
        self._send_raw(Message(data=packet))

    def connect(self, auth: dict[str, Any]) -> float:
        """Socket.IO CONNECT to /_event with the boot event; returns the send time."""
        self.send_packet(f"40{NAMESPACE},{json.dumps(auth, separators=(',', ':'))}")
        return time.perf_counter()

    def emit(self, event: dict[str, Any]) -> float:
        """Send one event the way ``applyEvent`` does; returns the send time."""
        body = json.dumps(["event", event], separators=(",", ":"))
        self.send_packet(f"42{NAMESPACE},{body}")
        return time.perf_counter()

    async def next_frame(self, timeout: float) -> Frame:
        item = await asyncio.wait_for(self._inbox.get(), timeout)
        if isinstance(item, Exception):
            raise item
        return item

    async def close(self) -> None:
        try:
            if not self._writer.is_closing():
                self.send_packet(f"41{NAMESPACE},")
                self._send_raw(CloseConnection(code=1000))
                await self._writer.drain()
        except (ConnectionError, RuntimeError, AttributeError):
            pass
        finally:
            if getattr(self, "_pump", None) is not None:
                self._pump.cancel()
            if getattr(self, "_writer", None) is not None:
                self._writer.close()

    async def _read_loop(self) -> None:
        try:
            while True:
                data = await self._reader.read(65536)
                if not data:
                    raise ProtocolError("the server closed the connection")
                self._ws.receive_data(data)
                for event in self._ws.events():
                    self._handle(event)
                await self._writer.drain()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # every failure reaches whoever waits for a frame
            if not self._opened.done():
                self._opened.set_exception(exc)
            self._inbox.put_nowait(exc)

    def _handle(self, event: Any) -> None:
        if isinstance(event, AcceptConnection):
            return
        if isinstance(event, RejectConnection):
            raise ProtocolError(f"websocket refused: HTTP {event.status_code}")
        if isinstance(event, Ping):
            self._send_raw(event.response())
        elif isinstance(event, CloseConnection):
            raise ProtocolError(f"websocket closed: {event.code} {event.reason}")
        elif isinstance(event, TextMessage):
            self._text.append(event.data)
            if event.message_finished:
                self._packet("".join(self._text))
                self._text = []

    def _packet(self, packet: str) -> None:
        self.received_bytes += len(packet)
        kind = packet[:1]
        if kind == "0":  # Engine.IO open
            if not self._opened.done():
                self._opened.set_result(None)
        elif kind == "2":  # Engine.IO ping -> pong
            self.send_packet("3")
        elif packet.startswith(f"44{NAMESPACE}"):
            raise ProtocolError(f"connect refused: {packet[:200]}")
        elif packet.startswith(f"42{NAMESPACE},"):
            name, *args = json.loads(packet[len(NAMESPACE) + 3 :])
            if name == "event" and args:
                update = args[0]
                self._answer_scripts(update)
                self._inbox.put_nowait(Frame(time.perf_counter(), update, len(packet)))
            elif name not in ("new_token",):
                raise ProtocolError(f"unexpected server event {name!r}: {packet[:200]}")

    def _answer_scripts(self, update: dict[str, Any]) -> None:
        """The browser runs ``_call_script`` and queues the callback's handler."""
        for event in update.get("events") or []:
            if event.get("name") != "_call_script":
                continue
            payload = event.get("payload") or {}
            code = payload.get("javascript_code", "")
            match = CALLBACK_EVENT.search(str(payload.get("callback") or ""))
            if match is None or code not in self.answers:
                continue
            self.emit(
                {
                    "name": match.group(1),
                    "payload": {match.group(2): self.answers[code]},
                    "router_data": self.router_data,
                }
            )

    router_data: dict[str, Any] = field(default_factory=dict)
