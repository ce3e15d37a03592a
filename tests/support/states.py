"""The one harness for Reflex page states: a browser tab without a browser.

Under pytest, states may be built directly (REFLEX_NOTES section 7): a fresh `rx.State()`
is one tab's state tree, its router data says which page it is on and which cookie the
websocket handshake carried. Handlers are then plain bound methods; `run()` drives one to
its end (plain, generator, coroutine or async generator) and returns the events it sent
to the browser, which `toasts()` and `redirects()` read.

    tab = Tab("/tutor/services", user=tutor)      # tutor: SessionUser or (id, role)
    page = tab.state(TutorServicesState)
    events = run(page.save({...}))
    assert toasts(events, "success")

`open_page(path, user=...)` opens a registered page the way the browser does: it runs the
page's whole on_load list (guard, the page's own, standard ones; see state/page.py) in a
new tab and returns the tab and every event sent.

A tab with a user holds a real server-side session, so those tests need a database
(tests/integration). A signed-out tab needs none.
"""

from __future__ import annotations

import asyncio
import inspect
import re
from typing import Any, Protocol, TypeVar

import reflex as rx
from reflex.istate.data import RouterData

from booking_app.services import sessions
from booking_app.state.page import PAGES, PageSpec
from tests.support import clock

S = TypeVar("S", bound=rx.State)


class _User(Protocol):
    id: int
    role: str


User = _User | tuple[int, str]


def session_cookie(user: User) -> str:
    """The Cookie header of a browser signed in as `user` (a new server-side session)."""
    user_id, role = user if isinstance(user, tuple) else (user.id, user.role)
    token = sessions.open_session(user_id=user_id, role=role, now=clock.now())
    return f"session={token}"


class Tab:
    """One browser tab: its own root state, on `path`, signed in as `user` (or not)."""

    def __init__(
        self, path: str = "/", *, user: User | None = None, cookie: str = "", ip: str = "10.1.1.1"
    ) -> None:
        self.root = rx.State()
        if user is not None:
            cookie = session_cookie(user)
        self.root.router = RouterData.from_router_data(
            {
                "headers": {"cookie": cookie},
                "pathname": path.split("?", 1)[0],
                "asPath": path,
                "ip": ip,
            }
        )

    def state(self, cls: type[S]) -> S:
        """The tab's instance of `cls` (the same one its handlers reach with get_state)."""
        return self.root.get_substate(cls.get_full_name().split("."))  # type: ignore[return-value]


def state(cls: type[S], path: str = "/", *, user: User | None = None, cookie: str = "") -> S:
    """`cls` in a fresh tab: the common case of one state per test step."""
    return Tab(path, user=user, cookie=cookie).state(cls)


def run(handler: Any) -> list[Any]:
    """Drive a handler's result to its end; the events it sent (None dropped, lists flat)."""

    async def drive() -> list[Any]:
        if inspect.isasyncgen(handler):
            return [event async for event in handler]
        if inspect.isgenerator(handler):
            return list(handler)
        result = await handler if inspect.isawaitable(handler) else handler
        if result is None:
            return []
        return list(result) if isinstance(result, list | tuple) else [result]

    events = asyncio.run(drive())
    flat: list[Any] = []
    for event in events:
        flat.extend(event if isinstance(event, list | tuple) else [event])
    return [e for e in flat if e is not None]


def spec_name(spec: Any) -> str:
    """The handler an EventSpec calls, e.g. "_redirect", "_call_script"."""
    return str(spec.handler.fn.__qualname__)


def toasts(events: list[Any], kind: str) -> list[str]:
    """The toasts of `kind` ("success", "error", ...) among `events`, as text."""
    return [str(e) for e in events if f'["{kind}"]' in str(e) and "__toast" in str(e)]


def redirects(events: list[Any]) -> list[str]:
    """The client-side redirects among `events`, as text (contains the target path)."""
    return [str(e) for e in events if spec_name(e) == "_redirect"]


def page_spec(path: str) -> PageSpec:
    """The registered page whose route matches the browser `path` ("/t/olena" -> TUTOR_PUBLIC)."""
    import booking_app.booking_app  # noqa: F401  (registers every page)

    bare = path.split("?", 1)[0].rstrip("/") or "/"
    for route, spec in PAGES.items():
        if re.fullmatch(re.sub(r"\\\[\w+\\\]", "[^/]+", re.escape(route)), bare):
            return spec
    raise LookupError(f"no page is registered for {path!r}")


def open_page(path: str, *, user: User | None = None, cookie: str = "") -> tuple[Tab, list[Any]]:
    """Open `path` in a new tab: run its page's on_load list in order; (tab, events)."""
    tab = Tab(path, user=user, cookie=cookie)
    events: list[Any] = []
    for handler in page_spec(path).events:
        events += run(getattr(tab.state(handler.state), handler.fn.__name__)())
    return tab, events
