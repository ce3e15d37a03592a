"""Account security a signed-in user runs: change the password, sign out everywhere.

Why here and not in accounts: both end sessions (services.sessions), and sessions build
on accounts; keeping these use cases on top avoids an import cycle.
"""

from __future__ import annotations

from datetime import datetime

from booking_app import clock
from booking_app.db import session_scope
from booking_app.repositories import users as users_repo
from booking_app.services import accounts, api_tokens, sessions
from booking_app.services import validation as v
from booking_app.services.errors import NotFound, ValidationFailed
from booking_app.services.passwords import hash_password

WRONG_CURRENT = "That is not your current password."
SAME_AS_CURRENT = "Choose a password different from the current one."
NO_MATCH = "The two new passwords differ."


def _check_new(new_password: str, confirm: str, current: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not current:
        errors["current_password"] = "Enter your current password."
    try:
        v.clean_password(new_password)
    except v.FieldError as exc:
        errors["new_password"] = str(exc)
    else:
        if new_password == current:
            errors["new_password"] = SAME_AS_CURRENT
        elif confirm != new_password:
            errors["confirm_password"] = NO_MATCH
    return errors


def change_password(
    user_id: int, current: str, new_password: str, confirm: str, *, ip: str, now: datetime
) -> None:
    """Set a new password after checking the current one; every session of the user ends.

    Field errors (ValidationFailed) name `current_password`, `new_password` or
    `confirm_password`; TooManyAttempts when the sign-in throttle refuses this account+IP
    (a wrong current password counts as a failed sign-in). Nothing is written on error.
    The caller starts a fresh session for the tab that asked (a stolen copy of its old
    cookie must not survive the change either).
    """
    current, new_password, confirm = current or "", new_password or "", confirm or ""
    errors = _check_new(new_password, confirm, current)
    if errors:
        raise ValidationFailed(errors)
    user = accounts.get_session_user(user_id)
    if user is None:
        raise NotFound("Sign in again to change your password.")
    if accounts.verify_credentials(user.email, current, ip=ip, now=now) is None:
        raise ValidationFailed({"current_password": WRONG_CURRENT})
    new_hash = hash_password(new_password)  # slow on purpose: not inside the write lock
    with session_scope(write=True) as session:
        row = users_repo.get_user(session=session, user_id=user_id)
        if row is None or not row.is_active:
            raise NotFound("Sign in again to change your password.")
        row.password_hash = new_hash
        session.flush()
        sessions.end_all_sessions_in(session, user_id)


def sign_out_everywhere(user_id: int) -> int:
    """End every session of the user (this browser's too); returns how many ended."""
    return sessions.end_all_sessions(user_id)


def set_active(user_id: int, *, active: bool, now: datetime | None = None) -> None:
    """Deactivate (every session ends and every personal access token is revoked in the
    same transaction, open tabs go to sign-in) or reactivate an account (old sessions and
    tokens stay ended: they sign in again, make new tokens)."""
    with session_scope(write=True) as session:
        user = users_repo.get_user(session=session, user_id=user_id)
        if user is None:
            raise NotFound("This account does not exist.")
        user.is_active = bool(active)
        session.flush()
        if not active:
            sessions.end_all_sessions_in(session, user_id)
            api_tokens.revoke_all_in(session, user_id, now=now or clock.now())
