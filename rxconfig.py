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
    # Reflex resolves each websocket's client address (router.session.client_ip, the key
    # of the sign-in throttle) from X-Forwarded-For only through this many proxies.
    trusted_proxy_hops=settings.trusted_proxy_hops,
    show_built_with_reflex=False,
    telemetry_enabled=False,
    plugins=[rx.plugins.SitemapPlugin(), rx.plugins.RadixThemesPlugin()],
)
