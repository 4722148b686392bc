"""A job added to the registry by one line runs once at a time, even past its lease.

These drive ``services.infra.worker.Worker`` with a job of the test's own, as
another track adds one to ``services.housekeeping.JOBS``: a job that runs for
longer than its interval and its lease on one worker, while a second worker
keeps trying to claim it.
"""

from __future__ import annotations

import itertools
import threading
import time
from datetime import timedelta

from flask import Flask

from wbs_app.db import app_database
from wbs_app.services.infra.worker import Job, JobContext, Worker


def test_a_job_longer_than_its_lease_never_runs_twice_at_once(app: Flask) -> None:
    spans: list[tuple[float, float]] = []
    started = threading.Event()

    def slow(context: JobContext) -> str:
        begin = time.monotonic()
        started.set()
        time.sleep(2.5)  # two and a half intervals and leases
        spans.append((begin, time.monotonic()))
        return "1 slow thing done"

    job = Job("slow_test_job", timedelta(seconds=1), slow, lease=timedelta(seconds=1))
    store = app.extensions["lentera.store"]
    first = Worker(app_database(app), store, [job])
    second = Worker(app_database(app), store, [job])
    running = threading.Thread(target=first.run_due)
    running.start()
    assert started.wait(30), "the first worker never ran the job"
    deadline = time.monotonic() + 2.5
    while time.monotonic() < deadline:
        second.run_due()
        time.sleep(0.2)
    running.join()

    spans.sort()
    assert spans, "no run finished"
    for (_, end), (begin, _) in itertools.pairwise(spans):
        assert begin >= end, f"two runs overlapped: {spans}"
