"""Databases for tests: migrate with the project's own Alembic setup, make and drop
throwaway PostgreSQL databases, empty every table, point the app at a URL."""

from __future__ import annotations

import argparse
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlmodel import SQLModel

import booking_app.models  # noqa: F401  (every table on SQLModel.metadata)
from booking_app.config import PROJECT_ROOT, get_settings
from booking_app.db import make_engine, reset_engine
from tests.support.services import PG_ADMIN_URL, unavailable


def alembic_config(url: str) -> Config:
    """alembic.ini of the project, aimed at `url` (as `alembic -x db_url=...` would)."""
    options = argparse.Namespace(x=[f"db_url={url}"])
    config = Config(str(PROJECT_ROOT / "alembic.ini"), cmd_opts=options)
    config.attributes["skip_logging"] = True  # keep pytest's logging setup intact
    return config


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(url), revision)


def sqlite_url(path: Path) -> str:
    """An absolute SQLite URL (relative ones depend on each process's cwd)."""
    return f"sqlite:///{path.resolve()}"


def _admin_engine() -> sa.Engine:
    """AUTOCOMMIT connection to the maintenance database (CREATE/DROP DATABASE)."""
    return sa.create_engine(
        PG_ADMIN_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3}
    )


def create_pg_database(prefix: str = "booking_test") -> str:
    """CREATE DATABASE <prefix>_<random>; returns its URL. unavailable() if PG is down."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    engine = _admin_engine()
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except sa.exc.OperationalError as exc:
        first_line = str(exc.orig).strip().splitlines()[0]
        unavailable(f"PostgreSQL at {PG_ADMIN_URL} is not reachable ({first_line})")
    finally:
        engine.dispose()
    return sa.make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def drop_pg_database(url: str) -> None:
    """DROP DATABASE ... WITH (FORCE): also ends sessions a test may have leaked."""
    _cleanup_engine(url).dispose()
    name = sa.make_url(url).database
    engine = _admin_engine()
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        engine.dispose()


@contextmanager
def throwaway_pg_database(prefix: str = "booking_test") -> Iterator[str]:
    """An empty PostgreSQL database for the block, dropped afterwards."""
    url = create_pg_database(prefix)
    try:
        yield url
    finally:
        drop_pg_database(url)


@lru_cache(maxsize=8)
def _cleanup_engine(url: str) -> sa.Engine:
    """One engine per database for emptying tables (a new connection per test costs more)."""
    return make_engine(url)


def empty_all_tables(url: str) -> None:
    """Delete every row of every model table, children first (alembic_version stays).

    DELETE, not TRUNCATE: on PostgreSQL, TRUNCATE of ~20 tiny tables takes ~60 ms, DELETE
    ~4 ms. A lock_timeout turns a test's leaked transaction into an error, not a hang.
    """
    engine = _cleanup_engine(url)
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql("SET LOCAL lock_timeout = '10s'")
        for table in reversed(SQLModel.metadata.sorted_tables):
            conn.execute(table.delete())


@contextmanager
def app_database(url: str) -> Iterator[str]:
    """Point booking_app (settings, engine) at `url` for the block; restore afterwards."""
    previous = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = url
    get_settings.cache_clear()
    reset_engine()
    try:
        yield url
    finally:
        reset_engine()
        if previous is None:
            os.environ.pop("DATABASE_URL", None)
        else:
            os.environ["DATABASE_URL"] = previous
        get_settings.cache_clear()
