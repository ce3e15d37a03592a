"""The offer fields of a service or a lesson (state/offer_form.py): lesson type, capacity,
where (online link or address). Drawn once for the services dialog and the lesson form."""

from __future__ import annotations

from typing import Any

import reflex as rx

from booking_app.components.forms import bound_field, error_of, field_error


def choice(
    value: rx.Var,
    on_change: Any,
    items: list[tuple[str, str]],
    field_id: str,
    name: str,  # type: ignore[type-arg]
) -> rx.Component:
    """Radio buttons with their labels (ids `<field_id>-<value>`)."""
    return rx.radio_group.root(
        rx.flex(
            *[
                rx.el.label(
                    rx.radio_group.item(value=v, id=f"{field_id}-{v}"),
                    label,
                    html_for=f"{field_id}-{v}",
                    class_name="rt-Text rt-r-size-2",
                    style={"display": "flex", "gap": "6px", "align_items": "center"},
                )
                for v, label in items
            ],
            gap="var(--space-4)",
            wrap="wrap",
        ),
        value=value,
        on_change=on_change,
        id=field_id,
        name=name,
    )


def _choice_field(
    label: str, s: Any, name: str, items: list[tuple[str, str]], id_prefix: str
) -> rx.Component:
    field_id = f"{id_prefix}{name}"
    on_change = s.set_lesson_type if name == "lesson_type" else s.set_mode
    return rx.vstack(
        rx.text(label, size="2", weight="medium"),
        choice(getattr(s, name), on_change, items, field_id, name),
        field_error(error_of(s.errors, name), field_id),
        spacing="1",
        width="100%",
    )


def offer_fields(
    s: Any, *, id_prefix: str, capacity_hint: str, size: str = "3"
) -> list[rx.Component]:
    """Lesson type, capacity (group only), where, address or meeting link, for `s`, a state
    with the OfferForm mixin; ids are `<id_prefix><field>`."""

    def text(label: str, name: str, **props: Any) -> rx.Component:
        return bound_field(label, name, s, id_prefix=id_prefix, size=size, **props)

    individual_or_group = [("individual", "Individual"), ("group", "Group")]
    return [
        _choice_field("Lesson type", s, "lesson_type", individual_or_group, id_prefix),
        rx.cond(
            s.lesson_type == "group",
            text(
                "Capacity (students)", "capacity", hint=capacity_hint, type="number", min=2, max=100
            ),
        ),
        _choice_field(
            "Where", s, "mode", [("online", "Online"), ("offline", "Offline")], id_prefix
        ),
        rx.cond(
            s.mode == "offline",
            text("Location", "location", placeholder="Address or room"),
            text(
                "Meeting link (optional)",
                "meeting_url",
                type="url",
                placeholder="https://meet.example.com/room",
            ),
        ),
    ]
