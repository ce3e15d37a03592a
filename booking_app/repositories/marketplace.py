"""Marketplace and public-profile queries. Keyword-only session; never commits.

Bounded: a search is one statement for a page of cards (filters, sort and paging in SQL,
the next free time read from `tutor_profile.next_free_at`, see services/next_free.py)
plus one for their subjects, whatever the number of tutors. On PostgreSQL the name and
headline "contains" filters use the trigram indexes of migration 0014; SQLite scans.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from booking_app.models import Service, Subject, TutorProfile, TutorSubject, User
from booking_app.repositories.text_search import contains

SORTS = ("soonest", "price", "name")


def listing_of(*, session: Session, tutor_id: int) -> tuple[bool, Any]:
    """(has an active service, the card's "from" price: the cheapest active non-trial
    service, else the profile's default price), stored with the next free time."""
    cheapest = sa.func.min(sa.case((Service.is_trial.is_(False), Service.price), else_=sa.null()))
    query = (
        sa.select(sa.func.count(Service.id), sa.func.coalesce(cheapest, TutorProfile.default_price))
        .select_from(TutorProfile)
        .outerjoin(
            Service,
            sa.and_(Service.tutor_id == TutorProfile.user_id, Service.is_active.is_(True)),
        )
        .where(TutorProfile.user_id == tutor_id)
        .group_by(TutorProfile.id)
    )
    row = session.execute(query).first()
    return (False, None) if row is None else (bool(row[0]), row[1])


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


@dataclass(frozen=True)
class SearchFilter:
    """What a search asks for, already validated by the service."""

    text: str = ""
    subject_slug: str = ""
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    free_before: datetime | None = None  # only tutors with a free time before this
    sort: str = "soonest"


class SearchRow(NamedTuple):
    profile_id: int
    slug: str
    headline: str
    currency: str
    name: str
    price_from: Any  # Decimal (or a driver number): cheapest service, else default price
    next_free_at: datetime | None  # None: none stored, or it has passed
    next_free_service_id: int | None
    next_free_service: str | None


class PublicProfile(NamedTuple):
    profile: TutorProfile
    user: User


class PublicService(NamedTuple):
    service: Service
    subject_name: str | None


def search_page(
    *, session: Session, where: SearchFilter, now: datetime, offset: int, limit: int
) -> list[SearchRow]:
    """One page of published, active tutors with an active service, filtered and sorted in
    SQL. Ask for one row more than you show to know whether there is a next page."""
    next_service = aliased(Service)
    price_from = TutorProfile.list_price.label("price_from")
    # A stored time inside the minimum notice is no longer bookable (stale_at has come);
    # the periodic refresh replaces it, until then the card shows no time.
    fresh = TutorProfile.next_free_stale_at > now
    next_free = sa.case((fresh, TutorProfile.next_free_at), else_=sa.null()).label("next_free_at")
    query = (
        sa.select(
            TutorProfile.id,
            TutorProfile.slug,
            TutorProfile.headline,
            TutorProfile.currency,
            User.name,
            price_from,
            next_free,
            sa.case((next_free.is_not(None), next_service.id), else_=sa.null()),
            sa.case((next_free.is_not(None), next_service.name), else_=sa.null()),
        )
        .join(User, User.id == TutorProfile.user_id)
        .outerjoin(
            next_service,
            sa.and_(
                next_service.id == TutorProfile.next_free_service_id,
                next_service.is_active.is_(True),
            ),
        )
        .where(TutorProfile.is_published.is_(True), User.is_active.is_(True))
        .where(TutorProfile.listed.is_(True))
    )
    if where.text:
        query = query.where(
            sa.or_(contains(User.name, where.text), contains(TutorProfile.headline, where.text))
        )
    if where.subject_slug:
        query = query.where(_subject_filter(where.subject_slug))
    if where.price_min is not None:
        query = query.where(TutorProfile.list_price >= where.price_min)
    if where.price_max is not None:
        query = query.where(TutorProfile.list_price <= where.price_max)
    if where.free_before is not None:
        query = query.where(fresh, TutorProfile.next_free_at < where.free_before)
    no_time_last = sa.case((next_free.is_(None), 1), else_=0)
    order: tuple[Any, ...] = {
        "price": (price_from, no_time_last, next_free),
        "name": (),
    }.get(where.sort, (no_time_last, next_free))
    query = query.order_by(*order, User.name, TutorProfile.id).offset(offset).limit(limit)
    return [SearchRow(*row) for row in session.execute(query)]


def store_next_free(
    *,
    session: Session,
    tutor_id: int,
    start: datetime | None,
    service_id: int | None,
    stale_at: datetime,
    listed: bool,
    list_price: Any,
) -> None:
    """Write a tutor's computed card facts (a Core UPDATE: no ORM events, no reload), and
    count one more schedule version (every schedule change comes through here)."""
    session.execute(
        sa.update(TutorProfile)
        .where(TutorProfile.user_id == tutor_id)
        .values(
            next_free_at=start,
            next_free_service_id=service_id,
            next_free_stale_at=stale_at,
            listed=listed,
            list_price=list_price,
            schedule_version=TutorProfile.schedule_version + 1,
        )
    )


def next_free_due(*, session: Session, before: datetime, limit: int) -> list[int]:
    """Tutors (user ids) whose stored next free time must be recomputed: never computed,
    or it goes stale before ``before`` (the slot enters the minimum notice, or none was
    found and the window has moved on). Most overdue first."""
    query = (
        sa.select(TutorProfile.user_id)
        .where(
            sa.or_(
                TutorProfile.next_free_stale_at.is_(None),
                TutorProfile.next_free_stale_at <= before,
            )
        )
        .order_by(TutorProfile.next_free_stale_at.is_not(None), TutorProfile.next_free_stale_at)
        .limit(limit)
    )
    return list(session.scalars(query))


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
