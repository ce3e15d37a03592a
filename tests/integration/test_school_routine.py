"""The morning confirmation of tentative lessons and the lesson outcome (issue 18, items
5 and 6), with `now` injected: tutors in different zones, a DST morning, a beat that
runs again mid-morning (exactly one digest per tutor per local day), the automatic
cancel at the deadline, and who may mark an outcome when."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from booking_app.db import read_scope, session_scope
from booking_app.models import (
    Booking,
    BookingStatus,
    Lesson,
    LessonStatus,
    Notification,
    NotificationStatus,
    User,
)
from booking_app.pages.calendar.state import CalendarState
from booking_app.pages.home.routine import RoutineState
from booking_app.services import accounts, morning_confirm
from booking_app.services.errors import (
    LessonNotStarted,
    NoSeat,
    NotFound,
    NotTentative,
    OutcomeClosed,
)
from booking_app.services.lessons import outcome
from tasks.notifications import scan_notifications
from tests.support import clock
from tests.support.builders import add_bare_tutor, add_lesson, add_student
from tests.support.states import open_page, run, toasts

KYIV_8AM = datetime(2026, 12, 2, 6, 0, tzinfo=UTC)  # Wed 2 Dec, 08:00 in Kyiv (UTC+2)
NEW_YORK_8AM = datetime(2026, 12, 2, 13, 0, tzinfo=UTC)  # 08:00 in New York (UTC-5)


def _tutor(email: str, tz: str, chat: int) -> int:
    tutor = add_bare_tutor(email, tz=tz)
    with session_scope(write=True) as session:
        user = session.get(User, tutor)
        assert user is not None
        user.telegram_chat_id = chat
    return tutor


def _tentative(tutor: int, start: datetime, students: tuple[int, ...] = ()) -> int:
    return add_lesson(tutor, start, students=students, lesson_status=LessonStatus.tentative)


def _digests(user_id: int) -> list[Notification]:
    with read_scope() as session:
        query = sa.select(Notification).where(
            Notification.user_id == user_id, Notification.kind.like("tutor_tentative:%")
        )
        return list(session.execute(query).scalars())


def _student_rows(booking_id: int) -> dict[str, NotificationStatus]:
    with read_scope() as session:
        rows = session.execute(
            sa.select(Notification).where(Notification.booking_id == booking_id)
        ).scalars()
        return {r.kind: r.status for r in rows}


def _get(model: type, pk: int) -> object:
    with read_scope() as session:
        found = session.get(model, pk)
        assert found is not None
        return found


def test_one_digest_per_tutor_per_local_morning_in_each_zone(db: str) -> None:
    kyiv = _tutor("k@example.com", "Europe/Kyiv", 1001)
    york = _tutor("n@example.com", "America/New_York", 1002)
    _tentative(kyiv, KYIV_8AM + timedelta(hours=5))  # 13:00 Kyiv, today
    _tentative(kyiv, KYIV_8AM + timedelta(days=1))  # tomorrow: not in today's list
    _tentative(york, NEW_YORK_8AM + timedelta(hours=3))  # 11:00 New York
    assert morning_confirm.queue_tentative_digests(KYIV_8AM - timedelta(minutes=1)) == 0
    assert morning_confirm.queue_tentative_digests(KYIV_8AM) == 1  # Kyiv only: 01:00 in NY
    [digest] = _digests(kyiv)
    assert digest.kind == "tutor_tentative:2026-12-02" and digest.chat_id == 1001
    assert "13:00 Algebra" in digest.body and digest.body.count("\n") == 2  # one lesson line
    # The beat restarts mid-morning and runs again, twice: nothing new.
    assert morning_confirm.queue_tentative_digests(KYIV_8AM + timedelta(minutes=40)) == 0
    assert morning_confirm.queue_tentative_digests(KYIV_8AM + timedelta(minutes=41)) == 0
    assert morning_confirm.queue_tentative_digests(NEW_YORK_8AM) == 1  # New York's morning
    assert len(_digests(kyiv)) == 1 and len(_digests(york)) == 1
    assert not _digests(add_bare_tutor("quiet@example.com"))  # nothing tentative, no chat


def test_dst_morning_uses_the_local_wall_clock(db: str) -> None:
    """Kyiv moves to summer time at 03:00 on Sunday 28 March 2027: 08:00 is 05:00 UTC
    that day (06:00 UTC the day before), and the local day is 23 hours long."""
    kyiv = _tutor("k@example.com", "Europe/Kyiv", 1001)
    late = datetime(2027, 3, 28, 20, 30, tzinfo=UTC)  # 23:30 local, still 28 March
    _tentative(kyiv, late)
    assert morning_confirm.queue_tentative_digests(datetime(2027, 3, 28, 4, 59, tzinfo=UTC)) == 0
    assert morning_confirm.queue_tentative_digests(datetime(2027, 3, 28, 5, 0, tzinfo=UTC)) == 1
    [digest] = _digests(kyiv)
    assert digest.kind == "tutor_tentative:2027-03-28" and "23:30" in digest.body


def test_confirm_tells_students_and_the_deadline_cancels_the_rest(db: str) -> None:
    tutor = _tutor("k@example.com", "Europe/Kyiv", 1001)
    student = add_student()
    start = KYIV_8AM + timedelta(hours=6)
    confirmed = _tentative(tutor, start, students=(student,))
    forgotten = _tentative(tutor, start + timedelta(hours=2), students=(add_student("b@x.io"),))
    under_way = _tentative(tutor, KYIV_8AM - timedelta(minutes=30))  # started: left alone
    listed = morning_confirm.tentative_today(tutor, now=KYIV_8AM, viewer_tz="Europe/Kyiv")
    assert [v.lesson_id for v in listed] == [confirmed, forgotten]
    assert listed[0].deadline == "12:00"  # 14:00 Kyiv start, 2 h before
    with pytest.raises(NotFound):  # another tutor's lesson
        morning_confirm.confirm_tentative(add_bare_tutor("o@x.io"), confirmed, now=KYIV_8AM)
    morning_confirm.confirm_tentative(tutor, confirmed, now=KYIV_8AM)
    assert _get(Lesson, confirmed).status is LessonStatus.scheduled  # type: ignore[attr-defined]
    booking = _seat(confirmed)
    assert _student_rows(booking)["decision"] is NotificationStatus.pending
    with pytest.raises(NotTentative):
        morning_confirm.confirm_tentative(tutor, confirmed, now=KYIV_8AM)
    # The forgotten one: still alive 1 minute before its deadline, cancelled at it.
    deadline = start + timedelta(hours=2) - timedelta(hours=2)
    assert morning_confirm.cancel_unconfirmed(deadline - timedelta(minutes=1)) == 0
    assert morning_confirm.cancel_unconfirmed(deadline) == 1
    assert _get(Lesson, forgotten).status is LessonStatus.cancelled  # type: ignore[attr-defined]
    seat = _seat(forgotten)
    assert _get(Booking, seat).status is BookingStatus.cancelled  # type: ignore[attr-defined]
    assert _student_rows(seat)["cancelled"] is NotificationStatus.pending  # the student is told
    assert _get(Lesson, confirmed).status is LessonStatus.scheduled  # type: ignore[attr-defined]
    assert morning_confirm.cancel_unconfirmed(deadline + timedelta(hours=1)) == 0  # idempotent
    assert _get(Lesson, under_way).status is LessonStatus.tentative  # type: ignore[attr-defined]


def _seat(lesson_id: int) -> int:
    with read_scope() as session:
        query = sa.select(Booking.id).where(Booking.lesson_id == lesson_id)
        return int(session.execute(query).scalars().first() or 0)


def test_outcome_rules_per_seat_and_for_the_lesson(db: str) -> None:
    tutor = add_bare_tutor("k@example.com")
    one, two = add_student(), add_student("b@x.io")
    start = KYIV_8AM
    lesson = add_lesson(tutor, start, students=(one, two), capacity=5)
    first, second = _seats(lesson)
    with pytest.raises(LessonNotStarted):
        outcome.set_outcome(tutor, lesson, "held", now=start - timedelta(minutes=1))
    with pytest.raises(NotFound):  # not their lesson (a student, another tutor)
        outcome.set_outcome(one, lesson, "held", now=start + timedelta(hours=2))
    after = start + timedelta(hours=2)
    needs = outcome.needs_outcome(tutor, now=after, viewer_tz="Europe/Kyiv")
    assert [(n.lesson_id, n.unmarked) for n in needs] == [(lesson, 2)]
    outcome.set_outcome(tutor, lesson, "student_no_show", booking_id=second, now=after)
    assert _status(second) is BookingStatus.no_show and _status(first) is BookingStatus.confirmed
    assert [n.unmarked for n in outcome.needs_outcome(tutor, now=after, viewer_tz="UTC")] == [1]
    outcome.set_outcome(tutor, lesson, "held", booking_id=first, now=after)
    assert not outcome.needs_outcome(tutor, now=after, viewer_tz="UTC")
    assert _get(Lesson, lesson).status is LessonStatus.completed  # type: ignore[attr-defined]
    # An admin corrects it: the tutor did not come (every seat), stored as such.
    admin = accounts.create_admin(
        email="a@example.com", name="Ada", phone="+380671110000", password="admin-pass-1"
    )
    assert outcome.set_outcome(admin, lesson, "tutor_no_show", now=after) == 2
    assert {_status(first), _status(second)} == {BookingStatus.tutor_no_show}
    with pytest.raises(OutcomeClosed):
        outcome.set_outcome(tutor, lesson, "held", now=start + timedelta(days=8))
    cancelled_seat = add_lesson(tutor, start - timedelta(days=1), students=(one,),
                                status=BookingStatus.cancelled)  # fmt: skip
    with pytest.raises(NoSeat):
        outcome.set_outcome(tutor, cancelled_seat, "held", now=after)


def _seats(lesson_id: int) -> list[int]:
    with read_scope() as session:
        query = sa.select(Booking.id).where(Booking.lesson_id == lesson_id).order_by(Booking.id)
        return [int(x) for x in session.execute(query).scalars()]


def _status(booking_id: int) -> BookingStatus:
    return _get(Booking, booking_id).status  # type: ignore[attr-defined,no-any-return]


def test_home_lists_and_answers_tentative_lessons_and_outcomes(
    sqlite_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The tutor's home as a tab sees it: Confirm / Cancel per tentative lesson, outcome
    buttons per seat; another user's tab gets nothing and changes nothing."""
    clock.freeze(monkeypatch, KYIV_8AM)
    tutor = add_bare_tutor("k@example.com", tz="Europe/Kyiv")
    student = add_student()
    keep = _tentative(tutor, KYIV_8AM + timedelta(hours=4), students=(student,))
    drop = _tentative(tutor, KYIV_8AM + timedelta(hours=6))
    past = add_lesson(tutor, KYIV_8AM - timedelta(hours=3), students=(student,))
    tab, _ = open_page("/home", user=(tutor, "tutor"))
    st = tab.state(RoutineState)
    assert [t.lesson_id for t in st.tentative] == [keep, drop]
    assert [(o.lesson_id, o.unmarked) for o in st.outcomes] == [(past, 1)]
    # A student's tab calling the same handlers: refused, nothing written.
    other, _ = open_page("/home", user=(student, "student"))
    intruder = other.state(RoutineState)
    assert toasts(run(intruder.confirm(keep)), "error")
    assert _get(Lesson, keep).status is LessonStatus.tentative  # type: ignore[attr-defined]
    assert toasts(run(st.confirm(keep)), "success")
    assert toasts(run(st.cancel(drop)), "success")
    assert _get(Lesson, keep).status is LessonStatus.scheduled  # type: ignore[attr-defined]
    assert _get(Lesson, drop).status is LessonStatus.cancelled  # type: ignore[attr-defined]
    assert st.tentative == []
    seat = st.outcomes[0].seats[0].booking_id
    assert toasts(run(st.mark(past, seat, "student_no_show")), "success")
    assert _status(seat) is BookingStatus.no_show and st.outcomes == []


def test_calendar_details_mark_a_seats_outcome(
    sqlite_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The calendar's lesson dialog: the same outcome service, the lesson the tab opened."""
    clock.freeze(monkeypatch, KYIV_8AM)
    tutor = add_bare_tutor("k@example.com", tz="Europe/Kyiv")
    lesson = add_lesson(tutor, KYIV_8AM - timedelta(hours=2), students=(add_student(),))
    tab, _ = open_page("/calendar", user=(tutor, "tutor"))
    st = tab.state(CalendarState)
    run(st.on_click(f"lesson-{lesson}"))
    [seat] = st.detail.seats
    assert toasts(run(st.mark_outcome(seat.booking_id, "held")), "success")
    assert st.detail.seats[0].status == "completed" and st.detail.status == "completed"
    run(st.mark_outcome(seat.booking_id, "nonsense"))
    assert "Choose held" in st.detail_error


def test_the_beat_task_writes_one_digest_across_restarts(
    sqlite_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real beat task (called in-process) at 08:00 and again after a restart at 08:30:
    one digest; without a bot token it is kept as `skipped`, visible in the admin."""
    kyiv = _tutor("k@example.com", "Europe/Kyiv", 1001)
    _tentative(kyiv, KYIV_8AM + timedelta(hours=5))
    for minutes in (0, 30):
        clock.freeze(monkeypatch, KYIV_8AM + timedelta(minutes=minutes))
        scan_notifications.run()
    [digest] = _digests(kyiv)
    assert digest.status is NotificationStatus.skipped
