"""The access log: a route's template on the staff side, only status and duration elsewhere.

Issue 18: gunicorn logged every path as sent, so a staff page named its case
and file ids, and each reporter or respondent page left the minute it was
seen. Against the real gunicorn (whose log the app's own logging shares), a
reporter sends a report with a file, returns, reads it and downloads it; an
investigator opens the case and downloads the same file. The log must hold
the staff routes as templates, and no reporter or respondent path, no id,
no size.
"""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import text

from tests.support.live_client import LiveClient
from tests.support.reporter import Report, open_case, submit_report
from tests.support.staff import make_staff, make_units, sign_in
from wbs_app.db import app_database
from wbs_app.models import StaffRole
from wbs_app.security.access_log import ACCESS_LOG_FORMAT, describe

GUNICORN_CONF = Path(__file__).resolve().parents[1] / "gunicorn.conf.py"


def test_gunicorn_uses_the_apps_access_log_format() -> None:
    assert f'access_log_format = "{ACCESS_LOG_FORMAT}"' in GUNICORN_CONF.read_text()


def test_only_staff_routes_are_described() -> None:
    assert describe("/staf/pengelola/kasus/<int:case_id>", "GET") == (
        "GET /staf/pengelola/kasus/<int:case_id>"
    )
    for rule in ("/lapor/kasus", "/klarifikasi/", "/", "/panduan-anonim", "/stafx", None):
        assert describe(rule, "POST") == "-"


def test_the_log_names_staff_templates_and_no_reporter_page(app, live_server) -> None:
    units = make_units(app)
    wulan = make_staff(app, "wulan", StaffRole.INVESTIGATOR, unit_ids=(units["a"],))
    make_staff(app, "rahman", StaffRole.SUPERVISOR, unit_ids=(units["kanwil"],))

    def client() -> LiveClient:
        return LiveClient(live_server.host, live_server.port)

    receipt = submit_report(
        client(), Report(unit=units["a"], files=[("bukti.txt", b"isi bukti " * 5000)])
    )
    reporter = client()
    assert open_case(reporter, receipt).status_code == 302
    page = reporter.get("/lapor/kasus").get_data(as_text=True)
    (reporter_file,) = set(re.findall(r"/lapor/kasus/berkas/(\d+)", page))
    assert reporter.get(f"/lapor/kasus/berkas/{reporter_file}").status_code == 200

    staff = client()
    assert sign_in(app, staff, wulan).status_code == 302
    with app_database(app).engine.connect() as connection:
        case_id = connection.execute(text("SELECT max(id) FROM cases")).scalar_one()
    case_page = staff.get(f"/staf/pengelola/kasus/{case_id}").get_data(as_text=True)
    download = re.search(rf"/staf/pengelola/kasus/{case_id}/berkas/(\d+)", case_page)
    assert staff.get(download.group(0)).status_code == 200
    live_server.stop()

    access = [
        line
        for line in live_server.log().splitlines()
        if re.fullmatch(r"(-|[A-Z]+ /\S*) \d{3} \d+ms", line)
    ]
    assert "GET /staf/pengelola/kasus/<int:case_id> 200" in "\n".join(access)
    downloads = "GET /staf/pengelola/kasus/<int:case_id>/berkas/<int:file_id> 200"
    assert downloads in "\n".join(access)
    quiet = [line for line in access if line.startswith("- ")]
    assert len(quiet) >= 6  # the form, the send, the receipt, the sign-in, the case, the file
    log = live_server.log()
    for needle in ("/lapor", "/klarifikasi", f"/kasus/{case_id}", f"/berkas/{reporter_file}"):
        assert needle not in log, needle
    assert str(len(b"isi bukti " * 5000)) not in log  # no size of the downloaded file
