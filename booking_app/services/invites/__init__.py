"""Invite links, by use case: making and redeeming them (links), the tutor's housekeeping
over them (manage), and the signed tokens inside them (tokens). Import the use cases from
here: ``from booking_app.services import invites`` then ``invites.accept_lesson_invite``.
"""

from booking_app.services.invites.links import (
    CLASSROOM_PATH,
    LESSON_PATH,
    MAX_USES_LIMIT,
    InviteLink,
    accept_classroom_invite,
    accept_lesson_invite,
    clean_max_uses,
    create_classroom_invite,
    create_lesson_invite,
    preview_classroom_invite,
    resolve_lesson_invite,
)
from booking_app.services.invites.manage import (
    InviteList,
    InviteRow,
    live_invites,
    revoke_all,
    revoke_invite,
)

__all__ = [
    "CLASSROOM_PATH",
    "LESSON_PATH",
    "MAX_USES_LIMIT",
    "InviteLink",
    "InviteList",
    "InviteRow",
    "accept_classroom_invite",
    "accept_lesson_invite",
    "clean_max_uses",
    "create_classroom_invite",
    "create_lesson_invite",
    "live_invites",
    "preview_classroom_invite",
    "resolve_lesson_invite",
    "revoke_all",
    "revoke_invite",
]
