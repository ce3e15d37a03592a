"""The services page's state: the tutor's services, and the dialog that creates or edits
one (its offer fields are the OfferForm mixin's, shared with the lesson form)."""

from __future__ import annotations

from typing import Any

import reflex as rx

from booking_app.services import tutor_services as catalog
from booking_app.services.errors import DomainError
from booking_app.services.money import locale_of
from booking_app.state.auth import current_tutor, refused
from booking_app.state.forms import error_toast, text_of
from booking_app.state.off_loop import offload
from booking_app.state.offer_form import OFFER_FIELDS, OfferForm
from booking_app.state.rows import OptionRow, ServiceItem, service_item

FIELDS = ("name", "subject_id", "description", "duration_min", "price", *OFFER_FIELDS, "is_trial")


class TutorServicesState(OfferForm, rx.State):
    services: list[ServiceItem] = []
    subjects: list[OptionRow] = []
    loaded: bool = False

    # The dialog: which service (0 = new) and the values its uncontrolled inputs open with
    # (it mounts afresh each time it opens); the offer fields are OfferForm's.
    dialog_open: bool = False
    editing_id: int = 0
    f_name: str = ""
    f_subject_id: str = ""
    f_description: str = ""
    f_duration_min: str = "60"
    f_price: str = "0"
    is_trial: bool = False
    saving: bool = False
    toggling_id: int = 0

    @rx.var
    def dialog_title(self) -> str:
        return "Edit service" if self.editing_id else "New service"

    def _reload(self, tutor_id: int) -> None:
        locale = locale_of(self.router.headers.accept_language)
        self.services = [
            service_item(v, locale) for v in catalog.list_services(tutor_id, include_inactive=True)
        ]

    @rx.event
    async def on_load(self) -> None:
        user = await current_tutor(self)
        if user is None:
            return
        self.subjects = [OptionRow("", "No subject")] + [
            OptionRow(str(s.id), s.name) for s in await offload(catalog.list_subjects)
        ]
        await offload(self._reload, user.id)
        self.loaded = True

    # ---- dialog

    def _open(self, row: ServiceItem) -> None:
        self.editing_id = row.id
        self.f_name, self.f_subject_id, self.f_description = (
            row.name,
            row.subject_id,
            row.description,
        )
        self.f_duration_min, self.f_price = str(row.duration_min), row.price if row.id else "0"
        self._fill_offer(row)
        self.is_trial = row.is_trial
        self._clear_errors()
        self.dialog_open = True

    @rx.event
    def open_create(self) -> None:
        self._open(ServiceItem())

    @rx.event
    def open_edit(self, service_id: int) -> None:
        row = next((s for s in self.services if s.id == service_id), None)
        if row is not None:
            self._open(row)

    @rx.event
    def set_dialog_open(self, is_open: bool) -> None:
        if not self.saving:
            self.dialog_open = is_open

    @rx.event
    def set_is_trial(self, value: bool) -> None:
        self.is_trial = bool(value)

    def _input(self, form_data: dict[str, Any]) -> catalog.ServiceInput:
        subject = text_of(form_data, "subject_id")
        return catalog.ServiceInput(
            name=text_of(form_data, "name"),
            subject_id=int(subject) if subject.isdigit() and int(subject) > 0 else None,
            description=text_of(form_data, "description"),
            duration_min=text_of(form_data, "duration_min"),
            price=text_of(form_data, "price"),
            is_trial=self.is_trial,
            **self._offer(),  # type: ignore[arg-type]
        )

    @rx.event
    async def save(self, form_data: dict[str, Any]):  # type: ignore[no-untyped-def]
        user = await current_tutor(self)
        if user is None:
            yield refused()
            return
        self._clear_errors()
        self.saving = True
        yield
        data = self._input(form_data)
        try:
            if self.editing_id:
                view = await offload(catalog.update_service, user.id, self.editing_id, data)
            else:
                view = await offload(catalog.create_service, user.id, data)
        except DomainError as exc:
            self.saving = False
            for event in self._show_refusal(exc, FIELDS, focus_prefix="service-"):
                yield event
            return
        verb = "updated" if self.editing_id else "created"
        await offload(self._reload, user.id)
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
            view = await offload(catalog.set_service_active, user.id, service_id, active)
        except DomainError as exc:
            self.toggling_id = 0
            yield error_toast(exc)
            return
        await offload(self._reload, user.id)
        self.toggling_id = 0
        state = "active again" if view.is_active else "deactivated: students can no longer book it"
        yield rx.toast.success(f"“{view.name}” is {state}.")
