"""Tutor workspace: availability. Five independent editors, each a module with its own
state and section: weekly hours (hours.py), date overrides (overrides.py), busy times
(busy.py), booking rules (rules.py) and the live preview of what students are offered
(preview.py), which every other editor refreshes after a save.

`AvailabilityState.on_load` reads the tutor's availability once and hands each editor
its part.
"""

from __future__ import annotations

import reflex as rx

from booking_app import clock, routes
from booking_app.components.layout import app_shell
from booking_app.components.widgets import page_header, when_loaded
from booking_app.services import availability
from booking_app.services import tutor_services as catalog
from booking_app.state.auth import current_tutor
from booking_app.state.off_loop import offload
from booking_app.state.page import tutor_page
from booking_app.state.rows import service_item, service_options

from .busy import BusyState, busy_section
from .hours import HoursState, hours_section
from .overrides import OverridesState, overrides_section
from .preview import PreviewState, preview_section
from .rules import RulesState, rules_section


class AvailabilityState(rx.State):
    loaded: bool = False

    @rx.event
    async def on_load(self) -> None:
        user = await current_tutor(self)
        if user is None:
            return
        view = await offload(availability.get_availability, user.id, now=clock.now())
        (await self.get_state(HoursState))._apply(view.windows)
        (await self.get_state(OverridesState))._apply(view.overrides)
        (await self.get_state(BusyState))._apply(view.busy_blocks)
        (await self.get_state(RulesState))._apply(view.rules)
        services = [
            service_item(s)
            for s in await offload(catalog.list_services, user.id, include_inactive=False)
        ]
        preview = await self.get_state(PreviewState)
        preview._start(
            user, view.timezone, service_options(services, "First active service (or 60 min)")
        )
        self.loaded = True


@tutor_page(routes.TUTOR_AVAILABILITY, "Availability", on_load=[AvailabilityState.on_load])
def tutor_availability_page() -> rx.Component:
    return app_shell(
        rx.vstack(
            page_header(
                rx.heading("Availability", size="7", id="availability-heading"),
                rx.badge(
                    rx.icon("globe", size=14),
                    "Times in ",
                    PreviewState.timezone,
                    size="2",
                    variant="soft",
                    id="tutor-timezone",
                ),
            ),
            when_loaded(
                AvailabilityState.loaded,
                rx.vstack(
                    preview_section(),
                    rx.grid(
                        rx.vstack(hours_section(), overrides_section(), spacing="4", width="100%"),
                        rx.vstack(rules_section(), busy_section(), spacing="4", width="100%"),
                        columns=rx.breakpoints(initial="1", lg="2"),
                        spacing="4",
                        width="100%",
                    ),
                    spacing="4",
                    width="100%",
                ),
            ),
            spacing="5",
            padding_y="var(--space-6)",
            width="100%",
        )
    )
