"""`wbs seed-demo` (issue 15, item 14): an office at work, and every printed way in works.

The command runs through Flask's CLI runner; everything it printed is then
typed into the pages over HTTP as a newcomer would: each staff account signs
in with its password and TOTP key, each receipt opens its report, the
witness's code opens the respondent page. The stages are read from the
pages people see (the inbox and its overdue filter, the case page, the
reporter's and the respondent's pages) and from the plaintext workflow
columns, never from decrypted rows.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from tests.support.clock import MovedTotpClock
from tests.support.demo import Printed, case_statuses, seed_demo, staff_login
from tests.support.http import https_client
from tests.support.reporter import open_case
from tests.support.respondent import respondent_client
from tests.support.staff import sign_in
from wbs_app.db import app_database
from wbs_app.models import (
    Attachment,
    Case,
    CaseRecord,
    CaseStatus,
    JournalEntry,
    RespondentInvitation,
    Unit,
)

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def demo(app: Flask) -> Printed:
    return seed_demo(app)


def test_the_demo_has_a_case_at_every_stage_across_units_and_categories(
    app: Flask, demo: Printed
) -> None:
    statuses = case_statuses(app)
    assert sorted(statuses.values()) == sorted(
        [
            CaseStatus.RECEIVED,
            CaseStatus.RECEIVED,  # the new one, and the overdue one nobody acknowledged
            CaseStatus.VERIFICATION,
            CaseStatus.INVESTIGATION,
            CaseStatus.SANCTION,
            CaseStatus.CLOSED,
            CaseStatus.WITHDRAWN,
        ]
    )
    assert set(demo.receipts) == set(statuses)
    with app_database(app).session() as session:
        units = set(session.scalars(select(Unit.parent_id).join(Case, Case.unit_id == Unit.id)))
        assert None in units and len(units) == 2  # the Kanwil itself and UPTs below it
        assert session.scalar(select(func.count(func.distinct(Case.category_id)))) >= 5
        kinds = set(session.scalars(select(CaseRecord.kind)))
        assert {"question", "message", "statement", "notice", "withdrawal", "note"} <= kinds
        # Evidence from reporters (report and reply) and from the accused.
        files = session.scalar(select(func.count()).select_from(Attachment))
        assert files is not None and files >= 6
        invited = session.scalars(select(RespondentInvitation)).all()
        assert len(invited) == 3
        journaled = set(session.scalars(select(JournalEntry.case_id)))
        steps = set(session.scalars(select(JournalEntry.kind)))
    untouched = {i for i, status in statuses.items() if status is CaseStatus.RECEIVED}
    assert journaled == set(statuses) - untouched
    assert {
        "acknowledge",
        "verification",
        "investigation",
        "invitation_created",
        "statement_received",
        "finding",
        "sanction",
        "outcome_notified",
        "status",
    } <= steps
    verify = app.test_cli_runner().invoke(args=["wbs", "verify-journals"])
    assert verify.exit_code == 0, verify.output


def test_every_printed_staff_account_signs_in_and_the_supervisor_sees_the_work(
    app: Flask, demo: Printed, moved_totp_clock: MovedTotpClock
) -> None:
    assert {role for role, _, _ in demo.staff.values()} == {"admin", "supervisor", "investigator"}
    investigators = [name for name, (role, _, _) in demo.staff.items() if role == "investigator"]
    assert len(investigators) == 5  # one for the Kanwil and one for each UPT
    for username in demo.staff:
        client = https_client(app)
        assert sign_in(app, client, staff_login(app, demo, username)).status_code == 302, username

    client = https_client(app)
    assert sign_in(app, client, staff_login(app, demo, "rahman")).status_code == 302
    assert "UPT Layanan Hukum Palopo" in client.get("/staf/pengelola/").get_data(as_text=True)
    inbox = client.get("/staf/pengelola/kasus").get_data(as_text=True)
    for case_id in demo.receipts:
        assert f">#{case_id}</a>" in inbox
    overdue = client.get("/staf/pengelola/kasus?overdue=1").get_data(as_text=True)
    listed = re.findall(r">#(\d+)</a>", overdue)
    statuses = case_statuses(app)
    assert len(listed) == 1 and statuses[int(listed[0])] is CaseStatus.RECEIVED

    examined = next(i for i, status in statuses.items() if status is CaseStatus.INVESTIGATION)
    dewi = https_client(app)
    assert sign_in(app, dewi, staff_login(app, demo, "dewi")).status_code == 302
    page = dewi.get(f"/staf/pengelola/kasus/{examined}").get_data(as_text=True)
    assert "amplop" in page  # the report and the reporter's later message, decrypted
    assert "laporan-upg.txt" in page or "UPG" in page  # the accused's statement


def test_every_printed_receipt_opens_its_report(app: Flask, demo: Printed) -> None:
    statuses = case_statuses(app)
    for case_id, receipt in demo.receipts.items():
        reporter = https_client(app)
        assert open_case(reporter, receipt).status_code == 302, case_id
        page = reporter.get("/lapor/kasus").get_data(as_text=True)
        if statuses[case_id] is CaseStatus.VERIFICATION:
            # The team's question and the reporter's answer with its evidence.
            assert "Pada tanggal berapa saja Anda datang?" in page
            assert "loket-tutup.txt" in page
        if statuses[case_id] is CaseStatus.SANCTION:
            assert "Rp 150.000" in page


def test_the_printed_respondent_code_opens_the_witness_page(app: Flask, demo: Printed) -> None:
    client, response = respondent_client(app, demo.respondent_code)
    assert response.status_code == 302
    page = client.get("/klarifikasi/").get_data(as_text=True)
    assert "Unit Pengendalian Gratifikasi" in page  # the witness's own summary
    assert 'name="statement"' in page  # the answer period runs: the form is open


def test_a_second_run_refuses_clearly_and_changes_nothing(app: Flask, demo: Printed) -> None:
    before = case_statuses(app)
    again = app.test_cli_runner().invoke(args=["wbs", "seed-demo"])
    assert again.exit_code != 0
    assert "nothing was changed" in again.output
    assert case_statuses(app) == before


def test_the_readme_says_what_make_demo_makes() -> None:
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    demo = readme[readme.index("For a quick look, `make demo`") :][:1500]
    for words in (
        "seven reports",
        "an investigator for each",
        "overdue",
        "withdrawn",
        "sanction",
        "defence statement",
        "receipt codes",
        "invitation code",
    ):
        assert words in demo, words
