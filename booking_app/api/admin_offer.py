"""Admin views of a tutor's offer: profile, services, weekly hours, special hours (date
overrides), busy time (issue 18, item 4).

Why read-only: these rows feed the scheduling engine. A generic create / edit / delete
form wrote them and skipped everything the tutor's own pages do: the publish rule, the
overlap checks of the hours, the next-free recompute and the ``schedule_version`` bump
(the marketplace card and the cached weeks of slots, services/next_free.py and
services/tutor_public.py, would keep offering the old times), the live update of the
tutor's open calendar, and the audit row. So the views only list, show, search, filter
and export; where an admin genuinely needs to act, a row action calls the tutor's own
service through ``services.admin_ops`` (one transaction with its audit row; a refusal
shows the service's sentence and writes nothing):

- tutor profile: Publish (only a page that can be booked) / Unpublish;
- service: Deactivate / Reactivate (lessons already booked keep it);
- busy time: Remove (one the tutor typed in; an imported one lives in its calendar);
- special hours: Remove (the date goes back to the weekly hours).

Removing is offered in the list only: after it, the page reloads where the action ran,
and a removed row's own detail page would be a 404. Weekly hours have no action: they are saved as a whole week with overlap checks on the
tutor's Availability page. Class names end in ``AdminView`` so they don't read like the
services' view dataclasses (``availability.BusyBlockView``, ``tutor_services.ServiceView``).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette_admin.actions import row_action
from starlette_admin.flash import flash

from booking_app.api.admin_actions import ReadOnlyView, form_int, run_op
from booking_app.services import admin_ops


class TutorProfileAdminView(ReadOnlyView):
    """Profiles (rules, prices, the public page); publishing through onboarding's rule."""

    exclude_fields_from_list = ["bio", "reminder_offsets_hours", "external_calendar_url"]
    exclude_fields_from_detail = ["external_calendar_url"]  # may be a private feed address
    exclude_fields_from_export = ["external_calendar_url"]
    searchable_fields = ["slug", "headline", "currency", "is_published", "listed"]
    sortable_fields = ["id", "user_id", "slug", "is_published", "next_free_at", "updated_at"]
    fields_default_sort = [("id", True)]
    row_actions = ["view", "publish", "unpublish"]

    async def is_row_action_allowed_for_obj(self, request: Request, name: str, obj: Any) -> bool:
        return {"publish": not obj.is_published, "unpublish": bool(obj.is_published)}.get(
            name, True
        )

    @row_action(name="publish", text="Publish page", icon_class="fa fa-eye",
                confirmation="Publish this tutor's page? Only a page that can be booked "
                "(an active service, working hours, free time) is published.",
                submit_btn_text="Publish")  # fmt: skip
    async def publish_action(self, request: Request, pk: Any) -> None:
        await run_op(request, admin_ops.set_published, form_int(pk, "profile"), published=True)
        flash(request, "Published: the page and its marketplace card are live.", "success")

    @row_action(name="unpublish", text="Unpublish page", icon_class="fa fa-eye-slash",
                confirmation="Hide this tutor's page and marketplace card? Booked lessons "
                "stay.", submit_btn_text="Unpublish", submit_btn_class="btn-danger")  # fmt: skip
    async def unpublish_action(self, request: Request, pk: Any) -> None:
        await run_op(request, admin_ops.set_published, form_int(pk, "profile"), published=False)
        flash(request, "Unpublished: the page and its card are hidden.", "success")


class TutorServiceAdminView(ReadOnlyView):
    """What tutors offer; a service stops or starts being offered as on the Services page."""

    exclude_fields_from_list = ["description", "location", "meeting_url"]
    searchable_fields = ["name", "lesson_type", "mode", "is_active", "is_trial", "tutor_id"]
    sortable_fields = ["id", "tutor_id", "name", "price", "is_active"]
    fields_default_sort = [("id", True)]
    row_actions = ["view", "deactivate", "reactivate"]

    async def is_row_action_allowed_for_obj(self, request: Request, name: str, obj: Any) -> bool:
        return {"deactivate": bool(obj.is_active), "reactivate": not obj.is_active}.get(name, True)

    @row_action(name="deactivate", text="Deactivate", icon_class="fa fa-pause",
                confirmation="Stop offering this service for new bookings? Lessons already "
                "booked keep it.", submit_btn_text="Deactivate",
                submit_btn_class="btn-danger")  # fmt: skip
    async def deactivate_action(self, request: Request, pk: Any) -> None:
        await run_op(request, admin_ops.set_service_active, form_int(pk, "service"), active=False)
        flash(request, "Deactivated: no longer offered for new bookings.", "success")

    @row_action(name="reactivate", text="Reactivate", icon_class="fa fa-play",
                confirmation="Offer this service for new bookings again?",
                submit_btn_text="Reactivate")  # fmt: skip
    async def reactivate_action(self, request: Request, pk: Any) -> None:
        await run_op(request, admin_ops.set_service_active, form_int(pk, "service"), active=True)
        flash(request, "Reactivated: offered for new bookings again.", "success")


class BusyBlockAdminView(ReadOnlyView):
    """Busy time (typed in by the tutor or imported from a connected calendar)."""

    searchable_fields = ["title", "source", "tutor_id", "starts_at", "ends_at"]
    sortable_fields = ["id", "tutor_id", "starts_at", "ends_at"]
    fields_default_sort = [("starts_at", True)]
    row_actions = ["view", "remove"]

    async def is_row_action_allowed_for_obj(self, request: Request, name: str, obj: Any) -> bool:
        return name != "remove" or obj.calendar_source_id is None

    @row_action(name="remove", text="Remove", icon_class="fa fa-trash",
                confirmation="Remove this busy time? Its hours become bookable again.",
                submit_btn_text="Remove", submit_btn_class="btn-danger",
                exclude_from_detail=True)  # fmt: skip
    async def remove_action(self, request: Request, pk: Any) -> None:
        await run_op(request, admin_ops.remove_busy_block, form_int(pk, "busy block"))
        flash(request, "Removed; the tutor's free time is recomputed.", "success")


class OverrideAdminView(ReadOnlyView):
    """Special hours of one date (a closed day is a row without times)."""

    searchable_fields = ["tutor_id", "day"]
    sortable_fields = ["id", "tutor_id", "day"]
    fields_default_sort = [("day", True)]
    row_actions = ["view", "remove"]
    menu_label = "Special hours"
    display_name = "Special hours"

    @row_action(name="remove", text="Remove special hours", icon_class="fa fa-undo",
                confirmation="Remove the special hours of this date (every time range of "
                "that day)? The weekly hours apply again.", submit_btn_text="Remove",
                submit_btn_class="btn-danger", exclude_from_detail=True)  # fmt: skip
    async def remove_action(self, request: Request, pk: Any) -> None:
        await run_op(request, admin_ops.remove_override, form_int(pk, "special hours"))
        flash(request, "Removed; that date follows the weekly hours again.", "success")
