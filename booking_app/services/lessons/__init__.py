"""Lessons on a tutor's calendar: publishing and cancelling them (publish), and the
administration of one lesson: move, seats and payments, private notes (admin). Both
write through services/schedule_write.py when time is involved."""

from booking_app.services.lessons.admin import (
    LessonDetail,
    SeatView,
    lesson_detail,
    move_lesson,
    move_lesson_to,
    seat_names,
    set_lesson_notes,
    set_payment,
)
from booking_app.services.lessons.publish import (
    LessonView,
    PublishInput,
    cancel_lesson,
    lesson_view,
    lessons_between,
    publish_lesson,
    upcoming_lessons,
)

__all__ = [
    "LessonDetail",
    "LessonView",
    "PublishInput",
    "SeatView",
    "cancel_lesson",
    "lesson_detail",
    "lesson_view",
    "lessons_between",
    "move_lesson",
    "move_lesson_to",
    "seat_names",
    "publish_lesson",
    "set_lesson_notes",
    "set_payment",
    "upcoming_lessons",
]
