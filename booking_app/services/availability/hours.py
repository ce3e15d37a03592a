"""Weekly working hours and the hours of one date (an override), as wall times in the
tutor's zone (a 09:00 window stays 09:00 across DST). Every field error at once, then one
write; another tutor's rows are NotFound."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import Any

from booking_app import realtime
from booking_app.db import session_scope
from booking_app.repositories import availability as availability_repo
from booking_app.services import offer_fields as f
from booking_app.services import timefmt
from booking_app.services.availability.views import (
    NOT_A_TUTOR,
    OverrideView,
    WindowView,
    override_views,
    tutor_zone,
    window_view,
)
from booking_app.services.errors import LessonsOnThatDay, NotFound, ValidationFailed
from booking_app.services.next_free import refresh_next_free
from booking_app.services.validation import FieldError

MINUTES_PER_DAY = 24 * 60


# --- weekly windows and overrides --------------------------------------------------------


def _minutes(start: time, end: time) -> tuple[int, int]:
    """A window as minutes since midnight; an end of 00:00 is 1440."""
    end_min = end.hour * 60 + end.minute or MINUTES_PER_DAY
    return start.hour * 60 + start.minute, end_min


def _clean_span(raw_start: str, raw_end: str) -> tuple[time, time]:
    start = timefmt.parse_hhmm(raw_start)
    end = timefmt.parse_hhmm(raw_end, end=True)
    first, last = _minutes(start, end)
    if last < first:
        raise FieldError("Ends before it starts.")
    if last == first:
        raise FieldError("Starts and ends at the same time.")
    return start, end


def _span_text(span: tuple[time, time]) -> str:
    return f"{timefmt.format_hhmm(span[0])}{timefmt.DASH}{timefmt.format_hhmm(span[1], end=True)}"


def _check_overlaps(
    fields: f.Fields, spans: dict[int, tuple[Any, time, time]], where: Mapping[Any, str]
) -> None:
    """Flag every window overlapping an earlier one of the same group (touching is fine).

    ``spans`` maps the input index to (group, start, end); ``where`` names the group in
    the message (" on Monday" or "").
    """
    seen: list[tuple[Any, int, int, tuple[time, time]]] = []
    for index, (group, start, end) in spans.items():
        first, last = _minutes(start, end)
        for other_group, other_first, other_last, other in seen:
            if other_group == group and first < other_last and other_first < last:
                fields.add_error(f"window-{index}", f"Overlaps {_span_text(other)}{where[group]}.")
                break
        seen.append((group, first, last, (start, end)))


def _clean_weekly(windows: list[tuple[int, str, str]]) -> list[tuple[int, time, time]]:
    fields = f.Fields()
    spans: dict[int, tuple[Any, time, time]] = {}
    for index, window in enumerate(windows):
        key = f"window-{index}"
        weekday, raw_start, raw_end = _parts(window, 3)
        day = fields.take(key, lambda wd=weekday: _weekday(wd))
        span = fields.take(key, lambda s=raw_start, e=raw_end: _clean_span(s, e))
        if day is not None and span is not None and key not in fields.errors:
            spans[index] = (day, *span)
    where = {d: f" on {name}" for d, name in enumerate(timefmt.WEEKDAY_NAMES)}
    _check_overlaps(fields, spans, where)
    fields.raise_if_invalid()
    return sorted(spans.values())


def _parts(window: Any, size: int) -> tuple[Any, ...]:
    """The fields of one window row; a malformed row reads as empty fields (a field
    error for that row) instead of an exception."""
    if isinstance(window, list | tuple) and len(window) == size:
        return tuple(window)
    return ("",) * size


def _weekday(raw: int | str) -> int:
    day = f.parse_int(raw, "Choose a day of the week.")
    if not 0 <= day <= 6:
        raise FieldError("Choose a day of the week.")
    return day


def save_weekly_windows(tutor_id: int, windows: list[tuple[int, str, str]]) -> list[WindowView]:
    """Replace all weekly windows; errors are keyed "window-<index>" of the input list."""
    cleaned = _clean_weekly(list(windows))
    with session_scope(write=True) as session:
        if availability_repo.get_profile(session=session, tutor_id=tutor_id) is None:
            raise NotFound(NOT_A_TUTOR)
        availability_repo.replace_windows(session=session, tutor_id=tutor_id, windows=cleaned)
        refresh_next_free(session, tutor_id)
        realtime.publish_on_commit(session, (tutor_id,))  # working hours: calendar stats
        rows = availability_repo.list_windows(session=session, tutor_id=tutor_id)
        return [window_view(w) for w in rows]


def _clean_override(
    day: str, closed: bool, windows: list[tuple[str, str]], today: date
) -> tuple[date, list[tuple[time, time]]]:
    fields = f.Fields()
    parsed_day = fields.take("day", lambda: _future_day(day, today))
    spans: dict[int, tuple[Any, time, time]] = {}
    if not closed:
        for index, window in enumerate(windows):
            raw_start, raw_end = _parts(window, 2)
            span = fields.take(f"window-{index}", lambda s=raw_start, e=raw_end: _clean_span(s, e))
            if span is not None:
                spans[index] = (0, *span)
        _check_overlaps(fields, spans, {0: ""})
        if not windows:
            fields.add_error("day", "Add at least one time range, or mark the day closed.")
    fields.raise_if_invalid()
    assert parsed_day is not None  # no errors means every field parsed
    return parsed_day, sorted((start, end) for _, start, end in spans.values())


def _future_day(raw: str, today: date) -> date:
    try:
        day = timefmt.parse_day(raw)
    except FieldError:
        # The page's date picker shows the viewer's own format (31.12.2026, 12/31/2026):
        # a message naming "YYYY-MM-DD" next to it would contradict it (issue 14).
        raise FieldError("Choose a date in the date picker.") from None
    if day < today:
        raise FieldError("Choose today or a later date.")
    return day


def _outside(
    session: Any, tutor_id: int, day: date, spans: list[tuple[time, time]], tz: Any, now: datetime
) -> list[str]:
    """The booked lessons of `day` (not over yet) that `spans` would leave outside the
    tutor's hours, as "16:00–17:00 Algebra (1 student)"."""
    first = max(datetime.combine(day, time(0), tzinfo=tz), now)  # midnight exists in every
    last = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)  # zone, unlike 02:30
    if first >= last:
        return []
    windows = [_minutes(start, end) for start, end in spans]
    found = []
    for lesson in availability_repo.booked_lessons_between(
        session=session, tutor_id=tutor_id, start=first, end=last
    ):
        local_start, local_end = lesson.starts_at.astimezone(tz), lesson.ends_at.astimezone(tz)
        begin = local_start.hour * 60 + local_start.minute
        finish = begin + int((local_end - local_start).total_seconds() // 60)
        if any(lo <= begin and finish <= hi for lo, hi in windows):
            continue
        seats = f"{lesson.students} student" + ("" if lesson.students == 1 else "s")
        title = f" {lesson.title}" if lesson.title else ""
        span = f"{local_start:%H:%M}{timefmt.DASH}{local_end:%H:%M}"
        found.append(f"{span}{title} ({seats})")
    return found


def set_override(
    tutor_id: int,
    day: str,
    *,
    closed: bool,
    windows: list[tuple[str, str]],
    now: datetime,
    confirmed: bool = False,
) -> OverrideView:
    """Replace the hours of one date (closed, or special windows); not in the past.

    Booked lessons left outside the new hours are not cancelled (students were promised
    them), but the tutor must see them first: without `confirmed`, LessonsOnThatDay lists
    them and nothing is written; with it, the hours are saved and the lessons stay.
    """
    tz = tutor_zone(tutor_id)
    parsed_day, spans = _clean_override(day, closed, list(windows), now.astimezone(tz).date())
    with session_scope(write=True) as session:
        if not confirmed:
            clashes = _outside(session, tutor_id, parsed_day, spans, tz, now)
            if clashes:
                raise LessonsOnThatDay(clashes)
        availability_repo.replace_override(
            session=session, tutor_id=tutor_id, day=parsed_day, windows=spans
        )
        refresh_next_free(session, tutor_id, now)
        realtime.publish_on_commit(session, (tutor_id,))
        rows = availability_repo.list_overrides(
            session=session, tutor_id=tutor_id, first_day=parsed_day, day=parsed_day
        )
        return override_views(rows)[0]


def remove_override(tutor_id: int, day: str) -> None:
    """Back to the weekly hours on that date; NotFound if it had no override."""
    try:
        parsed_day = timefmt.parse_day(day)
    except FieldError as exc:
        raise ValidationFailed({"day": str(exc)}) from None
    with session_scope(write=True) as session:
        removed = availability_repo.delete_override(
            session=session, tutor_id=tutor_id, day=parsed_day
        )
        if not removed:
            raise NotFound("There are no special hours on that date.")
        refresh_next_free(session, tutor_id)
        realtime.publish_on_commit(session, (tutor_id,))
