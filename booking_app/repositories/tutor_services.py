"""Service (what a tutor offers) and Subject queries. Keyword-only session; never commits.

Every service query is scoped by ``tutor_id``: a service of another tutor simply is not
found, which is how the caller's ACL becomes a 404 instead of a 403 leak.
"""

from __future__ import annotations

from typing import NamedTuple

import sqlalchemy as sa
from sqlmodel import Session, select

from booking_app.models import Service, Subject, TutorProfile


def list_subjects(*, session: Session) -> list[Subject]:
    return list(session.exec(select(Subject).order_by(Subject.name)))


def ensure_subjects(*, session: Session, subjects: list[tuple[str, str]]) -> dict[str, int]:
    """Add the (name, slug) subjects that do not exist yet; slug -> id of each."""
    existing = {s.slug: s for s in session.exec(select(Subject))}
    for name, slug in subjects:
        if slug not in existing:
            existing[slug] = Subject(name=name, slug=slug)
            session.add(existing[slug])
    session.flush()
    return {slug: existing[slug].id or 0 for _name, slug in subjects}


def subject_exists(*, session: Session, subject_id: int) -> bool:
    return session.get(Subject, subject_id) is not None


def is_tutor(*, session: Session, tutor_id: int) -> bool:
    query = select(TutorProfile.id).where(TutorProfile.user_id == tutor_id)
    return session.exec(query).first() is not None


class TutorServiceRow(NamedTuple):
    service: Service
    subject_name: str | None
    currency: str


def service_rows(
    *,
    session: Session,
    tutor_id: int,
    service_id: int | None = None,
    include_inactive: bool = True,
) -> list[TutorServiceRow]:
    """The tutor's services (with subject name and the tutor's currency), or one of them.

    Active services first, then in the order they were created (the order the tutor
    added them, which is the order they appear on the public page).
    """
    query = (
        sa.select(Service, Subject.name.label("subject_name"), TutorProfile.currency)
        .join(TutorProfile, TutorProfile.user_id == Service.tutor_id)
        .outerjoin(Subject, Subject.id == Service.subject_id)
        .where(Service.tutor_id == tutor_id)
        .order_by(Service.is_active.desc(), Service.id)
    )
    if service_id is not None:
        query = query.where(Service.id == service_id)
    if not include_inactive:
        query = query.where(Service.is_active.is_(True))
    return [TutorServiceRow(*row) for row in session.execute(query)]


def get_service(*, session: Session, tutor_id: int, service_id: int) -> Service | None:
    """The tutor's service, or None (also when it belongs to someone else)."""
    query = select(Service).where(Service.id == service_id, Service.tutor_id == tutor_id)
    return session.exec(query).first()


def add_service(*, session: Session, service: Service) -> Service:
    session.add(service)
    session.flush()
    return service
