"""The Webhooks page's state, driven like a browser tab (tests/support/states.py).

A tutor adds an endpoint (the secret shown once, then gone on "Done" and on reload),
sees its delivery log and redelivers; another tutor's tab neither lists it nor reaches
it through the handlers with its id (the owner's own tab, the negative control, does);
a student is turned away by the guard.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from booking_app.pages.webhooks import WebhooksState
from booking_app.services import booking as svc
from tests.integration.webhook_helpers import add_admin, deliveries, endpoint_row, webhook_settings
from tests.support import clock
from tests.support.builders import NOW, add_service, add_student, add_tutor, form
from tests.support.states import open_page, redirects, run, toasts

PAGE = "/webhooks"
URL = "https://hooks.example.com/in"


@pytest.fixture
def setup(sqlite_db: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, int]]:
    clock.freeze(monkeypatch, NOW)
    with webhook_settings(monkeypatch, WEBHOOK_ALLOW_PRIVATE="false"):
        yield {"tutor": add_tutor("olena@example.com"), "other": add_tutor("petro@example.com")}


def _add(tutor: int, url: str = URL) -> tuple[WebhooksState, list]:  # type: ignore[type-arg]
    tab, _ = open_page(PAGE, user=(tutor, "tutor"))
    page = tab.state(WebhooksState)
    page.toggle_event("booking.created", True)
    return page, run(page.create({"url": url}))


def test_add_shows_the_secret_once_and_lists_the_endpoint(setup: dict[str, int]) -> None:
    page, events = _add(setup["tutor"])
    assert toasts(events, "success") and page.errors == {}
    assert page.new_secret.startswith("whsec_") and page.made_for == URL
    [row] = page.endpoints
    assert (row.url, row.events, row.active) == (URL, "booking.created", True)
    page.dismiss_secret()
    assert page.new_secret == ""
    tab, _ = open_page(PAGE, user=(setup["tutor"], "tutor"))
    assert (
        tab.state(WebhooksState).new_secret == "" and len(tab.state(WebhooksState).endpoints) == 1
    )


def test_bad_input_shows_field_messages_and_writes_nothing(setup: dict[str, int]) -> None:
    tab, _ = open_page(PAGE, user=(setup["tutor"], "tutor"))
    page = tab.state(WebhooksState)
    run(page.create({"url": "http://127.0.0.1/x"}))
    assert set(page.errors) == {"url", "events"} and page.new_secret == ""
    assert page.endpoints == []


def test_the_log_and_redelivery(setup: dict[str, int]) -> None:
    tutor = setup["tutor"]
    page, _ = _add(tutor)
    svc.create_booking(form(tutor, add_service(tutor)), student_id=None, now=NOW)
    hook = page.endpoints[0].id
    run(page.show_log(hook))
    [row] = page.deliveries
    assert (row.event_type, row.status, row.code) == ("booking.created", "pending", "—")
    assert toasts(run(page.redeliver(row.id)), "success")
    run(page.set_active(hook, False))
    assert not endpoint_row(hook).active and page.endpoints[0].disabled_reason


def test_another_tutor_cannot_see_or_touch_it(setup: dict[str, int]) -> None:
    page, _ = _add(setup["tutor"])
    hook = page.endpoints[0].id
    tab, _ = open_page(PAGE, user=(setup["other"], "tutor"))
    theirs = tab.state(WebhooksState)
    assert theirs.endpoints == []
    for call in (theirs.rotate(hook), theirs.set_active(hook, False), theirs.show_log(hook)):
        assert toasts(run(call), "error")
    theirs.ask_delete(hook)
    assert toasts(run(theirs.delete()), "error")
    assert endpoint_row(hook).active and theirs.new_secret == "" and theirs.deliveries == []
    assert toasts(run(page.set_active(hook, False)), "success")  # control: the owner can
    admin_tab, _ = open_page(PAGE, user=(add_admin(), "admin"))
    assert [e.id for e in admin_tab.state(WebhooksState).endpoints] == [hook]


def test_students_are_turned_away(setup: dict[str, int]) -> None:
    _tab, events = open_page(PAGE, user=(add_student(), "student"))
    assert redirects(events) and toasts(events, "error")
    assert deliveries() == []
