"""Databases for the benchmark scripts (a helper module: `make bench` runs bench_*.py only).

Why shared: the benchmarks that measure against both backends need the same three steps,
a throwaway PostgreSQL database, the app's own migrations on it, and the app pointed at
it; keeping one copy keeps their setups identical. Import after setting DATA_DIR.
"""

from __future__ import annotations

import argparse
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from booking_app.config import get_settings
from booking_app.db import reset_engine

ROOT = Path(__file__).resolve().parents[1]
PG_ADMIN_URL = os.environ.get(
    "BENCH_PG_ADMIN_URL",
    os.environ.get("TEST_PG_ADMIN_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test"),
)


def migrate(url: str) -> None:
    """``alembic upgrade head`` on ``url``, as the app's own migrations define the schema."""
    config = Config(str(ROOT / "alembic.ini"), cmd_opts=argparse.Namespace(x=[f"db_url={url}"]))
    config.attributes["skip_logging"] = True
    command.upgrade(config, "head")


@contextmanager
def use_database(url: str) -> Iterator[None]:
    """Point the app (settings + engine) at ``url`` for the block."""
    os.environ["DATABASE_URL"] = url
    get_settings.cache_clear()
    reset_engine()
    try:
        yield
    finally:
        reset_engine()


@contextmanager
def throwaway_pg(prefix: str) -> Iterator[str | None]:
    """A fresh PostgreSQL database (dropped afterwards), or None if the server is down."""
    admin = sa.create_engine(
        PG_ADMIN_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3}
    )
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except sa.exc.OperationalError as exc:
        print(f"PostgreSQL skipped: {PG_ADMIN_URL} is not reachable ({exc.orig})".strip())
        admin.dispose()
        yield None
        return
    try:
        yield sa.make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
