"""The admin's export (issue 12): CSV cells can't run as spreadsheet formulas, and no
export, list, detail or form of any view carries a booking token (or another secret).

Exported through the real route behind the list page's Export button.
"""

from __future__ import annotations

import csv
import io

from sqlmodel import select

from booking_app.api.admin import build_admin
from booking_app.db import read_scope
from booking_app.models import Booking, ClassroomSession, User
from tests.integration.admin_helpers import (
    CALENDAR_SECRET_SEALED,
    CALENDAR_SECRET_URL,
    EVIL_NAME,
    build_world,
    client_for,
    export,
    first_pk,
)


def _csv(body: bytes) -> list[dict[str, str]]:
    assert body.startswith(b"\xef\xbb\xbf")  # the Excel dialect: BOM, ";"
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def test_formulas_typed_by_guests_users_and_tutors_export_as_text(db: str) -> None:
    world = build_world()
    client = client_for(world.admin_id)
    bookings = export(client, "booking")
    assert bookings.status_code == 200
    assert bookings.headers["content-type"].startswith("text/csv")
    guest = next(r for r in _csv(bookings.content) if r["Client phone"] == "'+380671112233")
    assert guest["Client name"] == "'" + EVIL_NAME
    users = {r["Email"]: r for r in _csv(export(client, "user").content)}
    assert users["stan@example.com"]["Name"] == "'@cmd|' /C calc'!A0"
    services = _csv(export(client, "service").content)
    assert services[0]["Name"] == "'-2+3+cmd|' /C calc'!A0"
    assert services[0]["Price"] == "450.00"  # plain numbers stay numbers


def test_no_view_lists_shows_or_exports_a_secret(db: str) -> None:
    world = build_world()
    with read_scope() as session:
        secrets = list(session.exec(select(Booking.booking_token)))
        secrets += session.exec(select(ClassroomSession.session_uuid))
        secrets += [h for h in session.exec(select(User.password_hash)) if len(h) > 20]
    secrets += [CALENDAR_SECRET_URL, "private-5ecre7abcdef", CALENDAR_SECRET_SEALED]
    assert world.booking_token in secrets and len(secrets) >= 5
    client = client_for(world.admin_id)
    for view in build_admin()._views:
        key = view.key
        pk = first_pk(client, key)
        pages = {
            "list": client.get(f"/admin/{key}/list"),
            "detail": client.get(f"/admin/{key}/detail", params={"pk": pk}),
            "csv": export(client, key, "csv"),
            "json": export(client, key, "json"),
        }
        if view.can_edit(None):
            pages["edit"] = client.get(f"/admin/{key}/edit", params={"pk": pk})
        for name, page in pages.items():
            assert page.status_code == 200, (key, name, page.status_code)
            leaked = [s for s in secrets if s in page.text]
            assert not leaked, f"{key} {name} shows {leaked}"
    # The outbox keeps its messages readable, with the private links' tokens hidden.
    outbox = export(client, "notification").text
    assert "/booking/[hidden]" in outbox and "Booked: " in outbox
