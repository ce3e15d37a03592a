"""Endpoint secrets: made, stored encrypted, and used to sign each request.

Why encrypted and not hashed (as passwords and personal tokens are): the sender computes
an HMAC with the secret itself on every delivery, so it must be readable by the worker.
The key is derived from SECRET_KEY with HKDF (a separate purpose string, so a leaked
database alone reveals no secret, and no other use of SECRET_KEY shares this key).
Changing SECRET_KEY makes stored secrets unreadable: rotate every endpoint's secret then.

Signature: `X-Webhook-Signature: v1=<hex HMAC-SHA256(secret, f"{timestamp}.{body}")>`,
with `X-Webhook-Timestamp` (Unix seconds) so a receiver can refuse replays.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from booking_app.config import get_settings

SECRET_PREFIX = "whsec_"
SIGNATURE_VERSION = "v1"
_PURPOSE = b"booking-app webhook endpoint secrets v1"


@lru_cache(maxsize=4)
def _fernet(secret_key: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_PURPOSE).derive(
        secret_key.encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


def new_secret() -> str:
    """A fresh endpoint secret (shown to its owner once)."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def encrypt(secret: str) -> str:
    return _fernet(get_settings().secret_key).encrypt(secret.encode()).decode()


def decrypt(stored: str) -> str | None:
    """The secret, or None when SECRET_KEY changed since it was stored."""
    try:
        return _fernet(get_settings().secret_key).decrypt(stored.encode()).decode()
    except InvalidToken:
        return None


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The X-Webhook-Signature value for this body at this timestamp."""
    message = str(timestamp).encode() + b"." + body
    digest = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return f"{SIGNATURE_VERSION}={digest}"


def verify(secret: str, timestamp: str, body: bytes, signature: str) -> bool:
    """What a receiver does (the README's snippet; tests' receiver uses it)."""
    try:
        expected = sign(secret, int(timestamp), body)
    except ValueError:
        return False
    return hmac.compare_digest(expected, signature)
