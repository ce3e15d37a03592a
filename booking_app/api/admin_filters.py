"""Filters of the admin panel's Bookings list: tutor, service, student, status, payment
and lesson start (calendar days in the admin's own zone).

Why our own filter classes instead of starlette-admin's column filters: a booking has no
service or lesson-start column (both are on its lesson), and "a day" means a day in the
viewer's zone, not in UTC. Every filter here turns into ``booking_list.where_clause``: the
same ``to_filter`` and repository as the tutor's Bookings page, GET /api/v1/bookings and
the CSV export, so a filter means the same thing everywhere (a date range is the lesson's
start, both ends inclusive).

They plug into starlette-admin's filter builder (the list's "Filters" button; the URL's
``filter`` parameter, e.g. ``line_tutor__eq=7 AND status__in=pending,confirmed``). A value
the filter cannot read is starlette-admin's HTTP 400 with the reason, never a 500.
``BookingView`` (api/admin_actions.py) puts the admin (id, zone) and the tutor / service
choices on ``request.state`` before the query runs; ``apply`` is synchronous and reads them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette_admin.exceptions import ActionFailed
from starlette_admin.filters import BaseFilter, FilterApplyContext, FilterDataType
from starlette_admin.filters import FilterValidationError as Unreadable
from starlette_admin.types import RequestAction

from booking_app.services import booking_list
from booking_app.services.booking_list import FilterOptions, ListQuery, Viewer
from booking_app.services.errors import ValidationFailed, as_text

VIEWER = "booking_viewer"  # request.state: the admin as a booking_list.Viewer
OPTIONS = "booking_filter_options"  # request.state: booking_list.FilterOptions
STATUS_LABELS = {s: s.replace("_", " ").capitalize() for s in booking_list.STATUSES}


def _state(request: Request | None, name: str) -> Any:
    return getattr(request.state, name, None) if request is not None else None


class _ListFilter(BaseFilter):
    """A filter that is a ``ListQuery`` of the bookings list (see module docstring)."""

    def query(self, value: Any, value2: Any) -> ListQuery:
        raise NotImplementedError

    def apply(self, ctx: FilterApplyContext) -> Any:
        viewer = _state(ctx.request, VIEWER)
        if not isinstance(viewer, Viewer):  # BookingView sets it before every query
            raise RuntimeError("The Bookings list ran a filter without its viewer.")
        try:
            return booking_list.where_clause(viewer, self.query(ctx.value, ctx.value2))
        except ValidationFailed as exc:  # e.g. a range that ends before it starts
            if getattr(ctx.request.state, "action", None) == RequestAction.LIST:
                raise HTTPException(400, as_text(exc)) from None  # the list page
            raise ActionFailed(as_text(exc)) from None  # the export's dialog: {"msg": ...}


class _IdIs(_ListFilter):
    """One account or service, chosen from a dropdown (or typed as an id when there are
    more than booking_list.MAX_OPTIONS)."""

    name = "eq"
    label = "Is"
    data_type = FilterDataType.NUMBER
    what = "id"

    def parse_value(self, raw: Any) -> int:
        try:
            value = int(str(raw).strip())
        except ValueError:
            raise Unreadable(f"Choose a {self.what} (or type its id).") from None
        if value < 1:
            raise Unreadable(f"Choose a {self.what} (or type its id).")
        return value


class TutorIs(_IdIs):
    what = "tutor"

    def get_choices(self, request: Request) -> Sequence[tuple[Any, str]] | None:
        options = _state(request, OPTIONS)
        return options.tutors if isinstance(options, FilterOptions) else None

    def query(self, value: Any, value2: Any) -> ListQuery:
        return ListQuery(tutor_id=value)


class ServiceIs(_IdIs):
    what = "service"

    def get_choices(self, request: Request) -> Sequence[tuple[Any, str]] | None:
        options = _state(request, OPTIONS)
        return options.services if isinstance(options, FilterOptions) else None

    def query(self, value: Any, value2: Any) -> ListQuery:
        return ListQuery(service_id=value)


class StudentIs(_IdIs):
    label = "Is (account id)"
    what = "student"

    def query(self, value: Any, value2: Any) -> ListQuery:
        return ListQuery(student_id=value)


class StatusIn(_ListFilter):
    name = "in"
    label = "Is one of"
    data_type = FilterDataType.ENUM

    def get_choices(self, request: Request) -> Sequence[tuple[Any, str]] | None:
        return list(STATUS_LABELS.items())

    def parse_value(self, raw: Any) -> tuple[str, ...]:
        items = raw if isinstance(raw, list | tuple) else str(raw).split(",")
        values = tuple(dict.fromkeys(str(v).strip() for v in items if str(v).strip()))
        unknown = [v for v in values if v not in STATUS_LABELS]
        if not values or unknown:
            raise Unreadable(f"Choose statuses among: {', '.join(STATUS_LABELS)}.")
        return values

    def query(self, value: Any, value2: Any) -> ListQuery:
        return ListQuery(statuses=value)


class PaymentIs(_ListFilter):
    name = "eq"
    label = "Is"
    data_type = FilterDataType.STRING

    def get_choices(self, request: Request) -> Sequence[tuple[Any, str]] | None:
        return [("paid", "Paid"), ("unpaid", "Unpaid")]

    def parse_value(self, raw: Any) -> str:
        value = str(raw).strip()
        if value not in ("paid", "unpaid"):
            raise Unreadable("Choose paid or unpaid.")
        return value

    def query(self, value: Any, value2: Any) -> ListQuery:
        return ListQuery(paid=value)


class _Days(_ListFilter):
    """Lesson start by calendar days in the admin's zone (their account's), inclusive."""

    data_type = FilterDataType.DATE

    def parse_value(self, raw: Any) -> date:
        try:
            return date.fromisoformat(str(raw).strip())
        except ValueError:
            raise Unreadable(f"“{str(raw)[:40]}” is not a date (YYYY-MM-DD).") from None


class StartsBetween(_Days):
    name = "between"
    label = "Between (days, your zone)"
    has_value2 = True

    def query(self, value: Any, value2: Any) -> ListQuery:
        return ListQuery(date_from=value.isoformat(), date_to=value2.isoformat())


class StartsOn(_Days):
    name = "eq"
    label = "On (your zone)"

    def query(self, value: Any, value2: Any) -> ListQuery:
        return ListQuery(date_from=value.isoformat(), date_to=value.isoformat())


class StartsFrom(_Days):
    name = "gte"
    label = "On or after (your zone)"

    def query(self, value: Any, value2: Any) -> ListQuery:
        return ListQuery(date_from=value.isoformat())


class StartsUntil(_Days):
    name = "lte"
    label = "On or before (your zone)"

    def query(self, value: Any, value2: Any) -> ListQuery:
        return ListQuery(date_to=value.isoformat())


BOOKING_FILTERS: dict[str, list[type[BaseFilter]]] = {
    "line_tutor": [TutorIs],
    "line_service": [ServiceIs],
    "line_starts": [StartsBetween, StartsOn, StartsFrom, StartsUntil],
    "status": [StatusIn],
    "payment_status": [PaymentIs],
    "student_id": [StudentIs],
}
"""Field of BookingView -> its filters (the builder lists them in this order)."""
