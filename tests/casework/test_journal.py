"""The case journal: signed hash chain written by services, checked without keys."""

from __future__ import annotations

from sqlalchemy import select, update

from crypto import Identity, open_seed
from tests.support.reporter import Report, submit_report
from tests.support.staff import pepper
from wbs_app.db import app_database
from wbs_app.models import Audience, Case, JournalEntry, StaffMember
from wbs_app.services.cases import case_keys, journal


def _identity(app, login) -> Identity:
    with app_database(app).session() as session:
        staff = session.get(StaffMember, login.id)
        return Identity.from_seed(open_seed(staff.sealed_seed, login.password, pepper(app)))


def _write_entries(app, org, count: int = 3) -> int:
    identity = _identity(app, org.budi)
    supervisor = _identity(app, org.rahman)
    with app_database(app).session() as session:
        case = session.scalar(select(Case))
        for index in range(count):
            login, who = (org.budi, identity) if index % 2 == 0 else (org.rahman, supervisor)
            journal.append(
                session,
                case,
                session.get(StaffMember, login.id),
                who,
                "note",
                {"text": f"langkah {index + 1}"},
            )
        return case.id


def test_entries_chain_sign_and_read_back(app, org, reporter) -> None:
    submit_report(reporter, Report(unit=org.units["a"]))
    case_id = _write_entries(app, org)
    with app_database(app).session() as session:
        case = session.get(Case, case_id)
        assert journal.verify_case(session, case) is None
        staff = session.get(StaffMember, org.budi.id)
        key_row = case_keys.audience_key(session, case, Audience.INTERNAL)
        key = case_keys.unwrap_for_staff(session, case, key_row, staff, _identity(app, org.budi))
        items = journal.read(session, case, key)
        rows = list(session.scalars(select(JournalEntry).order_by(JournalEntry.seq)))
    assert [item.body["text"] for item in items] == ["langkah 1", "langkah 2", "langkah 3"]
    assert [item.author for item in items] == [
        f"staff:{org.budi.id}:1",
        f"staff:{org.rahman.id}:1",
        f"staff:{org.budi.id}:1",
    ]
    assert all(b"langkah" not in row.content for row in rows)  # content is ciphertext


def test_verify_journals_names_the_tampered_case_and_entry(app, org, reporter) -> None:
    submit_report(reporter, Report(unit=org.units["a"]))
    case_id = _write_entries(app, org)
    runner = app.test_cli_runner()
    clean = runner.invoke(args=["wbs", "verify-journals"])
    assert clean.exit_code == 0 and "1 case journals checked, 0 broken" in clean.output
    with app_database(app).session() as session:
        session.execute(update(JournalEntry).where(JournalEntry.seq == 2).values(kind="sanction"))
    tampered = runner.invoke(args=["wbs", "verify-journals"])
    assert tampered.exit_code == 1
    assert f"case {case_id}: entry 2 is broken (hash)" in tampered.output


def test_removed_entry_and_forged_signature_are_found(app, org, reporter) -> None:
    submit_report(reporter, Report(unit=org.units["a"]))
    _write_entries(app, org, count=4)
    with app_database(app).session() as session:
        session.delete(session.scalar(select(JournalEntry).where(JournalEntry.seq == 3)))
    output = app.test_cli_runner().invoke(args=["wbs", "verify-journals"]).output
    assert "entry 3 is broken" in output
