"""Keep `booking.calendar_sequence` and `lesson.calendar_sequence` growing (issue 17).

Calendar apps keep the copy of an event with the highest SEQUENCE. Two events exist per
seat: the student's (UID = booking token, SEQUENCE = the booking's counter) and the
tutor's (UID = lesson id, SEQUENCE = the lesson's counter). Each changes when the other
row does: a lesson moved or cancelled changes its bookings' events; a booking added,
cancelled or moved changes the names on its lessons' events. So, on every ORM flush:

- a changed row bumps its own counter (``before_update``, a Python +1);
- a changed lesson bumps its bookings, a changed or new booking bumps its lesson (the old
  one too when it moved), with ``UPDATE ... SET calendar_sequence = calendar_sequence + 1``
  statements on the flush's connection (Core statements fire no ORM events: no loop).

Doing it here, once, means no service has to remember it. A bulk ``UPDATE`` of bookings
or lessons (no ORM events) bumps the counter itself (repositories/lessons.py does). An
object loaded before a Core bump in the same transaction may write back the same number
the bump wrote; each committed state still has a higher counter than the one before.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm

from booking_app.models.booking import Booking
from booking_app.models.lesson import Lesson

_BOOKING = Booking.__table__  # type: ignore[attr-defined]
_LESSON = Lesson.__table__  # type: ignore[attr-defined]


def _changed(target: Any) -> bool:
    session = sa.orm.object_session(target)
    return session is not None and session.is_modified(target, include_collections=False)


def _bump_own(_mapper: Any, _connection: Any, target: Any) -> None:
    if _changed(target):
        target.calendar_sequence = (target.calendar_sequence or 0) + 1


def _bump_bookings_of_lesson(_mapper: Any, connection: Any, target: Lesson) -> None:
    connection.execute(
        sa.update(_BOOKING)
        .where(_BOOKING.c.lesson_id == target.id)
        .values(calendar_sequence=_BOOKING.c.calendar_sequence + 1)
    )


def _bump_lessons(connection: Any, lesson_ids: set[int]) -> None:
    if lesson_ids:
        connection.execute(
            sa.update(_LESSON)
            .where(_LESSON.c.id.in_(sorted(lesson_ids)))
            .values(calendar_sequence=_LESSON.c.calendar_sequence + 1)
        )


def _bump_lesson_of_new_booking(_mapper: Any, connection: Any, target: Booking) -> None:
    _bump_lessons(connection, {target.lesson_id})


def _bump_lessons_of_changed_booking(_mapper: Any, connection: Any, target: Booking) -> None:
    history = sa.inspect(target).attrs.lesson_id.history
    _bump_lessons(connection, {target.lesson_id, *(i for i in history.deleted if i)})


sa.event.listen(Booking, "before_update", _bump_own)
sa.event.listen(Lesson, "before_update", _bump_own)
sa.event.listen(Lesson, "after_update", _bump_bookings_of_lesson)
sa.event.listen(Booking, "after_insert", _bump_lesson_of_new_booking)
sa.event.listen(Booking, "after_update", _bump_lessons_of_changed_booking)
