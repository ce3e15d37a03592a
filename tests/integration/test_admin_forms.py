"""Admin forms (issue 12): every create/edit form of /admin saves what it shows, or answers
with a message on the field (HTTP 422) and writes nothing; never a 500.

Since issue 18 the app keeps generic forms only where no rule applies (subjects; a user's
name and contacts): those are driven through the real starlette-admin routes of the API app
Reflex mounts. The form machinery they share (admin_views.AdminModelView: numbers,
decimals, checks, foreign keys, JSON, dates and UTC datetimes) is also tried on models with
every kind of column, through a test-only admin (admin_helpers.machinery_client): the app
shows those models read-only (test_admin_offer.py). The edit page is fetched, its form read
back the way a browser submits it (tests/support/admin_forms.py), changed, and posted.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from booking_app.api.admin import build_admin
from booking_app.db import read_scope
from booking_app.models import BusyBlock, Subject, User
from tests.integration.admin_helpers import (
    MACHINERY_MODELS,
    build_world,
    client_for,
    edit_form,
    field_errors,
    first_pk,
    machinery_client,
    post_edit,
    row,
)
from tests.support.admin_forms import form_fields
from tests.support.builders import add_subject

EDITABLE = ["user", "subject"]  # the app's views with a generic edit form
MACHINERY = ["tutor-profile", "service", "availability-window", "availability-override",
             "busy-block"]  # fmt: skip  # the test-only admin's views (MACHINERY_MODELS)


def _views() -> dict[str, Any]:
    return {view.key: view for view in build_admin()._views}


def _snapshot(key: str, pk: str) -> dict[str, Any]:
    """Every column of the row, as stored (updated_at aside: an admin edit bumps it)."""
    models = {view.key: view.model for view in build_admin()._views}
    table = models[key].__table__
    with read_scope() as session:
        found = session.execute(sa.select(table).where(table.c.id == int(pk))).mappings().one()
    return {name: value for name, value in found.items() if name != "updated_at"}


READ_ONLY = {
    "notification", "booking", "lesson", "audit-log", "classroom-membership", "classroom-session",
    "calendar-source", "tutor-profile", "service", "availability-window",
    "availability-override", "busy-block", "classroom", "sign-in-attempt",
}  # fmt: skip  # changed by row actions only (test_admin_operations.py, test_admin_offer.py)


def test_the_list_covers_every_view() -> None:
    """A view added later is tested here too: it is either generic (its forms are tried
    below) or read-only (test_admin_offer.py checks each refuses every generic write)."""
    assert set(_views()) == {*EDITABLE, *READ_ONLY}
    assert not set(EDITABLE) & READ_ONLY
    for key, view in _views().items():
        assert view.can_edit(None) is (key in EDITABLE), key
    assert {m.__tablename__.replace("_", "-") for m in MACHINERY_MODELS} == set(MACHINERY)


def _client(key: str, admin_id: int) -> TestClient:
    """The app's admin for its generic views, the test-only one for the machinery's."""
    return client_for(admin_id) if key in EDITABLE else machinery_client(admin_id)


@pytest.mark.parametrize("key", [*EDITABLE, *MACHINERY])
def test_each_edit_form_saves_what_it_shows(db: str, key: str) -> None:
    """Untouched and saved: a redirect, and the row is exactly what it was (no timezone
    shift, no lost microseconds, no NULLed defaults)."""
    world = build_world()
    client = _client(key, world.admin_id)
    pk = first_pk(client, key)
    before = _snapshot(key, pk)
    response = post_edit(client, key, pk, edit_form(client, key, pk))
    assert response.status_code == 303, (response.status_code, field_errors(response.text))
    assert _snapshot(key, pk) == before


def test_activity_and_role_are_not_edit_form_fields(db: str) -> None:
    """Deactivation ends sessions and is audited: a row action (test_admin_operations.py),
    never a checkbox of the generic form; the role is not typed in either."""
    world = build_world()
    client = client_for(world.admin_id)
    data = edit_form(client, "user", str(world.student_id))
    assert "is_active" not in data and "role" not in data
    data["is_active"] = ""  # a forged field changes nothing
    assert post_edit(client, "user", str(world.student_id), data).status_code == 303
    assert row(User, world.student_id).is_active is True


def test_datetimes_are_shown_and_read_in_utc_whatever_the_browser_says(db: str) -> None:
    """starlette-admin would follow a `timezone` cookie its page script sets on the first
    visit, so a form rendered before the cookie existed was read back shifted. The admin
    is UTC throughout: the cookie changes nothing."""
    world = build_world()
    client = machinery_client(world.admin_id)
    client.cookies.set("timezone", "Europe/Kyiv")
    pk = first_pk(client, "busy-block")
    block = row(BusyBlock, int(pk))
    page = client.get("/admin/busy-block/edit", params={"pk": pk}).text
    data = form_fields(page)
    assert data["starts_at"] == block.starts_at.strftime("%Y-%m-%dT%H:%M:%S")  # UTC
    assert 'id="starts_at-help">UTC<' in page
    # flatpickr submits "Y-m-d H:i:S": Tuesday 1 Dec, 09:00-10:00 UTC.
    data["starts_at"], data["ends_at"] = "2026-12-01 09:00:00", "2026-12-01 10:00:00"
    response = post_edit(client, "busy-block", pk, data)
    assert response.status_code == 303, field_errors(response.text)
    moved = row(BusyBlock, int(pk))
    assert moved.starts_at == datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    assert moved.ends_at == datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


BAD_INPUT = [
    ("subject", "name", "x" * 81, "At most 80 characters (this is 81)."),
    ("subject", "name", "Physics", "Another row already has this value."),
    ("subject", "slug", "", "This field is required."),
    ("service", "duration_min", "abc", "“abc” is not a valid whole number."),
    ("service", "price", "-5", "Not allowed by the rule: price >= 0."),
    ("service", "price", "123456789012", "Must be less than 100,000,000."),
    ("service", "price", "1.005", "At most 2 decimal places."),
    ("service", "capacity", "3", "Not allowed by the rule: (lesson_type = 'individual'"),
    ("service", "name", "x" * 121, "At most 120 characters (this is 121)."),
    ("service", "tutor_id", "999999", "There is no user with id 999999."),
    ("service", "tutor_id", "", "This field is required."),
    ("user", "email", "stan@example.com", "Another row already has this value."),
    ("user", "telegram_chat_id", "99999999999999999999", "This number is too large."),
    ("tutor-profile", "reminder_offsets_hours", '{"a": 1}', "Input should be a valid list."),
    ("tutor-profile", "slot_step_min", "0", "Not allowed by the rule: slot_step_min > 0."),
    ("tutor-profile", "slot_step_min", "", "This field is required."),
    ("tutor-profile", "slug", "", "This field is required."),
    ("availability-window", "weekday", "9", "Not allowed by the rule: weekday BETWEEN 0 AND 6."),
    ("availability-override", "day", "31/12", "“31/12” is not a valid date."),
    ("busy-block", "starts_at", "", "This field is required."),
    ("busy-block", "starts_at", "next tuesday", "“next tuesday” is not a valid date and time."),
    (
        "busy-block",
        "ends_at",
        "2020-11-30 07:00:00",
        "Not allowed by the rule: ends_at > starts_at.",
    ),
    ("availability-override", "tutor_id", "999999", "There is no user with id 999999."),
    ("service", "price", "lots", "“lots” is not a valid number."),
]


@pytest.mark.parametrize(("key", "field", "value", "message"), BAD_INPUT)
def test_bad_input_gets_a_message_on_its_field_and_writes_nothing(
    db: str, key: str, field: str, value: str, message: str
) -> None:
    world = build_world()
    add_subject("Physics")  # a second subject: a name that is taken
    client = _client(key, world.admin_id)
    pk = first_pk(client, key)
    before = _snapshot(key, pk)
    data = edit_form(client, key, pk)
    assert field in data, f"{key} has no field {field}"
    data[field] = value
    response = post_edit(client, key, pk, data)
    assert response.status_code == 422, response.status_code
    errors = field_errors(response.text)
    assert errors.get(field, "").startswith(message), errors
    assert _snapshot(key, pk) == before


def _create(client: TestClient, key: str, values: dict[str, str]) -> Any:
    page = client.get(f"/admin/{key}/create")
    assert page.status_code == 200
    data = {**form_fields(page.text), **values}
    return client.post(f"/admin/{key}/create", data=data, follow_redirects=False)


def test_create_forms_save_with_aware_datetimes_or_explain(db: str) -> None:
    world = build_world()
    made = _create(client_for(world.admin_id), "subject", {"name": "Physics", "slug": "physics"})
    assert made.status_code == 303
    with read_scope() as session:
        assert session.execute(sa.select(Subject).where(Subject.slug == "physics")).first()
    client = machinery_client(world.admin_id)
    block = {"tutor_id": str(world.tutor_id), "title": "Dentist"}
    block |= {"starts_at": "2026-12-02 10:00:00", "ends_at": "2026-12-02 11:00:00"}
    made = _create(client, "busy-block", block)
    assert made.status_code == 303, field_errors(made.text)
    with read_scope() as session:
        stored = session.execute(sa.select(BusyBlock).where(BusyBlock.title == "Dentist")).one()[0]
    assert stored.starts_at == datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
    refused = _create(client, "service", {"name": "Physics"})  # no tutor chosen
    assert refused.status_code == 422
    assert field_errors(refused.text)["tutor_id"] == "This field is required."
    # The create form starts from the model's defaults (60 minutes, online, active).
    page = form_fields(client.get("/admin/service/create").text)
    assert (page["duration_min"], page["mode"], page.get("is_active")) == ("60", "online", "on")
