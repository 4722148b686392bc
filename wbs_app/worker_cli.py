"""``flask --app wsgi wbs worker``: the scheduled jobs, beside gunicorn or on their own.

gunicorn starts one beside its workers and stops it when it stops
(``gunicorn.conf.py``), so ``make run`` and every deployment has one; more
servers on one database each start theirs, and the jobs' claims
(``services.infra.worker``) let one run each job per interval. SIGTERM or
SIGINT stops the worker after the job in hand; ``--exit-with-parent`` also
stops it when the process that started it is gone (a gunicorn killed with
SIGKILL runs no exit hook).
"""

from __future__ import annotations

import os
import signal
import threading

import click
from flask import current_app
from sqlalchemy.exc import SQLAlchemyError

from wbs_app.db import app_database
from wbs_app.services.housekeeping import JOBS
from wbs_app.services.infra.store import AttachmentStore
from wbs_app.services.infra.worker import JobSettings, Outcome, Worker
from wbs_app.settings import settings

# Never look again sooner than this: a job leased by a worker that died stays
# due-but-taken until its lease passes, and must not make the loop spin.
MIN_SLEEP_SECONDS = 1.0


def job_settings() -> JobSettings:
    current = settings()
    sign_in = current_app.url_map.bind("").build("staff.login")
    return JobSettings(
        sweep_max_unknown=current.sweep_max_unknown,
        sweep_lock_wait=current.sweep_lock_wait,
        mail=current.mail,
        sign_in_url=current.base_url + sign_in,
        timezone=current.timezone,
        deadline_defaults=current.deadline_defaults,
        escalation_working_days=current.escalation_working_days,
    )


def _say(outcome: Outcome) -> None:
    click.echo(f"{outcome.name}: {'done' if outcome.ok else 'FAILED'}: {outcome.summary}")


@click.command("worker")
@click.option("--once", is_flag=True, help="run the jobs that are due once, then exit")
@click.option(
    "--tick",
    type=click.FloatRange(min=MIN_SLEEP_SECONDS),
    default=15.0,
    show_default=True,
    help="longest pause in seconds between two looks at the jobs",
)
@click.option(
    "--exit-with-parent", is_flag=True, help="stop when the starting process (gunicorn) is gone"
)
def worker(once: bool, tick: float, exit_with_parent: bool) -> None:
    """Run the periodic jobs (sweep, purges, reminders, notice mail) once per installation.

    Says only what failed (each job's last run is on the administrators'
    "Tugas terjadwal" page). With --once, says every job that ran, and exits 1
    if one failed.
    """
    store: AttachmentStore = current_app.extensions["lentera.store"]
    runner = Worker(app_database(current_app), store, JOBS, job_settings())
    if once:
        outcomes = runner.run_due()
        for outcome in outcomes:
            _say(outcome)
        if not outcomes:
            click.echo("no job was due (or another worker holds it)")
        if not all(outcome.ok for outcome in outcomes):
            raise SystemExit(1)
        return
    stop = threading.Event()
    _stop_on_signals(stop)
    parent = os.getppid()
    click.echo(f"worker started: {len(JOBS)} jobs")
    while not stop.is_set():
        pause = tick
        try:
            for outcome in runner.run_due():
                if not outcome.ok:  # a success every minute would only fill the log
                    _say(outcome)
            pause = runner.seconds_to_next(tick)
        except SQLAlchemyError as error:  # the database is away: look again later
            click.echo(f"worker: database unavailable ({type(error).__name__})", err=True)
        if exit_with_parent and os.getppid() != parent:
            break
        stop.wait(max(MIN_SLEEP_SECONDS, pause))
    click.echo("worker stopped")


def _stop_on_signals(stop: threading.Event) -> None:
    if threading.current_thread() is not threading.main_thread():
        return  # signals reach the main thread only (a test runner's thread, for one)
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
