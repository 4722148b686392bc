"""Dates, times and sizes as the page's language writes them, in the installation's zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from config import ConfigError
from tests.support.http import https_client
from tests.support.reporter import Report, csrf_from, post_form, submit_report
from tests.support.settings import test_config
from tests.support.staff import make_staff, sign_in
from wbs_app.factory import create_app
from wbs_app.formats import file_size
from wbs_app.models import StaffRole

MONTHS = [
    *("Januari", "Februari", "Maret", "April", "Mei", "Juni"),
    *("Juli", "Agustus", "September", "Oktober", "November", "Desember"),
]


def _indonesian(moment: datetime, hours: int, zone: str) -> str:
    local = moment + timedelta(hours=hours)
    return f"{local.day} {MONTHS[local.month - 1]} {local.year} {local:%H.%M} {zone}"


def test_an_unknown_time_zone_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="TIMEZONE"):
        create_app(test_config(tmp_path, TIMEZONE="Asia/Atlantis"))


@pytest.mark.parametrize(
    ("zone", "hours", "abbreviation"),
    [
        ("Asia/Makassar", 8, "WITA"),
        ("Asia/Jakarta", 7, "WIB"),
        ("Asia/Jayapura", 9, "WIT"),
    ],
)
def test_journal_times_are_in_the_installation_zone(
    make_app, org, zone: str, hours: int, abbreviation: str
) -> None:
    app = make_app(TIMEZONE=zone)
    reporter = https_client(app)
    before = datetime.now(UTC)
    submit_report(reporter, Report(unit=org.units["a"]))
    budi = https_client(app)
    assert sign_in(app, budi, org.budi).status_code == 302
    page = budi.get("/staf/pengelola/kasus/1").get_data(as_text=True)
    token = csrf_from(page)
    assert (
        budi.post(
            "/staf/pengelola/kasus/1/langkah", data={"csrf_token": token, "kind": "acknowledge"}
        ).status_code
        == 302
    )
    after = datetime.now(UTC)
    journal = budi.get("/staf/pengelola/kasus/1").get_data(as_text=True).split("<h2>Jurnal</h2>")[1]
    shown = {_indonesian(moment, hours, abbreviation) for moment in (before, after)}
    assert any(text in journal for text in shown), (shown, journal[:400])
    assert "+00:00" not in journal and "UTC" not in journal


def test_sizes_in_the_pages_language(app, org) -> None:
    reporter = https_client(app)
    files = [("kecil.txt", b"k" * 155), ("besar.txt", b"b" * 65_500)]
    review = post_form(reporter, Report(unit=org.units["a"], files=files)).get_data(as_text=True)
    assert "155 bita" in review and "65,5 kB" in review, review
    assert "Bytes" not in review and "65.5" not in review
    with app.test_request_context("/?lang=en"):
        assert (file_size(155), file_size(65_500)) == ("155 bytes", "65.5 kB")


def test_the_audit_log_in_words(app, org) -> None:
    admin = make_staff(app, "admin", StaffRole.ADMIN)
    client = https_client(app)
    assert sign_in(app, client, admin).status_code == 302
    settings = client.get("/staf/admin/pengaturan").get_data(as_text=True)
    values = {"acknowledge": "5", "verification": "14", "feedback": "90", "respondent": "14"}
    assert client.post(
        "/staf/admin/pengaturan", data={"csrf_token": csrf_from(settings), **values}
    ).status_code in (200, 302)
    detail = client.get(f"/staf/admin/staf/{org.budi.id}").get_data(as_text=True)
    role = {
        "csrf_token": csrf_from(detail),
        "role": "investigator",
        "units": [str(org.units["a"]), str(org.units["b"])],
    }
    assert client.post(f"/staf/admin/staf/{org.budi.id}/peran", data=role).status_code == 302
    log = client.get("/staf/admin/audit").get_data(as_text=True)
    assert "Konfirmasi penerimaan: 5 hari" in log, log
    assert (
        "Pemeriksa: UPT Makassar, UPT Parepare" in log
        or "Pemeriksa: UPT Parepare, UPT Makassar" in log
    ), log
    assert "WITA" in log and "UTC" not in log
    assert "acknowledge_days" not in log and "investigator:" not in log
