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
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from tests.support.http import https_client
from tests.support.reporter import open_case
from tests.support.respondent import respondent_client
from tests.support.staff import StaffLogin, sign_in
from wbs_app.db import app_database
from wbs_app.models import (
    Attachment,
    Case,
    CaseRecord,
    CaseStatus,
    JournalEntry,
    RespondentInvitation,
    StaffMember,
    Unit,
)
from wbs_app.services.staff import totp

ROOT = Path(__file__).resolve().parent.parent
CODE = r"\d{4}(?: \d{4}){4}"
STAFF_LINE = re.compile(
    r"^  (admin|supervisor|investigator) +(\w+) +(demo-\S+) +"
    r"((?:[A-Z2-7]{4} ){7}[A-Z2-7]{4}) +(.+)$",
    re.M,
)
CASE_LINE = re.compile(rf"^  #(\d+) +(.+?) +({CODE}) +(.+)$", re.M)


@dataclass(frozen=True)
class Printed:
    output: str
    staff: dict[str, tuple[str, str, str]]  # username: (role, password, TOTP key)
    receipts: dict[int, str]  # case id: receipt
    respondent_code: str


def _run(app: Flask) -> Printed:
    result = app.test_cli_runner().invoke(args=["wbs", "seed-demo"])
    assert result.exit_code == 0, result.output
    staff = {m[2]: (m[1], m[3], m[4]) for m in STAFF_LINE.finditer(result.output)}
    receipts = {int(m[1]): m[3] for m in CASE_LINE.finditer(result.output)}
    codes = re.findall(rf"^  ({CODE})$", result.output, re.M)
    assert len(codes) == 1, result.output
    return Printed(result.output, staff, receipts, codes[0])


@pytest.fixture
def demo(app: Flask) -> Printed:
    return _run(app)


def _login(app: Flask, printed: Printed, username: str) -> StaffLogin:
    with app_database(app).session() as session:
        staff_id = session.scalar(select(StaffMember.id).where(StaffMember.username == username))
    assert staff_id is not None
    _, password, key = printed.staff[username]
    return StaffLogin(staff_id, username, password, totp.parse_secret_text(key))


def _statuses(app: Flask) -> dict[int, CaseStatus]:
    with app_database(app).session() as session:
        return {
            case_id: status for case_id, status in session.execute(select(Case.id, Case.status))
        }


def test_the_demo_has_a_case_at_every_stage_across_units_and_categories(
    app: Flask, demo: Printed
) -> None:
    statuses = _statuses(app)
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
    app: Flask, demo: Printed
) -> None:
    assert {role for role, _, _ in demo.staff.values()} == {"admin", "supervisor", "investigator"}
    investigators = [name for name, (role, _, _) in demo.staff.items() if role == "investigator"]
    assert len(investigators) == 5  # one for the Kanwil and one for each UPT
    for username in demo.staff:
        client = https_client(app)
        assert sign_in(app, client, _login(app, demo, username)).status_code == 302, username

    client = https_client(app)
    assert sign_in(app, client, _login(app, demo, "rahman")).status_code == 302
    assert "UPT Layanan Hukum Palopo" in client.get("/staf/pengelola/").get_data(as_text=True)
    inbox = client.get("/staf/pengelola/kasus").get_data(as_text=True)
    for case_id in demo.receipts:
        assert f">#{case_id}</a>" in inbox
    overdue = client.get("/staf/pengelola/kasus?overdue=1").get_data(as_text=True)
    listed = re.findall(r">#(\d+)</a>", overdue)
    statuses = _statuses(app)
    assert len(listed) == 1 and statuses[int(listed[0])] is CaseStatus.RECEIVED

    examined = next(i for i, status in statuses.items() if status is CaseStatus.INVESTIGATION)
    dewi = https_client(app)
    assert sign_in(app, dewi, _login(app, demo, "dewi")).status_code == 302
    page = dewi.get(f"/staf/pengelola/kasus/{examined}").get_data(as_text=True)
    assert "amplop" in page  # the report and the reporter's later message, decrypted
    assert "laporan-upg.txt" in page or "UPG" in page  # the accused's statement


def test_every_printed_receipt_opens_its_report(app: Flask, demo: Printed) -> None:
    statuses = _statuses(app)
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
    before = _statuses(app)
    again = app.test_cli_runner().invoke(args=["wbs", "seed-demo"])
    assert again.exit_code != 0
    assert "nothing was changed" in again.output
    assert _statuses(app) == before


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
