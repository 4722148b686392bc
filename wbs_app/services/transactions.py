"""Where a unit of work starts and ends around slow steps (Argon2, a streaming body).

On SQLite a read snapshot held across a slow step makes the write after it
fail at once ("database is locked": SQLITE_BUSY_SNAPSHOT, which busy_timeout
does not cover) whenever another request committed meanwhile; and an
IMMEDIATE transaction held across it keeps every other writer waiting. So
services end the read before the step and begin the write after it.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

# A connection execution option: on SQLite the transaction starts with BEGIN
# IMMEDIATE (wbs_app.db), taking the write lock, waiting up to busy_timeout.
BEGIN_IMMEDIATE = "lentera_begin_immediate"


def release_snapshot(session: Session) -> None:
    """End the read transaction before a slow Argon2 step; callers have only read so far.

    On SQLite a read snapshot held across the run makes the write after it fail
    at once ("database is locked": SQLITE_BUSY_SNAPSHOT, where busy_timeout
    does not apply) whenever another request committed meanwhile, which a flood
    of logins makes certain. Committing a transaction that only read ends the
    snapshot; loaded rows stay loaded (``expire_on_commit=False``). It is a
    commit all the same: a caller must not hold flushed work it may still want
    to roll back (the command-line demo commits its staff here, harmlessly).
    """
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("release_snapshot with unsaved changes")
    session.commit()


def begin_write(session: Session) -> None:
    """After the slow step: a transaction that holds the write lock from its first statement.

    A transaction that reads first and writes later fails at once on SQLite if
    another request committed in between (the same SQLITE_BUSY_SNAPSHOT), and a
    flood of logins commits often; starting with the write lock makes the
    lookup-then-write after an Argon2 run wait its turn instead. On
    PostgreSQL the option is ignored.
    """
    release_snapshot(session)
    session.connection(execution_options={BEGIN_IMMEDIATE: True})


def serialise(session: Session, lock_id: int) -> None:
    """Make this transaction wait for any other that took the same lock, until it ends.

    For a check that reads several rows and then writes another (who else can
    open a case, before a reset): on PostgreSQL two such transactions at once
    would each read the other's rows unchanged and both commit. There a
    transaction-scoped advisory lock, released at commit or rollback, makes
    them take turns. SQLite needs nothing: a writing transaction holds the
    single write lock from its start, and one that read before writing fails
    instead of writing on a stale read.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:lock_id)"), {"lock_id": lock_id})
