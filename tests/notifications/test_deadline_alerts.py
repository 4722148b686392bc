"""Reminders of deadlines (issue 19): due within two working days, and missed, once each.

The worker's ``deadline_alerts`` job through the command, with the clock
moved forward; what a handler sees on the overview; the count of working
days against the ``holidays`` data and a collective leave day entered.
"""

from __future__ import annotations

from datetime import date, timedelta

import holidays
from sqlalchemy import select

from tests.support.casework import step
from tests.support.reporter import Report, submit_report
from tests.support.staff import signed_in
from tests.support.worker import run_worker
from wbs_app.db import app_database
from wbs_app.models import Case, DeadlineAlert, NoticeKind, StaffNotice
from wbs_app.services.cases.deadline_alerts import MISSED, SOON, stage
from wbs_app.services.infra.clock import today
from wbs_app.services.office.working_days import WorkCalendar

CHRISTMAS = date(2026, 12, 25)  # a Friday


def test_christmas_and_a_leave_day_bring_the_reminder_forward() -> None:
    assert CHRISTMAS in holidays.country_holidays("ID", years=2026)
    due = date(2026, 12, 28)  # the Monday after
    plain = WorkCalendar()
    # Thursday 24 and Monday 28 are the working days left: "soon" from Wednesday.
    assert stage(due, date(2026, 12, 22), plain) is None
    assert stage(due, date(2026, 12, 23), plain) == SOON
    # Without the holiday it would wait for Thursday (Friday and Monday left).
    assert WorkCalendar().working_days_between(date(2026, 12, 16), date(2026, 12, 21)) == 3
    # Christmas Eve entered as cuti bersama: "soon" from Tuesday already.
    office = WorkCalendar(frozenset({date(2026, 12, 24)}))
    assert stage(due, date(2026, 12, 22), office) == SOON
    assert stage(due, due, office) == SOON
    assert stage(due, due + timedelta(days=1), office) == MISSED


def _notices(app, kind: NoticeKind) -> list[int]:
    with app_database(app).session() as session:
        return sorted(session.scalars(select(StaffNotice.staff_id).where(StaffNotice.kind == kind)))


def _run_on(app, moved_clock, day: date) -> None:
    moved_clock.advance(days=(day - today()).days)
    done = run_worker(app, "--once")
    assert done.exit_code == 0, done.output


def test_a_deadline_near_then_missed_is_told_to_its_holders_once_each(
    app, org, reporter, moved_clock, moved_totp_clock
) -> None:
    submit_report(reporter, Report(unit=org.units["a"]))
    with app_database(app).session() as session:
        case = session.scalars(select(Case)).one()
        case_id, acknowledge_due = case.id, case.acknowledge_due
    calendar = WorkCalendar()
    # The unit's own handler; Rahman holds it from the Kanwil above but hears of
    # it only if it is escalated (tests/notifications/test_escalation.py).
    holders = [org.budi.id]
    first_soon = next(
        acknowledge_due - timedelta(days=back)
        for back in range(10, -1, -1)
        if stage(acknowledge_due, acknowledge_due - timedelta(days=back), calendar) == SOON
    )
    _run_on(app, moved_clock, first_soon - timedelta(days=1))
    assert _notices(app, NoticeKind.DEADLINE_SOON) == []
    _run_on(app, moved_clock, first_soon)
    assert _notices(app, NoticeKind.DEADLINE_SOON) == holders
    moved_clock.advance(minutes=11)
    assert run_worker(app, "--once").exit_code == 0
    assert _notices(app, NoticeKind.DEADLINE_SOON) == holders, "raised once per due date"

    budi = signed_in(app, org.budi)
    overview = budi.get("/staf/pengelola/").get_data(as_text=True)
    assert f"#{case_id}</a>: Sebuah batas waktu jatuh dalam dua hari kerja" in overview

    _run_on(app, moved_clock, acknowledge_due + timedelta(days=1))
    assert _notices(app, NoticeKind.DEADLINE_MISSED) == holders
    budi = signed_in(app, org.budi)
    step(budi, case_id, kind="acknowledge")
    moved_clock.advance(minutes=11)
    assert run_worker(app, "--once").exit_code == 0
    with app_database(app).session() as session:
        raised = session.scalars(select(DeadlineAlert.deadline)).all()
    assert "acknowledge" in raised
    assert _notices(app, NoticeKind.DEADLINE_MISSED) == holders, "met: nothing more"


def test_a_closed_case_has_no_deadline_to_remind(app, org, reporter, moved_clock) -> None:
    submit_report(reporter, Report(unit=org.units["a"]))
    with app_database(app).session() as session:
        case = session.scalars(select(Case)).one()
        case_id, feedback_due = case.id, case.feedback_due
    budi = signed_in(app, org.budi)
    step(budi, case_id, kind="acknowledge")
    step(budi, case_id, kind="verification", checked="dokumen", conclusion="not_competent")
    _run_on(app, moved_clock, feedback_due + timedelta(days=3))
    assert _notices(app, NoticeKind.DEADLINE_MISSED) == []
    assert _notices(app, NoticeKind.DEADLINE_SOON) == []
