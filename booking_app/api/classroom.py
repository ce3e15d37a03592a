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
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request, Response
from pydantic import BaseModel, Field

from booking_app import clock, realtime, routes
from booking_app.api.access import caller, caller_version
from booking_app.api.offload import off_loop
from booking_app.api.params import Id, InviteTtlHours
from booking_app.api.read_cache import personal_json
from booking_app.config import get_settings
from booking_app.services import accounts, classroom, dashboard, invites, students
from booking_app.services.classroom import RoomView
from booking_app.services.dashboard import StudentDashboard, TutorDashboard
from booking_app.services.invites import InviteRow
from booking_app.services.students import CreatedLesson, StudentView

router = APIRouter(tags=["classroom"])
# The two personal reads a home page polls, included first in api/app.py: Starlette tries
# routes in order, and these then match before ~80 others are tried (as the polled
# calendar week, api/calendar.py).
polled = APIRouter(tags=["classroom"])


def _user(
    request: Request, authorization: str | None, *roles: str, write: bool = False
) -> accounts.SessionUser:
    return caller(request, authorization, *roles, write=write)


class NewLesson(BaseModel):
    student_id: Id
    start_local: str = Field(max_length=40, examples=["2027-03-01T16:00"])
    duration_min: int | str = 60
    title: str = Field(default="", max_length=200)


class LessonRoom(BaseModel):
    """Seed 003's `{lesson_id, session_uuid}`, plus where to go and whether it is open."""

    lesson_id: int
    session_uuid: str
    room_url: str = Field(description="The classroom page of this lesson.")
    can_join: bool = Field(description="The join window is open now.")
    opens_in_seconds: int


class InviteMade(BaseModel):
    invite_url: str
    expires_at: str = Field(description="UTC, ISO 8601.")
    token: str
    invite_id: str
    max_uses: int | None


class ResolvedInvite(BaseModel):
    lesson_id: int
    session_uuid: str


class AcceptedClassroom(BaseModel):
    tutor_name: str


class InvitesOut(BaseModel):
    count: int
    results: list[InviteRow]


class Revoked(BaseModel):
    revoked: int


class InviteRevokedOut(BaseModel):
    invite_id: str
    revoked: bool


class StudentsOut(BaseModel):
    """`{count, results}` (seed 003) with both paging styles described."""

    count: int
    limit: int
    offset: int
    page: int
    page_size: int
    pages: int
    results: list[StudentView]


def _lesson_room(request: Request, authorization: str | None, lesson_id: int) -> LessonRoom:
    user = _user(request, authorization)
    now = clock.now()
    uuid = classroom.open_room(lesson_id, user_id=user.id, now=now)
    view = classroom.get_room(uuid, user_id=user.id, now=now, viewer_tz=user.timezone or "UTC")
    return LessonRoom(
        lesson_id=lesson_id, session_uuid=uuid, can_join=view.can_join,
        opens_in_seconds=view.opens_in_seconds,
        room_url=get_settings().public_url + routes.classroom_url(uuid),
    )  # fmt: skip


@router.get("/api/v1/lessons/{lesson_id}/room", response_model=LessonRoom)
async def lesson_room(
    lesson_id: Id, request: Request, authorization: str | None = Header(None)
) -> LessonRoom:
    """The lesson's room (made on first use) for its tutor or a seated student."""
    return await off_loop(_lesson_room, request, authorization, lesson_id)


def _booking_room(request: Request, authorization: str | None, token: str) -> LessonRoom:
    user = _user(request, authorization)
    lesson_id = classroom.lesson_of_booking(token, user_id=user.id)
    return _lesson_room(request, authorization, lesson_id)


@router.get("/api/v1/classroom/by-booking/{token}", response_model=LessonRoom)
async def booking_room(
    token: str, request: Request, authorization: str | None = Header(None)
) -> LessonRoom:
    """Booking -> classroom: the room of a booking's lesson, for its student or tutor
    (`token` is the booking's private-link token)."""
    return await off_loop(_booking_room, request, authorization, token)


@router.get("/api/v1/classroom/{session_uuid}", response_model=RoomView)
def room(session_uuid: str, request: Request, authorization: str | None = Header(None)) -> RoomView:
    user = _user(request, authorization)
    return classroom.get_room(
        session_uuid, user_id=user.id, now=clock.now(), viewer_tz=user.timezone or "UTC"
    )


class NotesEdit(BaseModel):
    text: Annotated[str, Field(max_length=classroom.MAX_NOTES * 2)] = Field(
        description="The notes as the caller wants them."
    )
    base_version: int | None = Field(
        None,
        description="`notes_version` of the notes `text` was edited from (GET "
        "/api/v1/classroom/{session_uuid}). Equal to the current version: `text` replaces "
        "the notes; older (someone wrote meanwhile) or omitted: merged per line with what "
        "is there, as two open tabs are.",
    )
    base_text: Annotated[str, Field(max_length=classroom.MAX_NOTES * 2)] = Field(
        "", description="The notes at `base_version` (the merge's common ancestor)."
    )
    model_config = {"json_schema_extra": {"examples": [
        {"text": "Plan: fractions\nHomework: p. 12", "base_version": 3,
         "base_text": "Plan: fractions"},
    ]}}  # fmt: skip


class NotesOut(BaseModel):
    notes: str
    version: int


@router.put("/api/v1/classroom/{session_uuid}/notes", response_model=NotesOut)
async def room_notes(
    session_uuid: str, body: NotesEdit, request: Request, authorization: str | None = Header(None)
) -> NotesOut:
    """The room's shared notes, written like a tab of the classroom page writes them (the
    lesson's tutor and students); every open tab of the room shows the result at once."""
    saved, channel = await off_loop(_save_notes, request, authorization, session_uuid, body)
    await realtime.push_room_notes(channel, saved.text, saved.version)
    return NotesOut(notes=saved.text, version=saved.version)


def _save_notes(
    request: Request, authorization: str | None, session_uuid: str, body: NotesEdit
) -> tuple[classroom.NotesState, str]:
    user = _user(request, authorization, write=True)
    saved = classroom.save_notes(
        session_uuid,
        user_id=user.id,
        text=body.text,
        base_text=body.base_text,
        base_version=-1 if body.base_version is None else body.base_version,
        now=clock.now(),
    )
    return saved, classroom.channel_token(session_uuid)


def _made(link: invites.InviteLink) -> InviteMade:
    return InviteMade(invite_url=link.url, expires_at=link.expires_at, token=link.token,
                      invite_id=link.invite_id, max_uses=link.max_uses)  # fmt: skip


@router.post("/api/v1/lessons/{lesson_id}/invite", response_model=InviteMade)
def lesson_invite(
    lesson_id: Id,
    request: Request,
    ttl_hours: InviteTtlHours | None = None,
    max_uses: int | None = None,
    authorization: str | None = Header(None),
) -> InviteMade:
    user = _user(request, authorization, "tutor", write=True)
    link = invites.create_lesson_invite(
        lesson_id, tutor_id=user.id, now=clock.now(), ttl_hours=ttl_hours, max_uses=max_uses
    )
    return _made(link)


@router.get("/api/v1/lesson-invites/resolve", response_model=ResolvedInvite)
def resolve_lesson_invite(
    token: str, request: Request, authorization: str | None = Header(None)
) -> ResolvedInvite:
    """Take the invite's seat (if not seated yet): the lesson and its room."""
    user = _user(request, authorization, write=True)
    lesson_id, uuid = invites.resolve_lesson_invite(token, user_id=user.id, now=clock.now())
    return ResolvedInvite(lesson_id=lesson_id, session_uuid=uuid)


@router.post("/api/v1/classroom-invites", response_model=InviteMade)
def classroom_invite(
    request: Request,
    ttl_hours: InviteTtlHours | None = None,
    max_uses: int | None = None,
    authorization: str | None = Header(None),
) -> InviteMade:
    user = _user(request, authorization, "tutor", write=True)
    link = invites.create_classroom_invite(
        tutor_id=user.id, now=clock.now(), ttl_hours=ttl_hours, max_uses=max_uses
    )
    return _made(link)


@router.post("/api/v1/classroom-invites/accept", response_model=AcceptedClassroom)
def accept_classroom_invite(
    token: str, request: Request, authorization: str | None = Header(None)
) -> AcceptedClassroom:
    user = _user(request, authorization, write=True)
    name = invites.accept_classroom_invite(token, user_id=user.id, now=clock.now())
    return AcceptedClassroom(tutor_name=name)


@router.get("/api/v1/invites", response_model=InvitesOut)
def my_invites(request: Request, authorization: str | None = Header(None)) -> InvitesOut:
    """The tutor's invites that still work (not revoked, not expired), newest first."""
    user = _user(request, authorization, "tutor")
    found = invites.live_invites(user.id, now=clock.now())
    return InvitesOut(count=found.total, results=list(found.rows))


@router.post("/api/v1/invites/revoke-all", response_model=Revoked)
def revoke_all_invites(request: Request, authorization: str | None = Header(None)) -> Revoked:
    user = _user(request, authorization, "tutor", write=True)
    return Revoked(revoked=invites.revoke_all(user.id, now=clock.now()))


@router.post("/api/v1/invites/{invite_id}/revoke", response_model=InviteRevokedOut)
def revoke_invite(
    invite_id: str, request: Request, authorization: str | None = Header(None)
) -> InviteRevokedOut:
    user = _user(request, authorization, "tutor", write=True)
    invites.revoke_invite(user.id, invite_id, now=clock.now())
    return InviteRevokedOut(invite_id=invite_id, revoked=True)


def _students(
    request: Request,
    authorization: str | None,
    q: str,
    paging: tuple[int | None, ...],
    if_none_match: str | None,
) -> Response:
    user, version = caller_version(request, authorization, "tutor")
    return personal_json(
        "my-students",
        user,
        version,
        (q, paging),
        lambda now: _students_body(user.id, q, paging, now),
        if_none_match=if_none_match,
    )


def _students_body(
    tutor_id: int, q: str, paging: tuple[int | None, ...], now: datetime
) -> dict[str, Any]:
    page, page_size, limit, offset = paging
    if limit is None and offset is None:  # the page's style: page + page_size (clamped)
        found = students.list_students(
            tutor_id, query=q, page=page or 1, page_size=page_size or 10, now=now
        )
        size, start, total, rows = (
            found.page_size,
            (found.page - 1) * found.page_size,
            found.total,
            found.rows,
        )
    else:  # seed 003: limit + offset
        window = students.students_window(
            tutor_id, query=q, limit=limit or page_size or 10, offset=offset or 0, now=now
        )
        size, start, total, rows = window.limit, window.offset, window.total, window.rows
    return {
        "count": total,
        "limit": size,
        "offset": start,
        "page": start // size + 1,
        "page_size": size,
        "pages": max(1, -(-total // size)),
        "results": [asdict(r) for r in rows],
    }


# The query and headers as two parameter models, not seven parameters: FastAPI reads and
# validates each group in one pass (as the polled calendar week does, api/calendar.py);
# the document and the 422 answers stay those of separate parameters.
class StudentsParams(BaseModel):
    q: str = Field("", max_length=100)
    limit: int | None = Field(None, ge=1, le=students.MAX_LIMIT)
    offset: int | None = Field(None, ge=0, le=10_000)
    page: int | None = Field(None, ge=1, le=10_000)
    page_size: int | None = Field(None, ge=1, le=students.MAX_LIMIT)


class CachedReadHeaders(BaseModel):
    authorization: str | None = None
    if_none_match: Annotated[str, Field(max_length=2000)] | None = Field(
        None, title="If-None-Match"
    )


@polled.get(
    "/api/v1/my-students",
    response_model=StudentsOut,
    responses={304: {"description": "Not modified: `If-None-Match` holds the current ETag."}},
)
async def my_students(
    request: Request,
    params: Annotated[StudentsParams, Query()],
    headers: Annotated[CachedReadHeaders, Header()],
) -> Response:
    """The tutor's students: `q` searches names and emails; `limit`/`offset` (seed 003)
    or `page`/`page_size` (10, 20 or 50) page them. One thread hop: api/offload.py; a
    repeated read is served from api/read_cache.py (ETag, 304)."""
    p = params
    paging = (p.page, p.page_size, p.limit, p.offset)
    return await off_loop(
        _students, request, headers.authorization, p.q, paging, headers.if_none_match
    )


@router.post("/api/v1/lessons", response_model=CreatedLesson)
def create_lesson(
    body: NewLesson, request: Request, authorization: str | None = Header(None)
) -> CreatedLesson:
    user = _user(request, authorization, "tutor", write=True)
    return students.create_lesson_for_student(
        user.id,
        body.student_id,
        start_local=body.start_local,
        duration_min=body.duration_min,
        title=body.title,
        now=clock.now(),
    )


def _dashboard(request: Request, authorization: str | None, if_none_match: str | None) -> Response:
    user, version = caller_version(request, authorization, "student", "tutor")
    if user.role == "tutor":
        build = lambda now: asdict(dashboard.tutor_dashboard(user.id, now=now))  # noqa: E731
    else:
        zone = user.timezone or "UTC"
        build = lambda now: asdict(  # noqa: E731
            dashboard.student_dashboard(user.id, now=now, viewer_tz=zone)
        )
    return personal_json("dashboard", user, version, (), build, if_none_match=if_none_match)


@polled.get(
    "/api/v1/dashboard",
    response_model=TutorDashboard | StudentDashboard,
    responses={304: {"description": "Not modified: `If-None-Match` holds the current ETag."}},
)
async def my_dashboard(
    request: Request, headers: Annotated[CachedReadHeaders, Header()]
) -> Response:
    """The tutor's or the student's home numbers (one thread hop: api/offload.py; a
    repeated read is served from api/read_cache.py, ETag and 304 included)."""
    return await off_loop(_dashboard, request, headers.authorization, headers.if_none_match)
