"""Domain errors of the classroom (seeds 001/003 contract codes: keep the names).

The API maps them to ``{"error": code, "detail": text}`` with ``http_status``; pages show
``detail`` (or a dedicated page for the invite errors).
"""

from __future__ import annotations

from booking_app.services.errors import DomainError, NotFound


class LessonNotFound(NotFound):
    """The lesson/room does not exist OR the caller may not see it (never a 403 leak)."""

    code = "lesson_not_found"
    http_status = 404

    def __init__(self, detail: str = "This lesson does not exist or is not yours.") -> None:
        super().__init__(detail)


class NotAMember(DomainError):
    code = "not_a_member"
    http_status = 403

    def __init__(
        self, detail: str = "This student is not an active member of your classroom."
    ) -> None:
        super().__init__(detail)


class InviteInvalid(DomainError):
    code = "invite_invalid"
    http_status = 400

    def __init__(self, detail: str = "This invite link is not valid.") -> None:
        super().__init__(detail)


class InviteExpired(DomainError):
    code = "invite_expired"
    http_status = 410

    def __init__(self, detail: str = "This invite link has expired.") -> None:
        super().__init__(detail)


class InviteRevoked(DomainError):
    """The link is genuine and unexpired but no longer admits this account: the tutor
    revoked it, it reached its maximum number of uses, or it was taken back from this
    student when they were removed from the class."""

    code = "invite_revoked"
    http_status = 410

    def __init__(self, detail: str = "Your tutor has revoked this invite link.") -> None:
        super().__init__(detail)
