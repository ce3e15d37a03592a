"""The "Subscribe to my lessons" section's state (tutor profile page; students' home page).
Its card is components/calendar_feed.py; the use cases services/calendar_feeds.py.

The feed URL is a secret the database keeps only hashed, so it exists in this state only
right after "Create" or "Rotate" (`shown_url`), until the page is left or reloaded: the
state travels to the browser, and the browser is where the user copies it from. Every
handler re-derives the user from the session; nothing the browser sends names the account.
Database work is awaited off the event loop (`offload`, state/page.py).
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

import reflex as rx

from booking_app import clock
from booking_app.services import calendar_feeds, timefmt
from booking_app.state.auth import current_user
from booking_app.state.page import offload

ROLES = ("tutor", "student")


class CalendarFeedState(rx.State):
    active: bool = False
    created_label: str = ""
    shown_url: str = ""  # the one-time URL (https), only after creating or rotating
    shown_webcal: str = ""
    working: bool = False

    async def _describe(self, user_id: int, tz: str) -> None:
        info = await offload(calendar_feeds.feed_info, user_id)
        self.active = info.active
        self.created_label = (
            timefmt.instant_label(info.created_at, ZoneInfo(tz or "UTC")) if info.created_at else ""
        )

    @rx.event
    async def on_load(self) -> None:
        self.shown_url, self.shown_webcal, self.working = "", "", False
        user = await current_user(self, *ROLES)
        if user is not None:
            await self._describe(user.id, user.timezone)

    @rx.event
    async def rotate(self):  # type: ignore[no-untyped-def]
        """Create the feed URL, or replace it (the old one stops at once)."""
        user = await current_user(self, *ROLES)
        if user is None:
            return rx.toast.error("Sign in again to manage your calendar feed.")
        replaced = self.active
        link = await offload(calendar_feeds.rotate_feed, user.id, now=clock.now())
        self.shown_url, self.shown_webcal = link.url, link.webcal_url
        await self._describe(user.id, user.timezone)
        if replaced:
            return rx.toast.success("New feed address made. The old one no longer works.")
        return rx.toast.success("Feed address made. Copy it now: it is shown only once.")

    @rx.event
    async def revoke(self):  # type: ignore[no-untyped-def]
        user = await current_user(self, *ROLES)
        if user is None:
            return rx.toast.error("Sign in again to manage your calendar feed.")
        await offload(calendar_feeds.revoke_feed, user.id)
        self.shown_url, self.shown_webcal = "", ""
        await self._describe(user.id, user.timezone)
        return rx.toast.success("Calendar feed turned off. Its address no longer works.")

    @rx.event
    def copy_url(self):  # type: ignore[no-untyped-def]
        if not self.shown_url:
            return None
        return [rx.set_clipboard(self.shown_url), rx.toast.success("Feed address copied.")]
