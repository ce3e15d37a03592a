"""Marketplace and public-profile queries. Keyword-only session; never commits.

Bounded: a search is one statement for the cards plus one for their subjects, whatever
the number of tutors (the next free time then costs one schedule load per card).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlmodel import Session, select

from booking_app.models import Service, Subject, TutorProfile, TutorSubject, User
from booking_app.repositories.text_search import contains


def _price_from() -> Any:
    """Cheapest active non-trial service, else the profile's default price."""
    cheapest = sa.func.min(sa.case((Service.is_trial.is_(False), Service.price), else_=sa.null()))
    return sa.func.coalesce(cheapest, TutorProfile.default_price)


def _subject_filter(slug: str) -> Any:
    """The tutor teaches the subject (profile subjects or an active service's subject)."""
    by_profile = (
        sa.select(TutorSubject.tutor_profile_id)
        .join(Subject, Subject.id == TutorSubject.subject_id)
        .where(Subject.slug == slug)
    )
    by_service = (
        sa.select(Service.tutor_id)
        .join(Subject, Subject.id == Service.subject_id)
        .where(Subject.slug == slug, Service.is_active.is_(True))
    )
    return sa.or_(TutorProfile.id.in_(by_profile), TutorProfile.user_id.in_(by_service))


class SearchRow(NamedTuple):
    profile: TutorProfile
    name: str
    price_from: Any  # Decimal (or a driver number): cheapest service, else default price


class PublicProfile(NamedTuple):
    profile: TutorProfile
    user: User


class PublicService(NamedTuple):
    service: Service
    subject_name: str | None


def search_rows(*, session: Session, text: str, subject_slug: str) -> list[SearchRow]:
    """Published, active tutors with at least one active service, matching ``text`` in
    name or headline (case-insensitive)."""
    price_from = _price_from().label("price_from")
    query = (
        sa.select(TutorProfile, User.name.label("name"), price_from)
        .join(User, User.id == TutorProfile.user_id)
        .join(Service, sa.and_(Service.tutor_id == User.id, Service.is_active.is_(True)))
        .where(TutorProfile.is_published.is_(True), User.is_active.is_(True))
        .group_by(TutorProfile.id, User.id)
    )
    if text:
        query = query.where(
            sa.or_(contains(User.name, text), contains(TutorProfile.headline, text))
        )
    if subject_slug:
        query = query.where(_subject_filter(subject_slug))
    return [SearchRow(*row) for row in session.execute(query)]


def subject_names(*, session: Session, profile_ids: list[int]) -> dict[int, list[str]]:
    """Profile id -> sorted subject names (profile subjects and active services' subjects)."""
    if not profile_ids:
        return {}
    by_profile = (
        sa.select(TutorSubject.tutor_profile_id, Subject.name)
        .join(Subject, Subject.id == TutorSubject.subject_id)
        .where(TutorSubject.tutor_profile_id.in_(profile_ids))
    )
    by_service = (
        sa.select(TutorProfile.id, Subject.name)
        .join(Service, Service.tutor_id == TutorProfile.user_id)
        .join(Subject, Subject.id == Service.subject_id)
        .where(TutorProfile.id.in_(profile_ids), Service.is_active.is_(True))
    )
    found: dict[int, set[str]] = defaultdict(set)
    for profile_id, name in session.execute(sa.union(by_profile, by_service)):
        found[profile_id].add(name)
    return {key: sorted(names) for key, names in found.items()}


def subject_options(*, session: Session) -> list[tuple[str, str]]:
    return [(s.slug, s.name) for s in session.exec(select(Subject).order_by(Subject.name))]


def public_profile(*, session: Session, slug: str) -> PublicProfile | None:
    """A published, active tutor with this slug."""
    query = (
        sa.select(TutorProfile, User)
        .join(User, User.id == TutorProfile.user_id)
        .where(
            TutorProfile.slug == slug,
            TutorProfile.is_published.is_(True),
            User.is_active.is_(True),
        )
    )
    row = session.execute(query).first()
    return PublicProfile(*row) if row is not None else None


def public_services(*, session: Session, tutor_id: int) -> list[PublicService]:
    """The tutor's active services, in the order added."""
    query = (
        sa.select(Service, Subject.name.label("subject_name"))
        .outerjoin(Subject, Subject.id == Service.subject_id)
        .where(Service.tutor_id == tutor_id, Service.is_active.is_(True))
        .order_by(Service.id)
    )
    return [PublicService(*row) for row in session.execute(query)]


def profile_of(*, session: Session, tutor_id: int) -> TutorProfile | None:
    return session.exec(select(TutorProfile).where(TutorProfile.user_id == tutor_id)).first()


def profile_subject_ids(*, session: Session, profile_id: int) -> list[int]:
    query = select(TutorSubject.subject_id).where(TutorSubject.tutor_profile_id == profile_id)
    return sorted(session.exec(query))


def slug_taken(*, session: Session, slug: str, except_profile_id: int) -> bool:
    query = select(TutorProfile.id).where(
        TutorProfile.slug == slug, TutorProfile.id != except_profile_id
    )
    return session.exec(query).first() is not None


def existing_subject_ids(*, session: Session, ids: list[int]) -> set[int]:
    if not ids:
        return set()
    return set(session.exec(select(Subject.id).where(Subject.id.in_(ids))))


def replace_subjects(*, session: Session, profile_id: int, subject_ids: list[int]) -> None:
    session.execute(sa.delete(TutorSubject).where(TutorSubject.tutor_profile_id == profile_id))
    for subject_id in subject_ids:
        session.add(TutorSubject(tutor_profile_id=profile_id, subject_id=subject_id))
    session.flush()
