"""A tutor's public page `/t/<slug>`: bio, services, free slots of a week, the booking form.

Slots are `availability.week_slots` in the viewer's timezone (the same engine function the
booking path re-checks under the tutor's lock). A refused booking ("just taken") keeps the
dialog's data, shows the message and refreshes the slots; success opens the private page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import reflex as rx

from booking_app import clock
from booking_app.components.forms import form_field
from booking_app.components.layout import public_shell
from booking_app.components.slots import (
    JoinableRow,
    SlotDayRow,
    monday_of,
    shift_week,
    slot_grid,
    timezone_select,
    week_picker,
    week_rows,
)
from booking_app.pages import routes
from booking_app.services import accounts, booking, tutor_public
from booking_app.services.errors import DomainError, NotFound, SlotUnavailable, ValidationFailed
from booking_app.state.auth import AuthState
from booking_app.state.viewer_timezone import ViewerTimezone

JUST_TAKEN = "This time was just taken — pick another one"
FORM_FIELDS = ("name", "phone", "email", "telegram_username")


def route_arg(path: str, prefix: str) -> str:
    """`/t/olena-k` -> "olena-k" (the dynamic segment, read from the browser path)."""
    path = (path or "").split("?", 1)[0].rstrip("/")
    if not path.startswith(prefix):
        return ""
    return path[len(prefix) :].split("/", 1)[0]


@dataclass
class PublicServiceRow:
    id: int = 0
    name: str = ""
    description: str = ""
    duration_min: int = 60
    price: str = ""
    currency: str = ""
    lesson_type: str = "individual"
    capacity: int = 1
    mode: str = "online"
    is_trial: bool = False
    subject_name: str = ""


@dataclass
class TutorInfo:
    name: str = ""
    headline: str = ""
    bio: str = ""
    subjects: list[str] = field(default_factory=list)
    requires_confirmation: bool = False


class TutorPublicState(ViewerTimezone, rx.State):
    loaded: bool = False
    not_found: bool = False
    tutor_slug: str = ""
    tutor_id: int = 0
    tutor: TutorInfo = TutorInfo()
    services: list[PublicServiceRow] = []
    service_id: str = ""

    source: str = "public_page"  # "marketplace" when the visitor came from the search

    week_start: str = ""
    week_label: str = ""
    days: list[SlotDayRow] = []
    joinable: list[JoinableRow] = []
    slot_count: int = 0
    slots_loading: bool = False
    slots_error: str = ""

    # booking dialog
    dialog_open: bool = False
    pick_start: str = ""
    pick_lesson_id: int = 0
    pick_label: str = ""
    is_student: bool = False
    is_guest: bool = True
    f_name: str = ""
    f_phone: str = ""
    f_email: str = ""
    f_telegram: str = ""
    form_key: int = 0
    name_error: str = ""
    phone_error: str = ""
    email_error: str = ""
    telegram_username_error: str = ""
    form_error: str = ""
    taken_message: str = ""
    submitting: bool = False

    @rx.var
    def selected_service(self) -> PublicServiceRow:
        for s in self.services:
            if str(s.id) == self.service_id:
                return s
        return PublicServiceRow()

    @rx.var
    def public_url_path(self) -> str:
        return f"/t/{self.tutor_slug}"

    # ------------------------------------------------------------------ loading

    def _refresh_slots(self) -> None:
        if not self.tutor_id:
            return
        service_id = int(self.service_id) if self.service_id.isdigit() else None
        week = date.fromisoformat(self.week_start) if self.week_start else None
        try:
            view = tutor_public.week_slots(
                self.tutor_id,
                service_id=service_id,
                week_start=week,
                viewer_tz=self.viewer_tz or "UTC",
                now=clock.now(),
            )
        except DomainError as exc:
            self.slots_error = exc.detail
            self.days, self.joinable, self.slot_count = [], [], 0
            return
        rows = week_rows(view)
        self.slots_error = ""
        self.week_start, self.week_label = rows.week_start, rows.label
        self.days, self.joinable, self.slot_count = rows.days, rows.joinable, rows.slot_count

    def _reset_dialog(self) -> None:
        self.dialog_open, self.submitting = False, False
        self.pick_start, self.pick_lesson_id, self.pick_label = "", 0, ""
        self.taken_message = ""
        self._set_errors({})

    def _set_errors(self, errors: dict[str, str]) -> None:
        for name in FORM_FIELDS:
            setattr(self, f"{name}_error", errors.get(name, ""))
        other = [m for k, m in errors.items() if k not in FORM_FIELDS]
        self.form_error = " ".join(other)

    @rx.event
    async def on_load(self):  # type: ignore[no-untyped-def]
        self.loaded, self.not_found = False, False
        self._reset_dialog()
        self.tutor_slug = route_arg(self.router.url.path, "/t/")
        try:
            view = tutor_public.tutor_public_page(self.tutor_slug)
        except NotFound:
            self.not_found, self.loaded, self.tutor_id = True, True, 0
            return None
        self.tutor_id = view.tutor_id
        self.tutor = TutorInfo(
            view.name, view.headline, view.bio, list(view.subjects), view.requires_confirmation
        )
        self.services = [
            PublicServiceRow(
                s.id,
                s.name,
                s.description,
                int(s.duration_min),
                s.price,
                s.currency,
                s.lesson_type,
                int(s.capacity),
                s.mode,
                bool(s.is_trial),
                s.subject_name or "",
            )
            for s in view.services
        ]
        query = self.router.url.query_parameters
        self.source = "marketplace" if query.get("from", "") == "marketplace" else "public_page"
        wanted = query.get("service", "")
        ids = [str(s.id) for s in self.services]
        if wanted in ids:
            self.service_id = wanted
        elif self.service_id not in ids:
            regular = [str(s.id) for s in self.services if not s.is_trial]
            self.service_id = (regular or ids or [""])[0]
        auth = await self.get_state(AuthState)
        self.is_student = auth.role == "student"
        self.is_guest = not auth.signed_in
        self._adopt_account_timezone(auth)
        self.week_start = monday_of(query.get("week", "")) or ""
        self._refresh_slots()
        self.loaded = True
        return self._ask_browser_timezone(auth)

    def _timezone_changed(self) -> None:
        self._refresh_slots()

    @rx.event
    def set_service(self, service_id: str) -> None:
        self.service_id = str(service_id)
        self._reset_dialog()  # a slot or lesson picked for another service is not kept
        self._refresh_slots()

    @rx.event
    def prev_week(self) -> None:
        self.week_start = shift_week(self.week_start, -1)
        self._refresh_slots()

    @rx.event
    def next_week(self) -> None:
        self.week_start = shift_week(self.week_start, 1)
        self._refresh_slots()

    @rx.event
    def this_week(self) -> None:
        self.week_start = ""
        self._refresh_slots()

    @rx.event
    def pick_date(self, value: str) -> None:
        monday = monday_of(value)
        if monday:
            self.week_start = monday
            self._refresh_slots()

    # ------------------------------------------------------------------ booking

    async def _open(self, start: str, lesson_id: int, label: str) -> None:
        self._set_errors({})
        self.taken_message = ""
        self.pick_start, self.pick_lesson_id, self.pick_label = start, lesson_id, label
        auth = await self.get_state(AuthState)
        contact = accounts.get_contact(auth.user_id) if auth.signed_in else None
        self.is_student = auth.role == "student"
        self.is_guest = contact is None
        if contact is not None:
            self.f_name, self.f_phone = contact.name, contact.phone
            self.f_email, self.f_telegram = contact.email, contact.telegram_username
        self.form_key += 1  # remount the uncontrolled inputs with these defaults
        self.dialog_open = True

    @rx.event
    async def pick_slot(self, slot: dict[str, Any]) -> None:
        await self._open(str(slot.get("start", "")), 0, str(slot.get("label", "")))

    @rx.event
    async def pick_lesson(self, lesson_id: int, label: str) -> None:
        """A seat in a published group lesson of the chosen (group) service."""
        if self.selected_service.lesson_type != "group":
            return
        await self._open("", int(lesson_id), str(label))

    @rx.event
    def set_dialog_open(self, is_open: bool) -> None:
        if not self.submitting:
            self.dialog_open = bool(is_open)

    @rx.event
    async def submit(self, form_data: dict[str, Any]):  # type: ignore[no-untyped-def]
        self._set_errors({})
        self.taken_message = ""
        auth = await self.get_state(AuthState)
        user = auth.require_user()
        if user is not None and user.role != "student":
            self.form_error = (
                "Sign in with a student account to book (or sign out to book as a guest)."
            )
            return

        def text(key: str) -> str:
            return str(form_data.get(key, "") or "").strip()

        self.f_name, self.f_phone = text("name"), text("phone")
        self.f_email, self.f_telegram = text("email"), text("telegram_username")
        self.submitting = True
        yield
        form = booking.BookingForm(
            tutor_id=self.tutor_id,
            service_id=int(self.service_id) if self.service_id.isdigit() else 0,
            start=self.pick_start,
            lesson_id=self.pick_lesson_id,
            name=self.f_name,
            phone=self.f_phone,
            email=self.f_email,
            telegram_username=self.f_telegram,
            source=self.source,
        )
        try:
            view = booking.create_booking(
                form, student_id=user.id if user is not None else None, now=clock.now()
            )
        except SlotUnavailable:
            self.submitting = False
            self.taken_message = JUST_TAKEN
            self.dialog_open = False
            self._refresh_slots()
            yield rx.toast.error(JUST_TAKEN)
            return
        except ValidationFailed as exc:
            self.submitting = False
            self._set_errors(exc.field_errors)
            first = next((k for k in exc.field_errors if k in FORM_FIELDS), "")
            if first:
                yield rx.set_focus(f"book-{first}")
            return
        except DomainError as exc:
            self.submitting = False
            self.form_error = exc.detail
            return
        self.submitting, self.dialog_open = False, False
        yield rx.redirect(f"/booking/{view.token}?new=1")


# --------------------------------------------------------------------------- UI

S = TutorPublicState


def _service_card(s: PublicServiceRow) -> rx.Component:
    selected = S.service_id == s.id.to_string()
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(s.name, size="3"),
                rx.cond(
                    s.is_trial,
                    rx.badge(
                        rx.icon("sparkles", size=12),
                        "Trial",
                        color_scheme="amber",
                        class_name="service-trial",
                    ),
                ),
                justify="between",
                width="100%",
            ),
            rx.text(
                s.duration_min.to_string(),
                " min · ",
                s.price,
                " ",
                s.currency,
                size="2",
                weight="medium",
            ),
            rx.flex(
                rx.cond(s.subject_name != "", rx.badge(s.subject_name, variant="outline")),
                rx.cond(
                    s.lesson_type == "group",
                    rx.badge("Group · up to ", s.capacity.to_string(), color_scheme="violet"),
                    rx.badge("Individual", color_scheme="blue"),
                ),
                rx.badge(rx.cond(s.mode == "online", "Online", "In person"), color_scheme="cyan"),
                gap="var(--space-2)",
                wrap="wrap",
            ),
            rx.cond(s.description != "", rx.text(s.description, size="2", color_scheme="gray")),
            rx.button(
                rx.cond(selected, "Selected", "Show times"),
                variant=rx.cond(selected, "solid", "soft"),
                on_click=S.set_service(s.id.to_string()),
                size="2",
                id="choose-service-" + s.id.to_string(),
            ),
            spacing="2",
            align="start",
        ),
        class_name="public-service",
        width="100%",
    )


def _joinable_item(j: JoinableRow) -> rx.Component:
    return rx.hstack(
        rx.icon("users", size=14),
        rx.text(j.label, size="2"),
        rx.text(j.title, size="2", color_scheme="gray"),
        rx.badge(j.free_spots.to_string(), " free", color_scheme="violet"),
        rx.button(
            "Join",
            size="1",
            on_click=S.pick_lesson(j.lesson_id, j.label),
            id="join-" + j.lesson_id.to_string(),
        ),
        align="center",
        class_name="joinable-lesson",
    )


def _booking_form() -> rx.Component:
    def inp(name: str, default: rx.Var, error: rx.Var, **props: Any) -> rx.Component:  # type: ignore[type-arg]
        return rx.input(
            id=f"book-{name}",
            name=name,
            default_value=default,
            size="3",
            width="100%",
            aria_invalid=rx.cond(error != "", "true", "false"),
            **props,
        )

    return rx.form(
        rx.vstack(
            rx.cond(
                S.is_guest,
                rx.text(
                    "Booking as a guest. ",
                    rx.link("Sign in", href=routes.LOGIN),
                    " to book with your account (trials need a student account).",
                    size="2",
                    color_scheme="gray",
                ),
            ),
            form_field("Name", inp("name", S.f_name, S.name_error), S.name_error, "book-name"),
            form_field(
                "Phone",
                inp("phone", S.f_phone, S.phone_error, type="tel", placeholder="+380 67 123 4567"),
                S.phone_error,
                "book-phone",
            ),
            form_field(
                "Email (optional)",
                inp("email", S.f_email, S.email_error, type="email"),
                S.email_error,
                "book-email",
            ),
            form_field(
                rx.cond(S.is_guest, "Telegram username", "Telegram username (optional)"),  # type: ignore[arg-type]
                inp(
                    "telegram_username",
                    S.f_telegram,
                    S.telegram_username_error,
                    placeholder="@username",
                ),
                S.telegram_username_error,
                "book-telegram_username",
            ),
            rx.cond(
                S.form_error != "",
                rx.callout(
                    S.form_error,
                    icon="triangle-alert",
                    color_scheme="red",
                    id="book-form-error",
                    role="alert",
                    width="100%",
                ),
            ),
            rx.hstack(
                rx.dialog.close(
                    rx.button("Cancel", variant="soft", color_scheme="gray", type="button")
                ),
                rx.button("Book", type="submit", loading=S.submitting, id="book-submit"),
                justify="end",
                width="100%",
                spacing="3",
            ),
            spacing="3",
            width="100%",
        ),
        on_submit=S.submit,
        no_validate=True,
        key=S.form_key,
        width="100%",
        id="booking-form",
    )


def _dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Book ", S.selected_service.name),
            rx.dialog.description(
                S.pick_label,
                " (",
                S.viewer_tz,
                ")",
                size="2",
                color_scheme="gray",
                margin_bottom="var(--space-3)",
                id="book-when",
            ),
            _booking_form(),
            max_width="520px",
            id="booking-dialog",
        ),
        open=S.dialog_open,
        on_open_change=S.set_dialog_open,
    )


def _slots_section() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.flex(
                rx.heading("Free times", size="5"),
                timezone_select(S.viewer_tz, S.set_timezone, "viewer-timezone"),
                justify="between",
                align="center",
                wrap="wrap",
                gap="var(--space-3)",
                width="100%",
            ),
            rx.cond(
                S.taken_message != "",
                rx.callout(
                    S.taken_message,
                    icon="clock",
                    color_scheme="amber",
                    width="100%",
                    id="slot-taken",
                    role="alert",
                ),
            ),
            week_picker(
                label=S.week_label,
                week_start=S.week_start,
                on_prev=S.prev_week,
                on_this=S.this_week,
                on_next=S.next_week,
                on_date=S.pick_date,
                prefix="week",
                loading=S.slots_loading,
            ),
            rx.cond(
                S.slots_error != "",
                rx.callout(S.slots_error, icon="triangle-alert", color_scheme="amber"),
            ),
            rx.cond(
                S.slot_count == 0,
                rx.text(
                    "No free times this week — try the next one.",
                    size="2",
                    color_scheme="gray",
                    id="no-slots",
                ),
            ),
            slot_grid(S.days, lambda s: S.pick_slot(s), prefix="slots"),
            rx.cond(
                (S.joinable.length() > 0) & (S.selected_service.lesson_type == "group"),
                rx.vstack(
                    rx.text("Group lessons with free spots", weight="medium", size="2"),
                    rx.foreach(S.joinable, _joinable_item),
                    spacing="1",
                    id="joinable-list",
                ),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="slots-section",
    )


def _not_found() -> rx.Component:
    return rx.center(
        rx.vstack(
            rx.icon("search-x", size=40, color="var(--gray-9)"),
            rx.heading("Tutor not found", size="6", id="tutor-not-found"),
            rx.text("This page does not exist or is not published.", color_scheme="gray"),
            rx.link(rx.button("Find a tutor"), href=routes.LANDING),
            align="center",
            spacing="3",
        ),
        padding_y="10vh",
    )


def tutor_public_page() -> rx.Component:
    return public_shell(
        rx.cond(
            ~S.loaded,
            rx.center(rx.spinner(size="3"), padding="var(--space-6)"),
            rx.cond(
                S.not_found,
                _not_found(),
                rx.vstack(
                    rx.vstack(
                        rx.heading(S.tutor.name, size="8", id="tutor-name"),
                        rx.cond(
                            S.tutor.headline != "",
                            rx.text(S.tutor.headline, size="4", color_scheme="gray"),
                        ),
                        rx.flex(
                            rx.foreach(S.tutor.subjects, lambda x: rx.badge(x, variant="soft")),
                            gap="var(--space-2)",
                            wrap="wrap",
                        ),
                        rx.cond(
                            S.tutor.bio != "",
                            rx.text(S.tutor.bio, size="3", white_space="pre-wrap"),
                        ),
                        rx.cond(
                            S.tutor.requires_confirmation,
                            rx.text(
                                "The tutor confirms each request personally.",
                                size="2",
                                color_scheme="gray",
                            ),
                        ),
                        spacing="2",
                        width="100%",
                    ),
                    rx.grid(
                        rx.foreach(S.services, _service_card),
                        columns=rx.breakpoints(initial="1", sm="2", lg="3"),
                        spacing="3",
                        width="100%",
                        id="public-services",
                    ),
                    _slots_section(),
                    _dialog(),
                    spacing="5",
                    padding_y="var(--space-5)",
                    width="100%",
                ),
            ),
        )
    )


def add_tutor_public_page(app: rx.App) -> None:
    app.add_page(
        tutor_public_page,
        route=routes.TUTOR_PUBLIC,
        title="Tutor · TutorBook",
        on_load=[AuthState.load_optional, TutorPublicState.on_load],
    )
