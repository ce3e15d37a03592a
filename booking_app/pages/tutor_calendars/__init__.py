"""Tutor: connected calendars (issue 17). Paste iCal addresses (Google, Yandex, Outlook,
Apple) whose events block your free times, or connect a CalDAV account for two-way sync;
each source shows its last sync, event count and last error. States: state.py."""

from __future__ import annotations

import reflex as rx

from booking_app import routes
from booking_app.components.forms import SELECT_CLASS, form_message, named_field, submit_button
from booking_app.components.layout import app_shell
from booking_app.components.widgets import empty_state, page_header, when_loaded
from booking_app.realtime.channel import live_refresh
from booking_app.state.page import tutor_page

from .state import (
    CaldavFormState,
    CalendarOption,
    CalendarsState,
    IcalFormState,
    SourceItem,
)

__all__ = ["CalendarsState", "tutor_calendars_page"]

S = CalendarsState


def _source_card(s: SourceItem) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.vstack(
                    rx.hstack(
                        rx.heading(s.name, size="3", as_="h3"),
                        rx.badge(rx.cond(s.kind == "caldav", "CalDAV", "iCal"), variant="soft"),
                        rx.cond(
                            s.healthy,
                            rx.badge("OK", color_scheme="green", variant="soft"),
                            rx.badge("Failing", color_scheme="red", variant="soft"),
                        ),
                        align="center",
                        wrap="wrap",
                    ),
                    rx.text(s.host, size="1", color_scheme="gray"),
                    spacing="1",
                ),
                rx.hstack(
                    rx.button(
                        rx.icon("refresh-cw", size=14),
                        "Refresh",
                        variant="soft",
                        on_click=S.refresh(s.id),
                        loading=S.working == s.id,
                        aria_label="Refresh " + s.name,
                        id="refresh-calendar-" + s.id.to_string(),
                    ),
                    rx.cond(
                        s.kind == "caldav",
                        rx.button(
                            rx.icon("list-checks", size=14),
                            "Calendars",
                            variant="soft",
                            on_click=S.pick(s.id),
                            aria_label="Choose the calendars of " + s.name,
                            id="pick-calendar-" + s.id.to_string(),
                        ),
                    ),
                    rx.button(
                        rx.icon("trash-2", size=14),
                        "Remove",
                        variant="soft",
                        color_scheme="red",
                        on_click=S.remove(s.id),
                        aria_label="Disconnect " + s.name,
                        id="remove-calendar-" + s.id.to_string(),
                    ),
                    wrap="wrap",
                    spacing="2",
                ),
                justify="between",
                align="start",
                wrap="wrap",
                width="100%",
            ),
            rx.text(
                "Last sync: ",
                s.last_sync,
                " · ",
                s.event_count.to_string(),
                " events",
                size="2",
            ),  # fmt: skip
            rx.cond(
                s.kind == "caldav",
                rx.text(
                    "Lessons go to: ",
                    rx.cond(s.push_calendar != "", s.push_calendar, "not chosen"),
                    " · busy from ",
                    s.pull_count.to_string(),
                    " calendar(s)",
                    size="2",
                    color_scheme="gray",
                ),
            ),
            rx.cond(
                s.last_error != "",
                rx.callout(s.last_error, icon="triangle-alert", color_scheme="red", size="1"),
            ),
            rx.cond(
                s.push_error != "",
                rx.callout(s.push_error, icon="info", color_scheme="amber", size="1"),
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
        class_name="calendar-source",
    )


def _pull_option(o: CalendarOption) -> rx.Component:
    return rx.el.label(
        rx.checkbox(
            checked=S.pull_choices.contains(o.url),
            on_change=lambda _v: S.toggle_pull(o.url),
        ),
        o.name,
        class_name="rt-Text rt-r-size-2",
        style={"display": "flex", "gap": "8px", "align_items": "center", "min_height": "44px"},
    )


def _picker() -> rx.Component:
    return rx.cond(
        S.picking != 0,
        rx.card(
            rx.vstack(
                rx.heading("Choose calendars", size="4", as_="h2"),
                rx.el.label(
                    "Put my lessons in",
                    html_for="caldav-push",
                    class_name="rt-Text rt-r-size-2 rt-r-weight-medium",
                ),
                rx.el.select(
                    rx.el.option("Don't put lessons anywhere", value=""),
                    rx.foreach(S.options, lambda o: rx.el.option(o.name, value=o.url)),
                    id="caldav-push",
                    value=S.push_choice,
                    on_change=S.set_push,
                    class_name=SELECT_CLASS,
                    style={"width": "100%"},
                ),
                rx.text("These calendars make me busy:", size="2", weight="medium"),
                rx.foreach(S.options, _pull_option),
                rx.hstack(
                    rx.button(
                        "Save", on_click=S.save_pick, loading=S.working == S.picking, id="save-pick"
                    ),
                    rx.button("Cancel", variant="soft", on_click=S.cancel_pick),
                    spacing="2",
                ),
                spacing="3",
                width="100%",
            ),
            width="100%",
            id="calendar-picker",
        ),
    )


def _ical_form() -> rx.Component:
    F = IcalFormState
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading("Add an iCal address", size="4", as_="h2"),
                rx.text(
                    "Google: Settings > your calendar > Secret address in iCal format. "
                    "Yandex: calendar settings > Export > link. Outlook: Shared calendars "
                    "> Publish > ICS. Events there block your free times.",
                    size="2",
                    color_scheme="gray",
                ),
                named_field(
                    "Calendar address",
                    "url",
                    F.errors,
                    id_prefix="ical-",
                    placeholder="https://calendar.google.com/calendar/ical/.../basic.ics",
                    auto_complete="off",
                    type="url",
                ),  # fmt: skip
                named_field(
                    "Name (optional)", "name", F.errors, id_prefix="ical-", placeholder="Personal"
                ),
                form_message(F.errors, "ical-form-error"),
                submit_button(rx.icon("plus", size=14), "Connect", loading=F.saving, id="ical-add"),
                spacing="3",
                width="100%",
            ),
            on_submit=F.add,
            no_validate=True,
            key=F.form_key,
            width="100%",
        ),
        width="100%",
        id="ical-section",
    )


def _caldav_form() -> rx.Component:
    F = CaldavFormState
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading("Connect a CalDAV calendar (two-way)", size="4", as_="h2"),
                rx.text(
                    "Yandex Calendar, iCloud, Fastmail, Nextcloud: your lessons are added "
                    "there, and the calendars you choose block your free times. Use an app "
                    "password, not your main one.",
                    size="2",
                    color_scheme="gray",
                ),
                named_field(
                    "Server address",
                    "url",
                    F.errors,
                    id_prefix="caldav-",
                    placeholder="https://caldav.yandex.ru",
                    auto_complete="off",
                    type="url",
                ),  # fmt: skip
                named_field(
                    "User name", "username", F.errors, id_prefix="caldav-", auto_complete="username"
                ),
                named_field(
                    "App password",
                    "password",
                    F.errors,
                    id_prefix="caldav-",
                    type="password",
                    auto_complete="new-password",
                ),  # fmt: skip
                named_field(
                    "Name (optional)", "name", F.errors, id_prefix="caldav-", placeholder="Yandex"
                ),
                form_message(F.errors, "caldav-form-error"),
                submit_button(
                    rx.icon("link", size=14), "Connect", loading=F.saving, id="caldav-add"
                ),
                spacing="3",
                width="100%",
            ),
            on_submit=F.add,
            no_validate=True,
            key=F.form_key,
            width="100%",
        ),
        width="100%",
        id="caldav-section",
    )


@tutor_page(
    routes.TUTOR_CALENDARS,
    "Connected calendars",
    on_load=[CalendarsState.on_load],
)  # linked from the Profile page's "Integrations" card, not the crowded header
def tutor_calendars_page() -> rx.Component:
    return app_shell(
        live_refresh(S.refresh_list),
        rx.vstack(
            page_header(rx.heading("Connected calendars", size="7", id="calendars-heading")),
            rx.text(
                "Events in your other calendars block your free times here. They are read "
                "again every few minutes.",
                size="2",
                color_scheme="gray",
            ),
            when_loaded(
                S.loaded,
                rx.vstack(
                    rx.cond(
                        S.sources.length() == 0,
                        empty_state(
                            "calendar-sync",
                            "No calendars connected",
                            "Paste an iCal address or connect a CalDAV account below.",
                            id_="calendars-empty",
                        ),
                        rx.vstack(
                            rx.foreach(S.sources, _source_card),
                            spacing="3",
                            width="100%",
                            id="calendars-list",
                        ),
                    ),
                    _picker(),
                    rx.grid(
                        _ical_form(),
                        _caldav_form(),
                        columns=rx.breakpoints(initial="1", lg="2"),
                        spacing="4",
                        width="100%",
                    ),
                    spacing="4",
                    width="100%",
                ),
            ),
            spacing="4",
            padding_y="var(--space-6)",
            width="100%",
        ),
    )
