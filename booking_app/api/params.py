"""Bounded types for values the HTTP API reads from paths, queries and bodies.

Why here and not in each route: an unbounded `int` from a URL reaches the database or
the standard library as is, and 10**20 is an error there (SQLite: "Python int too large
to convert to SQLite INTEGER"; ids are 64-bit on PostgreSQL too; `timedelta(hours=10**14)`
overflows): a 500 instead of a 4xx. With these types FastAPI refuses such
values before any service runs (422 `invalid_request`, see errors.py), and the bounds
are written into the OpenAPI document, so clients and the fuzzer know them. New routes
use the same types and get the same guard.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import Field

from booking_app.services.invites.tokens import MAX_TTL
from booking_app.services.timefmt import MAX_ZONE_NAME

# Every id column is a signed 64-bit integer (PostgreSQL bigint/serial, SQLite INTEGER).
MAX_ID = 2**63 - 1
MAX_INVITE_TTL_HOURS = int(MAX_TTL.total_seconds() // 3600)

Id = Annotated[int, Field(ge=1, le=MAX_ID, description="A database id (1 to 2^63-1).")]
InviteTtlHours = Annotated[
    int,
    Field(
        ge=1,
        le=MAX_INVITE_TTL_HOURS,
        description=f"How long the invite works, in hours (1 to {MAX_INVITE_TTL_HOURS}).",
    ),
]
TimeZoneName = Annotated[
    str,
    Field(
        min_length=1,
        max_length=MAX_ZONE_NAME,
        description="An IANA time zone, e.g. Europe/Kyiv.",
    ),
]
# A calendar day a range starts or ends on: far enough from date.min/max that "the
# Monday before" or "the day after, at midnight in Kiritimati" never overflows (a 500).
FIRST_DAY, LAST_DAY = date(1970, 1, 1), date(2999, 12, 31)
Day = Annotated[
    date,
    Field(ge=FIRST_DAY, le=LAST_DAY, description="YYYY-MM-DD (1970-01-01 to 2999-12-31)."),
]
