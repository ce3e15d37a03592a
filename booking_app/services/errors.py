"""Domain errors with a stable `code`: the API maps them to {"error": code, "detail": text},
the UI to a toast or a message next to a field."""

from __future__ import annotations

import math


class DomainError(Exception):
    """Base class; `code` is part of the public contract, `detail` is for humans."""

    code = "error"
    http_status = 400

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail or self.code)
        self.detail = detail or self.code


class ValidationFailed(DomainError):
    """Bad input; `field_errors` maps a form field name to the message shown next to it."""

    code = "validation_failed"
    http_status = 422

    def __init__(self, field_errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in field_errors.items()))
        self.field_errors = field_errors


class NotFound(DomainError):
    """Also used when the object exists but the caller may not see it (no 403 leaks)."""

    code = "not_found"
    http_status = 404


class InvalidCredentials(DomainError):
    code = "invalid_credentials"
    http_status = 401


class TooManyAttempts(DomainError):
    code = "too_many_attempts"
    http_status = 429

    def __init__(self, retry_after_seconds: int) -> None:
        if retry_after_seconds < 60:  # the per-account ramp waits seconds, not minutes
            amount, unit = max(1, int(retry_after_seconds)), "second"
        else:
            amount, unit = math.ceil(retry_after_seconds / 60), "minute"
        super().__init__(
            f"Too many failed sign-in attempts. Try again in {amount} {unit}"
            f"{'s' if amount != 1 else ''}."
        )
        self.retry_after_seconds = retry_after_seconds


class Forbidden(DomainError):
    code = "forbidden"
    http_status = 403


class SlotUnavailable(DomainError):
    """The engine refused the time: `reason` is its Reason value ("overlaps", "buffer", ...),
    so the UI can react to the kind of refusal and the API can expose it."""

    code = "slot_unavailable"
    http_status = 409

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
