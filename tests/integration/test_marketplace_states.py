"""The marketplace page state: pages of 24 with "Load more", the "when free" filter and the
sort (issue 15 item 3, issue 14's "search by next free time")."""

from __future__ import annotations

import pytest

from booking_app.pages import landing
from booking_app.services.marketplace import PAGE_SIZE
from booking_app.state.forms import FORM
from tests.support.builders import NOW, add_service, add_tutor
from tests.support.clock import freeze
from tests.support.states import Tab, run, state


def test_load_more_appends_the_next_page(sqlite_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    freeze(monkeypatch, NOW)
    for i in range(PAGE_SIZE + 6):
        add_service(add_tutor(f"t{i:02d}@example.com"), price=str(300 + i))
    st = state(landing.MarketplaceState, "/")
    run(st.on_load())
    assert len(st.results) == PAGE_SIZE and st.has_more
    run(st.load_more())
    assert len(st.results) == PAGE_SIZE + 6 and not st.has_more and not st.loading_more
    assert len({r.slug for r in st.results}) == PAGE_SIZE + 6  # no card twice
    run(st.load_more())  # nothing more: no change
    assert len(st.results) == PAGE_SIZE + 6

    run(st.set_sort("price"))
    assert [r.price_from for r in st.results[:2]] == ["300.00", "301.00"] and st.has_more
    assert [r.price_label for r in st.results[:2]] == ["from 300 UAH", "from 301 UAH"]
    run(st.set_free_within("1"))
    assert st.searched and len(st.results) == PAGE_SIZE  # every tutor is free today
    run(st.set_free_within("99"))  # not an offered choice (a crafted event): a message
    assert st.invalid and "listed periods" in st.errors.get(FORM, "") and st.results == []


def test_card_prices_in_the_viewers_locale(sqlite_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 14 leftovers: the card's price goes through services/money.py like the tutor
    page's: "from 1,450 UAH" in English, "from 1 450 UAH" to a Ukrainian browser."""
    freeze(monkeypatch, NOW)
    add_service(add_tutor(), price="1450")
    st = state(landing.MarketplaceState, "/")
    run(st.on_load())
    assert [r.price_label for r in st.results] == ["from 1,450 UAH"]
    uk = Tab("/")
    uk.root.router.headers.__dict__["accept_language"] = "uk-UA,uk;q=0.9"
    page = uk.state(landing.MarketplaceState)
    run(page.on_load())
    assert [r.price_label for r in page.results] == ["from 1\u00a0450 UAH"]
