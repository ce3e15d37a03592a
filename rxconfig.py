"""Reflex configuration; every value comes from booking_app.config (the one settings source)."""

import reflex as rx
from reflex_base.constants import StateManagerMode

from booking_app.config import get_settings

settings = get_settings()

# Where Reflex keeps each tab's state. Reflex's own default without Redis is the DISK
# manager: one pickle per state per visit in `.states/`, kept an hour, and a purge that
# lists the whole folder every ~2 s, so a long-running `make run` got slower with every
# visit (issue 15: 13,400 files after an hour, 55 % of the worker's time in the purge).
# Without Redis there is exactly one app worker (booking_app/cli.py), so process memory is
# enough: the MEMORY manager drops a tab's state when it has been idle for
# `redis_token_expiration` seconds (one timer on the next deadline, no folder scans), so
# memory stays flat once the first hour of visits has passed. With REDIS_URL, state lives
# in Redis and any worker of any instance can serve any tab (several workers, instances).
# A restart of the single worker forgets open tabs' state: their next load starts fresh.
STATE_MANAGER = StateManagerMode.REDIS if settings.redis_url else StateManagerMode.MEMORY

config = rx.Config(
    app_name="booking_app",
    db_url=settings.database_url,
    redis_url=settings.redis_url,
    state_manager_mode=STATE_MANAGER,
    # Baked into the frontend at build time: browse the app at exactly this origin so the
    # httpOnly session cookie reaches the websocket (same site).
    api_url=settings.public_url,
    deploy_url=settings.public_url,
    # Reflex's default is every origin, with credentials, for the HTTP API and the /_event
    # websocket alike. Only our own pages (booking_app/api/cors.py has the full policy).
    cors_allowed_origins=list(settings.allowed_origins),
    # Reflex resolves each websocket's client address (router.session.client_ip, the key
    # of the sign-in throttle) from X-Forwarded-For only through this many proxies.
    trusted_proxy_hops=settings.trusted_proxy_hops,
    show_built_with_reflex=False,
    telemetry_enabled=False,
    # Indigo, not Radix's default blue: white on blue-9 is 3.3:1, on indigo-9 5.2:1 (WCAG AA
    # asks 4.5:1; the axe gate in tests/e2e/test_accessibility_browser.py checks it).
    plugins=[
        rx.plugins.SitemapPlugin(),
        rx.plugins.RadixThemesPlugin(theme=rx.theme(accent_color="indigo", radius="medium")),
    ],
)
