"""``wbs worker``: each job runs when due, once per installation, and says how it went.

Through the command (Flask's CLI runner, and two real processes for the
lock); the clock is moved through ``services.infra.clock``, never slept.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from sqlalchemy import func, select

from tests.support.reporter import DRAFT_RE, Report, post_form
from tests.support.worker import jobs, run_worker
from wbs_app.db import app_database
from wbs_app.models import PendingFile, SubmissionDraft, WorkerJob
from wbs_app.services.housekeeping import JOBS
from wbs_app.services.infra.clock import utcnow
from wbs_app.services.infra.store import AttachmentStore, Folder

EVIDENCE = b"foto kwitansi " * 4000


def test_once_runs_every_job_and_records_its_run(app: Flask) -> None:
    done = run_worker(app, "--once")

    assert done.exit_code == 0, done.output
    rows = jobs(app)
    assert set(rows) == {job.name for job in JOBS}
    for job in JOBS:
        row = rows[job.name]
        assert f"{job.name}: done" in done.output
        assert (row.runs, row.last_ok, row.failures, row.running_until) == (1, True, 0, None)
        assert row.last_finished_at is not None and row.last_started_at is not None
        assert row.next_due_at - row.last_started_at == job.interval


def test_a_job_runs_again_only_once_its_interval_has_passed(app: Flask, moved_clock) -> None:
    assert run_worker(app, "--once").exit_code == 0

    again = run_worker(app, "--once")
    assert again.exit_code == 0 and "no job was due" in again.output
    moved_clock.advance(seconds=max(job.interval for job in JOBS).total_seconds() + 1)
    later = run_worker(app, "--once")

    assert later.exit_code == 0, later.output
    assert {row.runs for row in jobs(app).values()} == {2}


def test_a_job_another_worker_is_running_is_left_to_it(app: Flask) -> None:
    """A lease in force (another worker mid-run) keeps the job from a second run."""
    assert run_worker(app, "--once").exit_code == 0
    with app_database(app).session() as session:
        for row in session.scalars(select(WorkerJob)):
            row.next_due_at = utcnow() - timedelta(seconds=1)
        sweep = session.get(WorkerJob, "sweep")
        sweep.running_until, sweep.holder = utcnow() + timedelta(minutes=5), "another"

    done = run_worker(app, "--once")

    assert done.exit_code == 0, done.output
    assert "sweep:" not in done.output and "purge_sessions: done" in done.output
    assert jobs(app)["sweep"].runs == 1


def test_a_lease_left_by_a_dead_worker_lapses(app: Flask, moved_clock) -> None:
    assert run_worker(app, "--once").exit_code == 0
    with app_database(app).session() as session:
        sweep = session.get(WorkerJob, "sweep")
        sweep.running_until, sweep.holder = utcnow() + timedelta(minutes=15), "dead"
    moved_clock.advance(minutes=16)

    done = run_worker(app, "--once")

    assert "sweep: done" in done.output, done.output
    row = jobs(app)["sweep"]
    assert (row.runs, row.running_until, row.holder) == (2, None, None)


def test_an_expired_draft_and_its_files_are_gone_at_the_next_sweep(
    app: Flask, org, reporter, moved_clock
) -> None:
    page = post_form(reporter, Report(unit=org.units["a"], files=[("a.jpg", EVIDENCE)]))
    assert DRAFT_RE.search(page.get_data(as_text=True)).group(1)
    store: AttachmentStore = app.extensions["lentera.store"]
    assert len(store.names(Folder.PENDING)) == 1
    with app_database(app).session() as session:
        expires = session.scalar(select(func.max(SubmissionDraft.expires_at)))
    moved_clock.advance(seconds=(expires - utcnow()).total_seconds() + 1)

    done = run_worker(app, "--once")

    assert done.exit_code == 0, done.output
    assert store.names(Folder.PENDING) == set()
    # What the record keeps beside the run's time says nothing of the reporter's draft.
    assert "draft" not in jobs(app)["sweep"].last_summary
    assert "draft" not in done.output
    with app_database(app).session() as session:
        assert session.scalar(select(func.count()).select_from(SubmissionDraft)) == 0
        assert session.scalar(select(func.count()).select_from(PendingFile)) == 0


def test_a_refusing_job_is_recorded_and_the_others_still_run(app: Flask) -> None:
    """Unknown files (a wrong database?) stop the sweep; the purge of sessions goes on."""
    store: AttachmentStore = app.extensions["lentera.store"]
    files = store.root / Folder.FILES.value
    files.mkdir(parents=True, exist_ok=True)
    for index in range(7):
        (files / f"{index:048x}").write_bytes(b"x")

    done = run_worker(app, "--once")

    assert done.exit_code == 1
    assert "sweep: FAILED: refused: 7 unknown files, 0 known" in done.output
    assert "purge_sessions: done" in done.output
    rows = jobs(app)
    assert (rows["sweep"].last_ok, rows["sweep"].failures) == (False, 1)
    assert rows["purge_sessions"].last_ok is True
    assert len(list(files.iterdir())) == 7, "the refused sweep moved nothing"


def test_a_job_that_breaks_is_recorded_by_its_error_class_alone(app: Flask) -> None:
    """The attachment folder broken (a file where pending/ was): no path, no message kept."""
    store: AttachmentStore = app.extensions["lentera.store"]
    pending = store.root / Folder.PENDING.value
    pending.rmdir()
    pending.write_bytes(b"")

    done = run_worker(app, "--once")

    assert done.exit_code == 1
    assert "sweep: FAILED: failed: NotADirectoryError" in done.output
    assert "purge_sessions: done" in done.output
    row = jobs(app)["sweep"]
    assert (row.last_ok, row.last_summary, row.running_until) == (
        False,
        "failed: NotADirectoryError",
        None,
    )
    assert str(store.root) not in done.output
