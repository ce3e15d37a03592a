"""Field validators: the messages users see next to the fields, and normalization."""

import pytest

from booking_app.services import validation as v


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("Ivan@Example.COM", "ivan@example.com"), ("  a.b+c@mail.ua ", "a.b+c@mail.ua")],
)
def test_email_is_normalized_to_lower_case(raw: str, expected: str) -> None:
    assert v.clean_email(raw) == expected


@pytest.mark.parametrize("raw", ["", "bad", "a@", "@b.com", "a b@c.com"])
def test_invalid_email_is_refused(raw: str) -> None:
    with pytest.raises(v.FieldError):
        v.clean_email(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("+380 67 123 4567", "+380671234567"),
        ("067 123 45 67", "+380671234567"),  # national format read in the default region
        ("+1 (212) 555-0123", "+12125550123"),
    ],
)
def test_phone_is_stored_in_e164(raw: str, expected: str) -> None:
    assert v.clean_phone(raw) == expected


@pytest.mark.parametrize("raw", ["123", "+380 12", "phone", "+999 1234567"])
def test_unparseable_phone_is_refused(raw: str) -> None:
    with pytest.raises(v.FieldError, match="valid phone number"):
        v.clean_phone(raw)


def test_missing_phone_asks_for_it() -> None:
    with pytest.raises(v.FieldError, match="Enter your phone number"):
        v.clean_phone("  ")


def test_password_needs_eight_characters() -> None:
    with pytest.raises(v.FieldError, match="at least 8"):
        v.clean_password("1234567")
    assert v.clean_password("12345678") == "12345678"


def test_timezone_must_be_an_iana_name() -> None:
    assert v.clean_timezone("Europe/Kyiv") == "Europe/Kyiv"
    with pytest.raises(v.FieldError):
        v.clean_timezone("Mars/Olympus")
    assert "Europe/Kyiv" in v.timezone_names() and "UTC" in v.timezone_names()


@pytest.mark.parametrize(
    ("raw", "expected"), [("@Tutor_Bot", "tutor_bot"), ("ivan_p", "ivan_p"), ("", None)]
)
def test_telegram_username_is_stored_lower_case_without_at(raw: str, expected: str | None) -> None:
    assert v.clean_telegram_username(raw) == expected


@pytest.mark.parametrize("raw", ["@abc", "@1abcdef", "@has space", "@" + "a" * 33])
def test_bad_telegram_username_is_refused(raw: str) -> None:
    with pytest.raises(v.FieldError, match="Telegram username"):
        v.clean_telegram_username(raw)


def test_telegram_username_required_for_guests() -> None:
    with pytest.raises(v.FieldError):
        v.clean_telegram_username("", required=True)


def test_renamed_zones_reported_by_browsers_map_to_current_names() -> None:
    assert v.canonical_timezone("Europe/Kiev") == "Europe/Kyiv"
    assert v.canonical_timezone("Europe/Warsaw") == "Europe/Warsaw"


# --- issue 14: `next` after sign-in, demo addresses ---------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "/t/olena?service=3&week=2026-11-30&slot=2026-11-30T08%3A00%3A00%2B00%3A00",
        "/home",
        "/",
        "/calendar#week",
    ],
)
def test_next_keeps_paths_of_this_site(raw: str) -> None:
    assert v.safe_next_path(raw) == raw


@pytest.mark.parametrize(
    "raw",
    [
        "",
        None,
        42,
        "//evil.example",
        "///evil.example",
        "https://evil.example/t/olena",
        "javascript:alert(1)",
        "http:/evil.example",
        "evil.example/login",
        "t/olena",
        "/\\evil.example",
        "\\\\evil.example",
        "/\t/evil.example",  # browsers drop tabs and newlines: "//evil.example"
        "/\n/evil.example",
        " /home",
        "/%2F%2Fevil.example",
        "/%5Cevil.example",
        "/" + "a" * 3000,
    ],
)
def test_next_refuses_anything_that_could_leave_the_site(raw: object) -> None:
    assert v.safe_next_path(raw) is None


def test_every_demo_address_passes_the_email_validator() -> None:
    """Issue 14: `.local` addresses were refused by the booking form that pre-filled them."""
    from booking_app.demo import plan

    emails = [s.email for s in plan.STUDENTS] + [t.email for t in plan.TUTORS]
    emails += [login.email for login in plan.demo_logins()]
    assert emails and all(v.clean_email(e) == e for e in emails)
    assert all(e.endswith("@example.com") for e in emails)
