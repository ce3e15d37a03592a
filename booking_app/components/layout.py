"""Page shells: the signed-in app shell (navigation for the role) and the public shell."""

from __future__ import annotations

import reflex as rx

from booking_app import routes
from booking_app.realtime.channel import channel_link, live_refresh, session_watch
from booking_app.state.auth import AuthState
from booking_app.state.page import BRAND
from booking_app.state.requests_badge import RequestsBadgeState


def _brand() -> rx.Component:
    return rx.link(
        rx.hstack(rx.icon("graduation-cap", size=24), rx.heading(BRAND, size="5"), align="center"),
        href=routes.LANDING,
        underline="none",
        color_scheme="gray",
        high_contrast=True,
    )


def _nav_link(label: str, href: str, icon: str) -> rx.Component:
    parts = [rx.icon(icon, size=16), rx.text(label)]
    if href == routes.TUTOR_REQUESTS:
        parts.append(
            rx.cond(
                RequestsBadgeState.pending > 0,
                rx.badge(
                    RequestsBadgeState.pending.to_string(),
                    color_scheme="red",
                    variant="solid",
                    radius="full",
                    class_name="requests-badge",
                ),
            )
        )
    content = rx.hstack(*parts, align="center", spacing="2")
    link_id = "nav-" + (href.strip("/").replace("/", "-") or "root")
    if href in routes.SERVER_PAGES:  # a real page load, not an SPA route change (its 404)
        return rx.el.a(  # rx.el.a is React Router's Link: reload_document makes it a plain <a>
            content,
            href=href,
            id=link_id,
            class_name="rt-Text rt-reset rt-Link rt-r-size-3",
            reload_document=True,
        )
    return rx.link(content, href=href, underline="none", size="3", id=link_id)


def _nav_links(role: str, *, vertical: bool = False) -> rx.Component:
    items = [_nav_link(label, href, icon) for label, href, icon in routes.NAV_BY_ROLE[role]]
    return rx.flex(*items, direction="column" if vertical else "row", spacing="4", align="start")


def _role_nav(*, vertical: bool = False) -> rx.Component:
    return rx.match(
        AuthState.role,
        *[(role, _nav_links(role, vertical=vertical)) for role in routes.NAV_BY_ROLE],
        rx.fragment(),
    )


def _user_menu() -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.text(AuthState.name, weight="medium", size="2", id="user-name"),
            rx.badge(AuthState.role, size="1", id="user-role", variant="soft"),
            spacing="0",
            align="end",
        ),
        rx.button(
            rx.icon("log-out", size=16),
            rx.text("Sign out", display=["none", "none", "inline"]),
            on_click=AuthState.sign_out,
            variant="soft",
            color_scheme="gray",
            id="sign-out",
            aria_label="Sign out",
        ),
        align="center",
        spacing="3",
    )


def _mobile_menu() -> rx.Component:
    return rx.popover.root(
        rx.popover.trigger(
            rx.icon_button(rx.icon("menu"), variant="ghost", aria_label="Open navigation")
        ),
        rx.popover.content(_role_nav(vertical=True)),
    )


def navbar() -> rx.Component:
    return rx.box(
        rx.hstack(
            rx.hstack(
                rx.box(_mobile_menu(), display=["block", "block", "none"]),
                _brand(),
                rx.box(
                    _role_nav(), display=["none", "none", "block"], padding_left="var(--space-6)"
                ),
                align="center",
                spacing="4",
            ),
            _user_menu(),
            justify="between",
            align="center",
            width="100%",
            max_width="1200px",
            margin="0 auto",
        ),
        as_="nav",
        padding_x="var(--space-4)",
        padding_y="var(--space-3)",
        border_bottom="1px solid var(--gray-a5)",
        background="var(--color-panel-solid)",
        position="sticky",
        top="0",
        z_index="10",
    )


def app_shell(*children: rx.Component) -> rx.Component:
    """Signed-in pages: render nothing until the guard has identified the user."""
    return rx.cond(
        AuthState.signed_in,
        rx.box(
            channel_link(),
            live_refresh(RequestsBadgeState.load),
            session_watch(AuthState.check_session),  # an ended session leaves for sign-in
            navbar(),
            rx.box(
                *children, as_="main", max_width="1200px", margin="0 auto", padding="var(--space-4)"
            ),
            min_height="100vh",
        ),
        rx.center(rx.spinner(size="3"), height="100vh"),
    )


def public_shell(*children: rx.Component) -> rx.Component:
    """Landing, sign-in and registration pages."""
    return rx.box(
        rx.hstack(
            _brand(),
            rx.cond(
                AuthState.signed_in,
                rx.link(rx.button("Go to your home", variant="soft"), href=routes.HOME),
                rx.hstack(
                    rx.link(rx.button("Sign in", variant="ghost"), href=routes.LOGIN),
                    rx.link(rx.button("Create account"), href=routes.REGISTER),
                    spacing="3",
                ),
            ),
            justify="between",
            align="center",
            padding_x="var(--space-4)",
            padding_y="var(--space-3)",
            max_width="1200px",
            margin="0 auto",
        ),
        rx.box(
            *children, as_="main", max_width="1200px", margin="0 auto", padding="var(--space-4)"
        ),
        min_height="100vh",
    )
