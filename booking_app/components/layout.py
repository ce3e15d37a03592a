"""Page shells: the signed-in app shell (navigation for the role) and the public shell."""

from __future__ import annotations

from typing import Any

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
    parts = [rx.icon(icon, size=16, aria_hidden="true"), rx.text(label)]
    if href == routes.TUTOR_REQUESTS:
        parts.append(
            rx.cond(
                RequestsBadgeState.pending > 0,
                rx.badge(
                    RequestsBadgeState.pending.to_string(),
                    color_scheme="red",
                    variant="solid",
                    high_contrast=True,  # white on red-9 is 3.9:1; on red-12 it passes AA
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
            class_name="rt-Text rt-reset rt-Link rt-r-size-3 nav-link",
            reload_document=True,
        )
    return rx.link(
        content, href=href, underline="none", size="3", id=link_id, class_name="nav-link"
    )


def _nav_links(role: str, *, vertical: bool = False) -> rx.Component:
    items = [_nav_link(label, href, icon) for label, href, icon in routes.NAV_BY_ROLE[role]]
    return rx.flex(
        *items,
        direction="column" if vertical else "row",
        spacing="3" if vertical else "4",
        align="start",
        wrap="nowrap",
    )


def _role_nav(*, vertical: bool = False) -> rx.Component:
    return rx.match(
        AuthState.role,
        *[(role, _nav_links(role, vertical=vertical)) for role in routes.NAV_BY_ROLE],
        rx.fragment(),
    )


def _who() -> rx.Component:
    """The signed-in person's name and role."""
    return rx.vstack(
        rx.text(AuthState.name, weight="medium", size="2", id="user-name"),
        rx.badge(AuthState.role, size="1", id="user-role", variant="soft", high_contrast=True),
        spacing="0",
        align="end",
    )


def _user_menu() -> rx.Component:
    return rx.hstack(
        # The name needs room the tutor's eight links take at 1280 px: from 1640 px only
        # (below that it is in the navigation menu).
        rx.box(_who(), display=["none", "none", "none", "none", "none", "block"]),
        rx.button(
            rx.icon("log-out", size=16, aria_hidden="true"),
            rx.text("Sign out", display=["none", "none", "inline"]),
            on_click=AuthState.sign_out,
            variant="soft",
            color_scheme="gray",
            high_contrast=True,
            id="sign-out",
            aria_label="Sign out",
            class_name="touch-target",
        ),
        align="center",
        spacing="3",
        flex_shrink="0",
    )


def _menu() -> rx.Component:
    """The navigation as a menu button: phones and tablets, and laptops below 1280 px."""
    return rx.popover.root(
        rx.popover.trigger(
            rx.icon_button(
                rx.icon("menu", aria_hidden="true"),
                variant="ghost",
                size="3",
                aria_label="Navigation menu",
                id="nav-menu-button",
                class_name="touch-target",
            )
        ),
        rx.popover.content(
            rx.vstack(
                _who(),
                rx.separator(size="4"),
                rx.el.nav(_role_nav(vertical=True), aria_label="Main"),
                spacing="3",
                align="start",
            ),
            id="nav-menu",
            align="start",
            aria_label="Navigation",
        ),
    )


# Below `lg` (1280 px) the links are in the menu; the tutor has eight of them.
_INLINE = ["none", "none", "none", "none", "block"]
_COMPACT = ["block", "block", "block", "block", "none"]


def navbar() -> rx.Component:
    return rx.el.header(
        rx.hstack(
            rx.hstack(
                rx.box(_menu(), display=_COMPACT),
                _brand(),
                rx.box(
                    rx.el.nav(_role_nav(), aria_label="Main", class_name="app-nav"),
                    display=_INLINE,
                    padding_left="var(--space-5)",
                ),
                align="center",
                spacing="4",
                min_width="0",
            ),
            _user_menu(),
            justify="between",
            align="center",
            width="100%",
            max_width="1200px",
            margin="0 auto",
        ),
        class_name="app-header",
        style={
            "padding": "var(--space-2) var(--space-4)",
            "border_bottom": "1px solid var(--gray-a5)",
            "background": "var(--color-panel-solid)",
            "position": "sticky",
            "top": "0",
            "z_index": "10",
        },
    )


def _main(*children: rx.Component) -> rx.Component:
    return rx.el.main(
        *children,
        id="main",
        style={"max_width": "1200px", "margin": "0 auto", "padding": "var(--space-4)"},
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
            _main(*children),
            min_height="100vh",
        ),
        rx.el.main(  # a landmark even while the guard is still deciding
            rx.center(rx.spinner(size="3"), height="100vh"), aria_busy="true"
        ),
    )


def public_shell(*children: rx.Component) -> rx.Component:
    """Landing, sign-in and registration pages."""
    return rx.box(
        rx.el.header(
            rx.hstack(
                _brand(),
                rx.cond(
                    AuthState.signed_in,
                    _header_button("Go to your home", routes.HOME, "header-home", variant="soft"),
                    rx.hstack(
                        _header_button("Sign in", routes.LOGIN, "header-sign-in", variant="soft"),
                        _header_button("Create account", routes.REGISTER, "header-register"),
                        spacing=rx.breakpoints(initial="2", sm="3"),
                    ),
                ),
                justify="between",
                align="center",
                # A 390 px phone fits brand + both buttons only with the narrower gaps; a
                # narrower one wraps the buttons under the brand instead of scrolling sideways.
                wrap="wrap",
                spacing="2",
                padding_x=rx.breakpoints(initial="var(--space-3)", sm="var(--space-4)"),
                padding_y="var(--space-3)",
                max_width="1200px",
                margin="0 auto",
            ),
            class_name="app-header",
        ),
        _main(*children),
        min_height="100vh",
    )


def _header_button(label: str, href: str, id_: str, **props: Any) -> rx.Component:
    """A link drawn as a button (Radix asChild): one element, no button nested in a link
    (axe `nested-interactive`)."""
    return rx.button(
        rx.el.a(label, href=href, id=id_), as_child=True, class_name="touch-target", **props
    )
