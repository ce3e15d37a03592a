"""Routes and URL builders: one spelling of every link."""

from __future__ import annotations

from booking_app import routes


def test_builders_follow_the_route_constants() -> None:
    assert routes.tutor_public_url("olena") == "/t/olena"
    query = {"from": "marketplace", "service": "3", "week": "2026-12-07"}
    assert routes.tutor_public_url("olena", query) == (
        "/t/olena?from=marketplace&service=3&week=2026-12-07"
    )
    assert routes.tutor_public_url("olena", {"from": "marketplace", "service": ""}) == (
        "/t/olena?from=marketplace"
    )
    assert routes.booking_url("tok") == "/booking/tok"
    assert routes.booking_url("tok", new=True) == "/booking/tok?new=1"
    assert routes.booking_ics_url("tok") == "/api/v1/bookings/tok/calendar.ics"
    assert routes.calendar_feed_url("s3cret") == "/api/feeds/s3cret.ics"
    assert routes.classroom_url("u-1") == "/classroom/u-1"
    assert routes.login_url("/calendar") == "/login?next=/calendar"
    assert routes.login_url() == routes.LOGIN


def test_route_arg_reads_the_dynamic_segment() -> None:
    assert routes.route_arg("/t/olena-k", routes.TUTOR_PUBLIC) == "olena-k"
    assert routes.route_arg("/t/olena-k/?from=x", routes.TUTOR_PUBLIC) == "olena-k"
    assert routes.route_arg("/booking/abc", routes.TUTOR_PUBLIC) == ""
    assert routes.is_on("/invite/lesson/x", routes.INVITE_LESSON)
    assert not routes.is_on("/invite/classroom/x", routes.INVITE_LESSON)


def test_every_nav_link_leads_to_a_page() -> None:
    import booking_app.booking_app  # noqa: F401  (registers every page)
    from booking_app.state.page import PAGES

    for entries in routes.NAV_BY_ROLE.values():
        assert all(href in PAGES or href in routes.SERVER_PAGES for _, href, _ in entries)
