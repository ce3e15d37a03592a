"""Column helpers shared by every table.

- `UTCDateTime`: SQLite hands back naive datetimes even for `DateTime(timezone=True)`;
  this type refuses naive input on write and re-attaches UTC on read, so every layer
  sees aware UTC datetimes on both SQLite and PostgreSQL.
- `enum_column`: enums are stored as short strings with a CHECK constraint (not native
  PostgreSQL enums) so adding a value later is a plain migration on both databases.
- A naming convention so constraints have stable names that migrations can drop.
"""

from __future__ import annotations

from datetime import datetime, timezone
from enum import Enum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from booking_app import clock

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes on every backend (see module docstring)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; pass an aware datetime")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def utc_field(*, nullable: bool = False, default_now: bool = False, index: bool = False) -> Any:
    """A UTCDateTime column, optionally defaulting to now."""
    extra: dict[str, Any] = {"default_factory": lambda: clock.now()} if default_now else {}
    if nullable and not default_now:
        extra["default"] = None
    return Field(sa_type=UTCDateTime(), nullable=nullable, index=index, **extra)


def enum_column(enum_cls: type[Enum], default: Enum | None = None, **kw: Any) -> Any:
    """A string column constrained to the enum's values (see module docstring)."""
    sa_type = sa.Enum(
        enum_cls,
        name=enum_cls.__name__.lower(),
        native_enum=False,
        create_constraint=True,
        length=max(len(m.value) for m in enum_cls),  # type: ignore[arg-type]
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )
    if default is None:
        return Field(sa_type=sa_type, **kw)
    return Field(default=default, sa_type=sa_type, **kw)


def calendar_sequence_field() -> Any:
    """The iCalendar SEQUENCE counter of a row (issue 17): 0 on insert, +1 on every ORM
    update (models/calendar_sequence.py). Calendar apps keep the copy of an event with
    the highest SEQUENCE, so it must only grow; the old `updated_at % 2e9` wrapped in 2033."""
    return Field(default=0, sa_column_kwargs={"server_default": sa.text("0")})
