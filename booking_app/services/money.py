"""Prices as people read them: "Free" for a zero price (trials), amounts in the viewer's
locale with the tutor's currency code ("1,450 UAH" in English, "1 450 UAH" in Ukrainian or
Russian, cents only when there are any).

Why not Babel: it is not a dependency, and the app speaks to Ukrainian, Russian and
English readers; the currency is a code (the tutor chooses it on the profile page), so no
symbol tables are needed.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

FREE = "Free"
LOCALES = ("en", "uk", "ru")
NBSP = "\u00a0"


def locale_of(accept_language: str | None) -> str:
    """The first language of an Accept-Language header we format for ("en" otherwise)."""
    for part in (accept_language or "").split(","):
        tag = part.split(";", 1)[0].strip().lower()
        primary = tag.split("-", 1)[0]
        if primary in LOCALES:
            return primary
        if primary and primary != "*":
            return "en"
    return "en"


def _amount(raw: Decimal | str | int | float | None) -> Decimal | None:
    try:
        return Decimal(str(raw if raw is not None else "")).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return None


def price_label(raw: Decimal | str | int | float | None, currency: str, locale: str = "en") -> str:
    """ "Free", "450 UAH", "1,450.50 EUR" (en) or "1 450,50 EUR" (uk/ru)."""
    amount = _amount(raw)
    if amount is not None and amount == 0:
        return FREE
    return amount_label(raw, currency, locale)


def from_price_label(
    raw: Decimal | str | int | float | None, currency: str, locale: str = "en"
) -> str:
    """A marketplace card's cheapest price: "from 1,450 UAH", or "Free" (never "from Free")."""
    label = price_label(raw, currency, locale)
    return label if label in ("", FREE) else f"from {label}"


def amount_label(raw: Decimal | str | int | float | None, currency: str, locale: str = "en") -> str:
    """A sum of money, zero included ("0 UAH" of revenue, not "Free"), in the locale."""
    amount = _amount(raw)
    if amount is None:
        return ""
    digits = f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"
    if locale in ("uk", "ru"):
        digits = digits.replace(",", NBSP).replace(".", ",")
    return f"{digits} {currency}".strip()
