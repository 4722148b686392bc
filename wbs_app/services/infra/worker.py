"""The scheduled worker: run each registered job when it is due, once per installation.

``wbs worker`` (``wbs_app.worker_cli``) calls ``run_due`` in a loop; the jobs
are listed in ``services.housekeeping.JOBS``. Any number of workers may run (one
beside each gunicorn, several servers on one database): a job runs only in
the worker that *claims* it, and a claim is a short transaction under the
database's lock (SQLite's write lock from BEGIN IMMEDIATE, a PostgreSQL
advisory lock) that reads the job's row, finds it due and not leased, and
writes a lease and the next due time before it commits. A second worker's
claim waits for that commit and then sees the job taken. A worker that dies
mid-run holds the job until its lease (``Job.lease``) has passed; a live
one renews its lease while the job runs, however long that takes.

Each run is a unit of work of its own; a job that fails is rolled back and
recorded (its error's class name only: an exception's text can quote a row)
and the others still run. The record (``WorkerJob``) is what administrators
see as the worker's health (``health``).
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from wbs_app.database import Database
from wbs_app.models import WorkerJob
from wbs_app.services.infra.clock import utcnow
from wbs_app.services.infra.mail import MailSettings
from wbs_app.services.infra.store import AttachmentStore
from wbs_app.services.infra.transactions import Lock, begin_write, serialise

log = logging.getLogger("wbs_app.worker")

SUMMARY_LENGTH = 300  # WorkerJob.last_summary


class JobRefused(Exception):
    """A job that would not act, in words safe to keep and show (counts, never a name)."""


@dataclass(frozen=True)
class JobSettings:
    """What jobs need from the installation's settings (services read no Flask config)."""

    sweep_max_unknown: int = 5
    sweep_lock_wait: timedelta = timedelta(seconds=30)
    # The notices' e-mail (None: none configured, notices stay in the app),
    # the address a mail sends people to, and the local time zone of digests.
    mail: MailSettings | None = None
    sign_in_url: str = ""
    timezone: str = "Asia/Makassar"
    # The configured deadline defaults (``services.office.deadlines``); empty:
    # the ministry's preset, as config.py has it.
    deadline_defaults: Mapping[str, int] = field(default_factory=dict)
    escalation_working_days: int = 3


@dataclass(frozen=True)
class JobContext:
    """What a job gets: a unit of work of its own (committed after it), the store, settings."""

    session: Session
    store: AttachmentStore
    settings: JobSettings


@dataclass(frozen=True)
class Job:
    """A periodic job: its name (the row's key), how often, and what it does.

    ``run`` returns a one-line summary of what it did, counts only; it may
    commit on its own (the sweep does) and is committed after it returns.
    ``lease`` bounds how long a worker that died mid-run keeps the job; a
    live one renews it every third of it while the job runs. With
    ``max_backoff``, each failure in a row doubles the wait before the next
    run, up to it (a mail server that is away is not knocked on every minute).
    """

    name: str
    interval: timedelta
    run: Callable[[JobContext], str]
    lease: timedelta = timedelta(minutes=15)
    max_backoff: timedelta | None = None

    def wait_after(self, failures: int) -> timedelta:
        """The time from one run's start to the next, after ``failures`` failures in a row."""
        if self.max_backoff is None or failures <= 0:
            return self.interval
        doubled: timedelta = self.interval * 2 ** min(failures, 20)
        return min(doubled, max(self.max_backoff, self.interval))


@dataclass(frozen=True)
class Outcome:
    name: str
    ok: bool
    summary: str


@dataclass
class Worker:
    """One worker process: its id in the leases, the database, the jobs it may run."""

    database: Database
    store: AttachmentStore
    jobs: Sequence[Job]
    settings: JobSettings = field(default_factory=JobSettings)
    worker_id: str = field(default_factory=lambda: secrets.token_hex(8))

    def run_due(self) -> list[Outcome]:
        """Run every job that is due and that this worker claims; what each did."""
        outcomes = []
        for job in self.jobs:
            with self.database.session() as session:
                started = claim(session, job, self.worker_id)
            if started is not None:
                outcomes.append(self._run(job, started))
        return outcomes

    def seconds_to_next(self, ceiling: float) -> float:
        """How long to sleep: until the first job falls due, at most ``ceiling`` seconds."""
        with self.database.session() as session:
            due = session.scalars(
                select(WorkerJob.next_due_at).where(
                    WorkerJob.name.in_([job.name for job in self.jobs])
                )
            ).all()
        if len(due) < len(self.jobs):
            return 0.0  # a job never claimed yet
        wait = (min(due) - utcnow()).total_seconds()
        return max(0.0, min(ceiling, wait))

    def _run(self, job: Job, started: datetime) -> Outcome:
        done = threading.Event()
        renewer = threading.Thread(target=self._renew, args=(job, done), daemon=True)
        renewer.start()
        try:
            outcome = self._run_job(job)
        finally:
            done.set()
            renewer.join()
        try:
            with self.database.session() as session:
                finish(session, job, self.worker_id, started, outcome)
        except SQLAlchemyError as error:  # the lease runs out; the next claim runs it again
            log.error("job %s ran but its record failed: %s", job.name, type(error).__name__)
        return outcome

    def _renew(self, job: Job, done: threading.Event) -> None:
        """Keep the lease while the job runs, so a long run is never claimed twice."""
        while not done.wait(job.lease.total_seconds() / 3):
            try:
                with self.database.session() as session:
                    renew_lease(session, job, self.worker_id)
            except SQLAlchemyError as error:  # tried again at the next third of the lease
                log.warning("job %s: lease not renewed: %s", job.name, type(error).__name__)

    def _run_job(self, job: Job) -> Outcome:
        with self.database.session() as session:
            try:
                summary = job.run(JobContext(session, self.store, self.settings))
                session.commit()
                ok = True
            except JobRefused as error:
                session.rollback()
                ok, summary = False, f"refused: {error}"
                log.warning("job %s refused: %s", job.name, error)
            except Exception as error:  # recorded; the other jobs still run
                session.rollback()
                ok, summary = False, f"failed: {type(error).__name__}"
                log.error("job %s failed: %s", job.name, type(error).__name__)
        return Outcome(job.name, ok, summary[:SUMMARY_LENGTH])


def claim(session: Session, job: Job, worker_id: str) -> datetime | None:
    """Take ``job`` if it is due and nobody holds it, in a transaction of its own; when.

    Commits either way. The lock makes claims take turns: on SQLite the
    transaction begins with the write lock; on PostgreSQL an advisory lock
    (taken before the row is read, so that two first claims do not both
    insert it).
    """
    begin_write(session)
    serialise(session, Lock.WORKER)
    now = utcnow()
    row = session.get(WorkerJob, job.name, populate_existing=True)
    if row is None:
        row = WorkerJob(name=job.name, next_due_at=now, runs=0, failures=0)
        session.add(row)
    leased = row.running_until is not None and row.running_until > now
    if row.next_due_at > now or leased:
        session.commit()
        return None
    row.running_until = now + job.lease
    row.holder = worker_id
    row.last_started_at = now
    row.next_due_at = now + job.interval
    session.commit()
    return now


def renew_lease(session: Session, job: Job, worker_id: str) -> None:
    """Move the lease on by ``job.lease`` from now, if this worker still holds it."""
    begin_write(session)
    row = session.get(WorkerJob, job.name, populate_existing=True)
    if row is not None and row.holder == worker_id:
        row.running_until = utcnow() + job.lease
    session.commit()


def finish(session: Session, job: Job, worker_id: str, started: datetime, outcome: Outcome) -> None:
    """Record the run; release the lease if this worker still holds it."""
    begin_write(session)
    row = session.get(WorkerJob, job.name, populate_existing=True)
    if row is None:
        return
    row.last_finished_at = utcnow()
    row.last_ok = outcome.ok
    row.last_summary = outcome.summary
    row.runs += 1
    row.failures = 0 if outcome.ok else row.failures + 1
    if row.holder == worker_id:
        row.running_until = None
        row.holder = None
        # The cadence counts from the start, but never schedules a run in the past.
        row.next_due_at = max(started + job.wait_after(row.failures), utcnow())
    session.commit()


@dataclass(frozen=True)
class JobHealth:
    """A job as administrators see it (``admin.worker_health``)."""

    name: str
    interval: timedelta
    last_started_at: datetime | None
    last_finished_at: datetime | None
    last_ok: bool | None
    last_summary: str | None
    failures: int
    running: bool
    late: bool  # due for longer than a grace: no worker is running it


def health(session: Session, jobs: Sequence[Job], grace: timedelta) -> list[JobHealth]:
    """Each registered job's last run, and whether it is late (a worker is missing or stuck)."""
    now = utcnow()
    rows = {row.name: row for row in session.scalars(select(WorkerJob))}
    shown = []
    for job in jobs:
        row = rows.get(job.name)
        if row is None:
            shown.append(JobHealth(job.name, job.interval, None, None, None, None, 0, False, True))
            continue
        running = row.running_until is not None and row.running_until > now
        late = row.next_due_at + grace < now and not running
        shown.append(
            JobHealth(
                job.name,
                job.interval,
                row.last_started_at,
                row.last_finished_at,
                row.last_ok,
                row.last_summary,
                row.failures,
                running,
                late,
            )
        )
    return shown
