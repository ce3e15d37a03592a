"""Page decorators: a page says who may open it; the decorator adds the route, the guard and
the standard on_loads, so no page copies that list again.

    @tutor_page(routes.TUTOR_LESSONS, "Lessons", on_load=[TutorLessonsState.on_load])
    def tutor_lessons_page() -> rx.Component: ...

| decorator | who | on_load around the page's own |
| --- | --- | --- |
| `public_page` | anyone | `AuthState.load_optional` first (know the user, never redirect) |
| `guest_page` | signed-out visitors (sign-in, registration) | `redirect_if_signed_in` first |
| `signed_in_page` | any signed-in user | `require_login` first, the requests badge last |
| `tutor_page`, `student_page`, `tutor_or_student_page`, `tutor_or_admin_page` | that role | `require_<role>` first (guests go to sign-in, other roles home with a message), the requests badge last |

The guard only redirects: every handler that reads or changes data asks again with
`state.auth.current_user(self, role)`, and a page's own on_load does nothing when it
answers None. `nav=("Label", "icon")` adds the page to the navigation of its roles.

`booking_app.py` imports the page modules (which registers them) and calls `add_pages`.

Database work never runs on the event loop: one worker's loop serves every tab's
websocket, the HTTP API and the static files, and a sync handler runs inline on it, so a
2 s query stalled all of them (issue 15). A handler that calls a service makes itself
``async`` and awaits ``offload(service_fn, *args, **kwargs)``, which runs the call in a
worker thread (``asyncio.to_thread``: the context, hence a test's unit of work, travels
with it). The tab's own state stays locked until the handler returns (its events stay in
order); other tabs, the API and the files go on. See docs/extending.md.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import reflex as rx

from booking_app import routes
from booking_app.state.auth import AuthState
from booking_app.state.off_loop import offload as offload  # re-exported for pages
from booking_app.state.requests_badge import RequestsBadgeState

BRAND = "TutorBook"
ROLES = ("tutor", "student", "admin")

PageFn = TypeVar("PageFn", bound=Callable[[], rx.Component])


@dataclass(frozen=True)
class Access:
    """Who may open a page: its guard (first on_load), what loads after the page's own
    on_loads, and the roles whose navigation may list it."""

    guard: Any
    after: tuple[Any, ...] = ()
    roles: tuple[str, ...] = ()


PUBLIC = Access(AuthState.load_optional)
GUEST = Access(AuthState.redirect_if_signed_in)
SIGNED_IN = Access(AuthState.require_login, (RequestsBadgeState.load,), ROLES)
TUTOR = Access(AuthState.require_tutor, (RequestsBadgeState.load,), ("tutor",))
STUDENT = Access(AuthState.require_student, (RequestsBadgeState.load,), ("student",))
TUTOR_OR_STUDENT = Access(
    AuthState.require_tutor_or_student, (RequestsBadgeState.load,), ("tutor", "student")
)
TUTOR_OR_ADMIN = Access(
    AuthState.require_tutor_or_admin, (RequestsBadgeState.load,), ("tutor", "admin")
)


@dataclass(frozen=True)
class PageSpec:
    """A registered page: what `add_pages` hands to `app.add_page`."""

    route: str
    title: str
    component: Callable[[], rx.Component]
    access: Access
    on_load: tuple[Any, ...] = field(default=())

    @property
    def events(self) -> list[Any]:
        """The page's whole on_load list, in order: guard, the page's own, standard."""
        return [self.access.guard, *self.on_load, *self.access.after]


PAGES: dict[str, PageSpec] = {}


def page(
    route: str,
    title: str,
    *,
    access: Access,
    on_load: Sequence[Any] = (),
    nav: tuple[str, str] | None = None,
) -> Callable[[PageFn], PageFn]:
    """Register the decorated page function at `route` (see the module docstring)."""

    def register(component: PageFn) -> PageFn:
        full_title = f"{title} · {BRAND}" if title else BRAND
        PAGES[route] = PageSpec(route, full_title, component, access, tuple(on_load))
        if nav is not None:
            label, icon = nav
            for role in access.roles:
                routes.add_nav(role, label, route, icon)
        return component

    return register


def public_page(
    route: str, title: str, *, on_load: Sequence[Any] = ()
) -> Callable[[PageFn], PageFn]:
    return page(route, title, access=PUBLIC, on_load=on_load)


def guest_page(
    route: str, title: str, *, on_load: Sequence[Any] = ()
) -> Callable[[PageFn], PageFn]:
    return page(route, title, access=GUEST, on_load=on_load)


def signed_in_page(
    route: str, title: str, *, on_load: Sequence[Any] = (), nav: tuple[str, str] | None = None
) -> Callable[[PageFn], PageFn]:
    return page(route, title, access=SIGNED_IN, on_load=on_load, nav=nav)


def tutor_page(
    route: str, title: str, *, on_load: Sequence[Any] = (), nav: tuple[str, str] | None = None
) -> Callable[[PageFn], PageFn]:
    return page(route, title, access=TUTOR, on_load=on_load, nav=nav)


def student_page(
    route: str, title: str, *, on_load: Sequence[Any] = (), nav: tuple[str, str] | None = None
) -> Callable[[PageFn], PageFn]:
    return page(route, title, access=STUDENT, on_load=on_load, nav=nav)


def tutor_or_student_page(
    route: str, title: str, *, on_load: Sequence[Any] = (), nav: tuple[str, str] | None = None
) -> Callable[[PageFn], PageFn]:
    return page(route, title, access=TUTOR_OR_STUDENT, on_load=on_load, nav=nav)


def tutor_or_admin_page(
    route: str, title: str, *, on_load: Sequence[Any] = (), nav: tuple[str, str] | None = None
) -> Callable[[PageFn], PageFn]:
    return page(route, title, access=TUTOR_OR_ADMIN, on_load=on_load, nav=nav)


def add_pages(app: rx.App) -> None:
    """Add every registered page to `app` (after the page modules were imported)."""
    for spec in PAGES.values():
        app.add_page(spec.component, route=spec.route, title=spec.title, on_load=spec.events)
