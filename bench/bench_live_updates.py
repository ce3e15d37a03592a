"""Live-update latency, browser to browser: a guest books in page B, the tutor's open
calendar in page A shows the lesson.

Why: the promise is "within a second, without reload", with one backend worker and with
several workers on Redis. This measures the path a user sees: page B (a guest on the
demo tutor's public page) clicks "Book"; the booking commits, the tutor's channel is
bumped, Reflex relays the delta (through Redis to the worker holding the tutor's
websocket, with several workers), page A re-reads its week and FullCalendar draws the
lesson. A capture listener in B stamps the click, a MutationObserver in A stamps the
moment the guest's lesson appears; the latency is the difference (both browsers run on
this machine: one clock). Each booking takes the first free slot of the next weeks.

Setups: (1) the embedded default, one worker, no Redis; (2) Redis state manager with
``--workers`` Granian workers (default 3). Each starts the real app (bench/_app.py:
``cli run --no-worker`` on a free port, fresh data dir, demo data).

Run: ``.venv/bin/python bench/bench_live_updates.py [--changes 20] [--workers 3]``
(needs bun as for ``make run``, Debian chromium, Redis on 127.0.0.1:6379; the Redis
database is ``BENCH_REDIS_URL``, default redis://127.0.0.1:6379/14, flushed). Prints
p50/p95 per setup and the target (p95 <= 1,000 ms: the promise; this path includes the
booking's own write); exit status 1 if a booking never showed up, or (BENCH_STRICT=1)
a target is missed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _app import exit_status, running_app  # noqa: E402

# The product's promise ("within a second"); the click-to-DOM path includes the booking's
# own submit, write and commit, which the former commit-to-DOM figure (300 ms) did not.
TARGET_P95_MS = 1000.0
TUTOR_EMAIL = "olena.tutor@example.com"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")

OBSERVER = """() => {
  window.__seen = {};
  const scan = () => {
    const now = Date.now();
    const present = new Set([...document.querySelectorAll('.fc-event')].map(e => e.innerText));
    for (const key of Object.keys(window.__watch || {})) {
      const shown = [...present].some(t => t.includes(key));
      if (shown === window.__watch[key] && !(key in window.__seen)) window.__seen[key] = now;
    }
  };
  new MutationObserver(scan).observe(document.body, {subtree: true, childList: true,
                                                     characterData: true});
}"""


SERVICE = "Individual lesson"  # confirmed at once: the lesson appears in the calendar
SLUG = "olena-kovalenko"
CLICK_STAMP = """() => {
  document.querySelector('#book-submit').addEventListener(
    'click', () => { window.__clicked = Date.now(); }, {capture: true, once: true});
}"""


def _kyiv_monday(weeks_ahead: int) -> date:
    today = datetime.now(ZoneInfo("Europe/Kyiv")).date()
    return today - timedelta(days=today.weekday()) + timedelta(weeks=weeks_ahead)


def _open_slot(page: Any, url: str, weeks_ahead: int) -> bool:
    """Page B: the public page, the service, ``weeks_ahead`` weeks on, the first slot."""
    page.goto(f"{url}/t/{SLUG}")
    card = page.locator(".public-service").filter(has_text=SERVICE)
    card.get_by_role("button").click()
    label = page.locator("#week-label")
    for _ in range(weeks_ahead):
        page.wait_for_function("() => document.querySelector('#week-label')?.innerText")
        before = label.inner_text()
        page.click("#week-next")
        page.wait_for_function(
            "b => document.querySelector('#week-label').innerText !== b", arg=before
        )
    slots = page.locator("#slots-days .slot-button")
    try:
        slots.first.wait_for(timeout=5_000)
    except Exception:  # a full week: the caller moves on to the next one
        return False
    slots.first.click()
    page.wait_for_selector("#booking-dialog")
    return True


def measure(url: str, changes: int) -> list[float]:
    """Page A: the tutor's calendar on the booking's week; page B: a guest books.

    Latency: the click on "Book" in B (a capture listener stamps it) to the moment a
    MutationObserver in A sees the guest's lesson in the calendar. Both browsers run
    on this machine, so both stamps come from one clock.
    """
    from playwright.sync_api import sync_playwright

    latencies: list[float] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        tutor = browser.new_context(
            timezone_id="Europe/Kyiv", viewport={"width": 1300, "height": 1000}
        ).new_page()
        tutor.goto(f"{url}/login")
        tutor.fill("#email", TUTOR_EMAIL)
        tutor.fill("#password", "demo-pass-2026")
        tutor.click("#login-submit")
        # signed in: the header's role badge says so (hidden from view below 1536 px
        # wide, where the header puts it in its menu, so not waited for as visible)
        tutor.wait_for_function(
            "document.querySelector('#user-role')?.textContent === 'tutor'", timeout=30_000
        )
        tutor.goto(f"{url}/calendar")
        tutor.wait_for_selector(".fc-timegrid")
        tutor.evaluate(OBSERVER)
        guest = browser.new_context(timezone_id="Europe/Kyiv").new_page()
        weeks_ahead, shown = 1, None
        while len(latencies) < changes and weeks_ahead < 12:
            if not _open_slot(guest, url, weeks_ahead):  # that week is full
                weeks_ahead += 1
                continue
            monday = _kyiv_monday(weeks_ahead)
            if shown != monday:
                tutor.fill("#cal-jump", monday.isoformat())
                tutor.wait_for_selector(f'td.fc-timegrid-col[data-date="{monday.isoformat()}"]')
                shown = monday
            key = f"Bench Guest {len(latencies):03d}"
            tutor.evaluate(f"() => {{ window.__watch = {{ {key!r}: true }}; }}")
            guest.fill("#book-name", key)
            guest.fill("#book-phone", f"+380 67 {len(latencies):03d} 2233")
            guest.fill("#book-telegram_username", f"@bench_guest_{len(latencies):03d}")
            guest.evaluate(CLICK_STAMP)
            guest.click("#book-submit")
            tutor.wait_for_function(f"() => {key!r} in window.__seen", timeout=10_000)
            seen = tutor.evaluate(f"() => window.__seen[{key!r}]")
            latencies.append(seen - guest.evaluate("() => window.__clicked"))
            guest.wait_for_url("**/booking/**")
        browser.close()
    if len(latencies) < changes:
        print(f"only {len(latencies)} of {changes} bookings found free slots")
        BROKEN.append("free slots")
    return latencies


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


BROKEN: list[str] = []


def report(name: str, values: list[float]) -> bool:
    if not values:
        print(f"{name:<34} no booking reached the calendar: FAILED")
        BROKEN.append(name)
        return False
    p50, p95 = statistics.median(values), _pct(values, 0.95)
    ok = p95 <= TARGET_P95_MS
    print(
        f"{name:<34} n={len(values):>3}  p50={p50:6.0f} ms  p95={p95:6.0f} ms  "
        f"max={max(values):6.0f} ms  target p95<={TARGET_P95_MS:.0f} ms  "
        f"{'OK' if ok else 'MISSED'}"
    )
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--changes", type=int, default=20)
    parser.add_argument("--workers", type=int, default=3)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-live-"))
    web = tmp / ".web"  # one build folder: the second start reuses the warm build
    ok = True
    try:
        with running_app(tmp / "one", web, {}) as app:
            ok &= report("1 worker, no Redis", measure(app.url, args.changes))
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()
        extra = {"REDIS_URL": REDIS_URL, "GRANIAN_WORKERS": str(args.workers)}
        with running_app(tmp / "many", web, extra) as app:
            ok &= report(f"{args.workers} workers, Redis", measure(app.url, args.changes))
        redis.Redis.from_url(REDIS_URL).flushdb()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return exit_status(missed=not ok, broken=bool(BROKEN))


if __name__ == "__main__":
    sys.exit(main())
