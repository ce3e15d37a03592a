"""Admin use cases on accounts that reach beyond one row: deactivation ends everything.

Why a service (the admin view and the API both call it): a deactivated user must lose
every way in at once, in one transaction: the `is_active` flag (every session and token
check reads it), their server-side sessions (browser tabs and programs' access/refresh
tokens, `services.sessions`) and their personal access tokens (revoked, so a later
reactivation does not revive them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from booking_app.db import read_scope, session_scope
from booking_app.models import Role, User
from booking_app.repositories import admin as admin_repo
from booking_app.repositories import users as users_repo
from booking_app.services import accounts, api_tokens, sessions
from booking_app.services import validation as v
from booking_app.services.errors import InUse, NotFound, ValidationFailed


def end_access_in(session, user_id: int, *, now: datetime) -> None:  # type: ignore[no-untyped-def]
    """Inside a caller's transaction: end the user's sessions and revoke their tokens."""
    sessions.end_all_sessions_in(session, user_id)
    api_tokens.revoke_all_in(session, user_id, now=now)


# --- the admin API: users and tutors (search, create, edit, safe delete) -----------------

MAX_LIMIT = 100


@dataclass(frozen=True, slots=True)
class UserInfo:
    """What an admin sees of an account (no password hash, no calendar token)."""

    id: int
    name: str
    email: str
    phone: str
    role: str
    timezone: str
    is_active: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class TutorInfo:
    user: UserInfo
    profile_id: int
    slug: str
    is_published: bool


def _info(user: User) -> UserInfo:
    return UserInfo(user.id or 0, user.name, user.email, user.phone, user.role.value,
                    user.timezone, user.is_active, user.created_at)  # fmt: skip


def _window(limit: int, offset: int) -> tuple[int, int]:
    return min(max(1, int(limit)), MAX_LIMIT), max(0, int(offset))


def list_users(
    *, q: str = "", role: str | None = None, limit: int = 20, offset: int = 0
) -> tuple[int, list[UserInfo]]:
    """Accounts whose name or email contains `q` (case-insensitive), by id."""
    limit, offset = _window(limit, offset)
    wanted = Role(role) if role in {r.value for r in Role} else None
    with read_scope() as session:
        total, rows = admin_repo.users_page(
            session=session, q=(q or "").strip()[:100], role=wanted, limit=limit, offset=offset
        )
        return total, [_info(user) for user in rows]


def get_user_info(user_id: int) -> UserInfo:
    with read_scope() as session:
        user = users_repo.get_user(session=session, user_id=user_id)
        if user is None:
            raise NotFound("No such user.")
        return _info(user)


def list_tutors(*, q: str = "", limit: int = 20, offset: int = 0) -> tuple[int, list[TutorInfo]]:
    limit, offset = _window(limit, offset)
    with read_scope() as session:
        total, rows = admin_repo.tutors_page(
            session=session, q=(q or "").strip()[:100], limit=limit, offset=offset
        )
        return total, [
            TutorInfo(_info(user), profile.id or 0, profile.slug, profile.is_published)
            for user, profile in rows
        ]


def create_user(registration: accounts.Registration) -> UserInfo:
    """Any role, the registration form's validation (field errors), tutors get a page."""
    return get_user_info(accounts.create_account(registration).id)


def update_user(
    user_id: int,
    *,
    name: str | None = None,
    phone: str | None = None,
    timezone: str | None = None,
    now: datetime,
) -> UserInfo:
    """Edit the given fields (validated like registration). Activation goes through
    `admin_ops.set_active` (its rules and the audit row), not here."""
    cleaners = {"name": (name, v.clean_name), "phone": (phone, v.clean_phone),
                "timezone": (timezone, v.clean_timezone)}  # fmt: skip
    values: dict[str, object] = {}
    errors: dict[str, str] = {}
    for field, (raw, clean) in cleaners.items():
        if raw is None:
            continue
        try:
            values[field] = clean(raw)
        except v.FieldError as exc:
            errors[field] = str(exc)
    if errors:
        raise ValidationFailed(errors)
    with session_scope(write=True) as session:
        user = users_repo.get_user(session=session, user_id=user_id)
        if user is None:
            raise NotFound("No such user.")
        for field, value in values.items():
            setattr(user, field, value)
        session.flush()
        return _info(user)


_REFERENCE_TEXT = {
    "lessons": "teaches {n} lesson(s)",
    "bookings": "has {n} booking(s)",
    "notifications": "has {n} message(s) in the outbox",
}


def delete_user(user_id: int, *, actor_id: int, now: datetime, role: str | None = None) -> None:
    """Delete an account with no history; InUse (409, with the reason) otherwise: keep
    the records and deactivate instead. `role` restricts it (DELETE /admin/tutors/{id})."""
    if user_id == actor_id:
        raise InUse("self", "You cannot delete your own account.")
    with session_scope(write=True) as session:
        user = users_repo.get_user(session=session, user_id=user_id)
        if user is None or (role is not None and user.role.value != role):
            raise NotFound("No such user.")
        refs = admin_repo.user_references(session=session, user_id=user_id)
        used = {key: n for key, n in refs.items() if n}
        if used:
            first = next(iter(used))
            text = ", ".join(_REFERENCE_TEXT[key].format(n=n) for key, n in used.items())
            raise InUse(first, f"This account {text}; deactivate it instead.")
        end_access_in(session, user_id, now=now)  # tabs told; rows go by CASCADE
        admin_repo.delete_user(session=session, user_id=user_id)
