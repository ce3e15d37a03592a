"""Classroom page states with handlers called directly (real SQLite DB, no browser).

What must hold: the room loads for its tutor and student and is "not found" for anyone
else (no notes channel is handed out then); only the tutor's room state lists the seats;
My Students refuses students and manages invite links (cap, list, revoke one or all);
an invite refused for this account shows the "Invite revoked" page; the home dashboard
fills the role's numbers.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from booking_app.db import read_scope
from booking_app.models import ClassroomSession
from booking_app.pages.classroom import RoomState
from booking_app.pages.home.dashboard import DashboardState
from booking_app.pages.invite import InviteState
from booking_app.pages.tutor_students import StudentsState
from booking_app.pages.tutor_students.invite_links import InviteLinksState
from booking_app.services import accounts, invites, students
from tests.support import clock
from tests.support.builders import add_lesson
from tests.support.states import open_page, redirects, run, state


def _user(role: str, email: str, name: str = "Olena Kovalenko") -> accounts.SessionUser:
    return accounts.register(
        accounts.Registration(name, email, "+380671234567", "secret-pass-1", role)
    )


def _room(lesson_id: int) -> str:
    with read_scope() as session:
        query = select(ClassroomSession).where(ClassroomSession.lesson_id == lesson_id)
        return session.exec(query).one().session_uuid


def test_room_state_for_participants_and_outsiders(sqlite_db: str) -> None:
    tutor = _user("tutor", "olena@example.com")
    student = _user("student", "taras@example.com")
    outsider = _user("student", "ira@example.com")
    start = datetime.now(UTC) + timedelta(hours=2)
    uuid = _room(add_lesson(tutor.id, start, students=(student.id,)))
    path = f"/classroom/{uuid}"

    st = state(RoomState, path, user=student)
    run(st.on_load())
    assert st.loaded and not st.not_found and not st.is_tutor
    assert st._channel == "room-" + uuid.replace("-", "")
    assert not st.can_join and st.countdown.startswith("1:4")  # opens 15 min before
    assert st.time_left.startswith("Starts in 1:5")

    tutor_state = state(RoomState, path, user=tutor)
    run(tutor_state.on_load())
    assert tutor_state.is_tutor and [s.name for s in tutor_state.students] == ["Olena Kovalenko"]

    other = state(RoomState, path, user=outsider)
    run(other.on_load())
    assert other.not_found and other._channel == "" and other.title == ""


def test_students_page_refuses_students_and_lists_for_tutors(sqlite_db: str) -> None:
    tutor = _user("tutor", "olena@example.com")
    student = _user("student", "taras@example.com")
    add_lesson(tutor.id, datetime.now(UTC) + timedelta(days=1), students=(student.id,))
    tab, events = open_page("/tutor/students", user=student)
    assert not tab.state(StudentsState).loaded and redirects(events)
    st = state(StudentsState, "/tutor/students", user=tutor)
    run(st.on_load())
    assert st.loaded and st.total == 1 and st.rows[0].status == "active"
    run(st.set_page_size("not-a-number"))
    assert st.page_size == 10


def test_dashboard_state_by_role(sqlite_db: str) -> None:
    tutor = _user("tutor", "olena@example.com")
    student = _user("student", "taras@example.com")
    add_lesson(tutor.id, datetime.now(UTC) + timedelta(minutes=5), students=(student.id,))
    d = state(DashboardState, "/home", user=student)
    run(d.load())
    assert d.loaded and d.upcoming == 1 and d.active[0].can_join
    assert d.tutor_name == "Olena Kovalenko"
    t = state(DashboardState, "/home", user=tutor)
    run(t.load())
    assert t.loaded and t.students == 1 and len(t.chart) == 8 and t.upcoming_list[0].can_join


def test_only_the_tutors_room_state_lists_the_seats(sqlite_db: str) -> None:
    """Negative control: on 421cbe7 a student's room state held every classmate's name,
    booking id and status (all State vars travel to the browser)."""
    tutor = _user("tutor", "olena@example.com")
    student = _user("student", "taras@example.com", "Taras Shevchenko")
    classmate = _user("student", "iryna@example.com", "Iryna Classmate")
    start = datetime.now(UTC) + timedelta(days=1)
    uuid = _room(add_lesson(tutor.id, start, students=(student.id, classmate.id), capacity=3))
    path = f"/classroom/{uuid}"
    teacher = state(RoomState, path, user=tutor)
    run(teacher.on_load())
    assert sorted(s.name for s in teacher.students) == ["Iryna Classmate", "Taras Shevchenko"]
    assert "Iryna Classmate" in str(teacher.dict())  # what the check below looks at
    pupil = state(RoomState, path, user=student)
    run(pupil.on_load())
    assert pupil.loaded and not pupil.not_found and pupil.students == []
    assert "Iryna Classmate" not in str(pupil.dict())


def test_invite_links_state_caps_lists_and_revokes(sqlite_db: str) -> None:
    tutor = _user("tutor", "olena@example.com")
    student = _user("student", "taras@example.com")
    path = "/tutor/students"
    st = state(InviteLinksState, path, user=tutor)
    run(st.on_load())
    assert st.items == [] and st.total == 0
    run(st.set_max_uses("0"))
    run(st.create())
    assert st.url == "" and "1 to 1000" in st.error and st.items == []
    run(st.set_max_uses("2"))
    run(st.create())
    assert st.error == "" and "/invite/classroom/" in st.url
    run(st.set_max_uses(""))
    run(st.create())
    assert st.total == 2 and [(i.uses, i.max_uses) for i in st.items] == [(0, 0), (0, 2)]
    assert all(i.invite_id and "." not in i.invite_id for i in st.items)  # ids, not tokens

    pupil = state(InviteLinksState, path, user=student)  # handlers are callable by anyone
    run(pupil.revoke(st.items[0].invite_id))
    run(pupil.revoke_all())
    run(pupil.create())
    assert invites.live_invites(tutor.id, now=clock.now()).total == 2
    assert pupil.items == [] and pupil.url == ""

    run(st.revoke(st.items[0].invite_id))
    assert st.total == 1 and st.url == ""
    events = run(st.revoke_all())
    assert st.items == [] and st.total == 0 and "Revoked 1 invite link." in str(events)


def test_invite_page_shows_revoked_links(sqlite_db: str) -> None:
    tutor = _user("tutor", "olena@example.com")
    student = _user("student", "taras@example.com")
    now = clock.now()
    link = invites.create_classroom_invite(tutor_id=tutor.id, now=now)
    path = f"/invite/classroom/{link.token}"
    page = state(InviteState, path, user=student)
    run(page.accept())
    assert page.inviting_tutor == "Olena Kovalenko" and page.error_code == ""
    run(page.join_classroom())
    assert page.joined_tutor == "Olena Kovalenko"

    students.remove_student(tutor.id, student.id, now=now)
    replay = state(InviteState, path, user=student)
    run(replay.accept())  # refused on opening, before any "Join" click
    assert (replay.error_code, replay.error_title) == ("invite_revoked", "Invite revoked")
    assert "no longer works for your account" in replay.error_detail
    run(replay.join_classroom())  # clicking anyway changes nothing
    assert replay.joined_tutor == ""

    lesson = add_lesson(tutor.id, now + timedelta(days=1), capacity=2)
    lesson_link = invites.create_lesson_invite(lesson, tutor_id=tutor.id, now=now)
    invites.revoke_all(tutor.id, now=now)
    for i, target in enumerate((path, f"/invite/lesson/{lesson_link.token}")):
        other = state(InviteState, target, user=_user("student", f"other{i}@example.com"))
        run(other.accept())
        assert other.error_code == "invite_revoked" and other.error_title == "Invite revoked"
