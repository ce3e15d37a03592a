"""Rooms, ACL, backfill, notes, tutor actions, invites, My Students: on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from booking_app.db import read_scope
from booking_app.models import Booking, BookingStatus, ClassroomSession, Lesson, LessonStatus
from booking_app.services import classroom, invites, students
from booking_app.services.errors import (
    Forbidden,
    InviteExpired,
    InviteInvalid,
    LessonCompleted,
    LessonNotFound,
    LessonNotStarted,
    NotAMember,
    NotFound,
    SlotUnavailable,
    ValidationFailed,
)
from tests.support.builders import NOW, add_lesson, add_student, add_tutor

START = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


@pytest.fixture
def world(db: str) -> dict[str, int]:
    tutor = add_tutor("olena@example.com")
    other_tutor = add_tutor("petro@example.com")
    student = add_student("taras@example.com")
    outsider = add_student("ira@example.com")
    lesson = add_lesson(tutor, START, students=(student,))
    return {"tutor": tutor, "other_tutor": other_tutor, "student": student,
            "outsider": outsider, "lesson": lesson}  # fmt: skip


def _uuid(lesson_id: int) -> str:
    with read_scope() as session:
        room = session.exec(
            select(ClassroomSession).where(ClassroomSession.lesson_id == lesson_id)
        ).one()
        return room.session_uuid


def test_room_acl_tutor_and_student_in_others_not_found(world: dict[str, int]) -> None:
    uuid = _uuid(world["lesson"])
    for who in ("tutor", "student"):
        view = classroom.get_room(uuid, user_id=world[who], now=NOW)
        assert view.lesson_id == world["lesson"] and view.is_tutor is (who == "tutor")
        assert view.channel == "room-" + uuid.replace("-", "")
    for who in ("outsider", "other_tutor"):
        with pytest.raises(LessonNotFound) as err:
            classroom.get_room(uuid, user_id=world[who], now=NOW)
        assert err.value.code == "lesson_not_found"
        with pytest.raises(LessonNotFound):
            classroom.open_room(world["lesson"], user_id=world[who], now=NOW)
        with pytest.raises(LessonNotFound):
            classroom.save_notes(
                uuid, user_id=world[who], text="x", base_text="", base_version=0, now=NOW
            )
    with pytest.raises(LessonNotFound):
        classroom.get_room("00000000-0000-0000-0000-000000000000", user_id=world["tutor"], now=NOW)
    # negative control: the same outsider gets in once they hold a seat in the lesson
    add_lesson_seat(world["lesson"], world["outsider"], world["tutor"])
    assert classroom.get_room(uuid, user_id=world["outsider"], now=NOW).session_uuid == uuid


def add_lesson_seat(lesson_id: int, student_id: int, tutor_id: int) -> None:
    from booking_app.db import session_scope

    with session_scope(write=True) as session:
        session.add(Booking(lesson_id=lesson_id, tutor_id=tutor_id, student_id=student_id,
                            client_name="x", client_phone="+380501234567",
                            status=BookingStatus.confirmed))  # fmt: skip


def test_cancelled_seat_has_no_access(world: dict[str, int]) -> None:
    lesson = add_lesson(world["tutor"], START + timedelta(days=1), students=(world["outsider"],),
                        status=BookingStatus.cancelled)  # fmt: skip
    with pytest.raises(LessonNotFound):
        classroom.open_room(lesson, user_id=world["outsider"], now=NOW)


def test_open_room_backfills_a_missing_session_once(world: dict[str, int]) -> None:
    lesson = add_lesson(
        world["tutor"], START + timedelta(days=2), students=(world["student"],), room=False
    )
    with read_scope() as session:
        assert (
            session.exec(
                select(ClassroomSession).where(ClassroomSession.lesson_id == lesson)
            ).first()
            is None
        )
    first = classroom.open_room(lesson, user_id=world["student"], now=NOW)
    again = classroom.open_room(lesson, user_id=world["tutor"], now=NOW)
    assert first == again == _uuid(lesson)


def test_join_window_and_video_link(world: dict[str, int]) -> None:
    uuid = _uuid(world["lesson"])
    before = classroom.get_room(uuid, user_id=world["student"], now=START - timedelta(minutes=16))
    assert not before.can_join and before.opens_in_seconds == 60
    opened = classroom.get_room(uuid, user_id=world["student"], now=START - timedelta(minutes=15))
    assert opened.can_join and opened.opens_in_seconds == 0
    assert opened.video_url == f"https://meet.jit.si/tutor-{uuid}"
    ended = classroom.get_room(uuid, user_id=world["student"], now=START + timedelta(hours=1))
    assert not ended.can_join and ended.seconds_left == 0


def test_notes_merge_and_version(world: dict[str, int]) -> None:
    uuid = _uuid(world["lesson"])
    t = classroom.save_notes(
        uuid, user_id=world["tutor"], text="plan\n", base_text="", base_version=0, now=NOW
    )
    assert (t.text, t.version) == ("plan\n", 1)
    # both start from version 1; the student's save arrives second and keeps the tutor's line
    a = classroom.save_notes(
        uuid,
        user_id=world["tutor"],
        text="plan: fractions\n",
        base_text="plan\n",
        base_version=1,
        now=NOW,
    )
    b = classroom.save_notes(
        uuid,
        user_id=world["student"],
        text="plan\nquestion: why?",
        base_text="plan\n",
        base_version=1,
        now=NOW,
    )
    assert a.version == 2 and b.version == 3
    assert b.text == "plan: fractions\nquestion: why?"
    assert classroom.get_room(uuid, user_id=world["student"], now=NOW).shared_notes == b.text
    with pytest.raises(ValidationFailed):
        classroom.save_notes(
            uuid, user_id=world["tutor"], text="x" * 20_001, base_text="", base_version=3, now=NOW
        )


def test_tutor_actions(world: dict[str, int]) -> None:
    uuid = _uuid(world["lesson"])
    with pytest.raises(LessonNotFound):  # a student has no tutor actions
        classroom.mark_completed(uuid, tutor_id=world["student"], now=START)
    with pytest.raises(LessonNotStarted):
        classroom.mark_completed(uuid, tutor_id=world["tutor"], now=NOW)
    assert (
        classroom.save_lesson_notes(uuid, tutor_id=world["tutor"], text=" went well ", now=NOW)
        == "went well"
    )
    assert classroom.get_room(uuid, user_id=world["student"], now=NOW).lesson_notes == ""  # private
    room = classroom.get_room(uuid, user_id=world["tutor"], now=NOW)
    booking_id = room.students[0].booking_id
    classroom.mark_no_show(
        uuid, tutor_id=world["tutor"], booking_id=booking_id, now=START + timedelta(minutes=10)
    )
    classroom.mark_completed(uuid, tutor_id=world["tutor"], now=START + timedelta(minutes=50))
    with read_scope() as session:
        assert session.get(Lesson, world["lesson"]).status is LessonStatus.completed  # type: ignore[union-attr]
        assert session.get(Booking, booking_id).status is BookingStatus.no_show  # type: ignore[union-attr]
    with pytest.raises(LessonCompleted):
        classroom.mark_completed(uuid, tutor_id=world["tutor"], now=START + timedelta(minutes=55))


def test_create_lesson_only_for_active_members(world: dict[str, int]) -> None:
    args = {"start_local": "2026-12-01T12:00", "duration_min": 60, "title": "Geometry", "now": NOW}
    with pytest.raises(NotAMember) as err:
        students.create_lesson_for_student(world["tutor"], world["outsider"], **args)
    assert err.value.code == "not_a_member"
    created = students.create_lesson_for_student(world["tutor"], world["student"], **args)
    view = classroom.get_room(
        created.session_uuid, user_id=world["student"], now=NOW, viewer_tz="Europe/Kyiv"
    )
    assert view.title == "Geometry" and view.label.startswith("Tue 1 Dec, 12:00")
    with pytest.raises(SlotUnavailable):  # same time again overlaps
        students.create_lesson_for_student(world["tutor"], world["student"], **args)
    with pytest.raises(ValidationFailed) as bad:
        students.create_lesson_for_student(world["tutor"], world["student"], start_local="x",
                                           duration_min=5, title="", now=NOW)  # fmt: skip
    assert set(bad.value.field_errors) == {"start_local", "duration_min"}
    students.remove_student(world["tutor"], world["student"], now=NOW)
    with pytest.raises(NotAMember):  # removed members are not members
        students.create_lesson_for_student(
            world["tutor"], world["student"], **{**args, "start_local": "2026-12-02T12:00"}
        )


def test_lesson_invite_access(world: dict[str, int]) -> None:
    link = invites.create_lesson_invite(world["lesson"], tutor_id=world["tutor"], now=NOW)
    assert link.url.endswith("/invite/lesson/" + link.token)
    with pytest.raises(LessonNotFound):  # only the lesson's tutor makes invites
        invites.create_lesson_invite(world["lesson"], tutor_id=world["other_tutor"], now=NOW)
    uuid = _uuid(world["lesson"])
    assert invites.accept_lesson_invite(link.token, user_id=world["student"], now=NOW) == uuid
    with pytest.raises(NotAMember) as err:  # an outsider with the link still can't enter
        invites.accept_lesson_invite(link.token, user_id=world["outsider"], now=NOW)
    assert err.value.code == "not_a_member"
    with pytest.raises(LessonNotFound):
        classroom.get_room(uuid, user_id=world["outsider"], now=NOW)
    with pytest.raises(InviteExpired):
        invites.accept_lesson_invite(
            link.token, user_id=world["student"], now=NOW + timedelta(hours=24)
        )
    with pytest.raises(InviteInvalid):
        invites.accept_lesson_invite(link.token[:-3] + "abc", user_id=world["student"], now=NOW)


def test_member_without_seat_gets_one_in_a_group_lesson(world: dict[str, int]) -> None:
    group = add_lesson(
        world["tutor"], START + timedelta(days=3), students=(world["student"],), capacity=2
    )
    link = invites.create_lesson_invite(group, tutor_id=world["tutor"], now=NOW)
    member = add_student("member@example.com")
    link_cls = invites.create_classroom_invite(tutor_id=world["tutor"], now=NOW)
    assert invites.accept_classroom_invite(link_cls.token, user_id=member, now=NOW).startswith(
        "Tutor"
    )
    uuid = invites.accept_lesson_invite(link.token, user_id=member, now=NOW)
    assert classroom.get_room(uuid, user_id=member, now=NOW).lesson_id == group
    late = add_student("late@example.com")
    invites.accept_classroom_invite(link_cls.token, user_id=late, now=NOW)
    with pytest.raises(Forbidden):  # full now
        invites.accept_lesson_invite(link.token, user_id=late, now=NOW)


def test_classroom_invite_makes_membership_active(world: dict[str, int]) -> None:
    link = invites.create_classroom_invite(tutor_id=world["tutor"], now=NOW)
    page = students.list_students(world["tutor"], query="ira", now=NOW)
    assert page.total == 0
    invites.accept_classroom_invite(link.token, user_id=world["outsider"], now=NOW)
    page = students.list_students(world["tutor"], query="ira@", now=NOW)
    assert [(r.email, r.status) for r in page.rows] == [("ira@example.com", "active")]
    assert students.list_students(world["tutor"], query="i_a", now=NOW).total == 0
    assert students.list_students(world["tutor"], query="%", now=NOW).total == 0
    with pytest.raises(Forbidden):  # tutors can't join a classroom as students
        invites.accept_classroom_invite(link.token, user_id=world["other_tutor"], now=NOW)
    with pytest.raises(InviteExpired):
        invites.accept_classroom_invite(
            link.token, user_id=world["outsider"], now=NOW + timedelta(days=2)
        )
    lesson_link = invites.create_lesson_invite(world["lesson"], tutor_id=world["tutor"], now=NOW)
    with pytest.raises(InviteInvalid):  # a lesson invite is not a classroom invite
        invites.accept_classroom_invite(lesson_link.token, user_id=world["outsider"], now=NOW)


def test_my_students_search_paging_next_lesson(world: dict[str, int]) -> None:
    from booking_app.db import session_scope
    from booking_app.repositories import classroom as classroom_repo

    with session_scope(write=True) as session:
        for i in range(12):
            classroom_repo.activate_membership(session=session, tutor_id=world["tutor"],
                                              student_id=add_student_in(session, i), at=NOW)  # fmt: skip
    first = students.list_students(world["tutor"], page=1, page_size=10, now=NOW)
    assert (first.total, first.pages, len(first.rows)) == (13, 2, 10)
    second = students.list_students(world["tutor"], page=2, page_size=10, now=NOW)
    assert len(second.rows) == 3
    assert {r.student_id for r in first.rows}.isdisjoint({r.student_id for r in second.rows})
    taras = students.list_students(world["tutor"], query="taras student", now=NOW)
    assert [r.name for r in taras.rows] == ["Taras Student"]
    assert taras.rows[0].next_lesson_id == world["lesson"]
    assert taras.rows[0].next_lesson_label.startswith("Mon 30 Nov, 10:00")
    assert students.list_students(world["other_tutor"], now=NOW).total == 0  # others' students
    students.remove_student(world["tutor"], world["student"], now=NOW)
    assert (
        students.list_students(world["tutor"], query="taras", now=NOW).rows[0].status == "removed"
    )
    with pytest.raises(NotFound):
        students.remove_student(world["other_tutor"], world["student"], now=NOW)


def add_student_in(session, i: int) -> int:  # type: ignore[no-untyped-def]
    from booking_app.models import Role, User

    user = User(email=f"pupil{i:02d}@example.com", phone="+380501234567", name=f"Pupil {i:02d}")
    user.role, user.password_hash = Role.student, "-"
    session.add(user)
    session.flush()
    return user.id or 0


def test_concurrent_saves_from_one_base_keep_both_lines(
    world: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tutor and student save at the same moment from the same version: both lines stay.

    A 200 ms pause between the ACL read and the row lock makes both saves overlap (on
    SQLite BEGIN IMMEDIATE serializes them anyway)."""
    import threading
    import time

    from booking_app.repositories import classroom as classroom_repo

    original_lock = classroom_repo.lock_room

    def slow_lock(**kwargs: object) -> object:
        time.sleep(0.2)
        return original_lock(**kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(classroom_repo, "lock_room", slow_lock)
    uuid = _uuid(world["lesson"])
    base = classroom.save_notes(uuid, user_id=world["tutor"], text="a\nb\nc", base_text="",
                                base_version=0, now=NOW)  # fmt: skip
    barrier = threading.Barrier(2)
    results: list[object] = []

    def save(user: int, text: str) -> None:
        barrier.wait()
        try:
            results.append(classroom.save_notes(uuid, user_id=user, text=text, base_text=base.text,
                                                base_version=base.version, now=NOW))  # fmt: skip
        except Exception as exc:  # noqa: BLE001 - reported below
            results.append(exc)

    threads = [
        threading.Thread(target=save, args=(world["tutor"], "a tutor\nb\nc")),
        threading.Thread(target=save, args=(world["student"], "a\nb\nc student")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert all(isinstance(r, classroom.NotesState) for r in results), results
    final = classroom.get_room(uuid, user_id=world["tutor"], now=NOW)
    assert final.shared_notes == "a tutor\nb\nc student"
    assert final.notes_version == base.version + 2


def test_opening_a_classroom_invite_changes_nothing_until_accepted(world: dict[str, int]) -> None:
    link = invites.create_classroom_invite(tutor_id=world["tutor"], now=NOW)
    assert invites.preview_classroom_invite(link.token, now=NOW) == "Tutor olena"
    assert students.list_students(world["tutor"], query="ira", now=NOW).total == 0
    with pytest.raises(InviteExpired):
        invites.preview_classroom_invite(link.token, now=NOW + timedelta(hours=24))


def test_seats_given_by_the_tutor_are_announced_like_any_booking(
    world: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A lesson created for a member and a seat taken through a lesson invite write the
    student's confirmation and reminders in the outbox and publish a live update to both
    (they used to be silent: no reminder, no refresh of open pages)."""
    from booking_app import realtime
    from tests.integration.notify_helpers import by_kind

    published: list[list[int]] = []
    monkeypatch.setattr(realtime, "publish", lambda ids: published.append(sorted(ids)))
    args = {"start_local": "2026-12-01T12:00", "duration_min": 60, "title": "Geometry", "now": NOW}
    created = students.create_lesson_for_student(world["tutor"], world["student"], **args)
    with read_scope() as session:
        seat = session.exec(select(Booking).where(Booking.lesson_id == created.lesson_id)).one()
    kinds = by_kind(seat.id or 0)
    assert "created" in kinds and any(k.startswith("reminder:") for k in kinds)
    assert published == [sorted([world["tutor"], world["student"]])]

    group = add_lesson(world["tutor"], START + timedelta(days=3), capacity=2)
    member = add_student("member@example.com")
    link_cls = invites.create_classroom_invite(tutor_id=world["tutor"], now=NOW)
    invites.accept_classroom_invite(link_cls.token, user_id=member, now=NOW)
    published.clear()
    link = invites.create_lesson_invite(group, tutor_id=world["tutor"], now=NOW)
    invites.accept_lesson_invite(link.token, user_id=member, now=NOW)
    assert sorted([world["tutor"], member]) in published
    with read_scope() as session:
        seat = session.exec(
            select(Booking).where(Booking.lesson_id == group, Booking.student_id == member)
        ).one()
    assert "created" in by_kind(seat.id or 0)


def test_student_search_takes_underscores_literally(world: dict[str, int]) -> None:
    """Issue 12, item 14: "o_neil" finds o_neil@..., and `_` is no wildcard. Negative
    control: on 855d6d1 the `_` was stripped, so "o_neil" found nobody."""
    link = invites.create_classroom_invite(tutor_id=world["tutor"], now=NOW)
    invites.accept_classroom_invite(link.token, user_id=add_student("o_neil@example.com"), now=NOW)
    found = students.list_students(world["tutor"], query="O_Neil", now=NOW)
    assert [r.email for r in found.rows] == ["o_neil@example.com"]
    assert students.list_students(world["tutor"], query="o_n_il", now=NOW).total == 0


def test_room_view_lists_seats_to_the_tutor_only(world: dict[str, int]) -> None:
    """Negative control for the classmates leak: on 421cbe7 a student's view carried
    every seat (names, booking ids, statuses)."""
    tutor, student = world["tutor"], world["student"]
    classmate = add_student("classmate@example.com")
    group = add_lesson(tutor, START + timedelta(days=3), capacity=3, students=(student, classmate))
    uuid = classroom.open_room(group, user_id=tutor, now=NOW)
    assert len(classroom.get_room(uuid, user_id=tutor, now=NOW).students) == 2
    assert classroom.get_room(uuid, user_id=student, now=NOW).students == ()
