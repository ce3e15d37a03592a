"""Reflex configuration; every value comes from booking_app.config (the one settings source)."""

import reflex as rx

from booking_app.config import get_settings

settings = get_settings()

config = rx.Config(
    app_name="booking_app",
    db_url=settings.database_url,
    redis_url=settings.redis_url,
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
