"""What an administrator does to the school's data, through the same services as the
tutor's own actions, each with an audit log row written in the same transaction.

Why wrappers and not edit forms: a generic form writes a row and skips every rule (the
tutor's lock, the scheduling engine, the outbox, live updates). Each operation here:

1. opens ONE transaction (``db.unit_of_work``: every service call inside joins it);
2. re-reads the acting user and refuses anyone who is not an active admin NOW (the
   admin panel re-checks per request; this is the second, independent check);
3. locks the tutor's calendar when the target is a booking or a lesson, then snapshots
   the target row (secrets left out, services/audit.py);
4. calls the tutor's own service (``confirm_booking``, ``cancel_for_tutor``,
   ``move_lesson_to``, ``set_payment``, ...): same locks, rules, outbox rows, live
   updates, which therefore also commit or roll back with this transaction;
5. snapshots the target again and writes the AuditLog row (who, what, when, before,
   after). A refusal raises the service's domain error and nothing is written at all.

The tutor's offer (profile, services, busy time, special hours) is changed the same way,
through the functions the tutor's own pages and API call: a generic admin form would skip
the publish rule, the next-free recompute and the ``schedule_version`` bump that keep the
marketplace and the cached weeks of slots honest, and the tutor's live update.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlmodel import Session, SQLModel

from booking_app.db import read_scope, unit_of_work
from booking_app.models import (
    AuditLog,
    AvailabilityOverride,
    Booking,
    BusyBlock,
    Lesson,
    LessonType,
    Notification,
    Role,
    Service,
    TutorProfile,
    User,
)
from booking_app.repositories import audit as audit_repo
from booking_app.repositories import schedules as schedules_repo
from booking_app.repositories import school as school_repo
from booking_app.repositories import users as users_repo
from booking_app.services import (
    account_security,
    accounts,
    audit,
    availability,
    onboarding,
    timefmt,
    tutor_services,
)
from booking_app.services import notification_resend as outbox
from booking_app.services.booking import manage, requests
from booking_app.services.booking import tutor_actions as seats
from booking_app.services.errors import Forbidden, NotFound, ValidationFailed
from booking_app.services.lessons import admin as lesson_admin
from booking_app.services.lessons import outcome as lesson_outcome

T = TypeVar("T")
NOT_AN_ADMIN = "Only an active administrator can do this."
NO_BOOKING = "This booking does not exist."
NO_LESSON = "This lesson does not exist."
NO_PROFILE = "This tutor profile does not exist."
NO_SERVICE = "This service does not exist."
NO_BUSY_BLOCK = "This busy time does not exist (any more)."
NO_OVERRIDE = "These special hours do not exist (any more)."
M = TypeVar("M", bound=SQLModel)


def _admin(session: Session, actor_id: int) -> User:
    user = users_repo.get_user(session=session, user_id=actor_id)
    if user is None or user.role is not Role.admin or not user.is_active:
        raise Forbidden(NOT_AN_ADMIN)
    return user


def _audited(
    actor_id: int,
    action: str,
    model: type[SQLModel],
    pk: int | None,
    call: Callable[[Session], T],
    *,
    now: datetime,
    summary: str = "",
    tutor_id: int | None = None,
    result_pk: Callable[[T], int | None] | None = None,
) -> T:
    """Run ``call`` and its audit row in one transaction (see the module docstring)."""
    with unit_of_work() as session:
        admin = _admin(session, actor_id)
        if tutor_id is not None:
            schedules_repo.lock_tutor(session=session, tutor_id=tutor_id)
        before = audit.snapshot(session, model, pk)
        result = call(session)
        after_pk = result_pk(result) if result_pk is not None else pk
        after = audit.snapshot(session, model, after_pk)
        text = summary or ", ".join(audit.changed(before, after))
        audit_repo.add(
            session=session,
            row=AuditLog(
                at=now, actor_id=admin.id, actor_name=admin.name, action=action,
                target_type=model.__tablename__, target_id=after_pk,  # type: ignore[arg-type]
                summary=text[:500], before=before, after=after,
            ),
        )  # fmt: skip
        return result


def _row(model: type[M], pk: int, missing: str) -> M:
    """The target as it is now; only its owner (tutor) and links are used, to lock and
    route. The service re-reads it inside the transaction."""
    with read_scope() as session:
        row = session.get(model, pk)
        if row is None:
            raise NotFound(missing)
        return row


def _booking(booking_id: int) -> Booking:
    return _row(Booking, booking_id, NO_BOOKING)


def _lesson(lesson_id: int) -> Lesson:
    return _row(Lesson, lesson_id, NO_LESSON)


# --- bookings ---------------------------------------------------------------------------------


def confirm(actor_id: int, booking_id: int, *, now: datetime) -> None:
    """The tutor's "Confirm" on a pending request."""
    b = _booking(booking_id)
    _audited(
        actor_id, "booking.confirm", Booking, booking_id, tutor_id=b.tutor_id, now=now,
        call=lambda _s: requests.confirm_booking(b.tutor_id, booking_id, now=now),
    )  # fmt: skip


def decline(actor_id: int, booking_id: int, *, reason: str, now: datetime) -> None:
    """The tutor's "Decline" (a reason is required, the student reads it)."""
    b = _booking(booking_id)
    _audited(
        actor_id, "booking.decline", Booking, booking_id, tutor_id=b.tutor_id, now=now,
        call=lambda _s: requests.decline_booking(b.tutor_id, booking_id, reason=reason, now=now),
    )  # fmt: skip


def cancel(actor_id: int, booking_id: int, *, reason: str, now: datetime) -> None:
    """Cancel one seat as its tutor would (the student is told, the calendar updates)."""
    b = _booking(booking_id)
    _audited(
        actor_id, "booking.cancel", Booking, booking_id, tutor_id=b.tutor_id, now=now,
        call=lambda _s: seats.cancel_for_tutor(b.tutor_id, booking_id, reason=reason, now=now),
    )  # fmt: skip


def reschedule(
    actor_id: int, booking_id: int, *, start_local: str = "", lesson_id: int = 0, now: datetime
) -> None:
    """Move a booking. One-to-one: its lesson moves to ``start_local`` (the tutor's wall
    time, "YYYY-MM-DDTHH:MM"), exactly as the tutor's calendar "Move". A seat in a group
    lesson moves to another lesson ``lesson_id`` of the same service (the private link's
    move, the student's overlap accepted by the admin)."""
    b = _booking(booking_id)
    lesson = _lesson(b.lesson_id)

    def call(_s: Session) -> Any:
        if lesson.lesson_type is LessonType.individual:
            if not start_local.strip():
                raise ValidationFailed({"start_local": "Enter the new start."})
            return lesson_admin.move_lesson_to(
                b.tutor_id, b.lesson_id, start_local=start_local, now=now
            )
        if not lesson_id:
            raise ValidationFailed({"lesson_id": "Choose the group lesson to move the seat to."})
        return manage.reschedule_booking(
            b.booking_token, lesson_id=lesson_id, now=now, confirm_overlap=True
        )

    target = Lesson if lesson.lesson_type is LessonType.individual else Booking
    pk = b.lesson_id if target is Lesson else booking_id
    _audited(
        actor_id, "booking.reschedule", target, pk, call, tutor_id=b.tutor_id, now=now,
        summary=f"booking #{booking_id} -> {start_local or f'lesson #{lesson_id}'}",
    )  # fmt: skip


def mark_paid(
    actor_id: int, booking_id: int, *, paid: bool = True, amount: str = "", now: datetime
) -> None:
    """The tutor's "Mark paid" (blank amount = the booking's price) or "unpaid"."""
    b = _booking(booking_id)
    _audited(
        actor_id, "booking.paid" if paid else "booking.unpaid", Booking, booking_id, now=now,
        tutor_id=b.tutor_id, call=lambda _s: lesson_admin.set_payment(
            b.tutor_id, booking_id, paid=paid, amount=amount, now=now
        ),
    )  # fmt: skip


def set_outcome(
    actor_id: int, lesson_id: int, outcome: str, *, booking_id: int = 0, now: datetime
) -> None:
    """What happened in a lesson (held / student no-show / tutor no-show), as the tutor
    marks it; the admin may correct it within the same window."""
    lesson = _lesson(lesson_id)
    model, pk = (Booking, booking_id) if booking_id else (Lesson, lesson_id)
    _audited(
        actor_id, f"lesson.outcome.{outcome}"[:40], model, pk, tutor_id=lesson.tutor_id, now=now,
        call=lambda _s: lesson_outcome.set_outcome(
            actor_id, lesson_id, outcome, booking_id=booking_id, now=now
        ),
    )  # fmt: skip


# --- lessons ----------------------------------------------------------------------------------


def give_seat(actor_id: int, lesson_id: int, student_id: int, *, now: datetime) -> None:
    """A confirmed seat for a member of the tutor's classroom (the lesson invite's rule)."""
    lesson = _lesson(lesson_id)
    _audited(
        actor_id, "lesson.give_seat", Lesson, lesson_id, tutor_id=lesson.tutor_id, now=now,
        summary=f"seat for student #{student_id}",
        call=lambda _s: seats.give_seat(lesson.tutor_id, lesson_id, student_id, now=now),
    )  # fmt: skip


# --- accounts and the outbox ------------------------------------------------------------------


def check_set_active(actor_id: int, user_id: int, *, active: bool) -> None:
    """The rule of `set_active`, for callers that must refuse before writing anything."""
    if user_id == actor_id and not active:
        raise ValidationFailed({"is_active": "You cannot deactivate your own account."})


def set_active(actor_id: int, user_id: int, *, active: bool, now: datetime) -> None:
    """Deactivate (their sessions end, their tokens are revoked) or reactivate an
    account; never one's own."""
    check_set_active(actor_id, user_id, active=active)
    _audited(
        actor_id, "user.activate" if active else "user.deactivate", User, user_id, now=now,
        call=lambda _s: account_security.set_active(user_id, active=active, now=now),
    )  # fmt: skip


def create_tutor(actor_id: int, registration: accounts.Registration, *, now: datetime) -> int:
    """A tutor account made by the sign-up service (same checks, a profile and a
    classroom); the audit row never holds the password."""
    form = accounts.Registration(
        registration.name, registration.email, registration.phone, registration.password,
        Role.tutor.value, registration.timezone, registration.telegram_username,
    )  # fmt: skip
    user = _audited(
        actor_id, "user.create_tutor", User, None, now=now,
        call=lambda _s: accounts.register(form), result_pk=lambda u: u.id,
    )  # fmt: skip
    return user.id


def resend(actor_id: int, notification_id: int, *, now: datetime) -> None:
    """A failed or skipped outbox message becomes due again (the sender re-checks)."""
    _audited(
        actor_id, "notification.resend", Notification, notification_id, now=now,
        call=lambda _s: outbox.resend(notification_id, now=now),
    )  # fmt: skip


# --- the tutor's offer: profile, services, availability -------------------------------------


def set_published(actor_id: int, profile_id: int, *, published: bool, now: datetime) -> None:
    """Publish a tutor's page (only one that can be booked: the home page's rule,
    ``onboarding.publish``) or hide it (``onboarding.unpublish``, always allowed)."""
    tutor_id = _row(TutorProfile, profile_id, NO_PROFILE).user_id

    def call(_s: Session) -> Any:
        if published:
            return onboarding.publish(tutor_id, now=now)
        return onboarding.unpublish(tutor_id, now=now)

    action = "tutor_profile.publish" if published else "tutor_profile.unpublish"
    _audited(actor_id, action, TutorProfile, profile_id, call, now=now)


def set_service_active(actor_id: int, service_id: int, *, active: bool, now: datetime) -> None:
    """Offer a service again or stop offering it for new bookings, as the tutor's
    Services page does (lessons already booked keep it; the marketplace card and the
    weeks of slots are recomputed)."""
    tutor_id = _row(Service, service_id, NO_SERVICE).tutor_id
    _audited(
        actor_id, "service.activate" if active else "service.deactivate", Service, service_id,
        call=lambda _s: tutor_services.set_service_active(tutor_id, service_id, active), now=now,
    )  # fmt: skip


def remove_busy_block(actor_id: int, block_id: int, *, now: datetime) -> None:
    """Delete a busy time the tutor typed in, as their Availability page does (one
    imported from a connected calendar is refused: the next refresh would bring it back;
    it is removed in that calendar)."""
    tutor_id = _row(BusyBlock, block_id, NO_BUSY_BLOCK).tutor_id
    _audited(
        actor_id, "busy_block.remove", BusyBlock, block_id, now=now,
        call=lambda _s: availability.remove_busy_block(tutor_id, block_id),
    )  # fmt: skip


def remove_override(actor_id: int, override_id: int, *, now: datetime) -> None:
    """Back to the weekly hours on the override's date: every row of that date goes, as
    on the tutor's Availability page (``availability.remove_override``)."""
    row = _row(AvailabilityOverride, override_id, NO_OVERRIDE)
    day = row.day.isoformat()
    _audited(
        actor_id, "availability_override.remove", AvailabilityOverride, override_id, now=now,
        summary=f"special hours of {day} removed (tutor #{row.tutor_id})",
        call=lambda _s: availability.remove_override(row.tutor_id, day),
    )  # fmt: skip


# --- what the admin's lists show -------------------------------------------------------------


@dataclass(frozen=True)
class BookingLine:
    tutor: str
    service: str
    starts: str  # "2026-12-03 09:00 (Europe/Kyiv)" in the admin's own zone


def booking_lines(booking_ids: list[int], *, viewer_tz: str) -> dict[int, BookingLine]:
    """Tutor, service and lesson start (in ``viewer_tz``) of a page of bookings."""
    tz = timefmt.viewer_zone(viewer_tz)
    with read_scope() as session:
        rows = school_repo.admin_booking_lines(session=session, booking_ids=booking_ids)
    return {
        r.booking_id: BookingLine(
            r.tutor_name,
            r.service_name or r.lesson_title or "",
            f"{r.starts_at.astimezone(tz):%Y-%m-%d %H:%M} ({tz.key})",
        )
        for r in rows
    }
