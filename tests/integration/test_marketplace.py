"""Marketplace search and the public tutor page on SQLite and PostgreSQL."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlmodel import select

from booking_app.db import session_scope
from booking_app.models import TutorProfile, TutorSubject
from booking_app.services import booking as bk
from booking_app.services.errors import NotFound, ValidationFailed
from booking_app.services.marketplace import (
    SearchInput,
    list_subject_options,
    search_tutors,
)
from booking_app.services.tutor_public import tutor_public_page
from tests.support.builders import (
    NOW,
    add_service,
    add_subject,
    add_tutor,
    form,
    utc,
)


def teach(tutor: int, subject: int, **profile: object) -> None:
    with session_scope(write=True) as session:
        row = session.exec(select(TutorProfile).where(TutorProfile.user_id == tutor)).one()
        session.add(TutorSubject(tutor_profile_id=row.id, subject_id=subject))
        for key, value in profile.items():
            setattr(row, key, value)


@pytest.fixture
def market(db: str) -> dict[str, int]:
    math, english = add_subject("Mathematics"), add_subject("English")
    olena = add_tutor("olena@example.com")
    add_service(olena, name="Algebra", price="450")
    add_service(olena, name="Trial", price="0", trial=True)
    teach(olena, math, headline="Algebra and geometry for exams")
    petro = add_tutor("petro@example.com", min_notice_min=3 * 24 * 60)
    add_service(petro, name="Speaking", price="300")
    teach(petro, english, headline="Spoken English")
    hidden = add_tutor("hidden@example.com")
    add_service(hidden, name="Secret", price="100")
    teach(hidden, math, is_published=False)
    add_tutor("noservice@example.com")  # no active service: not listed
    return {"olena": olena, "petro": petro, "math": math}


def test_search_lists_published_tutors_soonest_first(market: dict[str, int]) -> None:
    cards = search_tutors(SearchInput(), viewer_tz="Europe/Kyiv", now=NOW).cards
    assert [c.slug for c in cards] == ["olena", "petro"]
    olena, petro = cards
    assert olena.subjects == ["Mathematics"] and olena.price_from == "450.00"
    assert olena.currency == "UAH" and olena.headline == "Algebra and geometry for exams"
    # The first time still bookable next_free.LEAD (10 min) from now: 10:00 is free now,
    # 10:30 is what a card can show without going stale a moment later.
    assert olena.next_free == "Wed 25 Nov, 10:30"
    assert olena.next_free_start == utc("2026-11-25T10:30")
    assert petro.next_free == "Mon 30 Nov, 09:00"
    # The card names the service its time is for and the viewer-local date of that time,
    # so the marketplace can open the tutor page on exactly that service and week.
    algebra = tutor_public_page("olena").services[0]
    assert (olena.next_free_service_id, olena.next_free_service) == (algebra.id, "Algebra")
    assert (olena.next_free_week, petro.next_free_week) == ("2026-11-25", "2026-11-30")


def test_next_free_week_is_the_viewers_local_date(market: dict[str, int]) -> None:
    """Petro's first time, Monday 09:00 in Kyiv, is still Sunday evening in Los Angeles:
    the card must open the page on the week the viewer saw (the one of Sunday 29 Nov)."""
    [card] = search_tutors(
        SearchInput(text="petro"), viewer_tz="America/Los_Angeles", now=NOW
    ).cards
    assert card.next_free == "Sun 29 Nov, 23:00" and card.next_free_week == "2026-11-29"


def test_next_free_skips_booked_time(market: dict[str, int]) -> None:
    tutor = market["olena"]
    service = tutor_public_page("olena").services[0].id
    bk.create_booking(form(tutor, service, start=utc("2026-11-25T10:30")), student_id=None, now=NOW)
    [card] = search_tutors(SearchInput(text="olena"), viewer_tz="UTC", now=NOW).cards
    assert card.next_free_start == utc("2026-11-25T11:30")


def test_filters(market: dict[str, int]) -> None:
    def slugs(**q: str) -> list[str]:
        return [c.slug for c in search_tutors(SearchInput(**q), viewer_tz="UTC", now=NOW).cards]

    assert slugs(subject="mathematics") == ["olena"]
    assert slugs(subject="english") == ["petro"]
    assert slugs(subject="chemistry") == []
    assert slugs(text="SPOKEN") == ["petro"]
    assert slugs(text="tutor olena") == ["olena"]
    assert slugs(price_max="350") == ["petro"]
    assert slugs(price_min="350,00") == ["olena"]
    assert slugs(price_min="300", price_max="300") == ["petro"]
    assert slugs(text="nobody") == []


def test_bad_filters_are_field_errors(market: dict[str, int]) -> None:
    with pytest.raises(ValidationFailed) as err:
        search_tutors(SearchInput(price_min="abc", price_max="-1"), viewer_tz="UTC", now=NOW)
    assert set(err.value.field_errors) == {"price_min", "price_max"}
    with pytest.raises(ValidationFailed) as err:
        search_tutors(SearchInput(price_min="500", price_max="100"), viewer_tz="UTC", now=NOW)
    assert set(err.value.field_errors) == {"price_max"}
    with pytest.raises(ValidationFailed):
        search_tutors(SearchInput(), viewer_tz="Nowhere/Land", now=NOW)


def test_subject_options(market: dict[str, int]) -> None:
    assert list_subject_options() == [("english", "English"), ("mathematics", "Mathematics")]


def test_public_page(market: dict[str, int]) -> None:
    page = tutor_public_page("olena")
    assert page.tutor_id == market["olena"] and page.name == "Tutor olena"
    assert page.subjects == ["Mathematics"] and page.timezone == "Europe/Kyiv"
    assert [(s.name, s.price, s.is_trial) for s in page.services] == [
        ("Algebra", "450.00", False),
        ("Trial", "0.00", True),
    ]
    assert page.services[0].duration_min == 60 and page.services[0].currency == "UAH"


def test_public_page_unknown_or_unpublished_is_not_found(market: dict[str, int]) -> None:
    for slug in ("nobody", "hidden", "", "../etc"):
        with pytest.raises(NotFound):
            tutor_public_page(slug)


def test_price_from_falls_back_to_default_price(db: str) -> None:
    tutor = add_tutor()
    add_service(tutor, name="Trial", price="0", trial=True)
    teach(tutor, add_subject("Physics"), default_price=Decimal("380"))
    [card] = search_tutors(SearchInput(), viewer_tz="UTC", now=NOW).cards
    assert card.price_from == "380.00"


def test_search_text_wildcards_match_themselves(market: dict[str, int]) -> None:
    """Issue 12, item 14: `%` and `_` in the search box are characters, not LIKE
    wildcards. Negative control: on 855d6d1 "o%a" and "tut_r" listed both tutors."""
    exam = add_tutor("exam@example.com")
    add_service(exam, name="Prep", price="500")
    teach(exam, market["math"], headline="100% pass_rate, no tricks")

    def slugs(text: str) -> list[str]:
        cards = search_tutors(SearchInput(text=text), viewer_tz="UTC", now=NOW).cards
        return sorted(c.slug for c in cards)

    assert slugs("o%a") == [] and slugs("tut_r") == [] and slugs("\\") == []
    assert slugs("100%") == ["exam"] and slugs("pass_rate") == ["exam"]
    assert slugs("olena") == ["olena"]
