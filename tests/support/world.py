"""Two cases in two units, with a live session for every role: the ground of the adversarial suites.

Case A is in UPT Makassar (unit a), case B in UPT Parepare (unit b) and its
reporter excluded the Kanwil's supervisor, so every handler has a case that
is not theirs: Budi (a) holds A, Sitti (b) holds B, Rahman (supervisor of the
Kanwil) holds A through supervision but not B. Wahyu, supervisor of UPT
Parepare, holds B too (every case reaches a supervisor); he has no client. Both cases are under
examination with evidence files, invitations and respondent files, so that
every route that takes an id has a real object on both sides. Everything is
made through HTTP by the same pages people use.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, text
from werkzeug.datastructures import MultiDict

from tests.support.casework import examine
from tests.support.http import https_client
from tests.support.org import Org
from tests.support.reporter import Report, csrf_from, open_case, submit_report
from tests.support.respondent import invite, respondent_client
from tests.support.staff import StaffLogin, make_staff, signed_in
from tests.support.trust import ceremony_shares
from wbs_app.database import Base
from wbs_app.db import app_database
from wbs_app.models import (
    Attachment,
    Case,
    CaseRecord,
    Category,
    RespondentInvitation,
    StaffRole,
)
from wbs_app.security.sides import REPORTER_PATH, RESPONDENT_PATH, STAFF_PATH, side_of

# What each role's client is, in the order of the access matrix's columns.
ROLES = ("anon", "reporter", "respondent", "inv_a", "inv_b", "supervisor", "admin")
STAFF_ROLES = ("inv_a", "inv_b", "supervisor", "admin")

# Words that exist only in case B and its invitation: no answer to anyone
# but Sitti may ever contain one of them.
B_MARKERS = ("PAREPARE-RAHASIA", "BERKAS-B-ISI", "TUDUHAN-B-RINGKAS", "JAWABAN-B-ISI")
A_MARKERS = ("MAKASSAR-RAHASIA", "BERKAS-A-ISI", "TUDUHAN-A-RINGKAS", "JAWABAN-A-ISI")

# Any page with a form shows the CSRF token of the browser's session on its
# side (each side has its own, security.sides); these sign-in pages do
# whatever session the browser holds (and after it has ended).
TOKEN_PAGES = {
    STAFF_PATH: "/staf/masuk",
    REPORTER_PATH: "/lapor/masuk",
    RESPONDENT_PATH: "/klarifikasi/masuk",
}
HOME_SIDES = {"reporter": REPORTER_PATH, "respondent": RESPONDENT_PATH}


@dataclass
class World:
    app: Flask
    org: Org
    admin: StaffLogin
    target: StaffLogin  # an investigator of unit b who holds nothing: the admin routes' object
    clients: dict[str, FlaskClient]
    receipt_a: str
    receipt_b: str
    code_a1: str
    code_b1: str
    case_a: int
    case_b: int
    file_a: int  # the reporter's evidence on case A
    file_b: int
    invitation_a1: str  # uid; its respondent is signed in and answered with a file
    invitation_a2: str  # a second invitation on case A, unanswered
    invitation_b1: str
    respondent_file_a1: int
    respondent_file_b1: int
    category: int
    tokens: dict[str, dict[str, str]] = field(default_factory=dict)

    def token(self, role: str, path: str | None = None) -> str:
        """A CSRF token of the role's own session on the side of ``path`` (fetched once).

        Without a path, the role's own side; a path outside every side (which
        keeps no session) gets the staff side's token, which it cannot check.
        """
        side = (side_of(path) if path else None) or HOME_SIDES.get(role, STAFF_PATH)
        tokens = self.tokens.setdefault(role, {})
        if side not in tokens:
            page = self.clients[role].get(TOKEN_PAGES[side]).get_data(as_text=True)
            tokens[side] = csrf_from(page)
        return tokens[side]


def _answer(app: Flask, code: str, words: str) -> FlaskClient:
    """The respondent signs in and sends a statement with a file; returns their client."""
    client, response = respondent_client(app, code)
    assert response.status_code == 302
    page = client.get("/klarifikasi/").get_data(as_text=True)
    sent = client.post(
        "/klarifikasi/pernyataan",
        data={
            "csrf_token": csrf_from(page),
            "statement": words,
            "evidence": (io.BytesIO(words.encode()), "jawaban.txt"),
        },
        content_type="multipart/form-data",
    )
    assert sent.status_code == 302
    return client


def build_world(app: Flask, org: Org) -> World:
    admin = make_staff(app, "admin", StaffRole.ADMIN)
    ceremony_shares(app)  # the custodians' root exists, as in an installation in use
    make_staff(app, "wahyu", StaffRole.SUPERVISOR, unit_ids=(org.units["b"],))
    receipt_a = submit_report(
        https_client(app),
        Report(
            unit=org.units["a"],
            what="MAKASSAR-RAHASIA loket meminta uang",
            identity=("Pelapor A", "0811"),
            files=[("bukti-a.txt", b"BERKAS-A-ISI")],
        ),
        [],
    )
    receipt_b = submit_report(
        https_client(app),
        Report(
            unit=org.units["b"],
            what="PAREPARE-RAHASIA pungutan liar",
            identity=("Pelapor B", "0812"),
            files=[("bukti-b.txt", b"BERKAS-B-ISI")],
        ),
        [org.rahman.id],
    )
    with app_database(app).session() as session:
        case_a, case_b = session.scalars(select(Case.id).order_by(Case.id)).all()
    clients = {
        "inv_a": signed_in(app, org.budi),
        "inv_b": signed_in(app, org.sitti),
        "supervisor": signed_in(app, org.rahman),
        "admin": signed_in(app, admin),
    }
    examine(clients["inv_a"], case_a)
    examine(clients["inv_b"], case_b)
    code_a1 = invite(clients["inv_a"], case_a, "TUDUHAN-A-RINGKAS Pejabat A")
    invite(clients["inv_a"], case_a, "Pejabat A kedua")
    code_b1 = invite(clients["inv_b"], case_b, "TUDUHAN-B-RINGKAS Pejabat B")
    clients["respondent"] = _answer(app, code_a1, "JAWABAN-A-ISI saya menolak")
    # The first sign-in replaced the printed code (issue 15, item 5): the one they hold now.
    code_a1 = clients["respondent"].new_code
    code_b1 = _answer(app, code_b1, "JAWABAN-B-ISI saya menolak").new_code
    reporter = https_client(app)
    assert open_case(reporter, receipt_a).status_code == 302
    clients["reporter"] = reporter
    clients["anon"] = https_client(app)
    # Made last, so that no case was wrapped to this account at intake.
    target = make_staff(app, "target", unit_ids=(org.units["b"],))
    with app_database(app).session() as session:
        rows = session.scalars(select(RespondentInvitation).order_by(RespondentInvitation.id))
        uids: dict[int, list[str]] = {case_a: [], case_b: []}
        for invitation in rows:
            uids[invitation.case_id].append(invitation.uid)
        # In writing order within each case (ids are random, issue 18).
        attachments = session.execute(
            select(Attachment.case_id, Attachment.id)
            .join(CaseRecord, CaseRecord.id == Attachment.record_id)
            .order_by(CaseRecord.seq, Attachment.position)
        )
        files: dict[int, list[int]] = {case_a: [], case_b: []}
        for case_id, file_id in attachments:
            files[case_id].append(file_id)
        return World(
            app=app,
            org=org,
            admin=admin,
            target=target,
            clients=clients,
            receipt_a=receipt_a,
            receipt_b=receipt_b,
            code_a1=code_a1,
            code_b1=code_b1,
            case_a=case_a,
            case_b=case_b,
            file_a=files[case_a][0],  # the report's file first, the answer's after
            file_b=files[case_b][0],
            invitation_a1=uids[case_a][0],
            invitation_a2=uids[case_a][1],
            invitation_b1=uids[case_b][0],
            respondent_file_a1=files[case_a][1],
            respondent_file_b1=files[case_b][1],
            category=session.scalars(select(Category.id).order_by(Category.id)).first(),
        )


# Columns that change whenever a session is used (the idle clock): not a state change.
VOLATILE = {"last_seen_at"}


def snapshot(app: Flask) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in key order: two snapshots differ iff something was written."""
    found: dict[str, list[tuple[Any, ...]]] = {}
    with app_database(app).session() as session:
        for table in Base.metadata.sorted_tables:
            columns = [c.name for c in table.columns if c.name not in VOLATILE]
            keys = ", ".join(f'"{c.name}"' for c in table.primary_key.columns)
            names = ", ".join(f'"{name}"' for name in columns)
            rows = session.execute(text(f'SELECT {names} FROM "{table.name}" ORDER BY {keys}'))
            found[table.name] = [tuple(row) for row in rows]
    return found


def changed_tables(before: dict[str, list[Any]], after: dict[str, list[Any]]) -> list[str]:
    return sorted(name for name in before if before[name] != after[name])


def stored_files(instance_path: Any) -> set[str]:
    """Every file under the attachment store (pending and promoted)."""
    root = instance_path / "attachments"
    return (
        {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}
        if root.exists()
        else set()
    )


def multipart(data: dict[str, Any]) -> dict[str, Any]:
    """Keyword arguments for a multipart post of ``data`` (token first, as browsers send it)."""
    return {"data": MultiDict(list(data.items())), "content_type": "multipart/form-data"}
