"""A tutor's public page `/t/<slug>`: bio, services, free slots of a week, the booking form.

Slots are `tutor_public.week_slots` in the viewer's timezone (the same engine function the
booking path re-checks under the tutor's lock). A refused booking ("just taken") keeps the
dialog's data, shows the message and refreshes the slots; success opens the private page.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from booking_app import routes
from booking_app.components.forms import form_message, named_field
from booking_app.components.layout import public_shell
from booking_app.components.slots import (
    RETURN_FOCUS,
    TARGET,
    phone_slot_picker,
    slot_grid,
    timezone_select,
    week_picker,
)
from booking_app.components.widgets import length_and_price, not_found, trial_badge, when_loaded
from booking_app.state.page import public_page
from booking_app.state.week_nav import JoinableRow

from .state import PublicServiceRow, TutorPublicState

S = TutorPublicState


def _service_card(s: PublicServiceRow) -> rx.Component:
    selected = S.service_id == s.id.to_string()
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(s.name, size="3"),
                rx.cond(
                    s.is_trial,
                    trial_badge(),
                ),
                justify="between",
                width="100%",
            ),
            length_and_price(s, label=s.price_label, size="2", weight="medium"),
            rx.flex(
                rx.cond(s.subject_name != "", rx.badge(s.subject_name, variant="outline")),
                rx.cond(
                    s.lesson_type == "group",
                    rx.badge("Group · up to ", s.capacity.to_string(), color_scheme="violet"),
                    rx.badge("Individual", color_scheme="blue"),
                ),
                rx.badge(rx.cond(s.mode == "online", "Online", "In person"), color_scheme="cyan"),
                gap="var(--space-2)",
                wrap="wrap",
            ),
            rx.cond(s.description != "", rx.text(s.description, size="2", color_scheme="gray")),
            rx.cond(
                s.is_trial & ~S.is_student,
                rx.text(
                    rx.icon("lock", size=12),
                    " Sign in as a student to book a trial.",
                    size="2",
                    color_scheme="amber",
                    class_name="trial-needs-account",
                ),
            ),
            rx.button(
                rx.cond(selected, "Selected", "Show times"),
                variant=rx.cond(selected, "solid", "soft"),
                on_click=S.set_service(s.id.to_string()),
                size="2",
                min_height=TARGET,
                id="choose-service-" + s.id.to_string(),
            ),
            spacing="2",
            align="start",
        ),
        class_name="public-service",
        width="100%",
    )


def _joinable_item(j: JoinableRow) -> rx.Component:
    return rx.hstack(
        rx.icon("users", size=14),
        rx.text(j.label, size="2"),
        rx.text(j.title, size="2", color_scheme="gray"),
        rx.badge(j.free_spots.to_string(), " free", color_scheme="violet"),
        rx.button(
            "Join",
            size="2",
            min_height=TARGET,
            on_click=S.pick_lesson(j.lesson_id, j.label),
            id="join-" + j.lesson_id.to_string(),
        ),
        align="center",
        class_name="joinable-lesson",
    )


def _booking_form() -> rx.Component:
    def field(label: Any, name: str, default: rx.Var, **props: Any) -> rx.Component:  # type: ignore[type-arg]
        return named_field(label, name, S.errors, id_prefix="book-", default_value=default, **props)

    return rx.form(
        rx.vstack(
            rx.cond(
                S.is_guest,
                rx.text(
                    "Booking as a guest. ",
                    rx.link("Sign in", href=S.sign_in_href, id="book-sign-in"),
                    " to book with your account (trials need a student account).",
                    size="2",
                    color_scheme="gray",
                ),
            ),
            field("Name", "name", S.f_name),
            field("Phone", "phone", S.f_phone, type="tel", placeholder="+380 67 123 4567"),
            field("Email (optional)", "email", S.f_email, type="email"),
            field(
                rx.cond(S.is_guest, "Telegram username", "Telegram username (optional)"),
                "telegram_username",
                S.f_telegram,
                placeholder="@username",
            ),
            form_message(S.errors, "book-form-error", width="100%"),
            rx.hstack(
                rx.dialog.close(
                    rx.button("Cancel", variant="soft", color_scheme="gray", type="button")
                ),
                rx.button("Book", type="submit", loading=S.submitting, id="book-submit"),
                justify="end",
                width="100%",
                spacing="3",
            ),
            spacing="3",
            width="100%",
        ),
        on_submit=S.submit,
        no_validate=True,
        key=S.form_key,
        width="100%",
        id="booking-form",
    )


def _sign_in_links(prefix: str) -> rx.Component:
    """Sign in / create a student account, both coming back to this service, week and slot."""
    return rx.flex(
        rx.link(
            rx.button("Sign in", min_height=TARGET), href=S.sign_in_href, id=f"{prefix}-sign-in"
        ),
        rx.link(
            rx.button("Create a student account", variant="soft", min_height=TARGET),
            href=S.register_href,
            id=f"{prefix}-register",
        ),
        gap="var(--space-3)",
        wrap="wrap",
    )


def _trial_notice(prefix: str) -> rx.Component:
    """Said up front, before a guest picks a time or fills anything (issue 14, item 2)."""
    return rx.callout.root(
        rx.callout.icon(rx.icon("sparkles")),
        rx.vstack(
            rx.callout.text(
                rx.cond(
                    S.is_guest,
                    "Sign in as a student to book a trial. You come back to this time.",
                    "Trials are booked with a student account.",
                ),
                weight="medium",
            ),
            rx.cond(S.is_guest, _sign_in_links(prefix)),
            spacing="2",
        ),
        color_scheme="amber",
        width="100%",
        id=prefix,
    )


def _overlap_question() -> rx.Component:
    """ "You have X then. Book anyway?" (STUDENT_OVERLAP=warn), asked by the service."""
    return rx.callout.root(
        rx.callout.icon(rx.icon("calendar-clock")),
        rx.vstack(
            rx.callout.text(S.overlap_question, id="overlap-question"),
            rx.hstack(
                rx.button(
                    "Book anyway",
                    on_click=S.book_anyway,
                    loading=S.submitting,
                    id="book-anyway",
                    min_height=TARGET,
                ),
                rx.dialog.close(
                    rx.button(
                        "Pick another time",
                        variant="soft",
                        color_scheme="gray",
                        min_height=TARGET,
                        id="overlap-pick-another",
                    )
                ),
                spacing="3",
                wrap="wrap",
            ),
            spacing="2",
        ),
        color_scheme="amber",
        role="alert",
        width="100%",
    )


def _dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Book ", S.selected_service.name),
            rx.dialog.description(
                S.pick_label,
                " (",
                S.viewer_tz,
                ")",
                size="2",
                color_scheme="gray",
                margin_bottom="var(--space-3)",
                id="book-when",
            ),
            rx.cond(
                S.pick_busy != "",
                rx.callout(
                    "You have a lesson then: " + S.pick_busy,
                    icon="calendar-clock",
                    color_scheme="amber",
                    size="1",
                    margin_bottom="var(--space-3)",
                    id="book-busy",
                ),
            ),
            rx.cond(S.overlap_question != "", _overlap_question()),
            rx.cond(S.trial_needs_sign_in, _trial_notice("book-trial"), _booking_form()),
            max_width="520px",
            id="booking-dialog",
            on_close_auto_focus=RETURN_FOCUS,
        ),
        open=S.dialog_open,
        on_open_change=S.set_dialog_open,
    )


def _slots_section() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.flex(
                rx.heading("Free times", size="5"),
                timezone_select(S.viewer_tz, S.set_timezone, "viewer-timezone"),
                justify="between",
                align="center",
                wrap="wrap",
                gap="var(--space-3)",
                width="100%",
            ),
            rx.cond(
                S.taken_message != "",
                rx.callout(
                    S.taken_message,
                    icon="clock",
                    color_scheme="amber",
                    width="100%",
                    id="slot-taken",
                    role="alert",
                ),
            ),
            rx.cond(S.trial_needs_sign_in, _trial_notice("trial-notice")),
            week_picker(S, prefix="week"),
            rx.cond(
                S.slots_error != "",
                rx.callout(S.slots_error, icon="triangle-alert", color_scheme="amber"),
            ),
            rx.cond(
                S.slot_count == 0,
                rx.text(
                    "No free times this week — try the next one.",
                    size="2",
                    color_scheme="gray",
                    id="no-slots",
                ),
            ),
            rx.tablet_and_desktop(
                slot_grid(S.days, lambda s: S.pick_slot(s), prefix="slots", busy=S.busy),
                width="100%",
            ),
            rx.mobile_only(
                phone_slot_picker(
                    S.days,
                    S.phone_day,
                    S.pick_day,
                    S.phone_slots,
                    lambda s: S.pick_slot(s),
                    prefix="pslots",
                    busy=S.busy,
                ),
                width="100%",
            ),
            rx.cond(
                (S.joinable.length() > 0) & (S.selected_service.lesson_type == "group"),
                rx.vstack(
                    rx.text("Group lessons with free spots", weight="medium", size="2"),
                    rx.foreach(S.joinable, _joinable_item),
                    spacing="1",
                    id="joinable-list",
                ),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="slots-section",
    )


@public_page(routes.TUTOR_PUBLIC, "Tutor", on_load=[TutorPublicState.on_load])
def tutor_public_page() -> rx.Component:
    return public_shell(
        when_loaded(
            S.loaded,
            rx.cond(
                S.not_found,
                not_found(
                    "Tutor not found",
                    "This page does not exist or is not published.",
                    "tutor-not-found",
                ),
                rx.vstack(
                    rx.vstack(
                        rx.heading(S.tutor.name, size="8", id="tutor-name"),
                        rx.cond(
                            S.tutor.headline != "",
                            rx.text(S.tutor.headline, size="4", color_scheme="gray"),
                        ),
                        rx.flex(
                            rx.foreach(S.tutor.subjects, lambda x: rx.badge(x, variant="soft")),
                            gap="var(--space-2)",
                            wrap="wrap",
                        ),
                        rx.cond(
                            S.tutor.bio != "",
                            rx.text(S.tutor.bio, size="3", white_space="pre-wrap"),
                        ),
                        rx.cond(
                            S.tutor.requires_confirmation,
                            rx.text(
                                "The tutor confirms each request personally.",
                                size="2",
                                color_scheme="gray",
                            ),
                        ),
                        spacing="2",
                        width="100%",
                    ),
                    rx.grid(
                        rx.foreach(S.services, _service_card),
                        columns=rx.breakpoints(initial="1", sm="2", lg="3"),
                        spacing="3",
                        width="100%",
                        id="public-services",
                    ),
                    _slots_section(),
                    _dialog(),
                    spacing="5",
                    padding_y="var(--space-5)",
                    width="100%",
                ),
            ),
        )
    )
