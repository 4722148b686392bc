"""The custodians' root in tests: one ceremony per app, its shares kept for the test to use."""

from __future__ import annotations

from flask import Flask

from wbs_app.db import app_database
from wbs_app.services.trust import root

CUSTODIANS = (
    root.CustodianName("Andi Mappaselle", "Kepala Kantor Wilayah"),
    root.CustodianName("Nurhayati", "Kepala Divisi Administrasi"),
    root.CustodianName("Yusuf Tahir", "Inspektorat"),
)


def ceremony_shares(app: Flask) -> list[str]:
    """The shares of the app's root, holding the ceremony the first time it is asked for."""
    kept: list[str] | None = app.extensions.get("test_root_shares")
    if kept is None:
        with app_database(app).session() as session:
            issued = root.hold_ceremony(session, CUSTODIANS)
            session.commit()
        kept = [share.words for share in issued]
        app.extensions["test_root_shares"] = kept
    return kept


def open_test_root(app: Flask) -> root.OpenRoot:
    """The root identity from two of the three shares, as custodians would rebuild it."""
    shares = ceremony_shares(app)
    with app_database(app).session() as session:
        return root.open_root(session, shares[:2])
