"""The pages of certification: a handler's own key, certifying a colleague, the admin's view."""

from __future__ import annotations

import re

import pytest

from tests.support.http import CSRF_RE
from tests.support.staff import make_staff, make_units, signed_in
from wbs_app.db import app_database
from wbs_app.models import StaffMember, StaffRole
from wbs_app.services.trust import certificates

FINGERPRINT_RE = re.compile(r'id="own-fingerprint">([\d ]{29})<')


@pytest.fixture
def office(app):
    units = make_units(app)
    return {
        "units": units,
        "admin": make_staff(app, "admin", StaffRole.ADMIN),
        "rahman": make_staff(app, "rahman", StaffRole.SUPERVISOR, (units["kanwil"],)),
        "sitti": make_staff(app, "sitti", unit_ids=(units["b"],)),
        "dewi": make_staff(app, "dewi", unit_ids=(units["a"],), certified=False),
    }


def _certified(app, login) -> bool:
    with app_database(app).session() as session:
        return certificates.is_certified(session, session.get(StaffMember, login.id))


def _certify(browser, staff_id: int, fingerprint: str):
    page = browser.get("/staf/pengelola/sertifikasi").get_data(as_text=True)
    return browser.post(
        "/staf/pengelola/sertifikasi",
        data={
            "csrf_token": CSRF_RE.search(page).group(1),
            "staff_id": str(staff_id),
            "fingerprint": fingerprint,
        },
    )


def test_a_waiting_handler_reads_out_the_fingerprint_and_a_supervisor_certifies_it(
    app, office
) -> None:
    dewi = signed_in(app, office["dewi"])
    own = dewi.get("/staf/pengelola/kunci").get_data(as_text=True)
    assert "Menunggu sertifikasi" in own
    heard = FINGERPRINT_RE.search(own).group(1)
    assert heard in dewi.get("/staf/pengelola/").get_data(as_text=True)
    rahman = signed_in(app, office["rahman"])
    listing = rahman.get("/staf/pengelola/sertifikasi").get_data(as_text=True)
    assert "Dewi" in listing and "UPT Makassar" in listing and "Sitti" not in listing
    # A digit misheard: refused, nothing certified, the page says to ask again.
    misheard = heard[:-1] + ("1" if heard[-1] != "1" else "2")
    refused = _certify(rahman, office["dewi"].id, misheard)
    assert refused.status_code == 400
    assert "Minta rekan membacakannya lagi" in refused.get_data(as_text=True)
    assert not _certified(app, office["dewi"])
    done = _certify(rahman, office["dewi"].id, heard.replace(" ", ""))
    assert done.status_code == 302
    assert _certified(app, office["dewi"])
    after = dewi.get("/staf/pengelola/kunci").get_data(as_text=True)
    assert "Disertifikasi oleh Rahman" in after and "Menunggu sertifikasi" not in after
    listing = rahman.get("/staf/pengelola/sertifikasi").get_data(as_text=True)
    assert "Kunci Dewi telah disertifikasi" in listing  # the flash, once
    assert f'id="certify-{office["dewi"].id}"' not in listing


def test_an_investigator_certifies_only_within_its_own_units(app, office) -> None:
    sitti = signed_in(app, office["sitti"])  # investigator of UPT b; Dewi is of UPT a
    assert "Dewi" not in sitti.get("/staf/pengelola/sertifikasi").get_data(as_text=True)
    with app_database(app).session() as session:
        public = session.get(StaffMember, office["dewi"].id).identity_public
    from crypto.certificates import certificate_fingerprint

    refused = _certify(sitti, office["dewi"].id, certificate_fingerprint(public))
    assert refused.status_code == 400
    assert not _certified(app, office["dewi"])


def test_an_uncertified_handler_is_told_it_cannot_certify(app, office) -> None:
    units = office["units"]
    waiting = make_staff(app, "baru", StaffRole.SUPERVISOR, (units["kanwil"],), certified=False)
    page = signed_in(app, waiting).get("/staf/pengelola/sertifikasi").get_data(as_text=True)
    assert "Kunci Anda sendiri belum disertifikasi" in page and "Dewi" not in page


def test_administrators_see_the_status_and_cannot_certify(app, office) -> None:
    admin = signed_in(app, office["admin"])
    listing = admin.get("/staf/admin/staf").get_data(as_text=True)
    assert "Menunggu sertifikasi" in listing and "Disertifikasi" in listing
    assert 'sertifikasi"' not in listing and "/staf/pengelola/sertifikasi" not in listing
    detail = admin.get(f"/staf/admin/staf/{office['dewi'].id}").get_data(as_text=True)
    assert "/staf/pengelola/sertifikasi" not in detail
    assert admin.get("/staf/pengelola/sertifikasi").status_code == 403
    token = CSRF_RE.search(listing).group(1) if CSRF_RE.search(listing) else ""
    posted = admin.post(
        "/staf/pengelola/sertifikasi",
        data={"csrf_token": token, "staff_id": str(office["dewi"].id), "fingerprint": "0" * 24},
    )
    assert posted.status_code == 403
    assert not _certified(app, office["dewi"])


def test_the_audit_log_words_certification_and_revocation(app, office) -> None:
    admin = signed_in(app, office["admin"])
    page = admin.get(f"/staf/admin/staf/{office['sitti'].id}/nonaktifkan").get_data(as_text=True)
    assert "Sertifikat kuncinya berakhir sekarang" in page
    token = CSRF_RE.search(page).group(1)
    assert (
        admin.post(
            f"/staf/admin/staf/{office['sitti'].id}/nonaktifkan", data={"csrf_token": token}
        ).status_code
        == 302
    )
    log = admin.get("/staf/admin/audit").get_data(as_text=True)
    assert "Kunci petugas disertifikasi" in log and "Oleh para kustodian" in log
    assert "Sertifikat petugas dicabut" in log and "Karena akun dinonaktifkan" in log
    assert "custodians" not in log and "deactivated" not in log
