"""Issue 14, item 6: prices read "Free" at zero, and amounts follow the viewer's locale."""

from decimal import Decimal

import pytest

from booking_app.services.money import amount_label, from_price_label, locale_of, price_label


@pytest.mark.parametrize(
    ("raw", "currency", "locale", "expected"),
    [
        ("0", "UAH", "en", "Free"),
        ("0.00", "USD", "uk", "Free"),
        (Decimal("450"), "UAH", "en", "450 UAH"),
        ("1450.5", "EUR", "en", "1,450.50 EUR"),
        ("1450.5", "EUR", "uk", "1\u00a0450,50 EUR"),
        ("12000", "UAH", "ru", "12\u00a0000 UAH"),
        ("35.00", "USD", "en", "35 USD"),
    ],
)
def test_price_labels(raw: object, currency: str, locale: str, expected: str) -> None:
    assert price_label(raw, currency, locale) == expected  # type: ignore[arg-type]


def test_a_non_number_is_no_label_rather_than_an_error() -> None:
    assert price_label("abc", "UAH") == "" and price_label(None, "UAH") == ""


def test_sums_say_zero_and_cards_never_say_from_free() -> None:
    """Revenue of nothing is "0 UAH" (not "Free"); a card reads "from 1 450 UAH"."""
    assert amount_label("0", "UAH", "uk") == "0 UAH"
    assert amount_label("12345.6", "UAH", "uk") == "12\u00a0345,60 UAH"
    assert amount_label(Decimal("1200"), "UAH", "en") == "1,200 UAH"
    assert from_price_label("1450", "UAH", "uk") == "from 1\u00a0450 UAH"
    assert from_price_label("0", "UAH", "en") == "Free"
    assert from_price_label(None, "UAH") == ""


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("uk-UA,uk;q=0.9,en;q=0.8", "uk"),
        ("ru", "ru"),
        ("en-US,en;q=0.9", "en"),
        ("de-DE,uk;q=0.5", "en"),  # the first language decides; German reads English style
        ("", "en"),
        ("*", "en"),
    ],
)
def test_locale_from_accept_language(header: str, expected: str) -> None:
    assert locale_of(header) == expected
