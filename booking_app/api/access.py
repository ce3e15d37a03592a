"""Who is calling an /api/v1 route, and may they do this: the one gate every route uses.

`caller(request, authorization, *roles, write=...)` answers the signed-in user or raises
`Unauthorized` (401) / `Forbidden` (403). Today the credential is the session JWT (cookie
or `Authorization: Bearer`); programs' tokens (access JWTs, personal access tokens with a
read or write scope) plug in here, so a route states only the roles it admits and whether
it changes data, never how the caller proved who they are.

Blocking (reads the session row): call it inside the route's `off_loop` hop.
"""

from __future__ import annotations

from fastapi import Request

from booking_app.api.auth import current_user
from booking_app.services import accounts
from booking_app.services.errors import Forbidden, Unauthorized


def caller(
    request: Request, authorization: str | None, *roles: str, write: bool = False
) -> accounts.SessionUser:
    """The user behind this request, admitted only in one of ``roles`` (any role when none
    are named). ``write`` marks a route that changes data: a read-only token is refused."""
    user = current_user(request, authorization)
    if user is None:
        raise Unauthorized()
    if roles and user.role not in roles:
        raise Forbidden(f"Only {' or '.join(roles)}s can do this.")
    return user
