"""The FastAPI app Reflex mounts its own API into (`api_transformer`); our routes match first."""

from fastapi import FastAPI
from fastapi.responses import RedirectResponse

from booking_app.api import (
    admin_api,
    auth,
    booking_list,
    booking_resources,
    bookings,
    calendar,
    calendars,
    classroom,
    exports,
    feeds,
    programs,
    realtime,
    reports,
    slots,
    tutor_actions,
    webhooks,
    workspace,
)
from booking_app.api.admin import ADMIN_PATH, build_admin
from booking_app.api.errors import ERROR_RESPONSES, install_error_handlers
from booking_app.api.rate_limit import RateLimitMiddleware

api = FastAPI(
    title="Tutor booking API",
    docs_url="/api/docs",
    openapi_url="/api/openapi.json",
    responses=ERROR_RESPONSES,
)
api.include_router(calendar.polled)  # first: routes are tried in order (see calendar.py)
api.include_router(classroom.polled)  # the home page's dashboard and my-students, likewise
api.include_router(auth.router)
api.include_router(booking_list.router)  # first: /bookings/export.csv is no token, no id
api.include_router(reports.router)
api.include_router(exports.router)
api.include_router(booking_resources.router)  # before bookings: /bookings/{id:int} first
api.include_router(programs.router)
api.include_router(bookings.router)
api.include_router(classroom.router)
api.include_router(feeds.router)
api.include_router(realtime.router)
api.include_router(webhooks.router)
api.include_router(admin_api.router)
api.include_router(slots.router)
api.include_router(calendar.router)
api.include_router(calendars.router)
api.include_router(workspace.router)
api.include_router(tutor_actions.router)
build_admin().mount_to(api)
api.add_middleware(RateLimitMiddleware)
install_error_handlers(api)  # last: its /api/ fallback is then tried last


@api.get("/api/health", include_in_schema=False)
def health() -> dict[str, str]:
    return {"status": "ok"}


@api.get(ADMIN_PATH, include_in_schema=False)
def admin_without_slash() -> RedirectResponse:
    """The "Admin panel" link says /admin, the panel is mounted at /admin/; without this
    route Reflex's catch-all mount (the built frontend) would answer with its 404 page."""
    return RedirectResponse(f"{ADMIN_PATH}/", status_code=307)
