"""Migrations take an empty database to head, and match the models exactly."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

from tests.support.settings import POSTGRES_URL
from wbs_app.database import Base, make_engine
from wbs_app.migrate import current_revision, downgrade, head_revision, upgrade


def _sqlite_engine(tmp_path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    yield engine
    engine.dispose()


def _postgres_engine() -> Iterator[Engine]:
    schema = f"migr_{uuid.uuid4().hex[:10]}"
    admin = make_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(POSTGRES_URL)
    engine = engine.execution_options(schema_translate_map=None)
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _search_path(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f'SET search_path TO "{schema}"')
        cursor.close()
        dbapi_connection.commit()

    yield engine
    engine.dispose()
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_engine(request, tmp_path) -> Iterator[Engine]:
    if request.param == "postgresql":
        if not POSTGRES_URL:
            pytest.skip("PostgreSQL run: .ci/run sets WBS_TEST_DATABASE_URL")
        yield from _postgres_engine()
    else:
        yield from _sqlite_engine(tmp_path)


def test_empty_to_head_and_back(fresh_engine: Engine) -> None:
    assert current_revision(fresh_engine) is None
    upgrade(fresh_engine)
    assert current_revision(fresh_engine) == head_revision()
    tables = set(inspect(fresh_engine).get_table_names())
    assert {table.name for table in Base.metadata.sorted_tables} <= tables
    downgrade(fresh_engine, "base")
    assert set(inspect(fresh_engine).get_table_names()) <= {"alembic_version"}
    upgrade(fresh_engine)
    assert current_revision(fresh_engine) == head_revision()


def test_models_match_migrations(fresh_engine: Engine) -> None:
    upgrade(fresh_engine)
    with fresh_engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == [], f"models and migrations differ: {differences}"


def test_sqlite_pragmas(tmp_path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'p.sqlite3'}", busy_timeout_ms=4321)
    with engine.connect() as connection:
        pragma = lambda name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
        assert pragma("journal_mode") == "wal"
        assert pragma("synchronous") == 2  # FULL
        assert pragma("foreign_keys") == 1
        assert pragma("secure_delete") == 1
        assert pragma("busy_timeout") == 4321
    engine.dispose()
