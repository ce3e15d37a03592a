"""The one engine and unit-of-work helper for code outside Reflex events (services, tasks, API).

Why our own engine and not `rx.session()`: tasks and the CLI must not import Reflex, and
one engine means one place that makes SQLite behave: WAL (readers don't block the
writer), a busy timeout (a second writer waits instead of failing), foreign keys on,
and `BEGIN IMMEDIATE` for write transactions. pysqlite's default deferred BEGIN lets
two transactions both read "slot free" and both insert; IMMEDIATE takes the write lock
at BEGIN, so check-then-insert is serialized.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, create_engine

from booking_app.config import get_settings

SQLITE_BUSY_TIMEOUT_MS = 15_000
SQLITE_POOL_SIZE = 16  # connections kept open per process (see make_engine)


# `sqlite_begin` of a connection that sends one statement (read_connection): SQLite runs
# it as its own transaction, so no BEGIN (one round trip less per hot read).
SINGLE_STATEMENT = "single statement"


def _configure_sqlite(engine: Engine) -> None:
    """Pragmas per connection, and take BEGIN out of pysqlite's hands (see module doc)."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:  # type: ignore[no-untyped-def]
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        if mode != SINGLE_STATEMENT:
            conn.exec_driver_sql(f"BEGIN {mode}")


def make_engine(url: str) -> Engine:
    """An engine for `url` with our SQLite behaviour; used by the app, alembic and tests."""
    if url.startswith("sqlite"):
        # pool_size: more than the threads that read at once (asyncio's executor for the
        # pages, the API's read pools), else every checkout beyond SQLAlchemy's default 5
        # opened a new connection (and ran the pragmas) and closed it after one read.
        in_memory = url in ("sqlite://", "sqlite:///:memory:")  # one shared connection
        pool = (
            {} if in_memory else {"pool_size": SQLITE_POOL_SIZE, "max_overflow": SQLITE_POOL_SIZE}
        )
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 15}, **pool
        )
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)


@lru_cache(maxsize=1)
def get_engine() -> Engine:
    """The process-wide engine, created lazily (Reflex forks workers after import)."""
    return make_engine(get_settings().database_url)


def reset_engine() -> None:
    """Dispose and forget the engine (tests switch databases between modules)."""
    if get_engine.cache_info().currsize:
        get_engine().dispose()
    get_engine.cache_clear()


_unit_of_work: ContextVar[Session | None] = ContextVar("booking_unit_of_work", default=None)


@contextmanager
def unit_of_work() -> Iterator[Session]:
    """One write transaction around several service calls: every ``session_scope`` and
    ``read_scope`` opened inside joins it instead of starting its own, and nothing
    commits before the block ends (all or nothing). For work made of many use cases that
    must land together, such as seeding the demo; a request never needs it.
    """
    joined = _unit_of_work.get()
    if joined is not None:
        yield joined
        return
    with session_scope(write=True) as session:
        token = _unit_of_work.set(session)
        try:
            yield session
        finally:
            _unit_of_work.reset(token)


@contextmanager
def session_scope(*, write: bool = False) -> Iterator[Session]:
    """A session that commits on success and rolls back on error.

    `write=True` opens the transaction with the database's write lock on SQLite
    (BEGIN IMMEDIATE); on PostgreSQL it is a normal transaction and services take
    row locks or rely on constraints. Inside ``unit_of_work`` it is that unit's session
    (the unit commits or rolls back).
    """
    joined = _unit_of_work.get()
    if joined is not None:
        yield joined
        return
    engine = get_engine()
    if write and engine.dialect.name == "sqlite":
        engine = engine.execution_options(sqlite_begin="IMMEDIATE")
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


@contextmanager
def read_scope() -> Iterator[Session]:
    """A session for reads: never commits, never takes SQLite's write lock.

    Closing (not rolling back) ends the transaction without expiring what was loaded,
    so callers may read attributes of returned rows after the block. Inside
    ``unit_of_work`` it is that unit's session (so it sees the unit's own writes).
    """
    joined = _unit_of_work.get()
    if joined is not None:
        yield joined
        return
    with Session(get_engine(), expire_on_commit=False) as session:
        yield session


@contextmanager
def read_connection() -> Iterator[Connection]:
    """A bare connection for ONE hot read (a prebuilt Core statement): no ORM session to
    build and tear down, a third less CPU than ``read_scope`` (the week calendar's 304
    answer, every poll); on SQLite without a BEGIN (SINGLE_STATEMENT), so a second
    statement would not share the first one's snapshot. Never commits; inside
    ``unit_of_work`` it is that unit's connection (so it sees the unit's own writes)."""
    joined = _unit_of_work.get()
    if joined is not None:
        yield joined.connection()
        return
    with get_engine().connect() as connection:
        yield connection.execution_options(sqlite_begin=SINGLE_STATEMENT)
