"""The tutor's public profile: slug (the /t/<slug> address), headline, bio, price, subjects.

Partial saves: only the keys sent change, so the page can save one section at a time.
Every field error is returned at once, keyed by the ProfileView field name.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError

from booking_app import clock, realtime
from booking_app.db import read_scope, session_scope
from booking_app.models import TutorProfile
from booking_app.repositories import marketplace as repo
from booking_app.services import offer_fields as f
from booking_app.services import onboarding
from booking_app.services.errors import NotFound, ValidationFailed
from booking_app.services.next_free import refresh_next_free
from booking_app.services.validation import FieldError

NOT_A_TUTOR = "Only tutors have a public profile."
SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{1,58})[a-z0-9]$")
SLUG_TAKEN = "This address is taken; try another."
CURRENCY_RE = re.compile(r"^[A-Z]{3}$")
MAX_BIO = 5000


@dataclass(frozen=True)
class ProfileView:
    slug: str
    headline: str
    bio: str
    default_price: str
    currency: str
    subject_ids: list[int]
    is_published: bool
    requires_confirmation: bool


def _view(profile: TutorProfile, subject_ids: list[int]) -> ProfileView:
    return ProfileView(
        slug=profile.slug,
        headline=profile.headline,
        bio=profile.bio,
        default_price=f.format_price(profile.default_price),
        currency=profile.currency,
        subject_ids=subject_ids,
        is_published=profile.is_published,
        requires_confirmation=profile.requires_confirmation,
    )


def _slug(raw: Any) -> str:
    value = str(raw or "").strip().lower()
    if not SLUG_RE.match(value) or "--" in value:
        raise FieldError(
            "Use 3 to 60 lowercase letters, digits and single hyphens, e.g. olena-math."
        )
    return value


def _currency(raw: Any) -> str:
    value = str(raw or "").strip().upper()
    if not CURRENCY_RE.match(value):
        raise FieldError("Use a 3-letter currency code, e.g. UAH.")
    return value


def _subject_ids(raw: Any) -> list[int]:
    items = raw.split(",") if isinstance(raw, str) else list(raw or [])
    return sorted(
        {
            f.parse_int(str(i).strip(), "Choose subjects from the list.")
            for i in items
            if str(i).strip()
        }
    )


_CLEANERS: dict[str, Any] = {
    "slug": _slug,
    "headline": lambda v: f.clean_text(v, max_len=160),
    "bio": lambda v: f.clean_text(v, max_len=MAX_BIO),
    "default_price": f.clean_price,
    "currency": _currency,
    "subject_ids": _subject_ids,
    "is_published": f.clean_flag,
    "requires_confirmation": f.clean_flag,
}


def _clean(data: Mapping[str, Any]) -> dict[str, Any]:
    fields = f.Fields()
    for key, clean in _CLEANERS.items():
        if key in data:
            fields.take(key, lambda c=clean, v=data[key]: c(v))
    fields.raise_if_invalid()
    return fields.values


def get_profile(tutor_id: int) -> ProfileView:
    """The tutor's profile as the edit form shows it; NotFound for a non-tutor."""
    with read_scope() as session:
        profile = repo.profile_of(session=session, tutor_id=tutor_id)
        if profile is None:
            raise NotFound(NOT_A_TUTOR)
        return _view(profile, repo.profile_subject_ids(session=session, profile_id=profile.id or 0))


def _apply(session: Any, profile: TutorProfile, values: dict[str, Any]) -> None:
    """Write the cleaned values; slug uniqueness and subject existence checked here."""
    errors: dict[str, str] = {}
    slug = values.get("slug")
    if slug and repo.slug_taken(session=session, slug=slug, except_profile_id=profile.id or 0):
        errors["slug"] = SLUG_TAKEN
    ids = values.get("subject_ids")
    if ids is not None and repo.existing_subject_ids(session=session, ids=ids) != set(ids):
        errors["subject_ids"] = "Choose subjects from the list."
    if errors:
        raise ValidationFailed(errors)
    for key, value in values.items():
        if key != "subject_ids":
            setattr(profile, key, value)
    profile.updated_at = clock.now()  # audit stamp only
    session.flush()
    if ids is not None:
        repo.replace_subjects(session=session, profile_id=profile.id or 0, subject_ids=ids)


def save_profile(
    tutor_id: int, data: Mapping[str, Any], *, now: datetime | None = None
) -> ProfileView:
    """Update the keys present in ``data`` (ProfileView field names); others are unchanged.

    Turning ``is_published`` on follows the publish rule (``onboarding.require_bookable``,
    checked at ``now``): a page that offers nothing to book stays hidden.
    """
    values = _clean(data)
    try:
        with session_scope(write=True) as session:
            profile = repo.profile_of(session=session, tutor_id=tutor_id)
            if profile is None:
                raise NotFound(NOT_A_TUTOR)
            if values.get("is_published") and not profile.is_published:
                onboarding.require_bookable(session, tutor_id, now or clock.now())
            _apply(session, profile, values)
            refresh_next_free(session, tutor_id)  # the marketplace card's "from" price
            realtime.publish_on_commit(session, (tutor_id,))  # the calendar's currency
            return _view(
                profile, repo.profile_subject_ids(session=session, profile_id=profile.id or 0)
            )
    except IntegrityError as exc:  # a racing save took the slug between check and write
        if "slug" not in str(exc.orig):
            raise
        raise ValidationFailed({"slug": SLUG_TAKEN}) from None
