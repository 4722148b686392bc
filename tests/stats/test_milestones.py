"""The steps people take through the pages set the facts the statistics count.

Every path that changes a case (a handler's steps, an archive, a reporter's
withdrawal, a reopening, moves, referrals, recorded reports) keeps the
running counts equal to a recount from the cases themselves.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tests.support.casework import step, to_decision
from tests.support.journal_walk import every_kind_on_a_recorded_case, every_kind_on_case_a
from tests.support.world import build_world
from wbs_app.db import app_database
from wbs_app.models import Case, CaseStatus
from wbs_app.services.infra.clock import today
from wbs_app.services.stats import tallies


def _case(app, case_id: int) -> Case:
    with app_database(app).session() as session:
        return session.get(Case, case_id)


def _counts_hold(app) -> None:
    with app_database(app).session() as session:
        assert tallies.stored(session) == tallies.recount(session)


def test_a_case_handled_to_its_end_and_reopened(app, org, reporter):
    _, case_id, budi = to_decision(app, org, reporter)
    day = today()
    case = _case(app, case_id)
    assert (case.acknowledged_on, case.verified_on, case.answered_on) == (day, day, day)
    assert case.acknowledged_days == 0
    assert (case.finding, case.closed_on) == ("discipline", None)
    for level in ("medium", "light"):  # the heavier one counts
        step(budi, case_id, kind="sanction", level=level, sanction_type="Teguran tertulis",
             decree_number="KEP-1/2026", decided_on=day.isoformat(), ahead_reason="")  # fmt: skip
    step(budi, case_id, kind="status", to="selesai", reason="Sanksi dijalankan.")
    case = _case(app, case_id)
    assert (case.status, case.closed_on, case.closed_days) == (CaseStatus.CLOSED, day, 0)
    assert (case.sanction_level, case.sanctioned_on) == ("medium", day)
    _counts_hold(app)
    with app_database(app).session() as session:
        month = day.year * 100 + day.month
        closed = (month, case.unit_id, "closed", "selesai")
        assert tallies.stored(session)[closed] == 1
    step(budi, case_id, kind="reopen", reason="Banding diterima.")
    case = _case(app, case_id)
    assert (case.status, case.closed_on, case.closed_days) == (CaseStatus.VERIFICATION, None, None)
    assert case.verified_on == day  # the first result is kept
    _counts_hold(app)


def test_every_kind_of_step_keeps_the_counts(app, org):
    world = build_world(app, org)
    every_kind_on_case_a(world)  # ends in the reporter's withdrawal
    recorded = every_kind_on_a_recorded_case(world)
    case = _case(app, world.case_a)
    assert case.status is CaseStatus.WITHDRAWN
    assert case.closed_on == today() and case.answered_on is not None
    assert _case(app, recorded).channel.value != "web"
    _counts_hold(app)
    with app_database(app).session() as session:
        everyone = session.scalars(select(Case)).all()
        assert all(c.received_on <= (c.closed_on or date.max) for c in everyone)
