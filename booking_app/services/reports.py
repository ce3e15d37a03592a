"""Reports for running the school: teacher-load (per tutor) and subject-load (per subject).

Who: an admin sees every tutor; a tutor only themselves (their subjects only in
subject-load); anyone else is refused. Period: calendar days in the viewer's zone
(services/periods.py); a lesson belongs to the period when it STARTS in it.

What each number means (README "Running the school" repeats this for users):
- lessons held: lessons not cancelled, already ended, with at least one seat given
  (confirmed, completed or no-show: the tutor was there); hours taught: their length;
- cancelled / late-cancelled / no-show: bookings (seats) with that status; every status
  that occurs is also in ``statuses`` (so a new one shows up as a column by itself);
- distinct students: people given a seat (accounts by id, guests by phone);
- utilization = booked hours / offered hours, where booked hours are the lengths of
  lessons not cancelled with a seat held (pending included; ended or not) and offered
  hours are the tutor's working hours over the period: weekly hours with date overrides,
  in the tutor's zone, by the same engine that offers slots (scheduling/availability).
  Busy blocks are not subtracted (they are the tutor's own choice not to teach, which is
  what utilization should show). Subjects have no offered hours (hours are per tutor);
- revenue expected: prices of seats given (confirmed, completed, no-show); paid: the
  amounts received (the paid amount, else the price) of seats marked paid, whatever
  their status (a late cancellation may be paid);
- demand (both reports, mostly read per subject): requests = bookings made by students or
  guests (not added by the tutor), any outcome; trials = people with a trial booking;
  converted = those with a later regular booking with the same tutor that was not
  cancelled; conversion = converted / trials.
Every count and sum is done by the database (repositories/reports.py); this module only
divides the per-row totals and names the rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from booking_app.db import read_scope
from booking_app.integrations.csv_export import excel_csv_bytes
from booking_app.models import BookingStatus
from booking_app.repositories import reports as repo
from booking_app.repositories import schedules as schedules_repo
from booking_app.scheduling import normalize
from booking_app.scheduling.availability import working_intervals
from booking_app.scheduling.intervals import clip
from booking_app.services import timefmt
from booking_app.services.errors import Forbidden, ValidationFailed
from booking_app.services.periods import Period

KINDS = (repo.TUTOR_KEY, repo.SUBJECT_KEY)
NO_SUBJECT = "No subject"
CENT = Decimal("0.01")
TENTH = Decimal("0.1")
# The fixed status columns, in this order; others that occur follow (see module docstring).
STATUS_COLUMNS = {
    BookingStatus.cancelled.value: "Cancelled",
    BookingStatus.late_cancel.value: "Late-cancelled",
    BookingStatus.no_show.value: "No-show",
}


@dataclass(frozen=True)
class LoadRow:
    """One tutor or subject of a report (see the module docstring for each number)."""

    key: int  # tutor id, or subject id (0: lessons without a subject)
    name: str
    currency: str
    lessons_held: int
    hours_taught: Decimal
    booked_hours: Decimal
    offered_hours: Decimal | None
    utilization: Decimal | None  # percent, one decimal; None without offered hours
    students: int
    cancelled: int
    late_cancelled: int
    no_show: int
    revenue_expected: Decimal
    revenue_paid: Decimal
    requests: int
    trials: int
    converted: int
    conversion: Decimal | None  # percent, one decimal; None without trials
    cancelled_lessons: int
    statuses: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Report:
    kind: str
    period: Period
    rows: list[LoadRow]
    statuses: list[str]  # every status that occurs in the rows, enum order first


def _scope(role: str, user_id: int) -> int | None:
    if role == "admin":
        return None
    if role == "tutor":
        return user_id
    raise Forbidden("Only tutors and admins can see reports.")


def offered_minutes(session: Any, tutor_id: int, lo: datetime, hi: datetime) -> int:
    """The tutor's working minutes in ``[lo, hi)`` (weekly hours with date overrides, the
    slot engine's own intervals); 0 for a tutor without hours."""
    loaded = schedules_repo.load_schedule(
        session=session, tutor_id=tutor_id, range_start=lo, range_end=hi
    )
    if loaded is None:
        return 0
    tz = timefmt.zone_or_utc(loaded.schedule.tz)
    hours = clip(normalize(working_intervals(loaded.schedule, tz, lo, hi)), lo, hi)
    return int(sum((e - s).total_seconds() for s, e in hours) // 60)


def _hours(minutes: int) -> Decimal:
    return (Decimal(minutes) / 60).quantize(CENT, ROUND_HALF_UP)


def _percent(part: int, whole: int) -> Decimal | None:
    return (Decimal(100 * part) / whole).quantize(TENTH, ROUND_HALF_UP) if whole else None


def _money(value: Any) -> Decimal:
    return Decimal(str(value or 0)).quantize(CENT, ROUND_HALF_UP)


def _row(key: tuple[int, str], name: str, data: dict[str, Any], offered: int | None) -> LoadRow:
    lessons: repo.LessonLoad | None = data.get("lessons")
    seats: repo.SeatLoad | None = data.get("seats")
    statuses: dict[str, int] = data.get("statuses", {})
    booked = lessons.booked_min if lessons else 0
    trials = seats.trials if seats else 0
    converted = seats.converted if seats else 0
    return LoadRow(
        key=key[0],
        name=name,
        currency=key[1] or data.get("currency", ""),
        lessons_held=lessons.held if lessons else 0,
        hours_taught=_hours(lessons.taught_min if lessons else 0),
        booked_hours=_hours(booked),
        offered_hours=_hours(offered) if offered is not None else None,
        utilization=_percent(booked, offered) if offered is not None else None,
        students=seats.students if seats else 0,
        cancelled=statuses.get(BookingStatus.cancelled.value, 0),
        late_cancelled=statuses.get(BookingStatus.late_cancel.value, 0),
        no_show=statuses.get(BookingStatus.no_show.value, 0),
        revenue_expected=_money(seats.expected if seats else 0),
        revenue_paid=_money(seats.paid if seats else 0),
        requests=seats.requests if seats else 0,
        trials=trials,
        converted=converted,
        conversion=_percent(converted, trials),
        cancelled_lessons=lessons.cancelled_lessons if lessons else 0,
        statuses=dict(statuses),
    )


def _collect(session: Any, kind: str, period: Period, now: datetime, tutor_id: int | None) -> dict:
    """{(k1, k2): {"lessons": LessonLoad, "seats": SeatLoad, "statuses": {status: n}}}."""
    args = {"session": session, "kind": kind, "lo": period.lo, "hi": period.hi}
    found: dict[tuple[int, str], dict[str, Any]] = {}
    for load in repo.lesson_load(**args, now=now, tutor_id=tutor_id):
        found.setdefault((load.k1, load.k2), {})["lessons"] = load
    for seats in repo.seat_load(**args, tutor_id=tutor_id):
        found.setdefault((seats.k1, seats.k2), {})["seats"] = seats
    for k1, k2, status, n in repo.status_counts(**args, tutor_id=tutor_id):
        found.setdefault((k1, k2), {}).setdefault("statuses", {})[status] = n
    return found


def _statuses(rows: list[LoadRow]) -> list[str]:
    seen = {s for r in rows for s in r.statuses}
    known = [s.value for s in BookingStatus if s.value in seen]
    return known + sorted(seen - set(known))


def teacher_load(role: str, user_id: int, period: Period, *, now: datetime) -> Report:
    """One row per tutor (an admin: every active tutor, also those without lessons)."""
    tutor_id = _scope(role, user_id)
    with read_scope() as session:
        found = _collect(session, repo.TUTOR_KEY, period, now, tutor_id)
        rows = [
            _row(
                (t.id, t.currency),
                t.name,
                found.get((t.id, ""), {}),
                offered_minutes(session, t.id, period.lo, period.hi),
            )
            for t in repo.tutors(session=session, tutor_id=tutor_id)
        ]
    return Report(repo.TUTOR_KEY, period, rows, _statuses(rows))


def subject_load(role: str, user_id: int, period: Period, *, now: datetime) -> Report:
    """One row per subject (and currency) with lessons in the period."""
    tutor_id = _scope(role, user_id)
    with read_scope() as session:
        found = _collect(session, repo.SUBJECT_KEY, period, now, tutor_id)
        names = repo.subject_names(session=session)
    rows = [
        _row(key, names.get(key[0], NO_SUBJECT), data, None)
        for key, data in sorted(found.items(), key=lambda kv: (names.get(kv[0][0], "~"), kv[0]))
    ]
    return Report(repo.SUBJECT_KEY, period, rows, _statuses(rows))


def report(kind: str, role: str, user_id: int, period: Period, *, now: datetime) -> Report:
    if kind == repo.TUTOR_KEY:
        return teacher_load(role, user_id, period, now=now)
    if kind == repo.SUBJECT_KEY:
        return subject_load(role, user_id, period, now=now)
    raise ValidationFailed({"report": "Pick teacher-load or subject-load."})


def csv_header(r: Report) -> list[str]:
    extra = [s for s in r.statuses if s not in STATUS_COLUMNS]
    return [
        "Tutor" if r.kind == repo.TUTOR_KEY else "Subject",
        "Currency",
        "Lessons held",
        "Hours taught",
        "Booked hours",
        "Offered hours",
        "Utilization %",
        "Distinct students",
        *STATUS_COLUMNS.values(),
        *(f"Bookings {s.replace('_', ' ')}" for s in extra),
        "Revenue expected",
        "Revenue paid",
        "Requests",
        "Trials",
        "Converted to regular",
        "Conversion %",
        "Period from",
        "Period to",
    ]


def csv_rows(r: Report) -> list[list[object]]:
    extra = [s for s in r.statuses if s not in STATUS_COLUMNS]
    return [
        [
            row.name,
            row.currency,
            row.lessons_held,
            row.hours_taught,
            row.booked_hours,
            row.offered_hours,
            row.utilization,
            row.students,
            row.cancelled,
            row.late_cancelled,
            row.no_show,
            *(row.statuses.get(s, 0) for s in extra),
            row.revenue_expected,
            row.revenue_paid,
            row.requests,
            row.trials,
            row.converted,
            row.conversion,
            r.period.first,
            r.period.last,
        ]
        for row in r.rows
    ]


def report_csv(r: Report) -> bytes:
    """The report as an Excel-dialect CSV (integrations/csv_export.py)."""
    return excel_csv_bytes(csv_header(r), csv_rows(r), tz=r.period.tz)
