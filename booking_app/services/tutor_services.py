"""The services a tutor offers: create, edit, (de)activate, list.

Services are never deleted, only deactivated: lessons and bookings point at them, and a
tutor may want an old offer back. Every function takes the acting tutor's id and only
ever sees that tutor's services, so another tutor's service is NotFound (never a 403
that would confirm it exists).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from booking_app.db import read_scope, session_scope
from booking_app.models import LessonType, Service
from booking_app.repositories import tutor_services as services_repo
from booking_app.repositories.tutor_services import TutorServiceRow
from booking_app.services import offer_fields as f
from booking_app.services.errors import NotFound
from booking_app.services.next_free import refresh_next_free
from booking_app.services.validation import FieldError

SERVICE_NOT_FOUND = "This service does not exist or is not yours."
NOT_A_TUTOR = "Only tutors have services."
UNKNOWN_SUBJECT = "Choose a subject from the list."


@dataclass(frozen=True)
class SubjectView:
    id: int
    name: str


@dataclass(frozen=True)
class ServiceInput:
    """Raw form input; ``create_service``/``update_service`` validate every field."""

    name: str
    subject_id: int | None
    description: str
    duration_min: int | str
    price: str
    lesson_type: str  # "individual" | "group"
    capacity: int | str  # forced to 1 for individual
    mode: str  # "online" | "offline"
    location: str
    meeting_url: str
    is_trial: bool


@dataclass(frozen=True)
class ServiceView:
    id: int
    name: str
    subject_id: int  # 0 = no subject
    subject_name: str
    description: str
    duration_min: int
    price: str  # "450.00"
    currency: str
    lesson_type: str
    capacity: int
    mode: str
    location: str
    meeting_url: str
    is_trial: bool
    is_active: bool


def _view(row: TutorServiceRow) -> ServiceView:
    service = row.service
    return ServiceView(
        id=service.id or 0,
        name=service.name,
        subject_id=service.subject_id or 0,
        subject_name=row.subject_name or "",
        description=service.description,
        duration_min=service.duration_min,
        price=f.format_price(service.price),
        currency=row.currency,
        lesson_type=service.lesson_type.value,
        capacity=service.capacity,
        mode=service.mode.value,
        location=service.location or "",
        meeting_url=service.meeting_url or "",
        is_trial=service.is_trial,
        is_active=service.is_active,
    )


def _clean(data: ServiceInput) -> dict[str, Any]:
    """Every field error at once, before any transaction is opened."""
    fields = f.Fields()
    fields.take("name", lambda: f.clean_text(data.name, max_len=120, required="Enter a name."))
    fields.take("description", lambda: f.clean_text(data.description, max_len=2000))
    fields.take("duration_min", lambda: f.clean_duration(data.duration_min))
    fields.take("price", lambda: f.clean_price(data.price))
    kind = fields.take("lesson_type", lambda: f.clean_lesson_type(data.lesson_type))
    fields.take("capacity", lambda: f.clean_capacity(data.capacity, kind))
    mode = fields.take("mode", lambda: f.clean_mode(data.mode))
    fields.take("location", lambda: f.clean_location(data.location, mode))
    fields.take("meeting_url", lambda: f.clean_meeting_url(data.meeting_url))
    fields.take("subject_id", lambda: _subject_id(data.subject_id))
    fields.raise_if_invalid()
    return {**fields.values, "is_trial": bool(data.is_trial)}


def _subject_id(raw: int | str | None) -> int | None:
    """0, "" and None all mean "no subject"; anything else must be a known subject."""
    if raw in (None, "", 0, "0"):
        return None
    subject_id = f.parse_int(raw, UNKNOWN_SUBJECT)  # type: ignore[arg-type]
    with read_scope() as session:
        if not services_repo.subject_exists(session=session, subject_id=subject_id):
            raise FieldError(UNKNOWN_SUBJECT)
    return subject_id


def _apply(service: Service, values: dict[str, Any]) -> None:
    for name, value in values.items():
        setattr(service, name, value)


def _reload(session: Any, tutor_id: int, service_id: int) -> ServiceView:
    rows = services_repo.service_rows(session=session, tutor_id=tutor_id, service_id=service_id)
    return _view(rows[0])


def ensure_subjects(subjects: list[tuple[str, str]]) -> dict[str, int]:
    """(name, slug) pairs made to exist (an admin may have added some); slug -> id."""
    with session_scope(write=True) as session:
        return services_repo.ensure_subjects(session=session, subjects=subjects)


def list_subjects() -> list[SubjectView]:
    """Every subject, by name (the service form's dropdown)."""
    with read_scope() as session:
        return [
            SubjectView(s.id or 0, s.name) for s in services_repo.list_subjects(session=session)
        ]


def list_services(tutor_id: int, *, include_inactive: bool = True) -> list[ServiceView]:
    """The tutor's services, active ones first; [] for someone who is not a tutor."""
    with read_scope() as session:
        rows = services_repo.service_rows(
            session=session, tutor_id=tutor_id, include_inactive=include_inactive
        )
        return [_view(row) for row in rows]


def create_service(tutor_id: int, data: ServiceInput) -> ServiceView:
    """Validate, then add the service in one transaction."""
    values = _clean(data)
    with session_scope(write=True) as session:
        if not services_repo.is_tutor(session=session, tutor_id=tutor_id):
            raise NotFound(NOT_A_TUTOR)
        service = Service(tutor_id=tutor_id, lesson_type=LessonType.individual)
        _apply(service, values)
        services_repo.add_service(session=session, service=service)
        refresh_next_free(session, tutor_id)
        return _reload(session, tutor_id, service.id or 0)


def update_service(tutor_id: int, service_id: int, data: ServiceInput) -> ServiceView:
    """Replace every field of the tutor's service (lessons already published keep theirs)."""
    values = _clean(data)
    with session_scope(write=True) as session:
        service = services_repo.get_service(
            session=session, tutor_id=tutor_id, service_id=service_id
        )
        if service is None:
            raise NotFound(SERVICE_NOT_FOUND)
        _apply(service, values)
        refresh_next_free(session, tutor_id)
        return _reload(session, tutor_id, service_id)


def set_service_active(tutor_id: int, service_id: int, active: bool) -> ServiceView:
    """Show or hide a service for new bookings; existing lessons are not touched."""
    with session_scope(write=True) as session:
        service = services_repo.get_service(
            session=session, tutor_id=tutor_id, service_id=service_id
        )
        if service is None:
            raise NotFound(SERVICE_NOT_FOUND)
        service.is_active = bool(active)
        refresh_next_free(session, tutor_id)
        return _reload(session, tutor_id, service_id)
