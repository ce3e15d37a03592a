"""A tutor's public offer (/t/<slug>): who they are, what they offer, and the free week.

``week_slots`` is the offer itself: it loads the schedule with ``repositories.schedules``
(3 statements) and returns exactly what ``scheduling.free_slots`` offers, the same engine
predicate the booking path re-checks with under the tutor's lock, so no page (the public
page, the tutor's own preview, the reschedule dialog) can promise a time a booking would
refuse.

Computed weeks are reused (`_WEEKS`): the key holds the tutor's ``schedule_version``
(grows in the transaction of every schedule change, services/next_free.py) and ``now`` to
the minute, so a reused week is never older than the schedule it came from and at most a
minute older in time, like a page opened a minute ago (the booking path re-checks anyway).
Many visitors paging one tutor's weeks then cost one small statement each instead of the
schedule load and the engine (issue 15: a quarter of the worker's CPU under load).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from booking_app.config import get_settings
from booking_app.db import read_connection, read_scope
from booking_app.repositories import marketplace as repo
from booking_app.repositories import schedules as schedules_repo
from booking_app.repositories.marketplace import PublicService
from booking_app.scheduling import ServiceSpec, free_slots, joinable_lessons
from booking_app.services import offer_fields as f
from booking_app.services import timefmt
from booking_app.services.errors import NotFound, ValidationFailed
from booking_app.services.recent import RecentValues

NOT_A_TUTOR = "Only tutors have availability."
SERVICE_NOT_FOUND = "This service does not exist or is not yours."
DEFAULT_SERVICE = ServiceSpec(duration_min=60)
"""What the week shows before the tutor has created any active service."""


# Computed weeks, keyed by the schedule version (WEEK_CACHE_SIZE entries; 0: none).
_WEEKS: RecentValues[WeekView] = RecentValues(lambda: get_settings().week_cache_size)


@dataclass(frozen=True)
class PublicServiceView:
    id: int
    name: str
    description: str
    duration_min: int
    price: str
    currency: str
    lesson_type: str
    capacity: int
    mode: str
    is_trial: bool
    subject_name: str


@dataclass(frozen=True)
class TutorPublicView:
    tutor_id: int
    slug: str
    name: str
    headline: str
    bio: str
    subjects: list[str]
    timezone: str
    requires_confirmation: bool
    services: list[PublicServiceView]


@dataclass(frozen=True)
class SlotView:
    start: str  # UTC ISO "2026-11-30T07:00:00+00:00"
    time: str  # "09:00" in the viewer's zone
    label: str  # "Mon 30 Nov, 09:00"


@dataclass(frozen=True)
class DayView:
    date: str  # "2026-11-30"
    label: str  # "Mon 30 Nov"
    slots: list[SlotView]


@dataclass(frozen=True)
class JoinableView:
    lesson_id: int
    start: str  # UTC ISO
    label: str  # viewer-local
    free_spots: int
    title: str


@dataclass(frozen=True)
class WeekView:
    week_start: str  # Monday "2026-11-30" in the viewer's zone
    label: str  # "30 Nov – 6 Dec 2026"
    timezone: str
    days: list[DayView]  # always 7, Monday first
    joinable: list[JoinableView]
    slot_count: int


# --- the tutor's page ---------------------------------------------------------------


def _service_view(row: PublicService, currency: str) -> PublicServiceView:
    service = row.service
    return PublicServiceView(
        id=service.id or 0,
        name=service.name,
        description=service.description,
        duration_min=service.duration_min,
        price=f.format_price(service.price),
        currency=currency,
        lesson_type=service.lesson_type.value,
        capacity=service.capacity,
        mode=service.mode.value,
        is_trial=service.is_trial,
        subject_name=row.subject_name or "",
    )


def tutor_public_page(slug: str) -> TutorPublicView:
    """A published tutor's page data; NotFound for an unknown or unpublished slug."""
    clean = (slug or "").strip().lower() if isinstance(slug, str) else ""
    with read_scope() as session:
        found = repo.public_profile(session=session, slug=clean) if clean else None
        if found is None:
            raise NotFound("There is no tutor at this address.")
        profile, user = found
        services = repo.public_services(session=session, tutor_id=user.id)
        subjects = repo.subject_names(session=session, profile_ids=[profile.id])
    return TutorPublicView(
        tutor_id=user.id,
        slug=profile.slug,
        name=user.name,
        headline=profile.headline,
        bio=profile.bio,
        subjects=subjects.get(profile.id, []),
        timezone=user.timezone,
        requires_confirmation=profile.requires_confirmation,
        services=[_service_view(r, profile.currency) for r in services],
    )


# --- the free week ---------------------------------------------------------------------


def _monday(week_start: date | None, now: datetime, tz: ZoneInfo) -> date:
    """The Monday of ``week_start`` (any day of the week works), or of today in ``tz``."""
    day = week_start or now.astimezone(tz).date()
    return day - timedelta(days=day.weekday())


def _local_midnight(day: date, tz: ZoneInfo) -> datetime:
    """Start of a local date in UTC (``fold=0``: a skipped midnight means the day's first
    real instant)."""
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


def week_slots(
    tutor_id: int,
    *,
    service_id: int | None,
    week_start: date | None,
    viewer_tz: str,
    now: datetime,
    ignore_lesson_id: int | None = None,
    include_joinable: bool = True,
    default_minutes: int | None = None,
) -> WeekView:
    """Free slots (and joinable group lessons) of one viewer-local week, Monday first.

    Exactly ``scheduling.free_slots`` over ``[Monday 00:00, next Monday 00:00)`` in the
    viewer's zone, for ``service_id`` (or, without one, a ``default_minutes`` individual
    lesson, else the tutor's oldest active service, else 60 minutes). Rescheduling passes
    ``ignore_lesson_id`` (the lesson being moved), the value its re-check uses too.
    """
    viewer = timefmt.viewer_zone(viewer_tz)
    monday = _monday(week_start, now, viewer)
    lo, hi = _local_midnight(monday, viewer), _local_midnight(monday + timedelta(days=7), viewer)
    key = (
        tutor_id, service_id, monday, viewer_tz, ignore_lesson_id, include_joinable,
        default_minutes, now.replace(second=0, microsecond=0),
    )  # fmt: skip
    # A repeat costs one statement on a bare connection (no session, no BEGIN). A miss
    # loads after that read, so what it computes is at least as new as the version it is
    # kept under: a week can be newer than its key, never older.
    with read_connection() as connection:
        version = schedules_repo.schedule_version(connection=connection, tutor_id=tutor_id)
    cached = _WEEKS.get((version, key)) if version is not None else None
    if cached is not None:
        return cached
    with read_scope() as session:
        loaded = schedules_repo.load_schedule(
            session=session,
            tutor_id=tutor_id,
            range_start=lo,
            range_end=hi,
            service_id=service_id,
            first_active_service=service_id is None and default_minutes is None,
        )
    if loaded is None:
        raise NotFound(NOT_A_TUTOR)
    if service_id is not None and loaded.service is None:
        raise NotFound(SERVICE_NOT_FOUND)
    spec = ServiceSpec(default_minutes) if default_minutes else DEFAULT_SERVICE
    if loaded.service is not None:
        spec = loaded.service.spec
    slots = free_slots(
        loaded.schedule, spec, lo, hi, now, viewer_tz, ignore_lesson_id=ignore_lesson_id
    )
    joinable = joinable_lessons(loaded.schedule, lo, hi, now, viewer_tz) if include_joinable else []
    view = WeekView(
        week_start=monday.isoformat(),
        label=timefmt.week_label(monday, monday + timedelta(days=6)),
        timezone=viewer_tz,
        days=_days(monday, slots, viewer),
        joinable=[
            JoinableView(
                j.lesson_id,
                timefmt.iso_utc(j.start),
                j.label,
                j.free_spots,
                loaded.lesson_titles.get(j.lesson_id, ""),
            )
            for j in joinable
        ],
        slot_count=len(slots),
    )
    if version is not None:
        _WEEKS.put((version, key), view)
    return view


def _days(monday: date, slots: list[Any], tz: ZoneInfo) -> list[DayView]:
    """Seven days, each with its slots (bucketed by the viewer's local date)."""
    by_day: dict[date, list[SlotView]] = {monday + timedelta(days=i): [] for i in range(7)}
    for slot in slots:
        local = slot.start.astimezone(tz)
        by_day[local.date()].append(
            SlotView(slot.start.isoformat(), timefmt.format_hhmm(local.time()), slot.label)
        )
    return [
        DayView(day.isoformat(), timefmt.day_label(day), day_slots)
        for day, day_slots in by_day.items()
    ]


# --- any run of days (the HTTP API's slots) ----------------------------------------------

MAX_RANGE_DAYS = 62


@dataclass(frozen=True)
class RangeView:
    """Free slots of the viewer-local days ``first_day`` .. ``last_day``."""

    first_day: str
    last_day: str
    timezone: str
    days: list[DayView]
    joinable: list[JoinableView]
    slot_count: int


def range_slots(
    tutor_id: int,
    *,
    service_id: int | None,
    first_day: date,
    last_day: date,
    viewer_tz: str,
    now: datetime,
    include_joinable: bool = True,
) -> RangeView:
    """The days ``first_day`` .. ``last_day`` (at most MAX_RANGE_DAYS) cut out of the
    viewer-local weeks ``week_slots`` computes: literally the public page's offer, week by
    week, so what is listed is what the page shows and a booking accepts."""
    viewer = timefmt.viewer_zone(viewer_tz)
    if last_day < first_day:
        raise ValidationFailed({"to": "The range ends before it starts."})
    if (last_day - first_day).days + 1 > MAX_RANGE_DAYS:
        raise ValidationFailed({"to": f"Ask for at most {MAX_RANGE_DAYS} days at a time."})
    lo = _local_midnight(first_day, viewer)
    hi = _local_midnight(last_day + timedelta(days=1), viewer)
    days: list[DayView] = []
    joinable: list[JoinableView] = []
    monday = _monday(first_day, now, viewer)
    while monday <= last_day:
        week = week_slots(
            tutor_id, service_id=service_id, week_start=monday, viewer_tz=viewer_tz, now=now,
            include_joinable=include_joinable,
        )  # fmt: skip
        days += [d for d in week.days if first_day.isoformat() <= d.date <= last_day.isoformat()]
        joinable += [j for j in week.joinable if lo <= datetime.fromisoformat(j.start) < hi]
        monday += timedelta(days=7)
    return RangeView(
        first_day=first_day.isoformat(),
        last_day=last_day.isoformat(),
        timezone=viewer_tz,
        days=days,
        joinable=joinable,
        slot_count=sum(len(d.slots) for d in days),
    )
