"""What expires on its own, purged in one place, and the scheduled worker's jobs (``JOBS``).

Sessions of every zone (staff, and every kind of code holder in
``code_holders.KINDS``) and the receipt hand-overs nobody collected. Drafts
and kept messages are not in ``purge_expired``: their files go with them, so
the attachment sweep (``services.infra.sweep``) forgets them and removes the
files after its commit.

``wbs worker`` (``services.infra.worker``) runs each job of ``JOBS`` once per
installation. A track that needs a periodic job (notifications, retention, a
vacuum after the purges) adds one ``Job`` line there: a name (at most 40
characters, kept in ``worker_jobs``; give it a label in
``wbs_app.admin.labels.WORKER_JOBS``), an interval, and a function that takes
a ``JobContext`` and returns a summary with counts only. The sweep's interval
bounds how long an expired draft and its files outlive their expiry: one
interval plus the sweep's own run.
Once a purge has committed, ``services.infra.compaction.compact`` (``wbs sweep``
runs it; ``compact_job`` is its form for a job) takes the deleted rows out of
SQLite's WAL or PostgreSQL's dead tuples too (issue 18).
"""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from wbs_app.services.cases import deadline_alerts, escalation
from wbs_app.services.codes import code_holders, receipt_handover
from wbs_app.services.infra import compaction
from wbs_app.services.infra import sweep as attachment_sweep
from wbs_app.services.infra.clock import utcnow
from wbs_app.services.infra.worker import Job, JobContext, JobRefused
from wbs_app.services.office import deadlines
from wbs_app.services.staff import notice_mail, staff_sessions


def purge_expired(session: Session) -> None:
    staff_sessions.purge_expired(session)
    code_holders.purge_expired(session)  # reporters' and respondents' alike
    receipt_handover.purge_expired(session)


def _sweep(context: JobContext) -> str:
    """Expired drafts and kept messages with their files, interrupted moves, unknown files."""
    result = attachment_sweep.sweep(
        context.session,
        context.store,
        max_unknown=context.settings.sweep_max_unknown,
        lock_wait=context.settings.sweep_lock_wait,
    )
    if result.refused:
        # Counts only; the operator's words are in the log and in `wbs sweep`.
        raise JobRefused(f"{result.unknown_files} unknown files, {result.known_files} known")
    # Not the drafts removed nor the uploads in progress: kept beside the run's
    # time, they would say to the minute when a reporter wrote (DESIGN.md section 5).
    return (
        f"{result.promoted} files moved into place, {result.quarantined} unknown files quarantined"
    )


def _purge(context: JobContext) -> str:
    purge_expired(context.session)
    return "expired sessions and receipt hand-overs purged"


def _compact(context: JobContext) -> str:
    """After the purges: deleted rows out of SQLite's WAL, or PostgreSQL's tables vacuumed."""
    return compaction.compact_job(context.session).summary()


def _deadline_alerts(context: JobContext) -> str:
    """Deadlines due soon or missed, told to the cases' holders; missed long enough, up the tree."""
    defaults = context.settings.deadline_defaults or deadlines.preset_defaults()
    calendar = deadlines.deadlines(context.session, defaults).calendar
    deadline_alerts.raise_alerts(context.session, calendar)
    escalation.escalate(context.session, calendar, context.settings.escalation_working_days)
    # No count: a reminder raised minutes after a report arrived (a preset of three
    # working days), or an escalation ended minutes after a reporter withdrew,
    # would date that act beside the run's time.
    return "deadline reminders and escalations looked at"


def _notice_mail(context: JobContext) -> str:
    """The notices' outbox: one content-free mail per person who should hear now."""
    local_now = utcnow().astimezone(ZoneInfo(context.settings.timezone))
    delivered = notice_mail.deliver(
        context.session, context.settings.mail, context.settings.sign_in_url, local_now
    )
    return delivered.summary()


JOBS: tuple[Job, ...] = (
    Job("sweep", timedelta(minutes=1), _sweep),
    Job("purge_sessions", timedelta(minutes=1), _purge),
    Job("compact", timedelta(minutes=1), _compact),
    # Before the mail: a reminder raised in a run is mailed in the same minute.
    Job("deadline_alerts", timedelta(minutes=10), _deadline_alerts),
    # An outage doubles the wait before the next try, up to an hour.
    Job("notice_mail", timedelta(minutes=1), _notice_mail, max_backoff=timedelta(hours=1)),
)
