"""Dashboard numbers on a known fixture (SQLite and PostgreSQL).

Tutor in Kyiv (UTC+2), Mon-Fri 09:00-18:00 = 2700 available minutes a week. NOW is
Wednesday 25 Nov 2026, 10:00 Kyiv. The lessons (UTC):
  L4 Mon 16 Nov 08:00 60' 400 confirmed (done, last week)
  L8 Fri 20 Nov 08:00 60' 450 no-show   (tutor: done, no revenue; student: not done)
  L1 Mon 23 Nov 08:00 60' 500 confirmed (done)
  L2 Tue 24 Nov 08:00 90' 300 completed (done)
  L3 Wed 25 Nov 12:00 60' 500 confirmed (today, upcoming)
  L5 Thu 26 Nov 08:00 60' group, no seats (upcoming, not booked time)
  L6 Thu 26 Nov 12:00 cancelled (ignored)
  L7 Mon 30 Nov 08:00 pending request of another student (upcoming, pending count)
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from booking_app.models import BookingStatus, LessonStatus
from booking_app.pages.home.dashboard import DashboardState
from booking_app.services import dashboard
from tests.support.builders import NOW, add_lesson, add_student, add_tutor
from tests.support.clock import freeze
from tests.support.states import Tab, run


def _at(day: int, hour: int) -> datetime:
    return datetime(2026, 11, day, hour, 0, tzinfo=UTC)


@pytest.fixture
def fixture(db: str) -> dict[str, int]:
    tutor = add_tutor("olena@example.com")
    student = add_student("taras@example.com", tz="Europe/Berlin")
    other = add_student("ira@example.com")
    add_lesson(tutor, _at(16, 8), students=(student,), price="400")
    add_lesson(tutor, _at(20, 8), students=(student,), price="450", status=BookingStatus.no_show)
    add_lesson(tutor, _at(23, 8), students=(student,), price="500")
    add_lesson(tutor, _at(24, 8), minutes=90, students=(student,), price="300",
               status=BookingStatus.completed)  # fmt: skip
    l3 = add_lesson(tutor, _at(25, 12), students=(student,), price="500")
    add_lesson(tutor, _at(26, 8), capacity=3)
    add_lesson(tutor, _at(26, 12), students=(student,), lesson_status=LessonStatus.cancelled)
    add_lesson(tutor, _at(30, 8), students=(other,), status=BookingStatus.pending)
    return {"tutor": tutor, "student": student, "l3": l3}


def test_tutor_dashboard_numbers(fixture: dict[str, int]) -> None:
    d = dashboard.tutor_dashboard(fixture["tutor"], now=NOW)
    assert [x.lesson_id for x in d.today] == [fixture["l3"]]
    assert d.today[0].label == "Wed 25 Nov, 14:00–15:00" and d.today[0].with_whom == "1 student"
    assert (d.lessons_done, d.upcoming, d.pending_requests, d.students) == (4, 3, 1, 1)
    assert d.revenue == "1,200 UAH"  # services/money.py, English by default
    assert dashboard.tutor_dashboard(fixture["tutor"], now=NOW, locale="uk").revenue == (
        "1\u00a0200 UAH"
    )
    assert (d.booked_minutes, d.available_minutes, d.utilization_percent) == (210, 2700, 8)
    assert len(d.chart) == 8 and d.chart[-1].week == "23 Nov" and d.chart[0].week == "5 Oct"
    assert (d.chart[-1].lessons, d.chart[-1].revenue, d.chart[-1].hours) == (2, 800.0, 2.5)
    assert (d.chart[-2].lessons, d.chart[-2].revenue, d.chart[-2].hours) == (2, 400.0, 2.0)
    assert sum(p.lessons for p in d.chart[:-2]) == 0


def test_student_dashboard_numbers(fixture: dict[str, int]) -> None:
    d = dashboard.student_dashboard(fixture["student"], now=NOW, viewer_tz="Europe/Berlin")
    assert [x.lesson_id for x in d.active_lessons] == [fixture["l3"]]
    assert d.active_lessons[0].with_whom == "Tutor olena" and not d.active_lessons[0].can_join
    assert (d.lessons_done, d.upcoming, d.hours_this_month) == (3, 1, 3.5)
    assert d.tutor_name == "Tutor olena"
    soon = dashboard.student_dashboard(
        fixture["student"], now=_at(25, 12) - timedelta(minutes=10), viewer_tz="UTC"
    )
    assert soon.active_lessons[0].can_join and soon.active_lessons[0].opens_in_seconds == 0


def test_dashboard_of_a_student_without_anything(db: str) -> None:
    lonely = add_student("lonely@example.com")
    d = dashboard.student_dashboard(lonely, now=NOW, viewer_tz="UTC")
    assert (d.active_lessons, d.tutor_name, d.lessons_done, d.upcoming) == ((), "", 0, 0)


def test_home_revenue_in_the_viewers_locale(
    fixture: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The tutor's home reads revenue the way the tutor page reads prices: in the
    browser's language (Accept-Language), "0 UAH" rather than "Free" when there is none."""
    freeze(monkeypatch, NOW)
    tab = Tab("/home", user=(fixture["tutor"], "tutor"))
    tab.root.router.headers.__dict__["accept_language"] = "ru-RU,ru;q=0.9"
    home = tab.state(DashboardState)
    run(home.load())
    assert home.revenue == "1\u00a0200 UAH"
    newcomer = Tab("/home", user=(add_tutor("new@example.com"), "tutor")).state(DashboardState)
    run(newcomer.load())
    assert newcomer.revenue == "0 UAH"
