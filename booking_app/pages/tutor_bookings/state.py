"""State of the tutor's bookings list: filters, sort, pages, selection, bulk "mark paid".

Every handler re-reads the tutor from the session (`current_tutor`); the list's scope is
the service's (services/booking_list.py), so a filter the browser invents can only narrow
the tutor's own bookings. Rows are flat strings; no token or other tutor's data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import reflex as rx

from booking_app import clock
from booking_app.services import booking_list, timefmt
from booking_app.services import tutor_services as catalog
from booking_app.services.booking.views import STATUS_LABELS
from booking_app.services.booking_list import ListQuery, Viewer
from booking_app.services.errors import DomainError
from booking_app.services.money import locale_of, price_label
from booking_app.state.auth import current_tutor, refused
from booking_app.state.forms import FormErrors, error_toast, text_of
from booking_app.state.page import offload
from booking_app.state.rows import STATUS_COLORS, OptionRow

PAGE_SIZE = 25
FIELDS = ("from", "to", "status", "service_id", "student_id", "paid", "sort")
EXPORT_PATH = "/api/v1/bookings/export.csv"
SORT_OPTIONS = [
    OptionRow("start", "Lesson time, earliest first"),
    OptionRow("-start", "Lesson time, latest first"),
    OptionRow("-created", "Newest bookings first"),
    OptionRow("name", "Student name"),
    OptionRow("-price", "Price, highest first"),
    OptionRow("status", "Status"),
]
STATUS_OPTIONS = [OptionRow("", "Any status")] + [
    OptionRow(s, STATUS_LABELS.get(s, s.replace("_", " ").capitalize()))
    for s in booking_list.STATUSES
]
PAID_OPTIONS = [
    OptionRow("", "Paid or not"),
    OptionRow("paid", "Paid"),
    OptionRow("unpaid", "Unpaid"),
]


@dataclass
class BookingItem:
    id: int = 0
    label: str = ""  # lesson time in the tutor's zone
    lesson: str = ""
    student: str = ""
    status: str = ""
    status_label: str = ""
    status_color: str = "gray"
    price: str = ""
    paid: bool = False
    payment_label: str = ""


def _item(r: Any, tz: Any, locale: str) -> BookingItem:
    return BookingItem(
        id=r.id,
        label=timefmt.span_label(r.starts_at, r.ends_at, tz),
        lesson=r.service_name or r.lesson_title or "Lesson",
        student=r.client_name,
        status=r.status,
        status_label=STATUS_LABELS.get(r.status, r.status.replace("_", " ").capitalize()),
        status_color=STATUS_COLORS.get(r.status, "gray"),
        price=price_label(r.price, r.currency, locale),
        paid=r.payment_status == "paid",
        payment_label="Paid" if r.payment_status == "paid" else "Unpaid",
    )


class TutorBookingsState(FormErrors, rx.State):
    loaded: bool = False
    busy: bool = False
    rows: list[BookingItem] = []
    total: int = 0
    offset: int = 0
    selected: list[int] = []
    filters: dict[str, str] = {}
    service_options: list[OptionRow] = []
    student_options: list[OptionRow] = []
    timezone: str = "UTC"

    @rx.var
    def export_href(self) -> str:
        kept = {k: v for k, v in self.filters.items() if v}
        return f"{EXPORT_PATH}?{urlencode(kept)}" if kept else EXPORT_PATH

    @rx.var
    def showing(self) -> str:
        if not self.total:
            return "No bookings match."
        last = min(self.offset + PAGE_SIZE, self.total)
        return f"Showing {self.offset + 1}\u2013{last} of {self.total}"

    @rx.var
    def has_prev(self) -> bool:
        return self.offset > 0

    @rx.var
    def has_next(self) -> bool:
        return self.offset + PAGE_SIZE < self.total

    def _query(self) -> ListQuery:
        f = self.filters
        status = f.get("status", "")
        return ListQuery(
            date_from=f.get("from", ""),
            date_to=f.get("to", ""),
            statuses=(status,) if status else (),
            service_id=int(f["service_id"]) if f.get("service_id", "").isdigit() else None,
            student_id=int(f["student_id"]) if f.get("student_id", "").isdigit() else None,
            paid=f.get("paid", ""),
            sort=f.get("sort", "") or "start",
            limit=PAGE_SIZE,
            offset=self.offset,
        )

    async def _fetch(self, tutor: Any) -> None:
        """Load the current page (errors of a bad filter go next to their field)."""
        viewer = Viewer(tutor.id, "tutor", tutor.timezone or "UTC")
        page = await offload(booking_list.list_bookings, viewer, self._query())
        tz = timefmt.zone_or_utc(viewer.timezone)
        locale = locale_of(self.router.headers.accept_language)
        self.rows = [_item(r, tz, locale) for r in page.rows]
        self.total = page.total
        visible = {r.id for r in self.rows}
        self.selected = [i for i in self.selected if i in visible]

    @rx.event
    async def on_load(self) -> None:
        self.loaded = False
        tutor = await current_tutor(self)
        if tutor is None:
            return
        self.timezone = tutor.timezone or "UTC"
        services = await offload(catalog.list_services, tutor.id)
        students = await offload(booking_list.student_options, tutor.id)
        self.service_options = [OptionRow("", "Any service")] + [
            OptionRow(str(s.id), s.name) for s in services
        ]
        self.student_options = [OptionRow("", "Any student")] + [
            OptionRow(str(i), name) for i, name in students
        ]
        self.filters, self.offset, self.selected = {}, 0, []
        self._clear_errors()
        await self._fetch(tutor)
        self.loaded = True

    @rx.event
    async def refresh(self) -> None:
        """Live update (the tutor's channel changed): re-read the page."""
        tutor = await current_tutor(self)
        if tutor is not None and self.loaded:
            try:
                await self._fetch(tutor)
            except DomainError:
                pass  # the filter's message is already on the form

    @rx.event
    async def apply(self, form_data: dict[str, Any]):  # type: ignore[no-untyped-def]
        tutor = await current_tutor(self)
        if tutor is None:
            return refused()
        self.filters = {name: text_of(form_data, f"bk-{name}") for name in FIELDS}
        self.offset = 0
        self._clear_errors()
        try:
            await self._fetch(tutor)
        except DomainError as exc:
            self.rows, self.total = [], 0
            return self._show_refusal(exc, FIELDS, focus_prefix="bk-")
        return None

    @rx.event
    async def page(self, step: int):  # type: ignore[no-untyped-def]
        tutor = await current_tutor(self)
        if tutor is None:
            return refused()
        self.offset = max(0, self.offset + int(step) * PAGE_SIZE)
        try:
            await self._fetch(tutor)
        except DomainError as exc:
            return error_toast(exc)
        return None

    @rx.event
    def toggle(self, booking_id: int, checked: bool) -> None:
        rest = [i for i in self.selected if i != int(booking_id)]
        self.selected = [*rest, int(booking_id)] if checked else rest

    @rx.event
    def toggle_all(self, checked: bool) -> None:
        self.selected = [r.id for r in self.rows if not r.paid] if checked else []

    @rx.event
    async def mark_paid(self):  # type: ignore[no-untyped-def]
        tutor = await current_tutor(self)
        if tutor is None:
            yield refused()
            return
        if not self.selected:
            yield rx.toast.info("Select the bookings to mark paid first.")
            return
        self.busy = True
        yield
        try:
            changed = await offload(
                booking_list.mark_paid, tutor.id, list(self.selected), now=clock.now()
            )
        except DomainError as exc:
            self.busy = False
            yield error_toast(exc)
            return
        self.selected = []
        await self._fetch(tutor)
        self.busy = False
        yield rx.toast.success(f"Marked {changed} booking{'s' if changed != 1 else ''} paid.")
