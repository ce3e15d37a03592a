"""Invite links: `/invite/lesson/<token>` (-> the room) and `/invite/classroom/<token>`.

Signed-out visitors are sent to sign in first (and come back here). Errors get their own
page by contract code: invite_expired, invite_invalid, invite_revoked (revoked, used up,
or no longer valid for this account: the service's text says which), not_a_member,
lesson_not_found, forbidden. A classroom invite that would be refused for this account
says so on opening, before the "Join" click.
"""

from __future__ import annotations

import reflex as rx

from booking_app import clock, routes
from booking_app.components.layout import app_shell
from booking_app.services import invites
from booking_app.services.errors import DomainError
from booking_app.state.auth import AuthState
from booking_app.state.forms import error_text
from booking_app.state.off_loop import offload
from booking_app.state.page import signed_in_page

TITLES = {
    "invite_expired": "Invite expired",
    "invite_invalid": "Invalid invite",
    "invite_revoked": "Invite revoked",
    "not_a_member": "Not a member",
    "lesson_not_found": "Lesson not found",
    "forbidden": "Not for this account",
}
HELP = {
    "invite_expired": "This link is no longer valid. Ask your tutor for a new one.",
    "invite_invalid": "This link is broken or was changed. Ask your tutor to send it again.",
}


class InviteState(rx.State):
    loaded: bool = False
    error_code: str = ""
    error_title: str = ""
    error_detail: str = ""
    joined_tutor: str = ""
    inviting_tutor: str = ""
    joining: bool = False

    def _fail(self, exc: DomainError) -> None:
        self.error_code = exc.code
        self.error_title = TITLES.get(exc.code, "Invite not accepted")
        self.error_detail = HELP.get(exc.code) or error_text(exc)

    @rx.event
    async def accept(self):  # type: ignore[no-untyped-def]
        self.loaded, self.error_code, self.joined_tutor = False, "", ""
        self.inviting_tutor, self.joining = "", False
        auth = await self.get_state(AuthState)
        user = auth.require_user()
        if user is None:
            return None  # require_login is redirecting to sign-in
        path = self.router.url.path
        now = clock.now()
        try:
            if routes.is_on(path, routes.INVITE_LESSON):
                token = routes.route_arg(path, routes.INVITE_LESSON)
                session_uuid = await offload(
                    invites.accept_lesson_invite, token, user_id=user.id, now=now
                )
                return rx.redirect(routes.classroom_url(session_uuid))
            token = routes.route_arg(path, routes.INVITE_CLASSROOM)
            self.inviting_tutor = await offload(
                invites.preview_classroom_invite, token, now=now, user_id=user.id
            )
        except DomainError as exc:
            self._fail(exc)
        self.loaded = True
        return None

    @rx.event
    async def join_classroom(self):  # type: ignore[no-untyped-def]
        """The explicit "Join" click: only then does the membership change."""
        auth = await self.get_state(AuthState)
        user = auth.require_user()
        if user is None:
            yield rx.toast.error("Sign in first.")
            return
        self.joining = True
        yield
        token = routes.route_arg(self.router.url.path, routes.INVITE_CLASSROOM)
        try:
            self.joined_tutor = await offload(
                invites.accept_classroom_invite, token, user_id=user.id, now=clock.now()
            )
        except DomainError as exc:
            self._fail(exc)
        self.joining = False


@signed_in_page(routes.INVITE_CLASSROOM, "Invite", on_load=[InviteState.accept])
@signed_in_page(routes.INVITE_LESSON, "Invite", on_load=[InviteState.accept])
def invite_page() -> rx.Component:
    body = rx.cond(
        InviteState.error_code != "",
        rx.vstack(
            rx.icon("link-2-off", size=32, color="var(--red-9)"),
            rx.heading(InviteState.error_title, size="5", id="invite-error"),
            rx.text(InviteState.error_detail, color_scheme="gray", id="invite-error-detail"),
            rx.text("Code: ", rx.code(InviteState.error_code, id="invite-error-code"), size="1"),
            rx.link(rx.button("Go home", variant="soft"), href=routes.HOME),
            align="center",
            spacing="3",
        ),
        rx.cond(
            InviteState.joined_tutor == "",
            rx.vstack(
                rx.icon("users", size=32, color="var(--accent-9)"),
                rx.heading(
                    InviteState.inviting_tutor,
                    " invites you to their classroom",
                    size="5",
                    id="invite-question",
                ),
                rx.text(
                    "As a member, your tutor can schedule lessons with you.", color_scheme="gray"
                ),
                rx.button(
                    "Join the classroom",
                    on_click=InviteState.join_classroom,
                    loading=InviteState.joining,
                    id="invite-accept",
                ),
                align="center",
                spacing="3",
            ),
            rx.vstack(
                rx.icon("party-popper", size=32, color="var(--green-9)"),
                rx.heading(
                    "You joined ",
                    InviteState.joined_tutor,
                    "'s classroom",
                    size="5",
                    id="invite-joined",
                ),
                rx.text("Your tutor can now schedule lessons with you.", color_scheme="gray"),
                rx.link(rx.button("Go to your home"), href=routes.HOME),
                align="center",
                spacing="3",
            ),
        ),
    )
    return app_shell(
        rx.center(
            rx.cond(
                InviteState.loaded,
                rx.card(body, padding="var(--space-6)", max_width="520px", width="100%"),
                rx.spinner(size="3"),
            ),
            padding_y="var(--space-8)",
        )
    )
