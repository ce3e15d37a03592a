"""(e) The live preview: exactly what students are offered for a week and a service.

`tutor_public.week_slots` runs the same engine function as the booking path, in the
tutor's own timezone. Every editor of the page calls `refresh_preview` after a successful
save, so a change shows at once.
"""

from __future__ import annotations

from datetime import date

import reflex as rx

from booking_app import clock
from booking_app.components.forms import select_control
from booking_app.components.slots import week_grid, week_picker
from booking_app.services import tutor_public
from booking_app.services.accounts import SessionUser
from booking_app.services.errors import DomainError
from booking_app.state.auth import current_tutor, refused
from booking_app.state.forms import error_text
from booking_app.state.off_loop import offload
from booking_app.state.rows import OptionRow
from booking_app.state.week_nav import SlotWeek

from .common import section


class PreviewState(SlotWeek, rx.State):
    timezone: str = ""  # the tutor's: the page shows every time in it
    services: list[OptionRow] = []
    service_id: str = ""  # "" = the first active service (or 60 minutes)
    error: str = ""

    def _start(self, user: SessionUser, timezone: str, services: list[OptionRow]) -> None:
        """On page load: this week, the service kept if it still exists."""
        self.timezone, self.services = timezone, services
        if not any(o.value == self.service_id for o in services):
            self.service_id = ""
        self.week_start = ""
        self._refresh(user)

    def _refresh(self, user: SessionUser) -> None:
        """Ask the engine for the chosen week; the one place the preview is filled."""
        service_id = int(self.service_id) if self.service_id.isdigit() else None
        week = date.fromisoformat(self.week_start) if self.week_start else None
        try:
            view = tutor_public.week_slots(
                user.id,
                service_id=service_id,
                week_start=week,
                viewer_tz=self.timezone or user.timezone,
                now=clock.now(),
            )
        except DomainError as exc:  # e.g. the chosen service was removed
            self.error, self.service_id = error_text(exc), ""
            return
        self.error = ""
        self._show_week(view)

    async def _week_changed(self):  # type: ignore[no-untyped-def]
        user = await current_tutor(self)
        if user is None:
            return refused()
        await offload(self._refresh, user)
        return None

    @rx.event
    async def set_service(self, value: str):  # type: ignore[no-untyped-def]
        self.service_id = value if value.isdigit() else ""
        return await self._week_changed()


async def refresh_preview(state: rx.State, user: SessionUser) -> None:
    """After an editor saved: the preview shows the new answer of the engine."""
    preview = await state.get_state(PreviewState)
    preview._refresh(user)


P = PreviewState


def preview_section() -> rx.Component:
    count = rx.text(
        P.slot_count.to_string(), " free slots", size="2", color_scheme="gray", id="preview-count"
    )
    return section(
        "What students see",
        "Free start times the booking engine offers for the chosen week and service.",
        rx.box(
            rx.el.label(
                "Service",
                html_for="preview-service",
                class_name="rt-Text rt-r-size-1",
                style={"display": "block"},
            ),
            select_control(
                P.services, "preview-service", value=P.service_id, on_change=P.set_service
            ),
            max_width="24em",
        ),
        week_picker(P, prefix="preview", aside=count),
        rx.cond(
            P.error != "",
            rx.callout(P.error, icon="triangle-alert", color_scheme="amber", width="100%"),
        ),
        week_grid(
            P.days,
            lambda slot: rx.badge(
                slot.time, variant="surface", size="2", class_name="preview-slot"
            ),
            prefix="preview",
            empty="No free slots",
            counts=True,
        ),
        rx.cond(
            P.joinable.length() > 0,
            rx.vstack(
                rx.text("Group lessons with free spots", weight="medium", size="2"),
                rx.foreach(
                    P.joinable,
                    lambda j: rx.hstack(
                        rx.icon("users", size=14),
                        rx.text(j.label, size="2"),
                        rx.text(j.title, size="2", color_scheme="gray"),
                        rx.badge(j.free_spots.to_string(), " free", color_scheme="violet"),
                        align="center",
                        class_name="preview-joinable",
                    ),
                ),
                spacing="1",
                width="100%",
                id="preview-joinable",
            ),
        ),
        id_="preview-section",
        icon="eye",
    )
