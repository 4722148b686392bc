"""The worker as deployments run it: beside gunicorn, and several at once on one database.

Real processes: gunicorn with the project's gunicorn.conf.py (as ``make run``
starts it), and ``flask --app wsgi wbs worker`` commands on the test's database.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select, update

from tests.support.durability import live_settings
from tests.support.live import ROOT, LiveServer, served_environment
from tests.support.reporter import Report, post_form
from wbs_app.db import app_database
from wbs_app.models import SubmissionDraft, WorkerJob
from wbs_app.services.housekeeping import JOBS
from wbs_app.services.infra.clock import utcnow
from wbs_app.services.infra.store import AttachmentStore, Folder

STARTED_RE = re.compile(r"scheduled worker started \(pid (\d+)\)")


def _runs(app: Flask) -> dict[str, int]:
    with app_database(app).session() as session:
        return {row.name: row.runs for row in session.scalars(select(WorkerJob))}


def _wait_for(condition, seconds: float, what: str) -> float:
    """Poll ``condition`` until it holds; how many seconds that took."""
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        if condition():
            return time.monotonic() - start
        time.sleep(0.2)
    raise AssertionError(f"{what}: not within {seconds} s")


def _alive(pid: int) -> bool:
    """Running, not a zombie waiting for whoever adopted it to reap it."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


def _server_with_its_worker(app: Flask, instance_path: Path) -> tuple[LiveServer, int]:
    """A gunicorn with its scheduled worker, once every job has run once; and the worker's pid."""
    server = LiveServer(instance_path, live_settings(app), workers=1, scheduled_worker=True)
    server.start()
    try:
        _wait_for(lambda: STARTED_RE.search(server.log()), 120, "the worker's start line")
        pid = int(STARTED_RE.search(server.log()).group(1))
        _wait_for(lambda: len(_runs(app)) == len(JOBS), 120, "a first run of every job")
    except BaseException:
        server.kill()
        raise
    return server, pid


def test_gunicorn_starts_the_worker_beside_it_and_stops_it_with_itself(
    app: Flask, instance_path: Path
) -> None:
    server, pid = _server_with_its_worker(app, instance_path)
    try:
        assert _alive(pid)
    finally:
        server.stop()

    assert not _alive(pid), "the worker outlived gunicorn"
    log = server.log()
    assert "worker stopped" in log and "scheduled worker stopped" in log
    assert set(_runs(app)) == {job.name for job in JOBS}


def test_a_gunicorn_killed_without_its_exit_hook_leaves_no_worker_behind(
    app: Flask, instance_path: Path
) -> None:
    """SIGKILL of the master alone: the worker sees its parent gone and stops by itself."""
    server, pid = _server_with_its_worker(app, instance_path)
    try:
        os.kill(server.process.pid, signal.SIGKILL)
        server.process.wait()
        stopped = _wait_for(lambda: not _alive(pid), 40, "the orphaned worker's exit")
    finally:
        server.kill()
    print(f"\norphaned worker stopped {stopped:.1f} s after gunicorn was killed")


def test_gunicorn_with_the_worker_off_starts_none(app: Flask, instance_path: Path) -> None:
    server = LiveServer(instance_path, live_settings(app), workers=1).start()
    server.stop()
    assert "WBS_WORKER is off" in server.log()
    assert _runs(app) == {}


def test_two_workers_at_once_run_each_job_once(app: Flask, instance_path: Path) -> None:
    """Two servers' workers start together on one database: one run of each job in all."""
    env = served_environment(instance_path, live_settings(app))
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "wbs", "worker", "--once"]
    workers = [
        subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [worker.communicate(timeout=120)[0] for worker in workers]

    assert [worker.returncode for worker in workers] == [0, 0], outputs
    together = "".join(outputs)
    for job in JOBS:
        assert together.count(f"{job.name}: done") == 1, outputs
    assert _runs(app) == {job.name: 1 for job in JOBS}


@pytest.mark.slow
def test_an_expired_draft_and_its_files_are_gone_within_minutes(
    app: Flask, org, reporter, instance_path: Path
) -> None:
    """Measured: seconds from a draft's expiry to its files gone, on a server with its worker."""
    server = LiveServer(instance_path, live_settings(app), workers=1, scheduled_worker=True)
    server.start()
    store: AttachmentStore = app.extensions["lentera.store"]
    try:
        _wait_for(lambda: len(_runs(app)) == len(JOBS), 120, "a first run of every job")
        post_form(reporter, Report(unit=org.units["a"], files=[("a.jpg", b"bukti " * 5000)]))
        assert len(store.names(Folder.PENDING)) == 1
        with app_database(app).session() as session:
            session.execute(update(SubmissionDraft).values(expires_at=utcnow()))
        gone = _wait_for(
            lambda: not store.names(Folder.PENDING), 180, "the expired draft's files removed"
        )
    finally:
        server.stop()
    sweep = next(job for job in JOBS if job.name == "sweep")
    print(
        f"\nexpired draft's files removed {gone:.1f} s after expiry (sweep every {sweep.interval})"
    )
    # "Within minutes" is the wait's own bound (180 s, or _wait_for fails); the
    # figure itself depends on the machine's load and is reported, not asserted.
