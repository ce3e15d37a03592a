"""The HTTP POST of one webhook delivery (httpx), its outcome sorted for the sender.

Why no redirects: the target was checked against private addresses before the request
(services/webhooks/targets.py); a 3xx could point anywhere, so it counts as a failed
delivery (the receiver should answer 2xx at the registered URL). One client per worker
process keeps connections to the same receivers warm.
"""

from __future__ import annotations

from functools import lru_cache

import httpx

USER_AGENT = "TutorBook-Webhooks/1"


@lru_cache(maxsize=1)
def _client() -> httpx.Client:
    return httpx.Client(follow_redirects=False, headers={"User-Agent": USER_AGENT})


def post(
    url: str, body: bytes, headers: dict[str, str], *, timeout: float
) -> tuple[int | None, str | None]:
    """(status code, None) when the receiver answered, (None, error) when it did not
    (timeout, connection refused, TLS error)."""
    try:
        response = _client().post(
            url,
            content=body,
            headers={"Content-Type": "application/json", **headers},
            timeout=httpx.Timeout(timeout),
        )
    except httpx.TimeoutException:
        return None, f"timed out after {timeout:g} s"
    except httpx.HTTPError as exc:
        return None, f"{type(exc).__name__}: {exc}"[:500]
    return response.status_code, None if response.is_success else f"HTTP {response.status_code}"
