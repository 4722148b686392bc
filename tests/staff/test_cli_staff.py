"""Operator commands for units and staff, and the demo organisation."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from wbs_app.db import app_database
from wbs_app.models import AuditEvent, StaffMember, StaffStatus, Unit


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


