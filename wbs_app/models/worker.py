"""The scheduled worker's record of each job: when it is due, who runs it now, how it last went.

One row per job name (``services.housekeeping.JOBS``). The row is the lock that makes
a job run once per installation however many workers there are: a worker
claims a due job in a short transaction that holds the database's write lock
(SQLite) or an advisory lock (PostgreSQL), writing a lease (``running_until``)
and moving ``next_due_at`` on; every other worker then sees it taken. The
times are the worker's own, never a reporter's; the summary holds counts only.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from wbs_app.database import Base
from wbs_app.models.types import UTCDateTime


class WorkerJob(Base):
    __tablename__ = "worker_jobs"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    next_due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Set while a worker runs the job (its lease), cleared when it finishes; a
    # worker that died mid-run loses the job once the lease has passed.
    running_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    holder: Mapped[str | None] = mapped_column(String(40))
    last_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_ok: Mapped[bool | None] = mapped_column(Boolean)
    # What the job reported (counts), or the error's class name: never a name or an id.
    last_summary: Mapped[str | None] = mapped_column(String(300))
    runs: Mapped[int] = mapped_column(Integer, default=0)
    failures: Mapped[int] = mapped_column(Integer, default=0)  # in a row, 0 after a success
