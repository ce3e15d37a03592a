"""Moved to tests/support/builders.py (the one place tests build data). This name stays
only until the page tests of the r13-frontend branch import from there too."""

from tests.support.builders import (  # noqa: F401
    GUEST,
    MONDAY_10,
    NOW,
    add_service,
    add_student,
    add_subject,
    add_tutor,
    booking_row,
    counts,
    form,
    lesson_row,
    utc,
)
