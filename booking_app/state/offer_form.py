"""What a tutor offers, as a form: lesson type, capacity, place (online link or address).

The same five fields describe a service (the services dialog) and a lesson (the publish
form, prefilled from a service); `OfferForm` holds them for both, components/offer_form.py
draws them. Inputs are controlled: picking a lesson type or a mode shows other fields.
"""

from __future__ import annotations

from typing import ClassVar

import reflex as rx

from booking_app.state.forms import FormErrors, first_value
from booking_app.state.rows import ServiceItem

OFFER_FIELDS = ("lesson_type", "capacity", "mode", "location", "meeting_url")


class OfferForm(FormErrors, rx.State, mixin=True):
    lesson_type: str = "individual"
    capacity: str = "2"  # as typed; only a group lesson has one
    mode: str = "online"
    location: str = ""
    meeting_url: str = ""

    # The fields `set_field` may change (a page adds its own text fields).
    TEXT_FIELDS: ClassVar[tuple[str, ...]] = ("capacity", "location", "meeting_url")

    @rx.event
    def set_field(self, name: str, value: str) -> None:
        if name in self.TEXT_FIELDS:
            setattr(self, name, str(value))
            self._clear_errors(name)

    @rx.event
    def set_lesson_type(self, value: str | list[str]) -> None:
        value = first_value(value)
        self.lesson_type = value if value in ("individual", "group") else "individual"
        self._clear_errors("capacity")

    @rx.event
    def set_mode(self, value: str | list[str]) -> None:
        value = first_value(value)
        self.mode = value if value in ("online", "offline") else "online"

    def _fill_offer(self, item: ServiceItem) -> None:
        """Start from `item`'s offer (a new one: ServiceItem())."""
        self.lesson_type, self.mode = item.lesson_type, item.mode
        self.capacity = str(item.capacity) if item.lesson_type == "group" else "2"
        self.location, self.meeting_url = item.location, item.meeting_url

    def _offer(self) -> dict[str, str | int]:
        """The offer as the services take it: only the fields its type and mode use."""
        group, online = self.lesson_type == "group", self.mode == "online"
        return {
            "lesson_type": self.lesson_type,
            "capacity": self.capacity.strip() if group else 1,
            "mode": self.mode,
            "location": "" if online else self.location.strip(),
            "meeting_url": self.meeting_url.strip() if online else "",
        }
