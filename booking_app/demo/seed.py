"""Writing the demo plan (booking_app.demo.plan) through the app's own services.

Why through the services: the demo then holds exactly what real use would have written
(profiles, rules, services, hours, rooms, memberships, outbox rows) and every lesson is
judged by the scheduling engine as it is written, so the demo cannot drift from the app.
The bookings are written as of `now - BOOKED_AGO` (the trial request as of `now -
REQUESTED_AGO`); lessons that have ended are then marked completed and some paid, as a
tutor would have done.

All or nothing: everything runs in one ``db.unit_of_work``, so a failure half-way leaves
no partial demo behind. Idempotent: nothing is written when a demo account exists. A
concurrent seeder that wins the race makes ours fail on the unique email: that is the same
outcome as "already seeded", so it is not an error.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError

from booking_app import realtime
from booking_app.db import unit_of_work
from booking_app.demo import plan
from booking_app.models import BookingKind, BookingSource, LessonMode, Role
from booking_app.repositories import tutor_services as services_repo
from booking_app.repositories import users as users_repo
from booking_app.services import accounts, availability, classroom, lessons, onboarding, profile
from booking_app.services import tutor_services as offers
from booking_app.services.booking.seats import add_service_lesson, add_student_seat, admit, spec_of
from booking_app.services.passwords import hash_password
from booking_app.services.schedule_write import locked_schedule
from booking_app.services.timefmt import local_input

SEAT_SOURCE = BookingSource.marketplace


def has_any_user() -> bool:
    """Whether anyone has an account yet: the demo is meant for an empty installation."""
    return accounts.any_account()


def _demo_users_exist() -> bool:
    return accounts.any_account([login.email for login in plan.demo_logins()])


def seed_demo_data(*, now: datetime) -> list[plan.DemoLogin]:
    """Create the demo tutors, students and their week around `now`; return the logins.

    The password is hashed once, before the write transaction, so the database lock is
    not held during the (slow) hashing.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("seed_demo_data needs an aware datetime for `now`")
    now = now.astimezone(UTC)
    if _demo_users_exist():
        return plan.demo_logins()
    password_hash = hash_password(plan.DEMO_PASSWORD)
    try:
        with unit_of_work() as session:
            if not _demo_users_exist():  # re-checked under the write lock
                _seed(now, password_hash)
            realtime.forget_on_commit(session)  # fresh accounts: nobody is watching
    except IntegrityError:
        if not _demo_users_exist():
            raise
    return plan.demo_logins()


def _seed(now: datetime, password_hash: str) -> None:
    subjects = offers.ensure_subjects(list(plan.SUBJECTS))
    students = {
        s.email: accounts.add_trusted_account(
            name=s.name, email=s.email, phone=s.phone, role=Role.student,
            timezone=s.timezone, telegram_username=s.telegram, password_hash=password_hash,
        ).id
        for s in plan.STUDENTS
    }  # fmt: skip
    for spec in plan.TUTORS:
        tutor_id = _add_tutor(spec, subjects, password_hash)
        services = {
            offer.key: offers.create_service(tutor_id, _service_input(spec, offer, subjects)).id
            for offer in spec.services
        }
        _add_availability(spec, tutor_id, now)
        onboarding.publish(tutor_id, now=now)  # bookable now: services and hours are in
        for planned in plan.plan_lessons(spec, now):
            _add_lesson(spec, tutor_id, services[planned.service_key], planned, students, now)


def _add_tutor(spec: plan.TutorSpec, subjects: dict[str, int], password_hash: str) -> int:
    tutor_id = accounts.add_trusted_account(
        name=spec.name, email=spec.email, phone=spec.phone, role=Role.tutor,
        timezone=spec.timezone, telegram_username=spec.telegram, password_hash=password_hash,
    ).id  # fmt: skip
    profile.save_profile(
        tutor_id,
        {
            "headline": spec.headline,
            "bio": spec.bio,
            "default_price": str(spec.default_price),
            "currency": "UAH",
            "subject_ids": [subjects[slug] for slug in spec.subjects],
        },
    )
    availability.save_rules(
        tutor_id, {**plan.RULES, "requires_confirmation": spec.requires_confirmation}
    )
    return tutor_id


def _service_input(
    spec: plan.TutorSpec, offer: plan.OfferSpec, subjects: dict[str, int]
) -> offers.ServiceInput:
    online = offer.mode is LessonMode.online
    return offers.ServiceInput(
        name=offer.name,
        subject_id=subjects[offer.subject],
        description=offer.description,
        duration_min=offer.duration_min,
        price=str(offer.price),
        lesson_type=offer.lesson_type.value,
        capacity=offer.capacity,
        mode=offer.mode.value,
        location="" if online else spec.location or "",
        meeting_url=spec.meeting_url if online else "",
        is_trial=offer.is_trial,
    )


def _add_availability(spec: plan.TutorSpec, tutor_id: int, now: datetime) -> None:
    """Weekly hours, a closed day next week and a one-hour personal block this week (added
    when the bookings were made). The block (18:00-19:00 local) lies after the last
    regular lesson of the day, so it shows on the calendar without displacing a lesson."""
    hours = [(plan.MORNING, day) for day in plan.WEEKDAYS] + [
        (plan.AFTERNOON, day) for day in plan.WEEKDAYS
    ]
    if spec.works_saturday:
        hours.append((plan.SATURDAY, 5))
    availability.save_weekly_windows(
        tutor_id, [(day, f"{a:%H:%M}", f"{b:%H:%M}") for (a, b), day in sorted(hours, key=_day)]
    )
    availability.set_override(
        tutor_id, plan.closed_day(spec, now).isoformat(), closed=True, windows=[], now=now
    )
    tz = ZoneInfo(spec.timezone)
    day = plan.busy_day(spec, now)
    availability.add_busy_block(
        tutor_id,
        local_input(plan.at(day, 18, tz), tz),
        local_input(plan.at(day, 19, tz), tz),
        "Personal: doctor's appointment",
        now=now - plan.BOOKED_AGO,
    )


def _day(item: tuple[tuple[object, object], int]) -> int:
    return item[1]


def _add_lesson(
    spec: plan.TutorSpec,
    tutor_id: int,
    service_id: int,
    planned: plan.PlannedLesson,
    students: dict[str, int],
    now: datetime,
) -> None:
    tz = ZoneInfo(spec.timezone)
    start = plan.at(planned.day, planned.hour, tz)
    if planned.tentative:
        lessons.publish_lesson(tutor_id, _tentative(spec, service_id, start, tz),
                               now=now - plan.BOOKED_AGO)  # fmt: skip
        return
    trial = planned.booking_kind is BookingKind.trial
    booked_at = now - (plan.REQUESTED_AGO if trial else plan.BOOKED_AGO)
    seats: list[tuple[int, Decimal]] = []
    with locked_schedule(tutor_id) as write:
        service = services_repo.get_service(
            session=write.session, tutor_id=tutor_id, service_id=service_id
        )
        assert service is not None
        write.refuse(write.slot_verdict(spec_of(service), start, booked_at, None))
        lesson = add_service_lesson(write, tutor_id, service, start, booked_at)
        for email in planned.students:
            student = users_repo.get_user(session=write.session, user_id=students[email])
            assert student is not None
            booking = add_student_seat(write, lesson, student, booked_at, source=SEAT_SOURCE,
                                       kind=planned.booking_kind, confirmed=not trial)  # fmt: skip
            seats.append((booking.id or 0, booking.price))
            if not trial:
                admit(write, booking, booked_at)
    if not trial and lesson.ends_at <= now:
        _complete(tutor_id, lesson.id or 0, lesson.ends_at, planned.day.weekday(), seats)


def _tentative(
    spec: plan.TutorSpec, service_id: int, start: datetime, tz: ZoneInfo
) -> lessons.PublishInput:
    return lessons.PublishInput(
        start_local=local_input(start, tz), duration_min=60, service_id=service_id, title="",
        lesson_type="individual", capacity=1, mode="online", location="",
        meeting_url=spec.meeting_url, tentative=True, price="",
    )  # fmt: skip


def _complete(
    tutor_id: int, lesson_id: int, ended: datetime, weekday: int, seats: list[tuple[int, Decimal]]
) -> None:
    """The tutor marked the lesson completed in its room; Monday, Wednesday and Friday
    lessons were paid right after it (so the payments view has both kinds)."""
    room = classroom.open_room(lesson_id, user_id=tutor_id, now=ended)
    classroom.mark_completed(room, tutor_id=tutor_id, now=ended)
    if weekday % 2:
        return
    for booking_id, price in seats:
        if price > 0:
            lessons.set_payment(tutor_id, booking_id, paid=True, amount="", now=ended)
