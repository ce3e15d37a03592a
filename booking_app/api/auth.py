"""Session routes: swap a login ticket for the httpOnly cookie, sign out, and "me".

The cookie is httpOnly + SameSite=Lax (+ Secure when COOKIE_SECURE), so page scripts
never see the JWT; sign-out is a POST so a third-party page cannot sign users out.
"""

from __future__ import annotations

from fastapi import APIRouter, Header, Request, Response
from fastapi.responses import JSONResponse, RedirectResponse

from booking_app import clock
from booking_app.api.errors import error_response
from booking_app.config import get_settings
from booking_app.pages import routes
from booking_app.services import accounts
from booking_app.services.tokens import (
    SESSION_COOKIE,
    decode_session_token,
    issue_session_token,
)

router = APIRouter()


def safe_next(target: str | None) -> str:
    """Only same-site relative paths: an open redirect would make phishing links look like ours."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/home"
    return target


@router.get("/api/auth/session", include_in_schema=False)
def redeem_ticket(ticket: str = "", next: str = "/home") -> Response:
    user = accounts.redeem_login_ticket(ticket, now=clock.now())
    if user is None:
        return RedirectResponse("/login?expired=1", status_code=303)
    response = RedirectResponse(safe_next(next), status_code=303)
    set_session_cookie(response, user)
    return response


def set_session_cookie(response: Response, user: accounts.SessionUser) -> None:
    """The only place the session JWT is written: httpOnly, SameSite=Lax, Secure if configured."""
    settings = get_settings()
    token = issue_session_token(user_id=user.id, role=user.role, now=clock.now())
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=settings.session_ttl_hours * 3600,
        httponly=True,
        samesite="lax",
        secure=settings.cookie_secure,
        path="/",
    )


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax")


@router.post("/api/auth/logout", include_in_schema=False)
def logout() -> Response:
    response = Response(status_code=204)
    clear_session_cookie(response)
    return response


@router.post(routes.FORM_NOT_READY, include_in_schema=False)
def form_not_ready(to: str = routes.LOGIN) -> Response:
    """Where the sign-in, registration and password forms submit natively (method POST)
    if pressed before the page hydrated (React then handles submit and this is never
    reached). Back to the form's page, without reading the body: the password never
    lands in a URL, the history or an access log."""
    return RedirectResponse(safe_next(to), status_code=303)


def current_user(request: Request, authorization: str | None) -> accounts.SessionUser | None:
    """From `Authorization: Bearer <jwt>` (integrations) or the session cookie (browser)."""
    token = request.cookies.get(SESSION_COOKIE)
    if authorization and authorization.lower().startswith("bearer "):
        token = authorization[7:].strip()
    claims = decode_session_token(token)
    return accounts.get_session_user(int(claims["sub"])) if claims else None


@router.get("/api/v1/me", tags=["auth"])
def me(request: Request, authorization: str | None = Header(None)) -> Response:
    user = current_user(request, authorization)
    if user is None:
        return error_response(401, "unauthorized", "Sign in first.")
    return JSONResponse(
        {
            "id": user.id,
            "name": user.name,
            "email": user.email,
            "role": user.role,
            "timezone": user.timezone,
        }
    )
