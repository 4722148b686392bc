"""The four ways an administrator could once have a report sent to an account of their own.

Each test plays the administrator through HTTP with documented features only,
then a reporter files a report, and the puppet account (signed in with the
password the administrator chose) finds nothing in its inbox and cannot open
the case. The certified handlers of the unit receive it as before.
"""

from __future__ import annotations

import re
import time

import pytest
from sqlalchemy import select

from tests.support.http import CSRF_RE, https_client
from tests.support.reporter import Report, post_form, send_review, submit_report
from tests.support.staff import (
    PASSWORD,
    StaffLogin,
    activation_fields,
    csrf_token,
    enrolment_fields,
    make_staff,
    make_units,
    signed_in,
)
from wbs_app.db import app_database
from wbs_app.models import Case, KeyWrap, StaffMember, StaffRole, Unit
from wbs_app.services.staff import totp

LINK_RE = re.compile(r"(/staf/aktivasi\?kode=[\w-]+)")


@pytest.fixture
def office(app):
    """Kanwil with UPT a and b; certified: a supervisor of the Kanwil, Sitti and Budi."""
    units = make_units(app)
    return {
        "units": units,
        "admin": make_staff(app, "admin", StaffRole.ADMIN),
        "rahman": make_staff(app, "rahman", StaffRole.SUPERVISOR, (units["kanwil"],)),
        "budi": make_staff(app, "budi", unit_ids=(units["a"],)),
        "sitti": _renamed(app, make_staff(app, "sitti", unit_ids=(units["b"],)), "Sitti Rahmawati"),
    }


def _renamed(app, login: StaffLogin, name: str) -> StaffLogin:
    with app_database(app).session() as session:
        session.get(StaffMember, login.id).display_name = name
        session.commit()
    return login


def _activate(app, link: str, username: str) -> StaffLogin:
    """The administrator opens the link on their own screen and chooses the password."""
    browser = https_client(app)
    page = browser.get(link).get_data(as_text=True)
    enrolment = enrolment_fields(page, when=time.time() - 30)
    token = link.split("kode=")[1]
    done = browser.post(
        "/staf/aktivasi", data=enrolment | activation_fields(token, username, PASSWORD)
    )
    assert done.status_code == 302, done.get_data(as_text=True)[:2000]
    with app_database(app).session() as session:
        staff_id = session.scalar(select(StaffMember.id).where(StaffMember.username == username))
    return StaffLogin(
        staff_id, username, PASSWORD, totp.parse_secret_text(enrolment["totp_secret"])
    )


def _invite(admin, name: str, email: str, role: str, unit_id: int):
    page = admin.get("/staf/admin/staf/undang").get_data(as_text=True)
    return admin.post(
        "/staf/admin/staf/undang",
        data={
            "csrf_token": CSRF_RE.search(page).group(1),
            "display_name": name,
            "email": email,
            "role": role,
            "units": [str(unit_id)],
        },
    )


def _reads_nothing(app, puppet: StaffLogin, case_ids: list[int]) -> None:
    """The puppet's inbox is empty, every case is a 404 to it, and it holds no wrap at all."""
    browser = signed_in(app, puppet)
    inbox = browser.get("/staf/pengelola/kasus")
    assert inbox.status_code == 200
    for case_id in case_ids:
        assert f"/staf/pengelola/kasus/{case_id}" not in inbox.get_data(as_text=True)
        assert browser.get(f"/staf/pengelola/kasus/{case_id}").status_code == 404
    with app_database(app).session() as session:
        assert session.scalars(select(KeyWrap).where(KeyWrap.staff_id == puppet.id)).all() == []


def _case_ids(app) -> list[int]:
    with app_database(app).session() as session:
        return list(session.scalars(select(Case.id).order_by(Case.id)))


def _holders(app, case_id: int) -> set[int]:
    with app_database(app).session() as session:
        rows = session.scalars(select(KeyWrap.staff_id).where(KeyWrap.case_id == case_id))
        return {staff_id for staff_id in rows if staff_id is not None}


def test_a_look_alike_sitti_rahmawati_reads_nothing(app, office) -> None:
    admin = signed_in(app, office["admin"])
    b = office["units"]["b"]
    # The same name, in any case or spacing, or in a Cyrillic "і", is refused outright.
    for name in ("Sitti Rahmawati", "SITTI  rahmawati.", "Sіtti Rahmawati"):
        refused = _invite(admin, name, f"x{len(name)}@kanwil.example", "investigator", b)
        assert refused.status_code == 400, name
        assert "Nama ini sudah dipakai" in refused.get_data(as_text=True) or "alfabet" in (
            refused.get_data(as_text=True)
        )
    invited = _invite(admin, "Siti Rahmawati", "siti.r@kanwil.example", "investigator", b)
    assert invited.status_code == 200
    puppet = _activate(app, LINK_RE.search(invited.get_data(as_text=True)).group(1), "siti.r")
    reporter = https_client(app)
    review = post_form(reporter, Report(unit=b)).get_data(as_text=True)
    assert "Siti Rahmawati" not in review  # not offered to the reporter as a recipient
    assert "Sitti Rahmawati" in review
    send_review(reporter, review)
    case_ids = _case_ids(app)
    assert len(case_ids) == 1
    assert _holders(app, case_ids[0]) == {office["sitti"].id, office["rahman"].id}
    _reads_nothing(app, puppet, case_ids)


def test_a_puppet_widened_to_supervisor_of_the_top_unit_reads_nothing(app, office) -> None:
    units = office["units"]
    # The puppet was once certified as an investigator of UPT b (say, by an accomplice).
    puppet = make_staff(app, "boneka", unit_ids=(units["b"],))
    admin = signed_in(app, office["admin"])
    page = admin.get(f"/staf/admin/staf/{puppet.id}").get_data(as_text=True)
    widened = admin.post(
        f"/staf/admin/staf/{puppet.id}/peran",
        data={
            "csrf_token": CSRF_RE.search(page).group(1),
            "role": "supervisor",
            "units": [str(units["kanwil"])],
        },
    )
    assert widened.status_code == 302
    with app_database(app).session() as session:
        assert session.get(StaffMember, puppet.id).role is StaffRole.SUPERVISOR
    reporter = https_client(app)
    for unit in ("a", "b"):
        submit_report(reporter, Report(unit=units[unit]))
    submit_report(https_client(app), Report(unit=0))  # "not sure"
    case_ids = _case_ids(app)
    assert len(case_ids) == 3
    assert all(office["rahman"].id in _holders(app, case_id) for case_id in case_ids)
    _reads_nothing(app, puppet, case_ids)


def test_a_reset_investigator_activated_by_the_administrator_reads_nothing(app, office) -> None:
    budi = office["budi"]
    admin = signed_in(app, office["admin"])
    page = admin.get(f"/staf/admin/staf/{budi.id}/reset").get_data(as_text=True)
    reset = admin.post(
        f"/staf/admin/staf/{budi.id}/reset", data={"csrf_token": CSRF_RE.search(page).group(1)}
    )
    assert reset.status_code == 200
    link = LINK_RE.search(reset.get_data(as_text=True)).group(1)
    puppet = _activate(app, link, "budi")  # the administrator now knows Budi's new password
    submit_report(https_client(app), Report(unit=office["units"]["a"]))
    case_ids = _case_ids(app)
    assert _holders(app, case_ids[0]) == {office["rahman"].id}  # Budi's old key gets nothing
    _reads_nothing(app, puppet, case_ids)


def test_a_new_top_unit_holding_only_a_puppet_gets_no_report(app, office) -> None:
    units = office["units"]
    admin = signed_in(app, office["admin"])
    token = csrf_token(admin, "/staf/admin/unit")
    made = admin.post(
        "/staf/admin/unit/puncak",
        data={"csrf_token": token, "name": "Direktorat Bayangan", "confirm": "y"},
    )
    assert made.status_code == 302
    with app_database(app).session() as session:
        top = session.scalar(select(Unit.id).where(Unit.name == "Direktorat Bayangan"))
    invited = _invite(admin, "Pak Bayangan", "bayangan@kanwil.example", "supervisor", top)
    puppet = _activate(app, LINK_RE.search(invited.get_data(as_text=True)).group(1), "bayangan")
    # The administrator cannot make it the intake unit: it has no certified supervisor.
    token = csrf_token(admin, "/staf/admin/unit")
    chosen = admin.post(
        "/staf/admin/unit/penerimaan", data={"csrf_token": token, "intake_unit_id": str(top)}
    )
    assert chosen.status_code == 400
    # "Not sure" keeps going to the former top (the intake unit since the new top came).
    submit_report(https_client(app), Report(unit=0))
    submit_report(https_client(app), Report(unit=units["a"]))
    submit_report(https_client(app), Report(unit=units["kanwil"]))
    case_ids = _case_ids(app)
    assert len(case_ids) == 3
    assert all(office["rahman"].id in _holders(app, case_id) for case_id in case_ids)
    _reads_nothing(app, puppet, case_ids)


def test_an_intake_unit_left_with_only_uncertified_handlers_refuses_and_keeps_the_report(
    app, office
) -> None:
    """The intake unit once had a certified supervisor; now only a puppet: nothing is lost."""
    units = office["units"]
    admin = signed_in(app, office["admin"])
    token = csrf_token(admin, "/staf/admin/unit")
    admin.post(
        "/staf/admin/unit/puncak",
        data={"csrf_token": token, "name": "Direktorat Bayangan", "confirm": "y"},
    )
    with app_database(app).session() as session:
        top = session.scalar(select(Unit.id).where(Unit.name == "Direktorat Bayangan"))
    real = make_staff(app, "kepala.top", StaffRole.SUPERVISOR, (top,))
    token = csrf_token(admin, "/staf/admin/unit")
    chosen = admin.post(
        "/staf/admin/unit/penerimaan", data={"csrf_token": token, "intake_unit_id": str(top)}
    )
    assert chosen.status_code == 302
    token = csrf_token(admin, f"/staf/admin/staf/{real.id}/nonaktifkan")
    assert (
        admin.post(
            f"/staf/admin/staf/{real.id}/nonaktifkan", data={"csrf_token": token}
        ).status_code
        == 302
    )
    invited = _invite(admin, "Pak Bayangan", "bayangan@kanwil.example", "supervisor", top)
    puppet = _activate(app, LINK_RE.search(invited.get_data(as_text=True)).group(1), "bayangan")
    reporter = https_client(app)
    review = post_form(reporter, Report(unit=0)).get_data(as_text=True)
    assert "Pak Bayangan" not in review
    refused = send_review(reporter, review, follow_redirect=False)
    assert refused.status_code == 400
    assert "Tidak ada yang Anda tulis yang hilang" in refused.get_data(as_text=True)
    assert _case_ids(app) == []
    # The draft is kept: the reporter goes back, chooses UPT a, and it reaches certified people.
    submit_report(https_client(app), Report(unit=units["a"]))
    case_ids = _case_ids(app)
    assert _holders(app, case_ids[0]) >= {office["budi"].id, office["rahman"].id}
    _reads_nothing(app, puppet, case_ids)
