"""A new tutor's page stays hidden until it can be booked; the checklist reads the database.

Why: issue 14 found a brand-new tutor's empty page live in the marketplace. A profile now
starts unpublished, `onboarding.publish` (and the profile form's switch) refuse with
`not_bookable` naming what is missing, and the public page answers only once published.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from booking_app.services import accounts, availability, onboarding, profile, tutor_public
from booking_app.services.errors import NotBookable, NotFound
from tests.support.builders import add_service, add_tutor

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)  # a Tuesday


def _new_tutor() -> tuple[int, str]:
    user = accounts.register(
        accounts.Registration(
            name="Iryna Nova", email="iryna@example.com", phone="+380671112233",
            password="correct horse 1", role="tutor", timezone="Europe/Kyiv",
        )
    )  # fmt: skip
    return user.id, profile.get_profile(user.id).slug


def test_a_registered_tutor_starts_hidden_and_cannot_publish_an_empty_page(db: str) -> None:
    tutor, slug = _new_tutor()
    assert not profile.get_profile(tutor).is_published
    with pytest.raises(NotFound):
        tutor_public.tutor_public_page(slug)
    with pytest.raises(NotBookable) as refused:
        onboarding.publish(tutor, now=NOW)
    assert refused.value.code == "not_bookable" and refused.value.http_status == 409
    assert refused.value.missing == ["service", "hours"]
    assert "add an active service" in refused.value.detail
    assert "working hours" in refused.value.detail
    # the profile form's switch follows the same rule, and nothing is written
    with pytest.raises(NotBookable):
        profile.save_profile(tutor, {"headline": "Maths", "is_published": True}, now=NOW)
    assert profile.get_profile(tutor).headline == "" and not profile.get_profile(tutor).is_published


def test_publish_succeeds_once_a_service_has_offered_slots(db: str) -> None:
    tutor = add_tutor("olena@example.com", is_published=False)
    add_service(tutor, active=False)
    with pytest.raises(NotBookable) as refused:  # an inactive service is no offer
        onboarding.publish(tutor, now=NOW)
    assert refused.value.missing == ["service"]
    add_service(tutor)
    ready = onboarding.publish(tutor, now=NOW)
    assert ready.is_published and ready.slots > 0 and ready.missing == []
    assert tutor_public.tutor_public_page("olena").tutor_id == tutor
    onboarding.unpublish(tutor, now=NOW)
    with pytest.raises(NotFound):
        tutor_public.tutor_public_page("olena")


def test_hours_that_offer_nothing_in_the_next_weeks_block_publishing(db: str) -> None:
    # hours exist, but the booking horizon (1 day) and notice (3 days) leave no start
    tutor = add_tutor("olena@example.com", is_published=False, horizon_days=1,
                      min_notice_min=3 * 24 * 60)  # fmt: skip
    add_service(tutor)
    with pytest.raises(NotBookable) as refused:
        onboarding.publish(tutor, now=NOW)
    assert refused.value.missing == ["slots"]
    assert "no time can be booked" in refused.value.detail
    assert not onboarding.readiness(tutor, now=NOW).is_published


def test_unpublishing_and_editing_a_published_profile_need_no_check(db: str) -> None:
    tutor = add_tutor("olena@example.com", hours=())  # published, but nothing bookable
    view = profile.save_profile(tutor, {"headline": "Maths", "is_published": True}, now=NOW)
    assert view.is_published and view.headline == "Maths"
    assert not profile.save_profile(tutor, {"is_published": False}, now=NOW).is_published


def test_checklist_steps_follow_the_database(db: str) -> None:
    tutor, _ = _new_tutor()
    hrefs = {"profile_href": "/p", "services_href": "/s", "hours_href": "/h", "public_href": "/t"}

    def states() -> dict[str, bool]:
        ready = onboarding.readiness(tutor, now=NOW)
        return {s.key: s.done for s in onboarding.checklist(ready, **hrefs)}

    assert states() == dict.fromkeys(
        ["profile", "service", "hours", "preview", "publish", "share"], False
    )
    profile.save_profile(tutor, {"headline": "Algebra, calmly"})
    add_service(tutor)
    assert [k for k, done in states().items() if done] == ["profile", "service"]
    availability.save_weekly_windows(tutor, [(1, "09:00", "17:00")])
    assert [k for k, done in states().items() if done] == [
        "profile", "service", "hours", "preview"
    ]  # fmt: skip
    onboarding.publish(tutor, now=NOW)
    assert all(states().values())
