"""Invite records: revoke one or all, max uses, removal takes back what a student used,
links without a record; on SQLite and PostgreSQL. Concurrency of max_uses: PostgreSQL.

Negative controls (these fail on 421cbe7, where invites were stateless):
- test_removed_student_cannot_replay_the_classroom_invite_they_used and
  test_removed_student_cannot_replay_the_lesson_invite_they_used use only the API that
  existed there (create, accept, remove): there the replay succeeds.
- test_concurrent_accepts_of_a_single_use_invite_admit_exactly_one has its own control:
  with the invite's row lock switched off, the same race admits more than one account;
  test_an_accept_racing_the_removal_cannot_outlive_it likewise without the membership lock.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
import sqlalchemy as sa
from sqlmodel import select

from booking_app.config import get_settings
from booking_app.db import read_scope, session_scope
from booking_app.models import Booking, Invite, InviteRedemption, User
from booking_app.repositories import classroom as classroom_repo
from booking_app.repositories import invites as invites_repo
from booking_app.services import invites, students
from booking_app.services.errors import (
    InviteExpired,
    InviteInvalid,
    InviteRevoked,
    NotAMember,
    NotFound,
    ValidationFailed,
)
from booking_app.services.invites import links, tokens
from tests.support.builders import NOW, add_lesson, add_student, add_tutor, run_together

START = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


@pytest.fixture
def world(db: str) -> dict[str, int]:
    tutor = add_tutor("olena@example.com")
    other_tutor = add_tutor("petro@example.com")
    student = add_student("taras@example.com")
    lesson = add_lesson(tutor, START, students=(student,))  # also makes the classroom
    return {"tutor": tutor, "other_tutor": other_tutor, "student": student, "lesson": lesson}


def _status(tutor: int, student: int) -> str | None:
    with read_scope() as session:
        row = classroom_repo.membership(session=session, tutor_id=tutor, student_id=student)
        return row.status.value if row else None


def _invite(invite_id: str) -> Invite:
    with read_scope() as session:
        row = session.get(Invite, invite_id)
        assert row is not None
        return row


def test_removed_student_cannot_replay_the_classroom_invite_they_used(
    world: dict[str, int],
) -> None:
    tutor, newcomer = world["tutor"], add_student("ira@example.com")
    link = invites.create_classroom_invite(tutor_id=tutor, now=NOW)
    invites.accept_classroom_invite(link.token, user_id=newcomer, now=NOW)
    assert _status(tutor, newcomer) == "active"
    students.remove_student(tutor, newcomer, now=NOW)

    with pytest.raises(InviteRevoked) as err:
        invites.accept_classroom_invite(link.token, user_id=newcomer, now=NOW)
    assert (err.value.code, err.value.http_status) == ("invite_revoked", 410)
    assert _status(tutor, newcomer) == "removed"  # nothing was written
    with pytest.raises(InviteRevoked):  # the page says so before the "Join" click
        invites.preview_classroom_invite(link.token, now=NOW, user_id=newcomer)

    # the link still works for everyone else, and a new link brings the student back
    other = add_student("other@example.com")
    invites.accept_classroom_invite(link.token, user_id=other, now=NOW)
    assert _status(tutor, other) == "active"
    fresh = invites.create_classroom_invite(tutor_id=tutor, now=NOW)
    invites.accept_classroom_invite(fresh.token, user_id=newcomer, now=NOW)
    assert _status(tutor, newcomer) == "active"


def test_removed_student_cannot_replay_the_lesson_invite_they_used(world: dict[str, int]) -> None:
    tutor = world["tutor"]
    group = add_lesson(tutor, START + timedelta(days=3), capacity=3)
    member, other = add_student("member@example.com"), add_student("other@example.com")
    joined = invites.create_classroom_invite(tutor_id=tutor, now=NOW)
    for who in (member, other):
        invites.accept_classroom_invite(joined.token, user_id=who, now=NOW)
    link = invites.create_lesson_invite(group, tutor_id=tutor, now=NOW)
    uuid = invites.accept_lesson_invite(link.token, user_id=member, now=NOW)
    assert invites.accept_lesson_invite(link.token, user_id=member, now=NOW) == uuid  # replay ok
    students.remove_student(tutor, member, now=NOW)

    with pytest.raises(InviteRevoked):
        invites.accept_lesson_invite(link.token, user_id=member, now=NOW)
    assert invites.accept_lesson_invite(link.token, user_id=other, now=NOW) == uuid
    assert invites.accept_lesson_invite(link.token, user_id=tutor, now=NOW) == uuid


def test_revoked_invite_is_refused_for_everyone_even_who_used_it(world: dict[str, int]) -> None:
    tutor, student = world["tutor"], world["student"]
    link = invites.create_classroom_invite(tutor_id=tutor, now=NOW)
    invites.accept_classroom_invite(link.token, user_id=student, now=NOW)
    lesson_link = invites.create_lesson_invite(world["lesson"], tutor_id=tutor, now=NOW)
    invites.accept_lesson_invite(lesson_link.token, user_id=student, now=NOW)

    with pytest.raises(NotFound):  # only the tutor who made it can revoke it
        invites.revoke_invite(world["other_tutor"], link.invite_id, now=NOW)
    invites.revoke_invite(tutor, link.invite_id, now=NOW)
    invites.revoke_invite(tutor, link.invite_id, now=NOW)  # twice is fine
    invites.revoke_invite(tutor, lesson_link.invite_id, now=NOW)
    newcomer = add_student("new@example.com")
    for who in (student, newcomer):
        with pytest.raises(InviteRevoked):
            invites.accept_classroom_invite(link.token, user_id=who, now=NOW)
        with pytest.raises(InviteRevoked):
            invites.preview_classroom_invite(link.token, now=NOW)
        with pytest.raises(InviteRevoked):
            invites.accept_lesson_invite(lesson_link.token, user_id=who, now=NOW)
    assert _status(tutor, newcomer) is None
    with pytest.raises(NotFound):
        invites.revoke_invite(tutor, "x" * 500, now=NOW)


def test_revoke_all_and_the_list_of_links_that_still_work(world: dict[str, int]) -> None:
    tutor = world["tutor"]
    capped = invites.create_classroom_invite(tutor_id=tutor, now=NOW, max_uses=1)
    plain = invites.create_classroom_invite(tutor_id=tutor, now=NOW + timedelta(minutes=1))
    lesson = invites.create_lesson_invite(world["lesson"], tutor_id=tutor, now=NOW)
    expired = invites.create_classroom_invite(tutor_id=tutor, now=NOW - timedelta(days=2))
    theirs = invites.create_classroom_invite(tutor_id=world["other_tutor"], now=NOW)
    invites.accept_classroom_invite(capped.token, user_id=world["student"], now=NOW)

    found = invites.live_invites(tutor, now=NOW)
    assert found.total == 3 and expired.invite_id not in {r.invite_id for r in found.rows}
    rows = {r.invite_id: r for r in found.rows}
    assert rows[capped.invite_id].what == "Classroom"
    assert (rows[capped.invite_id].uses, rows[capped.invite_id].max_uses) == (1, 1)
    assert rows[capped.invite_id].used_up and not rows[plain.invite_id].used_up
    assert rows[lesson.invite_id].what == "Lesson: Algebra, Mon 30 Nov, 10:00–11:00"
    assert found.rows[0].invite_id == plain.invite_id  # newest first

    assert invites.revoke_all(tutor, now=NOW) == 3
    assert invites.live_invites(tutor, now=NOW).total == 0
    assert invites.revoke_all(tutor, now=NOW) == 0
    with pytest.raises(InviteRevoked):
        invites.accept_lesson_invite(lesson.token, user_id=world["student"], now=NOW)
    # another tutor's links are untouched
    assert invites.live_invites(world["other_tutor"], now=NOW).total == 1
    invites.accept_classroom_invite(theirs.token, user_id=world["student"], now=NOW)


def test_max_uses_counts_accounts_not_clicks_and_refusals_use_nothing(
    world: dict[str, int],
) -> None:
    tutor = world["tutor"]
    link = invites.create_classroom_invite(tutor_id=tutor, now=NOW, max_uses=2)
    first, second, third = (add_student(f"s{i}@example.com") for i in range(3))
    invites.accept_classroom_invite(link.token, user_id=first, now=NOW)
    invites.accept_classroom_invite(link.token, user_id=first, now=NOW)  # same account again
    invites.accept_classroom_invite(link.token, user_id=second, now=NOW)
    with pytest.raises(InviteRevoked) as err:
        invites.accept_classroom_invite(link.token, user_id=third, now=NOW)
    assert err.value.detail == links.USED_UP
    invites.accept_classroom_invite(link.token, user_id=second, now=NOW)  # still works for them
    assert _invite(link.invite_id).uses == 2 and _status(tutor, third) is None

    # a lesson invite for one seat: a stranger's refused try and a full lesson use nothing
    group = add_lesson(tutor, START + timedelta(days=3), capacity=2, students=(first,))
    seat = invites.create_lesson_invite(group, tutor_id=tutor, now=NOW, max_uses=1)
    with pytest.raises(NotAMember):
        invites.accept_lesson_invite(seat.token, user_id=third, now=NOW)
    assert _invite(seat.invite_id).uses == 0
    invites.accept_lesson_invite(seat.token, user_id=second, now=NOW)
    assert _invite(seat.invite_id).uses == 1
    with read_scope() as session:
        seats = session.exec(select(Booking).where(Booking.lesson_id == group)).all()
    assert sorted(b.student_id for b in seats) == sorted([first, second])


@pytest.mark.parametrize("bad", [0, -1, 1001, "abc", "1.5", True])
def test_bad_max_uses_is_a_field_error_and_writes_nothing(
    world: dict[str, int], bad: object
) -> None:
    with pytest.raises(ValidationFailed) as err:
        invites.create_classroom_invite(tutor_id=world["tutor"], now=NOW, max_uses=bad)  # type: ignore[arg-type]
    assert list(err.value.field_errors) == ["max_uses"]
    with pytest.raises(ValidationFailed):
        invites.create_lesson_invite(world["lesson"], tutor_id=world["tutor"], now=NOW,
                                     max_uses=bad)  # type: ignore[arg-type]  # fmt: skip
    with read_scope() as session:
        assert session.exec(select(Invite)).all() == []


def test_links_without_a_matching_record_are_invalid(world: dict[str, int]) -> None:
    tutor, student = world["tutor"], world["student"]
    secret = get_settings().secret_key
    exp = NOW + timedelta(hours=1)
    legacy = jwt.encode({"sub": str(tutor), "aud": tokens.CLASSROOM_AUDIENCE, "exp": exp},
                        secret, algorithm="HS256")  # fmt: skip
    unknown, _ = tokens.issue_classroom_invite(tutor, invite_id="f" * 32, now=NOW)
    real = invites.create_classroom_invite(tutor_id=tutor, now=NOW)
    # a genuine record, but the signed subject says another tutor's classroom
    swapped, _ = tokens.issue_classroom_invite(
        world["other_tutor"], invite_id=real.invite_id, now=NOW
    )
    for token in (legacy, unknown, swapped):
        with pytest.raises(InviteInvalid):
            invites.accept_classroom_invite(token, user_id=student, now=NOW)
        with pytest.raises(InviteInvalid):
            invites.preview_classroom_invite(token, now=NOW)
    with pytest.raises(InviteExpired):  # the signed expiry still answers first
        invites.accept_classroom_invite(real.token, user_id=student, now=NOW + timedelta(days=1))


def test_deleting_a_student_takes_their_redemptions_along(world: dict[str, int]) -> None:
    """No orphans: the rows cascade with the account (the admin may delete users)."""
    newcomer = add_student("ira@example.com")
    link = invites.create_classroom_invite(tutor_id=world["tutor"], now=NOW)
    invites.accept_classroom_invite(link.token, user_id=newcomer, now=NOW)
    with session_scope(write=True) as session:
        session.execute(sa.delete(User).where(User.id == newcomer))
    with read_scope() as session:
        assert session.exec(select(InviteRedemption)).all() == []
        assert session.get(Invite, link.invite_id) is not None


# Concurrency -----------------------------------------------------------------------------

RACERS = 8


def _single_use_race(tutor: int, monkeypatch: pytest.MonkeyPatch) -> tuple[list[Any], Invite]:
    """RACERS new students accept one max_uses=1 classroom invite at the same moment; a
    20 ms pause after each reads its own redemption widens the check-then-write window."""
    racers = [add_student(f"racer{i}@example.com") for i in range(RACERS)]
    link = invites.create_classroom_invite(tutor_id=tutor, now=NOW, max_uses=1)
    real_redemption = invites_repo.redemption

    def slow_redemption(**kwargs: Any) -> Any:
        found = real_redemption(**kwargs)
        time.sleep(0.02)
        return found

    monkeypatch.setattr(invites_repo, "redemption", slow_redemption)
    results = run_together(RACERS, lambda i: invites.accept_classroom_invite(
        link.token, user_id=racers[i], now=NOW))  # fmt: skip
    return results, _invite(link.invite_id)


def test_concurrent_accepts_of_a_single_use_invite_admit_exactly_one(
    pg_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    tutor = add_tutor("olena@example.com")
    add_lesson(tutor, START, students=(add_student("taras@example.com"),))  # the classroom
    results, invite = _single_use_race(tutor, monkeypatch)
    others = [r for r in results if not isinstance(r, str | InviteRevoked)]
    assert others == [], others
    assert [isinstance(r, str) for r in results].count(True) == 1
    assert invite.uses == 1
    with read_scope() as session:
        assert len(session.exec(select(InviteRedemption)).all()) == 1


def test_negative_control_without_the_row_lock_the_race_admits_several(
    pg_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same race with ``lock_invite`` reduced to a plain read: the test above would
    catch the overuse (several accounts admitted by a single-use link)."""
    tutor = add_tutor("olena@example.com")
    add_lesson(tutor, START, students=(add_student("taras@example.com"),))
    monkeypatch.setattr(invites_repo, "lock_invite", invites_repo.get_invite)
    results, _invite_row = _single_use_race(tutor, monkeypatch)
    assert [isinstance(r, str) for r in results].count(True) > 1


def _accept_during_removal(monkeypatch: pytest.MonkeyPatch) -> tuple[str, int]:
    """An ACTIVE student (a confirmed lesson made them one) accepts a link they never used
    while the tutor removes them: the removal starts once the accept has read the
    membership, and the accept then dawdles 300 ms before writing its redemption."""
    tutor, student = add_tutor("olena@example.com"), add_student("taras@example.com")
    add_lesson(tutor, START, students=(student,))
    link = invites.create_classroom_invite(tutor_id=tutor, now=NOW)
    accepting = threading.Event()
    real_activate = classroom_repo.activate_membership

    def slow_activate(**kwargs: Any) -> None:
        real_activate(**kwargs)
        accepting.set()
        time.sleep(0.3)

    monkeypatch.setattr(classroom_repo, "activate_membership", slow_activate)

    def work(index: int) -> object:
        if index == 0:
            return invites.accept_classroom_invite(link.token, user_id=student, now=NOW)
        assert accepting.wait(timeout=30)
        return students.remove_student(tutor, student, now=NOW)

    assert [type(r) for r in run_together(2, work)] == [str, type(None)]
    monkeypatch.setattr(classroom_repo, "activate_membership", real_activate)
    return link.token, student


def test_an_accept_racing_the_removal_cannot_outlive_it(
    pg_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The removal waits for the accept (both lock the membership row), so it also takes
    back the use the accept just wrote: replaying that link afterwards is refused."""
    token, student = _accept_during_removal(monkeypatch)
    with pytest.raises(InviteRevoked):
        invites.accept_classroom_invite(token, user_id=student, now=NOW)


def test_negative_control_without_the_membership_lock_the_use_survives_the_removal(
    pg_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(classroom_repo, "lock_membership", classroom_repo.membership)
    token, student = _accept_during_removal(monkeypatch)
    invites.accept_classroom_invite(token, user_id=student, now=NOW)  # the removal undone
