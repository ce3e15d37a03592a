"""The Reflex side of live updates: a per-user shared channel and the component pages use.

``UserChannel`` is an ``rx.SharedState``: each signed-in tab links its copy to the token
``user-<id>``, where the id comes from the server-side session (AuthState re-reads the
httpOnly cookie), never from anything the browser sends. A push bumps ``version`` on the
shared token; Reflex fans the delta out to every linked tab (relayed through Redis to
tabs whose websocket lives in another worker).

Pages react with ``live_refresh(handler, ...)``: a hidden element keyed by the version,
so every new version remounts it and its ``on_mount`` runs the page's own reload
handler in that tab's context (with that tab's timezone, filters and visible week).
The channel carries no data: each page asks its services again, so nothing private
ever travels on the shared token.

``sessions_ended`` is the second counter: bumped when some of the user's sessions were
ended server-side (sign-out, "sign out everywhere", password change, deactivation).
``session_watch()`` in the signed-in shell then makes every tab re-check its own session
cookie against the database; the tabs whose session ended go to the sign-in page.
"""

from __future__ import annotations

import asyncio
import hashlib
from typing import Any

import reflex as rx
from reflex.vars import VarData
from reflex_base.event import EventChain, no_args_event_spec
from reflex_base.vars.base import Var

from booking_app import clock, realtime
from booking_app.state.auth import AuthState

SHARED_PREFIX = "user-"  # shared tokens may not contain "_"


def channel_token(user_id: int) -> str:
    return f"{SHARED_PREFIX}{int(user_id)}"


class UserChannel(rx.SharedState):
    """Per-user channel; ``version`` changes whenever something concerning the user did."""

    version: int = 0
    changed_at_ms: int = 0  # server clock of the last push (the benchmark reads it)
    linked_user: int = -1  # the user this tab's channel is linked to (-1: none)
    sessions_ended: int = 0  # bumped when some of the user's sessions ended server-side

    @rx.event
    async def connect(self) -> None:
        """Link this tab to its user's channel; called when the signed-in shell mounts."""
        auth = await self.get_state(AuthState)
        user = auth.require_user()
        if user is None:
            return
        linked = await self._link_to(channel_token(user.id))
        if linked.linked_user != user.id:
            linked.linked_user = user.id


class _Running:
    app: rx.App | None = None


async def push(user_id: int, kind: str = realtime.CHANGED) -> None:
    """Bump one user's channel (locks only the shared token's state, briefly)."""
    app = _Running.app
    if app is None:
        raise RuntimeError("the Reflex backend is not running in this process")
    token = rx.BaseStateToken(ident=channel_token(user_id), cls=UserChannel)
    async with app.modify_state(token) as root:
        channel = await root.get_state(UserChannel)
        if kind == realtime.SESSIONS_ENDED:
            channel.sessions_ended += 1
            return
        channel.version += 1
        channel.changed_at_ms = int(clock.timestamp() * 1000)


class _RoomNotes:
    """The classroom page's shared notes state, registered by that page (nothing
    imports a page): what `push_room_notes` updates."""

    state: type[rx.SharedState] | None = None


def register_room_notes(state: type[rx.SharedState]) -> None:
    _RoomNotes.state = state


async def push_room_notes(channel: str, text: str, version: int) -> bool:
    """Put notes saved outside a tab (the HTTP API) into the room's shared state, which
    Reflex fans out to every open tab of the room (through Redis across workers). An
    older version never overwrites a newer one. Bound as `realtime.push_room_notes`."""
    app, state = _Running.app, _RoomNotes.state
    if app is None or state is None or not channel:
        return False
    token = rx.BaseStateToken(ident=channel, cls=state)
    async with app.modify_state(token) as root:
        notes = await root.get_state(state)
        if version > notes.version:  # type: ignore[attr-defined]
            notes.notes, notes.version = text, version  # type: ignore[attr-defined]
    return True


async def deliver(user_ids: list[int], kind: str = realtime.CHANGED) -> None:
    """Push every user concurrently; one failure does not stop the others."""
    results = await asyncio.gather(*(push(uid, kind) for uid in user_ids), return_exceptions=True)
    for uid, result in zip(user_ids, results, strict=True):
        if isinstance(result, BaseException):
            realtime.logger.warning("push to user %s failed: %r", uid, result)


async def lifespan(app: rx.App) -> None:
    """Lifespan task: this backend process delivers publish() calls in-process."""
    _Running.app = app
    realtime.bind(deliver, asyncio.get_running_loop())
    realtime.bind_room_notes(push_room_notes)
    try:
        await asyncio.Event().wait()  # until the server shuts down (cancelled)
    finally:
        realtime.bind_room_notes(None)
        realtime.unbind()
        _Running.app = None


class _LiveRefresh(rx.Fragment):
    """Runs an event chain in this tab whenever a ``UserChannel`` counter changes
    (``version`` unless ``_watch`` names another).

    A hook, not ``on_mount``: Reflex lifts ``on_mount`` into the page component's
    hooks, so re-keying an element would not run it again.

    Only a change seen after hydration, while linked to the same user, counts. The page
    first renders with the defaults (0, unlinked); hydration then brings the tab's real
    values, and linking (``connect``) the shared ones. Counting those as changes re-ran
    every page's reload after each full load, and made ``check_session`` send a tab that
    had already been redirected to sign-in there again by a full page load, wiping what
    the user had just typed (a flaky sign-in test under load).
    """

    _chain: Var[Any] | None = None
    _watch: Var[Any] | None = None

    def add_hooks(self) -> list[str | Var[Any]]:
        if self._chain is None:
            return []
        version = UserChannel.version if self._watch is None else self._watch
        linked = UserChannel.linked_user
        hydrated = rx.State.is_hydrated
        ref = "liveRef" + hashlib.sha1(str(self._chain).encode()).hexdigest()[:10]
        code = (
            f"const {ref} = useRef(null);\n"
            f"useEffect(() => {{ if (!{hydrated}) return; "
            f"const seen = {{v: {version}, linked: {linked}}}; const last = {ref}.current; "
            f"if (last !== null && last.linked === seen.linked && last.v !== seen.v) "
            f"{{ ({self._chain})(); }} "
            f"{ref}.current = seen; }}, [{version}, {linked}, {hydrated}]);"
        )
        data = VarData.merge(
            version._get_all_var_data(),
            linked._get_all_var_data(),
            hydrated._get_all_var_data(),
            self._chain._get_all_var_data(),
            VarData(imports={"react": [rx.ImportVar(tag="useRef"), rx.ImportVar(tag="useEffect")]}),
        )
        return [Var(code, _var_data=data)]


def live_refresh(*handlers: Any) -> rx.Component:
    """Run ``handlers`` (no-argument event handlers) in this tab on every new version."""
    chain = Var.create(EventChain.create(value=list(handlers), args_spec=no_args_event_spec))
    marker = rx.box(
        display="none",
        class_name="live-refresh",
        custom_attrs={"data-version": UserChannel.version.to_string()},
    )
    component = _LiveRefresh.create(marker)
    component._chain = chain
    return component


def session_watch(*handlers: Any) -> rx.Component:
    """Run ``handlers`` in this tab whenever some of its user's sessions were ended."""
    chain = Var.create(EventChain.create(value=list(handlers), args_spec=no_args_event_spec))
    component = _LiveRefresh.create(rx.box(display="none", class_name="session-watch"))
    component._chain = chain
    component._watch = UserChannel.sessions_ended
    return component


def channel_link() -> rx.Component:
    """Mounted once by the signed-in shell: links this tab to its user's channel."""
    return rx.box(on_mount=UserChannel.connect, display="none", id="live-channel")
