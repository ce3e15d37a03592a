"""Session routes: swap a login ticket for the httpOnly cookie, sign out (/me: api/programs.py).

The cookie is httpOnly + SameSite=Lax (+ Secure when COOKIE_SECURE), so page scripts
never see the JWT; sign-out is a POST so a third-party page cannot sign users out.
Every JWT names a server-side session (`services.sessions`): sign-out ends it, so the
same token is refused afterwards everywhere (cookie, Bearer, websocket, admin).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import APIRouter, Header, Request, Response
from fastapi.responses import RedirectResponse

from booking_app import clock, routes
from booking_app.config import get_settings
from booking_app.services import accounts, sessions
from booking_app.services.session_tokens import SESSION_COOKIE, session_ttl
from booking_app.services.validation import safe_next_path

router = APIRouter()


def safe_next(target: str | None) -> str:
    """Only same-site relative paths (`validation.safe_next_path`): an open redirect would
    make phishing links look like ours."""
    return safe_next_path(target) or routes.HOME


@router.get("/api/auth/session", include_in_schema=False)
def redeem_ticket(ticket: str = "", next: str = "/home") -> Response:
    user = accounts.redeem_login_ticket(ticket, now=clock.now())
    if user is None:
        return RedirectResponse("/login?expired=1", status_code=303)
    response = RedirectResponse(safe_next(next), status_code=303)
    set_session_cookie(response, user)
    return response


def set_session_cookie(response: Response, user: accounts.SessionUser) -> None:
    """The only place a session cookie is written (a new server-side session each time):
    httpOnly, SameSite=Lax, Secure if configured."""
    token = sessions.open_session(user_id=user.id, role=user.role, now=clock.now())
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(session_ttl().total_seconds()),
        httponly=True,
        samesite="lax",
        secure=get_settings().cookie_secure,
        path="/",
    )


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax")


def request_token(request: Request, authorization: str | None) -> str | None:
    """`Authorization: Bearer <jwt>` (integrations) wins over the session cookie (browser)."""
    if authorization and authorization.lower().startswith("bearer "):
        return authorization[7:].strip()
    return request.cookies.get(SESSION_COOKIE)


@router.post("/api/auth/logout", include_in_schema=False)
def logout(request: Request, authorization: str | None = Header(None)) -> Response:
    """End this session server-side (its JWT is refused from now on) and drop the cookie."""
    sessions.end_session(request_token(request, authorization))
    response = Response(status_code=204)
    clear_session_cookie(response)
    return response


@router.post(routes.FORM_NOT_READY, include_in_schema=False)
def form_not_ready(request: Request, to: str = routes.LOGIN) -> Response:
    """Where the sign-in, registration and password forms submit natively (method POST)
    if pressed before the page hydrated (React then handles submit and this is never
    reached). Back to the form's page, without reading the body: the password never
    lands in a URL, the history or an access log. The page's own query (sign-in's
    `?next=`, prerendered pages cannot bake it into `action`) comes from the Referer when
    it is that same page; it is validated as an in-app path like any `next`."""
    back = safe_next(to)
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.query and referer.path == back.split("?", 1)[0]:
        back = safe_next_path(f"{referer.path}?{referer.query}") or back
    return RedirectResponse(back, status_code=303)
