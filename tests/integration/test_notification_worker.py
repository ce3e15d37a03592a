"""Reminders through a real `celery worker --beat` and the fake Telegram API.

What must hold (issue 7): a reminder arrives at its time, never after a cancel, follows a
moved lesson; 200 due reminders survive a SIGKILLed worker (each delivered, none twice but
the ones in flight); flood control (429 retry_after) and the per-chat/global limits are
respected by every worker process together. Issue 12: nothing for a booking leaves after
its cancel returned (but a request already on its way), and two worker processes keep one
chat's messages 1 s apart as Telegram counts them (arrival).
"""

from __future__ import annotations

import signal
import time
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from booking_app.integrations import telegram
from booking_app.models import NotificationStatus
from booking_app.services import booking as svc
from booking_app.services import telegram_chats
from tests.integration.notify_helpers import by_kind, rows, set_offsets
from tests.integration.notify_worker_support import (
    due_guests,
    group_lesson,
    kill_group,
    next_minute,
    open_tutor,
    start_worker,
    stop_worker,
    worker_env,
)
from tests.support import clock
from tests.support.builders import add_service, booking_row, form
from tests.support.fake_telegram import FakeTelegram
from tests.support.processes import log_tail, wait_until

pytestmark = [pytest.mark.timeout(300), pytest.mark.processes]


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    server = FakeTelegram(enforce_limits=True).start()
    yield server
    server.stop()


def _reminders(fake: FakeTelegram, chat: int) -> list[float]:
    return [m.at for m in fake.sent_to(chat) if m.text.startswith("Reminder:")]


def _book(tutor: int, start, chat: int, now) -> str:  # type: ignore[no-untyped-def]
    service = add_service(tutor)
    view = svc.create_booking(
        form(tutor, service, start=start.isoformat(), telegram_username=f"@user_{chat}"),
        student_id=None, now=now,
    )  # fmt: skip
    assert telegram_chats.link_by_token(view.token, chat)
    return view.token


def test_reminders_on_time_never_after_cancel_and_follow_a_move(
    db: str, fake: FakeTelegram, tmp_path: Path
) -> None:
    now = clock.now()
    # Reminders 1 h before lessons starting at the next minute boundary + 1 h (+20 s margin).
    start = next_minute(now + timedelta(seconds=20)) + timedelta(hours=1)
    tokens = {}
    for chat in (101, 102, 103):
        tutor = open_tutor(f"t{chat}@example.com", cancellation_notice_hours=0)
        set_offsets(tutor, [1])
        tokens[chat] = _book(tutor, start, chat, now)
    svc.cancel_booking(tokens[102], now=now)
    svc.reschedule_booking(tokens[103], start=(start + timedelta(days=1)).isoformat(), now=now)
    due = start - timedelta(hours=1)
    moved = by_kind(booking_row(tokens[103]).id or 0)["reminder:1h"]
    assert moved.send_at == due + timedelta(days=1)

    worker = start_worker(worker_env(db, fake, tmp_path), tmp_path)
    try:
        arrived = wait_until(lambda: len(_reminders(fake, 101)) == 1, timeout=120, interval=0.5)
        assert arrived, log_tail(tmp_path / "worker.log")
        wait_until(lambda: False, timeout=4)  # any wrong message would have arrived by now
    finally:
        stop_worker(worker)
    [at] = _reminders(fake, 101)
    assert due.timestamp() <= at <= due.timestamp() + 5  # on time: not early, not a minute late
    assert _reminders(fake, 102) == []  # cancelled: none
    assert _reminders(fake, 103) == []  # moved a day later: not at the old time
    assert any(t.startswith("Cancelled:") for t in fake.texts(102))
    assert any(t.startswith("Moved:") for t in fake.texts(103))
    assert fake.violations == []


def _two_hundred_due(count: int) -> list[int]:
    """`count` guests in one group lesson in 30 min; booked 3 h ago, so the 1 h reminders
    are all due now. Returns their chat ids."""
    now = clock.now()
    tutor = open_tutor("group@example.com")
    set_offsets(tutor, [1])
    service = add_service(tutor, group=count)
    lesson = group_lesson(tutor, service, next_minute(now) + timedelta(minutes=30), count)
    chats = []
    for i in range(count):
        chat = 10_000 + i
        view = svc.create_booking(
            form(tutor, service, start="", lesson_id=lesson, telegram_username=f"@guest_{i:04d}"),
            student_id=None, now=now - timedelta(hours=3),
        )  # fmt: skip
        assert telegram_chats.link_by_token(view.token, chat)
        chats.append(chat)
    return chats


def _all_sent(count: int) -> bool:
    reminders = [r for r in rows() if r.kind == "reminder:1h"]
    return len(reminders) == count and all(r.status is NotificationStatus.sent for r in reminders)


def test_two_hundred_reminders_survive_a_killed_worker(
    db: str, fake: FakeTelegram, tmp_path: Path
) -> None:
    chats = _two_hundred_due(200)
    env = worker_env(db, fake, tmp_path)
    worker = start_worker(env, tmp_path)
    try:
        started = wait_until(lambda: len(fake.messages) >= 120, timeout=120, interval=0.05)
        assert started, log_tail(tmp_path / "worker.log")
        kill_group(worker, signal.SIGKILL)  # mid-stream: no warm shutdown, no acks
        at_kill = len(fake.messages)
        assert at_kill < 400, "everything was sent before the kill; the test proves nothing"
        worker = start_worker(env, tmp_path, name="worker2")
        # Done = every chat got its reminder AND every row is `sent`: the one in flight at the
        # kill may have reached Telegram but stays `sending` until its lease expires.
        done = wait_until(
            lambda: all(_reminders(fake, c) for c in chats) and _all_sent(len(chats)),
            timeout=150, interval=0.5,
        )  # fmt: skip
        assert done, log_tail(tmp_path / "worker2.log")
    finally:
        stop_worker(worker)
    per_chat = Counter(m.chat_id for m in fake.messages if m.text.startswith("Reminder:"))
    assert set(per_chat) == set(chats)  # every one delivered
    twice = [c for c, n in per_chat.items() if n > 1]
    assert len(twice) <= 2, twice  # at most the ones in flight (2 worker processes)
    statuses = Counter(r.status for r in rows() if r.kind == "reminder:1h")
    assert statuses == {NotificationStatus.sent: 200}
    assert fake.violations == []


def test_flood_control_is_respected_by_all_workers(
    db: str, fake: FakeTelegram, tmp_path: Path
) -> None:
    chats = _two_hundred_due(20)
    fake.fail_next("429", 6, retry_after=2)
    worker = start_worker(worker_env(db, fake, tmp_path), tmp_path)
    try:
        done = wait_until(
            lambda: all(_reminders(fake, c) for c in chats), timeout=120, interval=0.5
        )
        states = [(r.kind, r.status.value, r.attempts, r.last_error) for r in rows()]
        assert done, f"{states}\n{log_tail(tmp_path / 'worker.log', 20)}"
    finally:
        stop_worker(worker)
    assert len(fake.refused_at) == 6  # the injected ones; limit refusals are violations
    sent_at = [m.at for m in fake.messages]
    for refused, retry_after in fake.refused_at:
        # A send already on the wire when the 429 came back can't be recalled (0.3 s).
        too_early = [t for t in sent_at if refused + 0.3 < t < refused + retry_after - 0.1]
        assert too_early == [], f"sent {len(too_early)} inside a retry_after window"
    assert fake.violations == []


# --- issue 12: cancel as a hard line, one chat's gap across processes ---------------------------

NOT_SENT_YET = ("pending", "claimed", "sending")


def _wait_ready(*logs: Path) -> None:
    """Until each worker says it is ready (so both share the work that follows)."""
    for log in logs:
        ready = wait_until(lambda p=log: " ready." in p.read_text(errors="replace"), timeout=60)
        assert ready, log_tail(log)


def test_nothing_leaves_for_a_booking_after_its_cancel_returned(
    db: str, fake: FakeTelegram, tmp_path: Path
) -> None:
    """Item 6 through a real worker: 10 guests whose confirmation and reminder fall due
    together; each booking is cancelled (the page's and the bot's call) the moment its
    reminder leaves `pending`. A slow global budget (4/s) makes claimed rows wait, as a
    busy bot does. After the cancel returned, only a message that had left before may
    arrive (within one request); a reminder caught before that ends `cancelled`."""
    tokens = due_guests(10)
    env = {**worker_env(db, fake, tmp_path), "TELEGRAM_GLOBAL_PER_SECOND": "4"}
    worker = start_worker(env, tmp_path)
    cancelled_at: dict[int, float] = {}

    def cancel_claimed() -> bool:
        for row in rows():
            chat = row.chat_id or 0
            if row.kind == "reminder:1h" and row.status.value != "pending":
                if chat not in cancelled_at:
                    svc.cancel_booking(tokens[chat], now=clock.now())
                    cancelled_at[chat] = time.time()
        return len(cancelled_at) == len(tokens)

    def settled() -> bool:
        told = all(any(t.startswith("Cancelled") for t in fake.texts(c)) for c in tokens)
        return told and not [r for r in rows() if r.status.value in NOT_SENT_YET]

    try:
        assert wait_until(cancel_claimed, timeout=90, interval=0.01), log_tail(
            tmp_path / "worker.log"
        )
        assert wait_until(settled, timeout=60, interval=0.2), log_tail(tmp_path / "worker.log")
    finally:
        stop_worker(worker)
    row_of = {(r.chat_id, r.kind): r for r in rows()}
    late = []  # arrived after the cancel had returned
    for chat in tokens:
        for m in fake.sent_to(chat):
            if m.at > cancelled_at[chat] and not m.text.startswith("Cancelled"):
                row = row_of[chat, "reminder:1h" if m.text.startswith("Reminder") else "created"]
                left = row.sent_at.timestamp() if row.sent_at else float("inf")
                late.append(
                    (chat, row.kind, row.status.value, left - cancelled_at[chat], m.at - left)
                )
    # Each one had left before the cancel returned (its launch committed first: `sending`,
    # `sent_at` = that instant) and arrived within one request. Negative control: on the
    # original code 27 of 29 reminders arrived late, up to 0.94 s, sent after the cancel.
    for _chat, _kind, status, left_after_cancel, on_the_way in late:
        assert status == "sent" and left_after_cancel < 0, late
        assert on_the_way <= telegram.MAX_REQUEST_S, late
    reminders = {chat: row_of[chat, "reminder:1h"] for chat in tokens}
    caught = [c for c, r in reminders.items() if r.status is NotificationStatus.cancelled]
    assert len(caught) >= len(tokens) // 2, (caught, late)  # the race was really run
    for chat in caught:
        assert not _reminders(fake, chat)
    assert fake.violations == []


def test_two_workers_keep_one_second_between_messages_to_a_chat(
    db: str, fake: FakeTelegram, tmp_path: Path
) -> None:
    """Item 7: two worker processes (2 children each) send 20 chats' confirmation and
    reminder, all due at once; each chat's first message spends 0.3 s on the way (what a
    slow network or a descheduled sender does). Telegram counts arrivals: the fake
    refuses any two in one chat closer than 1 s (0.9 s with clock slack)."""
    fake.first_transit_s = 0.3
    env = worker_env(db, fake, tmp_path)
    # Nothing here is meant to expire: with the suite's 5 s lease a send held up on a
    # machine at load ~15 was taken back and sent twice (3 arrivals in one chat), which is
    # the designed at-least-once recovery, not the spacing this test is about.
    env["NOTIFY_LEASE_SECONDS"] = "60"
    workers = [start_worker(env, tmp_path, name="worker")]
    try:
        # One after the other: two workers declaring the embedded SQL broker's queue at
        # the same instant race on its unique name (kombu's sqlalchemy transport).
        _wait_ready(tmp_path / "worker.log")
        workers.append(start_worker(env, tmp_path, name="worker2", beat=False))
        _wait_ready(tmp_path / "worker2.log")
        tokens = due_guests(20)
        done = wait_until(
            lambda: all(len(fake.sent_to(c)) >= 2 for c in tokens), timeout=90, interval=0.5
        )
        assert done, log_tail(tmp_path / "worker.log") + log_tail(tmp_path / "worker2.log")
    finally:
        for worker in reversed(workers):
            stop_worker(worker)
    assert fake.violations == []  # negative control: ~0.7 s apart on the original code
    for chat in tokens:
        arrivals = [m.at for m in fake.sent_to(chat)]
        assert len(arrivals) == 2 and arrivals[1] - arrivals[0] >= 1.0, (chat, arrivals)
    logs = [(tmp_path / name).read_text() for name in ("worker.log", "worker2.log")]
    assert all("succeeded" in log for log in logs)  # both processes sent
