"""The tutor's public profile: read, partial save, slug rules and uniqueness, subjects."""

from __future__ import annotations

import pytest

from booking_app.services.errors import NotFound, ValidationFailed
from booking_app.services.profile import get_profile, save_profile
from tests.support.builders import add_student, add_subject, add_tutor


def test_get_profile_defaults(db: str) -> None:
    tutor = add_tutor()
    view = get_profile(tutor)
    assert view.slug == "olena" and view.currency == "UAH" and view.default_price == "0.00"
    assert view.subject_ids == [] and view.is_published and not view.requires_confirmation


def test_save_profile_partial(db: str) -> None:
    tutor = add_tutor()
    math, english = add_subject("Mathematics"), add_subject("English")
    view = save_profile(
        tutor,
        {
            "slug": "Olena-Math",
            "headline": " Algebra ",
            "bio": "Ten years of teaching.",
            "default_price": "400,5",
            "subject_ids": [english, math],
            "requires_confirmation": "yes",
        },
    )
    assert view.slug == "olena-math" and view.headline == "Algebra"
    assert view.default_price == "400.50" and view.subject_ids == sorted([math, english])
    assert view.requires_confirmation and view.is_published
    again = save_profile(tutor, {"is_published": False, "subject_ids": [math]})
    assert again.slug == "olena-math" and not again.is_published and again.subject_ids == [math]
    assert get_profile(tutor) == again


def test_save_profile_errors_by_field_and_nothing_written(db: str) -> None:
    tutor = add_tutor()
    add_tutor("petro@example.com")
    bad = {
        "slug": "a",
        "headline": "x" * 161,
        "default_price": "-5",
        "currency": "hryvnia",
        "subject_ids": [999999],
        "is_published": "maybe",
    }
    with pytest.raises(ValidationFailed) as err:
        save_profile(tutor, bad)
    assert set(err.value.field_errors) == {
        "slug",
        "headline",
        "default_price",
        "currency",
        "is_published",
    }
    with pytest.raises(ValidationFailed) as err:
        save_profile(tutor, {"slug": "petro", "subject_ids": [999999]})
    assert set(err.value.field_errors) == {"slug", "subject_ids"}
    for slug in ("bad slug", "-abc", "abc-", "a--b", "x" * 61, "UPPER_case"):
        with pytest.raises(ValidationFailed):
            save_profile(tutor, {"slug": slug})
    assert get_profile(tutor).slug == "olena"


def test_non_tutors_are_not_found(db: str) -> None:
    student = add_student()
    with pytest.raises(NotFound):
        get_profile(student)
    with pytest.raises(NotFound):
        save_profile(student, {"headline": "x"})
