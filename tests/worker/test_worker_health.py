"""Administrators see each scheduled job's last run, and a warning when one is late."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from sqlalchemy import update

from tests.support.http import https_client
from tests.support.staff import make_staff, signed_in
from wbs_app.db import app_database
from wbs_app.models import StaffRole, WorkerJob
from wbs_app.services.housekeeping import JOBS
from wbs_app.services.infra.clock import utcnow

PAGE = "/staf/admin/pekerja"


def _admin_page(app: Flask) -> str:
    admin = signed_in(app, make_staff(app, "admin", StaffRole.ADMIN))
    response = admin.get(PAGE)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _run_worker(app: Flask) -> None:
    with app.app_context():
        assert app.test_cli_runner().invoke(args=["wbs", "worker", "--once"]).exit_code == 0


def test_before_any_worker_ran_every_job_shows_late(app: Flask) -> None:
    page = _admin_page(app)
    assert "Penyapuan berkas" in page  # the sweep, by its label
    assert page.count("Belum pernah berjalan") == len(JOBS)  # each job of the registry
    assert 'role="alert"' in page


def test_after_a_run_each_job_shows_its_time_and_result(app: Flask) -> None:
    _run_worker(app)
    page = _admin_page(app)
    assert page.count("Selesai") >= 2  # "Completed"
    assert "Belum pernah berjalan" not in page
    assert 'class="notice warn"' not in page
    assert "unknown files quarantined" in page  # the sweep's own counts


def test_a_job_overdue_past_the_grace_shows_late(app: Flask) -> None:
    _run_worker(app)
    with app_database(app).session() as session:
        session.execute(update(WorkerJob).values(next_due_at=utcnow() - timedelta(minutes=6)))
    page = _admin_page(app)
    assert 'class="notice warn"' in page
    assert page.count("terlambat") >= 2


def test_only_administrators_see_it(app: Flask, org) -> None:
    assert https_client(app).get(PAGE).status_code == 302
    assert signed_in(app, org.budi).get(PAGE).status_code == 403


def test_the_overview_warns_while_a_job_is_overdue_and_not_after_a_run(app: Flask) -> None:
    admin = signed_in(app, make_staff(app, "admin", StaffRole.ADMIN))
    overdue = admin.get("/staf/admin/").get_data(as_text=True)
    assert "Ada tugas terjadwal yang terlambat" in overdue
    assert f'href="{PAGE}"' in overdue

    _run_worker(app)

    assert "Ada tugas terjadwal yang terlambat" not in admin.get("/staf/admin/").get_data(
        as_text=True
    )
