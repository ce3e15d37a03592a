"""Field validators shared by every form and API (registration now, booking forms later).

Each returns the normalized value or raises `FieldError` with the message shown next to
the field, so the UI and the API say the same thing.
"""

from __future__ import annotations

import re
import zoneinfo
from functools import lru_cache
from urllib.parse import unquote

import phonenumbers
from email_validator import EmailNotValidError, validate_email

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 128
TELEGRAM_RE = re.compile(r"^@?([A-Za-z][A-Za-z0-9_]{4,31})$")


class FieldError(ValueError):
    """A message for one field."""


def clean_email(raw: str) -> str:
    value = (raw or "").strip()
    if not value:
        raise FieldError("Enter your email address.")
    try:
        return validate_email(value, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise FieldError("Enter a valid email address, e.g. name@example.com.") from None


def clean_phone(raw: str, default_region: str = "UA") -> str:
    """E.164; numbers without a country code are read in `default_region`."""
    value = (raw or "").strip()
    if not value:
        raise FieldError("Enter your phone number.")
    try:
        number = phonenumbers.parse(value, None if value.startswith("+") else default_region)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise FieldError("Enter a valid phone number with country code, e.g. +380 67 123 4567.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def clean_password(raw: str) -> str:
    value = raw or ""
    if len(value) < MIN_PASSWORD_LENGTH:
        raise FieldError(f"Use at least {MIN_PASSWORD_LENGTH} characters.")
    if len(value) > MAX_PASSWORD_LENGTH:
        raise FieldError(f"Use at most {MAX_PASSWORD_LENGTH} characters.")
    return value


def has_control_characters(value: str) -> bool:
    """NUL and other C0/C1 controls: PostgreSQL refuses NUL in text outright (a 500 if
    it got that far), and no name or label needs any of them."""
    return any(ord(ch) < 32 or 127 <= ord(ch) < 160 for ch in value)


def clean_name(raw: str) -> str:
    value = " ".join((raw or "").split())
    if has_control_characters(value):
        raise FieldError("Use letters, digits and punctuation only.")
    if len(value) < 2:
        raise FieldError("Enter your name.")
    if len(value) > 120:
        raise FieldError("Use at most 120 characters.")
    return value


@lru_cache(maxsize=1)
def timezone_names() -> tuple[str, ...]:
    """Selectable IANA zones: real regions, not the legacy aliases."""
    return tuple(
        sorted(
            z
            for z in zoneinfo.available_timezones()
            if "/" in z and not z.startswith(("Etc/", "SystemV/", "US/", "posix/", "right/"))
        )
        + ["UTC"]
    )


@lru_cache(maxsize=1)
def _known_zones() -> frozenset[str]:
    """Every zone name the system's tz database has. Read once: the call walks the tzdata
    folder (~8 ms), and every guest page's timezone report went through it (issue 15's
    load profile showed it at 3.5 % of the worker)."""
    return frozenset(zoneinfo.available_timezones())


def clean_timezone(raw: str) -> str:
    value = (raw or "").strip()
    if value not in _known_zones():
        raise FieldError("Choose a timezone from the list.")
    return value


# Browsers may still report pre-2022 names; store the current ones.
_RENAMED_ZONES = {
    "Europe/Kiev": "Europe/Kyiv",
    "Europe/Uzhgorod": "Europe/Kyiv",
    "Europe/Zaporozhye": "Europe/Kyiv",
    "Asia/Calcutta": "Asia/Kolkata",
    "Asia/Saigon": "Asia/Ho_Chi_Minh",
    "Asia/Katmandu": "Asia/Kathmandu",
    "Asia/Rangoon": "Asia/Yangon",
}


def canonical_timezone(name: str) -> str:
    return _RENAMED_ZONES.get(name, name)


def clean_telegram_username(raw: str | None, *, required: bool = False) -> str | None:
    """Stored lower-case without '@' (Telegram usernames are case-insensitive)."""
    value = (raw or "").strip()
    if not value:
        if required:
            raise FieldError("Enter your Telegram username, e.g. @username.")
        return None
    match = TELEGRAM_RE.match(value)
    if match is None:
        raise FieldError(
            "A Telegram username is @ followed by 5-32 letters, digits or underscores."
        )
    return match.group(1).lower()


MAX_NEXT_LENGTH = 2000


def safe_next_path(raw: object) -> str | None:
    """`raw` if it is a path of this site (a `next` after sign-in), else None.

    An open redirect would let a phishing link that starts with our address land on
    another site, so only a single leading "/" is accepted: no scheme ("https:", "javascript:"),
    no "//host", no backslash (browsers read "/\\host" as "//host"), no control characters or
    whitespace (browsers drop tab/newline, so "/\\t/host" is "//host" too).
    """
    if not isinstance(raw, str) or not raw or len(raw) > MAX_NEXT_LENGTH:
        return None
    if not raw.startswith("/") or raw.startswith("//") or "\\" in raw:
        return None
    if any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in raw):
        return None
    if unquote(raw).startswith(("//", "/\\")):  # "/%2F%2Fhost": some routers decode first
        return None
    return raw
