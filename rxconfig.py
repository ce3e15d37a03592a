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
    plugins=[rx.plugins.SitemapPlugin(), rx.plugins.RadixThemesPlugin()],
)
