"""Deadlines in working days: weekends, national holidays, the office's collective leave (issue 19).

The calendar is checked on dates of the ``holidays`` data itself (2026: Nyepi
on Thursday 19 March, the decreed cuti bersama around Idul Fitri); the pages
through HTTP: an administrator counts the acknowledgement in working days and
enters a leave day, and a report received before it is due a day later.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.support.clock import MovedClock
from tests.support.reporter import Report, submit_report
from tests.support.staff import csrf_token, make_staff, sign_in
from wbs_app.db import app_database
from wbs_app.models import AuditEvent, Case, CollectiveLeaveDay, SettingValue, StaffRole
from wbs_app.services.office import working_days
from wbs_app.services.office.deadlines import DeadlineKind, Deadlines
from wbs_app.services.office.working_days import WorkCalendar

NYEPI = date(2026, 3, 19)
IDUL_FITRI_LEAVE = (date(2026, 3, 18), date(2026, 3, 20), date(2026, 3, 23), date(2026, 3, 24))


def test_the_fixture_dates_are_the_holidays_data() -> None:
    assert "Nyepi" in working_days.national_holidays(2026)[NYEPI]
    assert working_days.national_holidays(2026, "en_US")[NYEPI] == "Day of Silence"
    decreed = working_days.national_collective_leave(2026)
    assert set(IDUL_FITRI_LEAVE) <= set(decreed)
    assert all(day not in working_days.national_holidays(2026) for day in IDUL_FITRI_LEAVE)


def test_working_days_skip_weekends_holidays_and_the_leave_entered() -> None:
    received = date(2026, 3, 17)  # a Tuesday
    plain = WorkCalendar()
    assert plain.add(received, 3, working=False) == date(2026, 3, 20)
    # Wed 18, (Nyepi), Fri 20, (weekend), Mon 23
    assert plain.add(received, 3, working=True) == date(2026, 3, 23)
    office = WorkCalendar(frozenset(IDUL_FITRI_LEAVE))
    # every day to Tuesday 24 is closed: Wed 25, Thu 26, Fri 27
    assert office.add(received, 3, working=True) == date(2026, 3, 27)
    assert office.working_days_between(received, date(2026, 3, 27)) == 3
    assert office.working_days_between(date(2026, 3, 27), received) == 0
    friday = date(2026, 3, 27)
    assert office.add(friday, 1, working=True) == date(2026, 3, 30), "the start never counts"
    with pytest.raises(ValueError):
        office.add(received, 10_000, working=True)


def test_each_deadline_counts_its_own_way_and_feedback_starts_at_the_acknowledgement() -> None:
    deadlines = Deadlines(
        acknowledge_days=3,
        verification_days=5,
        feedback_days=10,
        respondent_days=14,
        working=frozenset({DeadlineKind.ACKNOWLEDGE, DeadlineKind.FEEDBACK}),
        calendar=WorkCalendar(frozenset(IDUL_FITRI_LEAVE)),
    )
    acknowledge, verification, feedback = deadlines.case_dues(date(2026, 3, 17))
    assert acknowledge == date(2026, 3, 27)
    assert verification == date(2026, 3, 22), "calendar days: five after the 17th"
    assert feedback == date(2026, 4, 13), "ten working days after the 27th (Good Friday, 3 April)"
    assert deadlines.after(DeadlineKind.RESPONDENT, date(2026, 3, 17)) == date(2026, 3, 31)


def _quiet_week_start(after: date) -> date:
    """A Tuesday after ``after`` whose next seven days hold no national holiday."""
    day = after + timedelta(days=(1 - after.weekday()) % 7 or 7)
    while any(
        day + timedelta(days=n) in working_days.national_holidays((day + timedelta(days=n)).year)
        for n in range(8)
    ):
        day += timedelta(days=7)
    return day


def _input(page: str, name: str) -> str:
    found = re.search(rf'<input[^>]*name="{name}"[^>]*>', page)
    return found.group(0) if found else ""


def _acknowledge_due(app) -> date:
    with app_database(app).session() as session:
        return session.scalars(select(Case.acknowledge_due).order_by(Case.id.desc())).first()


def test_an_administrator_counts_working_days_and_a_leave_day_moves_the_next_report(
    app, client, org, reporter, moved_clock: MovedClock
) -> None:
    admin = make_staff(app, "admin", StaffRole.ADMIN)
    sign_in(app, client, admin)
    preset = client.get("/staf/admin/pengaturan?preset=sp4n_lapor").get_data(as_text=True)
    assert _input(preset, "acknowledge") and 'value="3"' in _input(preset, "acknowledge")
    assert 'value="5"' in _input(preset, "verification")
    assert "checked" in _input(preset, "verification_working")
    # SP4N-LAPOR! speaks of neither the office's feedback nor the respondent's time.
    assert 'value="90"' in _input(preset, "feedback")
    assert 'value="14"' in _input(preset, "respondent")
    assert "checked" not in _input(preset, "feedback_working")
    assert "checked" not in _input(preset, "respondent_working")
    assert "Periksa, lalu simpan" in preset
    with app_database(app).session() as session:
        assert session.get(SettingValue, "DEADLINE_ACKNOWLEDGE_DAYS") is None, "filled, not saved"
    token = csrf_token(client, "/staf/admin/pengaturan")
    saved = client.post(
        "/staf/admin/pengaturan",
        data={
            "csrf_token": token,
            "acknowledge": "3",
            "acknowledge_working": "y",
            "verification": "14",
            "feedback": "90",
            "respondent": "14",
        },
    )
    assert saved.status_code == 302
    with app_database(app).session() as session:
        assert session.get(SettingValue, "DEADLINE_ACKNOWLEDGE_WORKING_DAYS").value == 1
        assert session.get(SettingValue, "DEADLINE_VERIFICATION_WORKING_DAYS").value == 0
    assert "dalam 3 hari kerja" in client.get("/").get_data(as_text=True)
    audit = client.get("/staf/admin/audit").get_data(as_text=True)
    assert "Konfirmasi penerimaan: dalam hari kerja" in audit

    received = _quiet_week_start(date.today() + timedelta(days=7))
    leave = received + timedelta(days=1)
    token = csrf_token(client, "/staf/admin/cuti-bersama")
    unnamed = client.post(
        "/staf/admin/cuti-bersama",
        data={"csrf_token": token, "day": leave.isoformat(), "name": "  "},
    )
    assert unnamed.status_code == 400
    not_a_date = client.post(
        "/staf/admin/cuti-bersama", data={"csrf_token": token, "day": "31-02-2027", "name": "X"}
    )
    assert not_a_date.status_code == 400 and "Tanggal tidak sah" in not_a_date.get_data(
        as_text=True
    )
    entered = client.post(
        "/staf/admin/cuti-bersama",
        data={"csrf_token": token, "day": leave.isoformat(), "name": "Cuti bersama kantor"},
    )
    assert entered.status_code == 302
    page = client.get("/staf/admin/cuti-bersama").get_data(as_text=True)
    assert "Cuti bersama kantor" in page and "Hari libur nasional" in page

    moved_clock.advance(days=(received - date.today()).days)
    submit_report(reporter, Report(unit=org.units["a"]))
    # Thursday, Friday and Monday: the Wednesday is the office's leave.
    assert _acknowledge_due(app) == received + timedelta(days=6)

    moved_clock.offset = timedelta(0)
    token = csrf_token(client, "/staf/admin/cuti-bersama")
    assert (
        client.post(
            "/staf/admin/cuti-bersama/2026-13-01/hapus", data={"csrf_token": token}
        ).status_code
        == 404
    )
    removed = client.post(
        f"/staf/admin/cuti-bersama/{leave.isoformat()}/hapus", data={"csrf_token": token}
    )
    assert removed.status_code == 302
    with app_database(app).session() as session:
        assert session.scalars(select(CollectiveLeaveDay)).all() == []
        actions = set(session.scalars(select(AuditEvent.action)))
    assert {"settings_changed", "leave_days_added", "leave_day_removed"} <= actions
    moved_clock.advance(days=(received - date.today()).days)
    submit_report(reporter, Report(unit=org.units["a"]))
    assert _acknowledge_due(app) == received + timedelta(days=3), "a working day again"


def test_the_national_collective_leave_of_a_year_is_entered_at_once(app, client) -> None:
    admin = make_staff(app, "admin", StaffRole.ADMIN)
    sign_in(app, client, admin)
    token = csrf_token(client, "/staf/admin/cuti-bersama")
    assert (
        client.post(
            "/staf/admin/cuti-bersama/nasional", data={"csrf_token": token, "year": "x"}
        ).status_code
        == 400
    )
    first = client.post(
        "/staf/admin/cuti-bersama/nasional", data={"csrf_token": token, "year": "2026"}
    )
    assert first.status_code == 302
    decreed = set(working_days.national_collective_leave(2026))
    with app_database(app).session() as session:
        assert {row.day for row in session.scalars(select(CollectiveLeaveDay))} == decreed
    again = client.post(
        "/staf/admin/cuti-bersama/nasional",
        data={"csrf_token": token, "year": "2026"},
        follow_redirects=True,
    )
    assert "0 hari cuti bersama disimpan" in again.get_data(as_text=True)
    with app_database(app).session() as session:
        assert session.query(CollectiveLeaveDay).count() == len(decreed)
