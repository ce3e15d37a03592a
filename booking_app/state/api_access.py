"""The "API access" card's state: the user's personal access tokens (list, make, revoke).

The secret of a new token never enters this state (every var travels to the browser and
sits in the state store): the handler that makes it hands it to the browser once, by
`rx.set_value` on the card's read-only field, and keeps only the list of tokens (names,
scope, the first characters, dates). Every handler re-derives the user from the session.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import reflex as rx

from booking_app import clock
from booking_app.services import api_tokens, timefmt
from booking_app.services.errors import DomainError, ValidationFailed
from booking_app.state.auth import current_user, refused
from booking_app.state.forms import FormErrors, error_toast
from booking_app.state.page import offload

FIELDS = ("name", "scope", "expires_in_days")
SHOWN_ONCE_ID = "api-access-new-value"
EXPIRY_CHOICES = {"30": 30, "90": 90, "365": 365, "never": None}
SIGN_IN = "Sign in again to manage API access."


@dataclass(frozen=True)
class AccessRow:
    """One token as its owner sees it (never the secret or its hash)."""

    id: int = 0
    name: str = ""
    scope: str = ""
    prefix: str = ""
    created_label: str = ""
    expires_label: str = ""
    last_used_label: str = ""
    expired: bool = False


def _rows(user_id: int, tz_name: str) -> list[AccessRow]:
    tz = timefmt.zone_or_utc(tz_name)
    rows = []
    for info in api_tokens.list_tokens(user_id, now=clock.now()):
        rows.append(
            AccessRow(
                id=info.id,
                name=info.name,
                scope=info.scope,
                prefix=info.prefix + "…",
                created_label=timefmt.instant_label(info.created_at, tz),
                expires_label=timefmt.instant_label(info.expires_at, tz)
                if info.expires_at
                else "never",
                last_used_label=timefmt.instant_label(info.last_used_at, tz)
                if info.last_used_at
                else "not used yet",
                expired=info.expired,
            )  # fmt: skip
        )
    return rows


class ApiAccessState(FormErrors, rx.State):
    access_rows: list[AccessRow] = []
    saving: bool = False
    revealed: bool = False  # a new secret is in the read-only field right now
    form_key: int = 0

    @rx.event
    async def on_load(self):  # type: ignore[no-untyped-def]
        self.revealed, self.saving = False, False
        self._clear_errors()
        user = await current_user(self)
        if user is None:
            self.access_rows = []
            return
        self.access_rows = await offload(_rows, user.id, user.timezone)

    @rx.event
    async def create(self, form_data: dict[str, Any]):  # type: ignore[no-untyped-def]
        user = await current_user(self)
        if user is None:
            yield refused(SIGN_IN)
            return
        data = form_data if isinstance(form_data, dict) else {}
        expiry = str(data.get("expires_in_days") or "90")
        self._clear_errors()
        if expiry not in EXPIRY_CHOICES:
            self.errors = {"expires_in_days": "Choose an expiry."}
            return
        self.saving = True
        yield
        try:
            made = await offload(
                api_tokens.create_token, user.id, name=str(data.get("name") or ""),
                scope=str(data.get("scope") or ""), expires_in_days=EXPIRY_CHOICES[expiry],
                now=clock.now(),
            )  # fmt: skip
        except ValidationFailed as exc:
            self.saving = False
            for event in self._show_refusal(exc, FIELDS, focus_prefix="api-access-"):
                yield event
            return
        except DomainError as exc:
            self.saving = False
            yield error_toast(exc)
            return
        self.saving, self.revealed = False, True
        self.form_key += 1
        self.access_rows = await offload(_rows, user.id, user.timezone)
        yield rx.set_value(SHOWN_ONCE_ID, made.secret)
        yield rx.toast.success("Token created. Copy it now: it is shown only once.")

    @rx.event
    def hide(self):  # type: ignore[no-untyped-def]
        self.revealed = False
        return rx.set_value(SHOWN_ONCE_ID, "")

    @rx.event
    async def revoke(self, token_id: int):  # type: ignore[no-untyped-def]
        user = await current_user(self)
        if user is None:
            yield refused(SIGN_IN)
            return
        try:
            await offload(api_tokens.revoke_token, user.id, int(token_id), now=clock.now())
        except DomainError as exc:
            yield error_toast(exc)
            return
        except (TypeError, ValueError):  # any caller may send anything
            yield refused("No such token.")
            return
        self.access_rows = await offload(_rows, user.id, user.timezone)
        yield rx.toast.success("Token revoked.")
