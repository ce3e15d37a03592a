"""The tutor page's state: the tutor, their services, a week of free slots in the viewer's
timezone, and the booking dialog."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import reflex as rx

from booking_app import clock, routes
from booking_app.services import accounts, booking, tutor_public
from booking_app.services.errors import (
    DomainError,
    NotFound,
    OverlapNeedsConfirm,
    SlotUnavailable,
)
from booking_app.services.money import locale_of, price_label
from booking_app.state.auth import AuthState
from booking_app.state.forms import FORM, FormErrors, error_text, error_toast, text_of
from booking_app.state.page import offload
from booking_app.state.viewer_timezone import ViewerTimezone
from booking_app.state.week_nav import SlotDayRow, SlotRow, SlotWeek, monday_of

FORM_FIELDS = ("name", "phone", "email", "telegram_username")
NOT_A_STUDENT_ACCOUNT = "Sign in with a student account to book (or sign out to book as a guest)."


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
    price_label: str = ""  # "Free", "450 UAH" in the viewer's locale


@dataclass
class TutorInfo:
    name: str = ""
    headline: str = ""
    bio: str = ""
    subjects: list[str] = field(default_factory=list)
    requires_confirmation: bool = False


class TutorPublicState(ViewerTimezone, SlotWeek, FormErrors, rx.State):
    loaded: bool = False
    not_found: bool = False
    tutor_slug: str = ""
    tutor_id: int = 0
    tutor: TutorInfo = TutorInfo()
    services: list[PublicServiceRow] = []
    service_id: str = ""

    source: str = "public_page"  # "marketplace" when the visitor came from the search

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
    taken_message: str = ""
    submitting: bool = False
    # "You have X then - book anyway?" (STUDENT_OVERLAP=warn): the service's question.
    overlap_question: str = ""

    # A signed-in student's own lessons on this week's slots: slot start -> what clashes.
    busy: dict[str, str] = {}
    _student_id: int = 0  # backend-only: whose lessons `busy` shows (from the session)

    # Phones: one day at a time (a row of day chips, then that day's times).
    phone_day: str = ""

    @rx.var
    def phone_slots(self) -> list[SlotRow]:
        for day in self.days:
            if day["date"] == self.phone_day:
                return day["slots"]
        return []

    @rx.var
    def trial_needs_sign_in(self) -> bool:
        """A trial is for a signed-in student: anyone else is told before any form."""
        return self.selected_service.is_trial and not self.is_student

    @rx.var
    def return_path(self) -> str:
        """This page with the service, week and slot picked: where sign-in comes back to."""
        query = {"service": self.service_id, "week": self.week_start, "slot": self.pick_start}
        if self.source == "marketplace":
            query["from"] = "marketplace"
        return routes.tutor_public_url(self.tutor_slug, query)

    @rx.var
    def sign_in_href(self) -> str:
        return routes.login_url(self.return_path)

    @rx.var
    def register_href(self) -> str:
        return routes.register_url(self.return_path, role="student")

    @rx.var
    def pick_busy(self) -> str:
        """What the picked slot clashes with ("" when nothing)."""
        return self.busy.get(self.pick_start, "")

    @rx.var
    def selected_service(self) -> PublicServiceRow:
        for s in self.services:
            if str(s.id) == self.service_id:
                return s
        return PublicServiceRow()

    # ------------------------------------------------------------------ loading

    async def _refresh_slots(self) -> None:
        if not self.tutor_id:
            return
        service_id = int(self.service_id) if self.service_id.isdigit() else None
        week = date.fromisoformat(self.week_start) if self.week_start else None
        try:
            view = await offload(  # off the event loop (state/page.py)
                tutor_public.week_slots,
                self.tutor_id,
                service_id=service_id,
                week_start=week,
                viewer_tz=self.viewer_tz or "UTC",
                now=clock.now(),
            )
        except DomainError as exc:
            self.slots_error = error_text(exc)
            self._clear_week()
            return
        self.slots_error = ""
        days = self._show_week(view)  # the plain rows: cheaper to scan than the state's proxy
        await self._mark_busy(days)
        if not any(d["date"] == self.phone_day and d["count"] for d in days):
            self.phone_day = next((d["date"] for d in days if d["count"]), "")

    async def _mark_busy(self, days: list[SlotDayRow]) -> None:
        """The signed-in student's own lessons on this week's slots (any tutor)."""
        if not self._student_id:
            if self.busy:
                self.busy = {}
            return
        starts = [slot["start"] for day in days for slot in day["slots"]]
        minutes = int(self.selected_service.duration_min or 60)
        self.busy = await offload(
            booking.busy_slots, self._student_id, starts, minutes, self.viewer_tz
        )

    def _reset_dialog(self) -> None:
        self.dialog_open, self.submitting = False, False
        self.pick_start, self.pick_lesson_id, self.pick_label = "", 0, ""
        self.taken_message, self.overlap_question = "", ""
        self._clear_errors()

    @rx.event
    async def on_load(self):  # type: ignore[no-untyped-def]
        self.loaded, self.not_found = False, False
        self._reset_dialog()
        self.tutor_slug = routes.route_arg(self.router.url.path, routes.TUTOR_PUBLIC)
        try:
            view = await offload(tutor_public.tutor_public_page, self.tutor_slug)
        except NotFound:
            self.not_found, self.loaded, self.tutor_id = True, True, 0
            return None
        self.tutor_id = view.tutor_id
        self.tutor = TutorInfo(
            view.name, view.headline, view.bio, list(view.subjects), view.requires_confirmation
        )
        locale = locale_of(self.router.headers.accept_language)
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
                price_label(s.price, s.currency, locale),
            )
            for s in view.services
        ]
        query = self.router.url.query_parameters
        self.source = "marketplace" if query.get("from", "") == "marketplace" else "public_page"
        auth = await self.get_state(AuthState)
        self.is_student = auth.role == "student"
        self.is_guest = not auth.signed_in
        self._student_id = auth.user_id if self.is_student else 0
        self._choose_service(query.get("service", ""))
        self._adopt_account_timezone(auth)
        self.week_start = monday_of(query.get("week", "")) or ""
        await self._refresh_slots()
        self.loaded = True
        await self._reopen_slot(query.get("slot", ""))
        return self._ask_browser_timezone(auth)

    def _choose_service(self, wanted: str) -> None:
        """The service of the link, else the first regular one. Only a student gets a
        trial preselected: anyone else could not book it (issue 14, item 2)."""
        ids = [str(s.id) for s in self.services]
        trials = {str(s.id) for s in self.services if s.is_trial}
        if wanted in ids and (self.is_student or wanted not in trials):
            self.service_id = wanted
        elif self.service_id not in ids or (self.service_id in trials and not self.is_student):
            regular = [str(s.id) for s in self.services if not s.is_trial]
            self.service_id = (regular or ids or [""])[0]

    async def _reopen_slot(self, start: str) -> None:
        """Back from sign-in (`?slot=`): the dialog of that slot, if it is still offered."""
        for day in self.days:
            for slot in day["slots"]:
                if slot["start"] == start:
                    self.phone_day = day["date"]
                    await self._open(slot["start"], 0, slot["label"])
                    return

    async def _timezone_changed(self) -> None:
        await self._refresh_slots()

    async def _week_changed(self) -> None:
        await self._refresh_slots()

    @rx.event
    def pick_day(self, day: str) -> None:
        """Phones: show this day's times."""
        if any(d["date"] == day for d in self.days):
            self.phone_day = str(day)

    @rx.event
    async def set_service(self, service_id: str) -> None:
        self.service_id = str(service_id)
        self._reset_dialog()  # a slot or lesson picked for another service is not kept
        await self._refresh_slots()

    # ------------------------------------------------------------------ booking

    async def _open(self, start: str, lesson_id: int, label: str) -> None:
        self._clear_errors()
        self.taken_message, self.overlap_question = "", ""
        self.pick_start, self.pick_lesson_id, self.pick_label = start, lesson_id, label
        auth = await self.get_state(AuthState)
        contact = await offload(accounts.get_contact, auth.user_id) if auth.signed_in else None
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
        self.f_name, self.f_phone = text_of(form_data, "name"), text_of(form_data, "phone")
        self.f_email = text_of(form_data, "email")
        self.f_telegram = text_of(form_data, "telegram_username")
        async for event in self._book(confirm_overlap=False):
            yield event

    @rx.event
    async def book_anyway(self):  # type: ignore[no-untyped-def]
        """The answer "yes" to "You have X then - book anyway?": the same form again, with
        `confirm_overlap` (the service re-checks the clash and the rule itself)."""
        if not self.overlap_question:
            return
        async for event in self._book(confirm_overlap=True):
            yield event

    async def _book(self, *, confirm_overlap: bool):  # type: ignore[no-untyped-def]
        self._clear_errors()
        self.taken_message, self.overlap_question = "", ""
        auth = await self.get_state(AuthState)
        user = auth.require_user()
        if user is not None and user.role != "student":
            self.errors = {FORM: NOT_A_STUDENT_ACCOUNT}
            return
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
            confirm_overlap=confirm_overlap,
        )
        try:
            view = await offload(
                booking.create_booking,
                form,
                student_id=user.id if user is not None else None,
                now=clock.now(),
            )
        except SlotUnavailable as exc:  # the engine's reason ("needs 15 minutes between...")
            self.submitting = False
            self.taken_message = error_text(exc)
            self.dialog_open = False
            await self._refresh_slots()
            yield error_toast(exc)
            return
        except OverlapNeedsConfirm as exc:  # ask; the dialog keeps everything typed
            self.submitting = False
            self.overlap_question = error_text(exc)
            yield rx.set_focus("book-anyway")
            return
        except DomainError as exc:
            self.submitting = False
            for event in self._show_refusal(exc, FORM_FIELDS, focus_prefix="book-"):
                yield event
            return
        self.submitting, self.dialog_open = False, False
        yield rx.redirect(routes.booking_url(view.token, new=True))


# --------------------------------------------------------------------------- UI
