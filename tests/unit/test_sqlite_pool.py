"""SQLite's connection pool holds more connections than the threads that read at once.

Why (issue 15): with SQLAlchemy's default pool (5 kept, 10 overflow) and asyncio's
executor (6 threads on 2 cores) plus the API's read pools, every read beyond the fifth
concurrent one opened a new SQLite connection, ran the pragmas and closed it afterwards;
under 200 users that churn was a visible part of the reading threads' time. Here 12
threads read at once, twice: the second round opens no connection.
"""

from __future__ import annotations

import threading
from pathlib import Path

import sqlalchemy as sa

from booking_app.db import SQLITE_POOL_SIZE, make_engine

READERS = 12  # more than SQLAlchemy's default pool of 5, fewer than ours


def _read_concurrently(engine: sa.Engine) -> None:
    barrier = threading.Barrier(READERS)

    def read() -> None:
        with engine.connect() as connection:
            barrier.wait(timeout=10)  # all 12 hold a connection at the same moment
            connection.execute(sa.text("SELECT 1")).scalar_one()

    threads = [threading.Thread(target=read) for _ in range(READERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=20)


def _opened(engine: sa.Engine) -> list[int]:
    opened: list[int] = []
    sa.event.listen(engine, "connect", lambda *_: opened.append(1))
    return opened


def test_concurrent_readers_reuse_their_connections(tmp_path: Path) -> None:
    assert SQLITE_POOL_SIZE >= READERS
    engine = make_engine(f"sqlite:///{tmp_path / 'pool.db'}")
    opened = _opened(engine)
    _read_concurrently(engine)
    first_round = len(opened)
    _read_concurrently(engine)
    assert first_round == READERS
    assert len(opened) == first_round  # every connection was kept and reused
    engine.dispose()


def test_the_default_pool_would_reopen_them(tmp_path: Path) -> None:
    """Negative control: SQLAlchemy's defaults (5 kept) reopen the extra connections."""
    engine = sa.create_engine(
        f"sqlite:///{tmp_path / 'pool.db'}", connect_args={"check_same_thread": False}
    )
    opened = _opened(engine)
    _read_concurrently(engine)
    first_round = len(opened)
    _read_concurrently(engine)
    assert len(opened) > first_round
    engine.dispose()


def test_an_in_memory_database_still_gets_an_engine() -> None:
    engine = make_engine("sqlite://")
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT 1")).scalar_one() == 1
    engine.dispose()
