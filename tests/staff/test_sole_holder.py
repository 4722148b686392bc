"""An administrator never orphans a case: resets and deactivations of its only holder are refused.

A case can be opened only by the people its keys are wrapped to. A reset
destroys the person's key and a deactivation locks it away, so while they
are the only active holder of any of a case's keys (reporter, internal or a
respondent's), the administrator is told which cases (number and unit, never
content) and that the holder must grant them to a colleague first; nothing is
changed. Every case starts with a supervisor besides the unit's
investigators, so the only holder here is made the way it happens at work: the
supervisor hands the case back (revokes their own access).

A reset is refused only for a key nobody else can give back: a key with a
recovery wrap (every key made since the custodian ceremony) comes back through
K custodians (``tests/trust/test_recovery_page.py``), so these cases are made
as cases received before the ceremony were, without one.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import delete, select, text

from tests.support.reporter import Report, csrf_from, submit_report
from tests.support.respondent import investigating_case, invite
from tests.support.settings import POSTGRES_URL
from tests.support.staff import csrf_token, make_staff, signed_in
from tests.support.world import changed_tables, snapshot
from wbs_app.db import app_database
from wbs_app.models import (
    Audience,
    AudienceKey,
    Case,
    KeyWrap,
    RecipientKind,
    StaffMember,
    StaffRole,
    StaffStatus,
)
from wbs_app.services.cases import access
from wbs_app.services.staff import staff_admin

REFUSED = "satu-satunya"  # "the only one" in the refusal's heading


def _access(client, case_id: int, action: str, staff_id: int):
    page = client.get(f"/staf/pengelola/kasus/{case_id}").get_data(as_text=True)
    return client.post(
        f"/staf/pengelola/kasus/{case_id}/akses/{action}",
        data={"csrf_token": csrf_from(page), "staff_id": str(staff_id)},
    )


def _without_recovery(app, case_id: int) -> None:
    """The case as one received before the custodian ceremony: no recovery wrap."""
    with app_database(app).session() as session:
        session.execute(
            delete(KeyWrap).where(
                KeyWrap.case_id == case_id, KeyWrap.recipient_kind == RecipientKind.RECOVERY
            )
        )
        session.commit()


def _only_budi_holds(app, org, reporter, unit: str = "a", recoverable: bool = False) -> int:
    """A case of UPT Makassar that Budi alone holds: Rahman handed it back."""
    submit_report(reporter, Report(unit=org.units[unit], what="RAHASIA-ISI laporan"))
    with app_database(app).session() as session:
        case_id = max(session.scalars(select(Case.id)))
    if not recoverable:
        _without_recovery(app, case_id)
    rahman = signed_in(app, org.rahman)
    assert _access(rahman, case_id, "cabut", org.rahman.id).status_code == 302
    return case_id


def _admin(app):
    login = make_staff(app, "admin", StaffRole.ADMIN)
    return signed_in(app, login)


def _post(admin, staff_id: int, action: str):
    token = csrf_token(admin, f"/staf/admin/staf/{staff_id}")
    return admin.post(f"/staf/admin/staf/{staff_id}/{action}", data={"csrf_token": token})


@pytest.mark.parametrize("action", ["reset", "nonaktifkan"])
def test_the_only_holder_is_neither_reset_nor_deactivated(app, org, reporter, action) -> None:
    case_id = _only_budi_holds(app, org, reporter)
    admin = _admin(app)
    budi = signed_in(app, org.budi)
    before = snapshot(app)
    refused = _post(admin, org.budi.id, action)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 409, page[:300]
    assert REFUSED in page and "Tidak ada yang diubah" in page
    assert f"#{case_id}" in page and "UPT Makassar" in page
    assert "berikan akses" in page  # what to do: the holder grants it to a colleague first
    assert "RAHASIA-ISI" not in page  # administrators see metadata, never content
    assert changed_tables(before, snapshot(app)) == []
    assert budi.get(f"/staf/pengelola/kasus/{case_id}").status_code == 200  # session and key intact


def test_with_a_recovery_wrap_the_only_holder_may_be_reset_but_not_deactivated(
    app, org, reporter
) -> None:
    """The custodians can give a recoverable case back to the new key; a deactivation
    would only lock the key away, so it still needs a colleague who can read the case."""
    case_id = _only_budi_holds(app, org, reporter, recoverable=True)
    admin = _admin(app)
    assert _post(admin, org.budi.id, "nonaktifkan").status_code == 409
    done = _post(admin, org.budi.id, "reset")
    assert done.status_code == 200 and "/staf/aktivasi?kode=" in done.get_data(as_text=True)
    with app_database(app).session() as session:
        assert access.sole_holder_cases(session, org.budi.id, case_id) == []


def test_once_granted_to_a_colleague_the_reset_goes_through(app, org, reporter) -> None:
    case_id = _only_budi_holds(app, org, reporter)
    admin = _admin(app)
    assert _post(admin, org.budi.id, "reset").status_code == 409
    budi = signed_in(app, org.budi)
    assert _access(budi, case_id, "beri", org.sitti.id).status_code == 302
    done = _post(admin, org.budi.id, "reset")
    assert done.status_code == 200 and "/staf/aktivasi?kode=" in done.get_data(as_text=True)
    assert signed_in(app, org.sitti).get(f"/staf/pengelola/kasus/{case_id}").status_code == 200


def test_a_deactivated_colleague_does_not_count_as_a_holder(app, org, reporter) -> None:
    submit_report(reporter, Report(unit=org.units["a"]))
    with app_database(app).session() as session:
        case_id = session.scalar(select(Case.id))
    _without_recovery(app, case_id)
    admin = _admin(app)
    # Budi still holds the case, so Rahman may go; then Budi is the only one who can open it.
    assert _post(admin, org.rahman.id, "nonaktifkan").status_code == 302
    refused = _post(admin, org.budi.id, "reset")
    assert refused.status_code == 409 and f"#{case_id}" in refused.get_data(as_text=True)
    assert _post(admin, org.budi.id, "nonaktifkan").status_code == 409


def test_a_deactivated_only_holder_is_reactivated_first(app, org, reporter) -> None:
    """Deactivated before this check existed: a reset would destroy what reactivation gives back."""
    case_id = _only_budi_holds(app, org, reporter)
    with app_database(app).session() as session:
        session.get(StaffMember, org.budi.id).status = StaffStatus.DEACTIVATED
    admin = _admin(app)
    refused = _post(admin, org.budi.id, "reset")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 409 and f"#{case_id}" in page and "Aktifkan kembali" in page


def test_the_only_holder_of_a_respondent_key_is_kept(app, org, reporter) -> None:
    """Reporter and internal keys have two holders, one invitation's key only Budi."""
    budi, case_id = investigating_case(app, org, reporter)
    invite(budi, case_id)
    _without_recovery(app, case_id)
    with app_database(app).session() as session:
        respondent_key = session.scalar(
            select(AudienceKey.id).where(
                AudienceKey.case_id == case_id, AudienceKey.audience == Audience.RESPONDENT
            )
        )
        # No page makes this today (a grant passes on every key the granter holds);
        # old data or a future path might, and the check is per key.
        session.execute(
            delete(KeyWrap).where(
                KeyWrap.audience_key_id == respondent_key, KeyWrap.staff_id == org.rahman.id
            )
        )
    admin = _admin(app)
    refused = _post(admin, org.budi.id, "reset")
    assert refused.status_code == 409 and f"#{case_id}" in refused.get_data(as_text=True)
    assert _post(admin, org.rahman.id, "reset").status_code == 200  # Budi holds all of it


def test_role_and_unit_changes_narrow_no_access(app, org, reporter) -> None:
    """Access is the wraps: a new role or unit of a handler deletes none, so it orphans nothing."""
    case_id = _only_budi_holds(app, org, reporter)
    admin = _admin(app)
    token = csrf_token(admin, f"/staf/admin/staf/{org.budi.id}")
    changed = admin.post(
        f"/staf/admin/staf/{org.budi.id}/peran",
        data={"csrf_token": token, "role": "supervisor", "units": str(org.units["b"])},
    )
    assert changed.status_code == 302
    with app_database(app).session() as session:
        assert session.get(StaffMember, org.budi.id).role is StaffRole.SUPERVISOR
    assert signed_in(app, org.budi).get(f"/staf/pengelola/kasus/{case_id}").status_code == 200


def test_sole_holder_cases_are_each_case_once_by_number_with_its_unit(
    app, org, reporter, moved_totp_clock
) -> None:
    for _ in range(3):
        _only_budi_holds(app, org, reporter)
    with app_database(app).session() as session:
        found = access.sole_holder_cases(session, org.budi.id)
        assert [case.unit for case in found] == ["UPT Makassar"] * 3
        assert [case.case_id for case in found] == sorted(session.scalars(select(Case.id)))
        assert access.sole_holder_cases(session, org.rahman.id) == []
        assert access.sole_holder_cases(session, org.sitti.id) == []


@pytest.mark.skipif(not POSTGRES_URL, reason="SQLite runs one writing transaction at a time")
def test_two_administrators_at_once_leave_one_holder(app, org, reporter) -> None:
    """Budi and Rahman hold a case; one administrator resets Budi while another deactivates Rahman.

    Each alone is allowed. Without a lock each transaction sees the other
    colleague still active and both commit, leaving nobody. The second waits
    for the first and is refused.
    """
    submit_report(reporter, Report(unit=org.units["a"]))
    admin_login = make_staff(app, "admin", StaffRole.ADMIN)
    database = app_database(app)
    outcome: dict[str, object] = {}

    def deactivate_rahman() -> None:
        with database.session() as second:
            actor = second.get(StaffMember, admin_login.id)
            try:
                staff_admin.deactivate(second, actor, org.rahman.id)
            except access.SoleHolder as refusal:
                outcome["refused"] = refusal.cases
            else:
                outcome["done"] = True

    with database.session() as first:
        staff_admin.reset_password(first, first.get(StaffMember, admin_login.id), org.budi.id)
        other = threading.Thread(target=deactivate_rahman)
        other.start()
        _wait_until_blocked_or_done(first, other)
    other.join(30)
    assert "refused" in outcome, outcome
    with database.session() as session:
        assert session.get(StaffMember, org.rahman.id).status is StaffStatus.ACTIVE


def _wait_until_blocked_or_done(session, thread: threading.Thread) -> None:
    """Until the other transaction waits for a lock, or has finished (as it did before the fix)."""
    with session.get_bind().engine.connect() as watcher:
        while thread.is_alive():
            waiting = watcher.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity"
                    " WHERE wait_event_type = 'Lock' AND datname = current_database()"
                )
            )
            watcher.rollback()  # a fresh snapshot of the activity view next time
            if waiting:
                return
            thread.join(0.05)


def _recovery_wraps_become(app, case_id: int, **values) -> None:
    """A database writer's UPDATE of the case's recovery wraps (bytes or generation)."""
    from sqlalchemy import update

    with app_database(app).session() as session:
        session.execute(
            update(KeyWrap)
            .where(KeyWrap.case_id == case_id, KeyWrap.recipient_kind == RecipientKind.RECOVERY)
            .values(**values)
        )
        session.commit()


@pytest.mark.parametrize(
    "values",
    [
        {"wrapped": b"\x00" * 32},  # garbage: not even the size of a wrap
        {"identity_generation": 0},  # a generation that is not the current root's
    ],
    ids=["garbage", "old-generation"],
)
def test_a_recovery_wrap_that_the_current_root_cannot_open_does_not_allow_a_reset(
    app, org, reporter, values
) -> None:
    """Finding 6b of the issue 17 review: any recovery row used to make the case look
    recoverable, so the reset went through and the case was lost for good."""
    case_id = _only_budi_holds(app, org, reporter, recoverable=True)
    _recovery_wraps_become(app, case_id, **values)
    admin = _admin(app)
    refused = _post(admin, org.budi.id, "reset")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 409, page[:300]
    assert REFUSED in page and f"#{case_id}" in page
    with app_database(app).session() as session:
        assert access.sole_holder_cases(session, org.budi.id, case_id, recovery_counts=True)
