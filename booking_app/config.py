"""The single settings source for the app, rxconfig.py, alembic, tasks/ and the API.

Why one module: every process (the Reflex server, its workers, the Celery worker and
beat, alembic, the CLI and the tests) must agree on the database, the broker and the
secret, or a worker started elsewhere silently writes to another SQLite file.

Values come from the environment, then from `.env` in the project root (the
environment wins). Without `DATABASE_URL`/`REDIS_URL` the app runs on embedded
defaults: a SQLite file and a SQLite-backed Celery broker under the data folder.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from dotenv import dotenv_values

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _env() -> dict[str, str]:
    """Environment layered over `.env` (the environment wins)."""
    merged = {k: v for k, v in dotenv_values(PROJECT_ROOT / ".env").items() if v is not None}
    merged.update(os.environ)
    return merged


def _sqlite_url(path: Path) -> str:
    """An absolute SQLite URL: a relative one resolves against the cwd of each process."""
    return f"sqlite:///{path.resolve()}"


def _normalize_db_url(url: str) -> str:
    """Pin PostgreSQL URLs to psycopg2 (SQLAlchemy 2.1 would pick psycopg 3 for `postgresql://`)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg2://" + url[len(prefix) :]
    return url


def _dev_secret(data_dir: Path) -> str:
    """A per-installation secret, generated once and kept in the data folder (never committed)."""
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


def _int(env: dict[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    return int(raw) if raw else default


def origin_of(url: str, *, variable: str = "PUBLIC_URL", exact: bool = False) -> str:
    """`scheme://host[:port]` as browsers send it in `Origin` (lower case, default port
    dropped). `exact` (CORS_ORIGINS) also refuses a path, a query or `*`: an allowed origin
    is a page that may read the API with a user's cookie, so it is spelled out in full."""
    parts = urlsplit(url.strip())
    default_port = {"http": 80, "https": 443}.get(parts.scheme.lower())
    try:
        port = parts.port
    except ValueError:
        port = -1
    extra = parts.path not in ("", "/") or parts.query or parts.fragment or parts.username
    if default_port is None or not parts.hostname or port == -1 or (exact and extra):
        raise ValueError(
            f"{variable}: {url!r} is not an origin like https://tutor.example.com "
            "(http or https, a host, an optional port, nothing after it)"
        )
    host = parts.hostname.lower()
    host = f"[{host}]" if ":" in host else host  # IPv6
    keep_port = port is not None and port != default_port
    return f"{parts.scheme.lower()}://{host}{f':{port}' if keep_port else ''}"


def _allowed_origins(env: dict[str, str], public_url: str) -> tuple[str, ...]:
    items = [item for item in (env.get("CORS_ORIGINS") or "").split(",") if item.strip()]
    extra = [origin_of(item, variable="CORS_ORIGINS", exact=True) for item in items]
    return tuple(dict.fromkeys([origin_of(public_url), *extra]))


def _proxy_hops(env: dict[str, str]) -> int:
    """TRUSTED_PROXY_HOPS: how many proxies in front of the app append to X-Forwarded-For.

    Refused loudly when negative: a wrong value either trusts client-forged addresses
    (too high) or puts every user behind the proxy's one address (0 behind a proxy).
    """
    hops = _int(env, "TRUSTED_PROXY_HOPS", 0)
    if hops < 0:
        raise ValueError("TRUSTED_PROXY_HOPS must be 0 (no proxy) or the number of proxies")
    return hops


STUDENT_OVERLAP_MODES = ("warn", "block", "allow")


def _student_overlap(env: dict[str, str]) -> str:
    """STUDENT_OVERLAP: what booking over one's own lesson does; refused loudly when
    misspelled (a typo silently allowing double bookings would go unnoticed)."""
    value = (env.get("STUDENT_OVERLAP") or "warn").strip().lower()
    if value not in STUDENT_OVERLAP_MODES:
        raise ValueError(f"STUDENT_OVERLAP must be one of {', '.join(STUDENT_OVERLAP_MODES)}")
    return value


def _realtime_url(env: dict[str, str], port: int) -> str:
    """The app's own address for other processes (Celery, bot); "off" disables pushing."""
    raw = (env.get("REALTIME_URL") or "").strip()
    if raw.lower() == "off":
        return ""
    return (raw or f"http://127.0.0.1:{port}").rstrip("/")


@dataclass(frozen=True, slots=True)
class Settings:
    """Every tunable of the app; see README "Configuration" for each variable."""

    data_dir: Path
    database_url: str
    redis_url: str | None
    celery_broker_url: str
    secret_key: str
    port: int
    public_url: str
    session_ttl_hours: int
    cookie_secure: bool
    login_max_failures: int
    login_window_minutes: int
    default_timezone: str
    telegram_bot_token: str | None
    telegram_api_base_url: str
    telegram_bot_username: str
    morning_confirm_cron: str
    join_window_minutes: int
    video_url_template: str
    invite_ttl_hours: int
    realtime_url: str = ""  # where other processes POST live updates; "" = don't
    notify_scan_seconds: int = 60
    # Computed weeks of free slots kept per worker (services/tutor_public.py); 0 = none.
    week_cache_size: int = 512
    api_read_cache_size: int = 1024
    notify_lease_seconds: int = 120
    telegram_global_per_second: int = 28
    telegram_webhook_url: str | None = None
    # Pages that may use the API with the user's cookie and open the websocket: PUBLIC_URL's
    # origin first, then CORS_ORIGINS (booking_app/api/cors.py, rxconfig.py).
    allowed_origins: tuple[str, ...] = ()
    # Sign-in throttle beyond account+IP (see services/sign_in_throttle.py) and the
    # number of reverse proxies whose X-Forwarded-For entries are trusted.
    login_ip_max_failures: int = 50
    login_account_ramp_after: int = 20
    login_account_max_delay_seconds: int = 60
    login_known_ip_days: int = 30
    trusted_proxy_hops: int = 0
    # A student booking a time when they already have a lesson (with any tutor):
    # "warn" asks "book anyway?", "block" refuses, "allow" says nothing.
    student_overlap: str = "warn"
    # Webhooks (services/webhooks): private/loopback targets and plain http:// only with
    # WEBHOOK_ALLOW_PRIVATE (tests, a receiver on the same host); auto-disable after
    # WEBHOOK_MAX_FAILURES failed attempts in a row; retries back off from
    # WEBHOOK_BACKOFF_SECONDS, doubling, up to WEBHOOK_MAX_ATTEMPTS tries per event.
    webhook_allow_private: bool = False
    webhook_max_failures: int = 10
    webhook_timeout_seconds: int = 10
    webhook_scan_seconds: int = 10
    webhook_lease_seconds: int = 60
    webhook_backoff_seconds: int = 30
    webhook_max_attempts: int = 8
    # Running the school (README "Running the school"): a tentative lesson not confirmed
    # this many hours before its start is cancelled; an outcome can be changed this many
    # days after the lesson ends.
    tentative_confirm_hours: int = 2
    outcome_edit_days: int = 7
    # Connected calendars (issue 17: iCal import, CalDAV sync; README "Calendars: connect
    # your other calendars"). Private/loopback feed addresses are refused unless
    # CALENDAR_ALLOW_PRIVATE_URLS is set (SSRF; the tests set it for their loopback servers).
    calendar_refresh_minutes: int = 15
    calendar_max_feed_bytes: int = 10 * 1024 * 1024
    calendar_fetch_timeout_seconds: int = 20
    calendar_horizon_days: int = 180
    calendar_allow_private_urls: bool = False
    # Programs using /api/v1 (README "Using the API"): access JWT and refresh-token
    # lifetimes, and the rate limit per token and per IP (requests per window; 0 = off).
    api_access_ttl_minutes: int = 15
    api_refresh_ttl_days: int = 30
    api_rate_window_seconds: int = 60
    api_rate_limit_per_token: int = 600
    api_rate_limit_per_ip: int = 1200

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def is_embedded(self) -> bool:
        """True when no external service is configured (the one-command default)."""
        return self.is_sqlite and self.redis_url is None


def load_settings(env: dict[str, str] | None = None) -> Settings:
    """Build Settings from a mapping (defaults to the process environment + `.env`)."""
    env = _env() if env is None else env
    data_dir = Path(env.get("DATA_DIR") or PROJECT_ROOT / "data").resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    redis_url = env.get("REDIS_URL") or None
    port = _int(env, "PORT", 3000)
    public_url = (env.get("PUBLIC_URL") or f"http://localhost:{port}").rstrip("/")
    return Settings(
        data_dir=data_dir,
        database_url=_normalize_db_url(
            env.get("DATABASE_URL") or _sqlite_url(data_dir / "booking.db")
        ),
        redis_url=redis_url,
        celery_broker_url=env.get("CELERY_BROKER_URL")
        or redis_url
        or "sqla+" + _sqlite_url(data_dir / "celery-broker.db"),
        secret_key=env.get("SECRET_KEY") or _dev_secret(data_dir),
        port=port,
        public_url=public_url,
        session_ttl_hours=_int(env, "SESSION_TTL_HOURS", 8),
        cookie_secure=env.get("COOKIE_SECURE", "").lower() in {"1", "true", "yes"},
        login_max_failures=_int(env, "LOGIN_MAX_FAILURES", 10),
        login_window_minutes=_int(env, "LOGIN_WINDOW_MINUTES", 15),
        default_timezone=env.get("DEFAULT_TIMEZONE") or "Europe/Kyiv",
        telegram_bot_token=env.get("TELEGRAM_BOT_TOKEN") or None,
        telegram_api_base_url=env.get("TELEGRAM_API_BASE_URL") or "https://api.telegram.org/bot",
        telegram_bot_username=env.get("TELEGRAM_BOT_USERNAME") or "tutor_booking_bot",
        morning_confirm_cron=env.get("MORNING_CONFIRM_CRON") or "0 8 * * *",
        join_window_minutes=_int(env, "JOIN_WINDOW_MINUTES", 15),
        video_url_template=env.get("VIDEO_URL_TEMPLATE")
        or "https://meet.jit.si/tutor-{session_uuid}",
        invite_ttl_hours=_int(env, "INVITE_TTL_HOURS", 24),
        realtime_url=_realtime_url(env, port),
        notify_scan_seconds=_int(env, "NOTIFY_SCAN_SECONDS", 60),
        week_cache_size=_int(env, "WEEK_CACHE_SIZE", 512),
        api_read_cache_size=_int(env, "API_READ_CACHE_SIZE", 1024),
        notify_lease_seconds=_int(env, "NOTIFY_LEASE_SECONDS", 120),
        telegram_global_per_second=_int(env, "TELEGRAM_GLOBAL_PER_SECOND", 28),
        telegram_webhook_url=env.get("TELEGRAM_WEBHOOK_URL") or None,
        allowed_origins=_allowed_origins(env, public_url),
        login_ip_max_failures=_int(env, "LOGIN_IP_MAX_FAILURES", 50),
        login_account_ramp_after=_int(env, "LOGIN_ACCOUNT_RAMP_AFTER", 20),
        login_account_max_delay_seconds=_int(env, "LOGIN_ACCOUNT_MAX_DELAY_SECONDS", 60),
        login_known_ip_days=_int(env, "LOGIN_KNOWN_IP_DAYS", 30),
        trusted_proxy_hops=_proxy_hops(env),
        student_overlap=_student_overlap(env),
        webhook_allow_private=env.get("WEBHOOK_ALLOW_PRIVATE", "").lower() in {"1", "true", "yes"},
        webhook_max_failures=_int(env, "WEBHOOK_MAX_FAILURES", 10),
        webhook_timeout_seconds=_int(env, "WEBHOOK_TIMEOUT_SECONDS", 10),
        webhook_scan_seconds=_int(env, "WEBHOOK_SCAN_SECONDS", 10),
        webhook_lease_seconds=_int(env, "WEBHOOK_LEASE_SECONDS", 60),
        webhook_backoff_seconds=_int(env, "WEBHOOK_BACKOFF_SECONDS", 30),
        webhook_max_attempts=_int(env, "WEBHOOK_MAX_ATTEMPTS", 8),
        tentative_confirm_hours=_int(env, "TENTATIVE_CONFIRM_HOURS", 2),
        outcome_edit_days=_int(env, "OUTCOME_EDIT_DAYS", 7),
        calendar_refresh_minutes=max(1, _int(env, "CALENDAR_REFRESH_MINUTES", 15)),
        calendar_max_feed_bytes=_int(env, "CALENDAR_MAX_FEED_BYTES", 10 * 1024 * 1024),
        calendar_fetch_timeout_seconds=_int(env, "CALENDAR_FETCH_TIMEOUT_SECONDS", 20),
        calendar_horizon_days=_int(env, "CALENDAR_HORIZON_DAYS", 180),
        calendar_allow_private_urls=env.get("CALENDAR_ALLOW_PRIVATE_URLS", "").lower()
        in {"1", "true", "yes"},
        api_access_ttl_minutes=max(1, _int(env, "API_ACCESS_TTL_MINUTES", 15)),
        api_refresh_ttl_days=max(1, _int(env, "API_REFRESH_TTL_DAYS", 30)),
        api_rate_window_seconds=max(1, _int(env, "API_RATE_WINDOW_SECONDS", 60)),
        api_rate_limit_per_token=max(0, _int(env, "API_RATE_LIMIT_PER_TOKEN", 600)),
        api_rate_limit_per_ip=max(0, _int(env, "API_RATE_LIMIT_PER_IP", 1200)),
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings; tests call `get_settings.cache_clear()` after changing env."""
    return load_settings()
