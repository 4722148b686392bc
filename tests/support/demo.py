"""`wbs seed-demo` run through Flask's CLI runner, and what it printed, read back.

The demo's tests (``tests/test_demo.py``) and its browser journey
(``tests/browser/test_demo_browser.py``) both type in what the command printed:
the staff accounts with their passwords and TOTP keys, each case's receipt and
the witness's code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import Flask
from sqlalchemy import select

from tests.support.staff import StaffLogin
from wbs_app.db import app_database
from wbs_app.models import Case, CaseStatus, StaffMember
from wbs_app.services.staff import totp

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


def seed_demo(app: Flask) -> Printed:
    """Run the command; what it printed, parsed."""
    result = app.test_cli_runner().invoke(args=["wbs", "seed-demo"])
    assert result.exit_code == 0, result.output
    staff = {m[2]: (m[1], m[3], m[4]) for m in STAFF_LINE.finditer(result.output)}
    receipts = {int(m[1]): m[3] for m in CASE_LINE.finditer(result.output)}
    codes = re.findall(rf"^  ({CODE})$", result.output, re.M)
    assert len(codes) == 1, result.output
    return Printed(result.output, staff, receipts, codes[0])


def staff_login(app: Flask, printed: Printed, username: str) -> StaffLogin:
    """The printed account as the sign-in helpers take it."""
    with app_database(app).session() as session:
        staff_id = session.scalar(select(StaffMember.id).where(StaffMember.username == username))
    assert staff_id is not None
    _, password, key = printed.staff[username]
    return StaffLogin(staff_id, username, password, totp.parse_secret_text(key))


def case_statuses(app: Flask) -> dict[int, CaseStatus]:
    """Each case's status, from the plaintext workflow column."""
    with app_database(app).session() as session:
        return {
            case_id: status for case_id, status in session.execute(select(Case.id, Case.status))
        }
