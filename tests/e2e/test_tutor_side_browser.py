"""The tutor side of issue 14 in a real browser: the calendar on a phone (day and list
views, nothing scrolls sideways), drag-create snapping to the slot step, lessons created
and moved by keyboard only, and a new tutor's home checklist with a hidden public page."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from booking_app.demo import DEMO_PASSWORD
from tests.e2e.test_calendar_browser import TUTOR_EMAIL, _drag, _point
from tests.e2e.test_live_updates_browser import _sign_in

pytestmark = pytest.mark.e2e
TIMEOUT = 20_000
NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= window.innerWidth"
SWIPE_LEFT = """() => {
  const el = document.querySelector("#week-calendar .fc-timegrid-body");
  const at = (x) => new Touch({identifier: 1, target: el, clientX: x, clientY: 400});
  const fire = (type, t) => el.dispatchEvent(new TouchEvent(type, {bubbles: true,
      touches: type === "touchend" ? [] : [t], changedTouches: [t]}));
  fire("touchstart", at(320));
  fire("touchend", at(120));
}"""


def _far_week_day(weekday: int) -> str:
    """A day seven weeks ahead (free in the demo data, and not the week
    test_calendar_browser uses: the app and its database live for the whole session)."""
    monday = date.today() - timedelta(days=date.today().weekday()) + timedelta(weeks=7)
    return (monday + timedelta(days=weekday)).isoformat()


def _calendar_at(page: Page, day: str) -> None:
    page.fill("#cal-jump", day)
    expect(page.locator(f'td.fc-timegrid-col[data-date="{day}"]')).to_be_visible(timeout=TIMEOUT)
    page.wait_for_function(
        "() => [...document.querySelectorAll('.fc-scroller')].some(e => e.scrollTop > 0)",
        timeout=TIMEOUT,
    )
    page.wait_for_timeout(300)


def test_phone_calendar_shows_a_day_or_a_list_without_sideways_scroll(live_app, new_page) -> None:  # type: ignore[no-untyped-def]
    live_app.seed_demo()
    page: Page = new_page(timezone_id="Europe/Kyiv", has_touch=True)
    _sign_in(page, live_app.url, TUTOR_EMAIL, DEMO_PASSWORD, "tutor")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_app.url}/calendar")
    expect(page.locator(".fc-timeGridDay-view")).to_be_visible(timeout=TIMEOUT)
    expect(page.locator("td.fc-timegrid-col[data-date]")).to_have_count(1)  # one day
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    label = page.locator("#cal-day-label").inner_text()
    page.locator("#cal-next-day").click()
    expect(page.locator("#cal-day-label")).not_to_have_text(label, timeout=TIMEOUT)
    for _ in range(7):  # across the week boundary: the next week loads
        page.locator("#cal-next-day").click()
    expect(page.locator(".fc-timeGridDay-view")).to_be_visible(timeout=TIMEOUT)
    page.locator("#cal-view-list").click()
    expect(page.locator(".fc-list")).to_be_visible(timeout=TIMEOUT)
    expect(page.locator("#cal-view-list")).to_have_attribute("aria-pressed", "true")
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    page.screenshot(path=str(live_app.data_dir.parent / "calendar-phone-list.png"))
    page.locator("#cal-view-day").click()
    expect(page.locator(".fc-timeGridDay-view")).to_be_visible(timeout=TIMEOUT)
    page.screenshot(path=str(live_app.data_dir.parent / "calendar-phone.png"))
    # a swipe to the left shows the next day, as the button does
    label = page.locator("#cal-day-label").inner_text()
    page.evaluate(SWIPE_LEFT)
    expect(page.locator("#cal-day-label")).not_to_have_text(label, timeout=TIMEOUT)
    # desktop keeps the week grid
    page.set_viewport_size({"width": 1300, "height": 900})
    page.reload()
    expect(page.locator(".fc-timeGridWeek-view")).to_be_visible(timeout=TIMEOUT)


def test_my_students_actions_are_on_screen_on_a_phone(live_app, new_page) -> None:  # type: ignore[no-untyped-def]
    live_app.seed_demo()
    page: Page = new_page(timezone_id="Europe/Kyiv")
    _sign_in(page, live_app.url, TUTOR_EMAIL, DEMO_PASSWORD, "tutor")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_app.url}/tutor/students")
    row = page.locator(".student-row").first
    expect(row).to_be_visible(timeout=TIMEOUT)
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    for button in row.locator("button").all():  # every action inside the screen, 44 px tall
        box = button.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, box
        assert box["height"] >= 44, box
    page.screenshot(path=str(live_app.data_dir.parent / "students-phone.png"))


def test_drag_create_snaps_to_the_slot_step_and_hours_are_shaded(live_app, new_page) -> None:  # type: ignore[no-untyped-def]
    live_app.seed_demo()
    page: Page = new_page(timezone_id="Europe/Kyiv", viewport={"width": 1300, "height": 1000})
    _sign_in(page, live_app.url, TUTOR_EMAIL, DEMO_PASSWORD, "tutor")
    page.goto(f"{live_app.url}/calendar")
    wed = _far_week_day(2)
    _calendar_at(page, wed)
    expect(page.locator(".fc-non-business").first).to_be_attached(timeout=TIMEOUT)
    _drag(page, _point(page, wed, "12:00"), _point(page, wed, "12:00"))
    expect(page.locator("#create-dialog")).to_be_visible(timeout=TIMEOUT)
    expect(page.locator("#create-when")).to_have_text(f"{wed} 12:00–12:30")  # not 12:15


def test_lessons_are_created_and_moved_by_keyboard_only(live_app, new_page) -> None:  # type: ignore[no-untyped-def]
    live_app.seed_demo()
    page: Page = new_page(timezone_id="Europe/Kyiv", viewport={"width": 1300, "height": 1000})
    _sign_in(page, live_app.url, TUTOR_EMAIL, DEMO_PASSWORD, "tutor")
    page.goto(f"{live_app.url}/calendar")
    tue, thu = _far_week_day(1), _far_week_day(3)
    _calendar_at(page, tue)

    page.locator("#cal-new-lesson").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#new-dialog")).to_be_visible(timeout=TIMEOUT)
    page.locator("#new-date").fill(tue)
    page.locator("#new-time").fill("11:00")
    page.locator("#new-service").select_option("0")
    page.locator("#new-duration").fill("60")
    page.locator("#new-duration").press("Enter")
    expect(page.get_by_text("Lesson published")).to_be_visible(timeout=TIMEOUT)
    expect(page.locator("#new-dialog")).to_have_count(0, timeout=TIMEOUT)
    event = page.locator(f'td.fc-timegrid-col[data-date="{tue}"] .fc-event').filter(
        has_text="11:00"
    )
    expect(event).to_have_count(1, timeout=TIMEOUT)

    # the event is tabbable; Enter opens its details, where "Move" takes a date and time
    page.wait_for_function(
        "() => getComputedStyle(document.body).pointerEvents !== 'none'", timeout=TIMEOUT
    )
    event.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#detail-dialog")).to_be_visible(timeout=TIMEOUT)
    expect(page.locator("#move-date")).to_have_value(tue)
    page.locator("#move-date").fill(thu)
    page.locator("#move-time").fill("15:30")
    page.locator("#move-time").press("Enter")
    expect(page.get_by_text("Moved.")).to_be_visible(timeout=TIMEOUT)
    moved = page.locator(f'td.fc-timegrid-col[data-date="{thu}"] .fc-event').filter(
        has_text="15:30"
    )
    expect(moved).to_have_count(1, timeout=TIMEOUT)
    expect(moved).to_contain_text("16:30")  # same length
    page.screenshot(path=str(live_app.data_dir.parent / "calendar-desktop.png"))
    assert (moved.get_attribute("title") or "") != ""  # the tooltip with every detail


def test_a_new_tutor_sees_the_checklist_and_no_public_page(live_app, new_page) -> None:  # type: ignore[no-untyped-def]
    page: Page = new_page(timezone_id="Europe/Kyiv")
    page.goto(f"{live_app.url}/register?role=tutor")
    page.fill("#name", "Nova Tutor")
    page.fill("#email", f"nova-{uuid.uuid4().hex[:8]}@example.com")
    page.fill("#phone", "+380 50 765 4321")
    page.fill("#password", "tutor-pass-12")
    page.click("#register-submit")
    expect(page.locator("#user-role")).to_have_text("tutor", timeout=TIMEOUT)
    page.goto(f"{live_app.url}/home")
    checklist = page.locator("#onboarding-checklist")
    expect(checklist).to_be_visible(timeout=TIMEOUT)
    for key in ("profile", "service", "hours", "preview", "publish", "share"):
        expect(page.locator(f"#step-{key}")).to_have_attribute("data-done", "false")
    page.click("#publish-page")
    expect(page.locator("#publish-error")).to_contain_text("add an active service",
                                                           timeout=TIMEOUT)  # fmt: skip
    expect(page.locator("#share-card")).to_have_count(0)
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    page.screenshot(path=str(live_app.data_dir.parent / "home-new-tutor-phone.png"), full_page=True)
    href = page.locator("#step-profile a").get_attribute("href")
    assert href == "/tutor/profile"
