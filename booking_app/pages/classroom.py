"""The lesson room `/classroom/<session_uuid>`: details, join window, video, live notes.

Live notes: `RoomNotes` is an `rx.SharedState` linked per room to `room-<uuid hex>`; the
token comes from the service AFTER the ACL check (never from the URL as typed). Every
keystroke batch (debounced) is saved through `classroom.save_notes` with the text and
version the browser started from, so concurrent edits are merged per line on the server
(see services/notes_merge.py) and the merged text fans out to every open tab.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import reflex as rx

from booking_app import clock, routes
from booking_app.components.layout import app_shell
from booking_app.components.widgets import when_loaded
from booking_app.realtime.channel import register_room_notes
from booking_app.scheduling import can_join, seconds_until_join
from booking_app.services import classroom, invites
from booking_app.services.errors import DomainError
from booking_app.state.auth import AuthState
from booking_app.state.forms import error_toast
from booking_app.state.off_loop import offload
from booking_app.state.page import signed_in_page


def _clock(seconds: int) -> str:
    hours, rest = divmod(max(0, seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


@dataclass
class RoomSeat:
    booking_id: int = 0
    name: str = ""
    status: str = ""


class RoomNotes(rx.SharedState):
    """One instance per room, shared by every tab linked to it."""

    session_uuid: str = ""
    notes: str = ""
    version: int = 0
    lesson_status: str = ""  # pushed to every open tab when the tutor changes it

    @rx.event
    async def connect(self):  # type: ignore[no-untyped-def]
        room = await self.get_state(RoomState)
        if not room._channel:  # not allowed here: drop any link to a previous room
            return await self._unlink() if self._linked_to else None
        linked = await self._link_to(room._channel)
        linked.session_uuid = room.session_uuid
        linked.notes, linked.version = room._notes, room._notes_version
        linked.lesson_status = room.status

    @rx.event
    async def edit(self, text: str, base_text: str, base_version: int):  # type: ignore[no-untyped-def]
        auth = await self.get_state(AuthState)
        user = auth.require_user()
        if user is None or not self.session_uuid:
            return rx.toast.error("Sign in again to edit the notes.")
        try:
            base_version = int(base_version or 0)
        except (TypeError, ValueError):
            base_version = -1  # unknown base: the server merges against what it has
        try:
            saved = await offload(
                classroom.save_notes,
                self.session_uuid,
                user_id=user.id,
                text=str(text or ""),
                base_text=str(base_text or ""),
                base_version=base_version,
                now=clock.now(),
            )
        except DomainError as exc:
            return error_toast(exc)
        self.notes, self.version = saved.text, saved.version
        return None


register_room_notes(RoomNotes)  # notes saved over the API reach the open tabs


class RoomState(rx.State):
    loaded: bool = False
    not_found: bool = False
    session_uuid: str = ""
    title: str = ""
    label: str = ""
    status: str = ""
    mode: str = ""
    location: str = ""
    tutor_name: str = ""
    is_tutor: bool = False
    can_join: bool = False
    countdown: str = ""
    time_left: str = ""
    has_started: bool = False
    video_url: str = ""
    lesson_notes: str = ""
    students: list[RoomSeat] = []
    busy: str = ""
    invite_url: str = ""
    invite_expires: str = ""

    _channel: str = ""
    _notes: str = ""
    _notes_version: int = 0
    _starts_at: datetime | None = None
    _ends_at: datetime | None = None

    def _fetch(self, user_id: int, tz: str) -> None:
        try:
            view = classroom.get_room(
                self.session_uuid, user_id=user_id, now=clock.now(), viewer_tz=tz
            )
        except DomainError:
            self.not_found, self._channel = True, ""
            return
        self.not_found = False
        self.title, self.label, self.status = view.title, view.label, view.status
        self.mode, self.location, self.tutor_name = view.mode, view.location, view.tutor_name
        self.is_tutor, self.video_url = view.is_tutor, view.video_url
        self.lesson_notes = view.lesson_notes
        self._starts_at = datetime.fromisoformat(view.starts_at)
        self._ends_at = datetime.fromisoformat(view.ends_at)
        self.students = [RoomSeat(s.booking_id, s.name, s.status) for s in view.students]
        self._channel, self._notes, self._notes_version = (
            view.channel,
            view.shared_notes,
            view.notes_version,
        )
        self._apply_clock(view.can_join, view.opens_in_seconds, view.seconds_left, view.has_started)

    def _apply_clock(self, can_join: bool, opens_in: int, left: int, started: bool) -> None:
        self.can_join, self.has_started = can_join, started
        self.countdown = "" if can_join or left <= 0 else _clock(opens_in)
        if left <= 0:
            self.time_left = "Ended"
        elif not started and self._starts_at is not None:
            until = int((self._starts_at - clock.now()).total_seconds())
            self.time_left = f"Starts in {_clock(until)}"
        else:
            self.time_left = f"{_clock(left)} left"

    @rx.event
    async def on_load(self):  # type: ignore[no-untyped-def]
        self.loaded, self.busy, self.invite_url, self.invite_expires = False, "", "", ""
        self.session_uuid = routes.route_arg(self.router.url.path, routes.CLASSROOM).lower()
        auth = await self.get_state(AuthState)
        user = auth.require_user()
        if user is None:
            return
        await offload(self._fetch, user.id, user.timezone or "UTC")
        self.loaded = True

    @rx.event
    def tick(self, _value: str = "") -> None:
        """Every second: countdown, time left and Join opening, from the loaded times (no
        query); the same pure rule the service applies (``can_join``)."""
        if not self.loaded or self.not_found or self._starts_at is None or self._ends_at is None:
            return
        now = clock.now()
        start, end = self._starts_at, self._ends_at
        window = classroom.join_window_minutes()
        open_now = self.status != "cancelled" and can_join(start, end, now, window)
        left = int((end - max(now, start)).total_seconds())
        self._apply_clock(open_now, seconds_until_join(start, now, window), left, now >= start)

    async def _tutor(self):  # type: ignore[no-untyped-def]
        auth = await self.get_state(AuthState)
        return auth.require_user("tutor")

    @rx.event
    async def mark_completed(self):  # type: ignore[no-untyped-def]
        user = await self._tutor()
        if user is None:
            return rx.toast.error("Only the lesson's tutor can do this.")
        try:
            await offload(
                classroom.mark_completed, self.session_uuid, tutor_id=user.id, now=clock.now()
            )
        except DomainError as exc:
            return error_toast(exc)
        await offload(self._fetch, user.id, user.timezone or "UTC")
        shared = await self.get_state(RoomNotes)  # the room's linked instance: fans out
        shared.lesson_status = self.status
        return rx.toast.success("Lesson marked completed.")

    @rx.event
    async def mark_no_show(self, booking_id: int):  # type: ignore[no-untyped-def]
        user = await self._tutor()
        if user is None:
            return rx.toast.error("Only the lesson's tutor can do this.")
        try:
            await offload(
                classroom.mark_no_show,
                self.session_uuid,
                tutor_id=user.id,
                booking_id=int(booking_id),
                now=clock.now(),
            )
        except DomainError as exc:
            return error_toast(exc)
        await offload(self._fetch, user.id, user.timezone or "UTC")
        return rx.toast.success("Marked as no-show.")

    @rx.event
    async def save_lesson_notes(self, form_data: dict[str, str]):  # type: ignore[no-untyped-def]
        user = await self._tutor()
        if user is None:
            return rx.toast.error("Only the lesson's tutor can do this.")
        try:
            self.lesson_notes = await offload(
                classroom.save_lesson_notes,
                self.session_uuid,
                tutor_id=user.id,
                text=str(form_data.get("lesson_notes", "")),
                now=clock.now(),
            )
        except DomainError as exc:
            return error_toast(exc)
        return rx.toast.success("Lesson notes saved.")

    @rx.event
    async def create_invite(self):  # type: ignore[no-untyped-def]
        user = await self._tutor()
        if user is None:
            return rx.toast.error("Only the lesson's tutor can do this.")
        try:
            view = await offload(
                classroom.get_room, self.session_uuid, user_id=user.id, now=clock.now()
            )
            link = await offload(
                invites.create_lesson_invite, view.lesson_id, tutor_id=user.id, now=clock.now()
            )
        except DomainError as exc:
            return error_toast(exc)
        self.invite_url, self.invite_expires = link.url, link.expires_label
        return None


S = RoomState


def _not_found() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.icon("door-closed", size=32, color="var(--gray-9)"),
            rx.heading("Lesson not found", size="5", id="room-not-found"),
            rx.text(
                "This room does not exist, or it is not one of your lessons.",
                color_scheme="gray",
            ),
            rx.link(rx.button("Go home", variant="soft"), href=routes.HOME),
            align="center",
            spacing="3",
            padding_y="var(--space-6)",
        ),
        width="100%",
    )


def _join_button() -> rx.Component:
    return rx.cond(
        S.can_join & (S.video_url != ""),
        rx.link(
            rx.button(rx.icon("video", size=16), "Join video", size="3", color_scheme="green"),
            href=S.video_url,
            is_external=True,
            id="join-link",
        ),
        rx.button(
            rx.icon("clock", size=16),
            rx.cond(
                S.countdown != "",
                rx.text("Opens in ", rx.el.span(S.countdown, id="join-countdown")),
                rx.text(rx.cond(S.video_url == "", "In person", "Closed")),
            ),
            size="3",
            disabled=True,
            id="join-disabled",
        ),
    )


def _details() -> rx.Component:
    return rx.card(
        rx.flex(
            rx.vstack(
                rx.hstack(
                    rx.heading(S.title, size="6", id="room-title"),
                    rx.badge(
                        rx.cond(RoomNotes.lesson_status != "", RoomNotes.lesson_status, S.status),
                        id="room-status",
                    ),
                    align="center",
                ),
                rx.text(S.label, size="3", weight="medium", id="room-when"),
                rx.text("Tutor: ", S.tutor_name, size="2", color_scheme="gray"),
                rx.cond(S.location != "", rx.text("Where: ", S.location, size="2")),
                rx.hstack(
                    rx.icon("timer", size=14),
                    rx.text(S.time_left, size="2", id="room-time-left"),
                    align="center",
                    spacing="1",
                ),
                spacing="1",
            ),
            _join_button(),
            justify="between",
            align="center",
            wrap="wrap",
            gap="var(--space-3)",
        ),
        width="100%",
    )


def _notes() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading("Shared notes", size="4"),
                rx.text("v", RoomNotes.version, size="1", color_scheme="gray", id="notes-version"),
                justify="between",
                width="100%",
            ),
            rx.text(
                "Everyone in the lesson sees changes live. Edits to different lines are "
                "merged; on the same line the latest one wins.",
                size="1",
                color_scheme="gray",
            ),
            rx.text_area(
                value=RoomNotes.notes,
                on_change=lambda v: RoomNotes.edit(v, RoomNotes.notes, RoomNotes.version),
                id="shared-notes",
                rows="12",
                width="100%",
                max_length=20_000,
                placeholder="Plan, links, homework…",
                debounce_timeout=250,
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
    )


def _student_item(s: RoomSeat) -> rx.Component:
    return rx.hstack(
        rx.text(s.name, weight="medium"),
        rx.badge(s.status, variant="soft", class_name="seat-status"),
        rx.cond(
            S.is_tutor & S.has_started & (s.status != "no_show"),
            rx.button(
                "No-show",
                size="1",
                variant="soft",
                color_scheme="orange",
                on_click=S.mark_no_show(s.booking_id),
                class_name="no-show-button",
            ),
        ),
        align="center",
        spacing="2",
        class_name="room-student",
    )


def _tutor_panel() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Tutor", size="4"),
            rx.vstack(rx.foreach(S.students, _student_item), spacing="2"),
            rx.hstack(
                rx.button(
                    rx.icon("check", size=14),
                    "Mark completed",
                    on_click=S.mark_completed,
                    disabled=~S.has_started | (S.status == "completed"),
                    id="mark-completed",
                ),
                rx.button(
                    rx.icon("link", size=14),
                    "Invite link",
                    variant="soft",
                    on_click=S.create_invite,
                    id="create-invite",
                ),
                spacing="2",
                wrap="wrap",
            ),
            rx.cond(
                S.invite_url != "",
                rx.vstack(
                    rx.input(value=S.invite_url, read_only=True, id="invite-url", width="100%"),
                    rx.text("Valid until ", S.invite_expires, size="1", color_scheme="gray"),
                    width="100%",
                ),
            ),
            rx.form(
                rx.vstack(
                    rx.el.label(
                        "Lesson notes (only you see them)",
                        html_for="lesson-notes",
                        class_name="rt-Text rt-r-size-2 rt-r-weight-medium",
                    ),
                    rx.text_area(
                        default_value=S.lesson_notes,
                        name="lesson_notes",
                        id="lesson-notes",
                        rows="4",
                        width="100%",
                    ),
                    rx.button(
                        "Save lesson notes", type="submit", variant="soft", id="save-lesson-notes"
                    ),
                    width="100%",
                ),
                on_submit=S.save_lesson_notes,
                no_validate=True,
                width="100%",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


@signed_in_page(routes.CLASSROOM, "Classroom", on_load=[RoomState.on_load, RoomNotes.connect])
def classroom_page() -> rx.Component:
    return app_shell(
        rx.moment(interval=1000, on_change=S.tick, display="none"),
        when_loaded(
            S.loaded,
            rx.cond(
                S.not_found,
                _not_found(),
                rx.vstack(
                    _details(),
                    rx.grid(
                        _notes(),
                        rx.cond(S.is_tutor, _tutor_panel(), rx.fragment()),
                        columns=rx.breakpoints(initial="1", md="2"),
                        gap="var(--space-4)",
                        width="100%",
                    ),
                    spacing="4",
                    width="100%",
                ),
            ),
        ),
    )
