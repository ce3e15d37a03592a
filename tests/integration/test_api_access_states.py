"""The "API access" card's state with handlers called directly (no browser, SQLite and PG):
a token is made, its secret reaches the browser once through `set_value` (never a state
var), the list shows it without the secret, revoke works, and a signed-out tab can't."""

from __future__ import annotations

import dataclasses

from fastapi.testclient import TestClient

from booking_app.api.app import api
from booking_app.services import accounts
from booking_app.state.api_access import SHOWN_ONCE_ID, ApiAccessState
from tests.support.states import run, spec_name, state, toasts


def _tutor() -> accounts.SessionUser:
    return accounts.register(
        accounts.Registration(
            "Olena", "olena@example.com", "+380671234567", "secret-pass-1", "tutor", "Europe/Kyiv"
        )  # fmt: skip
    )


def _secret(events: list) -> str:  # type: ignore[type-arg]
    [spec] = [e for e in events if spec_name(e) == "_set_value"]
    args = {name._js_expr: value._var_value for name, value in spec.args}
    assert args["ref"] == "ref_" + SHOWN_ONCE_ID.replace("-", "_")
    return str(args["value"])


def test_make_list_and_revoke(db: str) -> None:
    user = _tutor()
    st = state(ApiAccessState, "/tutor/profile", user=user)
    run(st.on_load())
    assert st.access_rows == []
    events = run(st.create({"name": "export", "scope": "read", "expires_in_days": "30"}))
    assert toasts(events, "success") and st.revealed and not st.saving
    secret = _secret(events)
    assert secret.startswith("tbk_pat_")
    # The secret is in no state var, not even in the row the browser gets.
    flat = str([dataclasses.asdict(row) for row in st.access_rows]) + str(st.dict())
    assert secret not in flat and secret[12:] not in flat
    [row] = st.access_rows
    assert (row.name, row.scope, row.expires_label != "never") == ("export", "read", True)
    client = TestClient(api)
    assert (
        client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    )
    run(st.revoke(row.id))
    assert st.access_rows == []
    assert (
        client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    )


def test_field_errors_and_signed_out(db: str) -> None:
    user = _tutor()
    st = state(ApiAccessState, "/tutor/profile", user=user)
    run(st.create({"name": " ", "scope": "admin", "expires_in_days": "90"}))
    assert {"name", "scope"} <= set(st.errors) and not st.revealed and st.access_rows == []
    run(st.create({"name": "x", "scope": "read", "expires_in_days": "9999"}))
    assert "expires_in_days" in st.errors
    anonymous = state(ApiAccessState, "/tutor/profile")
    events = run(anonymous.create({"name": "x", "scope": "write", "expires_in_days": "never"}))
    assert toasts(events, "error") and anonymous.access_rows == []
