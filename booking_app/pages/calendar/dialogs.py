"""The calendar's dialogs: create a lesson or busy time (tutors, after selecting a range)
and a lesson's details (seats, payments, notes, cancel) or a busy time (delete)."""

from __future__ import annotations

import reflex as rx

from booking_app.components.forms import field_error
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
            spacing="2",
        ),
        width="100%",
        class_name="cal-seat",
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
