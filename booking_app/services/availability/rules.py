"""The tutor's booking rules (buffers, daily limit, notice, horizon, slot step, cancellation
notice, reminders, confirming by hand): partial saves, effective at once (the next
``week_slots`` call uses them)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from booking_app import clock, realtime
from booking_app.db import session_scope
from booking_app.repositories import availability as availability_repo
from booking_app.services import offer_fields as f
from booking_app.services.availability.views import NOT_A_TUTOR, RulesView, rules_view
from booking_app.services.errors import NotFound
from booking_app.services.next_free import refresh_next_free
from booking_app.services.validation import FieldError

SLOT_STEPS = (5, 10, 15, 20, 30, 45, 60, 90, 120)
MAX_REMINDERS = 5


# --- rules -------------------------------------------------------------------------------


def _int_in(raw: Any, low: int, high: int, message: str) -> int:
    value = f.parse_int(raw, message)
    if not low <= value <= high:
        raise FieldError(message)
    return value


def _hours_to_minutes(raw: Any) -> int:
    """Hours (decimals allowed, "1,5" too) to whole minutes, 0..720 h."""
    message = "Enter 0 to 720 hours, e.g. 12 or 1.5."
    if isinstance(raw, bool):
        raise FieldError(message)
    try:
        hours = float(str(raw).strip().replace(",", "."))
    except ValueError:
        raise FieldError(message) from None
    if not 0 <= hours <= 720:  # also rejects nan
        raise FieldError(message)
    return round(hours * 60)


def _step(raw: Any) -> int:
    choices = ", ".join(str(s) for s in SLOT_STEPS[:-1]) + f" or {SLOT_STEPS[-1]}"
    value = f.parse_int(raw, f"Choose {choices} minutes.")
    if value not in SLOT_STEPS:
        raise FieldError(f"Choose {choices} minutes.")
    return value


def _offsets(raw: Any) -> list[int]:
    """Reminder offsets from a list or a "24, 2" string: 1..168 h, at most 5, distinct."""
    message = "Use whole hours from 1 to 168, separated by commas, e.g. 24, 2."
    items = raw.replace(";", ",").split(",") if isinstance(raw, str) else list(raw or [])
    values = {_int_in(item, 1, 168, message) for item in items if str(item).strip()}
    if len(values) > MAX_REMINDERS:
        raise FieldError(f"Use at most {MAX_REMINDERS} reminders.")
    return sorted(values, reverse=True)


_RULE_CLEANERS: dict[str, tuple[str, Any]] = {
    # RulesView field -> (TutorProfile column, cleaner)
    "buffer_before_min": (
        "buffer_before_min",
        lambda v: _int_in(v, 0, 240, "Enter 0 to 240 minutes."),
    ),
    "buffer_after_min": (
        "buffer_after_min",
        lambda v: _int_in(v, 0, 240, "Enter 0 to 240 minutes."),
    ),
    "max_lessons_per_day": (
        "max_lessons_per_day",
        lambda v: _int_in(v, 0, 24, "Enter 0 (no limit) to 24 lessons.") or None,
    ),
    "min_notice_hours": ("min_notice_min", _hours_to_minutes),
    "horizon_days": ("horizon_days", lambda v: _int_in(v, 1, 365, "Enter 1 to 365 days.")),
    "slot_step_min": ("slot_step_min", _step),
    "cancellation_notice_hours": (
        "cancellation_notice_hours",
        lambda v: _int_in(v, 0, 168, "Enter 0 to 168 hours."),
    ),
    "reminder_offsets_hours": ("reminder_offsets_hours", _offsets),
    "requires_confirmation": ("requires_confirmation", f.clean_flag),
}


def _clean_rules(rules: Mapping[str, Any]) -> dict[str, Any]:
    """Profile column -> value for every RulesView key present (others stay as they are)."""
    fields = f.Fields()
    columns: dict[str, Any] = {}
    for key, (column, clean) in _RULE_CLEANERS.items():
        if key in rules:
            value = fields.take(key, lambda c=clean, v=rules[key]: c(v))
            if key not in fields.errors:
                columns[column] = value
    fields.raise_if_invalid()
    return columns


def save_rules(tutor_id: int, rules: Mapping[str, Any]) -> RulesView:
    """Update the scheduling rules; keys are RulesView fields, missing keys are unchanged.

    Takes effect at once: the next ``week_slots`` call (the live preview) uses them.
    """
    columns = _clean_rules(rules)
    with session_scope(write=True) as session:
        found = availability_repo.get_profile(session=session, tutor_id=tutor_id)
        if found is None:
            raise NotFound(NOT_A_TUTOR)
        profile = found.profile
        for column, value in columns.items():
            setattr(profile, column, value)
        profile.updated_at = clock.now()  # audit stamp only; no rule depends on it
        refresh_next_free(session, tutor_id)
        realtime.publish_on_commit(session, (tutor_id,))  # the calendar's grid and hours
        return rules_view(profile)


# --- the week ------------------------------------------------------------------------------
