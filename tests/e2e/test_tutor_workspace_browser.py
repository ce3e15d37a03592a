"""A new tutor sets up the workspace in a real browser and sees exactly the engine's slots.

Register -> create a service -> rules (step 60, no notice) -> Monday 09:00–12:00 copied to
Tuesday–Friday -> next week's preview equals `scheduling.free_slots` for the same inputs ->
publish a lesson (listed; its hour leaves the preview) -> a window ending before it starts
gets an inline error on its row.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from booking_app.scheduling import (
    ExistingLesson,
    Rules,
    ServiceSpec,
    TutorSchedule,
    WeeklyWindow,
    free_slots,
)

pytestmark = pytest.mark.e2e
TIMEOUT = 20_000
TZ = "Europe/Kyiv"


def _next_monday() -> date:
    today = datetime.now(ZoneInfo(TZ)).date()
    return today + timedelta(days=7 - today.weekday())


def _engine_times(rules: Rules, lessons: tuple[ExistingLesson, ...] = ()) -> dict[str, list[str]]:
    """What the engine offers next week for a 60-minute service, by local date."""
    zone = ZoneInfo(TZ)
    monday = _next_monday()
    schedule = TutorSchedule(
        tz=TZ,
        weekly=tuple(WeeklyWindow(d, time(9), time(12)) for d in range(5)),
        lessons=lessons,
        rules=rules,
    )
    lo = datetime.combine(monday, time(0), tzinfo=zone).astimezone(timezone.utc)
    hi = datetime.combine(monday + timedelta(days=7), time(0), tzinfo=zone).astimezone(timezone.utc)
    slots = free_slots(schedule, ServiceSpec(60), lo, hi, datetime.now(timezone.utc), TZ)
    by_day: dict[str, list[str]] = defaultdict(list)
    for slot in slots:
        local = slot.start.astimezone(zone)
        by_day[local.date().isoformat()].append(local.strftime("%H:%M"))
    return {(monday + timedelta(days=i)).isoformat(): by_day[(monday + timedelta(days=i)).isoformat()]
            for i in range(7)}  # fmt: skip


def _rules_on_page(page: Page) -> Rules:
    def number(name: str) -> int:
        return int(float(page.input_value(f"#rule-{name}")))

    max_per_day = number("max_lessons_per_day")
    return Rules(
        buffer_before_min=number("buffer_before_min"),
        buffer_after_min=number("buffer_after_min"),
        max_lessons_per_day=max_per_day or None,
        min_notice_min=int(float(page.input_value("#rule-min_notice_hours")) * 60),
        horizon_days=number("horizon_days"),
        slot_step_min=number("slot_step_min"),
    )


def _expect_preview(page: Page, expected: dict[str, list[str]]) -> None:
    for day, times in expected.items():
        slots = page.locator(f"#preview-day-{day} .preview-slot")
        if times:
            expect(slots).to_have_text(times, timeout=TIMEOUT)
        else:
            expect(slots).to_have_count(0, timeout=TIMEOUT)
    count = sum(len(t) for t in expected.values())
    expect(page.locator("#preview-count")).to_have_text(f"{count} free slots")


def test_tutor_sets_up_the_workspace_and_sees_the_engine_slots(live_app, new_page) -> None:  # type: ignore[no-untyped-def]
    page: Page = new_page(timezone_id=TZ)
    page.goto(f"{live_app.url}/register?role=tutor")
    # Chromium reports the old alias "Europe/Kiev": wait for the browser's zone, then choose.
    expect(page.locator("#timezone")).not_to_have_value("UTC", timeout=TIMEOUT)
    page.select_option("#timezone", TZ)
    expect(page.locator("#timezone")).to_have_value(TZ)
    page.fill("#name", "Iryna Workspace")
    page.fill("#email", "iryna.workspace@example.com")
    page.fill("#phone", "+380 67 111 2233")
    page.fill("#password", "iryna-secret-1")
    page.click("#register-submit")
    expect(page.locator("#user-role")).to_have_text("tutor", timeout=TIMEOUT)

    # -- a service, through the dialog (first an invalid one: errors next to the fields)
    page.click("#nav-tutor-services")
    expect(page.locator("#services-empty")).to_contain_text("No services yet", timeout=TIMEOUT)
    page.click("#new-service")
    page.fill("#service-name", "English speaking")
    page.fill("#service-duration_min", "7")
    page.click("#service-save")
    expect(page.locator("#service-duration_min-error")).to_be_visible(timeout=TIMEOUT)
    page.fill("#service-duration_min", "60")
    page.fill("#service-price", "400")
    page.click("#service-save")
    expect(page.locator("#service-dialog")).to_have_count(0, timeout=TIMEOUT)
    card = page.locator(".service-card")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("English speaking")
    expect(card.locator(".service-meta")).to_have_text(re.compile(r"^60 min · 400 UAH$"))

    # -- rules and weekly hours
    page.goto(f"{live_app.url}/tutor/availability")
    expect(page.locator("#tutor-timezone")).to_contain_text(TZ, timeout=TIMEOUT)
    page.select_option("#rule-slot_step_min", "60")
    page.fill("#rule-min_notice_hours", "0")
    page.click("#save-rules")
    expect(page.get_by_text("Booking rules saved.")).to_be_visible(timeout=TIMEOUT)

    page.click("#add-window-0")
    monday = page.locator("#weekday-0 input[placeholder='HH:MM']")
    expect(monday).to_have_count(2)
    monday.nth(0).fill("09:00")
    monday.nth(1).fill("12:00")
    page.click("#copy-monday")
    expect(page.locator("#weekday-4 input[placeholder='HH:MM']")).to_have_count(2)
    page.click("#save-windows")
    expect(page.locator("#windows-dirty")).to_have_count(0, timeout=TIMEOUT)

    # -- the preview of next week is the engine's answer for the same inputs
    page.click("#preview-next")
    next_monday = _next_monday()
    expect(page.locator("#preview-date")).to_have_value(next_monday.isoformat(), timeout=TIMEOUT)
    rules = _rules_on_page(page)
    expected = _engine_times(rules)
    weekdays = [(next_monday + timedelta(days=i)).isoformat() for i in range(5)]
    assert all(expected[d] == ["09:00", "10:00", "11:00"] for d in weekdays), expected
    _expect_preview(page, expected)

    # -- publish a lesson on next Monday 09:00 with the service; it is listed
    page.click("#nav-tutor-lessons")
    expect(page.locator("#lessons-empty")).to_be_visible(timeout=TIMEOUT)
    page.select_option("#lesson-service_id", index=1)
    expect(page.locator("#lesson-title")).to_have_value("English speaking")
    page.fill("#lesson-start_local", f"{next_monday.isoformat()}T09:00")
    page.click("#publish-lesson")
    lesson = page.locator(".lesson-card")
    expect(lesson).to_have_count(1, timeout=TIMEOUT)
    expect(lesson.locator(".lesson-label")).to_contain_text("09:00")
    expect(lesson.locator(".lesson-seats")).to_have_text("0 / 1 seats taken")

    # -- the lesson's hour is gone from the preview, exactly as the engine says
    page.goto(f"{live_app.url}/tutor/availability")
    page.click("#preview-next", timeout=TIMEOUT)
    zone = ZoneInfo(TZ)
    start = datetime.combine(next_monday, time(9), tzinfo=zone).astimezone(timezone.utc)
    taken = ExistingLesson(1, start, start + timedelta(minutes=60), 1, 0, False, "scheduled")
    expected = _engine_times(rules, (taken,))
    assert "09:00" not in expected[next_monday.isoformat()]
    _expect_preview(page, expected)

    # -- a window that ends before it starts: the error sits on that row, nothing saved
    page.click("#add-window-2")
    wednesday = page.locator("#weekday-2 input[placeholder='HH:MM']")
    expect(wednesday).to_have_count(4)
    wednesday.nth(2).fill("15:00")
    wednesday.nth(3).fill("11:00")
    page.click("#save-windows")
    error = page.locator("#weekday-2 .window-error")
    expect(error).to_have_count(1, timeout=TIMEOUT)
    expect(error).not_to_be_empty()
    expect(page.locator("#windows-dirty")).to_be_visible()
    _expect_preview(page, expected)
