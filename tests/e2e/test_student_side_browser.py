"""Issue 14, the student and guest side, in a real browser (demo tutor Olena Kovalenko).

(a) A guest who picks a trial slot is told to sign in before any form, signs in, and is
back on the same tutor, service, week and slot. (b) At 390x844 the slot picker is a row of
day chips and a list of times, every target at least 44x44 px, and a guest books through
it. (c) A guest books a regular lesson with the keyboard only (Tab, Shift+Tab, Enter,
Escape): the dialog traps focus and gives it back to the slot that opened it.
"""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e
TIMEOUT = 20_000
TUTOR_SLUG = "olena-kovalenko"
PRIVATE_PAGE = re.compile(r"/booking/[0-9a-f-]{36}\?new=1$")
PASSWORD = "student-pass-1"


def _register_student(page: Page, base: str) -> str:
    email = f"student-{uuid.uuid4().hex[:8]}@example.com"
    page.goto(f"{base}/register?role=student")
    page.fill("#name", "Kateryna Trial")
    page.fill("#email", email)
    page.fill("#phone", "+380 50 765 4321")
    page.fill("#password", PASSWORD)
    page.click("#register-submit")
    expect(page.locator("#user-role")).to_have_text("student", timeout=TIMEOUT)
    return email


def _next_week(page: Page) -> None:
    label = page.locator("#week-label")
    expect(label).not_to_have_text("", timeout=TIMEOUT)
    this_week = label.inner_text()
    page.click("#week-next")
    expect(label).not_to_have_text(this_week, timeout=TIMEOUT)


def test_a_guest_signs_in_for_a_trial_and_comes_back_to_the_same_slot(live_app, new_page) -> None:  # type: ignore[no-untyped-def]
    live_app.seed_demo()
    email = _register_student(new_page(timezone_id="Europe/Kyiv"), live_app.url)

    guest: Page = new_page(timezone_id="Europe/Kyiv")
    guest.goto(f"{live_app.url}/t/{TUTOR_SLUG}?from=marketplace")
    expect(guest.locator("#tutor-name")).to_have_text("Olena Kovalenko", timeout=TIMEOUT)
    trial_card = guest.locator(".public-service").filter(has_text="Trial lesson")
    # Said up front on the card, and the trial is not preselected for a guest.
    expect(trial_card.locator(".trial-needs-account")).to_be_visible()
    expect(trial_card.get_by_role("button")).to_have_text("Show times")
    trial_card.get_by_role("button").click()
    expect(guest.locator("#trial-notice")).to_be_visible(timeout=TIMEOUT)
    _next_week(guest)
    slot = guest.locator("#slots-days .slot-button").first
    when = (slot.get_attribute("aria-label") or "").removeprefix("Book ")
    week = guest.locator("#week-label").inner_text()
    slot.click()
    expect(guest.locator("#book-trial")).to_be_visible(timeout=TIMEOUT)
    expect(guest.locator("#book-name")).to_have_count(0)  # no form to fill in vain
    guest.click("#book-trial-sign-in")

    expect(guest).to_have_url(re.compile(r"/login\?next="), timeout=TIMEOUT)
    guest.fill("#email", email)
    guest.fill("#password", PASSWORD)
    guest.click("#login-submit")
    expect(guest).to_have_url(re.compile(rf"/t/{TUTOR_SLUG}\?"), timeout=TIMEOUT)
    expect(guest.locator("#booking-dialog")).to_be_visible(timeout=TIMEOUT)
    expect(guest.locator("#week-label")).to_have_text(week)
    # (behind the modal, so by id: the accessibility tree hides the page under it)
    expect(trial_card.locator("[id^=choose-service-]")).to_have_text("Selected")
    expect(guest.locator("#book-name")).to_have_value("Kateryna Trial")
    expect(guest.locator("#book-when")).to_contain_text(when)  # the same slot
    guest.click("#book-submit")
    expect(guest).to_have_url(PRIVATE_PAGE, timeout=TIMEOUT)
    expect(guest.locator("#booking-status")).to_have_text("Waiting for the tutor")
    expect(guest.locator("#booking-price")).to_have_text("Free")


def _box_at_least_44(page: Page, selector: str) -> int:
    boxes = [
        page.locator(selector).nth(i).bounding_box() for i in range(page.locator(selector).count())
    ]
    visible = [b for b in boxes if b is not None]
    assert visible, selector
    small = [b for b in visible if b["width"] < 44 or b["height"] < 44]
    assert not small, f"{selector}: targets under 44x44 px: {small}"
    return len(visible)


def test_on_a_phone_a_guest_picks_a_day_then_a_time(live_app, new_page) -> None:  # type: ignore[no-untyped-def]
    live_app.seed_demo()
    phone: Page = new_page(
        viewport={"width": 390, "height": 844}, timezone_id="Europe/Kyiv", has_touch=True
    )
    phone.goto(f"{live_app.url}/t/{TUTOR_SLUG}")
    expect(phone.locator("#tutor-name")).to_have_text("Olena Kovalenko", timeout=TIMEOUT)
    expect(phone.locator("#pslots-phone")).to_be_visible(timeout=TIMEOUT)
    expect(phone.locator("#slots-days")).to_be_hidden()  # the desktop week grid
    _next_week(phone)
    assert _box_at_least_44(phone, "#pslots-chips .day-chip") == 7
    days = phone.locator("#pslots-chips .day-chip:not([disabled])")
    expect(days.first).to_be_visible(timeout=TIMEOUT)
    days.nth(1).click() if days.count() > 1 else days.first.click()
    expect(phone.locator("#pslots-times .slot-button").first).to_be_visible(timeout=TIMEOUT)
    assert _box_at_least_44(phone, "#pslots-times .slot-button") >= 1
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways ({width} px): {_wider_than(phone, 390)}"
    phone.locator("#pslots-times .slot-button").first.click()
    expect(phone.locator("#booking-dialog")).to_be_visible(timeout=TIMEOUT)
    phone.fill("#book-name", "Oksana Phone")
    phone.fill("#book-phone", "+380 67 222 3344")
    phone.fill("#book-telegram_username", "@oksana_phone")
    phone.click("#book-submit")
    expect(phone).to_have_url(PRIVATE_PAGE, timeout=TIMEOUT)


def _wider_than(page: Page, limit: int) -> list[str]:
    """The elements whose right edge passes `limit` px: what makes a page scroll sideways."""
    return page.evaluate(
        """(limit) => [...document.querySelectorAll("body *")]
        .filter((el) => el.getBoundingClientRect().right > limit + 0.5)
        .slice(0, 12)
        .map((el) => `${el.tagName.toLowerCase()}#${el.id}.${el.className}`.slice(0, 120)
            + ` right=${Math.round(el.getBoundingClientRect().right)}`)""",
        limit,
    )


def _focused(page: Page, script: str) -> bool:
    return bool(
        page.evaluate(f"(() => {{ const el = document.activeElement; return {script}; }})()")
    )


def _tab_to(page: Page, script: str, *, limit: int = 120, back: bool = False) -> None:
    """Press Tab (Shift+Tab with `back`) until the focused element satisfies `script`."""
    for _ in range(limit):
        if _focused(page, script):
            return
        page.keyboard.press("Shift+Tab" if back else "Tab")
    raise AssertionError(f"never reached by keyboard: {script}")


IN_DIALOG = "!!(el && el.closest('#booking-dialog'))"


def test_a_guest_books_with_the_keyboard_only(live_app, new_page) -> None:  # type: ignore[no-untyped-def]
    live_app.seed_demo()
    page: Page = new_page(timezone_id="Europe/Kyiv")
    page.goto(f"{live_app.url}/t/{TUTOR_SLUG}")
    expect(page.locator("#tutor-name")).to_have_text("Olena Kovalenko", timeout=TIMEOUT)
    label = page.locator("#week-label")
    expect(label).not_to_have_text("", timeout=TIMEOUT)
    this_week = label.inner_text()
    _tab_to(page, "el && el.id === 'week-next'")
    page.keyboard.press("Enter")
    expect(label).not_to_have_text(this_week, timeout=TIMEOUT)

    _tab_to(page, "!!(el && el.matches('#slots-days .slot-button'))")
    start = page.evaluate("document.activeElement.dataset.start")
    page.keyboard.press("Enter")
    dialog = page.locator("#booking-dialog")
    expect(dialog).to_be_visible(timeout=TIMEOUT)
    page.wait_for_function(
        f"(() => {{ const el = document.activeElement; return {IN_DIALOG}; }})()"
    )
    for _ in range(12):  # focus is trapped: it cycles inside the dialog both ways
        page.keyboard.press("Tab")
        assert _focused(page, IN_DIALOG)
    for _ in range(12):
        page.keyboard.press("Shift+Tab")
        assert _focused(page, IN_DIALOG)
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden(timeout=TIMEOUT)
    page.wait_for_function(
        f"document.activeElement && document.activeElement.dataset.start === {start!r}"
    )  # back on the slot that opened it, not the page body

    page.keyboard.press("Space")
    expect(dialog).to_be_visible(timeout=TIMEOUT)
    _tab_to(page, "el && el.id === 'book-name'")
    page.keyboard.type("Keys Only")
    _tab_to(page, "el && el.id === 'book-phone'")
    page.keyboard.type("+380 67 333 4455")
    _tab_to(page, "el && el.id === 'book-telegram_username'")
    page.keyboard.type("@keys_only")
    _tab_to(page, "el && el.id === 'book-submit'")
    page.keyboard.press("Enter")
    expect(page).to_have_url(PRIVATE_PAGE, timeout=TIMEOUT)
    expect(page.locator("#booking-status")).to_have_text("Confirmed", timeout=TIMEOUT)
