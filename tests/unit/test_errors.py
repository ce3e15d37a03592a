"""The domain-error contract: one class per refusal, each with its own stable code, a
readable default sentence, and one translation into the API body."""

from __future__ import annotations

import inspect

import pytest

from booking_app.api.errors import error_body
from booking_app.services import errors
from booking_app.services.errors import (
    AlreadyCancelled,
    DomainError,
    SlotUnavailable,
    ValidationFailed,
    as_text,
)

CLASSES = [
    cls
    for _, cls in inspect.getmembers(errors, inspect.isclass)
    if issubclass(cls, DomainError) and cls.__module__ == errors.__name__
]


def test_every_refusal_has_its_own_code() -> None:
    codes = [cls.code for cls in CLASSES]
    assert len(codes) == len(set(codes)), sorted(codes)
    assert all(code and code == code.lower() and " " not in code for code in codes)


@pytest.mark.parametrize(
    "cls",
    [c for c in CLASSES if c.default_detail],
    ids=lambda c: c.__name__,
)
def test_default_details_are_sentences(cls: type[DomainError]) -> None:
    detail = cls().detail
    assert detail[0].isupper() and detail.endswith("."), detail


def test_no_catch_all_form_key_in_the_services() -> None:
    """Refusals that are not about one field are classes, never ValidationFailed({"form"})."""
    from pathlib import Path

    root = Path(errors.__file__).resolve().parents[1]
    offenders = [
        str(path.relative_to(root))
        for layer in ("services", "api", "integrations")
        for path in (root / layer).rglob("*.py")
        if 'ValidationFailed({"form"' in path.read_text(encoding="utf-8")
    ]
    assert offenders == []


def test_error_body_and_text() -> None:
    assert error_body(AlreadyCancelled()) == {
        "error": "already_cancelled",
        "detail": "This booking is already cancelled.",
    }
    invalid = ValidationFailed({"name": "Enter your name.", "phone": "Enter a phone."})
    assert error_body(invalid)["fields"] == invalid.field_errors
    assert as_text(invalid) == "Enter your name. Enter a phone."
    refused = SlotUnavailable("buffer", "The tutor needs at least 15 min free between lessons.")
    assert error_body(refused) == {
        "error": "slot_unavailable",
        "detail": "The tutor needs at least 15 min free between lessons.",
        "reason": "buffer",
    }
    assert as_text(refused) == refused.detail
