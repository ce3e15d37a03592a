"""The "Add to calendar" buttons of one booking: the .ics download, Google Calendar and
Outlook (prefilled event pages). Used by the private booking page (which is also the
confirmation, "?new=1") and by My bookings.

Why it broke (issue 17: the click showed "Booking not found"): Reflex 0.10 compiles every
`rx.el.a` with an href into React Router's <Link>, which handles a click on a same-origin
URL as client-side navigation (even with `download`), so the SPA rendered its route for
"/booking/<token>.ics". Here the link is React Router's Link with `reloadDocument`: the
browser does the navigation, and `download` plus the route's `Content-Disposition:
attachment` make it a download. The URL is absolute and under /api/ (what proxies send to
the backend). Anchors styled as buttons (`as_child`), never a <button> inside <a>
(invalid HTML). A booking that offers none (cancelled, declined, over) has empty URLs
and shows nothing.
"""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex_components_core.react_router import ReactRouterLink

NEW_TAB = " (opens in a new tab)"


def _link_button(icon: str, label: str, href: Any, *, new_tab: bool, **props: Any) -> rx.Component:
    anchor_props: dict[str, Any] = (
        {"target": "_blank", "rel": "noopener noreferrer", "aria_label": label + NEW_TAB}
        if new_tab
        else {"download": True}
    )
    return rx.button(
        ReactRouterLink.create(
            rx.icon(icon, size=14, aria_hidden="true"),
            label,
            to=href,
            reload_document=True,
            **anchor_props,
            **props,
        ),
        as_child=True,
        variant="soft",
    )


def add_to_calendar(row: Any, *, with_ids: bool = True) -> rx.Component:
    """`row` is a BookingRow Var; `with_ids` False inside lists (ids must be unique)."""

    def ident(name: str) -> dict[str, str]:
        return {"id": name} if with_ids else {"class_name": name}

    return rx.cond(
        row.ics_url != "",
        rx.flex(
            _link_button(
                "calendar-plus", "Add to calendar", row.ics_url, new_tab=False, **ident("ics-link")
            ),
            _link_button(
                "calendar",
                "Google Calendar",
                row.google_calendar_url,
                new_tab=True,
                **ident("google-calendar-link"),
            ),
            _link_button(
                "calendar",
                "Outlook",
                row.outlook_calendar_url,
                new_tab=True,
                **ident("outlook-calendar-link"),
            ),
            gap="var(--space-2)",
            wrap="wrap",
            role="group",
            aria_label="Add to calendar",
        ),
    )
