"""Walk 17/2, findings 4 and 5: a give-back that gives nothing is shown and audited as such."""

from __future__ import annotations

from sqlalchemy import select

from tests.support.http import https_client
from tests.support.reporter import Report, csrf_from, submit_report
from tests.support.staff import make_staff, signed_in
from tests.support.trust import ceremony_shares
from wbs_app.db import app_database
from wbs_app.models import AuditEvent, StaffRole

PAGE = "/staf/pemulihan"


def _recover(client, shares: list[str], email: str, cases: str):
    page = client.get(PAGE).get_data(as_text=True)
    data = {"csrf_token": csrf_from(page), "staff_email": email, "case_numbers": cases}
    data |= {f"share_{n}": share for n, share in enumerate(shares, start=1)}
    data |= {"unit_id": "0", "action": "regrant"}
    return client.post(PAGE, data=data)


def _notice(page: str) -> str:
    return page.split('<div class="notice')[1].split("</div>")[0]


def test_nothing_given_is_an_error_with_the_reason_first_and_its_own_audit_action(
    app, org, reporter
) -> None:
    submit_report(reporter, Report(unit=org.units["a"]))
    shares = ceremony_shares(app)
    custodians = https_client(app)
    refused = _recover(custodians, shares[:2], "sitti@kanwil.example", "99")
    notice = _notice(refused.get_data(as_text=True))
    assert notice.startswith(' error"'), notice
    assert notice.index("Tidak ada kasus yang diberikan") < notice.index("99")
    assert "Kasus yang diberikan kembali" not in notice
    given = _recover(custodians, shares[:2], "sitti@kanwil.example", "1")
    assert _notice(given.get_data(as_text=True)).startswith(' ok"')
    with app_database(app).session() as session:
        actions = session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.action.like("recovery_regrant%"))
            .order_by(AuditEvent.id)
        ).all()
    assert actions == ["recovery_regrant_none", "recovery_regrant"]
    admin = signed_in(app, make_staff(app, "admin", StaffRole.ADMIN))
    log = admin.get("/staf/admin/audit").get_data(as_text=True)
    assert "Pemulihan: tidak ada kasus yang diberikan kembali" in log
    assert "akar 1: 1 kasus" in log and "akar 1: 0 kasus" in log
    assert "cases" not in log


def test_the_same_share_typed_twice_gets_its_own_refusal(app, org) -> None:
    """Finding 9: one custodian's share in two boxes is not 'check every word'."""
    shares = ceremony_shares(app)
    custodians = https_client(app)
    refused = _recover(
        custodians, [shares[0], "  " + shares[0].upper() + " "], "sitti@kanwil.example", "1"
    )
    assert refused.status_code == 400
    text = refused.get_data(as_text=True)
    assert "sama" in text and "bagiannya sendiri" in text
    assert "Periksa setiap kata" not in text
