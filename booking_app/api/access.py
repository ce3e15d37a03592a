"""Who is calling an /api/v1 route, and may they do this: the one gate every route uses.

`caller(request, authorization, *roles, write=...)` answers the signed-in user or raises
`Unauthorized` (401) / `Forbidden` (403) / `InsufficientScope` (403). The credential is
`Authorization: Bearer <token>` or the browser's session cookie; a token is either a
session JWT (browser, or a program's access token from POST /api/v1/auth/token: full
scope while its server-side session lives) or a personal access token (`tbk_pat_...`,
scope read or write): `services.api_auth.bearer_user`. A route states only the roles it
admits and whether it changes data (`write=True`: read-only tokens are refused), never
how the caller proved who they are.

Blocking (reads the session or token row): call it inside the route's `off_loop` hop
(or from a plain ``def`` route, which Starlette runs in a thread).
"""

from __future__ import annotations

from fastapi import Request

from booking_app import clock
from booking_app.api.auth import request_token
from booking_app.services import accounts, api_auth
from booking_app.services.errors import Forbidden, InsufficientScope, Unauthorized


def caller(
    request: Request, authorization: str | None, *roles: str, write: bool = False
) -> accounts.SessionUser:
    """The user behind this request, admitted only in one of ``roles`` (any role when none
    are named). ``write`` marks a route that changes data: a read-only token is refused."""
    found = api_auth.bearer_user(request_token(request, authorization), now=clock.now())
    if found is None:
        raise Unauthorized()
    if roles and found.user.role not in roles:
        raise Forbidden(f"Only {' or '.join(roles)}s can do this.")
    if write and found.scope != "write":
        raise InsufficientScope()
    return found.user


def caller_version(
    request: Request, authorization: str | None, *roles: str
) -> tuple[accounts.SessionUser, int]:
    """`caller` for a read that also needs the caller's data version: both come from one
    indexed read (the week calendar's ETag, api/calendar.py)."""
    found = api_auth.bearer_user_version(request_token(request, authorization), now=clock.now())
    if found is None:
        raise Unauthorized()
    who, version = found
    if roles and who.user.role not in roles:
        raise Forbidden(f"Only {' or '.join(roles)}s can do this.")
    return who.user, version
