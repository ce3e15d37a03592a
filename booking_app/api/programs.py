"""Programs' credentials over HTTP: sign in for tokens, refresh, personal access tokens, me.

- POST /api/v1/auth/token: email + password -> access JWT (minutes) + refresh token;
  throttled like the sign-in page (`too_many_attempts` 429 with Retry-After).
- POST /api/v1/auth/refresh: rotate; a reused refresh token ends its whole family.
- /api/v1/tokens: the caller's personal access tokens (list, create: secret shown once,
  revoke). Sign-out of a program's session is the browser's route, POST /api/auth/logout
  with `Authorization: Bearer <access token>`.

Every rule is in services/api_auth.py and services/api_tokens.py; these routes translate.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Header, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from booking_app import clock
from booking_app.api.access import caller
from booking_app.api.client_ip import request_ip
from booking_app.api.offload import json_response, off_loop
from booking_app.api.params import Id
from booking_app.services import api_auth, api_tokens

router = APIRouter()

Secret = Annotated[str, Field(min_length=1, max_length=512)]


class Credentials(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"email": "olena@example.com", "password": "s3cret-pass"}]}
    )
    email: Annotated[str, Field(min_length=1, max_length=254)]
    password: Annotated[str, Field(min_length=1, max_length=1024)]


class RefreshRequest(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"refresh_token": "tbk_rt_..."}]})
    refresh_token: Secret


class TokenPairOut(BaseModel):
    """Send `access_token` as `Authorization: Bearer`; refresh before `expires_in` ends."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "access_token": "eyJhbGciOiJIUzI1NiIs...",
                    "token_type": "bearer",
                    "expires_in": 900,
                    "refresh_token": "tbk_rt_Q2hhbmdlIG1l...",
                    "refresh_expires_in": 2592000,
                }
            ]
        }
    )
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int
    refresh_token: str
    refresh_expires_in: int


class Me(BaseModel):
    id: int
    name: str
    email: str
    role: Literal["student", "tutor", "admin"]
    timezone: str


class NewTokenIn(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"name": "accounting export", "scope": "read", "expires_in_days": 90}]
        }
    )
    name: Annotated[str, Field(min_length=1, max_length=api_tokens.MAX_NAME)]
    scope: Literal["read", "write"] = "read"
    expires_in_days: Annotated[int, Field(ge=1, le=api_tokens.MAX_DAYS)] | None = Field(
        default=None, description="Omit (or null) for a token that does not expire."
    )


class TokenOut(BaseModel):
    id: int
    name: str
    scope: Literal["read", "write"]
    prefix: str = Field(description="The secret's first characters, to tell tokens apart.")
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    expired: bool


class CreatedToken(TokenOut):
    token: str = Field(description="The secret. Shown this once; only its hash is stored.")


class TokenList(BaseModel):
    count: int
    results: list[TokenOut]


def _pair(pair: api_auth.TokenPair) -> TokenPairOut:
    return TokenPairOut(**asdict(pair))


def _issue(body: Credentials, ip: str) -> TokenPairOut:
    return _pair(api_auth.issue_tokens(body.email, body.password, ip=ip, now=clock.now()))


@router.post("/api/v1/auth/token", tags=["auth"], response_model=TokenPairOut)
async def token(body: Credentials, request: Request) -> TokenPairOut:
    """Sign in a program: an access JWT and a refresh token. Throttled like the sign-in
    page: `invalid_credentials` 401, `too_many_attempts` 429 with Retry-After."""
    return await off_loop(_issue, body, request_ip(request))


def _refresh(refresh_token: str) -> api_auth.TokenPair:
    return api_auth.refresh_tokens(refresh_token, now=clock.now())


@router.post("/api/v1/auth/refresh", tags=["auth"], response_model=TokenPairOut)
async def refresh(body: RefreshRequest) -> TokenPairOut:
    """Trade a refresh token for a new pair; the old one is spent (reuse revokes all)."""
    return _pair(await off_loop(_refresh, body.refresh_token))


def _me(request: Request, authorization: str | None) -> Response:
    user = caller(request, authorization)
    body = {"id": user.id, "name": user.name, "email": user.email, "role": user.role}
    return json_response({**body, "timezone": user.timezone})


@router.get("/api/v1/me", tags=["auth"], response_model=Me)
async def me(request: Request, authorization: str | None = Header(None)) -> Response:
    """The signed-in user (one thread hop, the JSON built there: api/offload.py)."""
    return await off_loop(_me, request, authorization)


def _out(info: api_tokens.TokenInfo) -> TokenOut:
    return TokenOut(**asdict(info))


@router.get("/api/v1/tokens", tags=["tokens"], response_model=TokenList)
def list_tokens(request: Request, authorization: str | None = Header(None)) -> TokenList:
    """Your personal access tokens (not revoked), newest first; never the secrets."""
    user = caller(request, authorization)
    rows = [_out(info) for info in api_tokens.list_tokens(user.id, now=clock.now())]
    return TokenList(count=len(rows), results=rows)


@router.post("/api/v1/tokens", tags=["tokens"], status_code=201, response_model=CreatedToken)
def create_token(
    body: NewTokenIn, request: Request, authorization: str | None = Header(None)
) -> CreatedToken:
    """A new personal access token; `token` in the answer is the only copy of the secret."""
    user = caller(request, authorization, write=True)
    made = api_tokens.create_token(
        user.id, name=body.name, scope=body.scope, expires_in_days=body.expires_in_days,
        now=clock.now(),
    )  # fmt: skip
    return CreatedToken(**asdict(made.info), token=made.secret)


@router.delete("/api/v1/tokens/{token_id}", tags=["tokens"], status_code=204)
def revoke_token(
    token_id: Id, request: Request, authorization: str | None = Header(None)
) -> Response:
    """Revoke one of your tokens: it is refused from the next request on."""
    user = caller(request, authorization, write=True)
    api_tokens.revoke_token(user.id, token_id, now=clock.now())
    return Response(status_code=204)
