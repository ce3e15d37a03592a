"""The words of every Telegram message, in the recipient's timezone, with the links.

Why a separate module: the outbox (services/notifications.py) decides WHEN and TO WHOM;
this decides WHAT, so a text can change without touching delivery.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from booking_app.config import get_settings
from booking_app.models import BookingStatus, LessonMode
from booking_app.repositories.notifications import BookingContext
from booking_app.services import timefmt

Button = tuple[str, str]  # (label, callback data)


def zone_of(ctx: BookingContext, *, tutor: bool) -> ZoneInfo:
    """The tutor's zone for the tutor; the student's, else (a guest) the tutor's."""
    name = ctx.tutor.timezone if tutor or ctx.student is None else ctx.student.timezone
    return timefmt.zone_or_utc(name)


def when(ctx: BookingContext, tz: ZoneInfo) -> str:
    """ "Mon 30 Nov 2026, 10:00–11:00 (Europe/Kyiv)"."""
    start, end = ctx.lesson.starts_at.astimezone(tz), ctx.lesson.ends_at.astimezone(tz)
    hours = f"{timefmt.format_hhmm(start.time())}{timefmt.DASH}{timefmt.format_hhmm(end.time())}"
    return f"{timefmt.date_label(start.date())}, {hours} ({tz.key})"


def private_link(token: str) -> str:
    return f"{get_settings().public_url}/booking/{token}"


def room_link(ctx: BookingContext) -> str | None:
    """Online lessons with a room (made on confirmation) link to it."""
    if ctx.lesson.mode is not LessonMode.online or not ctx.room_uuid:
        return None
    return f"{get_settings().public_url}/classroom/{ctx.room_uuid}"


def _links(ctx: BookingContext) -> str:
    lines = [f"Booking: {private_link(ctx.booking.booking_token)}"]
    if room := room_link(ctx):
        lines.append(f"Room: {room}")
    return "\n".join(lines)


def _what(ctx: BookingContext) -> str:
    return f"{ctx.service_name} with {ctx.tutor.name}"


def created(ctx: BookingContext) -> str:
    tz = zone_of(ctx, tutor=False)
    if ctx.booking.status is BookingStatus.pending:
        head = f"Request sent: {_what(ctx)}. Waiting for the tutor to confirm."
    else:
        head = f"Booked: {_what(ctx)}."
    return f"{head}\n{when(ctx, tz)}\n{_links(ctx)}"


def tutor_request(ctx: BookingContext) -> str:
    tz = zone_of(ctx, tutor=True)
    who = ctx.booking.client_name
    if ctx.booking.telegram_username:
        who += f" (@{ctx.booking.telegram_username})"
    kind = "Trial request" if ctx.booking.kind.value == "trial" else "New request"
    return f"{kind}: {who}, {ctx.service_name}\n{when(ctx, tz)}\nConfirm or decline:"


def decision(ctx: BookingContext) -> str:
    tz = zone_of(ctx, tutor=False)
    if ctx.booking.status is BookingStatus.confirmed:
        return f"Confirmed: {_what(ctx)}.\n{when(ctx, tz)}\n{_links(ctx)}"
    reason = f"\nReason: {ctx.booking.status_reason}" if ctx.booking.status_reason else ""
    return f"Declined: {_what(ctx)}, {when(ctx, tz)}.{reason}\n{_links(ctx)}"


def reminder(ctx: BookingContext, hours: int) -> str:
    tz = zone_of(ctx, tutor=False)
    pending = (
        "\nThe tutor has not confirmed yet." if ctx.booking.status is BookingStatus.pending else ""
    )
    return f"Reminder: {_what(ctx)} in {hours} h.\n{when(ctx, tz)}{pending}\n{_links(ctx)}"


def moved(ctx: BookingContext) -> str:
    tz = zone_of(ctx, tutor=False)
    return f"Moved: {_what(ctx)} is now on\n{when(ctx, tz)}\n{_links(ctx)}"


def cancelled(ctx: BookingContext) -> str:
    tz = zone_of(ctx, tutor=False)
    late = " (late cancellation)" if ctx.booking.status is BookingStatus.late_cancel else ""
    return f"Cancelled{late}: {_what(ctx)}, {when(ctx, tz)}.\n{_links(ctx)}"


def tutor_cancelled(ctx: BookingContext) -> str:
    tz = zone_of(ctx, tutor=True)
    late = " late" if ctx.booking.status is BookingStatus.late_cancel else ""
    return f"{ctx.booking.client_name} cancelled{late}: {ctx.service_name}, {when(ctx, tz)}."


def tutor_moved(ctx: BookingContext) -> str:
    tz = zone_of(ctx, tutor=True)
    return f"{ctx.booking.client_name} moved {ctx.service_name} to {when(ctx, tz)}."


def digest(lines: list[str]) -> str:
    return "Today's lessons waiting for your answer:\n" + "\n".join(lines)


def digest_line(start: datetime, tz: ZoneInfo, client: str, service: str) -> str:
    return f"{timefmt.format_hhmm(start.astimezone(tz).time())} {client}, {service}"


def request_buttons(booking_id: int) -> list[list[Button]]:
    return [[("Confirm", f"tc:{booking_id}"), ("Decline", f"td:{booking_id}")]]


def cancel_button(token: str) -> list[list[Button]]:
    return [[("Cancel this lesson", f"cx:{token}")]]


def tentative_digest(lines: list[str], deadline_hours: int) -> str:
    """The morning list of today's tentative lessons (services/morning_confirm.py)."""
    home = f"{get_settings().public_url}/home"
    return (
        "Today's tentative lessons, waiting for your confirmation:\n"
        + "\n".join(lines)
        + f"\nConfirm or cancel them on {home}. A lesson not confirmed {deadline_hours} h"
        " before it starts is cancelled and its students are told."
    )


def tentative_buttons(lesson_id: int, local_start: datetime) -> list[Button]:
    """One row per tentative lesson: lc:<id> confirm, lx:<id> ask to cancel."""
    at = timefmt.format_hhmm(local_start.time())
    return [(f"Confirm {at}", f"lc:{lesson_id}"), (f"Cancel {at}", f"lx:{lesson_id}")]
