"""Accounts: registration, throttled sign-in, session users, admins from the CLI.

Sign-in throttling (per account+IP, per IP, and a per-account ramp) is described in
`services.sign_in_throttle`; sessions (what a signed-in browser holds) in
`services.sessions`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError

from booking_app.db import read_scope, session_scope
from booking_app.models import Classroom, Role, TutorProfile, User
from booking_app.repositories import sign_in_attempts as attempts_repo
from booking_app.repositories import users as users_repo
from booking_app.services import sign_in_throttle as throttle
from booking_app.services import validation as v
from booking_app.services.errors import InvalidCredentials, ValidationFailed
from booking_app.services.passwords import DUMMY_HASH, hash_password, verify_password
from booking_app.services.session_tokens import decode_login_ticket

EMAIL_TAKEN = "An account with this email already exists. Sign in instead?"
SIGNUP_ROLES = (Role.student, Role.tutor)


@dataclass(frozen=True, slots=True)
class SessionUser:
    """What the UI may know about the signed-in user (no hash, no tokens)."""

    id: int
    name: str
    email: str
    role: str
    timezone: str


@dataclass(frozen=True, slots=True)
class Registration:
    """Raw form input; `register` validates and normalizes every field."""

    name: str
    email: str
    phone: str
    password: str
    role: str = Role.student.value
    timezone: str = "UTC"
    telegram_username: str | None = None


def session_user_of(user: User) -> SessionUser:
    return SessionUser(user.id or 0, user.name, user.email, user.role.value, user.timezone)


def _clean(registration: Registration, *, allowed_roles: tuple[Role, ...]) -> dict[str, object]:
    """All field errors at once (the form shows each next to its field)."""
    cleaners = {
        "name": lambda: v.clean_name(registration.name),
        "email": lambda: v.clean_email(registration.email),
        "phone": lambda: v.clean_phone(registration.phone),
        "password": lambda: v.clean_password(registration.password),
        "timezone": lambda: v.clean_timezone(registration.timezone),
        "telegram_username": lambda: v.clean_telegram_username(registration.telegram_username),
    }
    values: dict[str, object] = {}
    errors: dict[str, str] = {}
    for field, clean in cleaners.items():
        try:
            values[field] = clean()
        except v.FieldError as exc:
            errors[field] = str(exc)
    if registration.role not in {r.value for r in allowed_roles}:
        errors["role"] = "Choose whether you are a student or a tutor."
    if errors:
        raise ValidationFailed(errors)
    return values


def _slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or "tutor"


def _unique_slug(session, name: str) -> str:  # type: ignore[no-untyped-def]
    base = _slugify(name)[:60]
    slug, n = base, 1
    while users_repo.slug_taken(session=session, slug=slug):
        n += 1
        slug = f"{base}-{n}"
    return slug


def _insert_account(session, user: User) -> SessionUser:  # type: ignore[no-untyped-def]
    """The user row; a tutor also gets a profile (a free /t/<slug>) and a classroom."""
    users_repo.add_user(session=session, user=user)
    if user.role is Role.tutor:
        _add_tutor_profile(session, user)
    return session_user_of(user)


def _create_user(registration: Registration, role: Role, allowed: tuple[Role, ...]) -> SessionUser:
    values = _clean(registration, allowed_roles=allowed)
    try:
        with session_scope(write=True) as session:
            if users_repo.get_user_by_email(session=session, email=str(values["email"])):
                raise ValidationFailed({"email": EMAIL_TAKEN})
            user = User(
                name=str(values["name"]),
                email=str(values["email"]),
                phone=str(values["phone"]),
                role=role,
                timezone=str(values["timezone"]),
                telegram_username=values["telegram_username"],  # type: ignore[arg-type]
                password_hash=hash_password(str(values["password"])),
            )
            return _insert_account(session, user)
    except IntegrityError:  # a concurrent registration took the email first
        raise ValidationFailed({"email": EMAIL_TAKEN}) from None


def add_trusted_account(
    *,
    name: str,
    email: str,
    phone: str,
    role: Role,
    timezone: str,
    telegram_username: str | None,
    password_hash: str,
) -> SessionUser:
    """An account from data the app itself wrote (the demo): the registration form's
    rules are not applied (e.g. no password policy check) and the
    password hash is made once by the caller (hashing is slow on purpose). Tutors get a
    profile and a classroom, as when they register."""
    with session_scope(write=True) as session:
        user = User(name=name, email=email, phone=phone, role=role, timezone=timezone,
                    telegram_username=telegram_username, password_hash=password_hash)  # fmt: skip
        return _insert_account(session, user)


def any_account(emails: list[str] | None = None) -> bool:
    """Whether any of these accounts exists (with no list: whether anyone has one)."""
    with read_scope() as session:
        return users_repo.any_user(session=session, emails=emails)


def _add_tutor_profile(session, user: User) -> None:  # type: ignore[no-untyped-def]
    users_repo.add_tutor_profile(
        session=session,
        profile=TutorProfile(user_id=user.id, slug=_unique_slug(session, user.name)),
        classroom=Classroom(tutor_id=user.id, name=f"{user.name}'s classroom"),
    )


def register(registration: Registration) -> SessionUser:
    """Create a student or tutor account (tutors also get a profile and a classroom)."""
    role = Role(registration.role) if registration.role in {"student", "tutor"} else Role.student
    return _create_user(registration, role, SIGNUP_ROLES)


def create_account(registration: Registration) -> SessionUser:
    """An administrator adds an account of any role (same validation as registration)."""
    role = Role(registration.role) if registration.role in {r.value for r in Role} else None
    if role is None:
        raise ValidationFailed({"role": "Choose student, tutor or admin."})
    return _create_user(registration, role, tuple(Role))


def create_admin(*, email: str, name: str, phone: str, password: str, timezone: str = "UTC") -> int:
    """Admins exist only through the command line (`python -m booking_app.cli create-admin`)."""
    registration = Registration(name, email, phone, password, Role.admin.value, timezone)
    return _create_user(registration, Role.admin, (Role.admin,)).id


def _check_throttle(session, email: str, ip: str, now: datetime) -> None:  # type: ignore[no-untyped-def]
    """Every limit of `sign_in_throttle` (one name, so a test can take it away)."""
    throttle.check(session, email=email, ip=ip, now=now)


def verify_credentials(email: str, password: str, *, ip: str, now: datetime) -> User | None:
    """The active user whose password this is, or None; throttled and logged like sign-in.

    Raises TooManyAttempts before looking at the password. Shared by sign-in and by the
    "current password" check of a password change, so neither is an unthrottled oracle.
    """
    key_email, key_ip = throttle.key(email, ip)
    with read_scope() as session:
        _check_throttle(session, key_email, key_ip, now)
        user = users_repo.get_user_by_email(session=session, email=key_email)
        if user is not None and not user.is_active:
            user = None
        stored_hash = user.password_hash if user is not None else DUMMY_HASH
    valid = verify_password(password or "", stored_hash) and user is not None
    with session_scope(write=True) as session:
        throttle.record(session, email=key_email, ip=key_ip, now=now, succeeded=valid)
    return user if valid else None


def authenticate(email: str, password: str, *, ip: str, now: datetime) -> SessionUser:
    """The user for these credentials, or InvalidCredentials / TooManyAttempts."""
    user = verify_credentials(email, password, ip=ip, now=now)
    if user is None:
        raise InvalidCredentials("Invalid email or password.")
    return session_user_of(user)


def get_session_user(user_id: int) -> SessionUser | None:
    """Re-read the user on every page load: a deactivated user is signed out at once."""
    with read_scope() as session:
        user = users_repo.get_user(session=session, user_id=user_id)
        return session_user_of(user) if user is not None and user.is_active else None


@dataclass(frozen=True, slots=True)
class Contact:
    """What a booking form may prefill for a signed-in user (their own data only)."""

    name: str
    phone: str
    email: str
    telegram_username: str  # with the leading "@", or ""


def get_contact(user_id: int) -> Contact | None:
    with read_scope() as session:
        user = users_repo.get_user(session=session, user_id=user_id)
        if user is None or not user.is_active:
            return None
        handle = f"@{user.telegram_username}" if user.telegram_username else ""
        return Contact(user.name, user.phone, user.email, handle)


def redeem_login_ticket(ticket: str, *, now: datetime) -> SessionUser | None:
    """The user of a valid, unused ticket; marks it used (a replayed ticket gets None)."""
    decoded = decode_login_ticket(ticket)
    if decoded is None:
        return None
    user_id, jti = decoded
    try:
        with session_scope(write=True) as session:
            attempts_repo.add_used_ticket(session=session, jti=jti, at=now)
    except IntegrityError:
        return None
    return get_session_user(user_id)


def purge_sign_in_attempts(*, now: datetime) -> int:
    """Housekeeping (Celery beat): drop attempts and used tickets that no longer matter
    (failures outside the throttle window, known-IP marks past LOGIN_KNOWN_IP_DAYS)."""
    with session_scope(write=True) as session:
        removed = throttle.purge(session, now=now)
        attempts_repo.delete_tickets_before(session=session, before=now - timedelta(hours=1))
    return removed
