"""Session JWT and login tickets: expiry with an injected clock, tampering, audiences."""

from datetime import timedelta

from booking_app.services import session_tokens as tokens
from tests.support.builders import NOW


def test_session_token_round_trip_and_expiry() -> None:
    token = tokens.issue_session_token(user_id=7, role="tutor", sid="s1", now=NOW)
    claims = tokens.decode_session_token(token, now=NOW + timedelta(hours=1))
    assert claims is not None and claims["sub"] == "7" and claims["role"] == "tutor"
    assert tokens.decode_session_token(token, now=NOW + timedelta(hours=9)) is None


def test_tampered_or_foreign_tokens_are_refused() -> None:
    token = tokens.issue_session_token(user_id=7, role="student", sid="s1", now=NOW)
    head, body, sig = token.split(".")
    assert tokens.decode_session_token(f"{head}.{body}.{sig[::-1]}", now=NOW) is None
    assert tokens.decode_session_token("not-a-jwt", now=NOW) is None
    assert tokens.decode_session_token(None) is None


def test_a_login_ticket_is_not_a_session_and_vice_versa() -> None:
    ticket = tokens.issue_login_ticket(user_id=3, now=NOW)
    session = tokens.issue_session_token(user_id=3, role="student", sid="s1", now=NOW)
    assert tokens.decode_session_token(ticket, now=NOW) is None
    assert tokens.decode_login_ticket(session, now=NOW) is None
    user_id, jti = tokens.decode_login_ticket(ticket, now=NOW)  # type: ignore[misc]
    assert user_id == 3 and len(jti) == 32


def test_login_ticket_lives_thirty_seconds() -> None:
    ticket = tokens.issue_login_ticket(user_id=3, now=NOW)
    assert tokens.decode_login_ticket(ticket, now=NOW + timedelta(seconds=29)) is not None
    assert tokens.decode_login_ticket(ticket, now=NOW + timedelta(seconds=31)) is None


def test_session_cookie_is_read_from_the_cookie_header() -> None:
    header = "theme=dark; session=abc.def.ghi; other=1"
    assert tokens.session_token_from_cookie_header(header) == "abc.def.ghi"
    assert tokens.session_token_from_cookie_header("theme=dark") is None
    assert tokens.session_token_from_cookie_header("") is None
