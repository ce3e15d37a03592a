"""Tutor: every booking with filters (dates, status, service, student, paid), sort,
pages, export of the current filter as CSV and bulk "mark paid". State in state.py."""

from __future__ import annotations

import reflex as rx

from booking_app import routes
from booking_app.components.downloads import download_button
from booking_app.components.forms import error_of, form_field, form_message, select_control
from booking_app.components.layout import app_shell
from booking_app.components.widgets import empty_state, page_header, status_badge, when_loaded
from booking_app.realtime.channel import live_refresh
from booking_app.state.page import tutor_page

from .state import (
    PAID_OPTIONS,
    SORT_OPTIONS,
    STATUS_OPTIONS,
    BookingItem,
    TutorBookingsState,
)

S = TutorBookingsState


def _select(label: str, name: str, options: object) -> rx.Component:
    return form_field(
        label,
        select_control(options, f"bk-{name}", default_value=""),  # type: ignore[arg-type]
        error_of(S.errors, name),
        f"bk-{name}",
    )


def _date(label: str, name: str) -> rx.Component:
    return form_field(
        label,
        rx.input(id=f"bk-{name}", name=f"bk-{name}", type="date", size="3"),
        error_of(S.errors, name),
        f"bk-{name}",
    )


def _filters() -> rx.Component:
    return rx.card(
        rx.form(
            rx.vstack(
                rx.grid(
                    _date("From", "from"),
                    _date("To", "to"),
                    _select("Status", "status", STATUS_OPTIONS),
                    _select("Service", "service_id", S.service_options),
                    _select("Student", "student_id", S.student_options),
                    _select("Payment", "paid", PAID_OPTIONS),
                    _select("Sort by", "sort", SORT_OPTIONS),
                    columns=rx.breakpoints(initial="1", xs="2", md="4"),
                    spacing="3",
                    width="100%",
                ),
                form_message(S.errors, "bk-form-error"),
                rx.flex(
                    rx.button(
                        rx.icon("filter", size=16),
                        "Apply filters",
                        type="submit",
                        id="bk-apply",
                        size="3",
                    ),  # fmt: skip
                    download_button("Export CSV", S.export_href, id_="bk-export"),
                    gap="var(--space-2)",
                    wrap="wrap",
                ),
                spacing="3",
                width="100%",
            ),
            on_submit=S.apply,
            id="bk-filters",
        ),
        width="100%",
    )


def _row(b: BookingItem) -> rx.Component:
    return rx.card(
        rx.flex(
            rx.checkbox(
                checked=S.selected.contains(b.id),
                on_change=lambda checked: S.toggle(b.id, checked),
                aria_label="Select booking " + b.id.to_string(),
                size="3",
                class_name="bk-select",
            ),
            rx.vstack(
                rx.hstack(
                    rx.text(b.student, weight="medium"),
                    status_badge(b.status_label, b.status_color),
                    rx.badge(
                        b.payment_label,
                        color_scheme=rx.cond(b.paid, "green", "gray"),
                        variant="outline",
                    ),  # fmt: skip
                    align="center",
                    wrap="wrap",
                ),
                rx.text(b.label, " · ", b.lesson, " · ", b.price, size="2", color_scheme="gray"),
                spacing="1",
                flex="1",
                min_width="0",
            ),
            align="center",
            gap="var(--space-3)",
            width="100%",
        ),
        width="100%",
        class_name="bk-row",
    )


def _list() -> rx.Component:
    return rx.cond(
        S.rows.length() == 0,
        empty_state(
            "list-filter",
            "No bookings here",
            "Nothing matches these filters. Clear a filter or pick other dates.",
            id_="bk-empty",
        ),
        rx.vstack(
            rx.flex(
                rx.checkbox(
                    "Select all unpaid on this page",
                    on_change=S.toggle_all,
                    size="3",
                    id="bk-select-all",
                ),
                rx.button(
                    rx.icon("badge-check", size=16),
                    "Mark selected paid (",
                    S.selected.length(),
                    ")",
                    on_click=S.mark_paid,
                    loading=S.busy,
                    disabled=S.selected.length() == 0,
                    size="3",
                    id="bk-mark-paid",
                ),
                justify="between",
                align="center",
                gap="var(--space-2)",
                wrap="wrap",
                width="100%",
            ),
            rx.foreach(S.rows, _row),
            spacing="2",
            width="100%",
            id="bk-list",
        ),
    )


def _pager() -> rx.Component:
    return rx.flex(
        rx.text(S.showing, size="2", id="bk-showing", aria_live="polite"),
        rx.hstack(
            rx.button(
                "Previous",
                on_click=S.page(-1),
                disabled=~S.has_prev,
                variant="soft",
                size="3",
                id="bk-prev",
            ),  # fmt: skip
            rx.button(
                "Next",
                on_click=S.page(1),
                disabled=~S.has_next,
                variant="soft",
                size="3",
                id="bk-next",
            ),  # fmt: skip
        ),
        justify="between",
        align="center",
        wrap="wrap",
        gap="var(--space-2)",
        width="100%",
    )


# Not in the tutor's navigation (nine links fill a 1280 px header): linked from Requests.
@tutor_page(routes.TUTOR_BOOKINGS, "Bookings", on_load=[S.on_load])
def tutor_bookings_page() -> rx.Component:
    return app_shell(
        live_refresh(S.refresh),
        rx.vstack(
            page_header(
                rx.heading("Bookings", size="7", id="bookings-heading"),
                rx.link(
                    rx.button(
                        rx.icon("chart-column", size=16),
                        "Reports",
                        variant="soft",
                        size="3",
                        tab_index=-1,
                    ),
                    href=routes.REPORTS,
                    id="bk-reports",
                ),
            ),
            rx.text("Times are in ", S.timezone, ".", size="2", color_scheme="gray"),
            _filters(),
            when_loaded(S.loaded, rx.vstack(_list(), _pager(), spacing="3", width="100%")),
            spacing="4",
            padding_y="var(--space-6)",
            width="100%",
        ),
    )
