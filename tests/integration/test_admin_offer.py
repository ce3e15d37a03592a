"""The tutor's offer in the admin (issue 18, item 4): profiles, services, hours, special
hours, busy time, classrooms and sign-in attempts have no generic create / edit / delete
(the routes refuse what the page hides; subjects keep theirs: the negative control), and
the row actions that replace them go through the tutor's own services: the schedule
version moves (so the cached week of slots follows), the marketplace card is recomputed,
the tutor's open pages are told, and an audit row is written in the same transaction. A
refusal writes nothing.

Driven through the real starlette-admin routes of the API app Reflex mounts.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from httpx import Response

from booking_app import realtime
from booking_app.db import read_scope, session_scope
from booking_app.models import (
    AuditLog,
    AvailabilityOverride,
    BusyBlock,
    CalendarSource,
    Service,
    Subject,
    TutorProfile,
)
from booking_app.services import accounts, admin_ops, tutor_public
from booking_app.services import availability as av
from booking_app.services.errors import NotFound
from tests.integration.admin_helpers import build_world, client_for, csrf_token, first_pk, row
from tests.integration.test_week_cache import cache_on  # noqa: F401  (fixture: the week cache on)
from tests.support import clock
from tests.support.admin_forms import form_fields
from tests.support.builders import NOW, add_service, add_tutor

MONDAY = date(2026, 11, 30)
KYIV = "Europe/Kyiv"
RULE_BEARING = [
    "tutor-profile", "service", "availability-window", "availability-override", "busy-block",
    "classroom", "sign-in-attempt",
]  # fmt: skip


@pytest.fixture(autouse=True)
def _frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    clock.freeze(monkeypatch, NOW)


@pytest.fixture
def published(monkeypatch: pytest.MonkeyPatch) -> list[list[int]]:
    """Every realtime signal sent (after commit): whose open pages were told."""
    sent: list[list[int]] = []
    monkeypatch.setattr(realtime, "publish", lambda ids, **_: sent.append(list(ids)))
    return sent


def _admin() -> int:
    return accounts.create_admin(
        email="admin@example.com", name="Ada Admin", phone="+380671110000", password="admin-pass-1"
    )


def _action(
    client: TestClient, view: str, name: str, pk: object, origin: str = "", **data: str
) -> Response:
    """The row action's POST, as the modal sends it (``origin``: the page it ran on)."""
    return client.post(
        f"/admin/_api/{view}/row-action",
        params={"name": name, "pk": str(pk), **({"_origin": origin} if origin else {})},
        data=data,
        headers={"X-CSRFToken": csrf_token(client)},
    )


def _audit() -> list[AuditLog]:
    with read_scope() as session:
        return list(session.execute(sa.select(AuditLog).order_by(AuditLog.id)).scalars())


def _version(tutor: int) -> int:
    with read_scope() as session:
        query = sa.select(TutorProfile.schedule_version).where(TutorProfile.user_id == tutor)
        return int(session.execute(query).scalar_one())


def _monday_times(tutor: int) -> list[str]:
    week = tutor_public.week_slots(
        tutor, service_id=None, week_start=MONDAY, viewer_tz=KYIV, now=NOW
    )
    return [s.time for day in week.days if day.date == MONDAY.isoformat() for s in day.slots]


def _count(model: type, **where: object) -> int:
    with read_scope() as session:
        query = sa.select(sa.func.count()).select_from(model)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return int(session.execute(query).scalar_one())


# --- no generic writes -----------------------------------------------------------------------


def _generic_writes(client: TestClient, key: str, pk: str) -> dict[str, int]:
    """The status of every generic write starlette-admin has, tried on one row."""
    headers = {"X-CSRFToken": csrf_token(client)}
    form = {"csrftoken": headers["X-CSRFToken"], "name": "Changed"}
    upload = {"file": ("rows.csv", b"Id\n99\n", "text/csv")}
    return {
        "create page": client.get(f"/admin/{key}/create").status_code,
        "create": client.post(f"/admin/{key}/create", data=form).status_code,
        "edit page": client.get(f"/admin/{key}/edit", params={"pk": pk}).status_code,
        "edit": client.post(f"/admin/{key}/edit", params={"pk": pk}, data=form).status_code,
        "delete": client.post(
            f"/admin/_api/{key}/row-action", params={"name": "delete", "pk": pk}, headers=headers
        ).status_code,
        "batch delete": client.post(
            f"/admin/_api/{key}/action", params={"name": "delete", "pks": pk}, headers=headers
        ).status_code,
        "import": client.post(
            f"/admin/_api/{key}/import", params={"preview": "0"}, data={"format": "csv"},
            files=upload, headers=headers,
        ).status_code,
    }  # fmt: skip


def _row_snapshot(key: str, pk: str) -> dict[str, object]:
    table = {
        "tutor-profile": "tutor_profile", "service": "service", "classroom": "classroom",
        "availability-window": "availability_window", "busy-block": "busy_block",
        "availability-override": "availability_override", "sign-in-attempt": "sign_in_attempt",
        "subject": "subject",
    }[key]  # fmt: skip
    with read_scope() as session:
        found = session.execute(sa.text(f"SELECT * FROM {table} WHERE id = :i"), {"i": int(pk)})
        return dict(found.mappings().one())


@pytest.mark.parametrize("key", RULE_BEARING)
def test_rule_bearing_views_refuse_every_generic_write(db: str, key: str) -> None:
    """What starlette-admin answers when a view may not write: 403 for the create / edit
    pages, their POSTs and the import; 400 {"msg": "Forbidden"} for delete (its action
    route). The list and detail pages still work and offer no write link."""
    world = build_world()
    client = client_for(world.admin_id)
    pk = first_pk(client, key)
    before = _row_snapshot(key, pk)
    listing = client.get(f"/admin/{key}/list").text
    assert f"/admin/{key}/create" not in listing and f"/admin/{key}/edit" not in listing
    assert 'data-sa-name="delete"' not in listing and "#modal-import" not in listing
    assert client.get(f"/admin/{key}/detail", params={"pk": pk}).status_code == 200
    assert _generic_writes(client, key, pk) == {
        "create page": 403, "create": 403, "edit page": 403, "edit": 403,
        "delete": 400, "batch delete": 400, "import": 403,
    }  # fmt: skip
    assert _row_snapshot(key, pk) == before


def test_negative_control_subjects_keep_their_generic_forms(db: str) -> None:
    """The same requests on a rule-free model go through (so the 403s above are the
    views' permissions, not a broken client or a missing CSRF token)."""
    world = build_world()
    client = client_for(world.admin_id)
    pk = first_pk(client, "subject")
    assert client.get("/admin/subject/create").status_code == 200
    data = form_fields(client.get("/admin/subject/edit", params={"pk": pk}).text)
    data["name"] = "Mathematics"
    edited = client.post("/admin/subject/edit", params={"pk": pk}, data=data)
    assert edited.status_code == 200 and row(Subject, int(pk)).name == "Mathematics"
    deleted = client.post(
        "/admin/_api/subject/row-action",
        params={"name": "delete", "pk": pk},
        headers={"X-CSRFToken": csrf_token(client)},
    )
    assert deleted.status_code == 200, deleted.text
    assert _count(Subject, id=int(pk)) == 0


# --- row actions -----------------------------------------------------------------------------


@pytest.mark.usefixtures("cache_on")
def test_admin_removes_a_busy_block_through_the_availability_service(
    db: str, published: list[list[int]]
) -> None:
    admin, tutor = _admin(), add_tutor()
    block = av.add_busy_block(tutor, "2026-11-30T10:00", "2026-11-30T11:00", "Dentist", now=NOW)
    assert "10:00" not in _monday_times(tutor)  # cached now, keyed by the version
    version = _version(tutor)
    published.clear()
    client = client_for(admin)
    # Offered in the list (a removed row's own detail page would be a 404 to go back to).
    assert 'data-sa-name="remove"' in client.get("/admin/busy-block/list").text
    detail = client.get("/admin/busy-block/detail", params={"pk": block.id}).text
    assert 'data-sa-name="remove"' not in detail
    listing = "http://testserver/admin/busy-block/list?page_size=25"
    answer = _action(client, "busy-block", "remove", block.id, origin=listing)
    assert answer.status_code == 200, answer.text
    assert answer.json()["redirect"] == listing  # back to the list it ran on
    assert _count(BusyBlock, tutor_id=tutor) == 0
    assert _version(tutor) > version  # the week cache's key moved ...
    assert "10:00" in _monday_times(tutor)  # ... so the freed hour is offered at once
    assert [tutor] in published  # the tutor's open calendar refreshes
    [entry] = _audit()
    assert (entry.actor_id, entry.action, entry.target_type) == (
        admin,
        "busy_block.remove",
        "busy_block",
    )
    assert entry.target_id == block.id and entry.at == NOW
    assert entry.before and entry.before["title"] == "Dentist" and entry.after is None
    # Gone: the service refuses a second removal and nothing more is written.
    assert _action(client, "busy-block", "remove", block.id).status_code == 400
    with pytest.raises(NotFound):
        admin_ops.remove_busy_block(admin, block.id, now=NOW)
    assert len(_audit()) == 1


def test_an_imported_busy_block_is_not_removed_here(db: str) -> None:
    """Its calendar would bring it back at the next refresh: the action is not offered
    and the service refuses it (nothing written, no audit row)."""
    admin, tutor = _admin(), add_tutor()
    with session_scope(write=True) as session:
        source = CalendarSource(tutor_id=tutor, name="Personal", url="https://cal.example.com/x")
        session.add(source)
        session.flush()
        imported = BusyBlock(
            tutor_id=tutor, starts_at=NOW + timedelta(days=5), ends_at=NOW + timedelta(days=5, hours=1),
            calendar_source_id=source.id,
        )  # fmt: skip
        session.add(imported)
        session.flush()
        block_id = imported.id
    client = client_for(admin)
    assert (
        'data-sa-name="remove"'
        not in client.get("/admin/busy-block/detail", params={"pk": block_id}).text
    )
    assert _action(client, "busy-block", "remove", block_id).status_code == 400
    with pytest.raises(NotFound):
        admin_ops.remove_busy_block(admin, block_id, now=NOW)
    assert _count(BusyBlock, id=block_id) == 1 and not _audit()


@pytest.mark.usefixtures("cache_on")
def test_admin_removes_special_hours_and_the_weekly_hours_apply_again(
    db: str, published: list[list[int]]
) -> None:
    admin, tutor = _admin(), add_tutor()
    av.set_override(
        tutor, "2026-11-30", closed=False, windows=[("12:00", "13:00"), ("15:00", "16:00")],
        now=NOW,
    )  # fmt: skip
    assert _monday_times(tutor) == ["12:00", "15:00"]
    version = _version(tutor)
    with read_scope() as session:
        first = session.execute(
            sa.select(AvailabilityOverride.id).where(AvailabilityOverride.tutor_id == tutor)
        ).scalars().first()  # fmt: skip
    published.clear()
    answer = _action(client_for(admin), "availability-override", "remove", first)
    assert answer.status_code == 200, answer.text
    assert _count(AvailabilityOverride, tutor_id=tutor) == 0  # both ranges of that date
    assert _version(tutor) > version
    assert "10:00" in _monday_times(tutor)  # Monday 09:00-18:00 again
    assert [tutor] in published
    [entry] = _audit()
    assert entry.action == "availability_override.remove"
    assert entry.target_type == "availability_override" and entry.target_id == first
    assert "2026-11-30" in entry.summary and entry.after is None


def test_admin_deactivates_and_reactivates_a_service_as_the_tutor_would(db: str) -> None:
    admin, tutor = _admin(), add_tutor()
    service = add_service(tutor, price="450")
    av.save_rules(tutor, {})  # the marketplace card computed (listed, from 450)
    with read_scope() as session:
        profile = session.execute(
            sa.select(TutorProfile).where(TutorProfile.user_id == tutor)
        ).scalar_one()
    assert profile.listed is True and profile.next_free_service_id == service
    version = _version(tutor)
    client = client_for(admin)
    assert _action(client, "service", "deactivate", service).status_code == 200
    assert row(Service, service).is_active is False
    card = row(TutorProfile, profile.id)
    assert card.listed is False and card.next_free_at is None  # nothing left to book
    assert _version(tutor) > version
    assert _action(client, "service", "deactivate", service).status_code == 400  # not offered
    assert _action(client, "service", "reactivate", service).status_code == 200
    card = row(TutorProfile, profile.id)
    assert row(Service, service).is_active is True and card.listed is True
    actions = [(a.action, a.target_type, a.target_id) for a in _audit()]
    assert actions == [
        ("service.deactivate", "service", service), ("service.activate", "service", service),
    ]  # fmt: skip
    assert _audit()[0].before["is_active"] is True and _audit()[0].after["is_active"] is False


def test_admin_publishes_only_a_page_that_can_be_booked(db: str) -> None:
    """onboarding's publish rule: no active service -> refused with the missing step, and
    nothing written (no audit row); with one, published; unpublish always works."""
    admin, tutor = _admin(), add_tutor(is_published=False)
    with read_scope() as session:
        profile_id = session.execute(
            sa.select(TutorProfile.id).where(TutorProfile.user_id == tutor)
        ).scalar_one()
    client = client_for(admin)
    refused = _action(client, "tutor-profile", "publish", profile_id)
    assert refused.status_code == 400 and "service" in refused.json()["msg"].lower()
    assert row(TutorProfile, profile_id).is_published is False and not _audit()
    add_service(tutor)
    assert _action(client, "tutor-profile", "publish", profile_id).status_code == 200
    assert row(TutorProfile, profile_id).is_published is True
    assert _action(client, "tutor-profile", "publish", profile_id).status_code == 400  # not offered
    assert _action(client, "tutor-profile", "unpublish", profile_id).status_code == 200
    # Stored, not only answered: unpublish changes the loaded row without a flush, and the
    # audit's "after" snapshot once re-read the row over it (repositories/audit.get_row).
    assert row(TutorProfile, profile_id).is_published is False
    assert [a.action for a in _audit()] == ["tutor_profile.publish", "tutor_profile.unpublish"]
    assert _audit()[0].after["is_published"] is True


def test_weekly_hours_are_shown_but_not_changed_here(db: str) -> None:
    """Weekly hours are the tutor's whole week, saved with overlap checks on their
    Availability page: the admin reads them (no action besides view)."""
    admin, tutor = _admin(), add_tutor()
    client = client_for(admin)
    listing = client.get("/admin/availability-window/list")
    assert listing.status_code == 200 and "Weekly hours" in listing.text
    pk = first_pk(client, "availability-window")
    detail = client.get("/admin/availability-window/detail", params={"pk": pk}).text
    assert "data-sa-name=" not in detail.replace('data-sa-name="view"', "")
    assert "09:00" in detail and str(tutor) in detail
