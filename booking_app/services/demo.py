"""Demo data: three tutors, four students and a lived-in week, so a fresh install has
something to click through (marketplace, calendar, pending requests, classroom, reports).

Why it is built this way:
- Deterministic from `now` (no randomness): tests and screenshots can rely on exact counts.
- Idempotent and all-or-nothing: `seed_demo_data` runs on every `--demo` start; if the demo
  accounts exist it writes nothing, and a failure half-way leaves no partial demo behind.
- Every lesson sits inside its tutor's working hours on whole hours, with the tutor's buffers
  respected, so the same scheduling rules that guard real bookings accept the seeded week
  (and the PostgreSQL exclusion constraint never fires).

The week (Monday..Sunday of `now` in each tutor's timezone) holds two regular lessons per
weekday per tutor, at 10:00 and 16:00 local. Lessons that ended before `now` are
`completed` with `completed` bookings (Monday/Wednesday/Friday ones paid); the rest are
`scheduled` with `confirmed` bookings. Olena's Wednesday 16:00 lesson is a group class with
two students. On top of that: one pending trial request (to the tutor who confirms requests
by hand) and one tentative lesson without bookings, both at 12:00 local on the first weekday
that is still ahead (the trial also honours the minimum notice), possibly next week.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from booking_app.db import read_scope, session_scope
from booking_app.models import (
    AvailabilityOverride,
    AvailabilityWindow,
    Booking,
    BookingKind,
    BookingSource,
    BookingStatus,
    BusyBlock,
    Classroom,
    ClassroomMembership,
    ClassroomSession,
    Lesson,
    LessonMode,
    LessonStatus,
    LessonType,
    MembershipStatus,
    PaymentStatus,
    Role,
    Service,
    Subject,
    TutorProfile,
    TutorSubject,
    User,
)
from booking_app.repositories import users as users_repo
from booking_app.services.passwords import hash_password

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
class _ServiceSpec:
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
class _StudentSpec:
    """A student account; `telegram` is stored as the app stores it (lower case, no '@')."""

    name: str
    email: str
    phone: str
    timezone: str
    telegram: str | None = None


@dataclass(frozen=True, slots=True)
class _TutorSpec:
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
    services: tuple[_ServiceSpec, ...]
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


def _trial(subject: str) -> _ServiceSpec:
    return _ServiceSpec(
        "trial",
        "Trial lesson",
        subject,
        30,
        Decimal("0"),
        "Get to know each other, check your level and agree on a plan.",
        is_trial=True,
    )


def _individual(subject: str, price: str) -> _ServiceSpec:
    return _ServiceSpec(
        "individual",
        "Individual lesson",
        subject,
        60,
        Decimal(price),
        "One-to-one lesson built around your goals.",
    )


STUDENTS = (
    _StudentSpec(
        "Taras Melnyk", "taras.student@demo.local", "+380671234501", "Europe/Kyiv", "taras_melnyk"
    ),
    _StudentSpec("Sofiia Bondar", "sofiia.student@demo.local", "+380501112233", "Europe/Kyiv"),
    _StudentSpec("Andrii Tkachenko", "andrii.student@demo.local", "+380931234567", "Europe/Kyiv"),
    _StudentSpec("Mariia Kravets", "mariia.student@demo.local", "+48512345678", "Europe/Warsaw"),
)

TUTORS = (
    _TutorSpec(
        name="Olena Kovalenko",
        email="olena.tutor@demo.local",
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
            _ServiceSpec(
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
            "taras.student@demo.local",
            "sofiia.student@demo.local",
            "andrii.student@demo.local",
        ),
        closed_weekday_next_week=4,
        busy_weekday=2,
        meeting_url="https://meet.jit.si/demo-olena-kovalenko",
        group_slot=(2, 16),
        group_students=("taras.student@demo.local", "sofiia.student@demo.local"),
    ),
    _TutorSpec(
        name="Iryna Shevchenko",
        email="iryna.tutor@demo.local",
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
            _ServiceSpec(
                "in_person",
                "In-person lesson",
                "english",
                60,
                Decimal("700"),
                "A one-to-one lesson at my study in central Warsaw.",
                mode=LessonMode.offline,
            ),
        ),
        students=("mariia.student@demo.local", "taras.student@demo.local"),
        closed_weekday_next_week=3,
        busy_weekday=1,
        meeting_url="https://meet.jit.si/demo-iryna-shevchenko",
        location="Warsaw, ul. Nowy Świat 22, room 4",
        requires_confirmation=True,
        works_saturday=True,
        trial_request_from="sofiia.student@demo.local",
    ),
    _TutorSpec(
        name="Dmytro Bondarenko",
        email="dmytro.tutor@demo.local",
        phone="+12125550147",
        timezone="America/New_York",
        telegram="dmytro_codes",
        headline="Python programming and algorithms, from first steps to interviews",
        bio="Software engineer in New York. We write real code together from day one: "
        "school olympiads, university courses and job interview practice.",
        default_price=Decimal("800"),
        subjects=("programming", "mathematics"),
        services=(_trial("programming"), _individual("programming", "800")),
        students=("andrii.student@demo.local", "mariia.student@demo.local"),
        closed_weekday_next_week=0,
        busy_weekday=3,
        meeting_url="https://meet.jit.si/demo-dmytro-bondarenko",
        has_tentative_lesson=True,
    ),
)


# ---------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------


def demo_logins() -> list[DemoLogin]:
    """The demo accounts (tutors first), the same whether or not they were just created."""
    tutors = [DemoLogin(Role.tutor.value, t.email, DEMO_PASSWORD, t.name) for t in TUTORS]
    students = [DemoLogin(Role.student.value, s.email, DEMO_PASSWORD, s.name) for s in STUDENTS]
    return tutors + students


def has_any_user() -> bool:
    """Whether anyone has an account yet: the demo is meant for an empty installation."""
    with read_scope() as session:
        return session.exec(select(User.id).limit(1)).first() is not None


def seed_demo_data(*, now: datetime) -> list[DemoLogin]:
    """Create the demo tutors, students and their week around `now`; return the logins.

    Writes nothing if a demo account already exists. The password is hashed once, before
    the write transaction, so the database lock is not held during the (slow) hashing.
    A concurrent seeder that wins the race makes ours fail on the unique email: that is
    the same outcome as "already seeded", so it is not an error.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("seed_demo_data needs an aware datetime for `now`")
    now = now.astimezone(timezone.utc)
    with read_scope() as session:
        if _demo_users_exist(session):
            return demo_logins()
    password_hash = hash_password(DEMO_PASSWORD)
    try:
        with session_scope(write=True) as session:
            if not _demo_users_exist(session):  # re-checked under the write lock
                _seed(session, now=now, password_hash=password_hash)
    except IntegrityError:
        with read_scope() as session:
            if not _demo_users_exist(session):
                raise
    return demo_logins()


# ---------------------------------------------------------------------------------------------
# Seeding, one aggregate at a time
# ---------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _TutorRows:
    """What later steps need of one seeded tutor."""

    spec: _TutorSpec
    user: User
    profile: TutorProfile
    classroom: Classroom
    services: dict[str, Service]
    tz: ZoneInfo


@dataclass(frozen=True, slots=True)
class _PlannedLesson:
    """A lesson to write: local day and hour, which service, who holds a seat."""

    day: date
    hour: int
    service_key: str
    students: tuple[str, ...]
    booking_kind: BookingKind = BookingKind.regular
    tentative: bool = False


@dataclass(slots=True)
class _Week:
    """(classroom, student) pairs with a confirmed or completed booking, and their lessons."""

    members: set[tuple[int, int]] = field(default_factory=set)
    booked_lessons: list[Lesson] = field(default_factory=list)


def _demo_users_exist(session: Session) -> bool:
    emails = [login.email for login in demo_logins()]
    return session.exec(select(User.id).where(User.email.in_(emails))).first() is not None


def _seed(session: Session, *, now: datetime, password_hash: str) -> None:
    subjects = _seed_subjects(session)
    students = {s.email: _add_student(session, s, password_hash) for s in STUDENTS}
    week = _Week()
    for spec in TUTORS:
        rows = _add_tutor(session, spec, subjects, password_hash)
        _add_availability(session, rows, now)
        for planned in _plan_lessons(rows, now):
            _add_lesson(session, rows, planned, students, now, week)
    _add_memberships_and_sessions(session, week, now)


def _seed_subjects(session: Session) -> dict[str, Subject]:
    """Get or create each subject: an admin may have added some before the demo."""
    existing = {s.slug: s for s in session.exec(select(Subject)).all()}
    for name, slug in SUBJECTS:
        if slug not in existing:
            existing[slug] = Subject(name=name, slug=slug)
            session.add(existing[slug])
    session.flush()
    return existing


def _add_student(session: Session, spec: _StudentSpec, password_hash: str) -> User:
    return users_repo.add_user(
        session=session,
        user=User(
            name=spec.name,
            email=spec.email,
            phone=spec.phone,
            role=Role.student,
            timezone=spec.timezone,
            telegram_username=spec.telegram,
            password_hash=password_hash,
        ),
    )


def _free_slug(session: Session, name: str) -> str:
    """The name as a URL slug, suffixed if a real tutor already uses it."""
    base = "-".join(name.lower().split())
    slug, n = base, 1
    while users_repo.slug_taken(session=session, slug=slug):
        n += 1
        slug = f"{base}-{n}"
    return slug


def _add_tutor(
    session: Session, spec: _TutorSpec, subjects: dict[str, Subject], password_hash: str
) -> _TutorRows:
    user = users_repo.add_user(
        session=session,
        user=User(
            name=spec.name,
            email=spec.email,
            phone=spec.phone,
            role=Role.tutor,
            timezone=spec.timezone,
            telegram_username=spec.telegram,
            password_hash=password_hash,
        ),
    )
    profile = TutorProfile(
        user_id=user.id,
        slug=_free_slug(session, spec.name),
        headline=spec.headline,
        bio=spec.bio,
        default_price=spec.default_price,
        currency="UAH",
        buffer_before_min=0,
        buffer_after_min=10,
        max_lessons_per_day=6,
        min_notice_min=12 * 60,
        horizon_days=60,
        slot_step_min=30,
        cancellation_notice_hours=24,
        reminder_offsets_hours=[24, 2],
        requires_confirmation=spec.requires_confirmation,
    )
    classroom = Classroom(tutor_id=user.id, name=f"{spec.name}'s classroom")
    users_repo.add_tutor_profile(session=session, profile=profile, classroom=classroom)
    for slug in spec.subjects:
        session.add(TutorSubject(tutor_profile_id=profile.id, subject_id=subjects[slug].id))
    services = {s.key: _service(spec, s, user.id, subjects) for s in spec.services}
    session.add_all(services.values())
    session.flush()
    return _TutorRows(spec, user, profile, classroom, services, ZoneInfo(spec.timezone))


def _service(
    tutor: _TutorSpec, spec: _ServiceSpec, tutor_id: int | None, subjects: dict[str, Subject]
) -> Service:
    online = spec.mode is LessonMode.online
    return Service(
        tutor_id=tutor_id,
        subject_id=subjects[spec.subject].id,
        name=spec.name,
        description=spec.description,
        duration_min=spec.duration_min,
        price=spec.price,
        lesson_type=spec.lesson_type,
        capacity=spec.capacity,
        mode=spec.mode,
        meeting_url=tutor.meeting_url if online else None,
        location=None if online else tutor.location,
        is_trial=spec.is_trial,
    )


def _week_monday(now: datetime, tz: ZoneInfo) -> date:
    local_today = now.astimezone(tz).date()
    return local_today - timedelta(days=local_today.weekday())


def _at(day: date, hour: int, tz: ZoneInfo) -> datetime:
    """A local wall-clock hour as a UTC instant (whole hours never fall in a DST gap here)."""
    return datetime.combine(day, time(hour), tzinfo=tz).astimezone(timezone.utc)


def _closed_day(rows: _TutorRows, now: datetime) -> date:
    return _week_monday(now, rows.tz) + timedelta(days=7 + rows.spec.closed_weekday_next_week)


def _add_availability(session: Session, rows: _TutorRows, now: datetime) -> None:
    """Weekly hours, a closed day next week and a one-hour personal block this week.

    The busy block (18:00-19:00 local) lies after the last regular lesson of the day, so it
    shows on the calendar without displacing a lesson.
    """
    tutor_id = rows.user.id
    for weekday in WEEKDAYS:
        for start, end in (MORNING, AFTERNOON):
            session.add(
                AvailabilityWindow(
                    tutor_id=tutor_id, weekday=weekday, start_time=start, end_time=end
                )
            )
    if rows.spec.works_saturday:
        session.add(
            AvailabilityWindow(
                tutor_id=tutor_id, weekday=5, start_time=SATURDAY[0], end_time=SATURDAY[1]
            )
        )
    session.add(AvailabilityOverride(tutor_id=tutor_id, day=_closed_day(rows, now)))
    busy_day = _week_monday(now, rows.tz) + timedelta(days=rows.spec.busy_weekday)
    session.add(
        BusyBlock(
            tutor_id=tutor_id,
            starts_at=_at(busy_day, 18, rows.tz),
            ends_at=_at(busy_day, 19, rows.tz),
            title="Personal: doctor's appointment",
        )
    )


def _plan_lessons(rows: _TutorRows, now: datetime) -> list[_PlannedLesson]:
    return _regular_plan(rows.spec, _week_monday(now, rows.tz)) + _extra_plan(rows, now)


def _regular_plan(spec: _TutorSpec, monday: date) -> list[_PlannedLesson]:
    """Two lessons per weekday; students take turns, one slot may be the group class."""
    plan: list[_PlannedLesson] = []
    turn = 0
    for weekday in WEEKDAYS:
        for hour in LESSON_HOURS:
            day = monday + timedelta(days=weekday)
            if (weekday, hour) == spec.group_slot:
                plan.append(_PlannedLesson(day, hour, "group", spec.group_students))
                continue
            student = spec.students[turn % len(spec.students)]
            plan.append(_PlannedLesson(day, hour, "individual", (student,)))
            turn += 1
    return plan


def _extra_plan(rows: _TutorRows, now: datetime) -> list[_PlannedLesson]:
    """The pending trial request and the tentative lesson, if this tutor has them."""
    plan: list[_PlannedLesson] = []
    spec = rows.spec
    if spec.trial_request_from:
        notice = timedelta(minutes=rows.profile.min_notice_min)
        day = _first_open_weekday(rows, now, earliest=now + notice)
        plan.append(
            _PlannedLesson(day, EXTRA_HOUR, "trial", (spec.trial_request_from,), BookingKind.trial)
        )
    if spec.has_tentative_lesson:
        day = _first_open_weekday(rows, now, earliest=now)
        plan.append(_PlannedLesson(day, EXTRA_HOUR, "individual", (), tentative=True))
    return plan


def _first_open_weekday(rows: _TutorRows, now: datetime, *, earliest: datetime) -> date:
    """First weekday from today whose EXTRA_HOUR is not before `earliest` and not closed."""
    day = now.astimezone(rows.tz).date()
    closed = _closed_day(rows, now)
    while (
        day.weekday() not in WEEKDAYS or day == closed or _at(day, EXTRA_HOUR, rows.tz) < earliest
    ):
        day += timedelta(days=1)
    return day


def _add_lesson(
    session: Session,
    rows: _TutorRows,
    planned: _PlannedLesson,
    students: dict[str, User],
    now: datetime,
    week: _Week,
) -> None:
    service = rows.services[planned.service_key]
    starts_at = _at(planned.day, planned.hour, rows.tz)
    ends_at = starts_at + timedelta(minutes=service.duration_min)
    lesson = Lesson(
        tutor_id=rows.user.id,
        service_id=service.id,
        title=service.name,
        starts_at=starts_at,
        ends_at=ends_at,
        lesson_type=service.lesson_type,
        capacity=service.capacity,
        mode=service.mode,
        location=service.location,
        meeting_url=service.meeting_url,
        price=service.price,
        status=_lesson_status(planned, ends_at, now),
        created_at=now - BOOKED_AGO,
        updated_at=now - BOOKED_AGO,
    )
    session.add(lesson)
    session.flush()
    for email in planned.students:
        booking = _booking(lesson, students[email], planned, now)
        session.add(booking)
        if booking.status is not BookingStatus.pending:
            week.members.add((rows.classroom.id or 0, booking.student_id or 0))
    if planned.students and planned.booking_kind is BookingKind.regular:
        week.booked_lessons.append(lesson)


def _lesson_status(planned: _PlannedLesson, ends_at: datetime, now: datetime) -> LessonStatus:
    if planned.tentative:
        return LessonStatus.tentative
    return LessonStatus.completed if ends_at <= now else LessonStatus.scheduled


def _booking(lesson: Lesson, student: User, planned: _PlannedLesson, now: datetime) -> Booking:
    """A seat for `student`: pending if it is the trial request, else follows the lesson."""
    booking = Booking(
        lesson_id=lesson.id,
        tutor_id=lesson.tutor_id,
        student_id=student.id,
        client_name=student.name,
        client_phone=student.phone,
        client_email=student.email,
        telegram_username=student.telegram_username,
        kind=planned.booking_kind,
        source=BookingSource.marketplace,
        price=lesson.price,
    )
    if planned.booking_kind is BookingKind.trial:
        booking.status = BookingStatus.pending
        booking.created_at = booking.updated_at = now - REQUESTED_AGO
        return booking
    booked_at = now - BOOKED_AGO
    booking.created_at = booking.updated_at = booking.confirmed_at = booked_at
    if lesson.status is LessonStatus.completed:
        booking.status = BookingStatus.completed
        _mark_paid_if_due(booking, lesson, planned.day)
    else:
        booking.status = BookingStatus.confirmed
    return booking


def _mark_paid_if_due(booking: Booking, lesson: Lesson, day: date) -> None:
    """Monday, Wednesday and Friday lessons were paid after the lesson; the rest are owed,
    so the "show payments" view has both kinds."""
    if day.weekday() % 2 == 0 and booking.price > 0:
        booking.payment_status = PaymentStatus.paid
        booking.paid_amount = booking.price
        booking.paid_at = lesson.ends_at


def _add_memberships_and_sessions(session: Session, week: _Week, now: datetime) -> None:
    """ACTIVE members for every confirmed/completed booking, a room for each booked lesson.

    Completed lessons get a room too: it was created when their booking was confirmed,
    and it keeps the lesson's shared notes.
    """
    activated_at = now - BOOKED_AGO
    for classroom_id, student_id in sorted(week.members):
        session.add(
            ClassroomMembership(
                classroom_id=classroom_id,
                student_id=student_id,
                status=MembershipStatus.active,
                created_at=activated_at,
                activated_at=activated_at,
            )
        )
    for lesson in week.booked_lessons:
        session.add(ClassroomSession(lesson_id=lesson.id, created_at=activated_at))
    session.flush()
