"""The Celery app ("booking"): broker from booking_app.config, beat schedule, reliability knobs.

Started by `python -m booking_app.cli run` as
`celery -A tasks.celery_app worker --beat -s <data>/celerybeat-schedule`.

Why these settings:
- `task_acks_late` + `task_reject_on_worker_lost`: a message is acknowledged after its task
  ran, so a worker that dies mid-task hands it to the next one. Tasks must be idempotent
  (reminders are rows in a table that a task scans, never far-future ETA messages).
- `worker_prefetch_multiplier=1`: a worker holds one message per process, so a slow task
  doesn't keep others waiting behind it.
- `task_ignore_result`: results live in the database; nobody waits on an AsyncResult.
- The embedded broker is kombu's SQLAlchemy transport on a SQLite file next to the app's
  database (no Redis needed). Every option in `broker_transport_options` is passed to
  `create_engine` by that transport, so only engine arguments may go there (a generous
  busy timeout: worker, beat and producers are separate processes sharing one file).
"""

from __future__ import annotations

import pkgutil
from datetime import timedelta
from pathlib import Path
from typing import Any

from celery import Celery

from booking_app.config import get_settings

PURGE_SIGN_IN_ATTEMPTS = "tasks.housekeeping.purge_sign_in_attempts"
PURGE_BROKER_MESSAGES = "tasks.housekeeping.purge_broker_messages"
REFRESH_NEXT_FREE = "tasks.marketplace.refresh_next_free"
SCAN_NOTIFICATIONS = "tasks.notifications.scan_notifications"
SCAN_WEBHOOKS = "tasks.webhooks.scan_webhooks"


def is_sql_broker(url: str) -> bool:
    """True for kombu's SQLAlchemy transport (`sqla+...` / `sqlalchemy+...`)."""
    return url.startswith(("sqla+", "sqlalchemy+"))


def _task_modules() -> tuple[str, ...]:
    """Every module of this package but this one, so `tasks/x.py` registers itself."""
    return tuple(
        f"tasks.{module.name}"
        for module in pkgutil.iter_modules([str(Path(__file__).parent)])
        if module.name != "celery_app" and not module.name.startswith("_")
    )


def _transport_options(broker_url: str) -> dict[str, Any]:
    """Engine arguments for the SQLite broker (see module docstring); none for Redis."""
    if is_sql_broker(broker_url) and "sqlite" in broker_url.split("://", 1)[0]:
        return {"connect_args": {"timeout": 30}}
    return {}


def _beat_schedule() -> dict[str, dict[str, Any]]:
    """Periodic housekeeping; the schedule lives here so one worker `--beat` runs it all."""
    return {
        "purge-sign-in-attempts": {
            "task": PURGE_SIGN_IN_ATTEMPTS,
            "schedule": timedelta(minutes=15),
        },
        "purge-broker-messages": {"task": PURGE_BROKER_MESSAGES, "schedule": timedelta(hours=6)},
        # Marketplace "next free" times that time has made stale (tasks/marketplace.py).
        "refresh-next-free": {
            "task": REFRESH_NEXT_FREE,
            "schedule": timedelta(minutes=5),
        },  # < next_free.LEAD
        # Connected calendars (tasks/calendars.py): each source says when it is due
        # (CALENDAR_REFRESH_MINUTES, backoff on failure); the CalDAV push outbox.
        "refresh-calendars": {
            "task": "tasks.calendars.refresh_calendars",
            "schedule": timedelta(minutes=1),
        },
        "push-calendars": {
            "task": "tasks.calendars.push_calendars",
            "schedule": timedelta(minutes=1),
        },
        # The outbox scan (reminders, retries, morning digests); NOTIFY_SCAN_SECONDS, default 60.
        "scan-notifications": {
            "task": SCAN_NOTIFICATIONS,
            "schedule": timedelta(seconds=get_settings().notify_scan_seconds),
        },
        # Webhook deliveries (tasks/webhooks.py); WEBHOOK_SCAN_SECONDS, default 10.
        "scan-webhooks": {
            "task": SCAN_WEBHOOKS,
            "schedule": timedelta(seconds=get_settings().webhook_scan_seconds),
        },
    }


def _configure(celery: Celery, broker_url: str) -> None:
    """Apply the settings explained in the module docstring."""
    celery.conf.update(
        broker_url=broker_url,
        broker_transport_options=_transport_options(broker_url),
        broker_connection_retry_on_startup=True,
        task_ignore_result=True,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        worker_cancel_long_running_tasks_on_connection_loss=True,
        timezone="UTC",
        enable_utc=True,
        beat_schedule=_beat_schedule(),
        imports=_task_modules(),
    )


SQL_BROKER_POLL_S = 0.1


def _fast_sql_polling(broker_url: str) -> None:
    """kombu's SQL transport polls every 1 s and, with acks_late and prefetch 1, a worker
    process takes its next message only at the next poll: ~1 task/s per process. Its
    `polling_interval` can't go through `broker_transport_options` (those all reach
    `create_engine`, see above), so it is set on the transport class; 10 cheap SELECTs/s
    on an idle SQLite file is the price. Redis pushes messages and needs nothing."""
    if is_sql_broker(broker_url):
        from kombu.transport import sqlalchemy as kombu_sqla

        kombu_sqla.Transport.polling_interval = SQL_BROKER_POLL_S


app = Celery("booking")
_configure(app, get_settings().celery_broker_url)
_fast_sql_polling(get_settings().celery_broker_url)


def prepare_broker() -> None:
    """Create the SQL broker's tables and default queue row once, up front.

    kombu's SQLAlchemy transport creates them lazily in every process; when the worker,
    its beat and the app start together on a fresh file, two of them can try at once and
    one fails ("table already exists" / a duplicate queue name). Redis needs nothing.
    """
    if not is_sql_broker(app.conf.broker_url):
        return
    with app.connection_for_write() as connection:
        connection.default_channel.queue_declare(queue=app.conf.task_default_queue)
