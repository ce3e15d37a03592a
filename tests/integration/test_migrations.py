"""Migrations on SQLite and PostgreSQL: up, down, up again; schema == models; constraints.

Why: the one migration chain must serve both the embedded SQLite default and PostgreSQL,
and the database itself must refuse what the services would never write (overlapping
lessons, a 2-seat "individual" lesson, naive datetimes) in case some code forgets.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlmodel import Session, SQLModel

from booking_app.config import PROJECT_ROOT
from booking_app.db import make_engine
from booking_app.models import (
    Booking,
    Lesson,
    LessonStatus,
    LessonType,
    Role,
    Service,
    TutorProfile,
    User,
)
from booking_app.models.lesson import EXCLUSION_NAME
from tests.support.databases import (
    alembic_config,
    downgrade,
    sqlite_url,
    throwaway_pg_database,
    upgrade,
)
from tests.support.processes import VENV_BIN_DIR, one_reflex_startup, project_env

START = datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc)
HEAD = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


@pytest.fixture(params=["sqlite", "postgres"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database of its own, with no tables at all."""
    if request.param == "sqlite":
        yield sqlite_url(tmp_path / "migrations.db")
    else:
        with throwaway_pg_database("booking_migrations") as url:
            yield url


EngineFor = Callable[[str], sa.Engine]


@pytest.fixture
def engine_for() -> Iterator[EngineFor]:
    """make_engine(url) that is disposed after the test (PG can then drop the database)."""
    engines: list[sa.Engine] = []

    def _make(url: str) -> sa.Engine:
        engines.append(make_engine(url))
        return engines[-1]

    yield _make
    for engine in engines:
        engine.dispose()


def _user(email: str, role: Role) -> User:
    return User(email=email, phone="+380501234567", name=email, role=role, password_hash="x")


def _lesson(tutor_id: int | None, start: datetime, **overrides: object) -> Lesson:
    """A one-hour lesson; ids are `int | None` on unsaved SQLModel rows, hence the type."""
    values: dict[str, object] = {"tutor_id": tutor_id, "starts_at": start}
    return Lesson(**{**values, "ends_at": start + timedelta(hours=1), **overrides})


def _insert_sample(engine: sa.Engine) -> None:
    """A tutor with a profile and a service, a lesson, and a student's booking of it."""
    with Session(engine) as session:
        tutor, student = _user("t@example.com", Role.tutor), _user("s@example.com", Role.student)
        session.add_all([tutor, student])
        session.flush()
        service = Service(tutor_id=tutor.id, name="Algebra", price=Decimal("500.00"))
        session.add_all([TutorProfile(user_id=tutor.id, slug="tutor"), service])
        session.flush()
        lesson = _lesson(tutor.id, START, service_id=service.id)
        session.add(lesson)
        session.flush()
        session.add(
            Booking(
                lesson_id=lesson.id,
                tutor_id=tutor.id,
                student_id=student.id,
                client_name="Student",
                client_phone="+380501234568",
            )
        )
        session.commit()


def _tables(engine: sa.Engine) -> set[str]:
    return set(sa.inspect(engine).get_table_names())


def _version(engine: sa.Engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalars())


def test_upgrade_downgrade_upgrade_with_data(empty_url: str, engine_for: EngineFor) -> None:
    engine = engine_for(empty_url)
    upgrade(empty_url)
    _insert_sample(engine)
    assert _version(engine) == [HEAD]

    downgrade(empty_url, "base")
    assert _tables(engine) == {"alembic_version"}
    assert _version(engine) == []

    upgrade(empty_url)
    _insert_sample(engine)  # the schema is usable again, and empty (same unique emails)
    assert _version(engine) == [HEAD]
    assert _tables(engine) >= set(SQLModel.metadata.tables)


def test_models_and_migrations_agree(empty_url: str, engine_for: EngineFor) -> None:
    """What `alembic check` does: autogenerate against head finds nothing to add."""
    upgrade(empty_url)
    with engine_for(empty_url).connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, SQLModel.metadata)
    assert differences == []


def test_exclusion_constraint_refuses_overlapping_lessons_on_postgres(pg_db: str) -> None:
    """SQLite has no exclusion constraints; there the services' BEGIN IMMEDIATE serializes."""
    engine = make_engine(pg_db)
    try:
        with engine.connect() as conn:
            found = conn.execute(
                sa.text("SELECT 1 FROM pg_constraint WHERE conname = :name AND contype = 'x'"),
                {"name": EXCLUSION_NAME},
            ).all()
        assert found, f"{EXCLUSION_NAME} is missing"
        with Session(engine) as session:
            tutor = _user("t@example.com", Role.tutor)
            session.add(tutor)
            session.flush()
            session.add(_lesson(tutor.id, START))
            session.commit()
            tutor_id = tutor.id

        with Session(engine) as session, pytest.raises(sa.exc.IntegrityError, match=EXCLUSION_NAME):
            session.add(_lesson(tutor_id, START + timedelta(minutes=30)))
            session.commit()

        with Session(engine) as session:
            overlap = START + timedelta(minutes=30)
            session.add(_lesson(tutor_id, overlap, status=LessonStatus.cancelled))
            session.commit()  # a cancelled lesson may overlap

        with Session(engine) as session:
            session.add(_lesson(tutor_id, START + timedelta(hours=1)))
            session.commit()  # back to back is no overlap: ranges are [start, end)
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("lesson_type", "capacity"), [(LessonType.individual, 2), (LessonType.group, 1)]
)
def test_capacity_must_match_lesson_type(db: str, lesson_type: LessonType, capacity: int) -> None:
    engine = make_engine(db)
    try:
        with Session(engine) as session:
            tutor = _user("t@example.com", Role.tutor)
            session.add(tutor)
            session.flush()
            service = Service(tutor_id=tutor.id, name="x", lesson_type=lesson_type)
            service.capacity = capacity
            session.add(service)
            with pytest.raises(sa.exc.IntegrityError, match="capacity_matches_type"):
                session.commit()
    finally:
        engine.dispose()


def test_naive_datetime_is_refused(db: str) -> None:
    engine = make_engine(db)
    try:
        with Session(engine) as session:
            tutor = _user("t@example.com", Role.tutor)
            session.add(tutor)
            session.flush()
            session.add(_lesson(tutor.id, START.replace(tzinfo=None)))
            with pytest.raises(sa.exc.StatementError, match="naive datetime"):
                session.commit()
    finally:
        engine.dispose()


def test_reflex_db_migrate_brings_a_fresh_database_to_head(tmp_path: Path) -> None:
    """The real `reflex db migrate` (what a deploy runs) works with our alembic setup."""
    url = sqlite_url(tmp_path / "reflex.db")
    with one_reflex_startup():  # never beside an app start (tests/support/processes.py)
        result = _reflex_db_migrate(url, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    engine = make_engine(url)
    try:
        assert _version(engine) == [HEAD]
    finally:
        engine.dispose()


def _reflex_db_migrate(url: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(VENV_BIN_DIR / "reflex"), "db", "migrate"],
        cwd=PROJECT_ROOT,
        env=project_env(DATABASE_URL=url, DATA_DIR=str(tmp_path)),
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=240,
        check=False,
    )


def test_tutor_side_migration_keeps_published_rows_and_hides_new_ones(
    empty_url: str, engine_for: EngineFor
) -> None:
    """0013: existing profiles keep is_published; a row written without it is hidden."""
    upgrade(empty_url, "0011_sessions")
    engine = engine_for(empty_url)
    insert_user = sa.text(
        'INSERT INTO "user" (email, phone, name, role, password_hash, timezone, is_active,'
        " created_at) VALUES (:e, '+380501234567', :e, 'tutor', 'x', 'UTC', :t, :now)"
    )
    with engine.begin() as conn:
        for email in ("old@example.com", "new@example.com"):
            conn.execute(insert_user, {"e": email, "t": True, "now": START})
        old = conn.execute(sa.text("SELECT id FROM \"user\" WHERE email = 'old@example.com'"))
        conn.execute(
            sa.text(
                "INSERT INTO tutor_profile (user_id, slug, headline, bio, default_price, currency,"
                " buffer_before_min, buffer_after_min, min_notice_min, horizon_days, slot_step_min,"
                " cancellation_notice_hours, reminder_offsets_hours, requires_confirmation,"
                " is_published, created_at, updated_at) VALUES (:u, :s, '', '', 0, 'UAH', 0, 0,"
                " 0, 60, 30, 24, '[]', :f, :p, :now, :now)"
            ),
            {"u": old.scalar_one(), "s": "old", "f": False, "p": True, "now": START},
        )
    upgrade(empty_url)
    with engine.begin() as conn:
        new = conn.execute(sa.text("SELECT id FROM \"user\" WHERE email = 'new@example.com'"))
        conn.execute(
            sa.text(
                "INSERT INTO tutor_profile (user_id, slug, headline, bio, default_price, currency,"
                " buffer_before_min, buffer_after_min, min_notice_min, horizon_days, slot_step_min,"
                " cancellation_notice_hours, reminder_offsets_hours, requires_confirmation,"
                " created_at, updated_at) VALUES (:u, 'new', '', '', 0, 'UAH', 0, 0, 0, 60, 30,"
                " 24, '[]', :f, :now, :now)"
            ),
            {"u": new.scalar_one(), "f": False, "now": START},
        )
        rows = dict(conn.execute(sa.text("SELECT slug, is_published FROM tutor_profile")).all())
    assert {k: bool(v) for k, v in rows.items()} == {"old": True, "new": False}
