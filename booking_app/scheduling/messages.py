"""Readable English sentences for every ``Reason``.

Why here and not in the UI: the sentence needs the tutor's actual settings
("12 hours' notice"), which only the engine has at hand when it decides.
"""

from __future__ import annotations

from .timeutil import humanize_minutes
from .types import Reason, Rules


def _too_soon(rules: Rules) -> str:
    if rules.min_notice_min <= 0:
        return "This time has already passed."
    notice = humanize_minutes(rules.min_notice_min)
    possessive = f"{notice}'" if notice.endswith("s") else f"{notice}'s"
    return (
        f"This time is less than {notice} from now; the tutor needs at least {possessive} notice."
    )


def _too_far(rules: Rules) -> str:
    days = f"{rules.horizon_days} day{'' if rules.horizon_days == 1 else 's'}"
    return (
        f"This time is more than {days} ahead; the tutor takes bookings at most {days} in advance."
    )


def _off_grid(rules: Rules) -> str:
    step = humanize_minutes(rules.slot_step_min)
    return f"Lessons start every {step} from the beginning of the tutor's working hours; please pick an offered time."


def _buffer(rules: Rules) -> str:
    return f"The tutor needs at least {humanize_minutes(rules.gap_min)} free between lessons."


def _daily_limit(rules: Rules) -> str:
    limit = rules.max_lessons_per_day or 0
    return f"The tutor already has the maximum of {limit} lesson{'' if limit == 1 else 's'} on that day."


_FIXED = {
    Reason.OK: "This time is available.",
    Reason.OUTSIDE_HOURS: "This time is outside the tutor's working hours.",
    Reason.OVERLAPS: "This time overlaps another lesson or a time the tutor is busy.",
    Reason.FULL: "This group lesson is full.",
    Reason.INVALID: "This booking request is not valid.",
}

_BUILDERS = {
    Reason.TOO_SOON: _too_soon,
    Reason.TOO_FAR: _too_far,
    Reason.OFF_GRID: _off_grid,
    Reason.BUFFER: _buffer,
    Reason.DAILY_LIMIT: _daily_limit,
}


def describe(reason: Reason, rules: Rules) -> str:
    """The UI sentence for ``reason`` under the tutor's ``rules``."""
    builder = _BUILDERS.get(reason)
    return builder(rules) if builder else _FIXED[reason]


def describe_for_tutor(reason: Reason, rules: Rules) -> str:
    """The sentence for the tutor's own calendar ("your buffer setting"): the reasons
    ``check_conflicts`` gives, addressed to the tutor; any other reason as ``describe``."""
    if reason is Reason.OVERLAPS:
        return "This time overlaps another lesson or a busy block in your calendar."
    if reason is Reason.BUFFER:
        gap = humanize_minutes(rules.gap_min)
        return f"Keep at least {gap} between lessons (your buffer setting)."
    return describe(reason, rules)
