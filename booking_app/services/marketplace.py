"""The marketplace: find a tutor, then their public page.

Cards show only facts we have (subjects, the cheapest price, the next free time): no
invented ratings. The next free time is the first slot ``scheduling.free_slots`` offers in
the next 14 days for the tutor's first active service, the same predicate the booking
path re-checks with, so "next free" is never a time a booking would refuse.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from booking_app.db import read_scope
from booking_app.repositories import marketplace as repo
from booking_app.repositories import schedules as schedules_repo
from booking_app.repositories.marketplace import SearchRow
from booking_app.scheduling import free_slots
from booking_app.services import offer_fields as f
from booking_app.services import timefmt

NEXT_FREE_WINDOW = timedelta(days=14)
MAX_TEXT = 100


@dataclass(frozen=True)
class TutorCard:
    slug: str
    name: str
    headline: str
    subjects: list[str]
    price_from: str  # "350.00"
    currency: str
    next_free: str  # "Tue 24 Nov, 10:00" in the viewer's zone, "" if none in 14 days
    next_free_start: str  # UTC ISO or ""
    next_free_service_id: int  # the service the next free time is for, 0 if none
    next_free_service: str  # its name, so the card says what the time is for
    next_free_week: str  # the slot's local date (ISO) in the viewer's zone, "" if none


@dataclass(frozen=True)
class SearchInput:
    text: str = ""
    subject: str = ""  # subject slug
    price_min: str = ""
    price_max: str = ""


def _clean_search(q: SearchInput) -> tuple[str, str, Decimal | None, Decimal | None]:
    """Text and subject trimmed; prices parsed; min <= max. Errors keyed by field."""
    fields = f.Fields()
    text = fields.take("text", lambda: f.clean_text(q.text, max_len=MAX_TEXT)) or ""
    subject = (q.subject or "").strip().lower() if isinstance(q.subject, str) else ""
    low = fields.take("price_min", lambda: _optional_price(q.price_min))
    high = fields.take("price_max", lambda: _optional_price(q.price_max))
    if low is not None and high is not None and low > high:
        fields.add_error("price_max", "The maximum is below the minimum.")
    fields.raise_if_invalid()
    return text, subject, low, high


def _optional_price(raw: str) -> Decimal | None:
    if not isinstance(raw, str) or not raw.strip():
        return None
    return f.clean_price(raw)


def _next_free(
    session: Session, tutor_id: int, now: datetime, viewer_tz: str
) -> tuple[Any, Any] | None:
    """(first bookable slot, its service) of the tutor's first active service, 14 days ahead.

    The card links to the tutor page with that service and week preselected, so the time a
    visitor saw on the card is the first one offered on the page.
    """
    end = now + NEXT_FREE_WINDOW
    loaded = schedules_repo.load_schedule(
        session=session,
        tutor_id=tutor_id,
        range_start=now,
        range_end=end,
        first_active_service=True,
    )
    if loaded is None or loaded.service is None:
        return None
    svc = loaded.service
    slots = free_slots(loaded.schedule, svc.spec, now, end, now, viewer_tz)
    return (slots[0], svc) if slots else None


def _card(
    row: SearchRow, subjects: list[str], found: tuple[Any, Any] | None, viewer: ZoneInfo
) -> TutorCard:
    profile = row.profile
    slot, svc = found if found else (None, None)
    return TutorCard(
        slug=profile.slug,
        name=row.name,
        headline=profile.headline,
        subjects=subjects,
        price_from=f.format_price(row.price_from),
        currency=profile.currency,
        next_free=slot.label if slot else "",
        next_free_start=timefmt.iso_utc(slot.start) if slot else "",
        next_free_service_id=int(svc.id) if svc else 0,
        next_free_service=svc.name if svc else "",
        next_free_week=slot.start.astimezone(viewer).date().isoformat() if slot else "",
    )


def _in_range(price: Decimal, low: Decimal | None, high: Decimal | None) -> bool:
    return (low is None or price >= low) and (high is None or price <= high)


def search_tutors(q: SearchInput, *, viewer_tz: str, now: datetime) -> list[TutorCard]:
    """Published tutors with an active service, filtered; soonest free time first, then name."""
    viewer = timefmt.viewer_zone(viewer_tz)
    text, subject, low, high = _clean_search(q)
    with read_scope() as session:
        rows = repo.search_rows(session=session, text=text, subject_slug=subject)
        rows = [r for r in rows if _in_range(Decimal(str(r.price_from)), low, high)]
        subjects = repo.subject_names(
            session=session, profile_ids=[r.profile.id or 0 for r in rows]
        )
        cards = [
            _card(
                r,
                subjects.get(r.profile.id or 0, []),
                _next_free(session, r.profile.user_id, now, viewer_tz),
                viewer,
            )
            for r in rows
        ]
    return sorted(cards, key=lambda c: (c.next_free_start == "", c.next_free_start, c.name))


def list_subject_options() -> list[tuple[str, str]]:
    """(slug, name) pairs for the subject filter, by name."""
    with read_scope() as session:
        return repo.subject_options(session=session)
