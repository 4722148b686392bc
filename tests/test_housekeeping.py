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
from typing import Any

import pytest
from sqlalchemy import select

from tests.support.http import https_client
from tests.support.reporter import open_case
from tests.support.sweeping import run_sweep
from tests.support.world import World, build_world
from wbs_app.db import app_database
from wbs_app.models import ReporterSession, RespondentSession, StaffSession
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
