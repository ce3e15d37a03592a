"""My Students, invite links: make one (optionally capped at a number of uses), see the
ones that still work (what, uses, valid until), revoke one or all.

Its own state so the students table and the links change independently. The list holds
no tokens (only the record id a "Revoke" click sends back); the link just made is shown
to the tutor who made it, as before. Every handler re-reads the tutor from the session
and the service re-checks that the invite is theirs.
"""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from booking_app import clock
from booking_app.components.forms import field_error
from booking_app.services import invites
from booking_app.services.errors import DomainError, ValidationFailed
from booking_app.state.auth import current_tutor, refused
from booking_app.state.forms import error_text, error_toast
from booking_app.state.off_loop import offload


@dataclass
class InviteItem:
    invite_id: str = ""
    what: str = ""
    expires_label: str = ""
    uses: int = 0
    max_uses: int = 0  # 0 = no limit
    used_up: bool = False


class InviteLinksState(rx.State):
    url: str = ""  # the link just made
    expires: str = ""
    max_uses: str = ""
    error: str = ""
    items: list[InviteItem] = []
    total: int = 0

    def _load(self, tutor_id: int) -> None:
        found = invites.live_invites(tutor_id, now=clock.now())
        self.items = [
            InviteItem(r.invite_id, r.what, r.expires_label, r.uses, r.max_uses, r.used_up)
            for r in found.rows
        ]
        self.total = found.total

    @rx.event
    async def on_load(self) -> None:
        self.url, self.expires, self.max_uses, self.error = "", "", "", ""
        self.items, self.total = [], 0
        user = await current_tutor(self)
        if user is not None:
            await offload(self._load, user.id)

    @rx.event
    def set_max_uses(self, value: str) -> None:
        self.max_uses, self.error = str(value or "")[:10], ""

    @rx.event
    async def create(self):  # type: ignore[no-untyped-def]
        user = await current_tutor(self)
        if user is None:
            return refused()
        try:
            link = await offload(
                invites.create_classroom_invite,
                tutor_id=user.id,
                now=clock.now(),
                max_uses=self.max_uses,
            )
        except ValidationFailed as exc:
            self.url, self.error = "", error_text(exc)
            return None
        except DomainError as exc:
            return error_toast(exc)
        self.url, self.expires, self.error = link.url, link.expires_label, ""
        await offload(self._load, user.id)
        return None

    @rx.event
    async def revoke(self, invite_id: str):  # type: ignore[no-untyped-def]
        user = await current_tutor(self)
        if user is None:
            return refused()
        try:
            await offload(invites.revoke_invite, user.id, str(invite_id or ""), now=clock.now())
        except DomainError as exc:
            return error_toast(exc)
        self.url = ""  # it may have been the link shown above
        await offload(self._load, user.id)
        return rx.toast.success("Invite link revoked.")

    @rx.event
    async def revoke_all(self):  # type: ignore[no-untyped-def]
        user = await current_tutor(self)
        if user is None:
            return refused()
        count = await offload(invites.revoke_all, user.id, now=clock.now())
        self.url = ""
        await offload(self._load, user.id)
        return rx.toast.success(f"Revoked {count} invite link{'' if count == 1 else 's'}.")


L = InviteLinksState


def invite_controls() -> rx.Component:
    """For the toolbar: the optional cap and the button that makes a classroom link."""
    return rx.fragment(
        rx.input(
            placeholder="Max uses (any)",
            value=L.max_uses,
            on_change=L.set_max_uses,
            type="number",
            min="1",
            id="classroom-invite-max-uses",
            aria_label="Max uses of the invite link (empty: any number)",
            width="150px",
        ),
        rx.button(
            rx.icon("link", size=14),
            "Invite a student",
            on_click=L.create,
            id="classroom-invite",
        ),  # fmt: skip
    )


def _row(i: InviteItem) -> rx.Component:
    return rx.table.row(
        rx.table.cell(i.what),
        rx.table.cell(
            rx.text(i.uses, " / ", rx.cond(i.max_uses > 0, i.max_uses.to_string(), "any")),
            rx.cond(i.used_up, rx.badge("used up", color_scheme="gray")),
        ),
        rx.table.cell(i.expires_label),
        rx.table.cell(
            rx.button(
                "Revoke",
                size="1",
                variant="soft",
                color_scheme="red",
                on_click=L.revoke(i.invite_id),
                class_name="invite-revoke",
            ),
        ),  # fmt: skip
        class_name="invite-row",
    )


def invite_links_panel() -> rx.Component:
    """The link just made (or why not), then the links that still work."""
    header = rx.table.row(
        *[rx.table.column_header_cell(t) for t in ("Link for", "Used", "Valid until", "")]
    )
    return rx.fragment(
        rx.cond(
            L.url != "",
            rx.card(
                rx.text("Send this link to a student (valid until ", L.expires, "):"),
                rx.input(value=L.url, read_only=True, id="classroom-invite-url"),
                width="100%",
            ),
        ),
        field_error(L.error, "classroom-invite-max-uses"),
        rx.cond(
            L.items.length() > 0,
            rx.card(
                rx.flex(
                    rx.heading("Invite links that still work (", L.total, ")", size="3"),
                    rx.button(
                        "Revoke all",
                        size="1",
                        color_scheme="red",
                        variant="soft",
                        on_click=L.revoke_all,
                        id="invites-revoke-all",
                    ),  # fmt: skip
                    justify="between",
                    align="center",
                    width="100%",
                ),
                rx.table.root(
                    rx.table.header(header),
                    rx.table.body(rx.foreach(L.items, _row)),
                    width="100%",
                    size="1",
                ),
                width="100%",
                id="invites-panel",
            ),
        ),
    )
