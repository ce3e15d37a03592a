"""Encrypt small secrets at rest (CalDAV app passwords) with a key derived from SECRET_KEY.

Why derived, not SECRET_KEY itself: the same secret also signs session tokens; HKDF with
a purpose label gives an independent key, so one use can never be confused with the
other. Fernet (AES-128-CBC + HMAC-SHA256) authenticates the ciphertext, so a tampered or
foreign value fails to decrypt instead of yielding garbage. Rotating SECRET_KEY makes
stored passwords unreadable: the tutor is asked to enter them again.
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from booking_app.config import get_settings

PURPOSE = b"tutorbook calendar credentials v1"


def _fernet() -> Fernet:
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=PURPOSE).derive(
        get_settings().secret_key.encode()
    )
    return Fernet(base64.urlsafe_b64encode(raw))


def seal(plain: str) -> str:
    return _fernet().encrypt(plain.encode()).decode()


def open_sealed(token: str) -> str | None:
    """The secret, or None when it was sealed under another SECRET_KEY (or tampered)."""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except (InvalidToken, ValueError):
        return None
