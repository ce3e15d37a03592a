"""A closed tab's state is forgotten after a short grace, not after an idle hour (issue 15).

Why: without Redis every tab's state tree (~70 KB: all 42 page states) lives in the
worker's memory until an hour passes with no event (Reflex's token expiry). Each visit is
a new tab, so at 20 visits/s an hour's worth is ~70,000 trees, several GB: the memory of
`make run` grew with traffic for a whole hour before it levelled off.

A closed tab cannot send events, and a tab that comes back (a reload, a phone waking
up, a dropped connection) reconnects with a full hydrate that re-runs the page's on_load
(Reflex's state.js), so its data is rebuilt from the database either way. What only lives
in a state between page loads (the toast after a password change, the tab swapping its
session) spans a few seconds of a full page load, well within GRACE_SECONDS.

How: `install()` notes when a tab's socket closes (Reflex's ``on_disconnect``); the
lifespan task `sweep`s every SWEEP_SECONDS and drops, through the memory manager's own
purge, the trees of tabs closed longer than the grace and not connected again. The idle
hour still applies to open tabs. Only the in-memory manager is swept: with Redis, states
live there under Redis' own expiry.

A dropped tree must also be freed at once, by reference counting: Reflex's purge only
unlinks the substates, but a state's computed vars cache what they return, and a value
read from a state var comes wrapped in a MutableProxy that points back at the state
(`selected_service` returns one of `self.services`). So every visited tutor page left a
cycle that only a full collection could free, and between the rare full collections
(gc_tuning.py) memory grew with traffic (+14 % in 5 minutes at 200 users).
`release_tree` empties each dropped state's attributes, for both ways a state goes
(this sweep and Reflex's idle-hour expiry). Relies on Reflex 0.10.1 internals (pinned in
requirements.txt); tests/integration/test_closed_tabs.py fails if they change.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Callable
from typing import Any

from reflex.app import EventNamespace
from reflex.istate.manager.memory import StateManagerMemory
from reflex.istate.manager.token import BaseStateToken

logger = logging.getLogger(__name__)
GRACE_SECONDS = float(os.environ.get("CLOSED_TAB_STATE_SECONDS", "60"))
SWEEP_SECONDS = 10.0

# client token -> time.monotonic() when its socket closed (the last time, if several)
_closed: dict[str, float] = {}
_original_on_disconnect = EventNamespace.on_disconnect
_original_purge_token = StateManagerMemory._purge_token


def _on_disconnect(self: EventNamespace, sid: str) -> Any:
    token = self.sid_to_token.get(sid)
    if token:
        _closed[token] = time.monotonic()
    return _original_on_disconnect(self, sid)


def tree_of(root: Any) -> list[Any]:
    """Every state of a tree, root first."""
    states, stack = [], [root]
    while stack:
        states.append(state := stack.pop())
        stack.extend(object.__getattribute__(state, "substates").values())
    return states


def release_tree(states: list[Any]) -> None:
    """Empty the attributes of the states of a tree no one uses any more (`tree_of`,
    taken before Reflex unlinks the substates): no cached proxy, substate or parent
    link is left to hold any of them in a cycle."""
    for state in states:
        object.__getattribute__(state, "__dict__").clear()
        object.__setattr__(state, "parent_state", None)  # BaseState's slots
        object.__setattr__(state, "substates", {})


def _purge_token(self: StateManagerMemory, token: Any) -> None:
    dropped = self.states.get(token.cache_key)
    # only a state tree has substates (Reflex's purge makes the same check)
    tree = dropped is not None and isinstance(token, BaseStateToken)
    states = tree_of(dropped) if tree else []
    _original_purge_token(self, token)
    if states and self.states.get(token.cache_key) is not dropped:
        release_tree(states)


def install() -> None:
    """Note every closed socket, free dropped trees at once (idempotent)."""
    EventNamespace.on_disconnect = _on_disconnect  # type: ignore[method-assign]
    StateManagerMemory._purge_token = _purge_token  # type: ignore[method-assign]


def uninstall() -> None:
    EventNamespace.on_disconnect = _original_on_disconnect  # type: ignore[method-assign]
    StateManagerMemory._purge_token = _original_purge_token  # type: ignore[method-assign]


def sweep(
    manager: StateManagerMemory,
    connected: Callable[[str], bool],
    *,
    now: float,
    grace: float = GRACE_SECONDS,
) -> int:
    """Drop the states of tabs closed at least `grace` seconds before `now` and not
    connected again; a state busy with an event is left for the next sweep. Returns how
    many were dropped."""
    due = {token for token, closed_at in _closed.items() if now - closed_at >= grace}
    if not due:
        return 0
    dropped = 0
    for token in due:
        if connected(token):
            del _closed[token]
            continue
        tracked = manager._token_expires_at.get(token)
        if tracked is None:  # already expired or never had a state
            del _closed[token]
            continue
        state_token = tracked[1]
        lock = manager._states_locks.get(state_token.lock_key)
        if lock is not None and lock.locked():
            continue
        manager._purge_token(state_token)
        del _closed[token]
        dropped += 1
    return dropped


async def lifespan(app: Any) -> None:
    """Reflex lifespan task: sweep every SWEEP_SECONDS while the worker runs."""
    manager = app.state_manager
    if not isinstance(manager, StateManagerMemory):
        return
    while True:
        await asyncio.sleep(SWEEP_SECONDS)
        namespace = app.event_namespace
        if namespace is None:
            continue
        sockets = namespace._token_manager.token_to_socket
        dropped = sweep(manager, sockets.__contains__, now=time.monotonic())
        logger.debug("closed tabs: %d states dropped, %d kept", dropped, len(manager.states))
