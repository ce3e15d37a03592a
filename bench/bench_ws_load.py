"""Many users at once: simulated browsers on the public tutor page, over the app's websocket.

Why: Reflex apps are known to slow down with a handful of concurrent users on one backend
(every event of every tab goes through one worker's event loop and state manager). This
bench starts its own app (``cli run --no-worker`` on a free loopback port, own DATA_DIR,
demo data, like tests/e2e/conftest.py), records what a real chromium sends when it opens
``/t/<slug>`` and clicks "next week" (the CONNECT packet with the compiled state hashes,
the event names), and then runs N simulated users speaking that same socket.io protocol
(bench/_ws_client.py). Each user opens the page (a new tab: new token, hydrate + on_load,
the browser-timezone answer), pages PAGES_PER_VISIT weeks ahead with THINK_S seconds of
think time between clicks, closes the tab and starts a new visit. One visit per ~9 s per
user: at 200 users a 60 s run makes ~1,300 visits, about what one hour of real traffic
brought in the measurements of issue 15 (so memory growth over a run is the 1-hour check).

Measured per N (after a ramp-up): next-week event latency p50/p95/p99 (send -> the
update carrying the new week), page-open latency (CONNECT -> hydrated), events/s served,
errors (refused/closed sockets, timeouts, wrong answers), and the RSS of the app's process
tree every RSS_EVERY_S: growth must stay within 10 % from the end of the run's first
quarter (the working set is warm by then: a closed tab's state stays a minute,
booking_app/state/closed_tabs.py) to its end; the start and the peak are printed too.

Modes: the default `make run` setup (1 worker, SQLite, no Redis) for N = 50, 100, 200;
with ``--scale-out`` (or BENCH_WS_SCALE_OUT=1) also PostgreSQL + Redis with 2 Granian
workers for 400 users. Targets (2-core machine): default mode 200 users p95 <= 100 ms and
RSS flat within 10 %; PostgreSQL + Redis, 2 workers, 400 users p95 <= 100 ms.

Bounded and loopback only: the target is always the app this script started on
127.0.0.1; at most MAX_USERS users; every wait has a timeout.

Run: ``.venv/bin/python bench/bench_ws_load.py [--users 50,100,200] [--seconds 60]``
``BENCH_WS_SECONDS=3600`` is the 1-hour run; runs of 300 s or more also print the p95 of
each tenth of the run (does latency drift with time?). Exit status 1 on protocol errors
(refused or closed sockets, unexpected frames: > 1 % of events) or when nothing was
answered; a missed target (timeouts after WAIT_S included) fails only with BENCH_STRICT=1.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _app import App, load_line, running_app, speed_line, tree_rss_mb  # noqa: E402
from _ws_client import ProtocolError, Tab  # noqa: E402

SLUG = "olena-kovalenko"  # a demo tutor with a public page
PAGE = f"/t/{SLUG}"
THINK_S = 1.0
PAGES_PER_VISIT = 8
WAIT_S = 15.0  # an answer later than this is an error, not a latency
RAMP_S = 8.0  # users start spread over this, measuring starts after it
MAX_USERS = 500
TARGET_P95_MS = 100.0
RSS_GROWTH_MAX = 0.10
RSS_EVERY_S = 5.0
VIEWER_TZ = "Europe/Kyiv"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")


@dataclass
class Protocol:
    """What chromium sent for this build: the CONNECT payload and the click's event."""

    auth: dict[str, Any]
    next_week: str
    scripts: dict[str, Any]
    reflex_version: str
    cookie: str = ""  # what chromium's handshake carried (the page's tz cookie)
    week_key: str = "week_start_rx_state_"


@dataclass
class Stats:
    """Everything measured in one run (latencies in ms)."""

    next_week: list[float] = field(default_factory=list)
    answered_at: list[float] = field(default_factory=list)  # perf_counter of each next_week
    page_open: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    visits: int = 0
    measuring: bool = False
    window_start: float = 0.0  # perf_counter when measuring began
    rss: list[float] = field(default_factory=list)  # MB of the app's tree, every RSS_EVERY_S

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1


def record_protocol(url: str) -> Protocol:
    """One real chromium visit: the frames the compiled frontend sends, verbatim."""
    from playwright.sync_api import sync_playwright
    from reflex_base import constants

    sent: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
            args=["--no-sandbox"],
        )
        page = browser.new_context(timezone_id=VIEWER_TZ).new_page()
        page.on(
            "websocket",
            lambda ws: ws.on("framesent", lambda f: sent.append(f if isinstance(f, str) else "")),
        )
        page.goto(url + PAGE)
        page.wait_for_selector("#week-next")
        page.wait_for_timeout(1500)
        clicked = len(sent)
        page.click("#week-next")
        page.wait_for_timeout(1500)
        # The <head> script wrote these before the app's socket opened (viewer_timezone.py).
        jar = page.context.cookies(url)
        browser.close()
    cookie = "; ".join(f"{c['name']}={c['value']}" for c in jar)
    connect = next(f for f in sent if f.startswith("40/_event,"))
    auth = json.loads(connect[len("40/_event,") :])
    events = [json.loads(f[len("42/_event,") :])[1] for f in sent if f.startswith("42/_event,")]
    click = [json.loads(f[len("42/_event,") :])[1] for f in sent[clicked:] if f.startswith("42")]
    next_week = next(e["name"] for e in click if e["name"].endswith(".next_week"))
    scripts = {"Intl.DateTimeFormat().resolvedOptions().timeZone": VIEWER_TZ}
    before = ", ".join(e["name"].rsplit(".", 1)[-1] for e in events) or "none"
    print(
        f"recorded from chromium: CONNECT packet {len(connect)} bytes "
        f"(boot event {auth['event']['name'].rsplit('.', 1)[-1]}), events sent before the "
        f"click: {before}; click = {next_week.rsplit('.', 1)[-1]}; cookies: {cookie or 'none'}"
    )
    return Protocol(auth, next_week, scripts, constants.Reflex.VERSION, cookie)


async def wait_for(tab: Tab, predicate: Any, sent: float) -> float:
    """Arrival time of the first update after ``sent`` satisfying ``predicate``; earlier
    updates (late parts of the previous answer) and others are skipped."""
    while True:
        remaining = sent + WAIT_S - time.perf_counter()
        if remaining <= 0:
            raise TimeoutError
        frame = await tab.next_frame(remaining)
        if frame.at > sent and predicate(frame.update):
            return frame.at


def hydrated(update: dict[str, Any]) -> bool:
    root = (update.get("delta") or {}).get("reflex___state____state") or {}
    return root.get("is_hydrated_rx_state_") is True


def has_week(key: str) -> Any:
    return lambda update: any(key in s for s in (update.get("delta") or {}).values())


async def user(app: App, proto: Protocol, stats: Stats, stop: float, delay: float) -> None:
    """One simulated person: visit after visit until ``stop`` (perf_counter time)."""
    await asyncio.sleep(delay)
    router = proto.auth["event"].get("router_data", {})
    while time.perf_counter() < stop:
        tab = Tab(f"localhost:{app.port}", app.port, proto.reflex_version, proto.scripts)
        tab.cookie = proto.cookie
        tab.router_data = router
        try:
            await tab.open(WAIT_S)
            sent = tab.connect(proto.auth)
            got = await wait_for(tab, hydrated, sent)
            if stats.measuring:
                stats.page_open.append((got - sent) * 1000)
            for _ in range(PAGES_PER_VISIT):
                await asyncio.sleep(THINK_S * random.uniform(0.8, 1.2))
                if time.perf_counter() >= stop:
                    break
                event = {"name": proto.next_week, "router_data": router}
                sent = tab.emit(event)
                got = await wait_for(tab, has_week(proto.week_key), sent)
                if stats.measuring:
                    stats.next_week.append((got - sent) * 1000)
                    stats.answered_at.append(got)
            stats.visits += stats.measuring
        except TimeoutError:
            stats.error("timeout")
        except (ProtocolError, ConnectionError, OSError) as exc:
            stats.error(type(exc).__name__)
            await asyncio.sleep(1)  # a refused user retries like a person would, not in a loop
        finally:
            await tab.close()


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def run_load(
    app: App, proto: Protocol, users: int, seconds: float
) -> tuple[Stats, float, float, float]:
    """N users for ``seconds`` after the ramp; returns stats, RSS before/after, window."""
    stats = Stats()
    started = time.perf_counter()
    stop = started + RAMP_S + seconds
    tasks = [
        asyncio.create_task(user(app, proto, stats, stop, RAMP_S * i / users)) for i in range(users)
    ]
    await asyncio.sleep(RAMP_S)
    stats.measuring = True
    window_start = time.perf_counter()
    samples = [tree_rss_mb(app.pid)]
    while (left := stop - time.perf_counter()) > 0:
        await asyncio.sleep(min(RSS_EVERY_S, left))
        samples.append(tree_rss_mb(app.pid))
    window = time.perf_counter() - window_start
    stats.measuring = False
    stats.rss = samples
    # Memory is "flat" once warm: closed tabs' states stay for a grace (a minute), open
    # ones while in use, so the first quarter of a run fills up to the working set.
    rss_start, rss_end = samples[len(samples) // 4], samples[-1]
    await asyncio.wait(tasks, timeout=WAIT_S + 5)
    for task in tasks:
        task.cancel()
    stats.window_start = window_start
    return stats, rss_start, rss_end, window


def windows(stats: Stats, window: float) -> str:
    """Next-week p95 per tenth of a long run (>= 300 s): does latency drift with time?"""
    start = stats.window_start
    if window < 300 or not stats.next_week:
        return ""
    width = window / 10
    slices: list[list[float]] = [[] for _ in range(10)]
    for at, ms in zip(stats.answered_at, stats.next_week, strict=True):
        slices[min(9, max(0, int((at - start) / width)))].append(ms)
    cells = " ".join(f"{pct(part, 0.95):.0f}" for part in slices)
    return f"  p95 per tenth of the run ({width:.0f} s each), ms: {cells}"


def report(
    label: str,
    users: int,
    stats: Stats,
    rss: tuple[float, float],
    window: float,
    *,
    rss_check: bool,
) -> bool:
    """Print one row; True when the p95 target (and the memory check, if asked) holds."""
    events = len(stats.next_week) + len(stats.page_open)
    errors = sum(stats.errors.values())
    p95 = pct(stats.next_week, 0.95)
    growth = (rss[1] - rss[0]) / rss[0] if rss[0] else 0.0
    ok = p95 <= TARGET_P95_MS and errors <= 0.01 * max(events, 1)
    if rss_check:
        ok = ok and growth <= RSS_GROWTH_MAX
    detail = ", ".join(f"{k} {v}" for k, v in sorted(stats.errors.items())) or "0"
    print(
        f"{label:<28} {users:>4} users  next-week p50 {pct(stats.next_week, 0.5):6.1f} "
        f"p95 {p95:6.1f} p99 {pct(stats.next_week, 0.99):7.1f} ms  "
        f"page open p95 {pct(stats.page_open, 0.95):7.1f} ms  "
        f"{events / window:6.1f} events/s  errors {detail}  visits {stats.visits}  "
        f"RSS {rss[0]:.0f} -> {rss[1]:.0f} MB ({growth:+.0%} after the first quarter; "
        f"at start {stats.rss[0]:.0f}, peak {max(stats.rss):.0f})"
    )
    if drift := windows(stats, window):
        print(drift)
    return ok


def run_mode(
    label: str,
    app: App,
    proto: Protocol,
    sizes: list[int],
    seconds: float,
    target_users: int,
    *,
    rss_check: bool,
) -> tuple[bool, bool]:
    """Every N in ``sizes`` against one app; (protocol healthy, target met at target_users)."""
    healthy, met = True, True
    for users in sizes:
        stats, rss_start, rss_end, window = asyncio.run(run_load(app, proto, users, seconds))
        ok = report(label, users, stats, (rss_start, rss_end), window, rss_check=rss_check)
        events = len(stats.next_week) + len(stats.page_open)
        # Broken: answers a browser would not accept (refused or closed sockets, wrong
        # frames), or nothing answered at all. Timeouts are the server's overload: they
        # count against the target (ok above), not against the protocol.
        refused = sum(n for kind, n in stats.errors.items() if kind != "timeout")
        healthy = healthy and refused <= 0.01 * max(events, 1) and events > 0
        if users == target_users:
            met = ok
            print(
                f"{'':<28} target: {target_users} users next-week p95 <= {TARGET_P95_MS:.0f} ms"
                + (f", RSS growth <= {RSS_GROWTH_MAX:.0%}" if rss_check else "")
                + f": {'MET' if ok else 'MISSED'}   ({load_line()})"
            )
    return healthy, met


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", default="50,100,200")
    parser.add_argument(
        "--seconds", type=float, default=float(os.environ.get("BENCH_WS_SECONDS", 60))
    )
    parser.add_argument(
        "--scale-out", action="store_true", default=os.environ.get("BENCH_WS_SCALE_OUT") == "1"
    )
    parser.add_argument("--scale-users", type=int, default=400)
    args = parser.parse_args()
    sizes = [min(int(n), MAX_USERS) for n in args.users.split(",") if n.strip()]
    seconds = min(args.seconds, 4 * 3600.0)
    print(
        f"websocket load bench: {PAGE}, {THINK_S:g} s think time, {PAGES_PER_VISIT} weeks per "
        f"visit, {seconds:g} s per N after {RAMP_S:g} s ramp-up; {load_line()}; {speed_line()}"
    )
    tmp = Path(tempfile.mkdtemp(prefix="bench-ws-"))
    web = tmp / ".web"
    healthy = met = True
    try:
        with running_app(tmp / "default", web) as app:
            proto = record_protocol(app.url)
            h, m = run_mode(
                "default (1 worker, SQLite)", app, proto, sizes, seconds, 200, rss_check=True
            )
            healthy, met = healthy and h, met and m
        if args.scale_out:
            h, m = scale_out(tmp, web, args.scale_users, seconds)
            healthy, met = healthy and h, met and m
        else:
            print("PostgreSQL + Redis, 2 workers: skipped (--scale-out or BENCH_WS_SCALE_OUT=1)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if not met:
        strict = os.environ.get("BENCH_STRICT") == "1"
        print(
            f"a target was MISSED ({'failing: BENCH_STRICT=1' if strict else 'reported only; BENCH_STRICT=1 fails on it'})"
        )
        if strict:
            return 1
    return 0 if healthy else 1


def scale_out(tmp: Path, web: Path, users: int, seconds: float) -> tuple[bool, bool]:
    """PostgreSQL + Redis with 2 Granian workers, ``users`` users."""
    import redis
    from _databases import throwaway_pg

    with throwaway_pg("bench_ws") as pg_url:
        if pg_url is None:
            return True, True
        client = redis.Redis.from_url(REDIS_URL)
        client.flushdb()
        extra = {"DATABASE_URL": pg_url, "REDIS_URL": REDIS_URL, "GRANIAN_WORKERS": "2"}
        try:
            with running_app(tmp / "scale", web, extra) as app:
                proto = record_protocol(app.url)
                return run_mode(
                    "PostgreSQL + Redis, 2 workers",
                    app,
                    proto,
                    [users],
                    seconds,
                    users,
                    rss_check=False,
                )
        finally:
            client.flushdb()


if __name__ == "__main__":
    raise SystemExit(main())
