"""No secrets in Reflex State (issue 12, item 11).

Every var of every State, and every field of the dataclasses those vars hold, travels to
the browser. Private-link tokens, password hashes, session tickets and the like must
never be among them, except where the browser already holds that secret because it is
the owner's (listed below with the reason). A new var called `*token*`, `*hash*`,
`*secret*`, ... fails here until someone decides it is safe and says why.
"""

from __future__ import annotations

import dataclasses
import re
import typing
from collections.abc import Iterator
from dataclasses import dataclass

import reflex as rx

import booking_app.booking_app  # noqa: F401  (registers every page's State)

SECRET_NAME = re.compile(r"token|hash|secret|passw|ticket|jti|cookie|api_?key", re.IGNORECASE)

OWNERS_OWN = {
    # The private booking page: the token is in the URL the visitor opened.
    ("BookingPageState", "booking_token"): "the visitor's own link",
    # BookingRow: the private page's booking and a signed-in student's own bookings.
    ("BookingRow", "token"): "links to the viewer's own bookings",
    # The Webhooks page: the endpoint secret its owner just made or rotated, shown once
    # to copy into their receiver; cleared on "Done", the next action and every reload.
    ("WebhooksState", "new_secret"): "the owner's own secret, shown once",
}


def _states() -> Iterator[type[rx.State]]:
    pending = [rx.State]
    while pending:
        state = pending.pop()
        pending.extend(state.get_substates())
        if state.__module__.startswith("booking_app"):
            yield state


def _fields(owner: str, annotation: object, seen: set[object]) -> Iterator[tuple[str, str]]:
    """(owner, name) of every dataclass field reachable from `annotation`."""
    for arg in typing.get_args(annotation):
        yield from _fields(owner, arg, seen)
    if dataclasses.is_dataclass(annotation) and annotation not in seen:
        seen.add(annotation)
        for field in dataclasses.fields(annotation):
            yield annotation.__name__, field.name  # type: ignore[union-attr]
            yield from _fields(annotation.__name__, field.type, seen)  # type: ignore[union-attr]


def _names(state: type[rx.State]) -> Iterator[tuple[str, str]]:
    seen: set[object] = set()
    for name, var in {**state.base_vars, **state.computed_vars}.items():
        yield state.__name__, name
        hints = typing.get_type_hints(state) if name in state.base_vars else {}
        yield from _fields(state.__name__, hints.get(name, var._var_type), seen)


def secret_looking(names: Iterator[tuple[str, str]]) -> list[str]:
    return sorted(
        f"{owner}.{name}"
        for owner, name in set(names)
        if SECRET_NAME.search(name)
        and not name.endswith("_error")  # a message next to a field, e.g. password_error
        and (owner, name) not in OWNERS_OWN
    )


def test_no_state_var_or_row_field_looks_like_a_secret() -> None:
    states = list(_states())
    assert len(states) > 15  # the walk reached the pages' states
    found = secret_looking(name for state in states for name in _names(state))
    assert found == []


def test_the_walk_finds_a_token_inside_a_row() -> None:
    """Negative control: the shape of the old TutorRequestsState (RequestRow.token)."""

    @dataclass
    class LeakyRow:
        booking_id: int = 0
        token: str = ""

    assert secret_looking(iter(_fields("S", list[LeakyRow], set()))) == ["LeakyRow.token"]
