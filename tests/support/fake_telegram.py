"""A small fake Telegram Bot API on loopback, for the real python-telegram-bot client.

Point the app at it with TELEGRAM_API_BASE_URL=<server.base_url> (and any token). It
records every sent message with its arrival time, and can misbehave on demand:
- `fail_next("429", n, retry_after=s)`: the next n sends answer 429 with retry_after;
- `fail_next("network", n)`: the next n sends drop the connection without an answer;
- `blocked` / `unknown_chats`: chats that answer 403 "bot was blocked" / 400 "chat not found";
- `enforce_limits`: a send closer than 1 s to the previous one in its chat, or more than
  `global_per_second` within a second, is refused with 429 and counted in `violations`
  (what the real API does, so a test can assert the sender never trips it);
- `first_transit_s`: the first message to each chat spends this long on the way before it
  arrives (a slow network, or a sender descheduled after its slot: what makes two
  processes' messages to one chat land closer than they were planned);
- `hold()`: from now on every send stays on the way (counted in `in_transit`) until the
  returned event is set: a request in flight, for as long as the test wants.
getUpdates serves updates pushed with `push_message` / `push_callback` (long polling).
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

BOT_ID = 777000


@dataclass
class Sent:
    chat_id: int
    text: str
    reply_markup: dict[str, Any] | None
    at: float
    message_id: int

    def buttons(self) -> list[tuple[str, str]]:
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [(b["text"], b.get("callback_data", "")) for row in rows for b in row]


@dataclass
class FakeTelegram:
    """State shared by the handler threads; every access holds `lock`."""

    enforce_limits: bool = False
    global_per_second: int = 30
    messages: list[Sent] = field(default_factory=list)
    edits: list[dict[str, Any]] = field(default_factory=list)
    answers: list[dict[str, Any]] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    refused_429: int = 0
    refused_at: list[tuple[float, float]] = field(default_factory=list)  # (when, retry_after)
    first_transit_s: float = 0.0
    in_transit: int = 0
    blocked: set[int] = field(default_factory=set)
    unknown_chats: set[int] = field(default_factory=set)
    lock: threading.Condition = field(default_factory=threading.Condition)
    _faults: deque[tuple[str, float]] = field(default_factory=deque)
    _updates: list[dict[str, Any]] = field(default_factory=list)
    _next_update: int = 1
    _next_message: int = 1000
    _server: ThreadingHTTPServer | None = None
    _gate: threading.Event | None = None
    _chats_seen: set[int] = field(default_factory=set)

    # --- control ------------------------------------------------------------------------------

    def fail_next(self, kind: str, count: int, *, retry_after: float = 1) -> None:
        with self.lock:
            self._faults.extend([(kind, retry_after)] * count)

    def hold(self) -> threading.Event:
        """Sends from now on wait for the returned event before they arrive."""
        with self.lock:
            self._gate = threading.Event()
            return self._gate

    def texts(self, chat_id: int | None = None) -> list[str]:
        with self.lock:
            return [m.text for m in self.messages if chat_id is None or m.chat_id == chat_id]

    def sent_to(self, chat_id: int) -> list[Sent]:
        with self.lock:
            return [m for m in self.messages if m.chat_id == chat_id]

    def push_message(self, chat_id: int, text: str, *, username: str | None = None) -> None:
        user = _user(chat_id, username)
        entities = []
        if text.startswith("/"):
            entities = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        message = {
            "message_id": self._new_message_id(), "date": int(time.time()), "text": text,
            "chat": {"id": chat_id, "type": "private", "username": username}, "from": user,
            "entities": entities,
        }  # fmt: skip
        self._push({"message": message})

    def push_callback(
        self, chat_id: int, data: str, *, username: str | None = None, message_id: int = 1
    ) -> None:
        message = {
            "message_id": message_id, "date": int(time.time()), "text": "...",
            "chat": {"id": chat_id, "type": "private"},
        }  # fmt: skip
        callback = {
            "id": str(self._new_message_id()), "from": _user(chat_id, username),
            "chat_instance": str(chat_id), "data": data, "message": message,
        }  # fmt: skip
        self._push({"callback_query": callback})

    def _push(self, update: dict[str, Any]) -> None:
        with self.lock:
            update["update_id"] = self._next_update
            self._next_update += 1
            self._updates.append(update)
            self.lock.notify_all()

    def _new_message_id(self) -> int:
        with self.lock:
            self._next_message += 1
            return self._next_message

    # --- server -------------------------------------------------------------------------------

    def start(self) -> FakeTelegram:
        fake = self

        class Handler(_Handler):
            state = fake

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            with self.lock:
                self.lock.notify_all()
            self._server.shutdown()
            self._server.server_close()

    @property
    def base_url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/bot"

    # --- the API ------------------------------------------------------------------------------

    def handle(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]] | None:
        """(status, body), or None to drop the connection (a network error)."""
        if method == "getMe":
            return _ok({"id": BOT_ID, "is_bot": True, "first_name": "Fake", "username": "fake_bot"})
        if method == "getUpdates":
            return _ok(self._get_updates(params))
        if method in ("deleteWebhook", "setWebhook", "setMyCommands", "deleteMyCommands"):
            return _ok(True)
        if method == "answerCallbackQuery":
            with self.lock:
                self.answers.append(params)
            return _ok(True)
        if method in ("editMessageText", "editMessageReplyMarkup"):
            with self.lock:
                self.edits.append({"method": method, **params})
            return _ok(True)
        if method == "sendMessage":
            return self._send(params)
        return 404, {"ok": False, "error_code": 404, "description": "Not Found"}

    def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        deadline = time.monotonic() + min(float(params.get("timeout") or 0), 2.0)
        with self.lock:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
            while not self._updates and time.monotonic() < deadline:
                self.lock.wait(timeout=max(0.0, deadline - time.monotonic()))
            return list(self._updates)

    def _send(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]] | None:
        chat_id = int(params["chat_id"])
        self._on_the_way(chat_id)
        now = time.time()
        with self.lock:
            if self._faults:
                kind, retry_after = self._faults.popleft()
                if kind == "network":
                    return None
                if kind == "429":
                    self.refused_429 += 1
                    self.refused_at.append((now, retry_after))
                    return _too_many(retry_after)
                return 500, {"ok": False, "error_code": 500, "description": "Internal error"}
            if chat_id in self.blocked:
                return 403, _error(403, "Forbidden: bot was blocked by the user")
            if chat_id in self.unknown_chats:
                return 400, _error(400, "Bad Request: chat not found")
            if self.enforce_limits and (problem := self._limit_problem(chat_id, now)):
                self.violations.append(problem)
                self.refused_429 += 1
                return _too_many(1)
            self._next_message += 1
            markup = params.get("reply_markup")
            sent = Sent(chat_id, params.get("text", ""), markup, now, self._next_message)
            self.messages.append(sent)
        message = {
            "message_id": sent.message_id, "date": int(now), "text": sent.text,
            "chat": {"id": chat_id, "type": "private"},
        }  # fmt: skip
        return _ok(message)

    def _on_the_way(self, chat_id: int) -> None:
        """The request's time in transit: `first_transit_s`, then a `hold()` if any."""
        with self.lock:
            first = chat_id not in self._chats_seen
            self._chats_seen.add(chat_id)
            gate, self.in_transit = self._gate, self.in_transit + 1
        try:
            if first and self.first_transit_s:
                time.sleep(self.first_transit_s)
            if gate is not None:
                gate.wait(timeout=30)
        finally:
            with self.lock:
                self.in_transit -= 1

    def _limit_problem(self, chat_id: int, now: float) -> str | None:
        # 0.9 s / 1.05 s window: clock granularity of two processes, not a real burst.
        last = next((m.at for m in reversed(self.messages) if m.chat_id == chat_id), None)
        if last is not None and now - last < 0.9:
            return f"chat {chat_id}: {now - last:.3f}s after the previous message"
        recent = sum(1 for m in self.messages[-(self.global_per_second + 1) :] if now - m.at < 1.0)
        if recent >= self.global_per_second + 1:
            return f"{recent + 1} messages within one second"
        return None


def _user(chat_id: int, username: str | None) -> dict[str, Any]:
    return {"id": chat_id, "is_bot": False, "first_name": "User", "username": username}


def _ok(result: Any) -> tuple[int, dict[str, Any]]:
    return 200, {"ok": True, "result": result}


def _error(code: int, description: str) -> dict[str, Any]:
    return {"ok": False, "error_code": code, "description": description}


def _too_many(retry_after: float) -> tuple[int, dict[str, Any]]:
    body = _error(429, f"Too Many Requests: retry after {int(retry_after)}")
    body["parameters"] = {"retry_after": int(retry_after)}
    return 429, body


class _Handler(BaseHTTPRequestHandler):
    state: FakeTelegram
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet
        return

    def do_POST(self) -> None:
        self._serve()

    def do_GET(self) -> None:
        self._serve()

    def _serve(self) -> None:
        try:
            self._answer()
        except (BrokenPipeError, ConnectionResetError):  # the client went away (shutdown)
            self.close_connection = True

    def _answer(self) -> None:
        method = self.path.rstrip("/").rsplit("/", 1)[-1]
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        answer = self.state.handle(method, _params(self.headers.get("Content-Type", ""), raw))
        if answer is None:  # a network error: no answer at all
            self.close_connection = True
            self.connection.shutdown(2)
            return
        status, body = answer
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def _params(content_type: str, raw: bytes) -> dict[str, Any]:
    """PTB posts form fields whose non-string values are JSON; accept JSON bodies too."""
    if not raw:
        return {}
    if content_type.startswith("application/json"):
        return json.loads(raw)
    params: dict[str, Any] = {}
    for key, values in parse_qs(raw.decode(), keep_blank_values=True).items():
        value = values[-1]
        if key in ("reply_markup", "allowed_updates", "commands"):
            value = json.loads(value)
        params[key] = value
    return params
