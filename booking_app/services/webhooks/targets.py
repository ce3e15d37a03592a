"""Where a webhook may point: HTTPS to a public address (SSRF guard).

Why: a webhook makes OUR server send a request to a URL a user typed. Without a guard a
tutor could aim it at 127.0.0.1, the cloud metadata address or the office network and
read the answers' status codes from the delivery log. So:
- at registration (`clean_url`): https only, no credentials in the URL, and a host that
  is not an IP literal or name of a private, loopback, link-local or reserved address;
- right before each request (`check_target`): the name is resolved and EVERY address
  must be public (a public name may later resolve to 10.0.0.5); redirects are not
  followed (integrations/webhook_http.py), so a 302 can't lead inside either.
WEBHOOK_ALLOW_PRIVATE=true lifts both, and allows http:// (tests' loopback receiver, a
receiver on the same host). Known limit: the name is resolved again by the HTTP client,
so a DNS answer that changes within milliseconds (rebinding) is not covered.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from booking_app.config import get_settings
from booking_app.services.validation import FieldError

MAX_URL = 500
LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".lan", ".home.arpa")


class TargetRefused(Exception):
    """The URL's host is (or resolves to) an address we don't call."""


def _allow_private() -> bool:
    return get_settings().webhook_allow_private


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def clean_url(raw: str) -> str:
    """The URL as stored, or FieldError with the reason (the form shows it by the field)."""
    url = (raw or "").strip()
    if not url:
        raise FieldError("Enter the URL that should receive the events.")
    if len(url) > MAX_URL:
        raise FieldError(f"The URL is limited to {MAX_URL} characters.")
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018  (raises ValueError for a bad port)
    except ValueError:
        raise FieldError("This is not a valid URL.") from None
    allowed = ("https", "http") if _allow_private() else ("https",)
    if parts.scheme not in allowed:
        raise FieldError("The URL must start with https://.")
    if not host:
        raise FieldError("The URL needs a host name.")
    if parts.username or parts.password:
        raise FieldError("Put no user name or password in the URL; use the signature.")
    if not _allow_private() and _is_private_name(host):
        raise FieldError("Webhooks can't be sent to private or local addresses.")
    return url


def _is_private_name(host: str) -> bool:
    name = host.lower().rstrip(".")
    if name == "localhost" or name.endswith(LOCAL_SUFFIXES) or "." not in name:
        try:
            ipaddress.ip_address(name)
        except ValueError:
            return True
    try:
        return not _public(name)
    except ValueError:
        return False  # a name, not an address: checked when resolved


def check_target(url: str) -> None:
    """Right before a request: resolve the host; TargetRefused unless every address is
    public (or WEBHOOK_ALLOW_PRIVATE) and the scheme still allowed."""
    parts = urlsplit(url)
    if parts.scheme != "https" and not _allow_private():
        raise TargetRefused("refused: only https:// targets are allowed")
    if _allow_private():
        return
    host = parts.hostname or ""
    try:
        infos = socket.getaddrinfo(host, parts.port or 443, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise TargetRefused(f"could not resolve {host}: {exc}") from None
    addresses = {str(info[4][0]) for info in infos}
    private = sorted(a for a in addresses if not _public(a))
    if private or not addresses:
        raise TargetRefused(f"refused: {host} resolves to a non-public address {private}")
