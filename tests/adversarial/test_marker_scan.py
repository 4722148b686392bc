"""A whole journey through all three zones leaves none of what people typed or were anywhere.

tests/test_anonymity.py proves that a few anonymous page views leave no
address or user agent behind, and tests/reporter/test_confidentiality.py that
one report with a file leaves no plaintext or receipt. This journey goes
further: every actor, every kind of secret, against the real gunicorn
server, with every request sent from a distinctive loopback address
(127.0.0.3) and carrying forwarding headers, a user agent and a referrer that
name markers. Staff activate and sign in over HTTP (so the password and the
TOTP secret pass through the server); the reporter submits with a file,
returns with the receipt and replies with another; the investigator reads,
reveals the identity, messages, writes a note, journals a step and invites
the accused; the accused signs in with the code and answers with a file.

Then every place something could stay is searched for every marker, in the
clear and hex- and base64-encoded: every table's rows, the raw SQLite files
(WAL and shared memory included), the whole instance folder (attachments,
config), the test run's temp directory, the gunicorn log (the app's logging
goes there) and the Python logging captured in this process. Zero hits: what
people wrote exists only as ciphertext, which cannot contain a marker in the
clear.

Then (issue 18) the purge runs (``wbs sweep``) and what stays is searched for
time and size: no time finer than a day in any table a reporter's or
respondent's visit writes, nor in the reporter's journal entries; no file or
folder of the attachment store with a modification (or a file with an
access) time other than midnight; no stored file whose length is other than
whole padded chunks (its size bucket, never its exact size); and SQLite's
WAL empty, so that no deleted row's page is left in it. The access log's
lines of the reporter and respondent sides say "-" (the log check above).
"""

from __future__ import annotations

import base64
import logging
import tempfile
import time
from pathlib import Path

from sqlalchemy import text

from tests.support.live_client import LiveClient
from tests.support.metadata import (
    file_times_finer_than_a_day,
    reporter_times_finer_than_a_day,
    unpadded_files,
)
from tests.support.reporter import RECEIPT_RE, Report, csrf_from, follow, open_case, submit_report
from tests.support.respondent import ONCE_RE, confirm_new_code_of
from tests.support.staff import (
    StaffLogin,
    activation_fields,
    enrolment_fields,
    make_staff,
    make_units,
    sign_in,
)
from tests.support.sweeping import run_sweep
from tests.support.trust import certify_by_test_root
from wbs_app.database import Base
from wbs_app.db import app_database
from wbs_app.models import StaffRole
from wbs_app.services.staff import accounts, totp

CLIENT_ADDRESS = "127.0.0.3"
HEADERS = {
    "X-Forwarded-For": "198.51.100.71, 203.0.113.72",
    "X-Real-IP": "198.51.100.73",
    "Forwarded": "for=198.51.100.74;proto=https",
    "True-Client-IP": "198.51.100.75",
    "X-Client-IP": "198.51.100.76",
    "CF-Connecting-IP": "198.51.100.77",
    "Via": "1.1 markerproxyvia",
    "User-Agent": "MarkerAgentZq/9.1 (markeruaos)",
    "Referer": "http://markerreferrer.example/from",
    "Accept-Language": "id-ID,markerlang;q=0.5",
}

# What people write or upload: each a marker that must never be found in the clear.
WRITTEN = {
    "what": "MKWHATq7Lw pungli di loket",
    "who": "MKWHOx3Vb",
    "where": "MKWHEREp9Rt",
    "when": "MKWHENd2Hs",
    "how": "MKHOWk5Nm",
    "identity_name": "MKIDNAMEj4Qa",
    "identity_contact": "MKIDCONTACTw8Ze 0812",
    "report_file_name": "MKFILENAMEr6Ty-bukti.pdf",
    "report_file_body": "MKFILEBODYu1Io isi bukti",
    "reply": "MKREPLYg3Fd balasan pelapor",
    "reply_file_name": "MKREPLYFILEh7Jk.txt",
    "reply_file_body": "MKREPLYBODYc5Xv",
    "retaliation": "MKRETALIATEn4Wq dimutasi",
    "retaliation_file_name": "MKRETFILEk2Lp-sk.pdf",
    "retaliation_file_body": "MKRETBODYz8Qm",
    "retaliation_note": "MKRETNOTEs3Dv tindak lanjut",
    "staff_message": "MKSTAFFMSGb2Nm",
    "note": "MKNOTEy6Ul catatan internal",
    "step_checked": "MKSTEPCHECKt4Ew",
    "respondent_name": "MKACCUSEDo9Pi",
    "allegation": "MKALLEGATIONa1Sd",
    "statement": "MKSTATEMENTf8Gh pernyataan",
    "statement_file_name": "MKSTMTFILEe3Rc.pdf",
    "statement_file_body": "MKSTMTBODYv7Bn",
}
STAFF_PASSWORD = "MKPASSWORDs5Dq-kopi-toraja"


def _encodings(needle: bytes) -> list[bytes]:
    """The needle as it is, as hex, and base64 at each of the three alignments."""
    found = [needle, needle.hex().encode()]
    for shift in range(3):
        encoded = base64.b64encode(b"\0" * shift + needle)[4 if shift else 0 :]
        found.append(encoded[: len(encoded) - 4])  # drop the padding-dependent tail
    return [item for item in found if len(item) >= 8]


def _tree(folder: Path, since: float = 0.0) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for path in folder.rglob("*"):
        try:
            if path.is_file() and path.stat().st_mtime >= since:
                files[str(path)] = path.read_bytes()
        except OSError:
            continue
    return files


def _database_rows(app) -> bytes:
    rows: list[bytes] = []
    with app_database(app).engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            for row in connection.execute(text(f'SELECT * FROM "{table.name}"')):
                rows.append(f"{table.name}: {tuple(row)!r}".encode())
    assert len(rows) > 30, "the journey should have filled the tables"
    return b"\n".join(rows)


def _activate_over_http(app, server, units: dict[str, int]) -> StaffLogin:
    with app_database(app).session() as session:
        staff, token = accounts.invite(
            session, None, "wulan@kanwil.example", "Wulan", StaffRole.INVESTIGATOR, [units["a"]]
        )
        staff_id = staff.id
    client = LiveClient(server.host, server.port, source_address=CLIENT_ADDRESS, headers=HEADERS)
    page = client.get(f"/staf/aktivasi?kode={token}").get_data(as_text=True)
    step_start = (totp.current_step() - 1) * totp.STEP_SECONDS
    enrolment = enrolment_fields(page, when=step_start)
    secret = totp.parse_secret_text(enrolment["totp_secret"])
    activated = client.post(
        "/staf/aktivasi",
        data=enrolment | activation_fields(token, "wulan", STAFF_PASSWORD),
    )
    assert activated.status_code == 302, activated.get_data(as_text=True)[:3000]
    certify_by_test_root(app, staff_id)  # her key receives reports once certified (issue 17)
    return StaffLogin(staff_id, "wulan", STAFF_PASSWORD, secret)


def test_a_journey_through_all_zones_leaves_no_marker_anywhere(
    app, live_server, instance_path, caplog
) -> None:
    caplog.set_level(logging.DEBUG)
    started = time.time() - 1

    def client() -> LiveClient:
        return LiveClient(
            live_server.host, live_server.port, source_address=CLIENT_ADDRESS, headers=HEADERS
        )

    units = make_units(app)
    # Every report reaches a supervisor besides the unit's investigators.
    make_staff(app, "rahman", StaffRole.SUPERVISOR, unit_ids=(units["kanwil"],))
    wulan = _activate_over_http(app, live_server, units)

    # The reporter: a report with identity and a file, then back with the receipt to reply.
    receipt = submit_report(
        client(),
        Report(
            unit=units["a"],
            what=WRITTEN["what"],
            who=WRITTEN["who"],
            where=WRITTEN["where"],
            when=WRITTEN["when"],
            how=WRITTEN["how"],
            identity=(WRITTEN["identity_name"], WRITTEN["identity_contact"]),
            files=[(WRITTEN["report_file_name"], WRITTEN["report_file_body"].encode())],
        ),
    )
    reporter = client()
    assert open_case(reporter, receipt).status_code == 302
    page = reporter.get("/lapor/kasus").get_data(as_text=True)
    assert WRITTEN["what"] in page
    replied = reporter.post(
        "/lapor/kasus/pesan",
        data={
            "csrf_token": csrf_from(page),
            "message": WRITTEN["reply"],
            "evidence": (WRITTEN["reply_file_body"].encode(), WRITTEN["reply_file_name"]),
        },
        content_type="multipart/form-data",
    )
    assert replied.status_code == 302
    retaliated = reporter.post(
        "/lapor/kasus/tindakan-balasan",
        data={
            "csrf_token": csrf_from(page),
            "account": WRITTEN["retaliation"],
            "evidence": (
                WRITTEN["retaliation_file_body"].encode(),
                WRITTEN["retaliation_file_name"],
            ),
        },
        content_type="multipart/form-data",
    )
    assert retaliated.status_code == 302

    # The investigator: reads, reveals the identity, messages, notes, journals, invites.
    staff = client()
    assert sign_in(app, staff, wulan).status_code == 302
    with app_database(app).engine.connect() as connection:
        case_id = connection.execute(text("SELECT max(id) FROM cases")).scalar_one()
    case_path = f"/staf/pengelola/kasus/{case_id}"
    page = staff.get(case_path).get_data(as_text=True)
    assert WRITTEN["what"] in page and WRITTEN["reply"] in page
    token = csrf_from(page)
    revealed = staff.post(f"{case_path}/identitas", data={"csrf_token": token})
    assert WRITTEN["identity_name"] in revealed.get_data(as_text=True)
    assert (
        staff.post(
            f"{case_path}/pesan", data={"csrf_token": token, "text": WRITTEN["staff_message"]}
        ).status_code
        == 302
    )
    assert (
        staff.post(
            f"{case_path}/catatan", data={"csrf_token": token, "text": WRITTEN["note"]}
        ).status_code
        == 302
    )
    assert (
        staff.post(
            f"{case_path}/tindakan-balasan",
            data={"csrf_token": token, "retaliation_note": WRITTEN["retaliation_note"]},
        ).status_code
        == 302
    )
    for step in (
        {"kind": "acknowledge"},
        {"kind": "verification", "checked": WRITTEN["step_checked"], "conclusion": "proceed"},
    ):
        assert (
            staff.post(f"{case_path}/langkah", data={"csrf_token": token, **step}).status_code
            == 302
        )
    form_page = staff.get(case_path).get_data(as_text=True)  # now under examination
    created = staff.post(
        f"{case_path}/undangan",
        data={
            "csrf_token": token,
            "once": ONCE_RE.search(form_page).group(1),
            "name": WRITTEN["respondent_name"],
            "position": "Pengadministrasi",
            "allegation": WRITTEN["allegation"],
            "period": "Oktober 2026",
            "rules": "PP 94/2021",
            "role": "accused",
            "days": "14",
        },
    )
    assert created.status_code == 303
    letter = follow(staff, created)
    code = RECEIPT_RE.search(letter.get_data(as_text=True)).group(1)

    # The accused: signs in with the code and answers with a file.
    accused = client()
    page = accused.get("/klarifikasi/masuk").get_data(as_text=True)
    assert (
        accused.post(
            "/klarifikasi/masuk", data={"csrf_token": csrf_from(page), "code": code}
        ).status_code
        == 302
    )
    assert confirm_new_code_of(accused)  # the first sign-in's new code, typed back
    page = accused.get("/klarifikasi/").get_data(as_text=True)
    assert WRITTEN["allegation"] in page and WRITTEN["what"] not in page
    answered = accused.post(
        "/klarifikasi/pernyataan",
        data={
            "csrf_token": csrf_from(page),
            "statement": WRITTEN["statement"],
            "evidence": (WRITTEN["statement_file_body"].encode(), WRITTEN["statement_file_name"]),
        },
        content_type="multipart/form-data",
    )
    assert answered.status_code == 302
    page = staff.get(case_path).get_data(as_text=True)
    assert WRITTEN["statement"] in page and WRITTEN["staff_message"] in page
    assert WRITTEN["reply_file_name"] in page and WRITTEN["statement_file_name"] in page
    live_server.stop()
    # Before this test reads the files (a read sets the access time of a file the server did not).
    file_times = file_times_finer_than_a_day(app.extensions["lentera.store"].root)

    needles: dict[str, bytes] = {
        f"written: {name}": value.split(" ")[0].split("-")[0].split(".")[0].encode()
        for name, value in WRITTEN.items()
    }
    needles |= {
        "client address": CLIENT_ADDRESS.encode(),
        "forwarded address": b"198.51.100.",
        "forwarded address (2)": b"203.0.113.72",
        "user agent": b"MarkerAgentZq",
        "user agent (os)": b"markeruaos",
        "via": b"markerproxyvia",
        "referrer": b"markerreferrer",
        "accept-language": b"markerlang",
        "receipt": receipt.replace(" ", "").encode(),
        "receipt as shown": receipt.encode(),
        "invitation code": code.replace(" ", "").encode(),
        "invitation code as shown": code.encode(),
        "staff password": STAFF_PASSWORD.split("-")[0].encode(),
        "TOTP secret (text)": totp.secret_text(wulan.totp_secret).replace(" ", "").encode(),
        "TOTP secret (raw)": wulan.totp_secret,
    }
    haystacks: dict[str, bytes] = {
        "database rows": _database_rows(app),
        "gunicorn log (with the app's logging)": live_server.log().encode(),
        "Python logging in the test process": caplog.text.encode(),
    }
    for path, content in _tree(instance_path).items():
        haystacks[f"instance folder: {path}"] = content
    run_tmp = Path(tempfile.gettempdir())
    for path, content in _tree(run_tmp, since=started).items():
        haystacks[f"temp directory: {path}"] = content
    if not app.config["DATABASE_URL"]:  # SQLite: its raw files are in the instance folder
        assert any(name.endswith("wbs.sqlite3") for name in haystacks), "the raw database file"
    assert str(live_server.log_path) in "".join(haystacks), "the log file is in the temp scan"
    # The access log: staff routes as templates, the other sides' pages as "-" (issue 18).
    server_log = haystacks["gunicorn log (with the app's logging)"]
    assert b"POST /staf/pengelola/kasus/<int:case_id>/catatan 302" in server_log
    assert b"/klarifikasi" not in server_log and b"/lapor" not in server_log

    hits = [
        f"{what} in {where}"
        for what, needle in needles.items()
        for form in _encodings(needle)
        for where, haystack in haystacks.items()
        if form.lower() in haystack.lower()
    ]
    assert not hits, "\n".join(hits)

    # Issue 18: after the purge, no reporter time finer than a day and no exact size at rest.
    done = run_sweep(app)
    assert done.exit_code == 0, done.output
    finer = reporter_times_finer_than_a_day(app) + file_times
    finer += unpadded_files(app.extensions["lentera.store"].root)
    if not app.config["DATABASE_URL"]:
        wal = Path(app_database(app).engine.url.database or "").with_suffix(".sqlite3-wal")
        if wal.exists() and wal.stat().st_size:
            finer.append(f"{wal}: {wal.stat().st_size} bytes of WAL after the purge")
    assert not finer, "\n".join(finer)
