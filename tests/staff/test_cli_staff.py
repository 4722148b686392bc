"""Operator commands for units and staff, and the demo organisation."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from tests.support.staff import sign_in
from wbs_app.db import app_database
from wbs_app.models import AuditEvent, StaffMember, StaffRole, StaffStatus, Unit


def test_create_unit_and_invite_staff(app, client) -> None:
    runner = app.test_cli_runner()
    top = runner.invoke(args=["wbs", "create-unit", "Kanwil Sulawesi Selatan"])
    assert top.exit_code == 0, top.output
    top_id = int(re.search(r"unit (\d+)", top.output).group(1))
    child = runner.invoke(args=["wbs", "create-unit", "UPT Bone", "--parent", str(top_id)])
    assert child.exit_code == 0
    child_id = int(re.search(r"unit (\d+)", child.output).group(1))
    bad = runner.invoke(args=["wbs", "create-unit", "UPT X", "--parent", "9999"])
    assert bad.exit_code != 0 and "no_parent" in bad.output
    # A second unit without a parent is not a new top by accident (issue 15, item 10).
    second = runner.invoke(args=["wbs", "create-unit", "Kementerian"])
    assert second.exit_code != 0 and "parent_required" in second.output
    above = runner.invoke(args=["wbs", "create-unit", "Kementerian", "--new-top"])
    assert above.exit_code == 0, above.output
    with app_database(app).session() as session:
        assert session.get(Unit, top_id).parent_id is not None

    invited = runner.invoke(
        args=["wbs", "invite-staff", "sitti@kanwil.example", "Sitti", "--unit", str(child_id)]
    )
    assert invited.exit_code == 0, invited.output
    assert re.search(r"http://127\.0\.0\.1:5000/staf/aktivasi\?kode=[\w-]{40,}", invited.output)
    assert (
        client.get(re.search(r"/staf/aktivasi\?kode=[\w-]+", invited.output).group(0)).status_code
        == 200
    )
    again = runner.invoke(
        args=["wbs", "invite-staff", "sitti@kanwil.example", "Sitti", "--unit", str(child_id)]
    )
    assert again.exit_code != 0 and "email_taken" in again.output
    with app_database(app).session() as session:
        staff = session.scalar(
            select(StaffMember).where(StaffMember.email == "sitti@kanwil.example")
        )
        assert staff.status is StaffStatus.INVITED and [u.id for u in staff.units] == [child_id]
        assert session.scalar(select(func.count()).select_from(AuditEvent)) >= 3


def test_seed_demo_creates_a_usable_organisation(app, client) -> None:
    result = app.test_cli_runner().invoke(args=["wbs", "seed-demo"])
    assert result.exit_code == 0, result.output
    with app_database(app).session() as session:
        assert session.scalar(select(func.count()).select_from(Unit)) == 5
        roles = {
            name: role
            for name, role in session.execute(select(StaffMember.username, StaffMember.role))
        }
    assert roles == {
        "admin": StaffRole.ADMIN,
        "sitti": StaffRole.INVESTIGATOR,
        "budi": StaffRole.INVESTIGATOR,
        "rahman": StaffRole.SUPERVISOR,
    }
    line = next(line for line in result.output.splitlines() if " rahman " in f" {line} ")
    password = line.split()[2]
    secret = line.split("TOTP ", 1)[1]
    from tests.support.staff import StaffLogin
    from wbs_app.services import totp

    with app_database(app).session() as session:
        rahman_id = session.scalar(select(StaffMember.id).where(StaffMember.username == "rahman"))
    login = StaffLogin(rahman_id, "rahman", password, totp.parse_secret_text(secret))
    response = sign_in(app, client, login)
    assert response.status_code == 302
    page = client.get("/pengelola/").get_data(as_text=True)
    assert "UPT Layanan Hukum Palopo" in page  # a supervisor sees the whole subtree
    receipts = re.findall(r"^\s+(\d{4}(?: \d{4}){4})$", result.output, re.M)
    assert len(receipts) == 2
    from tests.support.http import https_client
    from tests.support.reporter import open_case

    visitor = https_client(app)
    assert open_case(visitor, receipts[0]).status_code == 302
    assert "Rp 150.000" in visitor.get("/lapor/kasus").get_data(as_text=True)
    refused = app.test_cli_runner().invoke(args=["wbs", "seed-demo"])
    assert refused.exit_code != 0
