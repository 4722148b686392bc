"""The custodians' root in tests: one ceremony per app, its shares kept for the test to use."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from crypto.certificates import certificate_fingerprint
from tests.support.http import CSRF_RE
from wbs_app.db import app_database
from wbs_app.models import StaffMember
from wbs_app.services.trust import certificates, root

CUSTODIANS = (
    root.CustodianName("Andi Mappaselle", "Kepala Kantor Wilayah"),
    root.CustodianName("Nurhayati", "Kepala Divisi Administrasi"),
    root.CustodianName("Yusuf Tahir", "Inspektorat"),
)


# Shares by the root's public bytes: the apps of one test share one database
# (and one root), and a PostgreSQL database is emptied between tests, so the
# root, not the app, is what the shares belong to.
_SHARES: dict[bytes, list[str]] = {}


def ceremony_shares(app: Flask) -> list[str]:
    """The shares of the app's root, holding the ceremony the first time it is asked for."""
    with app_database(app).session() as session:
        existing = root.current_root(session)
        if existing is not None:
            return _SHARES[existing.public]
        issued = root.hold_ceremony(session, CUSTODIANS)
        public = root.current_root(session)
        assert public is not None
        session.commit()
        kept = [share.words for share in issued]
        _SHARES[public.public] = kept
    return kept


def open_test_root(app: Flask) -> root.OpenRoot:
    """The root identity from two of the three shares, as custodians would rebuild it."""
    shares = ceremony_shares(app)
    with app_database(app).session() as session:
        return root.open_root(session, shares[:2])


_OPENED: dict[str, root.OpenRoot] = {}


def _kept_root(app: Flask) -> root.OpenRoot:
    """``open_test_root`` once per app: joining shares costs PBKDF2 rounds per handler made."""
    shares = ceremony_shares(app)
    kept = _OPENED.get(shares[0])
    if kept is None:
        kept = _OPENED[shares[0]] = open_test_root(app)
    return kept


def certify_by_test_root(app: Flask, staff_id: int) -> None:
    """The custodians certify ``staff_id``'s current key, typing the fingerprint they heard."""
    opened = _kept_root(app)
    with app_database(app).session() as session:
        staff = session.get(StaffMember, staff_id)
        assert staff is not None and staff.identity_public is not None
        heard = certificate_fingerprint(staff.identity_public)
        certificates.certify_by_root(session, staff, opened, heard)
        session.commit()


# The fingerprint a handler's own key page shows, to be read out to a colleague.
FINGERPRINT_RE = re.compile(r'id="own-fingerprint">([\d ]{29})<')


def own_fingerprint(handler: FlaskClient) -> str:
    """The fingerprint ``handler`` reads out from its own key page."""
    found = FINGERPRINT_RE.search(handler.get("/staf/pengelola/kunci").get_data(as_text=True))
    assert found is not None
    return found.group(1)


def certify_on_page(certifier: FlaskClient, staff_id: int | str, fingerprint: str) -> TestResponse:
    """A certified colleague types the fingerprint heard on the certification page."""
    page = certifier.get("/staf/pengelola/sertifikasi").get_data(as_text=True)
    found = CSRF_RE.search(page)
    assert found is not None
    return certifier.post(
        "/staf/pengelola/sertifikasi",
        data={"csrf_token": found.group(1), "staff_id": str(staff_id), "fingerprint": fingerprint},
    )
