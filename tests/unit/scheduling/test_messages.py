"""Durations in UI sentences read naturally."""

import pytest

from booking_app.scheduling import Reason, Rules
from booking_app.scheduling.messages import describe
from booking_app.scheduling.timeutil import humanize_minutes


@pytest.mark.parametrize(
    ("minutes", "text"),
    [
        (0, "0 minutes"),
        (1, "1 minute"),
        (45, "45 minutes"),
        (60, "1 hour"),
        (90, "1 hour 30 minutes"),
        (720, "12 hours"),
        (1440, "1 day"),
        (2 * 1440 + 61, "2 days 1 hour 1 minute"),
    ],
)
def test_humanize_minutes(minutes, text):
    assert humanize_minutes(minutes) == text


def test_every_reason_has_a_sentence():
    for reason in Reason:
        sentence = describe(reason, Rules(max_lessons_per_day=3, min_notice_min=90))
        assert sentence.endswith(".") and sentence[0].isupper()


def test_daily_limit_plural():
    assert describe(Reason.DAILY_LIMIT, Rules(max_lessons_per_day=3)) == (
        "The tutor already has the maximum of 3 lessons on that day."
    )


def test_horizon_singular():
    assert describe(Reason.TOO_FAR, Rules(horizon_days=1)) == (
        "This time is more than 1 day ahead; the tutor takes bookings at most 1 day in advance."
    )
