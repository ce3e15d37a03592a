"""Admin resources over HTTP (seed 004): users, tutors, subjects; search and safe deletes.

Only admins (`caller(..., "admin")`, the database role re-read on every request; seed
004's `require_role`); changes need a write-scope credential. A delete of a row others
refer to answers 409 `in_use` with `reason` (never database error text); deactivating a
user (PATCH is_active=false) ends their sessions and revokes their tokens. The rules
are in services/admin_users.py and services/admin_catalog.py.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Header, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from booking_app import clock
from booking_app.api.access import caller
from booking_app.api.params import Id, TimeZoneName
from booking_app.services import accounts, admin_catalog, admin_ops, admin_users

router = APIRouter(tags=["admin"])

Q = Annotated[str, Query(max_length=100, description="Contained in the name or email.")]
Limit = Annotated[int, Query(ge=1, le=admin_users.MAX_LIMIT)]
Offset = Annotated[int, Query(ge=0, le=10**9)]
RoleName = Literal["student", "tutor", "admin"]


def _admin(request: Request, authorization: str | None, write: bool = False) -> int:
    return caller(request, authorization, "admin", write=write).id


class UserOut(BaseModel):
    id: int
    name: str
    email: str
    phone: str
    role: RoleName
    timezone: str
    is_active: bool
    created_at: datetime


class UsersOut(BaseModel):
    count: int
    results: list[UserOut]


class NewUser(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"name": "Olena K", "email": "olena@example.com", "phone": "+380671234567",
                 "password": "long-enough-1", "role": "tutor", "timezone": "Europe/Kyiv"}
            ]
        }
    )  # fmt: skip
    name: Annotated[str, Field(max_length=200)]
    email: Annotated[str, Field(max_length=254)]
    phone: Annotated[str, Field(max_length=40)]
    password: Annotated[str, Field(max_length=1024)]
    role: RoleName = "student"
    timezone: TimeZoneName = "UTC"


class UserPatch(BaseModel):
    name: Annotated[str, Field(max_length=200)] | None = None
    phone: Annotated[str, Field(max_length=40)] | None = None
    timezone: TimeZoneName | None = None
    is_active: bool | None = Field(
        default=None, description="false ends the user's sessions and revokes their tokens"
    )


class TutorOut(BaseModel):
    user: UserOut
    profile_id: int
    slug: str
    is_published: bool


class TutorsOut(BaseModel):
    count: int
    results: list[TutorOut]


class SubjectIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"name": "Algebra"}]})
    name: Annotated[str, Field(max_length=200)]


class SubjectOut(BaseModel):
    id: int
    name: str
    slug: str


class SubjectsOut(BaseModel):
    count: int
    results: list[SubjectOut]


def _user(info: admin_users.UserInfo) -> UserOut:
    return UserOut(**asdict(info))


# --- users -------------------------------------------------------------------------------


@router.get("/api/v1/admin/users", response_model=UsersOut)
def list_users(
    request: Request,
    q: Q = "",
    role: RoleName | None = None,
    limit: Limit = 20,
    offset: Offset = 0,
    authorization: str | None = Header(None),
) -> UsersOut:
    _admin(request, authorization)
    total, rows = admin_users.list_users(q=q, role=role, limit=limit, offset=offset)
    return UsersOut(count=total, results=[_user(row) for row in rows])


@router.post("/api/v1/admin/users", response_model=UserOut, status_code=201)
def create_user(
    body: NewUser, request: Request, authorization: str | None = Header(None)
) -> UserOut:
    _admin(request, authorization, write=True)
    registration = accounts.Registration(
        body.name, body.email, body.phone, body.password, body.role, body.timezone
    )
    return _user(admin_users.create_user(registration))


@router.get("/api/v1/admin/users/{user_id}", response_model=UserOut)
def get_user(user_id: Id, request: Request, authorization: str | None = Header(None)) -> UserOut:
    _admin(request, authorization)
    return _user(admin_users.get_user_info(user_id))


@router.patch("/api/v1/admin/users/{user_id}", response_model=UserOut)
def update_user(
    user_id: Id, body: UserPatch, request: Request, authorization: str | None = Header(None)
) -> UserOut:
    actor = _admin(request, authorization, write=True)
    now = clock.now()
    if body.is_active is not None:  # refused before anything is written
        admin_ops.check_set_active(actor, user_id, active=body.is_active)
    info = admin_users.update_user(
        user_id, name=body.name, phone=body.phone, timezone=body.timezone, now=now
    )
    if body.is_active is not None and body.is_active != info.is_active:
        # the admin panel's path: its rule, the sessions and tokens, the audit row
        admin_ops.set_active(actor, user_id, active=body.is_active, now=now)
        info = admin_users.get_user_info(user_id)
    return _user(info)


@router.delete("/api/v1/admin/users/{user_id}", status_code=204)
def delete_user(
    user_id: Id, request: Request, authorization: str | None = Header(None)
) -> Response:
    """409 `in_use` (reason: lessons, bookings, notifications, self) when it has history."""
    actor = _admin(request, authorization, write=True)
    admin_users.delete_user(user_id, actor_id=actor, now=clock.now())
    return Response(status_code=204)


# --- tutors ------------------------------------------------------------------------------


@router.get("/api/v1/admin/tutors", response_model=TutorsOut)
def list_tutors(
    request: Request,
    q: Q = "",
    limit: Limit = 20,
    offset: Offset = 0,
    authorization: str | None = Header(None),
) -> TutorsOut:
    _admin(request, authorization)
    total, rows = admin_users.list_tutors(q=q, limit=limit, offset=offset)
    return TutorsOut(
        count=total,
        results=[
            TutorOut(
                user=_user(r.user),
                profile_id=r.profile_id,
                slug=r.slug,
                is_published=r.is_published,
            )  # fmt: skip
            for r in rows
        ],
    )


@router.delete("/api/v1/admin/tutors/{user_id}", status_code=204)
def delete_tutor(
    user_id: Id, request: Request, authorization: str | None = Header(None)
) -> Response:
    """A tutor account without lessons or bookings (409 `in_use` otherwise)."""
    actor = _admin(request, authorization, write=True)
    admin_users.delete_user(user_id, actor_id=actor, now=clock.now(), role="tutor")
    return Response(status_code=204)


# --- subjects ----------------------------------------------------------------------------


@router.get("/api/v1/admin/subjects", response_model=SubjectsOut)
def list_subjects(
    request: Request,
    q: Q = "",
    limit: Limit = 50,
    offset: Offset = 0,
    authorization: str | None = Header(None),
) -> SubjectsOut:
    _admin(request, authorization)
    total, rows = admin_catalog.list_subjects(q=q, limit=limit, offset=offset)
    return SubjectsOut(count=total, results=[SubjectOut(**asdict(row)) for row in rows])


@router.post("/api/v1/admin/subjects", response_model=SubjectOut, status_code=201)
def create_subject(
    body: SubjectIn, request: Request, authorization: str | None = Header(None)
) -> SubjectOut:
    _admin(request, authorization, write=True)
    return SubjectOut(**asdict(admin_catalog.create_subject(body.name)))


@router.patch("/api/v1/admin/subjects/{subject_id}", response_model=SubjectOut)
def rename_subject(
    subject_id: Id, body: SubjectIn, request: Request, authorization: str | None = Header(None)
) -> SubjectOut:
    _admin(request, authorization, write=True)
    return SubjectOut(**asdict(admin_catalog.rename_subject(subject_id, body.name)))


@router.delete("/api/v1/admin/subjects/{subject_id}", status_code=204)
def delete_subject(
    subject_id: Id, request: Request, authorization: str | None = Header(None)
) -> Response:
    """409 `in_use` (reason: services, tutors) while anything uses the subject."""
    _admin(request, authorization, write=True)
    admin_catalog.delete_subject(subject_id)
    return Response(status_code=204)
