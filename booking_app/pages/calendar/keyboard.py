"""Keyboard paths on the calendar (issue 14): "New lesson" and "Move" without a pointer.

A drag or a selection needs a mouse; these dialogs take a date, a start time, a service
and a length instead, and call the very services a drag calls (`lessons.publish_lesson`,
`lessons.move_lesson_to` -> `move_lesson`), so the same lock, rules and notifications
apply. The service list is re-read from the database on every submit: the browser only
names an id, and `publish_lesson` refuses a service that is not the tutor's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import reflex as rx

from booking_app import clock
from booking_app.services import lessons
from booking_app.services import tutor_services as catalog
from booking_app.services.errors import DomainError, ValidationFailed
from booking_app.state.forms import error_text
from booking_app.state.off_loop import offload

NEW_FIELDS = {"start_local": "time", "duration_min": "duration", "price": "form"}


@dataclass
class ServiceOption:
    id: str = "0"
    label: str = ""
    minutes: int = 60


def _field_errors(exc: ValidationFailed, mapping: dict[str, str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, message in exc.field_errors.items():
        name = mapping.get(key, "form")
        out[name] = (out.get(name, "") + " " + message).strip()
    return out


class KeyboardActions(rx.State, mixin=True):
    """Mixed into CalendarState (which provides `_user`, `_load`, `_go`, `focus_day`...)."""

    new_open: bool = False
    new_services: list[ServiceOption] = []  # noqa: RUF012 (a Reflex var)
    new_service: str = "0"
    new_duration: str = "60"
    new_date: str = ""
    new_time: str = "10:00"
    new_errors: dict[str, str] = {}  # noqa: RUF012 (a Reflex var)
    new_key: int = 0

    move_errors: dict[str, str] = {}  # noqa: RUF012 (a Reflex var)
    move_date: str = ""
    move_time: str = ""

    def _active_services(self, tutor_id: int) -> list[ServiceOption]:
        return [
            ServiceOption(str(s.id), f"{s.name} · {s.duration_min} min", s.duration_min)
            for s in catalog.list_services(tutor_id, include_inactive=False)
        ]

    @rx.event
    async def open_new(self):  # type: ignore[no-untyped-def]
        user = await self._user()  # type: ignore[attr-defined]
        if user is None or user.role != "tutor":
            return rx.toast.error("Only tutors edit the calendar.")
        self.new_services = await offload(self._active_services, user.id)
        first = self.new_services[0] if self.new_services else None
        self.new_service = first.id if first else "0"
        self.new_duration = str(first.minutes if first else 60)
        today = self.now[:10]  # type: ignore[attr-defined]
        focus = self.focus_day or self.week_start or today  # type: ignore[attr-defined]
        self.new_date = max(focus, today)
        self.new_time, self.new_errors = "10:00", {}
        self.new_key += 1
        self.new_open = True
        return None

    @rx.event
    def set_new_open(self, value: bool) -> None:
        self.new_open = bool(value)

    @rx.event
    def set_new_service(self, value: str) -> None:
        """Choosing a service proposes its length (the tutor may still change it)."""
        self.new_service = str(value)
        for option in self.new_services:
            if option.id == self.new_service:
                self.new_duration = str(option.minutes)
                self.new_key += 1

    @rx.event
    async def submit_new(self, form: dict[str, Any]):  # type: ignore[no-untyped-def]
        user = await self._user()  # type: ignore[attr-defined]
        if user is None or user.role != "tutor":
            return rx.toast.error("Only tutors edit the calendar.")
        day, at = str(form.get("date", "")).strip(), str(form.get("time", "")).strip()
        self.new_date, self.new_time = day, at
        self.new_duration = str(form.get("duration", "")).strip()
        self.new_service = str(form.get("service", self.new_service) or "0")
        errors = {} if day else {"date": "Choose a date."}
        if not at:
            errors["time"] = "Choose a start time."
        if errors:
            self.new_errors = errors
            return None
        services = await offload(catalog.list_services, user.id, include_inactive=False)
        service = next((s for s in services if str(s.id) == self.new_service), None)
        data = lessons.PublishInput(
            start_local=f"{day}T{at}",
            duration_min=self.new_duration,
            service_id=service.id if service else None,
            title="",
            lesson_type=service.lesson_type if service else "individual",
            capacity=service.capacity if service else 1,
            mode="online",
            location="",
            meeting_url=service.meeting_url if service else "",
            tentative=False,
            price="",
        )
        try:
            view = await offload(lessons.publish_lesson, user.id, data, now=clock.now())
        except ValidationFailed as exc:
            self.new_errors = _field_errors(exc, NEW_FIELDS)
            return None
        except DomainError as exc:
            self.new_errors = {"form": error_text(exc)}
            return None
        self.new_open, self.new_errors = False, {}
        self.focus_day = day  # type: ignore[attr-defined]
        monday = date.fromisoformat(day) - timedelta(days=date.fromisoformat(day).weekday())
        await self._go(monday.isoformat())  # type: ignore[attr-defined]
        return rx.toast.success(f"Lesson published: {view.label}.")

    # ---- move (from the details dialog)

    def _prepare_move(self, start_wall: str) -> None:
        """Pre-fill the Move fields with the lesson's current start (viewer wall time)."""
        self.move_date, self.move_time, self.move_errors = start_wall[:10], start_wall[11:16], {}

    @rx.event
    async def submit_move(self, form: dict[str, Any]):  # type: ignore[no-untyped-def]
        user = await self._user()  # type: ignore[attr-defined]
        if user is None or user.role != "tutor":
            return rx.toast.error("Only tutors edit the calendar.")
        day, at = str(form.get("date", "")).strip(), str(form.get("time", "")).strip()
        self.move_date, self.move_time = day, at
        if not day or not at:
            self.move_errors = {"start": "Choose the new date and start time."}
            return None
        try:
            await offload(
                lessons.move_lesson_to,
                user.id,
                self.detail_id,  # type: ignore[attr-defined]
                start_local=f"{day}T{at}",
                now=clock.now(),
            )
        except ValidationFailed as exc:
            self.move_errors = {"start": " ".join(exc.field_errors.values())}
            return None
        except DomainError as exc:
            self.move_errors = {"start": error_text(exc)}
            return None
        self.move_errors = {}
        self.detail_open = False  # type: ignore[attr-defined]
        self.focus_day = day  # type: ignore[attr-defined]
        monday = date.fromisoformat(day) - timedelta(days=date.fromisoformat(day).weekday())
        await self._go(monday.isoformat())  # type: ignore[attr-defined]
        return rx.toast.success("Moved.")
