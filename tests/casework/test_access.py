"""Access changes through HTTP: grant, revoke at once, excluded never, re-grant after reset."""

from __future__ import annotations

from sqlalchemy import select

from tests.support.http import https_client
from tests.support.reporter import Report, csrf_from, post_form, send_review, submit_report
from tests.support.staff import make_staff, signed_in
from tests.support.trust import certify_by_test_root
from wbs_app.db import app_database
from wbs_app.models import Case, JournalEntry, StaffMember, StaffRole
from wbs_app.services.cases import journal
from wbs_app.services.staff import staff_admin


def _case_id(app) -> int:
    with app_database(app).session() as session:
        return session.scalar(select(Case.id))


def _post(client, case_id: int, action: str, staff_id: int):
    page = client.get(f"/staf/pengelola/kasus/{case_id}").get_data(as_text=True)
    return client.post(
        f"/staf/pengelola/kasus/{case_id}/akses/{action}",
        data={"csrf_token": csrf_from(page), "staff_id": str(staff_id)},
    )


def _kinds(app, case_id: int) -> list[str]:
    with app_database(app).session() as session:
        return list(
            session.scalars(
                select(JournalEntry.kind)
                .where(JournalEntry.case_id == case_id)
                .order_by(JournalEntry.seq)
            )
        )


def test_grant_then_revoke_takes_effect_at_once(app, org, reporter) -> None:
    submit_report(reporter, Report(unit=org.units["a"]))
    case_id = _case_id(app)
    budi, sitti = signed_in(app, org.budi), signed_in(app, org.sitti)
    assert sitti.get(f"/staf/pengelola/kasus/{case_id}").status_code == 404
    assert _post(budi, case_id, "beri", org.sitti.id).status_code == 302
    assert sitti.get(f"/staf/pengelola/kasus/{case_id}").status_code == 200
    assert f"/staf/pengelola/kasus/{case_id}" in sitti.get("/staf/pengelola/kasus").get_data(
        as_text=True
    )
    assert _post(budi, case_id, "cabut", org.sitti.id).status_code == 302
    assert (
        sitti.get(f"/staf/pengelola/kasus/{case_id}").status_code == 404
    )  # the same session, at once
    assert _kinds(app, case_id) == ["access_granted", "access_revoked"]
    with app_database(app).session() as session:
        assert journal.verify_case(session, session.get(Case, case_id)) is None


def test_last_holder_cannot_be_revoked_and_assignment(app, org, reporter) -> None:
    submit_report(reporter, Report(unit=org.units["a"]))
    case_id = _case_id(app)
    # Every case starts with a supervisor; Rahman hands this one back to Budi.
    assert _post(signed_in(app, org.rahman), case_id, "cabut", org.rahman.id).status_code == 302
    budi = signed_in(app, org.budi)
    refused = _post(budi, case_id, "cabut", org.budi.id)
    assert "Sedikitnya satu petugas" in budi.get(refused.headers["Location"]).get_data(as_text=True)
    assert _post(budi, case_id, "tugaskan", org.sitti.id).status_code == 302
    with app_database(app).session() as session:
        assert session.get(Case, case_id).assignee_id == org.sitti.id
    assert _kinds(app, case_id) == ["access_revoked", "access_granted", "assigned"]


def test_excluded_handler_can_never_be_granted(app, org, reporter) -> None:
    # A second supervisor, so that the reporter may exclude Rahman (one must remain).
    make_staff(app, "dewi", StaffRole.SUPERVISOR, unit_ids=(org.units["a"],))
    review = post_form(reporter, Report(unit=org.units["a"]))
    send_review(reporter, review.get_data(as_text=True), exclude=[org.rahman.id])
    case_id = _case_id(app)
    budi = signed_in(app, org.budi)
    page = budi.get(f"/staf/pengelola/kasus/{case_id}").get_data(as_text=True)
    assert f'value="{org.rahman.id}"' not in page.split("Beri akses")[0].split("Akses")[-1]
    response = _post(budi, case_id, "beri", org.rahman.id)
    follow = budi.get(response.headers["Location"]).get_data(as_text=True)
    assert "benturan kepentingan" in follow
    for action in ("tugaskan",):
        _post(budi, case_id, action, org.rahman.id)
    rahman = signed_in(app, org.rahman)
    assert rahman.get(f"/staf/pengelola/kasus/{case_id}").status_code == 404
    assert _kinds(app, case_id) == []


def test_regrant_after_password_reset(app, org, reporter) -> None:
    submit_report(reporter, Report(unit=org.units["a"]))
    case_id = _case_id(app)
    admin = make_staff(app, "admin", StaffRole.ADMIN)
    with app_database(app).session() as session:
        token = staff_admin.reset_password(session, session.get(StaffMember, admin.id), org.budi.id)
    # Budi activates a new identity through the reset link.
    import time

    from tests.support.staff import PASSWORD, StaffLogin, activation_fields, enrolment_fields
    from wbs_app.services.staff import totp

    newcomer = https_client(app)
    page = newcomer.get(f"/staf/aktivasi?kode={token}").get_data(as_text=True)
    enrolment = enrolment_fields(page, when=time.time() - 30)
    secret = totp.parse_secret_text(enrolment["totp_secret"])
    newcomer.post("/staf/aktivasi", data=enrolment | activation_fields(token, "budi", PASSWORD))
    budi = signed_in(app, StaffLogin(org.budi.id, "budi", PASSWORD, secret))
    certify_by_test_root(app, org.budi.id)  # the new key, certified before any re-grant
    waiting = budi.get(f"/staf/pengelola/kasus/{case_id}")  # the old key is gone
    assert waiting.status_code == 403
    assert "menunggu diberikan kembali" in waiting.get_data(as_text=True)
    rahman = signed_in(app, org.rahman)
    page = rahman.get(f"/staf/pengelola/kasus/{case_id}").get_data(as_text=True)
    assert "kunci lama" in page
    assert _post(rahman, case_id, "beri", org.budi.id).status_code == 302
    assert budi.get(f"/staf/pengelola/kasus/{case_id}").status_code == 200
    assert _kinds(app, case_id) == ["access_regranted"]
    with app_database(app).session() as session:
        assert journal.verify_case(session, session.get(Case, case_id)) is None
    timeline = rahman.get(f"/staf/pengelola/kasus/{case_id}").get_data(as_text=True)
    assert "Akses diberikan kembali (kunci baru)" in timeline


def test_a_non_holder_can_neither_grant_nor_revoke(app, org, reporter) -> None:
    submit_report(reporter, Report(unit=org.units["a"]))
    case_id = _case_id(app)
    sitti = signed_in(app, org.sitti)  # holds no key of this case
    page = sitti.get("/staf/pengelola/kasus").get_data(as_text=True)
    token = csrf_from(page)
    for action, target in (
        ("beri", org.sitti.id),
        ("cabut", org.budi.id),
        ("tugaskan", org.sitti.id),
    ):
        response = sitti.post(
            f"/staf/pengelola/kasus/{case_id}/akses/{action}",
            data={"csrf_token": token, "staff_id": str(target)},
        )
        assert response.status_code == 404, action
    assert signed_in(app, org.budi).get(f"/staf/pengelola/kasus/{case_id}").status_code == 200
    assert _kinds(app, case_id) == []


def test_no_revoke_leaves_only_a_colleague_whose_key_is_gone(app, org, reporter) -> None:
    """Rahman's password was reset: his old key is erased, his new one not made yet."""
    submit_report(reporter, Report(unit=org.units["a"]))
    case_id = _case_id(app)
    admin = make_staff(app, "admin", StaffRole.ADMIN)
    with app_database(app).session() as session:
        staff_admin.reset_password(session, session.get(StaffMember, admin.id), org.rahman.id)
    budi = signed_in(app, org.budi)
    refused = _post(budi, case_id, "cabut", org.budi.id)
    assert "Sedikitnya satu petugas" in budi.get(refused.headers["Location"]).get_data(as_text=True)
    assert budi.get(f"/staf/pengelola/kasus/{case_id}").status_code == 200
    assert _kinds(app, case_id) == []
