"""Field cleaners shared by a tutor's services and published lessons.

Why shared: a service and a lesson published from it carry the same fields (duration,
price, individual/group with capacity, online/offline with location or link), and the
tutor must get the same message for the same mistake in both forms. Each cleaner returns
the normalized value or raises ``FieldError`` with the sentence shown next to the field;
``Fields`` gathers every error of a form so all of them are shown at once.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar
from urllib.parse import urlsplit

from booking_app.models import LessonMode, LessonType
from booking_app.services.errors import ValidationFailed
from booking_app.services.validation import FieldError

T = TypeVar("T")

MIN_DURATION, MAX_DURATION, DURATION_STEP = 15, 480, 5
MAX_PRICE = Decimal("100000")
MIN_GROUP, MAX_GROUP = 2, 100
_INT = re.compile(r"^\s*[+]?\d{1,9}\s*$")
_PRICE = re.compile(r"^\d+(?:\.\d+)?$")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}


class Fields:
    """Runs cleaners one field at a time and keeps every error, keyed by field name."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}
        self.errors: dict[str, str] = {}

    def take(self, field: str, clean: Callable[[], T]) -> T | None:
        """The cleaned value of ``field`` (also kept in ``values``), or None on error."""
        try:
            value = clean()
        except FieldError as exc:
            self.errors.setdefault(field, str(exc))  # the first problem of a field is shown
            return None
        self.values[field] = value
        return value

    def add_error(self, field: str, message: str) -> None:
        """Record an error found by a rule spanning several fields (first one wins)."""
        self.errors.setdefault(field, message)

    def raise_if_invalid(self) -> None:
        if self.errors:
            raise ValidationFailed(dict(self.errors))


def parse_int(raw: int | str, message: str) -> int:
    """A whole number from a number input (int) or a text input (str)."""
    if isinstance(raw, bool):
        raise FieldError(message)
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str) and _INT.match(raw):
        return int(raw)
    raise FieldError(message)


def clean_text(raw: str | None, *, max_len: int, required: str | None = None) -> str:
    """Whitespace-trimmed text; ``required`` is the message when it is empty."""
    value = ("" if raw is None else str(raw)).strip()
    if required and not value:
        raise FieldError(required)
    if len(value) > max_len:
        raise FieldError(f"Use at most {max_len} characters.")
    return value


def clean_duration(raw: int | str) -> int:
    """Minutes, 15..480, in steps of 5 (so lessons line up with 5-minute slot grids)."""
    minutes = parse_int(raw, "Enter the length in whole minutes, e.g. 60.")
    if not MIN_DURATION <= minutes <= MAX_DURATION:
        raise FieldError(f"A lesson lasts {MIN_DURATION} to {MAX_DURATION} minutes.")
    if minutes % DURATION_STEP:
        raise FieldError(f"Use a multiple of {DURATION_STEP} minutes.")
    return minutes


def clean_price(raw: str | int | None) -> Decimal:
    """0..100000 with at most 2 decimals; a decimal comma is accepted ("450,50")."""
    text = str(raw if raw is not None else "").strip().replace(" ", "").replace(",", ".")
    if not text:
        raise FieldError("Enter a price (0 for a free lesson).")
    if text.startswith("-") and _PRICE.match(text[1:]):
        raise FieldError(f"Enter a price from 0 to {MAX_PRICE}.")
    if not _PRICE.match(text):
        raise FieldError("Enter a price as a number, e.g. 450 or 450.50.")
    try:
        price = Decimal(text)
    except InvalidOperation:
        raise FieldError("Enter a price as a number, e.g. 450 or 450.50.") from None
    if price > MAX_PRICE:
        raise FieldError(f"Enter a price from 0 to {MAX_PRICE}.")
    if price != price.quantize(Decimal("0.01")):
        raise FieldError("Use at most 2 decimals.")
    return price.quantize(Decimal("0.01"))


def format_price(price: Decimal | None) -> str:
    """ "450.00": prices always show cents, as stored (NUMERIC(10, 2))."""
    return f"{(price or Decimal('0')).quantize(Decimal('0.01'))}"


def clean_lesson_type(raw: str) -> LessonType:
    try:
        return LessonType(str(raw or "").strip())
    except ValueError:
        raise FieldError("Choose individual or group.") from None


def clean_capacity(raw: int | str, lesson_type: LessonType | None) -> int:
    """One seat for an individual lesson (whatever was sent), 2..100 for a group."""
    if lesson_type is not LessonType.group:
        return 1
    seats = parse_int(raw, "Enter the number of seats, e.g. 6.")
    if not MIN_GROUP <= seats <= MAX_GROUP:
        raise FieldError(f"A group has {MIN_GROUP} to {MAX_GROUP} seats.")
    return seats


def clean_mode(raw: str) -> LessonMode:
    try:
        return LessonMode(str(raw or "").strip())
    except ValueError:
        raise FieldError("Choose online or offline.") from None


def clean_location(raw: str | None, mode: LessonMode | None) -> str | None:
    """Required for offline lessons (students need to know where to go)."""
    required = "Enter the address of offline lessons." if mode is LessonMode.offline else None
    return clean_text(raw, max_len=255, required=required) or None


def clean_meeting_url(raw: str | None) -> str | None:
    """Empty, or an http(s) link with a host (it becomes a clickable link for students)."""
    value = ("" if raw is None else str(raw)).strip()
    if not value:
        return None
    if len(value) > 500:
        raise FieldError("Use at most 500 characters.")
    try:
        parts = urlsplit(value)
    except ValueError:  # e.g. an unbalanced "[" in the host
        parts = urlsplit("")
    if parts.scheme not in ("http", "https") or not parts.hostname or " " in value:
        raise FieldError("Enter a link starting with https://, e.g. https://meet.google.com/abc.")
    return value


def clean_flag(raw: Any) -> bool:
    """A yes/no switch from a checkbox (bool) or a form value ("on", "false", "")."""
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in _TRUE | _FALSE:
        return text in _TRUE
    raise FieldError("Choose yes or no.")
