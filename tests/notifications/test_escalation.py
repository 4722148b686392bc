"""Escalation (issue 19): a missed deadline climbs two levels of the unit tree, then stops.

A UPT under a Kanwil under the central unit; the clock moved, never slept.
Each escalation tells the supervisors of the next unit up who hold the case,
and is a journal entry the installation signs (``verify-journals`` checks
it); the handler's acknowledgement ends it, with one more entry.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from tests.support.casework import step
from tests.support.reporter import Report, submit_report
from tests.support.staff import make_staff, signed_in
from tests.support.worker import run_worker
from wbs_app.db import app_database
from wbs_app.models import Case, DeadlineAlert, JournalEntry, NoticeKind, StaffNotice, StaffRole
from wbs_app.services.cases import escalation, head_log, journal
from wbs_app.services.cases.journal_authors import SYSTEM_AUTHOR
from wbs_app.services.infra.clock import today
from wbs_app.services.office import organisation
from wbs_app.services.office.working_days import WorkCalendar


def _tree(app):
    with app_database(app).session() as session:
        pusat = organisation.create_unit(session, None, "Pusat Pengaduan Kementerian", None)
        kanwil = organisation.create_unit(session, None, "Kanwil Sulawesi Selatan", pusat.id)
        upt = organisation.create_unit(session, None, "Lapas Kelas I Makassar", kanwil.id)
        ids = (pusat.id, kanwil.id, upt.id)
        session.commit()
    pusat_id, kanwil_id, upt_id = ids
    return {
        "upt": upt_id,
        "ani": make_staff(app, "ani", unit_ids=(upt_id,)),
        "hasan": make_staff(app, "hasan", StaffRole.SUPERVISOR, unit_ids=(kanwil_id,)),
        "dina": make_staff(app, "dina", StaffRole.SUPERVISOR, unit_ids=(pusat_id,)),
    }


def _late_by(due: date, working_days: int) -> date:
    """The first day ``working_days`` working days after ``due`` (national holidays skipped)."""
    calendar, day = WorkCalendar(), due
    while calendar.working_days_between(due, day) < working_days:
        day += timedelta(days=1)
    return day


def _worker_on(app, moved_clock, day: date) -> None:
    moved_clock.advance(days=(day - today()).days, minutes=11)
    done = run_worker(app, "--once")
    assert done.exit_code == 0, done.output


def _escalated_to(app, person) -> int:
    with app_database(app).session() as session:
        return len(
            session.scalars(
                select(StaffNotice).where(
                    StaffNotice.staff_id == person.id, StaffNotice.kind == NoticeKind.ESCALATION
                )
            ).all()
        )


def _missed_told(app) -> list[int]:
    with app_database(app).session() as session:
        told = session.scalars(
            select(StaffNotice.staff_id).where(StaffNotice.kind == NoticeKind.DEADLINE_MISSED)
        )
        return sorted(set(told))


def _acknowledge_rows(app) -> list[DeadlineAlert]:
    with app_database(app).session() as session:
        return list(
            session.scalars(
                select(DeadlineAlert)
                .where(DeadlineAlert.deadline == "acknowledge")
                .where(DeadlineAlert.stage.startswith(escalation.ESCALATED))
                .order_by(DeadlineAlert.stage)
            )
        )


def test_a_missed_acknowledgement_climbs_two_levels_and_stops_when_a_handler_acts(
    app, reporter, moved_clock
) -> None:
    people = _tree(app)
    submit_report(reporter, Report(unit=people["upt"]))
    with app_database(app).session() as session:
        case = session.scalars(select(Case)).one()
        case_id, due = case.id, case.acknowledge_due

    _worker_on(app, moved_clock, _late_by(due, 2))
    assert _acknowledge_rows(app) == [], "two working days late: not yet"
    _worker_on(app, moved_clock, _late_by(due, 3))
    rows = _acknowledge_rows(app)
    assert [(row.stage, row.ended_on) for row in rows] == [("escalated:1", None)]
    assert (_escalated_to(app, people["hasan"]), _escalated_to(app, people["dina"])) == (1, 0)
    assert _escalated_to(app, people["ani"]) == 0, "the unit's own handler had the reminders"
    assert _missed_told(app) == [people["ani"].id], "reminders stay in the unit"

    hasan = signed_in(app, people["hasan"])
    overview = hasan.get("/staf/pengelola/").get_data(as_text=True)
    assert f"#{case_id}</a>: Batas waktu terlewati di unit bawahan" in overview

    _worker_on(app, moved_clock, _late_by(due, 6))
    assert [row.stage for row in _acknowledge_rows(app)] == ["escalated:1", "escalated:2"]
    assert (_escalated_to(app, people["hasan"]), _escalated_to(app, people["dina"])) == (1, 1)
    _worker_on(app, moved_clock, _late_by(due, 9))
    assert len(_acknowledge_rows(app)) == 2, "no unit above the top: it climbs no further"

    ani = signed_in(app, people["ani"])
    step(ani, case_id, kind="acknowledge")
    moved_clock.advance(minutes=11)
    assert run_worker(app, "--once").exit_code == 0
    assert {row.ended_on for row in _acknowledge_rows(app)} == {today()}
    with app_database(app).session() as session:
        kinds = [
            (entry.kind, entry.author)
            for entry in session.scalars(
                select(JournalEntry)
                .where(JournalEntry.case_id == case_id)
                .order_by(JournalEntry.seq)
            )
        ]
    system = [kind for kind, author in kinds if author == SYSTEM_AUTHOR]
    assert system[:2] == ["deadline_escalated", "deadline_escalated"]
    assert "escalation_ended" in system
    ended_at = [kind for kind, _ in kinds].index("escalation_ended")
    assert [kind for kind, _ in kinds].index("acknowledge") < ended_at, "the act, then its end"

    verify = app.test_cli_runner().invoke(args=["wbs", "verify-journals"])
    assert verify.exit_code == 0, verify.output
    page = ani.get(f"/staf/pengelola/kasus/{case_id}").get_data(as_text=True)
    assert "Lentera, dengan sendirinya (pemantau batas waktu)" in page
    assert "Batas waktu yang terlewati dinaikkan ke unit atasan" in page
    assert "Kanwil Sulawesi Selatan" in page and "Pusat Pengaduan Kementerian" in page
    assert "Eskalasi berakhir" in page and "Batas waktu dipenuhi" in page


def _rows(app, deadline: str) -> list[tuple[str, date | None]]:
    with app_database(app).session() as session:
        return [
            (row.stage, row.ended_on)
            for row in session.scalars(
                select(DeadlineAlert)
                .where(DeadlineAlert.deadline == deadline)
                .where(DeadlineAlert.stage.startswith(escalation.ESCALATED))
                .order_by(DeadlineAlert.stage)
            )
        ]


def test_on_hold_the_escalation_waits_and_resumed_it_climbs_on(
    app, reporter, moved_clock, moved_totp_clock
) -> None:
    people = _tree(app)
    submit_report(reporter, Report(unit=people["upt"]))
    with app_database(app).session() as session:
        case = session.scalars(select(Case)).one()
        case_id, due = case.id, case.verification_due
    ani = signed_in(app, people["ani"])
    step(ani, case_id, kind="acknowledge")
    _worker_on(app, moved_clock, _late_by(due, 3))
    assert _rows(app, "verification") == [("escalated:1", None)]

    ani = signed_in(app, people["ani"])
    step(ani, case_id, kind="status", to="ditunda", reason="Menunggu hasil audit")
    _worker_on(app, moved_clock, _late_by(due, 7))
    assert _rows(app, "verification") == [("escalated:1", None)], "on hold: neither ends nor climbs"

    ani = signed_in(app, people["ani"])
    step(ani, case_id, kind="status", to="verifikasi", reason="Audit selesai")
    moved_clock.advance(minutes=11)
    assert run_worker(app, "--once").exit_code == 0
    assert _rows(app, "verification") == [("escalated:1", None), ("escalated:2", None)]
    assert _escalated_to(app, people["dina"]) == 1


def test_a_forged_or_altered_system_entry_fails_verification(app, reporter, moved_clock) -> None:
    people = _tree(app)
    submit_report(reporter, Report(unit=people["upt"]))
    with app_database(app).session() as session:
        case = session.scalars(select(Case)).one()
        due = case.acknowledge_due
    _worker_on(app, moved_clock, _late_by(due, 3))
    runner = app.test_cli_runner()
    assert runner.invoke(args=["wbs", "verify-journals"]).exit_code == 0
    with app_database(app).session() as session:
        case = session.scalars(select(Case)).one()
        # The installation's key signs a step no person took: refused, it may
        # sign only escalations.
        journal._append(
            session,
            case,
            SYSTEM_AUTHOR,
            head_log.installation_key(session).system_identity(),
            head_log.installation_key(session).system_key(case.uid),
            "status",
            {"from": "diterima", "to": "selesai"},
        )
        session.commit()
    forged = runner.invoke(args=["wbs", "verify-journals"])
    assert forged.exit_code == 1 and "author" in forged.output, forged.output
