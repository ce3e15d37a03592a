"""Pure rules of the classroom: the join window at its edges, invite tokens, notes merge."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
import pytest

from booking_app.config import get_settings
from booking_app.scheduling import can_join, seconds_until_join
from booking_app.services.classroom import channel_token
from booking_app.services.errors import InviteExpired, InviteInvalid
from booking_app.services.invites import tokens
from booking_app.services.notes_merge import merge3
from tests.support.builders import NOW

START = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
END = START + timedelta(hours=1)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (START - timedelta(minutes=15, seconds=1), False),  # one second before the window
        (START - timedelta(minutes=15), True),  # the window opens exactly 15 min before
        (START, True),
        (END - timedelta(seconds=1), True),
        (END, False),  # closes at the end (half-open)
    ],
)
def test_can_join_edges(now: datetime, expected: bool) -> None:
    assert can_join(START, END, now, 15) is expected


def test_window_is_configurable_and_countdown_reaches_zero_when_open() -> None:
    assert can_join(START, END, START - timedelta(minutes=30), 30)
    assert not can_join(START, END, START - timedelta(minutes=30), 15)
    assert seconds_until_join(START, START - timedelta(minutes=16), 15) == 60
    assert seconds_until_join(START, START - timedelta(minutes=15), 15) == 0


JTI = "0123456789abcdef0123456789abcdef"


def test_lesson_invite_valid_expired_tampered_wrong_lesson() -> None:
    token, expires = tokens.issue_lesson_invite(7, invite_id=JTI, now=NOW)
    assert expires == NOW + timedelta(hours=24)  # the default TTL
    claims = tokens.verify_lesson_invite(token, now=NOW, lesson_id=7)
    assert (claims.subject_id, claims.invite_id) == (7, JTI)
    assert tokens.verify_lesson_invite(token, now=expires - timedelta(seconds=1)).subject_id == 7
    with pytest.raises(InviteExpired):
        tokens.verify_lesson_invite(token, now=expires)
    with pytest.raises(InviteInvalid):
        tokens.verify_lesson_invite(token, now=NOW, lesson_id=8)  # wrong lesson
    head, body, sig = token.split(".")
    flipped = body[:-2] + ("A" if body[-2] != "A" else "B") + body[-1]
    with pytest.raises(InviteInvalid):
        tokens.verify_lesson_invite(f"{head}.{flipped}.{sig}", now=NOW)
    with pytest.raises(InviteInvalid):
        tokens.verify_lesson_invite("not-a-token", now=NOW)


def test_forged_token_with_other_secret_or_kind_is_invalid() -> None:
    forged = jwt.encode(
        {"sub": "7", "aud": tokens.LESSON_AUDIENCE, "jti": JTI, "exp": NOW + timedelta(hours=1)},
        "another-secret-of-at-least-thirty-two-bytes!!",
        algorithm="HS256",
    )
    with pytest.raises(InviteInvalid):
        tokens.verify_lesson_invite(forged, now=NOW)
    classroom, _ = tokens.issue_classroom_invite(3, invite_id=JTI, now=NOW)
    with pytest.raises(InviteInvalid):
        tokens.verify_lesson_invite(classroom, now=NOW)  # a classroom invite is not a lesson's
    assert tokens.verify_classroom_invite(classroom, now=NOW).subject_id == 3


def test_token_without_a_record_id_is_refused_as_invalid() -> None:
    """Links signed before invites had records (no jti) are never honoured: even with a
    valid signature and expiry they are invalid, with a message asking for a new one."""
    legacy = jwt.encode(
        {"sub": "3", "aud": tokens.CLASSROOM_AUDIENCE, "exp": NOW + timedelta(hours=1)},
        get_settings().secret_key,
        algorithm="HS256",
    )
    with pytest.raises(InviteInvalid) as err:
        tokens.verify_classroom_invite(legacy, now=NOW)
    assert err.value.detail == tokens.LEGACY_DETAIL


def test_ttl_is_bounded() -> None:
    made = tokens.issue_lesson_invite(1, invite_id=JTI, now=NOW, ttl_hours=2)
    assert made[1] == NOW + timedelta(hours=2)
    longest = tokens.issue_lesson_invite(1, invite_id=JTI, now=NOW, ttl_hours=720)
    assert longest[1] == NOW + timedelta(days=30)
    # 10**14 hours used to overflow timedelta (a 500 from the API); now a plain refusal.
    for hours in (0, -1, 721, 10**14, -(10**14), 10**20):
        with pytest.raises(InviteInvalid):
            tokens.issue_lesson_invite(1, invite_id=JTI, now=NOW, ttl_hours=hours)
        with pytest.raises(InviteInvalid):
            tokens.issue_classroom_invite(1, invite_id=JTI, now=NOW, ttl_hours=hours)


def test_channel_token_has_no_underscore_or_dash() -> None:
    token = channel_token("0F8FAD5B-D9CB-469F-A165-70867728950E")
    assert token == "room-0f8fad5bd9cb469fa16570867728950e"
    assert "_" not in token and token.count("-") == 1


BASE = "goals\nhomework\nquestions"


def test_merge_keeps_edits_of_different_lines() -> None:
    mine = "goals: fractions\nhomework\nquestions"
    theirs = "goals\nhomework\nquestions: why?"
    assert merge3(BASE, mine, theirs) == "goals: fractions\nhomework\nquestions: why?"


def test_merge_keeps_both_appended_lines() -> None:
    assert merge3(BASE, BASE + "\ntutor", BASE + "\nstudent") == BASE + "\nstudent\ntutor"


def test_merge_same_line_last_writer_wins() -> None:
    mine = "goals\nhomework: p. 12\nquestions"
    theirs = "goals\nhomework: p. 10\nquestions"
    assert merge3(BASE, mine, theirs) == mine


def test_merge_without_concurrent_change_is_the_new_text() -> None:
    assert merge3(BASE, "x", BASE) == "x"
    assert merge3(BASE, BASE, "y") == "y"
