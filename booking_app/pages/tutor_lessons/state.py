"""The lessons page's state: upcoming lessons, the publish form (its offer fields are the
OfferForm mixin's, shared with the services dialog) and the cancel confirmation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import reflex as rx

from booking_app import clock
from booking_app.services import lessons
from booking_app.services import tutor_services as catalog
from booking_app.services.errors import DomainError, ValidationFailed
from booking_app.services.money import locale_of
from booking_app.state.auth import current_tutor, refused
from booking_app.state.forms import error_text, error_toast
from booking_app.state.off_loop import offload
from booking_app.state.offer_form import OFFER_FIELDS, OfferForm
from booking_app.state.rows import OptionRow, ServiceItem, service_item, service_options

FIELDS = ("start_local", "duration_min", "service_id", "title", *OFFER_FIELDS, "tentative", "price")


@dataclass
class PublishedLesson:
    id: int = 0
    title: str = ""
    label: str = ""
    lesson_type: str = "individual"
    capacity: int = 1
    seats_taken: int = 0
    free_spots: int = 0
    mode: str = "online"
    location: str = ""
    status: str = "scheduled"
    service_name: str = ""
    price: str = ""  # "Free", "1 450 UAH": in the viewer's locale (services/money.py)
    students: str = ""  # "Taras Student" | "Taras, Mila" | "3 students" | ""
    students_all: str = ""  # every name (the tooltip of "3 students")


def who_label(names: list[str]) -> str:
    """Names as they fit on a card: one or two names, else a count (the tooltip names all)."""
    if len(names) <= 2:
        return ", ".join(names)
    return f"{len(names)} students"


def published_lesson(v: lessons.LessonView, names: list[str] | None = None) -> PublishedLesson:
    names = names or []
    return PublishedLesson(
        id=v.id,
        title=v.title or "",
        label=v.label,
        lesson_type=v.lesson_type,
        capacity=int(v.capacity),
        seats_taken=int(v.seats_taken),
        free_spots=int(v.free_spots),
        mode=v.mode,
        location=v.location or "",
        status=v.status,
        service_name=v.service_name or "",
        price=v.price_label,
        students=who_label(names),
        students_all=", ".join(names),
    )


class TutorLessonsState(OfferForm, rx.State):
    loaded: bool = False
    timezone: str = ""
    lessons: list[PublishedLesson] = []
    services: list[ServiceItem] = []
    service_options: list[OptionRow] = []

    # the publish form (controlled: picking a service prefills it)
    start_local: str = ""
    duration_min: str = "60"
    service_id: str = ""
    title: str = ""
    tentative: bool = False
    price: str = "0"
    publishing: bool = False
    TEXT_FIELDS: ClassVar[tuple[str, ...]] = (
        *OfferForm.TEXT_FIELDS,
        "start_local",
        "duration_min",
        "title",
        "price",
    )

    # the cancel confirmation
    cancel_open: bool = False
    cancel_id: int = 0
    cancel_label: str = ""
    cancel_seats: int = 0
    cancel_reason: str = ""
    cancelling: bool = False
    cancel_error: str = ""

    def _reload(self, tutor_id: int) -> None:
        locale = locale_of(self.router.headers.accept_language)
        rows = lessons.upcoming_lessons(tutor_id, now=clock.now(), locale=locale)
        names = lessons.seat_names(tutor_id, [v.id for v in rows])
        self.lessons = [published_lesson(v, names.get(v.id)) for v in rows]

    @rx.event
    async def on_load(self) -> None:
        user = await current_tutor(self)
        if user is None:
            return
        self.timezone = user.timezone
        self.services = [
            service_item(v)
            for v in await offload(catalog.list_services, user.id, include_inactive=False)
        ]
        self.service_options = service_options(self.services, "No service (custom lesson)")
        if not any(o.value == self.service_id for o in self.service_options):
            self.service_id = ""
        await offload(self._reload, user.id)
        self.loaded = True

    @rx.event
    async def refresh(self) -> None:
        """Live update (the tutor's channel moved): re-read the upcoming lessons."""
        user = await current_tutor(self)
        if user is not None and self.loaded:
            await offload(self._reload, user.id)

    # ---- publish

    @rx.event
    def set_tentative(self, value: bool) -> None:
        self.tentative = bool(value)

    @rx.event
    def choose_service(self, value: str) -> None:
        """Prefill from the service; every field stays editable afterwards."""
        self.service_id = ""
        self._clear_errors("service_id")
        row = next((s for s in self.services if str(s.id) == value), None)
        if row is None:
            return
        self.service_id = value
        self.duration_min, self.price = str(row.duration_min), row.price
        self._fill_offer(row)
        if not self.title:
            self.title = row.name

    def _input(self) -> lessons.PublishInput:
        return lessons.PublishInput(
            start_local=self.start_local.strip(),
            duration_min=self.duration_min.strip(),
            service_id=int(self.service_id) if self.service_id.isdigit() else None,
            title=self.title.strip(),
            tentative=self.tentative,
            price=self.price.strip(),
            **self._offer(),  # type: ignore[arg-type]
        )

    @rx.event
    async def publish(self):  # type: ignore[no-untyped-def]
        user = await current_tutor(self)
        if user is None:
            yield refused()
            return
        self._clear_errors()
        self.publishing = True
        yield
        try:
            view = await offload(lessons.publish_lesson, user.id, self._input(), now=clock.now())
        except ValidationFailed as exc:
            self.publishing = False
            for event in self._show_refusal(exc, FIELDS, focus_prefix="lesson-"):
                yield event
            return
        except DomainError as exc:  # e.g. the time is taken: the engine says why
            self.publishing = False
            for event in self._show_refusal(exc, toast=True):
                yield event
            return
        await offload(self._reload, user.id)
        self.publishing, self.start_local, self.title = False, "", ""
        yield rx.toast.success(f"Lesson published: {view.label}.")

    # ---- cancel

    @rx.event
    def ask_cancel(self, lesson_id: int) -> None:
        row = next((r for r in self.lessons if r.id == lesson_id), None)
        if row is None:
            return
        self.cancel_id, self.cancel_label, self.cancel_seats = row.id, row.label, row.seats_taken
        self.cancel_reason, self.cancel_error, self.cancel_open = "", "", True

    @rx.event
    def set_cancel_open(self, is_open: bool) -> None:
        if not self.cancelling:
            self.cancel_open = is_open

    @rx.event
    def set_cancel_reason(self, value: str) -> None:
        self.cancel_reason = value

    @rx.event
    async def confirm_cancel(self):  # type: ignore[no-untyped-def]
        user = await current_tutor(self)
        if user is None:
            yield refused()
            return
        self.cancelling, self.cancel_error = True, ""
        yield
        try:
            view = await offload(
                lessons.cancel_lesson,
                user.id,
                self.cancel_id,
                now=clock.now(),
                reason=self.cancel_reason.strip(),
            )
        except ValidationFailed as exc:
            self.cancel_error = error_text(exc)
            self.cancelling = False
            return
        except DomainError as exc:
            self.cancelling = False
            self.cancel_open = False
            await offload(self._reload, user.id)
            yield error_toast(exc)
            return
        await offload(self._reload, user.id)
        self.cancelling, self.cancel_open = False, False
        yield rx.toast.success(f"Lesson on {view.label} cancelled.")
