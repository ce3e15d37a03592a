"""The client's address of an HTTP request, the key of the sign-in throttle.

Behind `TRUSTED_PROXY_HOPS` reverse proxies, each of which appends the address it was
called from to X-Forwarded-For, the client is the hops-th entry from the right; entries
further left were written by the client and can say anything. With 0 hops (no proxy)
the header is ignored entirely. Reflex applies the same rule to its websocket
(`rxconfig.trusted_proxy_hops`), so sign-in via the page and via /admin agree.
"""

from __future__ import annotations

import logging

from starlette.requests import Request

from booking_app.config import get_settings

logger = logging.getLogger(__name__)


class _Warned:
    proxy: bool = False


def warn_if_proxy_unconfigured(forwarded_for_present: bool) -> None:
    """Log once per process when requests carry X-Forwarded-For but TRUSTED_PROXY_HOPS is
    0: behind a proxy every user then shares its address, and the per-IP sign-in limit
    (LOGIN_IP_MAX_FAILURES) would refuse everyone after that many failures by anyone."""
    if forwarded_for_present and not _Warned.proxy and get_settings().trusted_proxy_hops == 0:
        _Warned.proxy = True
        logger.warning(
            "requests carry X-Forwarded-For but TRUSTED_PROXY_HOPS=0: behind a reverse "
            "proxy set TRUSTED_PROXY_HOPS to the number of proxies, or every user shares "
            "the proxy's address in the sign-in throttle"
        )


def forwarded_client_ip(peer: str, forwarded_for: list[str], hops: int) -> str:
    """`peer` unless `hops` > 0 and X-Forwarded-For (all its header lines, in order) holds
    at least `hops` entries: then the hops-th from the right (Reflex and Werkzeug's rule)."""
    if hops <= 0:
        return peer
    entries = [e.strip() for line in forwarded_for for e in line.split(",") if e.strip()]
    return entries[-hops] if len(entries) >= hops else peer


def request_ip(request: Request) -> str:
    peer = request.client.host if request.client else "unknown"
    forwarded_for = request.headers.getlist("x-forwarded-for")
    warn_if_proxy_unconfigured(bool(forwarded_for))
    return forwarded_client_ip(peer, forwarded_for, get_settings().trusted_proxy_hops)
