"""The "Add to calendar" buttons of one booking: the .ics download, Google Calendar and
Outlook (prefilled event pages). Used by the private booking page (which is also the
confirmation, "?new=1") and by My bookings.

Why anchors styled as buttons (`as_child`), not a button inside a link: a <button> inside
<a> is invalid HTML and its click never reached the link (issue 17: "Add to calendar"
did nothing, or navigated inside the app). The .ics URL is absolute and under /api/, so
neither React Router nor the SPA's catch-all handles it; `download` plus the route's
`Content-Disposition: attachment` make it a download. A booking that offers none
(cancelled, declined, over) has empty URLs and shows nothing.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

NEW_TAB = " (opens in a new tab)"


def _link_button(icon: str, label: str, href: Any, *, new_tab: bool, **props: Any) -> rx.Component:
    anchor_props: dict[str, Any] = (
        {"target": "_blank", "rel": "noopener noreferrer", "aria_label": label + NEW_TAB}
        if new_tab
        else {"download": True}
    )
    return rx.button(
        rx.el.a(
            rx.icon(icon, size=14, aria_hidden="true"), label, href=href, **anchor_props, **props
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
