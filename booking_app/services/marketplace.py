"""The marketplace: find a tutor, then their public page.

Cards show only facts we have (subjects, the cheapest price, the next free time): no
invented ratings. The next free time is the first slot ``scheduling.free_slots`` offers in
the next 14 days for the tutor's first active service, the same predicate the booking
path re-checks with, so "next free" is never a time a booking would refuse. It is read
from the column ``services/next_free.py`` maintains, so a search is a page of 24 cards in
a fixed number of statements whatever the number of tutors (issue 15).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from booking_app.db import read_scope
from booking_app.repositories import marketplace as repo
from booking_app.repositories.marketplace import SORTS, SearchFilter, SearchRow
from booking_app.services import next_free, timefmt
from booking_app.services import offer_fields as f
from booking_app.services.money import from_price_label

NEXT_FREE_WINDOW = next_free.NEXT_FREE_WINDOW
MAX_TEXT = 100
PAGE_SIZE = 24
MAX_PAGES = 40  # "Load more" stops here (960 cards); narrow the search instead
FREE_WITHIN_DAYS = (1, 3, 7, 14)


@dataclass(frozen=True)
class TutorCard:
    slug: str
    name: str
    headline: str
    subjects: list[str]
    price_from: str  # "350.00"
    currency: str
    price_label: str  # "from 1,450 UAH" / "from 1 450 UAH" in the viewer's locale, or "Free"
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
    free_within: str = ""  # days ("", "1", "3", "7", "14"): only tutors free that soon
    sort: str = "soonest"  # "soonest" | "price" | "name"


@dataclass(frozen=True)
class SearchPage:
    cards: list[TutorCard]
    has_more: bool  # another page follows ("Load more")


def _clean_search(q: SearchInput, now: datetime) -> SearchFilter:
    """Text and subject trimmed; prices parsed; min <= max. Errors keyed by field."""
    fields = f.Fields()
    text = fields.take("text", lambda: f.clean_text(q.text, max_len=MAX_TEXT)) or ""
    subject = (q.subject or "").strip().lower() if isinstance(q.subject, str) else ""
    low = fields.take("price_min", lambda: _optional_price(q.price_min))
    high = fields.take("price_max", lambda: _optional_price(q.price_max))
    if low is not None and high is not None and low > high:
        fields.add_error("price_max", "The maximum is below the minimum.")
    within = fields.take("free_within", lambda: _free_within(q.free_within))
    fields.raise_if_invalid()
    sort = q.sort if q.sort in SORTS else "soonest"
    before = now + timedelta(days=within) if within else None
    return SearchFilter(text, subject, low, high, before, sort)


def _optional_price(raw: str) -> Decimal | None:
    if not isinstance(raw, str) or not raw.strip():
        return None
    return f.clean_price(raw)


def _free_within(raw: str) -> int | None:
    text = str(raw or "").strip()
    if not text:
        return None
    if not text.isdigit() or int(text) not in FREE_WITHIN_DAYS:
        raise f.FieldError("Pick one of the listed periods.")
    return int(text)


def _card(row: SearchRow, subjects: list[str], viewer: ZoneInfo, locale: str) -> TutorCard:
    start = row.next_free_at if row.next_free_service_id else None
    return TutorCard(
        slug=row.slug,
        name=row.name,
        headline=row.headline,
        subjects=subjects,
        price_from=f.format_price(Decimal(str(row.price_from))),
        currency=row.currency,
        price_label=from_price_label(row.price_from, row.currency, locale),
        next_free=timefmt.instant_label(start, viewer) if start else "",
        next_free_start=timefmt.iso_utc(start) if start else "",
        next_free_service_id=int(row.next_free_service_id or 0) if start else 0,
        next_free_service=(row.next_free_service or "") if start else "",
        next_free_week=start.astimezone(viewer).date().isoformat() if start else "",
    )


def search_tutors(
    q: SearchInput, *, viewer_tz: str, now: datetime, page: int = 0, locale: str = "en"
) -> SearchPage:
    """One page of published tutors with an active service, filtered and sorted in SQL
    (soonest free time first by default, then name), prices in the viewer's `locale`
    (services/money.py). Raises ValidationFailed per field."""
    viewer = timefmt.viewer_zone(viewer_tz)
    where = _clean_search(q, now)
    page = min(max(int(page), 0), MAX_PAGES - 1)
    next_free.refresh_stale(now)  # one statement while the beat keeps up
    with read_scope() as session:
        rows = repo.search_page(
            session=session, where=where, now=now, offset=page * PAGE_SIZE, limit=PAGE_SIZE + 1
        )
        shown = rows[:PAGE_SIZE]
        subjects = repo.subject_names(session=session, profile_ids=[r.profile_id for r in shown])
    cards = [_card(r, subjects.get(r.profile_id, []), viewer, locale) for r in shown]
    return SearchPage(cards, has_more=len(rows) > PAGE_SIZE and page + 1 < MAX_PAGES)


def list_subject_options() -> list[tuple[str, str]]:
    """(slug, name) pairs for the subject filter, by name."""
    with read_scope() as session:
        return repo.subject_options(session=session)
