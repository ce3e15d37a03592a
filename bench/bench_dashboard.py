"""Benchmark of the tutor's home dashboard (``services.dashboard.tutor_dashboard``).

Why: the home page of every tutor loads it on each visit; it combines the 8 chart weeks
and the week ahead row by row, all-time totals aggregated in SQL, the pending count, the
students count and the week's utilization (the schedule loader + the engine's working
hours), so it must stay fast for a busy tutor with years of history. Seeds one tutor with
1,000 then 10,000 bookings in lessons over a year around NOW (same generator as
bench_schedule_service.py) on SQLite (a migrated temp file) and PostgreSQL (a throwaway
database, skipped if unreachable), then times the call.

Run: ``.venv/bin/python bench/bench_dashboard.py`` (exit status 1 if a p95 misses).
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_schedule_service as base  # noqa: E402  (sets DATA_DIR before booking_app loads)

from booking_app.services.dashboard import tutor_dashboard  # noqa: E402

TARGET_P95_MS = 100.0  # one home page visit; the chart and lists render after it


def run_backend(backend: str, url: str) -> bool:
    base.migrate(url)
    passed = True
    with base.use_database(url):
        for size in base.SIZES:
            tutor = base.add_tutor()
            lessons, seats = base.seed(tutor, size)
            view = tutor_dashboard(tutor, now=base.NOW)
            p50, p95, cpu95 = base.measure(lambda t=tutor: tutor_dashboard(t, now=base.NOW))
            # As bench_engine / bench_schedule_service: on a busy machine (load per CPU
            # > 0.7) the call's own CPU time decides, and the line says so.
            busy = os.getloadavg()[0] / (os.cpu_count() or 1) > 0.7
            ok = p95 <= TARGET_P95_MS or (busy and cpu95 <= TARGET_P95_MS)
            word = "OK" if p95 <= TARGET_P95_MS else "OK on CPU time (machine busy)"
            passed = passed and ok
            print(
                f"{backend:<10} {seats:>6} bookings / {lessons:>5} lessons: p50 {p50:.2f} ms, "
                f"p95 {p95:.2f} ms (CPU p95 {cpu95:.2f} ms), target p95 <= {TARGET_P95_MS:.0f} ms "
                f"{word if ok else 'MISSED'}; {view.lessons_done} done, {view.upcoming} upcoming, "
                f"utilization {view.utilization_percent}%"
            )
    return passed


def main() -> int:
    load = os.getloadavg()[0] / (os.cpu_count() or 1)
    print(f"tutor_dashboard bench: {base.REPETITIONS} repetitions, 1-min load per CPU {load:.2f}")
    try:
        passed = run_backend("SQLite", f"sqlite:///{Path(base._DATA_DIR) / 'bench.db'}")
        with base.throwaway_pg("bench_dashboard") as pg_url:
            if pg_url is not None:
                passed = run_backend("PostgreSQL", pg_url) and passed
    finally:
        shutil.rmtree(base._DATA_DIR, ignore_errors=True)
    return 0 if passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
