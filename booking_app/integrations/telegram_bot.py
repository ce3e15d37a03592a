"""The Telegram bot process: commands and buttons, a thin transport over the services.

Started by `python -m booking_app.cli run` when TELEGRAM_BOT_TOKEN is set (or alone:
`python -m booking_app.integrations.telegram_bot`). Polling by default; with
TELEGRAM_WEBHOOK_URL set it registers that webhook and listens on TELEGRAM_WEBHOOK_PORT
(needs `python-telegram-bot[webhooks]`).

Why thin: every rule (who may cancel, late cancels, confirming a request under the
tutor's lock, the messages that follow) lives in services; the bot never writes a
booking. Services are synchronous, so handlers run them in a thread.

Callback data (<= 64 bytes): cx:<token> ask to cancel, cy:<token> cancel, tc:<id> confirm a
request, td:<id> ask to decline, ty:<id> decline, lc:<id> confirm a tentative lesson,
lx:<id> ask to cancel it, ly:<id> cancel it, keep: dismiss.
"""

from __future__ import annotations

import asyncio
import logging
import os

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from booking_app import clock
from booking_app.config import get_settings
from booking_app.services import booking as bookings
from booking_app.services import morning_confirm
from booking_app.services import telegram_chats as chats
from booking_app.services.errors import DomainError, as_text

log = logging.getLogger(__name__)

GREETING = (
    "Hi! I send your lesson confirmations and reminders.\n"
    "/upcoming - your next lessons\n/cancel - cancel a lesson\n"
    "Open the Telegram link on your booking page to connect a booking to this chat."
)
DECLINE_REASON = "The tutor declined this request in Telegram."


def _markup(rows: list[list[tuple[str, str]]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(text, callback_data=data) for text, data in row] for row in rows]
    )


async def link_sender(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    """Any update: the sender's Telegram username links their bookings/account to the chat."""
    user, chat = update.effective_user, update.effective_chat
    if user and chat and user.username and chat.type == "private":
        await asyncio.to_thread(chats.link_by_username, user.username, chat.id)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = update.effective_chat
    assert chat is not None and update.message is not None
    if context.args:
        linked = await asyncio.to_thread(chats.link_by_token, context.args[0], chat.id)
        text = (
            "Connected: this chat now gets the messages of that booking.\n/upcoming lists it."
            if linked
            else "This link is not valid any more. Open it again from your booking page."
        )
        await update.message.reply_text(text)
        return
    await update.message.reply_text(GREETING)


async def _upcoming_or_say(update: Update, nothing: str) -> list[chats.UpcomingItem]:
    """The chat's upcoming bookings; with none, ``nothing`` is the answer."""
    chat = update.effective_chat
    assert chat is not None and update.message is not None
    items = await asyncio.to_thread(chats.upcoming, chat.id, now=clock.now())
    if not items:
        await update.message.reply_text(nothing)
    return items


async def upcoming(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    items = await _upcoming_or_say(update, "No upcoming lessons are linked to this chat.")
    if not items:
        return
    assert update.message is not None
    lines = [f"• {item.label}\n  {chats.booking_link(item.token)}" for item in items]
    await update.message.reply_text("Your next lessons:\n" + "\n".join(lines))


async def cancel(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    items = await _upcoming_or_say(update, "Nothing to cancel: no upcoming lessons in this chat.")
    if not items:
        return
    assert update.message is not None
    rows = [[(item.label[:60], f"cx:{item.token}")] for item in items]
    await update.message.reply_text(
        "Which lesson do you want to cancel?", reply_markup=_markup(rows)
    )


async def _ask_cancel(update: Update, token: str) -> str:
    chat = update.effective_chat
    assert chat is not None
    if not await asyncio.to_thread(chats.owns_booking, chat.id, token):
        return "This booking does not exist."
    view = await asyncio.to_thread(bookings.get_booking, token, viewer_tz="UTC", now=clock.now())
    if not view.can_cancel:
        return "This lesson can no longer be cancelled."
    late = (
        "\nIt is inside the tutor's notice: this counts as a late cancellation."
        if view.cancel_is_late
        else ""
    )
    query = update.callback_query
    assert query is not None and query.message is not None
    await query.message.reply_text(
        f"Cancel {view.service_name} with {view.tutor_name}?{late}",
        reply_markup=_markup([[("Yes, cancel", f"cy:{token}"), ("Keep it", "keep")]]),
    )
    return ""


async def _do_cancel(chat_id: int, token: str) -> str:
    if not await asyncio.to_thread(chats.owns_booking, chat_id, token):
        return "This booking does not exist."
    try:
        await asyncio.to_thread(bookings.cancel_booking, token, now=clock.now())
    except DomainError as exc:
        return as_text(exc)
    return "Cancelled. The tutor has been told."


async def _tutor_answer(chat_id: int, action: str, booking_id: int) -> str:
    tutor = await asyncio.to_thread(chats.tutor_for_chat, chat_id)
    if tutor is None:
        return "This booking does not exist."
    try:
        if action == "tc":
            await asyncio.to_thread(bookings.confirm_booking, tutor, booking_id, now=clock.now())
            return "Confirmed. The student has been told."
        await asyncio.to_thread(
            bookings.decline_booking, tutor, booking_id, reason=DECLINE_REASON, now=clock.now()
        )
        return "Declined. The student has been told."
    except DomainError as exc:
        return as_text(exc)


async def _tentative_answer(chat_id: int, action: str, lesson_id: int) -> str:
    """The morning list's buttons: the home page's Confirm / Cancel (same services)."""
    tutor = await asyncio.to_thread(chats.tutor_for_chat, chat_id)
    if tutor is None:
        return "This lesson does not exist."
    try:
        if action == "lc":
            await asyncio.to_thread(
                morning_confirm.confirm_tentative, tutor, lesson_id, now=clock.now()
            )
            return "Confirmed. The students have been told."
        await asyncio.to_thread(morning_confirm.cancel_tentative, tutor, lesson_id, now=clock.now())
        return "Cancelled. The students have been told."
    except DomainError as exc:
        return as_text(exc)


async def button(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every inline button; the answer replaces the buttons so they can't be pressed twice."""
    query, chat = update.callback_query, update.effective_chat
    assert query is not None and chat is not None
    action, _, value = (query.data or "").partition(":")
    text = ""
    if action == "cx":
        text = await _ask_cancel(update, value)
    elif action == "cy":
        text = await _do_cancel(chat.id, value)
    elif action == "td":
        assert query.message is not None
        await query.message.reply_text(
            "Decline this request?",
            reply_markup=_markup([[("Yes, decline", f"ty:{value}"), ("Keep it", "keep")]]),
        )
    elif action == "lx" and value.isdigit():
        assert query.message is not None
        await query.message.reply_text(
            "Cancel this lesson? Its students are told.",
            reply_markup=_markup([[("Yes, cancel", f"ly:{value}"), ("Keep it", "keep")]]),
        )
    elif action in ("lc", "ly") and value.isdigit():
        text = await _tentative_answer(chat.id, action, int(value))
    elif action in ("tc", "ty") and value.isdigit():
        text = await _tutor_answer(chat.id, "tc" if action == "tc" else "td", int(value))
    elif action == "keep":
        text = "Nothing changed."
    await query.answer()
    if text:
        await query.edit_message_text(text)


def build_application() -> Application:
    settings = get_settings()
    if not settings.telegram_bot_token:
        raise SystemExit("TELEGRAM_BOT_TOKEN is not set; the bot has nothing to run as.")
    application = (
        Application.builder()
        .token(settings.telegram_bot_token)
        .base_url(settings.telegram_api_base_url)
        .build()
    )
    application.add_handler(TypeHandler(Update, link_sender), group=-1)
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CommandHandler("upcoming", upcoming))
    application.add_handler(CommandHandler("cancel", cancel))
    application.add_handler(CallbackQueryHandler(button))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, _hint))
    return application


async def _hint(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.message is not None:
        await update.message.reply_text(GREETING)


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    application = build_application()
    settings = get_settings()
    if settings.telegram_webhook_url:
        port = int(os.environ.get("TELEGRAM_WEBHOOK_PORT") or 8443)
        log.info("telegram bot: webhook %s (listening on :%s)", settings.telegram_webhook_url, port)
        application.run_webhook(
            listen="0.0.0.0", port=port, url_path="telegram", webhook_url=settings.telegram_webhook_url,
            secret_token=os.environ.get("TELEGRAM_WEBHOOK_SECRET") or None,
        )  # fmt: skip
        return
    log.info("telegram bot: polling %s", settings.telegram_api_base_url)
    application.run_polling(poll_interval=0.0, timeout=10)


if __name__ == "__main__":
    main()
