"""A new tutor's way to a bookable public page: the checklist on home, and the publish rule.

Why a rule: a page published before it offers anything sends visitors to an empty week
(issue 14). A profile is created unpublished (migration 0013) and ``publish`` refuses with
``NotBookable`` until the tutor has an active service and the booking engine offers at
least one slot of it in the next ``PUBLISH_WEEKS`` weeks: the same ``free_slots`` the
public page shows, so "publishable" and "bookable" cannot drift apart.

The checklist (profile -> service -> hours -> preview -> publish -> copy link) is read in
one transaction; each step's state comes from the database, never from the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import segno

from booking_app.db import read_scope, session_scope
from booking_app.repositories import lessons as lessons_repo
from booking_app.repositories import marketplace as profiles_repo
from booking_app.repositories import onboarding as repo
from booking_app.repositories import schedules as schedules_repo
from booking_app.scheduling import free_slots
from booking_app.services import timefmt
from booking_app.services.errors import NotBookable, NotFound

PUBLISH_WEEKS = 4
NOT_A_TUTOR = "Only tutors have a public page."

MISSING_TEXT = {
    "service": "add an active service (Services)",
    "hours": "set your working hours (Availability)",
    "slots": f"no time can be booked in the next {PUBLISH_WEEKS} weeks: "
    "open more hours or loosen your booking rules (Availability)",
}


@dataclass(frozen=True)
class Readiness:
    """What the tutor has set up; ``slots`` = starts offered in the next PUBLISH_WEEKS."""

    slug: str
    has_profile: bool  # a headline, so the page says who they are
    services: int
    has_hours: bool
    slots: int
    is_published: bool

    @property
    def missing(self) -> list[str]:
        """Checklist keys that still block publishing, in the order a tutor fixes them."""
        keys = []
        if not self.services:
            keys.append("service")
        if not self.has_hours:
            keys.append("hours")
        if self.services and self.has_hours and not self.slots:
            keys.append("slots")
        return keys


@dataclass(frozen=True)
class ChecklistStep:
    key: str  # profile | service | hours | preview | publish | share
    label: str
    hint: str
    done: bool
    href: str


def _offered(session: Any, tutor_id: int, now: datetime) -> int:
    """Slots of the tutor's first active service the engine offers in the next weeks."""
    hi = now + timedelta(weeks=PUBLISH_WEEKS)
    loaded = schedules_repo.load_schedule(
        session=session, tutor_id=tutor_id, range_start=now, range_end=hi, first_active_service=True
    )
    if loaded is None or loaded.service is None:
        return 0
    tz = loaded.schedule.tz
    return len(free_slots(loaded.schedule, loaded.service.spec, now, hi, now, tz))


def _readiness(session: Any, tutor_id: int, now: datetime) -> Readiness:
    profile = profiles_repo.profile_of(session=session, tutor_id=tutor_id)
    tz_name = lessons_repo.tutor_timezone(session=session, tutor_id=tutor_id)
    if profile is None or tz_name is None:
        raise NotFound(NOT_A_TUTOR)
    today = now.astimezone(timefmt.zone_or_utc(tz_name)).date()
    counts = repo.setup_counts(session=session, tutor_id=tutor_id, today=today)
    has_hours = bool(counts.weekly_windows or counts.open_overrides)
    slots = _offered(session, tutor_id, now) if counts.active_services and has_hours else 0
    return Readiness(
        slug=profile.slug,
        has_profile=bool(profile.headline.strip()),
        services=counts.active_services,
        has_hours=has_hours,
        slots=slots,
        is_published=profile.is_published,
    )


def readiness(tutor_id: int, *, now: datetime) -> Readiness:
    with read_scope() as session:
        return _readiness(session, tutor_id, now)


def require_bookable(session: Any, tutor_id: int, now: datetime) -> None:
    """Raise NotBookable naming every missing step; used by publish and the profile form."""
    missing = _readiness(session, tutor_id, now).missing
    if missing:
        raise NotBookable([(key, MISSING_TEXT[key]) for key in missing])


def publish(tutor_id: int, *, now: datetime) -> Readiness:
    """Make the public page and marketplace entry live, only when it can be booked."""
    with session_scope(write=True) as session:
        require_bookable(session, tutor_id, now)
        profile = profiles_repo.profile_of(session=session, tutor_id=tutor_id)
        if profile is None:
            raise NotFound(NOT_A_TUTOR)
        profile.is_published = True
        profile.updated_at = now
        session.flush()
        return _readiness(session, tutor_id, now)


def unpublish(tutor_id: int, *, now: datetime) -> None:
    """Hide the page again (always allowed)."""
    with session_scope(write=True) as session:
        profile = profiles_repo.profile_of(session=session, tutor_id=tutor_id)
        if profile is None:
            raise NotFound(NOT_A_TUTOR)
        profile.is_published = False
        profile.updated_at = now


def checklist(r: Readiness, *, profile_href: str, services_href: str, hours_href: str,
              public_href: str) -> list[ChecklistStep]:  # fmt: skip
    """The six steps with their state; hrefs come from the caller (routes live in the UI)."""
    return [
        ChecklistStep("profile", "Describe yourself", "A headline and a few words about you.",
                      r.has_profile, profile_href),
        ChecklistStep("service", "Add a service", "What you teach, how long, at what price.",
                      r.services > 0, services_href),
        ChecklistStep("hours", "Set your working hours", "When students may book you.",
                      r.has_hours, hours_href),
        ChecklistStep("preview", "Check the times students will see",
                      f"{r.slots} bookable times in the next {PUBLISH_WEEKS} weeks."
                      if r.slots else "Nothing bookable yet: see the live preview.",
                      r.slots > 0, hours_href),
        ChecklistStep("publish", "Publish your page", "It appears in the marketplace.",
                      r.is_published, profile_href),
        ChecklistStep("share", "Share your link", "Send it to students or print the QR code.",
                      r.is_published, public_href),
    ]  # fmt: skip


def share_qr(url: str) -> str:
    """The public address as a QR code, an SVG ``data:`` URI made here (segno, pure Python):
    no browser package, and it works offline and in the static build."""
    return segno.make(url, error="m").svg_data_uri(scale=4, border=2, dark="#111", light="#fff")
