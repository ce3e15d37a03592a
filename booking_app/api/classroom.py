"""Classroom over HTTP (seed 003 contract): rooms, invites, My Students, lessons, dashboards.

Auth: the session cookie or `Authorization: Bearer <session jwt>`; none -> 401
`unauthorized`. A wrong role -> 403 `forbidden`; someone else's lesson or room -> 404
`lesson_not_found`; other codes: `not_a_member` (403), `lesson_full` (403: an invite to
a lesson without a free seat), `invite_invalid` (400), `invite_expired` (410),
`invite_revoked` (410: revoked, used up, or taken back from a removed student),
`slot_unavailable` (409, with the engine's `reason`). Every rule lives in the services;
these routes only translate (api/errors.py:error_body).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Header, Request, Response
from pydantic import BaseModel

from booking_app import clock
from booking_app.api.access import caller
from booking_app.api.offload import json_response, off_loop
from booking_app.api.params import Id, InviteTtlHours
from booking_app.services import accounts, classroom, dashboard, invites, students

router = APIRouter(tags=["classroom"])


def _user(
    request: Request, authorization: str | None, *roles: str, write: bool = False
) -> accounts.SessionUser:
    return caller(request, authorization, *roles, write=write)


class NewLesson(BaseModel):
    student_id: Id
    start_local: str
    duration_min: int | str = 60
    title: str = ""


@router.get("/api/v1/lessons/{lesson_id}/room")
def lesson_room(
    lesson_id: Id, request: Request, authorization: str | None = Header(None)
) -> dict[str, Any]:
    user = _user(request, authorization)
    uuid = classroom.open_room(lesson_id, user_id=user.id, now=clock.now())
    return {"lesson_id": lesson_id, "session_uuid": uuid}


@router.get("/api/v1/classroom/{session_uuid}")
def room(
    session_uuid: str, request: Request, authorization: str | None = Header(None)
) -> dict[str, Any]:
    user = _user(request, authorization)
    view = classroom.get_room(
        session_uuid, user_id=user.id, now=clock.now(), viewer_tz=user.timezone or "UTC"
    )
    return asdict(view)


def _made(link: invites.InviteLink) -> dict[str, Any]:
    return {"invite_url": link.url, "expires_at": link.expires_at, "token": link.token,
            "invite_id": link.invite_id, "max_uses": link.max_uses}  # fmt: skip


@router.post("/api/v1/lessons/{lesson_id}/invite")
def lesson_invite(
    lesson_id: Id,
    request: Request,
    ttl_hours: InviteTtlHours | None = None,
    max_uses: int | None = None,
    authorization: str | None = Header(None),
) -> dict[str, Any]:
    user = _user(request, authorization, "tutor", write=True)
    link = invites.create_lesson_invite(
        lesson_id, tutor_id=user.id, now=clock.now(), ttl_hours=ttl_hours, max_uses=max_uses
    )
    return _made(link)


@router.get("/api/v1/lesson-invites/resolve")
def resolve_lesson_invite(
    token: str, request: Request, authorization: str | None = Header(None)
) -> dict[str, Any]:
    user = _user(request, authorization, write=True)
    uuid = invites.accept_lesson_invite(token, user_id=user.id, now=clock.now())
    return {"session_uuid": uuid}


@router.post("/api/v1/classroom-invites")
def classroom_invite(
    request: Request,
    ttl_hours: InviteTtlHours | None = None,
    max_uses: int | None = None,
    authorization: str | None = Header(None),
) -> dict[str, Any]:
    user = _user(request, authorization, "tutor", write=True)
    link = invites.create_classroom_invite(
        tutor_id=user.id, now=clock.now(), ttl_hours=ttl_hours, max_uses=max_uses
    )
    return _made(link)


@router.post("/api/v1/classroom-invites/accept")
def accept_classroom_invite(
    token: str, request: Request, authorization: str | None = Header(None)
) -> dict[str, Any]:
    user = _user(request, authorization, write=True)
    return {"tutor_name": invites.accept_classroom_invite(token, user_id=user.id, now=clock.now())}


@router.get("/api/v1/invites")
def my_invites(request: Request, authorization: str | None = Header(None)) -> dict[str, Any]:
    """The tutor's invites that still work (not revoked, not expired), newest first."""
    user = _user(request, authorization, "tutor")
    found = invites.live_invites(user.id, now=clock.now())
    return {"count": found.total, "results": [asdict(r) for r in found.rows]}


@router.post("/api/v1/invites/revoke-all")
def revoke_all_invites(
    request: Request, authorization: str | None = Header(None)
) -> dict[str, Any]:
    user = _user(request, authorization, "tutor", write=True)
    return {"revoked": invites.revoke_all(user.id, now=clock.now())}


@router.post("/api/v1/invites/{invite_id}/revoke")
def revoke_invite(
    invite_id: str, request: Request, authorization: str | None = Header(None)
) -> dict[str, Any]:
    user = _user(request, authorization, "tutor", write=True)
    invites.revoke_invite(user.id, invite_id, now=clock.now())
    return {"invite_id": invite_id, "revoked": True}


def _students(
    request: Request, authorization: str | None, q: str, page: int, page_size: int
) -> Response:
    user = _user(request, authorization, "tutor")
    found = students.list_students(
        user.id, query=q, page=page, page_size=page_size, now=clock.now()
    )
    return json_response(
        {
            "count": found.total,
            "page": found.page,
            "page_size": found.page_size,
            "pages": found.pages,
            "results": [asdict(r) for r in found.rows],
        }
    )


@router.get("/api/v1/my-students", response_model=dict[str, Any])
async def my_students(
    request: Request,
    q: str = "",
    page: int = 1,
    page_size: int = 10,
    authorization: str | None = Header(None),
) -> Response:
    """The tutor's students, a page at a time (one thread hop: api/offload.py)."""
    return await off_loop(_students, request, authorization, q, page, page_size)


@router.post("/api/v1/lessons")
def create_lesson(
    body: NewLesson, request: Request, authorization: str | None = Header(None)
) -> dict[str, Any]:
    user = _user(request, authorization, "tutor", write=True)
    created = students.create_lesson_for_student(
        user.id,
        body.student_id,
        start_local=body.start_local,
        duration_min=body.duration_min,
        title=body.title,
        now=clock.now(),
    )
    return asdict(created)


def _dashboard(request: Request, authorization: str | None) -> Response:
    user = _user(request, authorization, "student", "tutor")
    if user.role == "tutor":
        return json_response(asdict(dashboard.tutor_dashboard(user.id, now=clock.now())))
    return json_response(
        asdict(
            dashboard.student_dashboard(user.id, now=clock.now(), viewer_tz=user.timezone or "UTC")
        )
    )


@router.get("/api/v1/dashboard", response_model=dict[str, Any])
async def my_dashboard(request: Request, authorization: str | None = Header(None)) -> Response:
    """The tutor's or the student's home numbers (one thread hop: api/offload.py)."""
    return await off_loop(_dashboard, request, authorization)
