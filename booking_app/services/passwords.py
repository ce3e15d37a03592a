"""Password hashing: argon2 through passlib (the maintained `libpass` fork)."""

from passlib.context import CryptContext

_context = CryptContext(schemes=["argon2"], deprecated="auto")


def hash_password(password: str) -> str:
    return _context.hash(password)


def verify_password(password: str, password_hash: str) -> bool:
    """False for a wrong password or an unparseable hash, never an exception."""
    try:
        return _context.verify(password, password_hash)
    except (ValueError, TypeError):
        return False


# Verified against when the email is unknown, so response time doesn't reveal which emails exist.
DUMMY_HASH = hash_password("not-a-real-password")
