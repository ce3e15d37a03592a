"""The tutor's daily routine on the home page: today's tentative lessons (Confirm / Cancel,
the morning confirmation of seed 004) and the lessons whose outcome is still to be marked
(held / student no-show / tutor no-show, per seat). Services: morning_confirm, outcome.

Every handler re-derives the tutor from the session (the browser may call any handler
with any arguments); the services check that the lesson is the tutor's own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import reflex as rx

from booking_app import clock
from booking_app.services import morning_confirm
from booking_app.services.errors import DomainError
from booking_app.services.lessons import outcome
from booking_app.state.auth import current_tutor, refused
from booking_app.state.forms import error_toast
from booking_app.state.off_loop import offload


@dataclass
class TentativeItem:
    lesson_id: int = 0
    title: str = ""
    label: str = ""
    seats: int = 0
    deadline: str = ""


@dataclass
class SeatItem:
    booking_id: int = 0
    name: str = ""
    status: str = ""
    status_label: str = ""
    outcome: str = ""


@dataclass
class OutcomeItem:
    lesson_id: int = 0
    title: str = ""
    label: str = ""
    unmarked: int = 0
    seats: list[SeatItem] = field(default_factory=list)


class RoutineState(rx.State):
    tentative: list[TentativeItem] = []
    outcomes: list[OutcomeItem] = []
    busy: str = ""  # "<lesson>:<booking>" of the button whose action runs

    async def _reload(self, tutor_id: int, tz: str) -> None:
        now = clock.now()
        self.tentative = [
            TentativeItem(v.lesson_id, v.title, v.label, v.seats, v.deadline)
            for v in await offload(morning_confirm.tentative_today, tutor_id, now=now, viewer_tz=tz)
        ]
        self.outcomes = [
            OutcomeItem(
                o.lesson_id,
                o.title,
                o.label,
                o.unmarked,
                [
                    SeatItem(s.booking_id, s.name, s.status, s.status_label, s.outcome)
                    for s in o.seats
                ],
            )
            for o in await offload(outcome.needs_outcome, tutor_id, now=now, viewer_tz=tz)
        ]

    @rx.event
    async def load(self) -> None:
        """On load and on every live update of the tutor's channel."""
        self.busy = ""
        user = await current_tutor(self)
        if user is None:
            self.tentative, self.outcomes = [], []
            return
        await self._reload(user.id, user.timezone or "UTC")

    async def _decide(self, lesson_id: int, action: str, decide: Callable[..., object], done: str):  # type: ignore[no-untyped-def]
        """Confirm or cancel one tentative lesson (the same steps for both): busy mark,
        the service, its toast, the list again."""
        user = await current_tutor(self)
        if user is None:
            yield refused()
            return
        self.busy = f"{int(lesson_id)}:{action}"
        yield
        try:
            await offload(decide, user.id, int(lesson_id), now=clock.now())
        except DomainError as exc:
            yield error_toast(exc)
        else:
            yield rx.toast.success(done)
        self.busy = ""
        await self._reload(user.id, user.timezone or "UTC")

    @rx.event
    async def confirm(self, lesson_id: int):  # type: ignore[no-untyped-def]
        decide = morning_confirm.confirm_tentative
        async for event in self._decide(
            lesson_id, "confirm", decide, "Confirmed; the students are told."
        ):
            yield event

    @rx.event
    async def cancel(self, lesson_id: int):  # type: ignore[no-untyped-def]
        decide = morning_confirm.cancel_tentative
        async for event in self._decide(
            lesson_id, "cancel", decide, "Cancelled; the students are told."
        ):
            yield event

    @rx.event
    async def mark(self, lesson_id: int, booking_id: int, result: str):  # type: ignore[no-untyped-def]
        user = await current_tutor(self)
        if user is None:
            yield refused()
            return
        self.busy = f"{int(lesson_id)}:{int(booking_id)}"
        yield
        try:
            await offload(
                outcome.set_outcome,
                user.id,
                int(lesson_id),
                str(result),
                booking_id=int(booking_id),
                now=clock.now(),
            )
        except DomainError as exc:
            yield error_toast(exc)
        else:
            yield rx.toast.success("Outcome saved.")
        self.busy = ""
        await self._reload(user.id, user.timezone or "UTC")


S = RoutineState


def _tentative_card(item: TentativeItem) -> rx.Component:
    lid = item.lesson_id.to_string()
    return rx.card(
        rx.flex(
            rx.vstack(
                rx.text(item.title, weight="medium"),
                rx.text(
                    item.label,
                    " · ",
                    item.seats.to_string(),
                    " booked · confirm by ",
                    item.deadline,
                    size="2",
                    color_scheme="gray",
                ),  # fmt: skip
                spacing="0",
            ),
            rx.hstack(
                rx.button(
                    rx.icon("check", size=14),
                    "Confirm",
                    color_scheme="green",
                    on_click=S.confirm(item.lesson_id),
                    loading=S.busy == lid + ":confirm",
                    min_height="44px",
                    id="tentative-confirm-" + lid,
                ),  # fmt: skip
                rx.button(
                    "Cancel lesson",
                    variant="soft",
                    color_scheme="red",
                    on_click=S.cancel(item.lesson_id),
                    loading=S.busy == lid + ":cancel",
                    min_height="44px",
                    id="tentative-cancel-" + lid,
                ),  # fmt: skip
                spacing="2",
            ),
            justify="between",
            align="center",
            gap="var(--space-3)",
            wrap="wrap",
        ),
        width="100%",
    )


def _seat_row(lesson_id: rx.Var[int], seat: SeatItem) -> rx.Component:
    key = lesson_id.to_string() + ":" + seat.booking_id.to_string()

    def choice(label: str, result: str, scheme: str) -> rx.Component:
        return rx.button(
            label, size="2", variant=rx.cond(seat.outcome == result, "solid", "soft"),
            color_scheme=scheme, min_height="44px",
            on_click=S.mark(lesson_id, seat.booking_id, result), loading=S.busy == key,
        )  # fmt: skip

    return rx.flex(
        rx.vstack(
            rx.text(seat.name, weight="medium"),
            rx.text(seat.status_label, size="1", color_scheme="gray"),
            spacing="0",
        ),
        rx.hstack(
            choice("Held", "held", "green"),
            choice("Student no-show", "student_no_show", "amber"),
            choice("Tutor no-show", "tutor_no_show", "gray"),
            spacing="2",
            wrap="wrap",
        ),
        justify="between",
        align="center",
        gap="var(--space-2)",
        wrap="wrap",
        width="100%",
    )


def _outcome_card(item: OutcomeItem) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text(item.title, weight="medium"),
            rx.text(item.label, size="2", color_scheme="gray"),
            rx.foreach(item.seats, lambda seat: _seat_row(item.lesson_id, seat)),
            spacing="2",
            width="100%",
        ),
        width="100%",
        class_name="outcome-lesson",
    )


def routine_panel() -> rx.Component:
    """Both lists; each appears only when it has something (no empty clutter)."""
    return rx.fragment(
        rx.cond(
            S.tentative.length() > 0,
            rx.vstack(
                rx.heading("Tentative lessons today", size="4"),
                rx.text(
                    "Confirm them or they are cancelled automatically before they start.",
                    size="2",
                    color_scheme="gray",
                ),  # fmt: skip
                rx.foreach(S.tentative, _tentative_card),
                spacing="2",
                width="100%",
                id="home-tentative",
            ),
        ),
        rx.cond(
            S.outcomes.length() > 0,
            rx.vstack(
                rx.heading("Needs outcome", size="4"),
                rx.text(
                    "How did these lessons go? Your reports count what you mark here.",
                    size="2",
                    color_scheme="gray",
                ),  # fmt: skip
                rx.foreach(S.outcomes, _outcome_card),
                spacing="2",
                width="100%",
                id="home-outcomes",
            ),
        ),
    )
