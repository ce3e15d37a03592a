"""The lesson room in a real browser: tutor and student (two contexts) open the same room
and see each other's notes live; an outsider gets "Lesson not found"; a broken invite link
shows the invalid-invite page; a removed student's and a revoked link show "Invite
revoked"; the home dashboards show the lesson with Join."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from playwright.sync_api import Page, expect
from sqlmodel import select

from booking_app.db import read_scope
from booking_app.demo import DEMO_PASSWORD
from booking_app.models import ClassroomSession, User
from booking_app.services import accounts
from tests.support.builders import add_lesson
from tests.support.databases import app_database

pytestmark = pytest.mark.e2e
TIMEOUT = 20_000
TUTOR = "olena.tutor@example.com"
STUDENT = "taras.student@example.com"
OUTSIDER = "sofiia.student@example.com"  # in the tutor's classroom, no seat in this lesson
STRANGER = "stranger.classroom@example.com"
NEWCOMER = "newcomer.classroom@example.com"


def _login(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", DEMO_PASSWORD)
    page.click("#login-submit")
    expect(page.locator("#home-greeting")).to_be_visible(timeout=TIMEOUT)


def _lesson_room(database_url: str, minutes_from_now: int = 5) -> str:
    """A lesson of the demo tutor with the demo student (default: in 5 minutes, Join open)."""
    with app_database(database_url):
        with read_scope() as session:
            ids = {u.email: u.id for u in session.exec(select(User)).all()}
        start = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=minutes_from_now)
        lesson = add_lesson(ids[TUTOR], start, students=(ids[STUDENT],))
        if minutes_from_now == 5:
            accounts.register(
                accounts.Registration("Stranger Student", STRANGER, "+380671234599", DEMO_PASSWORD)
            )
        with read_scope() as session:
            room = session.exec(
                select(ClassroomSession).where(ClassroomSession.lesson_id == lesson)
            ).one()
            return room.session_uuid


def test_tutor_and_student_share_live_notes(live_app, new_page) -> None:  # type: ignore[no-untyped-def]
    live_app.seed_demo()
    uuid = _lesson_room(live_app.database_url)
    tutor: Page = new_page()
    student: Page = new_page()
    _login(tutor, live_app.url, TUTOR)
    _login(student, live_app.url, STUDENT)
    expect(student.locator("#active-lessons .dash-join").first).to_have_text(
        "Join", timeout=TIMEOUT
    )

    for page in (tutor, student):
        page.goto(f"{live_app.url}/classroom/{uuid}")
        expect(page.locator("#room-title")).to_have_text("Algebra", timeout=TIMEOUT)
        expect(page.locator("#join-link")).to_be_visible(timeout=TIMEOUT)
    expect(student.locator("#room-time-left")).to_contain_text("Starts in")
    expect(student.locator("#join-link")).to_have_attribute(
        "href", f"https://meet.jit.si/tutor-{uuid}"
    )
    expect(tutor.locator("#mark-completed")).to_be_visible()
    expect(student.locator("#mark-completed")).to_have_count(0)

    tutor.locator("#shared-notes").fill("Plan: fractions")
    expect(student.locator("#shared-notes")).to_have_value("Plan: fractions", timeout=5_000)
    student.locator("#shared-notes").fill("Plan: fractions\nQuestion: why 1/2 > 1/3?")
    expect(tutor.locator("#shared-notes")).to_have_value(
        "Plan: fractions\nQuestion: why 1/2 > 1/3?", timeout=5_000
    )

    # A program with the tutor's token writes the notes (GET the version, PUT on top of
    # it): both open tabs show them at once, as if typed in one of them.
    api = httpx.Client(base_url=live_app.url, timeout=10)
    pair = api.post("/api/v1/auth/token", json={"email": TUTOR, "password": DEMO_PASSWORD})
    headers = {"Authorization": f"Bearer {pair.json()['access_token']}"}
    room = api.get(f"/api/v1/classroom/{uuid}", headers=headers).json()
    text = room["shared_notes"] + "\nHomework: p. 12"
    saved = api.put(
        f"/api/v1/classroom/{uuid}/notes",
        headers=headers,
        json={
            "text": text,
            "base_version": room["notes_version"],
            "base_text": room["shared_notes"],
        },
    )
    assert saved.status_code == 200, saved.text
    assert saved.json() == {"notes": text, "version": room["notes_version"] + 1}
    for page in (tutor, student):
        expect(page.locator("#shared-notes")).to_have_value(text, timeout=5_000)

    outsider: Page = new_page()
    _login(outsider, live_app.url, OUTSIDER)
    outsider.goto(f"{live_app.url}/classroom/{uuid}")
    expect(outsider.locator("#room-not-found")).to_be_visible(timeout=TIMEOUT)
    expect(outsider.locator("#shared-notes")).to_have_count(0)

    outsider.goto(f"{live_app.url}/invite/lesson/not-a-real-token")
    expect(outsider.locator("#invite-error")).to_have_text("Invalid invite", timeout=TIMEOUT)

    # the tutor's invite link takes the lesson's student straight to the room
    tutor.click("#create-invite")
    expect(tutor.locator("#invite-url")).not_to_have_value("", timeout=TIMEOUT)
    link = tutor.locator("#invite-url").input_value()
    student.goto(link)
    expect(student).to_have_url(re.compile(f"/classroom/{uuid}/?$"), timeout=TIMEOUT)
    expect(student.locator("#room-title")).to_have_text("Algebra", timeout=TIMEOUT)
    # a member of the tutor's classroom without a seat: the one-to-one lesson is full
    outsider.goto(link)
    expect(outsider.locator("#invite-error-code")).to_have_text("lesson_full", timeout=TIMEOUT)
    # a student who is not in the tutor's classroom at all
    stranger: Page = new_page()
    _login(stranger, live_app.url, STRANGER)
    stranger.goto(link)
    expect(stranger.locator("#invite-error-code")).to_have_text("not_a_member", timeout=TIMEOUT)
    stranger.goto(f"{live_app.url}/classroom/{uuid}")
    expect(stranger.locator("#room-not-found")).to_be_visible(timeout=TIMEOUT)

    # a lesson under way: the tutor marks it completed, the student's open room follows
    running = _lesson_room(live_app.database_url, minutes_from_now=-10)
    for page in (tutor, student):
        page.goto(f"{live_app.url}/classroom/{running}")
        expect(page.locator("#room-status")).to_have_text("scheduled", timeout=TIMEOUT)
    expect(student.locator("#room-time-left")).to_contain_text("left")
    tutor.click("#mark-completed")
    expect(tutor.get_by_text("Lesson marked completed.")).to_be_visible(timeout=TIMEOUT)
    expect(student.locator("#room-status")).to_have_text("completed", timeout=5_000)


def test_my_students_and_tutor_dashboard(live_app, new_page) -> None:  # type: ignore[no-untyped-def]
    live_app.seed_demo()  # idempotent
    tutor: Page = new_page()
    _login(tutor, live_app.url, TUTOR)
    expect(tutor.locator("#stat-students")).not_to_have_text("0", timeout=TIMEOUT)
    expect(tutor.locator("#stat-utilization")).to_contain_text("%")
    expect(tutor.locator("#weeks-chart")).to_be_visible()

    tutor.goto(f"{live_app.url}/tutor/students")
    expect(tutor.locator("#students-heading")).to_be_visible(timeout=TIMEOUT)
    tutor.fill("#students-search", "melnyk")
    row = tutor.locator(".student-row").filter(has_text="Taras Melnyk")
    expect(row).to_have_count(1, timeout=TIMEOUT)
    expect(tutor.locator(".student-row")).to_have_count(1)
    expect(tutor.locator("#students-total")).to_contain_text("1 total")
    expect(row.locator(".member-status")).to_have_text("active")

    row.get_by_role("button", name="New lesson").click()
    tutor.click("#lesson-submit")
    expect(tutor.locator("#lesson-start_local-error")).to_be_visible(timeout=TIMEOUT)
    day = (datetime.now(UTC) + timedelta(days=20)).strftime("%Y-%m-%d")
    tutor.fill("#lesson-start_local", f"{day}T06:15")
    tutor.fill("#lesson-title", "Extra practice")
    tutor.click("#lesson-submit")
    expect(tutor.get_by_text("Lesson created")).to_be_visible(timeout=TIMEOUT)

    tutor.fill("#students-search", "no-such-student-xyz")
    expect(tutor.locator("#students-empty")).to_be_visible(timeout=TIMEOUT)
    tutor.fill("#students-search", "")
    tutor.click("#classroom-invite")
    expect(tutor.locator("#classroom-invite-url")).to_have_value(
        re.compile(r"/invite/classroom/[\w-]+\.[\w-]+\.[\w-]+$"), timeout=TIMEOUT
    )
    link = tutor.locator("#classroom-invite-url").input_value()

    # a new student opens the classroom invite, confirms, and becomes an ACTIVE member
    with app_database(live_app.database_url):
        accounts.register(
            accounts.Registration("Newcomer Pupil", NEWCOMER, "+380671234598", DEMO_PASSWORD)
        )
    newcomer: Page = new_page()
    _login(newcomer, live_app.url, NEWCOMER)
    newcomer.goto(link)
    expect(newcomer.locator("#invite-question")).to_contain_text("Olena Kovalenko", timeout=TIMEOUT)
    newcomer.click("#invite-accept")
    expect(newcomer.locator("#invite-joined")).to_be_visible(timeout=TIMEOUT)
    tutor.fill("#students-search", "newcomer")
    newcomer_row = tutor.locator(".student-row").filter(has_text="Newcomer Pupil")
    expect(newcomer_row.locator(".member-status")).to_have_text("active", timeout=TIMEOUT)
    newcomer_row.get_by_role("button", name="Remove").click()
    expect(newcomer_row.locator(".member-status")).to_have_text("removed", timeout=TIMEOUT)

    # the removed student's link no longer works for them: "Invite revoked" on opening
    newcomer.goto(link)
    expect(newcomer.locator("#invite-error-code")).to_have_text("invite_revoked", timeout=TIMEOUT)
    expect(newcomer.locator("#invite-accept")).to_have_count(0)
    # the tutor sees the links that still work, with what they are for and their uses
    tutor.reload()  # the list is read on load and after the tutor's own actions
    invite_row = tutor.locator("#invites-panel .invite-row").filter(has_text="Classroom")
    expect(invite_row.first).to_contain_text("1 / any", timeout=TIMEOUT)
    # a capped link, then "Revoke all": the panel empties and a fresh student is refused
    tutor.fill("#classroom-invite-max-uses", "1")
    tutor.click("#classroom-invite")
    expect(tutor.locator("#invites-panel .invite-row").first).to_contain_text(
        "0 / 1", timeout=TIMEOUT
    )
    capped = tutor.locator("#classroom-invite-url").input_value()
    tutor.click("#invites-revoke-all")
    expect(tutor.locator("#invites-panel")).to_have_count(0, timeout=TIMEOUT)
    stranger: Page = new_page()
    _login(stranger, live_app.url, OUTSIDER)
    stranger.goto(capped)
    expect(stranger.locator("#invite-error")).to_have_text("Invite revoked", timeout=TIMEOUT)
