"""A guest's visit computes the page once: the zone arrives with the websocket handshake
(the `tz` cookie written by the <head> script, state/viewer_timezone.py), so on_load
computes in that zone and does not ask the browser afterwards (issue 15, item 4).

Counted with a spy that records each call of the real service and delegates to it.
Negative control: without the cookie the page asks the browser, and its answer makes a
second computation (the old behaviour of every guest visit).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from booking_app.pages import landing
from booking_app.pages.tutor_public.state import TutorPublicState
from booking_app.services import marketplace, tutor_public
from tests.support.builders import NOW, add_service, add_tutor
from tests.support.clock import freeze
from tests.support.states import open_page, run, spec_name

ZONE = "America/New_York"
COOKIE = "theme=dark; tz=America%2FNew_York"


def _count(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> list[str]:
    """Record the viewer zone of each call of ``module.name`` (then call the real one)."""
    real: Callable[..., Any] = getattr(module, name)
    zones: list[str] = []

    def spy(*args: Any, **kwargs: Any) -> Any:
        zones.append(kwargs.get("viewer_tz", ""))
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, spy)
    return zones


@pytest.fixture
def tutor(sqlite_db: str, monkeypatch: pytest.MonkeyPatch) -> int:
    freeze(monkeypatch, NOW)
    tutor = add_tutor()
    add_service(tutor)
    return tutor


def _asks_browser(events: list[Any]) -> bool:
    return any(spec_name(e) == "_call_script" for e in events)


def test_marketplace_visit_computes_once_in_the_cookie_zone(
    tutor: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    searches = _count(monkeypatch, marketplace, "search_tutors")
    tab, events = open_page("/", cookie=COOKIE)
    page = tab.state(landing.MarketplaceState)
    assert searches == [ZONE] and page.viewer_tz == ZONE and len(page.results) == 1
    assert not _asks_browser(events)


def test_tutor_page_visit_computes_once_in_the_cookie_zone(
    tutor: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    weeks = _count(monkeypatch, tutor_public, "week_slots")
    tab, events = open_page("/t/olena", cookie=COOKIE)
    assert weeks == [ZONE] and tab.state(TutorPublicState).viewer_tz == ZONE
    assert not _asks_browser(events)


def test_a_bad_cookie_is_ignored(tutor: int, monkeypatch: pytest.MonkeyPatch) -> None:
    searches = _count(monkeypatch, marketplace, "search_tutors")
    tab, events = open_page("/", cookie="tz=Not%2FA_Zone")
    assert searches == ["UTC"] and _asks_browser(events)


def test_negative_control_without_the_cookie_a_visit_computes_twice(
    tutor: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    searches = _count(monkeypatch, marketplace, "search_tutors")
    tab, events = open_page("/")
    assert _asks_browser(events)
    run(tab.state(landing.MarketplaceState).set_browser_timezone(ZONE))  # the browser answers
    assert searches == ["UTC", ZONE]
