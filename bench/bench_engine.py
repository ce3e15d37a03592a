"""Micro-benchmark of the pure scheduling engine.

Why: ``free_slots`` runs on every calendar page view and ``check_booking``
inside the booking transaction, so both must stay cheap even for a busy
tutor whose whole history (all lessons, far outside the queried week) is
passed in. Run: ``.venv/bin/python bench/bench_engine.py``.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time as clock
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from booking_app.scheduling import (  # noqa: E402
    BusyBlock,
    ExistingLesson,
    Rules,
    ServiceSpec,
    TutorSchedule,
    WeeklyWindow,
    check_booking,
    free_slots,
)

NOW = datetime(2026, 11, 20, 9, 17, tzinfo=UTC)
REPETITIONS = 300
TARGET_P95_MS = 1.0
SERVICE = ServiceSpec(duration_min=60)
SPLIT_DAYS = {2, 4}  # Wed and Fri have a lunch break


def weekly_windows() -> tuple[WeeklyWindow, ...]:
    """Mon-Sat 08:00-20:00, with two windows on split days."""
    windows = []
    for weekday in range(6):
        if weekday in SPLIT_DAYS:
            windows += [
                WeeklyWindow(weekday, time(8), time(12)),
                WeeklyWindow(weekday, time(14), time(20)),
            ]
        else:
            windows.append(WeeklyWindow(weekday, time(8), time(20)))
    return tuple(windows)


FUTURE_LESSONS = 500  # the half year ahead: the 1,000-lesson density for every size


def lessons_and_busy(
    count: int, rng: random.Random
) -> tuple[tuple[ExistingLesson, ...], tuple[BusyBlock, ...]]:
    """``count`` lessons: half (at most 500) over the half year ahead, the rest past.

    Why not spread them all over one year: at 10,000 lessons every hour of every week is
    taken, so the benchmark week offers 0 slots and the "heavier" case computes less.
    A busy tutor's next weeks look alike whatever the size of their history; what grows
    is the past the engine is handed (and must skip), which is what this case measures.
    """
    future = min(count // 2, FUTURE_LESSONS)
    past_days = max(182, 182 * (count - future) // FUTURE_LESSONS)
    lessons = []
    for lesson_id in range(count):
        if lesson_id < future:
            day = NOW + timedelta(days=rng.randint(0, 182))
        else:
            day = NOW - timedelta(days=rng.randint(1, past_days))
        start = day.replace(
            hour=rng.randint(6, 17), minute=rng.choice((0, 30)), second=0, microsecond=0
        )
        is_group = rng.random() < 0.1
        capacity = 5 if is_group else 1
        status = rng.choices(["scheduled", "tentative", "completed", "cancelled"], [70, 5, 15, 10])[
            0
        ]
        lessons.append(
            ExistingLesson(
                lesson_id,
                start,
                start + timedelta(minutes=60),
                capacity,
                rng.randint(0, capacity),
                is_group,
                status,
            )
        )
    busy = []
    for index in range(count // 10):
        ahead = index < future // 10  # busy time ahead keeps the 1,000-lesson density too
        hours = rng.randint(0, 4380) if ahead else -rng.randint(1, past_days * 24)
        start = NOW.replace(minute=0, second=0, microsecond=0) + timedelta(hours=hours)
        busy.append(BusyBlock(start, start + timedelta(hours=rng.randint(1, 4))))
    rng.shuffle(lessons)
    return tuple(lessons), tuple(busy)


def build_tutor(count: int) -> TutorSchedule:
    lessons, busy = lessons_and_busy(count, random.Random(count))
    rules = Rules(
        buffer_before_min=10, buffer_after_min=15, max_lessons_per_day=8, min_notice_min=12 * 60
    )
    return TutorSchedule("Europe/Kyiv", weekly_windows(), (), busy, lessons, rules)


def measure(func: Callable[[], object]) -> tuple[float, float, float]:
    """Wall-clock p50 and p95, and CPU-time p95, in ms after a warm-up.

    CPU time (this thread only) is printed next to wall time because on a
    shared machine the wall-clock tail mostly measures other processes.
    """
    for _ in range(10):
        func()
    wall, cpu = [], []
    for _ in range(REPETITIONS):
        wall_start, cpu_start = clock.perf_counter_ns(), clock.thread_time_ns()
        func()
        cpu.append((clock.thread_time_ns() - cpu_start) / 1e6)
        wall.append((clock.perf_counter_ns() - wall_start) / 1e6)
    wall_cuts = statistics.quantiles(wall, n=100, method="inclusive")
    cpu_cuts = statistics.quantiles(cpu, n=100, method="inclusive")
    return wall_cuts[49], wall_cuts[94], cpu_cuts[94]


def verdict_ok(p95: float, cpu95: float) -> bool:
    """Wall p95 within target, or (on a loaded machine) this thread's CPU p95 is.

    Why: on a 2-core machine shared with other builds the wall-clock tail measures the
    other processes; the CPU time of the call is what the engine costs. Both are printed.
    """
    busy = os.getloadavg()[0] / (os.cpu_count() or 1) > 0.7
    return p95 <= TARGET_P95_MS or (busy and cpu95 <= TARGET_P95_MS)


def run_case(count: int, targeted: bool) -> bool:
    """Time both entry points for a tutor with ``count`` lessons."""
    tutor = build_tutor(count)
    lo, hi = NOW + timedelta(days=1), NOW + timedelta(days=8)
    week = free_slots(tutor, SERVICE, lo, hi, NOW, "America/New_York")
    start = week[len(week) // 2].start if week else lo
    cases = {
        "free_slots (1 week)": lambda: free_slots(tutor, SERVICE, lo, hi, NOW, "America/New_York"),
        "check_booking (1 start)": lambda: check_booking(tutor, SERVICE, start, NOW),
    }
    passed = True
    for name, func in cases.items():
        p50, p95, cpu95 = measure(func)
        if targeted:
            ok = verdict_ok(p95, cpu95)
            passed = passed and ok
            word = "PASS" if p95 <= TARGET_P95_MS else "PASS on CPU time (machine busy)"
            verdict = f"(target p95 <= {TARGET_P95_MS:g} ms for 1,000) {word if ok else 'FAIL'}"
        else:
            verdict = "(no target; scaling check)"
        print(
            f"{count:>6,} lessons  {name:<24} p50 {p50:6.3f} ms  p95 {p95:6.3f} ms"
            f"  [cpu p95 {cpu95:6.3f} ms]  {verdict}"
        )
    print(f"{'':>15}{len(week)} slots offered in the benchmark week (must be > 0)")
    if not week:
        print(f"{'':>15}FAIL: a week without free slots measures nothing")
        passed = False
    return passed


def main() -> int:
    """Run both sizes; exit status 1 when the 1,000-lesson target is missed."""
    load = os.getloadavg()[0] / (os.cpu_count() or 1)
    print(
        f"scheduling engine bench: {REPETITIONS} repetitions per case, "
        f"Python {sys.version.split()[0]}, 1-min load per CPU {load:.2f}"
    )
    passed = run_case(1_000, targeted=True)
    passed = run_case(10_000, targeted=False) and passed
    return 0 if passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
