"""Admin use cases on accounts that reach beyond one row: deactivation ends everything.

Why a service (the admin view and the API both call it): a deactivated user must lose
every way in at once, in one transaction: the `is_active` flag (every session and token
check reads it), their server-side sessions (browser tabs and programs' access/refresh
tokens, `services.sessions`) and their personal access tokens (revoked, so a later
reactivation does not revive them).
"""

from __future__ import annotations

from datetime import datetime

from booking_app.db import session_scope
from booking_app.repositories import users as users_repo
from booking_app.services import api_tokens, sessions
from booking_app.services.errors import NotFound


def end_access_in(session, user_id: int, *, now: datetime) -> None:  # type: ignore[no-untyped-def]
    """Inside a caller's transaction: end the user's sessions and revoke their tokens."""
    sessions.end_all_sessions_in(session, user_id)
    api_tokens.revoke_all_in(session, user_id, now=now)


def set_active(user_id: int, active: bool, *, now: datetime) -> None:
    """Activate or deactivate an account (deactivation ends its sessions and tokens)."""
    with session_scope(write=True) as session:
        user = users_repo.get_user(session=session, user_id=user_id)
        if user is None:
            raise NotFound("No such user.")
        user.is_active = active
        session.flush()
        if not active:
            end_access_in(session, user_id, now=now)
