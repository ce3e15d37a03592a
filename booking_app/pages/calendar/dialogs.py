"""The calendar's dialogs: create a lesson or busy time (tutors, after selecting a range)
and a lesson's details (seats, payments, notes, cancel) or a busy time (delete)."""

from __future__ import annotations

import reflex as rx

from booking_app.components.forms import error_of, field_error, form_field
from booking_app.services import lessons

from .state import CalendarState

S = CalendarState


def create_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("New on your calendar"),
            rx.dialog.description(S.create_label, size="2", id="create-when"),
            rx.form(
                rx.vstack(
                    rx.segmented_control.root(
                        rx.segmented_control.item("Lesson", value="lesson"),
                        rx.segmented_control.item("Busy time", value="busy"),
                        value=S.create_kind,
                        on_change=S.set_create_kind,
                        class_name="create-kind",
                    ),
                    rx.input(name="title", placeholder="Title (optional)", id="create-title"),
                    rx.cond(
                        S.create_kind == "lesson",
                        rx.vstack(
                            rx.radio_group(
                                ["individual", "group"],
                                value=S.create_type,
                                on_change=S.set_create_type,
                                direction="row",
                                class_name="create-type",
                            ),
                            rx.cond(
                                S.create_type == "group",
                                rx.input(
                                    name="capacity", placeholder="Seats (2–100)", type="number",
                                    id="create-capacity", default_value="4",
                                ),
                            ),
                            rx.input(name="price", placeholder="Price (0 = free)", id="create-price"),
                            width="100%",
                        ),
                    ),
                    field_error(S.create_error, "create"),
                    rx.hstack(
                        rx.dialog.close(rx.button("Cancel", variant="soft", color_scheme="gray", type="button")),
                        rx.button("Create", type="submit", id="create-submit"),
                        justify="end",
                        width="100%",
                    ),
                    width="100%",
                ),
                on_submit=S.create,
                no_validate=True,
                reset_on_submit=False,
            ),
            id="create-dialog",
        ),
        open=S.create_open,
        on_open_change=S.set_create_open,
    )  # fmt: skip


def new_lesson_dialog() -> rx.Component:
    """ "New lesson" by keyboard: date, start time, service, length (the same service as a
    selection on the grid)."""
    err = S.new_errors
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("New lesson"),
            rx.dialog.description("Put a lesson on your calendar.", size="2"),
            rx.form(
                rx.vstack(
                    form_field("Date", rx.input(type="date", name="date", id="new-date",
                               default_value=S.new_date, width="100%"),
                               error_of(err, "date"), "new-date"),
                    form_field("Start time", rx.input(type="time", name="time", id="new-time",
                               default_value=S.new_time, step="300", width="100%"),
                               error_of(err, "time"), "new-time"),
                    form_field(
                        "Service",
                        rx.el.select(
                            rx.el.option("No service (individual lesson)", value="0"),
                            rx.foreach(S.new_services,
                                       lambda o: rx.el.option(o.label, value=o.id)),
                            value=S.new_service,
                            on_change=S.set_new_service,
                            id="new-service",
                            name="service",
                            class_name="rt-reset rt-SelectTrigger rt-r-size-2 rt-variant-surface",
                            style={"width": "100%", "min_height": "36px"},
                        ),
                        error_of(err, "service"),
                        "new-service",
                    ),
                    form_field("Length (minutes)", rx.input(type="number", name="duration",
                               id="new-duration", default_value=S.new_duration, min="15",
                               max="480", step="5", width="100%"),
                               error_of(err, "duration"), "new-duration"),
                    field_error(error_of(err, "form"), "new-form"),
                    rx.hstack(
                        rx.dialog.close(rx.button("Cancel", variant="soft", color_scheme="gray",
                                                  type="button")),
                        rx.button("Create lesson", type="submit", id="new-submit"),
                        justify="end",
                        width="100%",
                    ),
                    width="100%",
                ),
                on_submit=S.submit_new,
                no_validate=True,
                reset_on_submit=False,
                key=S.new_key,
            ),
            id="new-dialog",
        ),
        open=S.new_open,
        on_open_change=S.set_new_open,
    )  # fmt: skip


def _move_form() -> rx.Component:
    """Move by keyboard: a new date and start, same length, the same rules as a drag."""
    return rx.form(
        rx.vstack(
            rx.text("Move to", size="2", weight="medium"),
            rx.flex(
                rx.input(type="date", name="date", id="move-date", default_value=S.move_date,
                         aria_label="New date"),
                rx.input(type="time", name="time", id="move-time", default_value=S.move_time,
                         step="300", aria_label="New start time"),
                rx.button("Move", type="submit", variant="soft", id="move-submit"),
                gap="var(--space-2)",
                wrap="wrap",
                align="center",
            ),
            field_error(error_of(S.move_errors, "start"), "move"),
            spacing="1",
            width="100%",
        ),
        on_submit=S.submit_move,
        no_validate=True,
        reset_on_submit=False,
        key=S.detail_id.to_string() + S.move_date + S.move_time,
        width="100%",
    )  # fmt: skip


def _seat_row(seat: lessons.SeatView) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.text(seat.name, weight="medium"),
                rx.badge(seat.status),
                rx.badge(
                    seat.payment, color_scheme=rx.cond(seat.payment == "paid", "grass", "gray")
                ),
                rx.text(seat.price, size="2", color_scheme="gray"),
                align="center",
                wrap="wrap",
            ),
            rx.form(
                rx.hstack(
                    rx.el.input(type="hidden", name="booking_id", value=seat.booking_id),
                    rx.el.input(
                        type="hidden", name="paid", value=rx.cond(seat.payment == "paid", "0", "1")
                    ),
                    rx.input(
                        name="amount", placeholder="Amount", default_value=seat.paid_amount,
                        width="8em", aria_label="Amount received",
                    ),
                    rx.cond(
                        seat.payment == "paid",
                        rx.button("Mark unpaid", type="submit", variant="soft",
                                  class_name="mark-unpaid"),
                        rx.button("Mark paid", type="submit", class_name="mark-paid"),
                    ),
                    align="center",
                ),
                on_submit=S.submit_payment,
                no_validate=True,
                reset_on_submit=False,
            ),
            rx.cond(
                OUTCOME_STATUSES.contains(seat.status),
                rx.hstack(
                    rx.text("Outcome:", size="2", color_scheme="gray"),
                    _outcome_button(seat, "Held", "held", "completed"),
                    _outcome_button(seat, "Student no-show", "student_no_show", "no_show"),
                    _outcome_button(seat, "Tutor no-show", "tutor_no_show", "tutor_no_show"),
                    align="center",
                    wrap="wrap",
                    class_name="cal-seat-outcome",
                ),
            ),
            spacing="2",
        ),
        width="100%",
        class_name="cal-seat",
    )  # fmt: skip


# Seats that took place in some way: the tutor marks (or corrects) what happened.
OUTCOME_STATUSES = rx.Var.create(["confirmed", "completed", "no_show", "tutor_no_show"])


def _outcome_button(seat: lessons.SeatView, label: str, result: str, stored: str) -> rx.Component:
    return rx.button(
        label, size="1", min_height="44px", color_scheme="gray",
        variant=rx.cond(seat.status == stored, "solid", "soft"),
        on_click=S.mark_outcome(seat.booking_id, result),
    )  # fmt: skip


def detail_dialog() -> rx.Component:
    lesson_body = rx.vstack(
        rx.text(S.detail.label, size="2", id="detail-when"),
        rx.hstack(
            rx.badge(S.detail.lesson_type),
            rx.badge(S.detail.status),
            rx.text("capacity ", S.detail.capacity.to_string(), size="2"),
        ),
        rx.cond(
            S.detail.seats.length() == 0,
            rx.text("Nobody has booked this lesson yet.", size="2", color_scheme="gray"),
            rx.vstack(rx.foreach(S.detail.seats, _seat_row), width="100%"),
        ),
        rx.form(
            rx.vstack(
                rx.text_area(
                    name="notes", default_value=S.detail.notes, placeholder="Private notes",
                    id="detail-notes", width="100%",
                ),
                rx.button("Save notes", type="submit", variant="soft"),
                width="100%",
            ),
            on_submit=S.save_notes,
            no_validate=True,
            reset_on_submit=False,
        ),
        _move_form(),
        width="100%",
    )  # fmt: skip
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(S.detail_title, id="detail-title"),
            rx.cond(S.detail_kind == "lesson", lesson_body, rx.text("Busy time", size="2")),
            field_error(S.detail_error, "detail"),
            rx.hstack(
                rx.button(
                    rx.cond(S.detail_kind == "lesson", "Cancel lesson", "Delete busy time"),
                    color_scheme="red",
                    variant="soft",
                    on_click=S.delete_detail,
                    id="detail-delete",
                ),
                rx.dialog.close(rx.button("Close", variant="soft", color_scheme="gray")),
                justify="between",
                width="100%",
                padding_top="var(--space-3)",
            ),
            id="detail-dialog",
        ),
        open=S.detail_open,
        on_open_change=S.set_detail_open,
    )
