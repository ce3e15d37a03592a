"""The FastAPI app Reflex mounts its own API into (`api_transformer`); our routes match first."""

from fastapi import FastAPI

from booking_app.api import auth, bookings, classroom, realtime
from booking_app.api.admin import build_admin
from booking_app.api.errors import ERROR_RESPONSES, install_error_handlers

api = FastAPI(
    title="Tutor booking API",
    docs_url="/api/docs",
    openapi_url="/api/openapi.json",
    responses=ERROR_RESPONSES,
)
api.include_router(auth.router)
api.include_router(bookings.router)
api.include_router(classroom.router)
api.include_router(realtime.router)
build_admin().mount_to(api)
install_error_handlers(api)  # last: its /api/ fallback is then tried last


@api.get("/api/health", include_in_schema=False)
def health() -> dict[str, str]:
    return {"status": "ok"}
