"""Sending through the Telegram Bot API with python-telegram-bot, errors sorted by what to do.

Why a sync facade over the async Bot: Celery tasks are synchronous. Each worker process
keeps ONE event loop and ONE Bot (one HTTP connection pool) for its lifetime, created
lazily after the fork, instead of a new TLS connection per message.

`TELEGRAM_API_BASE_URL` points the client elsewhere (the fake API of the tests, a local
Bot API server); the real client code runs either way.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Sequence
from dataclasses import dataclass

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.request import HTTPXRequest

from booking_app.config import get_settings

# Time periods as timedelta (PTB's future default); without it PTB warns on every 429.
os.environ.setdefault("PTB_TIMEDELTA", "1")

Buttons = Sequence[Sequence[tuple[str, str]]]

# One request's time limits (s); their sum bounds how long a message can be on its way.
POOL_TIMEOUT_S, CONNECT_TIMEOUT_S, WRITE_TIMEOUT_S, READ_TIMEOUT_S = 1.0, 5.0, 5.0, 10.0
MAX_REQUEST_S = POOL_TIMEOUT_S + CONNECT_TIMEOUT_S + WRITE_TIMEOUT_S + READ_TIMEOUT_S


class SendError(Exception):
    """Base of the three outcomes the sender must tell apart."""


class RetryLater(SendError):
    """Telegram's flood control: wait exactly `seconds`, then try again."""

    def __init__(self, seconds: float, message: str) -> None:
        super().__init__(message)
        self.seconds = seconds


class Transient(SendError):
    """Network trouble or a 5xx: try again with backoff."""


class Permanent(SendError):
    """Blocked by the user, chat not found, a rejected message: never retry."""


@dataclass
class _Client:
    loop: asyncio.AbstractEventLoop
    bot: Bot


_client: _Client | None = None


def keyboard(buttons: Buttons) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(text, callback_data=data) for text, data in row] for row in buttons]
    )


def make_bot(token: str | None = None) -> Bot:
    """A Bot on the configured base URL (the one place the base URL is applied)."""
    settings = get_settings()
    request = HTTPXRequest(
        connection_pool_size=8, pool_timeout=POOL_TIMEOUT_S, connect_timeout=CONNECT_TIMEOUT_S,
        write_timeout=WRITE_TIMEOUT_S, read_timeout=READ_TIMEOUT_S,
    )  # fmt: skip
    return Bot(
        token or settings.telegram_bot_token or "",
        base_url=settings.telegram_api_base_url,
        request=request,
    )


def _get_client() -> _Client:
    global _client
    if _client is None:
        loop = asyncio.new_event_loop()
        _client = _Client(loop, make_bot())
    return _client


def prepare() -> None:
    """Create this process's client now (event loop, HTTP pool, TLS context: tens of ms,
    more on a busy machine), so that none of it sits between the sender's last check and
    its request (that gap is the window in which a cancel can't stop a message)."""
    _get_client()


def reset_client() -> None:
    """Forget the process's client (tests switch fake servers; settings may change)."""
    global _client
    if _client is not None:
        client, _client = _client, None
        try:
            client.loop.run_until_complete(client.bot.shutdown())
        finally:
            client.loop.close()


def classify(exc: TelegramError) -> SendError:
    """PTB's exceptions -> what the outbox does next."""
    if isinstance(exc, RetryAfter):
        return RetryLater(exc._retry_after.total_seconds(), str(exc))
    if isinstance(exc, Forbidden):
        return Permanent(f"forbidden: {exc.message}")
    if isinstance(exc, BadRequest):
        return Permanent(f"bad request: {exc.message}")
    if isinstance(exc, NetworkError):  # includes TimedOut and 5xx answers
        return Transient(f"network: {exc.message}")
    return Permanent(f"telegram: {exc}")


def send_message(chat_id: int, text: str, buttons: Buttons = ()) -> int:
    """Send and return Telegram's message id; raises RetryLater, Transient or Permanent."""
    client = _get_client()
    try:
        message = client.loop.run_until_complete(
            client.bot.send_message(chat_id=chat_id, text=text, reply_markup=keyboard(buttons))
        )
    except TelegramError as exc:
        raise classify(exc) from exc
    return message.message_id
