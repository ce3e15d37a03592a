"""Admin views whose rows change only through the services (issue 18, item 4).

Bookings and lessons have no edit form here: a generic form would skip the tutor's lock,
the scheduling engine, the outbox and live updates. Their rows offer starlette-admin row
actions instead (confirm, decline, cancel, reschedule, mark paid, give a seat), users
offer deactivate / reactivate and "create tutor" (the create form goes through the
sign-up service), the outbox offers "resend". Each action:

- is a POST that starlette-admin's CSRF middleware checks (double-submit token);
- re-reads the acting user from the session cookie and the database on this request
  (and services/admin_ops re-checks "active admin" inside the transaction);
- calls ``services.admin_ops``, which runs the tutor's own service and writes the audit
  row in the same transaction; a refusal shows its sentence, nothing half-written.
The audit log is a read-only view with filters (action, actor, target). The Bookings
list filters by tutor, service, student, status, payment and lesson start
(api/admin_filters.py). The tutor's offer (profile, services, availability) is in
api/admin_offer.py.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from html import escape
from typing import Any

import anyio
import sqlalchemy as sa
from starlette.requests import Request
from starlette_admin.actions import row_action
from starlette_admin.exceptions import ActionFailed, FormValidationError
from starlette_admin.fields import BaseField, PasswordField
from starlette_admin.flash import flash

from booking_app import clock
from booking_app.api.admin_filters import BOOKING_FILTERS, OPTIONS, VIEWER
from booking_app.api.admin_views import AdminModelView
from booking_app.services import accounts, admin_ops, booking_list, sessions
from booking_app.services.errors import DomainError, as_text
from booking_app.services.session_tokens import SESSION_COOKIE

REASON_FORM = (
    '<form><label class="form-label" for="reason">Reason (the student reads it)</label>'
    '<textarea class="form-control" id="reason" name="reason" rows="2" maxlength="500">'
    "</textarea></form>"
)
AMOUNT_FORM = (
    '<form><label class="form-label" for="amount">Amount received (blank: the price)</label>'
    '<input class="form-control" id="amount" name="amount" inputmode="decimal"></form>'
)
SEAT_FORM = (
    '<form><label class="form-label" for="student_id">Student id (an active member of '
    "the tutor's classroom)</label>"
    '<input class="form-control" id="student_id" name="student_id" inputmode="numeric" required>'
    "</form>"
)


OUTCOME_FORM = (
    '<form><label class="form-label" for="outcome">What happened</label>'
    '<select class="form-select" id="outcome" name="outcome">'
    '<option value="held">Held</option><option value="student_no_show">Student no-show'
    '</option><option value="tutor_no_show">Tutor no-show</option></select>'
    '<label class="form-label mt-2" for="booking_id">Booking id (blank: every seat)</label>'
    '<input class="form-control" id="booking_id" name="booking_id" inputmode="numeric"></form>'
)


def _reschedule_form(request: Request, obj: Any) -> str:
    return (
        '<form><label class="form-label" for="start_local">New start, tutor\'s local time '
        '(YYYY-MM-DDTHH:MM; one-to-one lessons)</label><input class="form-control" '
        'id="start_local" name="start_local" placeholder="2026-12-03T09:00">'
        '<label class="form-label mt-2" for="lesson_id">or another group lesson id '
        f'(group seats; now #{escape(str(obj.lesson_id))})</label><input class="form-control" '
        'id="lesson_id" name="lesson_id" inputmode="numeric"></form>'
    )


async def acting_admin(request: Request) -> accounts.SessionUser:
    """The admin behind this request, re-read from the database (role and active)."""
    user = await anyio.to_thread.run_sync(
        sessions.session_user, request.cookies.get(SESSION_COOKIE)
    )
    if user is None or user.role != "admin":
        raise ActionFailed("Only an administrator can do this. Sign in again.")
    return user


async def run_op(request: Request, op: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``op(admin_id, *args, now=..., **kwargs)`` off the event loop; a domain refusal
    becomes the action's error message (the modal shows it; nothing was written)."""
    admin = await acting_admin(request)
    call = partial(op, admin.id, *args, now=clock.now(), **kwargs)
    try:
        return await anyio.to_thread.run_sync(call)
    except DomainError as exc:
        raise ActionFailed(as_text(exc)) from None


async def _form(request: Request) -> dict[str, str]:
    data = await request.form()
    return {k: v for k, v in data.items() if isinstance(v, str)}


def form_int(raw: str, field: str) -> int:
    """A whole number typed into an action's form, or the action's error message."""
    try:
        return int(raw.strip())
    except (ValueError, AttributeError):
        raise ActionFailed(f"{field}: enter a whole number.") from None


class _Line(BaseField):
    """A column computed for the page (tutor, service, lesson start in the admin's zone)."""

    def __init__(self, name: str, label: str) -> None:
        super().__init__(name, label=label, orderable=False, searchable=False)
        self.exclude_from_create = self.exclude_from_edit = True
        self.read_only = True
        self.filters = []

    async def parse_obj(self, request: Request, obj: Any) -> Any:
        lines = getattr(request.state, "booking_lines", {})
        line = lines.get(obj.id)
        return getattr(line, self.name.removeprefix("line_"), "") if line else ""


class ReadOnlyView(AdminModelView):
    """No create, edit, delete or import: rows change through actions only."""

    def can_create(self, request: Request) -> bool:
        return False

    def can_edit(self, request: Request) -> bool:
        return False

    def can_delete(self, request: Request) -> bool:
        return False


class BookingView(ReadOnlyView):
    """Every booking with its tutor, service and lesson start (the admin's zone); filters
    by tutor, service, student, status, payment and lesson days (admin_filters.py)."""

    fields = [
        "id", _Line("line_tutor", "Tutor"), "client_name", _Line("line_service", "Service"),
        _Line("line_starts", "Lesson start (your zone)"), "status", "payment_status", "price",
        "paid_amount", "kind", "source", "tutor_id", "student_id", "lesson_id",
        "client_phone", "client_email", "status_reason", "cancelled_by", "created_at",
    ]  # fmt: skip
    text_fields = ("client_name", "client_email", "client_phone")  # the search box
    # starlette-admin offers filters on "searchable" fields only.
    searchable_fields = [*text_fields, *BOOKING_FILTERS]
    sortable_fields = ["id", "status", "created_at", "tutor_id", "lesson_id"]
    fields_default_sort = [("id", True)]
    row_actions = ["view", "confirm", "decline", "cancel", "reschedule", "paid", "unpaid"]

    def __init__(self, model: type, **kwargs: Any) -> None:
        super().__init__(model, **kwargs)
        for field in self.fields:
            if field.name in BOOKING_FILTERS:
                field.filters = BOOKING_FILTERS[field.name]

    def get_search_query(self, request: Request, term: str) -> Any:
        """The search box looks at the client's name, email and phone (statuses, tutor,
        service and times are filters)."""
        columns = [getattr(self.model, name) for name in self.text_fields]
        return sa.or_(*(sa.cast(c, sa.String).ilike(f"%{term}%") for c in columns))

    async def _viewer(self, request: Request) -> booking_list.Viewer:
        """The admin as the bookings list's viewer (their zone decides what a day is);
        kept on the request for the filters (admin_filters.py)."""
        viewer = getattr(request.state, VIEWER, None)
        if viewer is None:
            user = await anyio.to_thread.run_sync(
                sessions.session_user, request.cookies.get(SESSION_COOKIE)
            )
            zone = user.timezone if user else "UTC"
            viewer = booking_list.Viewer(user.id if user else 0, "admin", zone)
            setattr(request.state, VIEWER, viewer)
        return viewer

    async def count(self, request: Request, *args: Any, **kwargs: Any) -> int:
        await self._viewer(request)
        return await super().count(request, *args, **kwargs)

    async def find_all(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        await self._viewer(request)
        options = await anyio.to_thread.run_sync(booking_list.filter_options)
        setattr(request.state, OPTIONS, options)
        rows = await super().find_all(request, *args, **kwargs)
        await self._load_lines(request, [r.id for r in rows])
        return rows

    async def find_by_pk(self, request: Request, pk: Any) -> Any:
        obj = await super().find_by_pk(request, pk)
        if obj is not None:
            await self._load_lines(request, [obj.id])
        return obj

    async def _load_lines(self, request: Request, ids: list[int]) -> None:
        zone = (await self._viewer(request)).timezone
        lines = await anyio.to_thread.run_sync(
            partial(admin_ops.booking_lines, ids, viewer_tz=zone)
        )
        request.state.booking_lines = {**getattr(request.state, "booking_lines", {}), **lines}

    async def is_row_action_allowed_for_obj(self, request: Request, name: str, obj: Any) -> bool:
        """Offer only what the booking's state allows (the service re-checks anyway)."""
        status = obj.status.value
        live = status in ("pending", "confirmed")
        return {
            "confirm": status == "pending", "decline": status == "pending",
            "cancel": live, "reschedule": live,
            "paid": obj.payment_status.value == "unpaid" and status != "cancelled",
            "unpaid": obj.payment_status.value == "paid",
        }.get(name, True)  # fmt: skip

    @row_action(name="confirm", text="Confirm", confirmation="Confirm this request?",
                icon_class="fa fa-check", submit_btn_text="Confirm")  # fmt: skip
    async def confirm_action(self, request: Request, pk: Any) -> None:
        await run_op(request, admin_ops.confirm, form_int(pk, "booking"))
        flash(request, "Confirmed; the student is told.", "success")

    @row_action(name="decline", text="Decline", confirmation="Decline this request?",
                form=REASON_FORM, icon_class="fa fa-times", submit_btn_text="Decline")  # fmt: skip
    async def decline_action(self, request: Request, pk: Any) -> None:
        reason = (await _form(request)).get("reason", "")
        await run_op(request, admin_ops.decline, form_int(pk, "booking"), reason=reason)
        flash(request, "Declined; the student is told.", "success")

    @row_action(name="cancel", text="Cancel booking", confirmation="Cancel this booking?",
                form=REASON_FORM, icon_class="fa fa-ban", submit_btn_text="Cancel booking",
                submit_btn_class="btn-danger")  # fmt: skip
    async def cancel_action(self, request: Request, pk: Any) -> None:
        reason = (await _form(request)).get("reason", "")
        await run_op(request, admin_ops.cancel, form_int(pk, "booking"), reason=reason)
        flash(request, "Cancelled; the student is told, the tutor's calendar updated.", "success")

    @row_action(name="reschedule", text="Reschedule", confirmation="Move this booking",
                form=_reschedule_form, icon_class="fa fa-clock", submit_btn_text="Move")  # fmt: skip
    async def reschedule_action(self, request: Request, pk: Any) -> None:
        data = await _form(request)
        target = data.get("lesson_id", "").strip()
        await run_op(
            request, admin_ops.reschedule, form_int(pk, "booking"),
            start_local=data.get("start_local", ""),
            lesson_id=form_int(target, "lesson id") if target else 0,
        )  # fmt: skip
        flash(request, "Moved; the student is told.", "success")

    @row_action(name="paid", text="Mark paid", confirmation="Mark this booking paid?",
                form=AMOUNT_FORM, icon_class="fa fa-money-bill", submit_btn_text="Mark paid")  # fmt: skip
    async def paid_action(self, request: Request, pk: Any) -> None:
        amount = (await _form(request)).get("amount", "")
        await run_op(
            request, admin_ops.mark_paid, form_int(pk, "booking"), paid=True, amount=amount
        )
        flash(request, "Marked paid.", "success")

    @row_action(name="unpaid", text="Mark unpaid", confirmation="Mark this booking unpaid?",
                icon_class="fa fa-undo", submit_btn_text="Mark unpaid")  # fmt: skip
    async def unpaid_action(self, request: Request, pk: Any) -> None:
        await run_op(request, admin_ops.mark_paid, form_int(pk, "booking"), paid=False)
        flash(request, "Marked unpaid.", "success")


class LessonView(ReadOnlyView):
    fields_default_sort = [("starts_at", True)]
    sortable_fields = ["id", "starts_at", "status", "tutor_id"]
    row_actions = ["view", "give_seat", "outcome"]

    @row_action(name="give_seat", text="Give a seat", confirmation="Give a seat in this lesson",
                form=SEAT_FORM, icon_class="fa fa-user-plus", submit_btn_text="Give seat")  # fmt: skip
    async def give_seat_action(self, request: Request, pk: Any) -> None:
        student = form_int((await _form(request)).get("student_id", ""), "student id")
        await run_op(request, admin_ops.give_seat, form_int(pk, "lesson"), student)
        flash(request, "Seat given; the student is told.", "success")

    @row_action(name="outcome", text="Set outcome", confirmation="What happened in this lesson?",
                form=OUTCOME_FORM, icon_class="fa fa-clipboard-check", submit_btn_text="Save")  # fmt: skip
    async def outcome_action(self, request: Request, pk: Any) -> None:
        data = await _form(request)
        seat = data.get("booking_id", "").strip()
        await run_op(
            request, admin_ops.set_outcome, form_int(pk, "lesson"), data.get("outcome", ""),
            booking_id=form_int(seat, "booking id") if seat else 0,
        )  # fmt: skip
        flash(request, "Outcome saved.", "success")


class UserView(AdminModelView):
    """Users: names and contacts edit generically; activity and role only by actions;
    "create" makes a TUTOR account through the sign-up service."""

    fields = [
        "id", "name", "email", "phone", "role", "timezone", "telegram_username",
        "telegram_chat_id", "is_active", "created_at",
        PasswordField("password", label="Password (8+ characters)", exclude_from_list=True,
                      exclude_from_detail=True, exclude_from_edit=True),
    ]  # fmt: skip
    exclude_fields_from_create = ["id", "role", "is_active", "telegram_chat_id", "created_at"]
    exclude_fields_from_edit = ["role", "is_active"]
    searchable_fields = ["name", "email", "phone", "telegram_username"]
    sortable_fields = ["id", "name", "email", "role", "created_at"]
    row_actions = ["view", "edit", "deactivate", "reactivate"]
    label = "Users"

    def can_import(self, request: Request) -> bool:
        """Rows of a file would skip the sign-up service: accounts are never imported."""
        return False

    async def is_row_action_allowed_for_obj(self, request: Request, name: str, obj: Any) -> bool:
        if name == "deactivate":
            return bool(obj.is_active)
        if name == "reactivate":
            return not obj.is_active
        return True

    async def create(self, request: Request, data: dict[str, Any]) -> Any:
        """A tutor account (validated, hashed, with a profile and a classroom)."""
        form = accounts.Registration(
            str(data.get("name") or ""), str(data.get("email") or ""),
            str(data.get("phone") or ""), str(data.get("password") or ""), "tutor",
            str(data.get("timezone") or "UTC"), data.get("telegram_username") or None,
        )  # fmt: skip
        admin = await acting_admin(request)
        call = partial(admin_ops.create_tutor, admin.id, form, now=clock.now())
        try:
            user_id = await anyio.to_thread.run_sync(call)
        except DomainError as exc:
            await self._refuse(exc)
        return await self.find_by_pk(request, user_id)

    async def _refuse(self, exc: DomainError) -> None:
        errors = getattr(exc, "field_errors", None) or {"name": as_text(exc)}
        raise FormValidationError(dict(errors))

    @row_action(name="deactivate", text="Deactivate", confirmation="Deactivate this account? "
                "All of their sessions end now.", icon_class="fa fa-user-slash",
                submit_btn_text="Deactivate", submit_btn_class="btn-danger")  # fmt: skip
    async def deactivate_action(self, request: Request, pk: Any) -> None:
        await run_op(request, admin_ops.set_active, form_int(pk, "user"), active=False)
        flash(request, "Deactivated; every session of the account ended.", "success")

    @row_action(name="reactivate", text="Reactivate", confirmation="Reactivate this account?",
                icon_class="fa fa-user-check", submit_btn_text="Reactivate")  # fmt: skip
    async def reactivate_action(self, request: Request, pk: Any) -> None:
        await run_op(request, admin_ops.set_active, form_int(pk, "user"), active=True)
        flash(request, "Reactivated; they can sign in again.", "success")


class NotificationView(ReadOnlyView):
    """The outbox, read-only: what was (or, without a bot token, would have been) sent;
    a failed or skipped message can be sent again."""

    searchable_fields = ["kind", "body", "last_error"]
    sortable_fields = ["id", "send_at", "sent_at", "status", "kind", "attempts"]
    fields_default_sort = [("id", True)]
    redacted_fields = ("body", "last_error")  # messages carry private booking links
    row_actions = ["view", "resend"]

    async def is_row_action_allowed_for_obj(self, request: Request, name: str, obj: Any) -> bool:
        return name != "resend" or obj.status.value in ("failed", "skipped")

    @row_action(name="resend", text="Send again", confirmation="Send this message again?",
                icon_class="fa fa-redo", submit_btn_text="Send again")  # fmt: skip
    async def resend_action(self, request: Request, pk: Any) -> None:
        await run_op(request, admin_ops.resend, form_int(pk, "notification"))
        flash(request, "Queued; the next outbox scan sends it.", "success")


class AuditLogView(ReadOnlyView):
    """Who did what, when; before / after of the target. Nobody edits history."""

    fields = [
        "id", "at", "actor_id", "actor_name", "action", "target_type", "target_id",
        "summary", "before", "after",
    ]  # fmt: skip
    searchable_fields = ["actor_name", "action", "summary", "actor_id", "target_type", "target_id"]
    sortable_fields = ["id", "at", "action", "actor_id", "target_id"]
    fields_default_sort = [("id", True)]
    row_actions = ["view"]
