"""The bot process (python-telegram-bot, polling) against the fake Telegram API.

Commands and buttons, chat linking by deep-link token and by username (case-insensitive),
cancelling with a confirmation step, and the tutor's Confirm/Decline buttons changing the
booking through the services (the student is then told through the outbox).
"""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, time
from pathlib import Path

import pytest

from booking_app.config import PROJECT_ROOT
from booking_app.models import BookingStatus, LessonStatus
from booking_app.services import booking as svc
from tests.integration.notify_helpers import by_kind, set_telegram
from tests.integration.notify_worker_support import kill_group
from tests.support import clock
from tests.support.builders import (
    add_lesson,
    add_service,
    add_student,
    add_tutor,
    booking_row,
    form,
    lesson_row,
)
from tests.support.fake_telegram import FakeTelegram
from tests.support.processes import log_tail, project_env, wait_until

pytestmark = [pytest.mark.timeout(180), pytest.mark.processes]
# The bot process reads the real clock: lessons are "next Monday 10:00 / Tuesday 12:00 in
# Kyiv, at least two days ahead" of it (tests/support/clock.py).


def _monday_10() -> datetime:
    return clock.upcoming(0, time(10))


@pytest.fixture
def bot(db: str, tmp_path: Path) -> Iterator[FakeTelegram]:
    fake = FakeTelegram().start()
    env = project_env(
        DATA_DIR=str(tmp_path), DATABASE_URL=db, TELEGRAM_BOT_TOKEN="123:TEST",
        TELEGRAM_API_BASE_URL=fake.base_url,
    )  # fmt: skip
    with (tmp_path / "bot.log").open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "booking_app.integrations.telegram_bot"], cwd=PROJECT_ROOT,
            env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            process_group=0,
        )  # fmt: skip
    fake.log_path = tmp_path / "bot.log"  # type: ignore[attr-defined]
    try:
        yield fake
    finally:
        kill_group(process, signal.SIGTERM)
        fake.stop()


def _reply(fake: FakeTelegram, chat: int, count: int) -> list[str]:
    ok = wait_until(lambda: len(fake.texts(chat)) >= count, timeout=30, interval=0.1)
    assert ok, f"{fake.texts(chat)}\n{log_tail(fake.log_path)}"  # type: ignore[attr-defined]
    return fake.texts(chat)


def _guest(tutor: int, start: datetime | None = None, username: str = "@Ivan_Guest") -> str:
    service = add_service(tutor)
    start = start or _monday_10()
    return svc.create_booking(
        form(tutor, service, start=start.isoformat(), telegram_username=username),
        student_id=None,
        now=clock.now(),
    ).token


def test_start_with_token_links_and_upcoming_lists(bot: FakeTelegram) -> None:
    tutor = add_tutor()
    monday = _monday_10()
    token = _guest(tutor, monday)
    bot.push_message(501, f"/start {token}")
    assert "Connected" in _reply(bot, 501, 1)[0]
    assert booking_row(token).telegram_chat_id == 501
    assert by_kind(booking_row(token).id or 0)["reminder:24h"].chat_id == 501
    bot.push_message(501, "/upcoming")
    listing = _reply(bot, 501, 2)[1]
    day = clock.local_day(monday)
    assert (
        f"Algebra with Tutor olena, Mon {day.day} {day:%b %Y}, 10:00–11:00 (Europe/Kyiv)" in listing
    )
    bot.push_message(502, "/upcoming")  # negative control: another chat sees nothing
    assert "No upcoming lessons" in _reply(bot, 502, 1)[0]
    bot.push_message(503, "/start 00000000-0000-4000-8000-000000000000")
    assert "not valid" in _reply(bot, 503, 1)[0]


def test_first_message_links_by_username_case_insensitively(bot: FakeTelegram) -> None:
    tutor = add_tutor()
    token = _guest(tutor, username="@ivan_guest")
    bot.push_message(601, "hello", username="IVAN_Guest")
    assert "/upcoming" in _reply(bot, 601, 1)[0]
    assert booking_row(token).telegram_chat_id == 601
    bot.push_message(602, "hello", username="someone_else")
    _reply(bot, 602, 1)
    assert booking_row(token).telegram_chat_id == 601  # nobody else takes it


def test_cancel_asks_first_then_cancels(bot: FakeTelegram) -> None:
    tutor = add_tutor()
    token = _guest(tutor)
    bot.push_message(701, f"/start {token}")
    _reply(bot, 701, 1)
    bot.push_message(701, "/cancel")
    assert wait_until(lambda: len(bot.sent_to(701)) >= 2, timeout=20)
    menu = bot.sent_to(701)[1]
    assert menu.buttons() and menu.buttons()[0][1] == f"cx:{token}"
    bot.push_callback(702, f"cx:{token}")  # a stranger's button press: refused
    assert wait_until(
        lambda: any("does not exist" in e.get("text", "") for e in bot.edits), timeout=20
    )
    bot.push_callback(701, f"cx:{token}")
    assert wait_until(lambda: len(bot.sent_to(701)) >= 3, timeout=20)
    ask = bot.sent_to(701)[2]
    assert ask.text.startswith("Cancel Algebra") and ("Yes, cancel", f"cy:{token}") in ask.buttons()
    assert booking_row(token).status is BookingStatus.confirmed  # nothing yet
    bot.push_callback(701, f"cy:{token}")
    assert wait_until(lambda: booking_row(token).status is BookingStatus.cancelled, timeout=20)
    assert by_kind(booking_row(token).id or 0)["reminder:2h"].status.value == "cancelled"


def test_tutor_confirms_and_declines_from_the_bot(bot: FakeTelegram) -> None:
    tutor = add_tutor(requires_confirmation=True)
    set_telegram(tutor, "olena_tutor")
    student = add_student()
    first = _guest(tutor)
    second = svc.create_booking(
        form(tutor, add_service(tutor), start=clock.upcoming(1, time(12)).isoformat()),
        student_id=student,
        now=clock.now(),
    ).token
    bot.push_message(801, "/start", username="Olena_Tutor")  # links the tutor account
    _reply(bot, 801, 1)
    first_id, second_id = booking_row(first).id, booking_row(second).id
    assert by_kind(first_id or 0)["tutor_request"].chat_id == 801
    bot.push_callback(999, f"tc:{first_id}")  # not the tutor's chat: refused
    assert wait_until(lambda: bool(bot.edits), timeout=20)
    assert booking_row(first).status is BookingStatus.pending
    bot.push_callback(801, f"tc:{first_id}")
    assert wait_until(lambda: booking_row(first).status is BookingStatus.confirmed, timeout=20)
    assert "Confirmed" in by_kind(first_id or 0)["decision"].body  # the student is told
    bot.push_callback(801, f"td:{second_id}")
    assert wait_until(
        lambda: any(s.text == "Decline this request?" for s in bot.sent_to(801)), timeout=20
    )
    bot.push_callback(801, f"ty:{second_id}")
    assert wait_until(lambda: booking_row(second).status is BookingStatus.cancelled, timeout=20)
    assert "Declined" in by_kind(second_id or 0)["decision"].body


def test_bot_and_notification_tasks_do_not_import_reflex() -> None:
    """Like the worker and the CLI: plain Python processes (ARCHITECTURE.md, rule 1)."""
    code = (
        "import sys, tasks.notifications, booking_app.integrations.telegram_bot\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('reflex', 'reflex_base')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, env=project_env(),
        capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    assert result.stdout.strip() == "[]"


def test_bot_refuses_to_start_without_a_token(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "booking_app.integrations.telegram_bot"], cwd=PROJECT_ROOT,
        env=project_env(DATA_DIR=str(tmp_path), TELEGRAM_BOT_TOKEN=""), capture_output=True,
        text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode != 0 and "TELEGRAM_BOT_TOKEN is not set" in result.stderr


def test_tutor_confirms_and_cancels_tentative_lessons_from_the_bot(bot: FakeTelegram) -> None:
    """The morning list's buttons (lc / lx -> ly): the home page's services, the tutor's
    chat only."""
    tutor = add_tutor()
    set_telegram(tutor, "olena_tutor")
    keep = add_lesson(tutor, _monday_10(), lesson_status=LessonStatus.tentative)
    drop = add_lesson(tutor, clock.upcoming(1, time(12)), lesson_status=LessonStatus.tentative)
    bot.push_message(801, "/start", username="Olena_Tutor")  # links the tutor account
    _reply(bot, 801, 1)
    bot.push_callback(999, f"lc:{keep}")  # not the tutor's chat: refused
    assert wait_until(lambda: bool(bot.edits), timeout=20)
    assert lesson_row(keep).status is LessonStatus.tentative
    bot.push_callback(801, f"lc:{keep}")
    assert wait_until(lambda: lesson_row(keep).status is LessonStatus.scheduled, timeout=20)
    bot.push_callback(801, f"lx:{drop}")
    assert wait_until(
        lambda: any(s.text.startswith("Cancel this lesson?") for s in bot.sent_to(801)),
        timeout=20,
    )
    assert lesson_row(drop).status is LessonStatus.tentative  # asked first
    bot.push_callback(801, f"ly:{drop}")
    assert wait_until(lambda: lesson_row(drop).status is LessonStatus.cancelled, timeout=20)
