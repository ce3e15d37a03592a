"""The internal endpoint other processes (Celery worker, bot) call after they commit.

Guarded by ``realtime.internal_token()`` (an HMAC of SECRET_KEY): every worker of the app
and every process sharing the config derives the same value; nobody else can push. A
wrong or missing token is a 403 and nothing is pushed. Not part of the public API docs.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Header, HTTPException
from pydantic import BaseModel, Field

from booking_app import realtime

router = APIRouter()

MAX_USERS = 500


class PublishBody(BaseModel):
    user_ids: list[int] = Field(default_factory=list, max_length=MAX_USERS)
    kind: Literal["changed", "sessions_ended"] = realtime.CHANGED


@router.post(realtime.INTERNAL_PATH, include_in_schema=False)
async def publish(
    body: PublishBody, x_internal_token: str | None = Header(default=None)
) -> dict[str, int]:
    if not realtime.token_ok(x_internal_token):
        raise HTTPException(status_code=403, detail="forbidden")
    from booking_app.realtime.channel import deliver

    ids = realtime.clean_ids(body.user_ids)
    await deliver(ids, kind=body.kind)
    return {"pushed": len(ids)}
