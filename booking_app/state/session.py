"""Shared by sign-in, registration and the password change: hand the browser a login
ticket to swap for the httpOnly cookie."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import reflex as rx

from booking_app import clock, routes
from booking_app.services.session_tokens import issue_login_ticket


def start_session(user_id: int, next_path: str | None) -> rx.event.EventSpec:
    """A full page load through /api/auth/session, so the new websocket carries the cookie.

    (`rx.redirect` to our own host is a client-side navigation that keeps the old socket.)
    The route sends the browser on to `next_path` only if it is a path of this site.
    """
    ticket = issue_login_ticket(user_id=user_id, now=clock.now())
    query = urlencode({"ticket": ticket, "next": next_path or routes.HOME})
    url = rx.config.get_config().api_url.rstrip("/") + "/api/auth/session?" + query
    return rx.call_script(f"window.location.assign({json.dumps(url)})")
