"""/calendar: the week for tutors (edit) and students (read), live across tabs and users.

The state holds only the visible week's small view objects (CalEvent rows, the week's
stats, one open dialog). Tutors select a range to create a lesson or busy time, drag or
resize to move (refused moves snap back with the reason), click for details (students,
status, payment, notes) and delete. Every change goes through the services; the page
re-reads its week whenever the user's live channel moves (another tab, another user, a
background task).
"""

from __future__ import annotations

import reflex as rx

from booking_app import routes
from booking_app.components.layout import app_shell
from booking_app.components.week_calendar import EVENT_CSS, swipe_navigation, week_calendar
from booking_app.realtime.channel import live_refresh
from booking_app.services import calendar as cal
from booking_app.state.page import tutor_or_student_page

from .dialogs import create_dialog, detail_dialog, new_lesson_dialog
from .state import CalendarState

S = CalendarState
LEGEND = [
    ("Request", "pending"),
    ("Confirmed", "confirmed"),
    ("Group", "group"),
    ("Open", "open"),
    ("Tentative", "tentative"),
    ("Busy", "busy"),
]


def _week_buttons() -> rx.Component:
    return rx.hstack(
            rx.icon_button(
                rx.icon("chevron-left"), on_click=S.prev_week, variant="soft",
                id="cal-prev", aria_label="Previous week",
            ),
            rx.button("Today", on_click=S.this_week, variant="soft", id="cal-today"),
            rx.icon_button(
                rx.icon("chevron-right"), on_click=S.next_week, variant="soft",
                id="cal-next", aria_label="Next week",
            ),
            rx.heading(S.label, size="4", id="cal-week-label"),
            align="center",
            spacing="2",
        )  # fmt: skip


def _day_buttons() -> rx.Component:
    """Phones: one day at a time (or the week as a list), 44 px targets."""
    day_view = S.mobile_view == "timeGridDay"
    return rx.vstack(
        rx.hstack(
            rx.icon_button(
                rx.icon("chevron-left"), variant="soft", size="3", id="cal-prev-day",
                aria_label=rx.cond(day_view, "Previous day", "Previous week"),
                on_click=rx.cond(day_view, S.shift_day(-1), S.prev_week),
            ),
            rx.button("Today", on_click=S.this_week, variant="soft", size="3", id="cal-today-m"),
            rx.icon_button(
                rx.icon("chevron-right"), variant="soft", size="3", id="cal-next-day",
                aria_label=rx.cond(day_view, "Next day", "Next week"),
                on_click=rx.cond(day_view, S.shift_day(1), S.next_week),
            ),
            rx.heading(rx.cond(day_view, S.focus_label, S.label), size="4", id="cal-day-label"),
            align="center",
            spacing="2",
        ),
        rx.hstack(
            *[
                rx.button(
                    label, on_click=S.set_mobile_view(view), size="3",
                    variant=rx.cond(S.mobile_view == view, "solid", "soft"),
                    aria_pressed=rx.cond(S.mobile_view == view, "true", "false"),
                    id=f"cal-view-{label.lower()}",
                )
                for label, view in (("Day", "timeGridDay"), ("List", "listWeek"))
            ],
            spacing="1",
            id="cal-view-switch",
            role="group",
            aria_label="Calendar view",
        ),
        spacing="2",
    )  # fmt: skip


def _toolbar() -> rx.Component:
    return rx.flex(
        rx.cond(S.narrow, _day_buttons(), _week_buttons()),
        rx.hstack(
            rx.input(
                type="date", id="cal-jump", aria_label="Jump to date",
                on_change=S.pick_date.debounce(400),
            ),
            rx.cond(
                S.is_tutor,
                rx.button(rx.icon("plus", size=14), "New lesson", on_click=S.open_new,
                          id="cal-new-lesson", min_height="36px"),
            ),
            rx.cond(
                S.is_tutor,
                rx.hstack(
                    rx.el.label("Payments", html_for="cal-toggle-payments",
                                class_name="rt-Text rt-r-size-2"),
                    rx.switch(
                        checked=S.show_payments, on_change=S.set_show_payments,
                        id="cal-toggle-payments", aria_label="Payments",
                    ),
                    rx.el.label("Stats", html_for="cal-toggle-stats",
                                class_name="rt-Text rt-r-size-2"),
                    rx.switch(
                        checked=S.show_stats, on_change=S.set_show_stats, id="cal-toggle-stats",
                        aria_label="Stats",
                    ),
                    align="center",
                    spacing="2",
                ),
            ),
            align="center",
            spacing="3",
            wrap="wrap",
        ),
        justify="between",
        align="center",
        wrap="wrap",
        gap="var(--space-3)",
        width="100%",
    )  # fmt: skip


def _stat(label: str, value: rx.Var, id_: str) -> rx.Component:  # type: ignore[type-arg]
    return rx.card(
        rx.vstack(
            rx.text(label, size="1", color_scheme="gray"),
            rx.text(value, size="5", weight="bold", id=id_),
            spacing="0",
        ),
        min_width="8em",
    )


def _stats() -> rx.Component:
    return rx.cond(
        S.is_tutor & S.show_stats,
        rx.flex(
            _stat("Lessons", S.stats.lessons.to_string(), "stat-lessons"),
            _stat("Hours", S.stats.hours, "stat-hours"),
            _stat("Revenue", S.stats.revenue, "stat-revenue"),
            _stat("Paid", S.stats.paid, "stat-paid"),
            _stat("Unpaid", S.stats.unpaid, "stat-unpaid"),
            _stat("Utilization", S.stats.utilization, "stat-utilization"),
            gap="var(--space-3)",
            wrap="wrap",
            id="cal-stats",
        ),
    )


def _legend() -> rx.Component:
    return rx.flex(
        *[
            rx.hstack(
                rx.box(
                    width="0.8em",
                    height="0.8em",
                    border_radius="2px",
                    background=cal.COLORS[status],
                ),
                rx.text(label, size="1"),
                align="center",
                spacing="1",
            )  # fmt: skip
            for label, status in LEGEND
        ],
        gap="var(--space-3)",
        wrap="wrap",
    )


def _widget(**props: object) -> rx.Component:
    """The calendar with what every layout shares: events, editing (tutors), working hours
    shaded, drags snapping to the tutor's slot step."""
    return week_calendar(
        now=S.now,
        events=S.fc_events,
        editable=S.is_tutor,
        selectable=S.is_tutor,
        select_mirror=True,
        event_overlap=True,
        scroll_time="08:00:00",
        business_hours=S.business_hours,
        snap_duration=S.snap,
        event_drop=S.on_change,
        event_resize=S.on_change,
        select=S.on_select,
        event_click=S.on_click,
        **props,
    )


def _calendar() -> rx.Component:
    week = rx.box(
        _widget(key=S.week_start, initial_date=S.week_start),
        min_width="720px",  # seven readable columns (phones get the day / list views)
    )
    phone = _widget(
        key=S.focus_day + S.mobile_view,
        initial_view=S.mobile_view,
        initial_date=S.focus_day,
        # the day scrolls inside (to 08:00 on open); the list grows with the page
        height=rx.cond(S.mobile_view == "listWeek", "auto", "65vh"),
        list_day_format={"weekday": "long", "day": "numeric", "month": "short"},
        no_events_text="Nothing this week.",
    )
    return rx.box(
        rx.cond(S.narrow, phone, week),
        id="week-calendar",
        class_name=rx.cond(S.narrow, "cal-phone", "cal-desktop"),
        width="100%",
        overflow_x=rx.cond(S.narrow, "hidden", "auto"),
        style=EVENT_CSS,
    )


@tutor_or_student_page(routes.CALENDAR, "Calendar", on_load=[CalendarState.on_load])
def calendar_page() -> rx.Component:
    return app_shell(
        live_refresh(S.refresh),
        swipe_navigation(),
        rx.vstack(
            rx.heading("Calendar", size="7", id="calendar-heading"),
            rx.text("Times in ", S.timezone, size="2", color_scheme="gray", id="cal-timezone"),
            _toolbar(),
            _stats(),
            _legend(),
            rx.cond(
                S.loaded & S.layout_known,
                _calendar(),
                rx.center(rx.spinner(size="3"), width="100%", padding="var(--space-6)"),
            ),
            create_dialog(),
            detail_dialog(),
            new_lesson_dialog(),
            width="100%",
            spacing="3",
        ),
    )
