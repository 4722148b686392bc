"""The purge the app runs (``wbs sweep``, at each gunicorn start) removes all dead sessions.

Replaying an expired cookie deletes its row on sight
(``tests/adversarial/test_session_replay.py``), but a visitor who never comes
back leaves the row behind: only the purge removes it. A purge that forgets a
kind of visitor (as the respondent's once was) keeps their sealed seeds in
the database long after the visit ended, so every kind is checked here
through the command, beside a live session of the same kind that must stay.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from tests.support.http import https_client
from tests.support.reporter import open_case
from tests.support.sweeping import run_sweep
from tests.support.world import World, build_world
from wbs_app.db import app_database
from wbs_app.models import ReporterSession, RespondentSession, StaffSession
from wbs_app.services.infra import compaction
from wbs_app.services.infra.clock import utcnow

SESSION_TABLES = (StaffSession, ReporterSession, RespondentSession)


@pytest.fixture
def world(app, org) -> World:
    return build_world(app, org)


def _rows(world: World, model: Any) -> set[bytes]:
    with app_database(world.app).session() as session:
        return set(session.scalars(select(model.id_hash)))


def test_the_sweep_purges_expired_sessions_of_every_zone(world: World) -> None:
    before = {model: _rows(world, model) for model in SESSION_TABLES}
    assert all(before.values()), "the world has a live session in every zone"
    with app_database(world.app).session() as session:
        for model in SESSION_TABLES:
            for row in session.scalars(select(model)):
                row.expires_at = utcnow() - timedelta(seconds=1)
    # A visit begun after the others expired: it must outlive the purge.
    live = https_client(world.app)
    assert open_case(live, world.receipt_a).status_code == 302
    started = _rows(world, ReporterSession) - before[ReporterSession]
    assert len(started) == 1

    done = run_sweep(world.app)

    assert done.exit_code == 0, done.output
    assert _rows(world, StaffSession) == set()
    assert _rows(world, RespondentSession) == set()
    assert _rows(world, ReporterSession) == started


def _database_files(world: World) -> dict[str, bytes]:
    """The SQLite database's own files (main, WAL), as bytes on disk."""
    path = Path(app_database(world.app).engine.url.database or "")
    return {
        str(part): part.read_bytes()
        for part in (path, path.with_name(path.name + "-wal"))
        if part.exists()
    }


def test_a_purged_session_leaves_no_bytes_in_the_database_files(world: World) -> None:
    """The WAL kept a purged row's pages until the sweep checkpointed and truncated it.

    The row's key (the hash of its cookie's token) is 32 random bytes: found
    in the main file or the WAL after the purge, the row is still on disk.
    """
    if app_database(world.app).engine.dialect.name != "sqlite":
        pytest.skip("SQLite's files; PostgreSQL is vacuumed (the next test)")
    with app_database(world.app).session() as session:
        rows = list(session.scalars(select(ReporterSession)))
        for row in rows:
            row.expires_at = utcnow() - timedelta(seconds=1)
        gone = [row.id_hash for row in rows]
    assert gone and any(key in blob for blob in _database_files(world).values() for key in gone)

    done = run_sweep(world.app)

    assert done.exit_code == 0, done.output
    assert "WAL checkpointed and truncated" in done.output
    files = _database_files(world)
    assert all(len(blob) == 0 for name, blob in files.items() if name.endswith("-wal"))
    assert not [key for key in gone for blob in files.values() if key in blob]


def test_the_sweep_vacuums_postgresql_hot_tables(world: World) -> None:
    engine = app_database(world.app).engine
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only (WBS_TEST_DATABASE_URL)")
    done = run_sweep(world.app)
    assert done.exit_code == 0, done.output
    with engine.connect() as connection:
        vacuumed = connection.execute(
            text(
                "SELECT count(*) FROM pg_stat_user_tables WHERE relname = ANY(:names)"
                " AND (last_vacuum IS NOT NULL OR vacuum_count > 0)"
            ),
            {"names": list(compaction.HOT_TABLES)},
        ).scalar_one()
    assert vacuumed == len(compaction.HOT_TABLES)
