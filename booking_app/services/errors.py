"""Every domain error of the app, one class per distinct refusal, each with a stable `code`.

The contract (pages, API, bot and tests rely on it):
- `code` names the refusal and never changes once released (the API sends it as `error`);
- `detail` is a sentence a user can read as it is ("This booking is already cancelled.");
- `http_status` is what the API answers with (`api/errors.py:error_body` builds the body);
- bad input is `ValidationFailed(field_errors)`: {form field name: message next to it}.
  Anything that is not about one field of a form is a class of its own below, never a
  catch-all key such as "form";
- `SlotUnavailable.reason` is the scheduling engine's `Reason` value and its `detail` the
  engine's own explanation ("The tutor needs at least 15 min free between lessons.").

`as_text(exc)` is the one way to turn any of them into a single line of text (the bot
and logs use it; pages show `field_errors` next to fields, else `detail`).
"""

from __future__ import annotations

import math


class DomainError(Exception):
    """Base class; `code` is part of the public contract, `detail` is for humans."""

    code = "error"
    http_status = 400
    default_detail = ""

    def __init__(self, detail: str = "") -> None:
        text = detail or self.default_detail or self.code
        super().__init__(text)
        self.detail = text


def as_text(exc: DomainError) -> str:
    """One line for a user: the field messages of a ValidationFailed, else `detail`."""
    if isinstance(exc, ValidationFailed):
        return " ".join(exc.field_errors.values())
    return exc.detail


# --- input -------------------------------------------------------------------------------


class ValidationFailed(DomainError):
    """Bad input; `field_errors` maps a form field name to the message shown next to it."""

    code = "validation_failed"
    http_status = 422

    def __init__(self, field_errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in field_errors.items()))
        self.field_errors = field_errors


# --- who may see or do it ----------------------------------------------------------------


class NotFound(DomainError):
    """Also used when the object exists but the caller may not see it (no 403 leaks)."""

    code = "not_found"
    http_status = 404


class LessonNotFound(NotFound):
    """The lesson/room does not exist OR the caller may not see it (never a 403 leak)."""

    code = "lesson_not_found"
    default_detail = "This lesson does not exist or is not yours."


class Unauthorized(DomainError):
    """No (valid) session: sign in first."""

    code = "unauthorized"
    http_status = 401
    default_detail = "Sign in first."


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
    """The wrong kind of account for this action (a student managing invites, a tutor
    booking as a student, ...)."""

    code = "forbidden"
    http_status = 403


class TrialNeedsAccount(Forbidden):
    code = "trial_needs_account"
    default_detail = "Sign in as a student to request a trial."


class NotAMember(DomainError):
    code = "not_a_member"
    http_status = 403
    default_detail = "This student is not an active member of your classroom."


# --- the schedule ------------------------------------------------------------------------


class SlotUnavailable(DomainError):
    """The engine refused the time: `reason` is its Reason value ("overlaps", "buffer", ...)
    and `detail` its explanation, so the user learns why (notice, buffer, daily limit)."""

    code = "slot_unavailable"
    http_status = 409

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason


class LessonFull(Forbidden):
    """A tutor's lesson invite found no free seat (the engine counted them)."""

    code = "lesson_full"
    default_detail = "This lesson has no free spot left."


# --- a state that no longer allows the action -------------------------------------------


class Conflict(DomainError):
    """Base of the refusals below: the object is in a state that excludes the action."""

    code = "conflict"
    http_status = 409


class LessonsOnThatDay(Conflict):
    """New hours for a date would leave booked lessons outside them; `lessons` lists them
    ("16:00–17:00 Algebra (1 student)"), and the tutor must confirm to save anyway."""

    code = "lessons_on_that_day"

    def __init__(self, lessons: list[str]) -> None:
        count = len(lessons)
        noun = "lesson is" if count == 1 else "lessons are"
        super().__init__(f"{count} booked {noun} outside these hours: {'; '.join(lessons)}.")
        self.lessons = lessons


class TrialTaken(Conflict):
    code = "trial_taken"
    default_detail = "You already have a trial with this tutor."


class StudentOverlap(Conflict):
    """STUDENT_OVERLAP=block: the student already has a lesson (with any tutor) then."""

    code = "student_overlap"
    default_detail = "You already have a lesson at this time."


class OverlapNeedsConfirm(Conflict):
    """STUDENT_OVERLAP=warn: the student has a lesson then and did not say "book anyway"
    (the form asks, then sends `confirm_overlap`); `detail` names the lesson."""

    code = "overlap_needs_confirm"
    default_detail = "You already have a lesson at this time; confirm to book anyway."


class AlreadyCancelled(Conflict):
    """The booking or lesson was cancelled already."""

    code = "already_cancelled"
    default_detail = "This booking is already cancelled."


class LessonStarted(Conflict):
    """The lesson has started (or is over): it can no longer be changed this way."""

    code = "lesson_started"
    default_detail = "This lesson has already started or taken place."


class LessonNotStarted(Conflict):
    code = "lesson_not_started"
    default_detail = "This lesson has not started yet."


class LessonCompleted(Conflict):
    code = "lesson_completed"
    default_detail = "This lesson has already taken place."


class TooLateToMove(Conflict):
    code = "too_late_to_move"
    default_detail = "It is too late to move this lesson; you may cancel it."


class AlreadyAnswered(Conflict):
    code = "already_answered"
    default_detail = "This request has already been answered."


class NoSeat(Conflict):
    code = "no_seat"
    default_detail = "This student has no seat to mark."


class AlreadyRemoved(Conflict):
    code = "already_removed"
    default_detail = "This student was already removed."


class NotBookable(Conflict):
    """Publishing a tutor page that offers nothing to book; `missing` names the steps left
    (checklist keys: "service", "hours", "slots") so a page can point at each of them."""

    code = "not_bookable"

    def __init__(self, missing: list[tuple[str, str]] | None = None) -> None:
        self.missing = [key for key, _ in missing or []]
        reasons = "; ".join(text for _, text in missing or []) or "it offers no bookable time"
        super().__init__(f"Your page can't be published yet: {reasons}.")


class IdempotencyKeyReused(Conflict):
    """An ``Idempotency-Key`` already used by this caller for a different request (another
    body or route): the first request's answer is kept, this one is refused unread."""

    code = "idempotency_key_reused"
    http_status = 422
    default_detail = "This Idempotency-Key was already used for a different request; use a new key."


class ActionNotAllowed(Forbidden):
    """The caller may see this booking but not do this to it (a student confirming their
    own request, a tutor moving a client's booking): the rule names who may."""

    code = "action_not_allowed"


# --- invite links ------------------------------------------------------------------------


class InviteInvalid(DomainError):
    code = "invite_invalid"
    http_status = 400
    default_detail = "This invite link is not valid."


class InviteExpired(DomainError):
    code = "invite_expired"
    http_status = 410
    default_detail = "This invite link has expired."


class InviteRevoked(DomainError):
    """The link is genuine and unexpired but no longer admits this account: the tutor
    revoked it, it reached its maximum number of uses, or it was taken back from this
    student when they were removed from the class."""

    code = "invite_revoked"
    http_status = 410
    default_detail = "Your tutor has revoked this invite link."


# --- webhooks ----------------------------------------------------------------------------


class WebhookNotFound(NotFound):
    """An endpoint or delivery that does not exist or is someone else's."""

    code = "webhook_not_found"
    default_detail = "This webhook does not exist or is not yours."


class DeliveryInFlight(Conflict):
    """Redeliver asked for a delivery whose request is on its way right now."""

    code = "webhook_delivery_in_flight"
    default_detail = "This delivery is being sent right now; try again in a minute."


# --- running the school: admin operations, morning confirmation, outcomes ------------------


class NotResendable(Conflict):
    """Only a failed or skipped outbox message can be sent again."""

    code = "not_resendable"
    default_detail = "Only a failed or skipped message can be sent again."


class NotTentative(Conflict):
    """Confirming a lesson that is not (any more) tentative."""

    code = "not_tentative"
    default_detail = "This lesson is not waiting for confirmation."


class OutcomeClosed(Conflict):
    """The outcome of a lesson can be set only after it starts and for a few days."""

    code = "outcome_closed"
    default_detail = "The outcome of this lesson can no longer be changed."


class TooManyCalendars(Conflict):
    """A tutor connects at most services.calendar_sources.MAX_SOURCES calendars."""

    code = "too_many_calendars"
    default_detail = "No more calendars can be connected."


class CalendarUnavailable(DomainError):
    """A connected calendar's server could not be used right now (down, wrong password)."""

    code = "calendar_unavailable"
    http_status = 502
    default_detail = "The calendar server could not be reached."


# --- programs using the API (README "Using the API") -----------------------------------


class InsufficientScope(Forbidden):
    """A read-only personal access token on a route that changes data."""

    code = "insufficient_scope"
    default_detail = "This token is read-only; make a token with the write scope."


class InvalidRefreshToken(Unauthorized):
    """Unknown, expired, or its session ended (signed out, password changed, ...)."""

    code = "invalid_refresh_token"
    default_detail = "This refresh token is not valid; get a new one with your password."


class RefreshTokenReused(Unauthorized):
    """A refresh token presented a second time: a copy leaked, so its family ended."""

    code = "refresh_token_reused"
    default_detail = (
        "This refresh token was already used; every token issued with it is revoked. "
        "Sign in again with your password."
    )


class RateLimited(DomainError):
    """Too many API requests from this token or address in the current window."""

    code = "rate_limited"
    http_status = 429

    def __init__(self, retry_after_seconds: int) -> None:
        seconds = max(1, int(retry_after_seconds))
        super().__init__(f"Too many requests. Try again in {seconds} s.")
        self.retry_after_seconds = seconds


class InUse(Conflict):
    """An admin delete of a row others still point at (a user with lessons, a subject
    services use): `reason` names what refers to it ("lessons", "services", "self")."""

    code = "in_use"

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
