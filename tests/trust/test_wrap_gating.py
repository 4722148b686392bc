"""No wrap reaches an uncertified identity, at intake or grant; revocation stops wraps at once."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.support.http import CSRF_RE, https_client
from tests.support.org import Org
from tests.support.reporter import Report, csrf_from, post_form, submit_report
from tests.support.staff import identity_of, make_staff, make_units, signed_in
from tests.support.trust import certify_by_test_root
from wbs_app.db import app_database
from wbs_app.models import (
    Audience,
    Case,
    HandlerCertificate,
    KeyWrap,
    StaffMember,
    StaffRole,
    StaffStatus,
)
from wbs_app.services.cases import access, case_keys
from wbs_app.services.staff import staff_admin
from wbs_app.services.trust import certificates

SUP = StaffRole.SUPERVISOR


@pytest.fixture
def org(app) -> Org:
    units = make_units(app)
    return Org(
        units=units,
        budi=make_staff(app, "budi", unit_ids=(units["a"],)),
        sitti=make_staff(app, "sitti", unit_ids=(units["b"],)),
        rahman=make_staff(app, "rahman", SUP, unit_ids=(units["kanwil"],)),
    )


def _wrapped_to(app, staff_id: int) -> int:
    with app_database(app).session() as session:
        return len(session.scalars(select(KeyWrap.id).where(KeyWrap.staff_id == staff_id)).all())


def _post_grant(client, case_id: int, staff_id: int):
    page = client.get(f"/staf/pengelola/kasus/{case_id}").get_data(as_text=True)
    return client.post(
        f"/staf/pengelola/kasus/{case_id}/akses/beri",
        data={"csrf_token": csrf_from(page), "staff_id": str(staff_id)},
    )


def test_an_uncertified_investigator_gets_no_wrap_at_intake_and_is_not_offered(app, org) -> None:
    dewi = make_staff(app, "dewi", unit_ids=(org.units["a"],), certified=False)
    reporter = https_client(app)
    review = post_form(reporter, Report(unit=org.units["a"])).get_data(as_text=True)
    assert "Dewi" not in review and "Budi" in review
    assert "disertifikasi oleh para kustodian" in review  # who vouched for each recipient
    submit_report(https_client(app), Report(unit=org.units["a"]))
    assert _wrapped_to(app, dewi.id) == 0 and _wrapped_to(app, org.budi.id) > 0
    certify_by_test_root(app, dewi.id)
    submit_report(https_client(app), Report(unit=org.units["a"]))
    assert _wrapped_to(app, dewi.id) == 2  # the second case only: reporter and internal keys


def test_an_uncertified_colleague_cannot_be_granted_a_case(app, org) -> None:
    submit_report(https_client(app), Report(unit=org.units["a"]))
    dewi = make_staff(app, "dewi", unit_ids=(org.units["b"],), certified=False)
    with app_database(app).session() as session:
        case_id = session.scalar(select(Case.id))
    budi = signed_in(app, org.budi)
    page = budi.get(f"/staf/pengelola/kasus/{case_id}").get_data(as_text=True)
    grant_form = page.split("/akses/beri")[1].split("</form>")[0]
    assert ">Dewi<" not in grant_form and ">Sitti<" in grant_form  # not offered
    refused = _post_grant(budi, case_id, dewi.id)
    assert refused.status_code == 302
    assert "belum disertifikasi" in budi.get(refused.headers["Location"]).get_data(as_text=True)
    assert _wrapped_to(app, dewi.id) == 0
    certify_by_test_root(app, dewi.id)
    assert _post_grant(budi, case_id, dewi.id).status_code == 302
    assert _wrapped_to(app, dewi.id) == 2


def test_wrap_to_staff_itself_refuses_an_uncertified_identity(app, org) -> None:
    """Defence in depth: a future path that forgets to choose certified recipients still fails."""
    submit_report(https_client(app), Report(unit=org.units["a"]))
    dewi = make_staff(app, "dewi", unit_ids=(org.units["a"],), certified=False)
    budi_identity = identity_of(app, org.budi)
    with app_database(app).session() as session:
        case = session.scalar(select(Case))
        budi = session.get(StaffMember, org.budi.id)
        row = case_keys.audience_key(session, case, Audience.INTERNAL)
        key = case_keys.unwrap_for_staff(session, case, row, budi, budi_identity)
        with pytest.raises(certificates.NotCertified):
            case_keys.wrap_to_staff(session, case, row, key, session.get(StaffMember, dewi.id))
        with pytest.raises(access.AccessRefused) as refused:
            access.grant(session, case, budi, budi_identity, session.get(StaffMember, dewi.id))
        assert refused.value.code == "not_certified"


def _revocations(app, staff_id: int) -> list[str | None]:
    with app_database(app).session() as session:
        return list(
            session.scalars(
                select(HandlerCertificate.revoked_reason).where(
                    HandlerCertificate.staff_id == staff_id
                )
            )
        )


def test_deactivation_reset_and_role_changes_revoke_at_once(app, org) -> None:
    admin = make_staff(app, "admin", StaffRole.ADMIN)
    units = org.units
    dewi = make_staff(app, "dewi", unit_ids=(units["a"],))
    eko = make_staff(app, "eko", unit_ids=(units["a"],))
    fajar = make_staff(app, "fajar", SUP, unit_ids=(units["a"],))
    with app_database(app).session() as session:
        actor = session.get(StaffMember, admin.id)
        staff_admin.deactivate(session, actor, dewi.id)
        staff_admin.reset_password(session, actor, eko.id)
        # Narrowing counts too: a supervisor of UPT a made its investigator.
        staff_admin.change_role(session, actor, fajar.id, StaffRole.INVESTIGATOR, [units["a"]])
        staff_admin.change_role(session, actor, org.sitti.id, StaffRole.INVESTIGATOR, [units["b"]])
        session.commit()
    assert _revocations(app, dewi.id) == ["deactivated"]
    assert _revocations(app, eko.id) == ["password_reset"]
    assert _revocations(app, fajar.id) == ["role_changed"]
    assert _revocations(app, org.sitti.id) == [None]  # nothing changed: still certified
    with app_database(app).session() as session:
        actor = session.get(StaffMember, admin.id)
        staff_admin.reactivate(session, actor, dewi.id)
        session.commit()
        assert session.get(StaffMember, dewi.id).status is StaffStatus.ACTIVE
    submit_report(https_client(app), Report(unit=units["a"]))
    for login in (dewi, fajar):
        assert _wrapped_to(app, login.id) == 0
    assert _wrapped_to(app, org.budi.id) == 2


def test_a_widened_role_needs_a_new_certificate(app, org) -> None:
    admin = signed_in(app, make_staff(app, "admin", StaffRole.ADMIN))
    page = admin.get(f"/staf/admin/staf/{org.budi.id}").get_data(as_text=True)
    admin.post(
        f"/staf/admin/staf/{org.budi.id}/peran",
        data={
            "csrf_token": CSRF_RE.search(page).group(1),
            "role": "investigator",
            "units": [str(org.units["a"]), str(org.units["b"])],
        },
    )
    assert _revocations(app, org.budi.id) == ["units_changed"]
    submit_report(https_client(app), Report(unit=org.units["b"]))
    submit_report(https_client(app), Report(unit=org.units["a"]))
    assert _wrapped_to(app, org.budi.id) == 0  # neither the new unit nor the old one
    # Rahman, supervisor of the Kanwil above both, certifies the wider reach.
    from crypto.certificates import certificate_fingerprint

    with app_database(app).session() as session:
        budi = session.get(StaffMember, org.budi.id)
        rahman = session.get(StaffMember, org.rahman.id)
        heard = certificate_fingerprint(budi.identity_public)
        certificates.certify_by_handler(session, budi, rahman, identity_of(app, org.rahman), heard)
        session.commit()
    submit_report(https_client(app), Report(unit=org.units["b"]))
    assert _wrapped_to(app, org.budi.id) == 2


def test_a_display_name_taken_by_an_active_account_blocks_reactivation(app, org) -> None:
    admin = make_staff(app, "admin", StaffRole.ADMIN)
    with app_database(app).session() as session:
        actor = session.get(StaffMember, admin.id)
        staff_admin.deactivate(session, actor, org.sitti.id)
        session.commit()
    browser = signed_in(app, admin)
    page = browser.get("/staf/admin/staf/undang").get_data(as_text=True)
    invited = browser.post(
        "/staf/admin/staf/undang",
        data={
            "csrf_token": CSRF_RE.search(page).group(1),
            "display_name": "Sitti",
            "email": "sitti2@kanwil.example",
            "role": "investigator",
            "units": [str(org.units["b"])],
        },
    )
    assert invited.status_code == 200  # the first Sitti is deactivated: the name is free
    with app_database(app).session() as session:
        actor = session.get(StaffMember, admin.id)
        with pytest.raises(staff_admin.AccountError) as refused:
            staff_admin.reactivate(session, actor, org.sitti.id)
        assert refused.value.code == "name_taken"
