"""A tutor's services on SQLite and PostgreSQL: validation per field, ACL, (de)activation."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlmodel import select

from booking_app.db import read_scope, session_scope
from booking_app.models import Role, Service, Subject, TutorProfile, User
from booking_app.services import tutor_services
from booking_app.services.errors import NotFound, ValidationFailed
from booking_app.services.tutor_services import ServiceInput

GOOD = ServiceInput(
    name="  Individual maths  ",
    subject_id=None,
    description="One-to-one lesson.",
    duration_min="60",
    price="450",
    lesson_type="individual",
    capacity="",
    mode="online",
    location="",
    meeting_url="https://meet.example.com/olena",
    is_trial=False,
)


def add_user(email: str, *, role: Role = Role.tutor, tz: str = "Europe/Kyiv") -> int:
    """A user straight in the database (with a profile if a tutor): no hashing, fast."""
    with session_scope(write=True) as session:
        user = User(email=email, phone="+380671234567", name=email, role=role, timezone=tz)
        user.password_hash = "-"
        session.add(user)
        session.flush()
        if role is Role.tutor:
            session.add(TutorProfile(user_id=user.id, slug=email.split("@")[0], currency="UAH"))
        return user.id or 0


def add_subject(name: str) -> int:
    with session_scope(write=True) as session:
        subject = Subject(name=name, slug=name.lower())
        session.add(subject)
        session.flush()
        return subject.id or 0


def service_count() -> int:
    with read_scope() as session:
        return len(session.exec(select(Service)).all())


def test_create_lists_with_subject_price_and_currency(db: str) -> None:
    tutor = add_user("olena@example.com")
    maths = add_subject("Mathematics")
    created = tutor_services.create_service(tutor, replace(GOOD, subject_id=maths, price="450,5"))
    assert created.name == "Individual maths"
    assert (created.subject_id, created.subject_name) == (maths, "Mathematics")
    assert (created.price, created.currency, created.duration_min) == ("450.50", "UAH", 60)
    assert (created.lesson_type, created.capacity, created.mode) == ("individual", 1, "online")
    assert created.is_active and not created.is_trial
    assert tutor_services.list_services(tutor) == [created]
    assert [s.name for s in tutor_services.list_subjects()] == ["Mathematics"]


def test_no_subject_is_zero_and_blank_name(db: str) -> None:
    tutor = add_user("olena@example.com")
    created = tutor_services.create_service(tutor, replace(GOOD, subject_id=0))
    assert (created.subject_id, created.subject_name) == (0, "")


def test_every_field_error_at_once_and_nothing_written(db: str) -> None:
    tutor = add_user("olena@example.com")
    bad = ServiceInput(
        name="   ",
        subject_id=999,
        description="x" * 2001,
        duration_min="61",
        price="12.345",
        lesson_type="group",
        capacity="1",
        mode="offline",
        location=" ",
        meeting_url="ftp://example.com",
        is_trial=True,
    )
    with pytest.raises(ValidationFailed) as caught:
        tutor_services.create_service(tutor, bad)
    assert caught.value.field_errors == {
        "name": "Enter a name.",
        "description": "Use at most 2000 characters.",
        "duration_min": "Use a multiple of 5 minutes.",
        "price": "Use at most 2 decimals.",
        "capacity": "A group has 2 to 100 seats.",
        "location": "Enter the address of offline lessons.",
        "meeting_url": "Enter a link starting with https://, e.g. https://meet.google.com/abc.",
        "subject_id": "Choose a subject from the list.",
    }
    assert service_count() == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "x" * 121, "Use at most 120 characters."),
        ("duration_min", "10", "A lesson lasts 15 to 480 minutes."),
        ("duration_min", 485, "A lesson lasts 15 to 480 minutes."),
        ("duration_min", "sixty", "Enter the length in whole minutes, e.g. 60."),
        ("price", "", "Enter a price (0 for a free lesson)."),
        ("price", "-5", "Enter a price from 0 to 100000."),
        ("price", "1,005", "Use at most 2 decimals."),
        ("price", "450 UAH", "Enter a price as a number, e.g. 450 or 450.50."),
        ("price", "100000.01", "Enter a price from 0 to 100000."),
        ("lesson_type", "pair", "Choose individual or group."),
        ("mode", "radio", "Choose online or offline."),
        (
            "meeting_url",
            "https://",
            "Enter a link starting with https://, e.g. https://meet.google.com/abc.",
        ),
    ],
)
def test_field_messages(db: str, field: str, value: object, message: str) -> None:
    tutor = add_user("olena@example.com")
    with pytest.raises(ValidationFailed) as caught:
        tutor_services.create_service(tutor, replace(GOOD, **{field: value}))
    assert caught.value.field_errors == {field: message}
    assert service_count() == 0


def test_group_capacity_rules(db: str) -> None:
    tutor = add_user("olena@example.com")
    group = replace(GOOD, lesson_type="group")
    for capacity, message in (
        ("1", "A group has 2 to 100 seats."),
        (101, "A group has 2 to 100 seats."),
        ("six", "Enter the number of seats, e.g. 6."),
    ):
        with pytest.raises(ValidationFailed) as caught:
            tutor_services.create_service(tutor, replace(group, capacity=capacity))
        assert caught.value.field_errors == {"capacity": message}
    assert tutor_services.create_service(tutor, replace(group, capacity="2")).capacity == 2
    assert tutor_services.create_service(tutor, replace(group, capacity=100)).capacity == 100
    individual = tutor_services.create_service(tutor, replace(GOOD, capacity="40"))
    assert individual.capacity == 1  # forced, whatever the form sent


def test_offline_with_location_and_free_price(db: str) -> None:
    tutor = add_user("olena@example.com")
    created = tutor_services.create_service(
        tutor,
        replace(GOOD, mode="offline", location=" Kyiv, Khreshchatyk 1 ", meeting_url="", price="0"),
    )
    assert (created.mode, created.location, created.meeting_url) == (
        "offline",
        "Kyiv, Khreshchatyk 1",
        "",
    )
    assert created.price == "0.00"


def test_update_and_deactivate(db: str) -> None:
    tutor = add_user("olena@example.com")
    first = tutor_services.create_service(tutor, GOOD)
    second = tutor_services.create_service(tutor, replace(GOOD, name="Trial", is_trial=True))
    updated = tutor_services.update_service(
        tutor,
        first.id,
        replace(GOOD, name="Maths 90", duration_min=90, lesson_type="group", capacity=6),
    )
    assert (updated.name, updated.duration_min, updated.capacity) == ("Maths 90", 90, 6)
    hidden = tutor_services.set_service_active(tutor, first.id, False)
    assert not hidden.is_active
    assert [s.id for s in tutor_services.list_services(tutor)] == [
        second.id,
        first.id,
    ]  # active first
    assert [s.id for s in tutor_services.list_services(tutor, include_inactive=False)] == [
        second.id
    ]
    assert tutor_services.set_service_active(tutor, first.id, True).is_active


def test_invalid_update_leaves_the_service_unchanged(db: str) -> None:
    tutor = add_user("olena@example.com")
    created = tutor_services.create_service(tutor, GOOD)
    with pytest.raises(ValidationFailed):
        tutor_services.update_service(tutor, created.id, replace(GOOD, name="New", price="abc"))
    assert tutor_services.list_services(tutor) == [created]


def test_another_tutors_service_is_not_found(db: str) -> None:
    olena = add_user("olena@example.com")
    ivan = add_user("ivan@example.com")
    hers = tutor_services.create_service(olena, GOOD)
    with pytest.raises(NotFound):
        tutor_services.update_service(ivan, hers.id, replace(GOOD, name="Mine now"))
    with pytest.raises(NotFound):
        tutor_services.set_service_active(ivan, hers.id, False)
    with pytest.raises(NotFound):
        tutor_services.update_service(olena, hers.id + 1000, GOOD)
    assert tutor_services.list_services(ivan) == []
    assert tutor_services.list_services(olena) == [hers]


def test_students_have_no_services(db: str) -> None:
    student = add_user("taras@example.com", role=Role.student)
    with pytest.raises(NotFound):
        tutor_services.create_service(student, GOOD)
    assert service_count() == 0
    assert tutor_services.list_services(student) == []
