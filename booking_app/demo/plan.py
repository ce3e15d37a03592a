"""The demo's cast and its week, as data: who exists, what they offer, when they teach.

Pure (no I/O): ``booking_app.demo.seed`` turns this plan into accounts, services,
availability, lessons and bookings through the app's own services. The week (Monday..Sunday
of `now` in each tutor's timezone) holds two regular lessons per weekday per tutor, at
10:00 and 16:00 local; lessons that ended before `now` are completed (Monday, Wednesday
and Friday ones paid), the rest scheduled and confirmed. Olena's Wednesday 16:00 lesson is
a group class with two students. On top of that: one pending trial request (to the tutor
who confirms requests by hand) and one tentative lesson without bookings, both at 12:00
local on the first weekday that is still ahead (the trial also honours the minimum
notice), possibly next week. Every lesson sits inside its tutor's working hours on whole
hours, buffers respected, so the scheduling engine accepts each one when it is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from booking_app.models import BookingKind, LessonMode, LessonType, Role

DEMO_PASSWORD = "demo-pass-2026"
"""Shared by every demo account; documented in the README and shown on the sign-in page."""

LESSON_HOURS = (10, 16)
"""Local start hours of the regular lessons: one in each working window, far from its edges."""

EXTRA_HOUR = 12
"""Local start hour of the pending trial and the tentative lesson (free in every plan)."""

MORNING = (time(9), time(13))
AFTERNOON = (time(15), time(19))
SATURDAY = (time(10), time(14))
WEEKDAYS = range(5)

BOOKED_AGO = timedelta(days=10)
"""How long before `now` the regular bookings were made (and memberships activated)."""

REQUESTED_AGO = timedelta(hours=2)
"""How long before `now` the pending trial request was sent."""

SUBJECTS = (
    ("Mathematics", "mathematics"),
    ("English", "english"),
    ("Physics", "physics"),
    ("Chemistry", "chemistry"),
    ("Ukrainian", "ukrainian"),
    ("Programming", "programming"),
)


@dataclass(frozen=True)
class DemoLogin:
    """One demo account as shown to the person trying the app."""

    role: str
    email: str
    password: str
    name: str


@dataclass(frozen=True, slots=True)
class OfferSpec:
    """A service to create; `key` names it inside the tutor's plan ("trial", "group", ...)."""

    key: str
    name: str
    subject: str
    duration_min: int
    price: Decimal
    description: str
    lesson_type: LessonType = LessonType.individual
    capacity: int = 1
    mode: LessonMode = LessonMode.online
    is_trial: bool = False


@dataclass(frozen=True, slots=True)
class StudentSpec:
    """A student account; `telegram` is stored as the app stores it (lower case, no '@')."""

    name: str
    email: str
    phone: str
    timezone: str
    telegram: str | None = None


@dataclass(frozen=True, slots=True)
class TutorSpec:
    """A tutor, their offer and who they teach this week.

    `students` rotate over the individual lessons; `group_slot` (weekday, hour) turns one
    regular lesson into the group class for `group_students`.
    """

    name: str
    email: str
    phone: str
    timezone: str
    telegram: str
    headline: str
    bio: str
    default_price: Decimal
    subjects: tuple[str, ...]
    services: tuple[OfferSpec, ...]
    students: tuple[str, ...]
    closed_weekday_next_week: int
    busy_weekday: int
    meeting_url: str = ""
    location: str | None = None
    requires_confirmation: bool = False
    works_saturday: bool = False
    group_slot: tuple[int, int] | None = None
    group_students: tuple[str, ...] = ()
    trial_request_from: str | None = None
    has_tentative_lesson: bool = False


def _trial(subject: str) -> OfferSpec:
    return OfferSpec(
        "trial",
        "Trial lesson",
        subject,
        30,
        Decimal("0"),
        "Get to know each other, check your level and agree on a plan.",
        is_trial=True,
    )


def _individual(subject: str, price: str) -> OfferSpec:
    return OfferSpec(
        "individual",
        "Individual lesson",
        subject,
        60,
        Decimal(price),
        "One-to-one lesson built around your goals.",
    )


STUDENTS = (
    StudentSpec(
        "Taras Melnyk", "taras.student@example.com", "+380671234501", "Europe/Kyiv", "taras_melnyk"
    ),
    StudentSpec("Sofiia Bondar", "sofiia.student@example.com", "+380501112233", "Europe/Kyiv"),
    StudentSpec("Andrii Tkachenko", "andrii.student@example.com", "+380931234567", "Europe/Kyiv"),
    StudentSpec("Mariia Kravets", "mariia.student@example.com", "+48512345678", "Europe/Warsaw"),
)

TUTORS = (
    TutorSpec(
        name="Olena Kovalenko",
        email="olena.tutor@example.com",
        phone="+380661234567",
        timezone="Europe/Kyiv",
        telegram="olena_maths",
        headline="Maths and physics for NMT and school, 12 years of experience",
        bio="Former lyceum teacher. I explain the why behind every formula and give short, "
        "regular homework so progress is visible every week.",
        default_price=Decimal("500"),
        subjects=("mathematics", "physics", "chemistry"),
        services=(
            _trial("mathematics"),
            _individual("mathematics", "500"),
            OfferSpec(
                "group",
                "Group class",
                "mathematics",
                90,
                Decimal("300"),
                "NMT maths practice in a small group of up to four students.",
                lesson_type=LessonType.group,
                capacity=4,
            ),
        ),
        students=(
            "taras.student@example.com",
            "sofiia.student@example.com",
            "andrii.student@example.com",
        ),
        closed_weekday_next_week=4,
        busy_weekday=2,
        meeting_url="https://meet.jit.si/demo-olena-kovalenko",
        group_slot=(2, 16),
        group_students=("taras.student@example.com", "sofiia.student@example.com"),
    ),
    TutorSpec(
        name="Iryna Shevchenko",
        email="iryna.tutor@example.com",
        phone="+48601234567",
        timezone="Europe/Warsaw",
        telegram="iryna_english",
        headline="English and Ukrainian: speaking from the first lesson",
        bio="CELTA-certified teacher living in Warsaw. Conversation-first lessons, "
        "exam preparation (IELTS, NMT) and Ukrainian for heritage speakers.",
        default_price=Decimal("600"),
        subjects=("english", "ukrainian"),
        services=(
            _trial("english"),
            _individual("english", "600"),
            OfferSpec(
                "in_person",
                "In-person lesson",
                "english",
                60,
                Decimal("700"),
                "A one-to-one lesson at my study in central Warsaw.",
                mode=LessonMode.offline,
            ),
        ),
        students=("mariia.student@example.com", "taras.student@example.com"),
        closed_weekday_next_week=3,
        busy_weekday=1,
        meeting_url="https://meet.jit.si/demo-iryna-shevchenko",
        location="Warsaw, ul. Nowy Świat 22, room 4",
        requires_confirmation=True,
        works_saturday=True,
        trial_request_from="sofiia.student@example.com",
    ),
    TutorSpec(
        name="Dmytro Bondarenko",
        email="dmytro.tutor@example.com",
        phone="+12125550147",
        timezone="America/New_York",
        telegram="dmytro_codes",
        headline="Python programming and algorithms, from first steps to interviews",
        bio="Software engineer in New York. We write real code together from day one: "
        "school olympiads, university courses and job interview practice.",
        default_price=Decimal("800"),
        subjects=("programming", "mathematics"),
        services=(_trial("programming"), _individual("programming", "800")),
        students=("andrii.student@example.com", "mariia.student@example.com"),
        closed_weekday_next_week=0,
        busy_weekday=3,
        meeting_url="https://meet.jit.si/demo-dmytro-bondarenko",
        has_tentative_lesson=True,
    ),
)


MIN_NOTICE_HOURS = 12
RULES = {
    "buffer_before_min": 0,
    "buffer_after_min": 10,
    "max_lessons_per_day": 6,
    "min_notice_hours": MIN_NOTICE_HOURS,
    "horizon_days": 60,
    "slot_step_min": 30,
    "cancellation_notice_hours": 24,
    "reminder_offsets_hours": [24, 2],
}
"""The booking rules of every demo tutor (availability.save_rules keys)."""

MIN_NOTICE = timedelta(hours=MIN_NOTICE_HOURS)


def demo_logins() -> list[DemoLogin]:
    """The demo accounts (tutors first), the same whether or not they were just created."""
    tutors = [DemoLogin(Role.tutor.value, t.email, DEMO_PASSWORD, t.name) for t in TUTORS]
    students = [DemoLogin(Role.student.value, s.email, DEMO_PASSWORD, s.name) for s in STUDENTS]
    return tutors + students


@dataclass(frozen=True, slots=True)
class PlannedLesson:
    """A lesson to write: local day and hour, which service, who holds a seat."""

    day: date
    hour: int
    service_key: str
    students: tuple[str, ...]
    booking_kind: BookingKind = BookingKind.regular
    tentative: bool = False


def week_monday(now: datetime, tz: ZoneInfo) -> date:
    local_today = now.astimezone(tz).date()
    return local_today - timedelta(days=local_today.weekday())


def at(day: date, hour: int, tz: ZoneInfo) -> datetime:
    """A local wall-clock hour as a UTC instant (whole hours never fall in a DST gap here)."""
    return datetime.combine(day, time(hour), tzinfo=tz).astimezone(UTC)


def closed_day(spec: TutorSpec, now: datetime) -> date:
    """The day next week the tutor does not work (a closed date override)."""
    tz = ZoneInfo(spec.timezone)
    return week_monday(now, tz) + timedelta(days=7 + spec.closed_weekday_next_week)


def busy_day(spec: TutorSpec, now: datetime) -> date:
    """The day this week with a personal block at 18:00-19:00, after the last lesson."""
    return week_monday(now, ZoneInfo(spec.timezone)) + timedelta(days=spec.busy_weekday)


def plan_lessons(spec: TutorSpec, now: datetime) -> list[PlannedLesson]:
    tz = ZoneInfo(spec.timezone)
    return _regular_plan(spec, week_monday(now, tz)) + _extra_plan(spec, now)


def _regular_plan(spec: TutorSpec, monday: date) -> list[PlannedLesson]:
    """Two lessons per weekday; students take turns, one slot may be the group class."""
    plan: list[PlannedLesson] = []
    turn = 0
    for weekday in WEEKDAYS:
        for hour in LESSON_HOURS:
            day = monday + timedelta(days=weekday)
            if (weekday, hour) == spec.group_slot:
                plan.append(PlannedLesson(day, hour, "group", spec.group_students))
                continue
            student = spec.students[turn % len(spec.students)]
            plan.append(PlannedLesson(day, hour, "individual", (student,)))
            turn += 1
    return plan


def _extra_plan(spec: TutorSpec, now: datetime) -> list[PlannedLesson]:
    """The pending trial request and the tentative lesson, if this tutor has them."""
    plan: list[PlannedLesson] = []
    if spec.trial_request_from:
        day = _first_open_weekday(spec, now, earliest=now + MIN_NOTICE)
        plan.append(
            PlannedLesson(day, EXTRA_HOUR, "trial", (spec.trial_request_from,), BookingKind.trial)
        )
    if spec.has_tentative_lesson:
        day = _first_open_weekday(spec, now, earliest=now)
        plan.append(PlannedLesson(day, EXTRA_HOUR, "individual", (), tentative=True))
    return plan


def _first_open_weekday(spec: TutorSpec, now: datetime, *, earliest: datetime) -> date:
    """First weekday from today whose EXTRA_HOUR is not before `earliest` and not closed."""
    tz = ZoneInfo(spec.timezone)
    day = now.astimezone(tz).date()
    closed = closed_day(spec, now)
    while day.weekday() not in WEEKDAYS or day == closed or at(day, EXTRA_HOUR, tz) < earliest:
        day += timedelta(days=1)
    return day
