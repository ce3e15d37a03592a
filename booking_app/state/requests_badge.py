"""The tutor's pending-requests count shown as a badge in the navigation.

Loaded on_load of tutor pages and after confirm/decline; kept live by the per-user
channel (booking_app/realtime), which re-runs ``load`` when the tutor's data changes.
"""

from __future__ import annotations

import reflex as rx

from booking_app.services import booking
from booking_app.state.auth import AuthState
from booking_app.state.off_loop import offload


class RequestsBadgeState(rx.State):
    pending: int = 0

    def _refresh(self, tutor_id: int) -> None:
        self.pending = booking.pending_count(tutor_id)

    @rx.event
    async def load(self) -> None:
        auth = await self.get_state(AuthState)
        if auth.signed_in and auth.role == "tutor":
            await offload(self._refresh, auth.user_id)
        else:
            self.pending = 0
