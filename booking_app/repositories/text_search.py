"""Case-insensitive "contains" for user-typed search text.

Why one helper: in LIKE, `%` and `_` are wildcards, so a search for "o%a" matched every
name with an "o" before an "a", and stripping them instead made "john_doe" miss
"john_doe@example.com". Here they (and the escape character) match themselves, on SQLite
and PostgreSQL alike.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

ESCAPE = "\\"


def contains_pattern(text: str) -> str:
    """`text`, lower-cased, with LIKE's wildcards escaped, between two `%` (NUL dropped:
    PostgreSQL refuses it in a parameter, and no stored text contains it)."""
    escaped = (
        text.replace("\x00", "")
        .lower()
        .replace(ESCAPE, ESCAPE * 2)
        .replace("%", ESCAPE + "%")
        .replace("_", ESCAPE + "_")
    )
    return f"%{escaped}%"


def contains(column: Any, text: str) -> Any:
    """`column` contains `text`, case-insensitively, wildcards taken literally."""
    return sa.func.lower(column).like(contains_pattern(text), escape=ESCAPE)
