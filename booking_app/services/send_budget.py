"""The send budget shared by every worker process: ~30 messages/s per bot, 1/s per chat.

Why in the database: worker processes (and machines) share nothing else that is always
there; a short write transaction per message in `rate_slot` is cheap at 30/s. A 429 from
Telegram pauses everyone until its `retry_after` has passed.

Two kinds of rows, because a plan is not an arrival:
- the plan (`global`, `chat:<id>`): at claim time each message reserves the instant it
  may go, and the sender sleeps until then. This spreads the work, but the instant the
  message reaches Telegram can be later than planned (a slow request, a process
  descheduled after its sleep), so two processes' messages to one chat could land
  0.87 s apart although planned 1 s apart;
- the gate (`sent:<id>`): right before the HTTP call the sender takes the chat, which is
  free only 1 s after the previous message's request came back. While a request is on
  its way the chat is held for as long as a request can last (a worker killed
  mid-request holds it that long); when the answer comes, the hold moves to answer + 1 s.
  A message arrives before its answer and the next one leaves after that answer + 1 s,
  so arrivals in one chat are at least 1 s apart, whichever process sends them.
"""

from __future__ import annotations

from sqlmodel import Session

from booking_app import clock
from booking_app.config import get_settings
from booking_app.db import read_scope, session_scope
from booking_app.integrations import telegram
from booking_app.repositories import notifications as repo

PER_CHAT_GAP_S = 1.0
IN_FLIGHT_HOLD_S = telegram.MAX_REQUEST_S + PER_CHAT_GAP_S


def reserve(chat_id: int) -> float:
    """Reserve a send slot for this chat; returns seconds to wait before sending (>= 0)."""
    with session_scope(write=True) as session:
        return reserve_in(session, chat_id)


def reserve_in(session: Session, chat_id: int) -> float:
    """The same inside the caller's write transaction (the claim's: one commit, not two)."""
    per_second = max(get_settings().telegram_global_per_second, 1)
    chat_key = f"chat:{chat_id}"
    at = repo.reserve_slot(
        session=session,
        chat_key=chat_key,
        spacing={"global": 1.0 / per_second, chat_key: PER_CHAT_GAP_S},
        now=clock.timestamp(),
    )
    return max(0.0, at - clock.timestamp())


def take_chat_in(session: Session, chat_id: int) -> tuple[float, float]:
    """The gate (module docstring), in the caller's write transaction: (0, hold) when this
    message may leave now (the chat is held until `hold`; pass it to `release_chat_in`),
    or (seconds until the chat frees, 0) when not yet."""
    now = clock.timestamp()
    hold = now + IN_FLIGHT_HOLD_S
    wait = repo.take_slot(session=session, key=f"sent:{chat_id}", now=now, until=hold)
    return (wait, 0.0) if wait else (0.0, hold)


def release_chat_in(session: Session, chat_id: int, hold: float) -> None:
    """The request came back (answer or error): the chat is free 1 s from now. No-op when
    nothing was held, or the hold ran out and another message has taken the chat since."""
    if hold:
        key, free_at = f"sent:{chat_id}", clock.timestamp() + PER_CHAT_GAP_S
        repo.move_slot(session=session, key=key, held=hold, to=free_at)


def paused_for() -> float:
    """Seconds left of a flood-control pause another process set meanwhile (0 if none).

    Checked again right before each send: a message whose slot was reserved before
    another worker got a 429 must not go out inside that 429's retry_after."""
    with read_scope() as session:
        until = repo.paused_until(session=session)
        return max(0.0, until - clock.timestamp())


def pause(seconds: float) -> None:
    """Flood control: no process sends for `seconds`."""
    with session_scope(write=True) as session:
        repo.pause_all(session=session, until=clock.timestamp() + seconds)
