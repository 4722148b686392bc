"""The scheduled worker's health for administrators: each job's last run, and whether it is late.

A job is late when it has been due for longer than ``GRACE`` and nobody runs
it: no ``wbs worker`` is running (gunicorn started without it, or it died),
or the database refuses it. Administrators see that here, in words; the
summary beside it is the job's own line, counts only, for the operator.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import render_template
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from wbs_app.admin import bp
from wbs_app.admin.labels import WORKER_JOBS
from wbs_app.db import request_session
from wbs_app.formats import local_datetime, number
from wbs_app.security.zones import ADMIN, zone
from wbs_app.services.housekeeping import JOBS
from wbs_app.services.infra import worker
from wbs_app.services.infra.worker import JobHealth

# Beyond a job's due time: a worker's longest pause between looks, and more.
GRACE = timedelta(minutes=5)


@dataclass(frozen=True)
class JobLine:
    label: str
    every: str
    last_started: str
    last_finished: str
    state: str
    late: bool
    summary: str


def _state(job: JobHealth) -> str:
    if job.running:
        return str(_("Running now"))
    if job.last_ok is None:
        return str(_("Never run"))
    if job.last_ok:
        return str(_("Completed"))
    return str(_("Failed (%(count)s in a row)", count=number(job.failures)))


def _line(job: JobHealth) -> JobLine:
    minutes = max(1, int(job.interval.total_seconds() // 60))
    return JobLine(
        label=str(WORKER_JOBS.get(job.name, job.name)),
        every=str(_("Every %(minutes)s minutes", minutes=number(minutes))),
        last_started=local_datetime(job.last_started_at) if job.last_started_at else "—",
        last_finished=local_datetime(job.last_finished_at) if job.last_finished_at else "—",
        state=_state(job),
        late=job.late,
        summary=job.last_summary or "",
    )


def any_late(session: Session) -> bool:
    """For the overview's warning: a job no worker runs (``admin/_worker_notice.html``)."""
    return any(job.late for job in worker.health(session, JOBS, GRACE))


@bp.get("/pekerja")
@zone(ADMIN)
def worker_health() -> str:
    lines = [_line(job) for job in worker.health(request_session(), JOBS, GRACE)]
    return render_template(
        "admin/worker.html", lines=lines, any_late=any(line.late for line in lines)
    )
