"""Classroom (one per tutor), its memberships, and the online room of each lesson."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from booking_app.models.base import enum_column, utc_field
from booking_app.models.enums import MembershipStatus


class Classroom(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    tutor_id: int = Field(foreign_key="user.id", unique=True, ondelete="CASCADE")
    name: str = Field(default="", max_length=120)
    created_at: datetime = utc_field(default_now=True)


class ClassroomMembership(SQLModel, table=True):
    """A student becomes ACTIVE once a trial is confirmed or an invite is accepted."""

    __tablename__ = "classroom_membership"
    __table_args__ = (sa.UniqueConstraint("classroom_id", "student_id"),)

    id: int | None = Field(default=None, primary_key=True)
    classroom_id: int = Field(foreign_key="classroom.id", ondelete="CASCADE")
    student_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    status: MembershipStatus = enum_column(MembershipStatus, MembershipStatus.invited)
    created_at: datetime = utc_field(default_now=True)
    activated_at: datetime | None = utc_field(nullable=True)


def new_session_uuid() -> str:
    return str(uuid.uuid4())


class ClassroomSession(SQLModel, table=True):
    """The room of one lesson (1:1), addressed by `session_uuid` in URLs."""

    __tablename__ = "classroom_session"

    id: int | None = Field(default=None, primary_key=True)
    lesson_id: int = Field(foreign_key="lesson.id", unique=True)
    session_uuid: str = Field(
        default_factory=new_session_uuid, max_length=36, unique=True, index=True
    )
    shared_notes: str = Field(default="", sa_type=sa.Text)
    notes_version: int = 0
    created_at: datetime = utc_field(default_now=True)
