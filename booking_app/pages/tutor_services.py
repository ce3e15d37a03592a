"""Tutor workspace: the services a tutor offers (create, edit, deactivate).

Also home of the small helpers every tutor page shares: the tutor-only page guard, the
per-handler role check, and the row/option types kept in state.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import reflex as rx

from booking_app.components.forms import field_error, form_field
from booking_app.components.layout import app_shell
from booking_app.pages import routes
from booking_app.services import tutor_services as catalog
from booking_app.services.accounts import SessionUser
from booking_app.services.errors import DomainError, NotFound, ValidationFailed
from booking_app.state.auth import AuthState
from booking_app.state.requests_badge import RequestsBadgeState

NOT_A_TUTOR = "Only tutors can open this page."
SELECT_CLASS = "rt-reset rt-SelectTrigger rt-r-size-3 rt-variant-surface"


# --------------------------------------------------------------------------- shared helpers


async def current_tutor(state: rx.State) -> SessionUser | None:
    """The signed-in tutor, re-read from the cookie and the database (None = refuse)."""
    auth = await state.get_state(AuthState)
    return auth.require_user("tutor")


async def guard_tutor_page(state: rx.State) -> tuple[SessionUser | None, list[Any]]:
    """For on_load (after AuthState.require_login): the tutor, or the events that send others away.

    Anonymous visitors are already being sent to sign-in by require_login: no second redirect.
    """
    auth = await state.get_state(AuthState)
    user = auth.require_user("tutor")  # re-reads the cookie and the user row
    if user is not None:
        return user, []
    if auth.user_id < 0:
        return None, []
    return None, [rx.toast.error(NOT_A_TUTOR), rx.redirect(routes.HOME)]


def refused() -> rx.event.EventSpec:
    return rx.toast.error(NOT_A_TUTOR)


def first_value(value: str | list[str]) -> str:
    """Radio groups/segmented controls may hand a list; take its first item."""
    if isinstance(value, list):
        return str(value[0]) if value else ""
    return str(value or "")


def select_control(options: rx.Var, field_id: str, **props: Any) -> rx.Component:  # type: ignore[type-arg]
    """A native <select> (keyboard and screen-reader friendly) over list[OptionRow]."""
    return rx.el.select(
        rx.foreach(options, lambda o: rx.el.option(o.label, value=o.value)),
        **{
            "id": field_id,
            "name": field_id,
            "class_name": SELECT_CLASS,
            "style": {"width": "100%"},
            **props,
        },
    )


def empty_state(icon: str, title: str, text: str, *actions: rx.Component, id_: str) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.icon(icon, size=32, color="var(--gray-9)"),
            rx.heading(title, size="4"),
            rx.text(text, color_scheme="gray", size="2", text_align="center"),
            *actions,
            align="center",
            spacing="3",
            padding_y="var(--space-6)",
        ),
        width="100%",
        id=id_,
    )


@dataclass
class OptionRow:
    value: str = ""
    label: str = ""


@dataclass
class ServiceRow:
    """A service as the UI shows it (flat strings/ints; prices already formatted)."""

    id: int = 0
    name: str = ""
    subject_id: str = ""
    subject_name: str = ""
    description: str = ""
    duration_min: int = 60
    price: str = "0.00"
    currency: str = ""
    lesson_type: str = "individual"
    capacity: int = 1
    mode: str = "online"
    location: str = ""
    meeting_url: str = ""
    is_trial: bool = False
    is_active: bool = True


def service_row(v: catalog.ServiceView) -> ServiceRow:
    return ServiceRow(
        id=v.id,
        name=v.name,
        subject_id=str(v.subject_id or ""),
        subject_name=v.subject_name or "",
        description=v.description or "",
        duration_min=int(v.duration_min),
        price=str(v.price),
        currency=v.currency or "",
        lesson_type=v.lesson_type,
        capacity=int(v.capacity),
        mode=v.mode,
        location=v.location or "",
        meeting_url=v.meeting_url or "",
        is_trial=bool(v.is_trial),
        is_active=bool(v.is_active),
    )


# --------------------------------------------------------------------------- state

SERVICE_FIELDS = (
    "name",
    "subject_id",
    "description",
    "duration_min",
    "price",
    "lesson_type",
    "capacity",
    "mode",
    "location",
    "meeting_url",
    "is_trial",
)


class TutorServicesState(rx.State):
    services: list[ServiceRow] = []
    subjects: list[OptionRow] = []
    loaded: bool = False

    # the dialog: which service (0 = new) and the values it opens with
    dialog_open: bool = False
    editing_id: int = 0
    f_name: str = ""
    f_subject_id: str = ""
    f_description: str = ""
    f_duration_min: str = "60"
    f_price: str = "0"
    f_lesson_type: str = "individual"
    f_capacity: str = "1"
    f_mode: str = "online"
    f_location: str = ""
    f_meeting_url: str = ""
    f_is_trial: bool = False
    saving: bool = False
    toggling_id: int = 0

    name_error: str = ""
    subject_id_error: str = ""
    description_error: str = ""
    duration_min_error: str = ""
    price_error: str = ""
    lesson_type_error: str = ""
    capacity_error: str = ""
    mode_error: str = ""
    location_error: str = ""
    meeting_url_error: str = ""
    is_trial_error: str = ""
    form_error: str = ""

    @rx.var
    def dialog_title(self) -> str:
        return "Edit service" if self.editing_id else "New service"

    @rx.var
    def active_count(self) -> int:
        return sum(1 for s in self.services if s.is_active)

    def _set_errors(self, errors: dict[str, str]) -> None:
        for field in SERVICE_FIELDS:
            setattr(self, f"{field}_error", errors.get(field, ""))
        unknown = [msg for key, msg in errors.items() if key not in SERVICE_FIELDS]
        self.form_error = " ".join(unknown)

    def _reload(self, tutor_id: int) -> None:
        self.services = [
            service_row(v) for v in catalog.list_services(tutor_id, include_inactive=True)
        ]

    @rx.event
    async def on_load(self):  # type: ignore[no-untyped-def]
        user, events = await guard_tutor_page(self)
        if user is None:
            return events
        self.subjects = [OptionRow("", "No subject")] + [
            OptionRow(str(s.id), s.name) for s in catalog.list_subjects()
        ]
        self._reload(user.id)
        self.loaded = True
        return None

    # ---- dialog

    def _fill(self, row: ServiceRow | None) -> None:
        row = row or ServiceRow()
        self.editing_id = row.id
        self.f_name, self.f_subject_id, self.f_description = (
            row.name,
            row.subject_id,
            row.description,
        )
        self.f_duration_min, self.f_price = str(row.duration_min), row.price if row.id else "0"
        self.f_lesson_type = row.lesson_type
        self.f_capacity = str(row.capacity) if row.lesson_type == "group" else "2"
        self.f_mode, self.f_location, self.f_meeting_url = row.mode, row.location, row.meeting_url
        self.f_is_trial = row.is_trial
        self._set_errors({})

    @rx.event
    def open_create(self) -> None:
        self._fill(None)
        self.dialog_open = True

    @rx.event
    def open_edit(self, service_id: int) -> None:
        row = next((s for s in self.services if s.id == service_id), None)
        if row is None:
            return
        self._fill(row)
        self.dialog_open = True

    @rx.event
    def set_dialog_open(self, is_open: bool) -> None:
        if not self.saving:
            self.dialog_open = is_open

    @rx.event
    def set_lesson_type(self, value: str | list[str]) -> None:
        value = first_value(value)
        self.f_lesson_type = value if value in ("individual", "group") else "individual"

    @rx.event
    def set_mode(self, value: str | list[str]) -> None:
        value = first_value(value)
        self.f_mode = value if value in ("online", "offline") else "online"

    @rx.event
    def set_is_trial(self, value: bool) -> None:
        self.f_is_trial = bool(value)

    def _input(self, form_data: dict[str, Any]) -> catalog.ServiceInput:
        def text(key: str) -> str:
            return str(form_data.get(key, "") or "").strip()

        subject = text("subject_id")
        group = self.f_lesson_type == "group"
        return catalog.ServiceInput(
            name=text("name"),
            subject_id=int(subject) if subject.isdigit() and int(subject) > 0 else None,
            description=text("description"),
            duration_min=text("duration_min"),
            price=text("price"),
            lesson_type=self.f_lesson_type,
            capacity=text("capacity") if group else 1,
            mode=self.f_mode,
            location=text("location") if self.f_mode == "offline" else "",
            meeting_url=text("meeting_url") if self.f_mode == "online" else "",
            is_trial=self.f_is_trial,
        )

    @rx.event
    async def save(self, form_data: dict[str, Any]):  # type: ignore[no-untyped-def]
        user = await current_tutor(self)
        if user is None:
            yield refused()
            return
        self._set_errors({})
        self.saving = True
        yield
        data = self._input(form_data)
        try:
            if self.editing_id:
                view = catalog.update_service(user.id, self.editing_id, data)
            else:
                view = catalog.create_service(user.id, data)
        except ValidationFailed as exc:
            self._set_errors(exc.field_errors)
            self.saving = False
            first = next(iter(exc.field_errors), "")
            if first in SERVICE_FIELDS:
                yield rx.set_focus(f"service-{first}")
            return
        except DomainError as exc:
            self.saving = False
            yield rx.toast.error(exc.detail)
            return
        verb = "updated" if self.editing_id else "created"
        self._reload(user.id)
        self.saving, self.dialog_open = False, False
        yield rx.toast.success(f"Service “{view.name}” {verb}.")

    @rx.event
    async def set_active(self, service_id: int, active: bool):  # type: ignore[no-untyped-def]
        user = await current_tutor(self)
        if user is None:
            yield refused()
            return
        self.toggling_id = service_id
        yield
        try:
            view = catalog.set_service_active(user.id, service_id, active)
        except (NotFound, ValidationFailed) as exc:
            self.toggling_id = 0
            yield rx.toast.error(exc.detail)
            return
        self._reload(user.id)
        self.toggling_id = 0
        state = "active again" if view.is_active else "deactivated: students can no longer book it"
        yield rx.toast.success(f"“{view.name}” is {state}.")


# --------------------------------------------------------------------------- UI

S = TutorServicesState


def _icon_line(icon: str, text: rx.Var[str]) -> rx.Component:
    return rx.hstack(
        rx.icon(icon, size=12, flex_shrink="0"),
        rx.text(text, size="1", color_scheme="gray", style={"overflow_wrap": "anywhere"}),
        align="center",
        spacing="1",
    )


def _service_card(s: ServiceRow) -> rx.Component:
    sid = s.id.to_string()
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(s.name, size="4", class_name="service-name"),
                rx.cond(
                    s.is_active,
                    rx.badge("Active", color_scheme="green", variant="soft"),
                    rx.badge(
                        "Inactive",
                        color_scheme="gray",
                        variant="soft",
                        class_name="service-inactive",
                    ),
                ),
                justify="between",
                align="start",
                width="100%",
            ),
            rx.flex(
                rx.cond(s.subject_name != "", rx.badge(s.subject_name, variant="outline")),
                rx.cond(
                    s.lesson_type == "group",
                    rx.badge(
                        rx.icon("users", size=12),
                        "Group · up to ",
                        s.capacity.to_string(),
                        color_scheme="violet",
                    ),
                    rx.badge(rx.icon("user", size=12), "Individual", color_scheme="blue"),
                ),
                rx.cond(
                    s.mode == "online",
                    rx.badge(rx.icon("video", size=12), "Online", color_scheme="cyan"),
                    rx.badge(rx.icon("map-pin", size=12), "Offline", color_scheme="orange"),
                ),
                rx.cond(
                    s.is_trial,
                    rx.badge(
                        rx.icon("sparkles", size=12),
                        "Trial",
                        color_scheme="amber",
                        class_name="service-trial",
                    ),
                ),
                gap="var(--space-2)",
                wrap="wrap",
            ),
            rx.text(
                s.duration_min.to_string(),
                " min · ",
                s.price,
                " ",
                s.currency,
                size="3",
                weight="medium",
                class_name="service-meta",
            ),
            rx.cond(
                s.description != "",
                rx.text(s.description, size="2", color_scheme="gray", trim="both"),
            ),
            rx.cond(
                s.mode == "offline",
                _icon_line("map-pin", s.location),
                rx.cond(s.meeting_url != "", _icon_line("video", s.meeting_url)),
            ),
            rx.spacer(),
            rx.hstack(
                rx.button(
                    rx.icon("pencil", size=14),
                    "Edit",
                    variant="soft",
                    size="2",
                    on_click=S.open_edit(s.id),
                    id="edit-service-" + sid,
                ),
                rx.cond(
                    s.is_active,
                    rx.button(
                        rx.icon("power-off", size=14),
                        "Deactivate",
                        variant="soft",
                        color_scheme="gray",
                        size="2",
                        loading=S.toggling_id == s.id,
                        on_click=S.set_active(s.id, False),
                        id="deactivate-service-" + sid,
                    ),
                    rx.button(
                        rx.icon("power", size=14),
                        "Activate",
                        variant="soft",
                        color_scheme="green",
                        size="2",
                        loading=S.toggling_id == s.id,
                        on_click=S.set_active(s.id, True),
                        id="activate-service-" + sid,
                    ),
                ),
                spacing="2",
            ),
            spacing="3",
            height="100%",
        ),
        id="service-" + sid,
        class_name="service-card",
        opacity=rx.cond(s.is_active, "1", "0.7"),
    )


def _radio(
    value: rx.Var, on_change: Any, items: list[tuple[str, str]], field_id: str
) -> rx.Component:  # type: ignore[type-arg]
    return rx.radio_group.root(
        rx.flex(
            *[
                rx.el.label(
                    rx.radio_group.item(value=v, id=f"{field_id}-{v}"),
                    label,
                    html_for=f"{field_id}-{v}",
                    class_name="rt-Text rt-r-size-2",
                    style={"display": "flex", "gap": "6px", "align_items": "center"},
                )
                for v, label in items
            ],
            gap="var(--space-4)",
            wrap="wrap",
        ),
        value=value,
        on_change=on_change,
        id=field_id,
        name=field_id.removeprefix("service-"),
    )


def _dialog_form() -> rx.Component:
    def field(
        label: str, name: str, control: rx.Component, error: rx.Var, hint: str = ""
    ) -> rx.Component:  # type: ignore[type-arg]
        return form_field(label, control, error, f"service-{name}", hint=hint)

    def inp(name: str, error: rx.Var, default: rx.Var, **props: Any) -> rx.Component:  # type: ignore[type-arg]
        """Uncontrolled (the dialog mounts afresh each time it opens); read by `name` on submit."""
        return rx.input(
            id=f"service-{name}",
            name=name,
            default_value=default,
            size="3",
            width="100%",
            aria_invalid=rx.cond(error != "", "true", "false"),
            **props,
        )

    return rx.form(
        rx.vstack(
            field(
                "Name",
                "name",
                inp(
                    "name",
                    S.name_error,
                    S.f_name,
                    placeholder="e.g. English conversation",
                    auto_focus=True,
                ),
                S.name_error,
            ),
            rx.grid(
                field(
                    "Subject",
                    "subject_id",
                    select_control(
                        S.subjects,
                        "service-subject_id",
                        name="subject_id",
                        default_value=S.f_subject_id,
                    ),
                    S.subject_id_error,
                ),
                field(
                    "Duration (minutes)",
                    "duration_min",
                    inp(
                        "duration_min",
                        S.duration_min_error,
                        S.f_duration_min,
                        type="number",
                        min=15,
                        max=480,
                        step=5,
                    ),
                    S.duration_min_error,
                ),
                field(
                    "Price",
                    "price",
                    inp(
                        "price",
                        S.price_error,
                        S.f_price,
                        type="text",
                        input_mode="decimal",
                        placeholder="450.00",
                    ),
                    S.price_error,
                ),
                columns=rx.breakpoints(initial="1", sm="3"),
                spacing="3",
                width="100%",
            ),
            field(
                "Description",
                "description",
                rx.text_area(
                    id="service-description",
                    name="description",
                    default_value=S.f_description,
                    rows="3",
                    width="100%",
                ),
                S.description_error,
            ),
            rx.vstack(
                rx.text("Lesson type", size="2", weight="medium"),
                _radio(
                    S.f_lesson_type,
                    S.set_lesson_type,
                    [("individual", "Individual"), ("group", "Group")],
                    "service-lesson_type",
                ),
                field_error(S.lesson_type_error, "service-lesson_type"),
                spacing="1",
                width="100%",
            ),
            rx.cond(
                S.f_lesson_type == "group",
                field(
                    "Capacity (students)",
                    "capacity",
                    inp("capacity", S.capacity_error, S.f_capacity, type="number", min=2, max=100),
                    S.capacity_error,
                    hint="From 2 to 100 students.",
                ),
            ),
            rx.vstack(
                rx.text("Where", size="2", weight="medium"),
                _radio(
                    S.f_mode,
                    S.set_mode,
                    [("online", "Online"), ("offline", "Offline")],
                    "service-mode",
                ),
                field_error(S.mode_error, "service-mode"),
                spacing="1",
                width="100%",
            ),
            rx.cond(
                S.f_mode == "offline",
                field(
                    "Location",
                    "location",
                    inp("location", S.location_error, S.f_location, placeholder="Address or room"),
                    S.location_error,
                ),
                field(
                    "Meeting link (optional)",
                    "meeting_url",
                    inp(
                        "meeting_url",
                        S.meeting_url_error,
                        S.f_meeting_url,
                        type="url",
                        placeholder="https://meet.example.com/room",
                    ),
                    S.meeting_url_error,
                ),
            ),
            rx.el.label(
                rx.switch(
                    checked=S.f_is_trial,
                    on_change=S.set_is_trial,
                    id="service-is_trial",
                    name="is_trial",
                ),
                "Trial lesson (a first lesson for new students)",
                html_for="service-is_trial",
                class_name="rt-Text rt-r-size-2",
                style={"display": "flex", "gap": "8px", "align_items": "center"},
            ),
            field_error(S.is_trial_error, "service-is_trial"),
            rx.cond(
                S.form_error != "",
                rx.callout(
                    S.form_error,
                    icon="triangle-alert",
                    color_scheme="red",
                    id="service-form-error",
                    role="alert",
                ),
            ),
            rx.hstack(
                rx.dialog.close(
                    rx.button(
                        "Cancel",
                        variant="soft",
                        color_scheme="gray",
                        type="button",
                        id="service-cancel",
                    )
                ),
                rx.button("Save service", type="submit", loading=S.saving, id="service-save"),
                justify="end",
                width="100%",
                spacing="3",
            ),
            spacing="4",
            width="100%",
        ),
        on_submit=S.save,
        no_validate=True,
        width="100%",
        id="service-form",
    )


def _dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(S.dialog_title),
            rx.dialog.description(
                "What students book: its length, price, format and where it happens.",
                size="2",
                color_scheme="gray",
                margin_bottom="var(--space-3)",
            ),
            _dialog_form(),
            max_width="640px",
            id="service-dialog",
        ),
        open=S.dialog_open,
        on_open_change=S.set_dialog_open,
    )


def tutor_services_page() -> rx.Component:
    return app_shell(
        rx.vstack(
            rx.flex(
                rx.vstack(
                    rx.heading("Your services", size="7", id="services-heading"),
                    rx.text(
                        "What students can book with you. Inactive services stay in old "
                        "bookings but can't be booked.",
                        color_scheme="gray",
                        size="2",
                    ),
                    spacing="1",
                ),
                rx.button(
                    rx.icon("plus", size=16),
                    "New service",
                    on_click=S.open_create,
                    size="3",
                    id="new-service",
                ),
                justify="between",
                align="center",
                gap="var(--space-3)",
                wrap="wrap",
                width="100%",
            ),
            rx.cond(
                ~S.loaded,
                rx.center(rx.spinner(size="3"), width="100%", padding="var(--space-6)"),
                rx.cond(
                    S.services.length() == 0,
                    empty_state(
                        "briefcase",
                        "No services yet — create your first one",
                        "A service is what students book: e.g. a 60-minute individual English "
                        "lesson online, or a group class in your studio.",
                        rx.button(
                            rx.icon("plus", size=16),
                            "Create a service",
                            on_click=S.open_create,
                            id="empty-new-service",
                        ),
                        id_="services-empty",
                    ),
                    rx.grid(
                        rx.foreach(S.services, _service_card),
                        columns=rx.breakpoints(initial="1", sm="2", lg="3"),
                        spacing="4",
                        width="100%",
                        id="services-list",
                    ),
                ),
            ),
            _dialog(),
            spacing="5",
            padding_y="var(--space-6)",
            width="100%",
        )
    )


def add_tutor_services_page(app: rx.App) -> None:
    app.add_page(
        tutor_services_page,
        route=routes.TUTOR_SERVICES,
        title="Services · TutorBook",
        on_load=[AuthState.require_login, TutorServicesState.on_load, RequestsBadgeState.load],
    )
