"""A password change can replace the identity itself (issue 17), through the password page.

With "also replace my personal key" ticked, the old seed is dropped and a new
identity generation sealed under the new password (and the pepper): whoever
opened the old seed reads nothing wrapped from now on. The person's cases come
back when a colleague re-grants them; while a case has no other reader, it is
refused and nothing changes.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select

from crypto import DecryptionError, Identity, open_seed
from tests.support.reporter import Report, csrf_from, submit_report
from tests.support.staff import csrf_token, pepper, signed_in
from tests.support.trust import certify_on_page, own_fingerprint
from tests.support.world import changed_tables, snapshot
from wbs_app.db import app_database
from wbs_app.models import AuditEvent, Case, StaffIdentity, StaffMember
from wbs_app.services.cases import journal

NEW_PASSWORD = "angin-pantai-losari-pagi"


def _change(client, current: str, *, replace_keys: bool):
    data = {
        "csrf_token": csrf_token(client, "/staf/kata-sandi"),
        "current": current,
        "password": NEW_PASSWORD,
        "password_confirm": NEW_PASSWORD,
    }
    if replace_keys:
        data["replace_keys"] = "y"
    return client.post("/staf/kata-sandi", data=data)


def _case_id(app) -> int:
    with app_database(app).session() as session:
        return max(session.scalars(select(Case.id)))


def _access(client, case_id: int, action: str, staff_id: int):
    page = client.get(f"/staf/pengelola/kasus/{case_id}").get_data(as_text=True)
    return client.post(
        f"/staf/pengelola/kasus/{case_id}/akses/{action}",
        data={"csrf_token": csrf_from(page), "staff_id": str(staff_id)},
    )


def test_replacing_the_key_makes_a_new_identity_and_a_colleague_regrants_the_case(
    app, org, reporter, moved_totp_clock
) -> None:
    submit_report(reporter, Report(unit=org.units["a"]))  # Budi and Rahman hold it
    case_id = _case_id(app)
    with app_database(app).session() as session:
        before = session.get(StaffMember, org.budi.id)
        old_seal, old_public = before.sealed_seed, before.identity_public
        old_generation = before.identity_generation
    budi = signed_in(app, org.budi)
    elsewhere = signed_in(app, org.budi)
    assert budi.get(f"/staf/pengelola/kasus/{case_id}").status_code == 200

    answer = _change(budi, org.budi.password, replace_keys=True)
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/staf/masuk")
    # Every session ends, this one too: it held the old seed.
    assert budi.get("/staf/pengelola/").status_code == 302
    assert elsewhere.get("/staf/pengelola/").status_code == 302
    with app_database(app).session() as session:
        after = session.get(StaffMember, org.budi.id)
        assert after.identity_generation == old_generation + 1
        assert after.identity_public != old_public
        seed = open_seed(after.sealed_seed, NEW_PASSWORD, pepper(app))
        assert Identity.from_seed(seed).public().to_bytes() == after.identity_public
        generations = session.scalars(
            select(StaffIdentity.generation).where(StaffIdentity.staff_id == org.budi.id)
        ).all()
        assert sorted(generations) == [
            old_generation,
            old_generation + 1,
        ]  # old kept for the journal
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.target_staff_id == org.budi.id)
        ).all()
        assert "keys_replaced" in actions
        assert after.sealed_seed != old_seal
    with pytest.raises(DecryptionError):  # the new password never opens the old seed
        open_seed(old_seal, NEW_PASSWORD, pepper(app))

    # The authenticator stays enrolled; the case no longer opens until it is re-granted.
    budi = signed_in(app, replace(org.budi, password=NEW_PASSWORD))
    assert budi.get(f"/staf/pengelola/kasus/{case_id}").status_code == 403
    rahman = signed_in(app, org.rahman)
    # The new key has no certificate yet: no colleague can grant it anything.
    refused = _access(rahman, case_id, "beri", org.budi.id)
    shown = rahman.get(refused.headers["Location"]).get_data(as_text=True)
    assert "belum disertifikasi" in shown
    assert budi.get(f"/staf/pengelola/kasus/{case_id}").status_code == 403
    assert certify_on_page(rahman, org.budi.id, own_fingerprint(budi)).status_code == 302
    assert _access(rahman, case_id, "beri", org.budi.id).status_code == 302
    assert budi.get(f"/staf/pengelola/kasus/{case_id}").status_code == 200
    with app_database(app).session() as session:
        assert journal.verify_case(session, session.get(Case, case_id)) is None


def test_replacing_the_key_of_a_sole_holder_is_refused_and_changes_nothing(
    app, org, reporter
) -> None:
    submit_report(reporter, Report(unit=org.units["a"]))
    case_id = _case_id(app)
    rahman = signed_in(app, org.rahman)
    assert _access(rahman, case_id, "cabut", org.rahman.id).status_code == 302  # Budi alone
    budi = signed_in(app, org.budi)
    csrf_token(budi, "/staf/kata-sandi")
    before = snapshot(app)
    refused = _change(budi, org.budi.password, replace_keys=True)
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert "Kunci Anda belum dapat diganti" in page and 'role="alert"' in page
    assert changed_tables(before, snapshot(app)) == []
    assert budi.get(f"/staf/pengelola/kasus/{case_id}").status_code == 200


def test_a_wrong_current_password_replaces_nothing(app, org) -> None:
    budi = signed_in(app, org.budi)
    csrf_token(budi, "/staf/kata-sandi")
    before = snapshot(app)
    refused = _change(budi, org.budi.password + "x", replace_keys=True)
    assert refused.status_code == 400
    assert changed_tables(before, snapshot(app)) == []
    assert budi.get("/staf/pengelola/").status_code == 200


def test_without_the_box_the_identity_stays(app, org) -> None:
    with app_database(app).session() as session:
        public = session.get(StaffMember, org.budi.id).identity_public
    budi = signed_in(app, org.budi)
    assert _change(budi, org.budi.password, replace_keys=False).status_code == 302
    assert budi.get("/staf/pengelola/").status_code == 200
    with app_database(app).session() as session:
        assert session.get(StaffMember, org.budi.id).identity_public == public
