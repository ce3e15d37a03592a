"""The viewer's timezone on public pages (marketplace, tutor page, private booking page).

Why one mixin: each of these pages shows times "in your timezone" with the same rule: a
signed-in user's account zone, else the browser's (asked once per load), until the viewer
picks another one on the page, which then sticks. Each page only says what to reload when
the zone changes (``_timezone_changed``).
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from booking_app.services.validation import (
    FieldError,
    canonical_timezone,
    clean_timezone,
    timezone_names,
)
from booking_app.state.auth import AuthState

BROWSER_TZ_JS = "Intl.DateTimeFormat().resolvedOptions().timeZone"


def valid_timezone(raw: str) -> str | None:
    """A known IANA zone (aliases mapped to current names), or None."""
    try:
        return canonical_timezone(clean_timezone(str(raw or "")))
    except FieldError:
        return None


def zone_names() -> tuple[str, ...]:
    """Every zone a timezone select offers."""
    return timezone_names()


class ViewerTimezone(rx.State, mixin=True):
    viewer_tz: str = "UTC"
    tz_chosen: bool = False  # picked on the page: neither account nor browser overrides it

    def _timezone_changed(self) -> None:
        """Reload what the page shows in the viewer's zone (pages override this)."""

    def _adopt_account_timezone(self, auth: AuthState) -> None:
        """On load: a signed-in viewer sees their account's zone unless they picked one."""
        if auth.signed_in and auth.timezone and not self.tz_chosen:
            self.viewer_tz = auth.timezone

    def _ask_browser_timezone(self, auth: AuthState) -> Any:
        """On load: for a guest who picked nothing, the event that asks the browser."""
        if auth.signed_in or self.tz_chosen:
            return None
        return rx.call_script(BROWSER_TZ_JS, callback=type(self).set_browser_timezone)

    @rx.event
    def set_browser_timezone(self, tz: str) -> None:
        zone = valid_timezone(tz)
        if zone and zone != self.viewer_tz and not self.tz_chosen:
            self.viewer_tz = zone
            self._timezone_changed()

    @rx.event
    def set_timezone(self, tz: str) -> None:
        zone = valid_timezone(tz)
        if zone:
            self.viewer_tz, self.tz_chosen = zone, True
            self._timezone_changed()
