"""The outbox: every Telegram message is a Notification row, written in the booking's own
transaction, and delivered by tasks/notifications.py.

Why an outbox: Cal.com's reminders were lost (a queue message that never ran), sent in a
burst, or sent after a cancel (a far-future job nobody withdrew). Here:
- the booking change and its messages commit together (`booking_changed(session, ...)`
  is one call inside each write, made by the write skeleton's `announce`), so there is
  no booking without its messages and no message about a change that rolled back;
- reminders are rows with `send_at`, one per (booking, "reminder:<h>h"; every kind is a
  `models.NotificationKind`): a move updates them, a cancel cancels them, and the
  sender re-reads the booking anyway;
- sending is claim (pending -> claimed, one UPDATE) -> wait for the send slot -> launch
  (claimed -> sending, one UPDATE committed right before the HTTP call, with the last
  re-read of the booking) -> send -> mark sent. A row is sent at most once except the
  one in flight when a worker is killed (its lease expires and it is sent again).
- a cancel is a hard line: its transaction cancels every row of the booking that has not
  left (pending or claimed; all but the cancellation notices themselves), and the launch
  UPDATE needs the row still claimed by this worker, under the same row lock. So after
  the cancel returned nothing for that booking leaves; the one exception is a message
  whose launch committed first (`sending`): it is already on its way, arrives within
  that one HTTP request (telegram.MAX_REQUEST_S at worst, milliseconds normally), and
  its row truthfully ends `sent`.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from booking_app.config import get_settings
from booking_app.db import session_scope
from booking_app.models import (
    SEAT_HOLDING_STATUSES,
    BookingEvent,
    BookingStatus,
    LessonStatus,
    Notification,
    NotificationKind,
    NotificationStatus,
)
from booking_app.models.enums import reminder_hours, reminder_key
from booking_app.repositories import notifications as repo
from booking_app.repositories import school as school_repo
from booking_app.repositories.notifications import BookingContext
from booking_app.services import notify_texts as texts
from booking_app.services import send_budget, timefmt

log = logging.getLogger(__name__)

K = NotificationKind
REMINDER_PREFIX = K.reminder.key("")  # "reminder" (rows: "reminder:24h")
CANCEL_KINDS = (K.cancelled.key(), K.tutor_cancelled.key())  # a cancel's own notices
# Still sent for a booking that ends cancelled: those notices, and a decline's `decision`
# (a decline is a cancel with a decision; a "Confirmed" one still unsent is stopped by a
# later cancel's transaction).
SENT_WHEN_CANCELLED = (*CANCEL_KINDS, K.decision.key())
WITH_CANCEL_BUTTON = (K.created, K.decision, K.moved, K.reminder)
CANCELLED = (BookingStatus.cancelled, BookingStatus.late_cancel)
CANCEL_NOTE = "booking cancelled"
NO_TOKEN = "not sent: TELEGRAM_BOT_TOKEN is not set"
MAX_ATTEMPTS = 8
BACKOFF_BASE_S = 2.0
BACKOFF_CAP_S = 300.0
DIGEST_WINDOW = timedelta(hours=2)


# --- the write side: one call per booking change --------------------------------------------------


def booking_changed(
    session: Session,
    booking_id: int,
    event: BookingEvent | str,
    *,
    now: datetime,
    by_tutor: bool = False,
) -> None:
    """Write this change's messages in the caller's transaction.

    ``by_tutor``: the tutor made the change (moved or cancelled the lesson), so they get
    no notice of it. A new kind of message: a NotificationKind member, its words in
    notify_texts, and the event that writes it here.
    """
    event = BookingEvent(event)
    ctx = repo.booking_context(session=session, booking_id=booking_id)
    if ctx is None:
        return
    if event is BookingEvent.created:
        _student(session, ctx, K.created, texts.created(ctx), now)
        if ctx.booking.status is BookingStatus.pending:
            _tutor(session, ctx, K.tutor_request, texts.tutor_request(ctx), now)
    elif event in (BookingEvent.confirmed, BookingEvent.declined):
        _student(session, ctx, K.decision, texts.decision(ctx), now)
        repo.cancel_unsent(
            session=session,
            booking_id=booking_id,
            kinds=[K.tutor_request.key()],
            reason="answered",
        )
    elif event is BookingEvent.moved:
        _student(session, ctx, K.moved, texts.moved(ctx), now)
        if not by_tutor:
            _tutor(session, ctx, K.tutor_moved, texts.tutor_moved(ctx), now)
    elif event is BookingEvent.cancelled:
        _student(session, ctx, K.cancelled, texts.cancelled(ctx), now)
        if not by_tutor:
            _tutor(session, ctx, K.tutor_cancelled, texts.tutor_cancelled(ctx), now)
        # Everything else about this booking that has not left never will (a "Booked"
        # or a reminder after "Cancelled" is wrong, and may even arrive after it).
        superseded = [
            kind
            for kind in repo.kinds_of(session=session, booking_id=booking_id, prefix="")
            if kind not in CANCEL_KINDS
        ]
        repo.cancel_unsent(
            session=session, booking_id=booking_id, kinds=superseded, reason=CANCEL_NOTE
        )
    sync_reminders(session, ctx, now)


def _student_chat(ctx: BookingContext) -> int | None:
    if ctx.booking.telegram_chat_id:
        return ctx.booking.telegram_chat_id
    return ctx.student.telegram_chat_id if ctx.student else None


def _student(
    session: Session, ctx: BookingContext, kind: NotificationKind, body: str, now: datetime
) -> None:
    """Always written: a guest may link a chat later (deep link) and then receives it."""
    repo.upsert(
        session=session, booking_id=ctx.booking.id, kind=kind.key(), user_id=ctx.booking.student_id,
        chat_id=_student_chat(ctx), body=body, send_at=now, now=now,
    )  # fmt: skip


def _tutor(
    session: Session, ctx: BookingContext, kind: NotificationKind, body: str, now: datetime
) -> None:
    """Only for tutors who can be reached (a linked chat or a username to link by)."""
    if not (ctx.tutor.telegram_chat_id or ctx.tutor.telegram_username):
        return
    repo.upsert(
        session=session, booking_id=ctx.booking.id, kind=kind.key(), user_id=ctx.tutor.id,
        chat_id=ctx.tutor.telegram_chat_id, body=body, send_at=now, now=now,
    )  # fmt: skip


def _is_live(ctx: BookingContext) -> bool:
    return (
        ctx.booking.status in SEAT_HOLDING_STATUSES
        and ctx.lesson.status is not LessonStatus.cancelled
    )


def reminder_times(starts_at: datetime, offsets: list[int]) -> dict[str, datetime]:
    """{"reminder:24h": starts - 24 h, ...}: elapsed hours, so DST never shifts them."""
    return {reminder_key(h): starts_at - timedelta(hours=h) for h in sorted(set(offsets)) if h > 0}


def sync_reminders(session: Session, ctx: BookingContext, now: datetime) -> None:
    """One row per future offset; rows no longer wanted (cancelled, passed) are cancelled."""
    wanted = {}
    if _is_live(ctx):
        wanted = {
            kind: at
            for kind, at in reminder_times(ctx.lesson.starts_at, ctx.reminder_offsets).items()
            if at > now
        }
    existing = repo.kinds_of(
        session=session, booking_id=ctx.booking.id or 0, prefix=REMINDER_PREFIX
    )
    stale = [kind for kind in existing if kind not in wanted]
    repo.cancel_unsent(
        session=session, booking_id=ctx.booking.id or 0, kinds=stale, reason="no longer due"
    )
    chat = _student_chat(ctx)
    for kind, at in wanted.items():
        body = texts.reminder(ctx, reminder_hours(kind))
        row = repo.find(session=session, booking_id=ctx.booking.id or 0, kind=kind)
        if row and row.status is NotificationStatus.pending and row.send_at == at:
            row.body, row.chat_id = body, row.chat_id or chat  # same time: refresh the text only
            continue
        repo.upsert(
            session=session, booking_id=ctx.booking.id, kind=kind,
            user_id=ctx.booking.student_id, chat_id=chat, body=body, send_at=at, now=now,
        )  # fmt: skip


# --- the send side ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outgoing:
    """One claimed message (from `claim`), or one launched and ready for the Telegram
    client (from `launch`: text and buttons as read in that last check)."""

    notification_id: int
    chat_id: int
    text: str
    buttons: list[list[texts.Button]]
    wait: float = 0.0  # seconds until its planned send slot
    attempt: int = 0  # the claim's token: only this claim may launch and mark the row
    hold: float = 0.0  # launched: the chat is held until then (send_budget.take_chat_in)


@dataclass(frozen=True)
class Hold:
    """Not yet: try `launch` again in `seconds`. `paused`: everyone sits out a 429; after
    it, plan a fresh slot (the old one is void: every waiting sender would fire at once)."""

    seconds: float
    paused: bool = False


def lease() -> timedelta:
    return timedelta(seconds=get_settings().notify_lease_seconds)


def scan(now: datetime, *, limit: int = 1000) -> list[int]:
    """The beat job's work: recover expired leases, lease and return due ids.

    Without a bot token, due rows are marked `skipped` instead (and logged).
    """
    with session_scope(write=True) as session:
        repo.recover_expired(session=session, now=now)
        if not get_settings().telegram_bot_token:
            for row in repo.skip_due(session=session, now=now, reason=NO_TOKEN):
                log.warning(
                    "notification %s (%s) not sent: no TELEGRAM_BOT_TOKEN", row.id, row.kind
                )
            return []
        return repo.lease_due(session=session, now=now, lease=lease(), limit=limit)


def claim(notification_id: int, *, now: datetime) -> Outgoing | None:
    """Claim the row, re-read its booking, plan its slot; None if taken, or no longer
    worth sending. Nothing leaves yet: `launch` decides, right before the request."""
    with session_scope(write=True) as session:
        if not repo.claim(session=session, notification_id=notification_id, now=now, lease=lease()):
            return None
        row, ctx = _reread(session, notification_id, now)
        if row is None or row.chat_id is None:
            return None
        buttons = _buttons(session, row, ctx, now)
        wait = send_budget.reserve_in(session, row.chat_id)
        return Outgoing(notification_id, row.chat_id, row.body, buttons, wait, row.attempts)


def launch(claimed: Outgoing, *, now: datetime) -> Outgoing | Hold | None:
    """The last check, committed right before the HTTP call: the row is still this claim's
    (a cancel or a move takes it back under the same row lock), the booking still wants
    it, nobody is paused, and the chat is free (its previous request came back 1 s ago).
    Then the row is `sending` and the chat held: send the returned message now. None:
    don't send (the row says why); Hold: not yet."""
    paused = send_budget.paused_for()
    if paused:
        return Hold(paused, paused=True)
    with session_scope(write=True) as session:
        taken = repo.launch(
            session=session, notification_id=claimed.notification_id,
            attempt=claimed.attempt, now=now, lease=lease(),
        )  # fmt: skip
        if not taken:
            return None
        row, ctx = _reread(session, claimed.notification_id, now)
        if row is None or row.chat_id is None:
            return None
        wait, hold = send_budget.take_chat_in(session, row.chat_id)
        if not hold:
            session.rollback()  # still claimed: try again when the chat frees
            return Hold(wait)
        buttons = _buttons(session, row, ctx, now)
        return Outgoing(
            row.id or 0, row.chat_id, row.body, buttons, attempt=claimed.attempt, hold=hold
        )


def _reread(
    session: Session, notification_id: int, now: datetime
) -> tuple[Notification | None, BookingContext | None]:
    """The held row and its booking read again; (None, None) after cancelling a row that
    is no longer worth sending (the reason is kept in last_error)."""
    row = repo.get(session=session, notification_id=notification_id)
    assert row is not None
    ctx = (
        repo.booking_context(session=session, booking_id=row.booking_id) if row.booking_id else None
    )
    problem = _why_not(row, ctx, now)
    if problem is None and K.of(row.kind) is K.tutor_calendar_broken:
        from booking_app.services.calendar_sources import still_broken  # no import cycle

        problem = still_broken(session, row.kind)
    if problem or row.chat_id is None:
        row.status, row.last_error = NotificationStatus.cancelled, problem or "no chat"
        row.lease_until = row.sent_at = None
        return None, None
    return row, ctx


def _why_not(row: Notification, ctx: BookingContext | None, now: datetime) -> str | None:
    """The re-read: a cancelled or moved booking gets no reminder, an answered request no ask."""
    if row.booking_id is None:
        return None
    if ctx is None:
        return "booking gone"
    kind = K.of(row.kind)
    if ctx.booking.status in CANCELLED and row.kind not in SENT_WHEN_CANCELLED:
        return CANCEL_NOTE
    if kind is K.reminder:
        return _reminder_problem(row, ctx, now)
    if kind is K.tutor_request and ctx.booking.status is not BookingStatus.pending:
        return "already answered"
    if ctx.lesson.ends_at <= now:
        return "lesson is over"
    return None


def _reminder_problem(row: Notification, ctx: BookingContext, now: datetime) -> str | None:
    if not _is_live(ctx):
        return CANCEL_NOTE
    if ctx.lesson.starts_at <= now:
        return "lesson already started"
    times = reminder_times(ctx.lesson.starts_at, ctx.reminder_offsets)
    due_at = times.get(row.kind)
    if due_at is None:
        return "offset no longer configured"
    if now < due_at - timedelta(seconds=1):
        # A move re-arms the row (sync_reminders) and claim() refuses rows not yet due, so
        # this is only reached if both were bypassed; never send early.
        return "lesson moved"
    later = [at for kind, at in times.items() if at > due_at and at <= now]
    return "a closer reminder is due" if later else None


def _buttons(
    session: Session, row: Notification, ctx: BookingContext | None, now: datetime
) -> list[list[texts.Button]]:
    kind = K.of(row.kind)
    if kind is K.tutor_digest:
        return _digest_buttons(session, row.user_id or 0, now)
    if kind is K.tutor_tentative:
        return _tentative_buttons(session, row.user_id or 0, now)
    if ctx is None:
        return []
    if kind is K.tutor_request:
        return texts.request_buttons(ctx.booking.id or 0)
    if kind in WITH_CANCEL_BUTTON:
        if _is_live(ctx) and ctx.lesson.starts_at > now:
            return texts.cancel_button(ctx.booking.booking_token)
    return []


def mark_sent(sent: Outgoing, message_id: int | None) -> bool:
    """sending -> sent (`sent_at` stays the launch: when it left), and the chat is free
    1 s from now; False if the row was taken back meanwhile (an expired lease)."""
    with session_scope(write=True) as session:
        done = repo.finish(
            session=session, notification_id=sent.notification_id, attempt=sent.attempt,
            status=NotificationStatus.sent, provider_message_id=str(message_id or ""),
            lease_until=None, last_error=None,
        )  # fmt: skip
        send_budget.release_chat_in(session, sent.chat_id, sent.hold)
        return done


def mark_failed(sent: Outgoing, error: str) -> None:
    """For good: blocked by the user, chat not found, a rejected message."""
    with session_scope(write=True) as session:
        repo.finish(
            session=session, notification_id=sent.notification_id, attempt=sent.attempt,
            status=NotificationStatus.failed, last_error=error[:1000], lease_until=None,
            sent_at=None,
        )  # fmt: skip
        send_budget.release_chat_in(session, sent.chat_id, sent.hold)


def backoff_seconds(
    attempts: int, *, base: float = BACKOFF_BASE_S, cap: float = BACKOFF_CAP_S
) -> float:
    """Exponential (2, 4, 8 ... s), capped at 5 min, with full jitter on the upper half.
    Webhooks use the same curve with their own base and cap (services/webhooks)."""
    ceiling = min(cap, base * 2 ** min(max(attempts - 1, 0), 32))
    return ceiling / 2 + random.uniform(0, ceiling / 2)


def mark_retry(held: Outgoing, delay: float, error: str, *, now: datetime) -> float | None:
    """Back to pending at now + delay (the task also re-sends it then); None = gave up, or
    the row is no longer this claim's (a cancel got there first: it stays cancelled).
    Conditional UPDATEs, never read-then-write: a cancel in between must win."""
    held_by_us = {"notification_id": held.notification_id, "attempt": held.attempt}
    statuses = (NotificationStatus.claimed, NotificationStatus.sending)
    with session_scope(write=True) as session:
        if held.attempt >= MAX_ATTEMPTS:
            repo.finish(
                session=session, **held_by_us, statuses=statuses,
                status=NotificationStatus.failed, last_error=f"gave up: {error}"[:1000],
                lease_until=None, sent_at=None,
            )  # fmt: skip
            retried = False
        else:
            at = now + timedelta(seconds=delay)
            retried = repo.finish(
                session=session, **held_by_us, statuses=statuses,
                status=NotificationStatus.pending, send_at=at, last_error=error[:1000],
                lease_until=at + lease(), sent_at=None,  # the queued retry owns it until then
            )  # fmt: skip
        send_budget.release_chat_in(session, held.chat_id, held.hold)  # rows, then slots
        return delay if retried else None


# --- morning digest -----------------------------------------------------------------------------------


def parse_morning_cron(expr: str) -> tuple[int, int]:
    """(hour, minute) of "M H * * *"; other cron shapes are refused at startup."""
    parts = expr.split()
    if len(parts) != 5 or parts[2:] != ["*", "*", "*"]:
        raise ValueError(f"MORNING_CONFIRM_CRON must look like 'M H * * *', got {expr!r}")
    minute, hour = int(parts[0]), int(parts[1])
    if not (0 <= minute < 60 and 0 <= hour < 24):
        raise ValueError(f"MORNING_CONFIRM_CRON out of range: {expr!r}")
    return hour, minute


def _todays_requests(
    session: Session, tutor_id: int, tz: ZoneInfo, now: datetime
) -> list[repo.PendingToday]:
    """The tutor's pending requests for lessons later today (the tutor's local day)."""
    start = datetime.combine(now.astimezone(tz).date(), datetime.min.time(), tz)
    return repo.pending_requests_between(
        session=session,
        tutor_id=tutor_id,
        start=max(now, start),
        end=start + timedelta(days=1),
    )


def _digest_buttons(session: Session, tutor_id: int, now: datetime) -> list[list[texts.Button]]:
    tutor = repo.get_user(session=session, user_id=tutor_id)
    tz = timefmt.zone_or_utc(tutor.timezone if tutor else "")
    buttons = []
    for request in _todays_requests(session, tutor_id, tz, now):
        booking = request.booking
        label = f"Confirm {request.lesson.starts_at.astimezone(tz):%H:%M} {booking.client_name}"
        buttons.append([(label[:60], f"tc:{booking.id}"), ("Decline", f"td:{booking.id}")])
    return buttons


def _tentative_buttons(session: Session, tutor_id: int, now: datetime) -> list[list[texts.Button]]:
    """Confirm / Cancel per tentative lesson still ahead today (read at sending time)."""
    tutor = repo.get_user(session=session, user_id=tutor_id)
    tz = timefmt.zone_or_utc(tutor.timezone if tutor else "")
    end = datetime.combine(now.astimezone(tz).date() + timedelta(days=1), datetime.min.time(), tz)
    lines = school_repo.tentative_between(session=session, tutor_id=tutor_id, start=now, end=end)
    return [
        texts.tentative_buttons(x.lesson.id or 0, x.lesson.starts_at.astimezone(tz)) for x in lines
    ]


def queue_morning_digests(now: datetime) -> int:
    """Each linked tutor, once a day at MORNING_CONFIRM_CRON local time: today's requests."""
    hour, minute = parse_morning_cron(get_settings().morning_confirm_cron)
    made = 0
    with session_scope(write=True) as session:
        for tutor in repo.users_with_chat(session=session):
            tz = timefmt.zone_or_utc(tutor.timezone)
            local = now.astimezone(tz)
            due = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
            if not (due <= local < due + DIGEST_WINDOW):
                continue
            kind = K.tutor_digest.key(local.date().isoformat())
            exists = repo.has_user_notification(session=session, user_id=tutor.id or 0, kind=kind)
            requests = _todays_requests(session, tutor.id or 0, tz, now)
            if exists or not requests:
                continue
            lines = [
                texts.digest_line(
                    r.lesson.starts_at, tz, r.booking.client_name, r.service_name or r.lesson.title
                )
                for r in requests
            ]
            repo.upsert(
                session=session, booking_id=None, kind=kind, user_id=tutor.id,
                chat_id=tutor.telegram_chat_id, body=texts.digest(lines), send_at=now, now=now,
            )  # fmt: skip
            made += 1
    return made
