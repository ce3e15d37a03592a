"""The viewer's timezone on public pages (marketplace, tutor page, private booking page).

Why one mixin: each of these pages shows times "in your timezone" with the same rule: a
signed-in user's account zone, else the browser's, until the viewer picks another one on
the page, which then sticks. Each page only says what to reload when the zone changes
(``_timezone_changed``).

Why a cookie: a guest's zone used to be asked with a script after ``on_load``, so each
guest visit computed everything in UTC, then again in the browser's zone (two 313 KB
updates per marketplace visit, issue 15). Now ``TZ_COOKIE_SCRIPT`` (in every page's
<head>, booking_app.py) writes the browser's zone into the ``tz`` cookie before the app's
JavaScript opens the websocket, whose handshake carries it to ``router.headers.cookie``,
so ``on_load`` knows the zone before its first computation. The script fallback remains
for a browser that refuses cookies.
"""

from __future__ import annotations

import inspect
from http.cookies import CookieError, SimpleCookie
from typing import Any
from urllib.parse import unquote

import reflex as rx

from booking_app.services.validation import (
    FieldError,
    canonical_timezone,
    clean_timezone,
    timezone_names,
)
from booking_app.state.auth import AuthState

BROWSER_TZ_JS = "Intl.DateTimeFormat().resolvedOptions().timeZone"
TZ_COOKIE = "tz"
# A year, site-wide, readable by the server only through the websocket handshake; not a
# secret (a zone name), so not httpOnly: the page's own script writes it.
TZ_COOKIE_SCRIPT = (
    f"try{{document.cookie='{TZ_COOKIE}='+encodeURIComponent({BROWSER_TZ_JS})"
    "+';path=/;max-age=31536000;samesite=lax'}catch(e){}"
)


def tz_cookie_script() -> rx.Component:
    """The <head> script that writes the browser's zone into the ``tz`` cookie."""
    # A plain <script> in the prerendered <head> (not rx.script, which Helmet adds only
    # after hydration, too late for the websocket); raw HTML so React does not escape it.
    return rx.el.script(custom_attrs={"dangerouslySetInnerHTML": {"__html": TZ_COOKIE_SCRIPT}})


def zone_from_cookie_header(header: str) -> str | None:
    """The valid zone of the ``tz`` cookie in a Cookie header, or None."""
    try:
        jar = SimpleCookie(header or "")
    except CookieError:
        return None
    morsel = jar.get(TZ_COOKIE)
    return valid_timezone(unquote(morsel.value)) if morsel is not None else None


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

    def _timezone_changed(self) -> Any:
        """Reload what the page shows in the viewer's zone (pages override this, plain or
        ``async``)."""

    def _adopt_account_timezone(self, auth: AuthState) -> None:
        """On load, before computing anything: a signed-in viewer sees their account's
        zone, a guest the browser's zone from the ``tz`` cookie, unless they picked one."""
        if self.tz_chosen:
            return
        if auth.signed_in and auth.timezone:
            self.viewer_tz = auth.timezone
            return
        zone = zone_from_cookie_header(self.router.headers.cookie)
        if zone and not auth.signed_in:
            self.viewer_tz = zone

    def _ask_browser_timezone(self, auth: AuthState) -> Any:
        """On load: for a guest who picked nothing and sent no ``tz`` cookie, the event
        that asks the browser (a second computation: only without cookies)."""
        if auth.signed_in or self.tz_chosen:
            return None
        if zone_from_cookie_header(self.router.headers.cookie):
            return None
        return rx.call_script(BROWSER_TZ_JS, callback=type(self).set_browser_timezone)

    async def _reload_for_zone(self) -> None:
        """Run the page's ``_timezone_changed``, plain or async (async ones offload their
        database work, state/page.py ``offload``)."""
        result = self._timezone_changed()
        if inspect.isawaitable(result):
            await result

    @rx.event
    async def set_browser_timezone(self, tz: str) -> None:
        zone = valid_timezone(tz)
        if zone and zone != self.viewer_tz and not self.tz_chosen:
            self.viewer_tz = zone
            await self._reload_for_zone()

    @rx.event
    async def set_timezone(self, tz: str) -> None:
        zone = valid_timezone(tz)
        if zone:
            self.viewer_tz, self.tz_chosen = zone, True
            await self._reload_for_zone()
