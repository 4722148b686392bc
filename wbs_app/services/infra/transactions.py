"""Where a unit of work starts and ends around slow steps (Argon2, a streaming body).

On SQLite a read snapshot held across a slow step makes the write after it
fail at once ("database is locked": SQLITE_BUSY_SNAPSHOT, which busy_timeout
does not cover) whenever another request committed meanwhile; and an
IMMEDIATE transaction held across it keeps every other writer waiting. So
services end the read before the step and begin the write after it. The
small writes of reading pages go beside the read (``write_apart``), and
``database_failure`` tells a lock from a lost connection from a real error.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from enum import Enum, IntEnum

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session

from wbs_app.database import BEGIN_IMMEDIATE

log = logging.getLogger("wbs_app.transactions")


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


def write_apart(session: Session, work: Callable[[Session], None]) -> bool:
    """A small write that a read needs (an idle clock, a read marker), kept out of the read.

    A read that writes fails at once on SQLite when another request committed
    since it began (SQLITE_BUSY_SNAPSHOT) and waits out the busy timeout
    behind a writer; either way the page that only meant to read is lost. So
    in a reading session the write runs in a short IMMEDIATE transaction on a
    session of its own (the reading one keeps its snapshot and its loaded
    rows), and if the database refuses it (the lock past its timeout, a lost
    race) it is rolled back and dropped: such a write can wait for the next
    request. ``work`` gets the session to write with and must use ids, not the
    reading session's objects. In a writing session (requests that may write
    begin IMMEDIATE) the write is simply part of the caller's unit of work,
    which commits it or fails with it.
    """
    bind = session.get_bind()
    if not isinstance(bind, Engine) or bind.get_execution_options().get(BEGIN_IMMEDIATE):
        work(session)
        session.flush()
        return True
    apart = Session(
        bind.execution_options(**{BEGIN_IMMEDIATE: True}),
        expire_on_commit=False,
        info=dict(session.info),
    )
    try:
        work(apart)
        apart.commit()
    except SQLAlchemyError as error:
        apart.rollback()
        log.warning("a write beside a read was dropped: %s", type(error).__name__)
        return False
    finally:
        apart.close()
    return True


class DatabaseFailure(Enum):
    """Why a unit of work failed, as far as the person waiting for it is concerned."""

    BUSY = "busy"  # a lock or a conflict: the same request succeeds in a moment
    UNREACHABLE = "unreachable"  # the connection was lost or could not be made
    ERROR = "error"  # anything else: a constraint, a bug, a broken disk


# SQLite's primary result codes SQLITE_BUSY and SQLITE_LOCKED; the extended
# codes (BUSY_SNAPSHOT, BUSY_TIMEOUT, ...) keep them in their low byte.
SQLITE_BUSY_CODES = frozenset({5, 6})
# PostgreSQL: serialization_failure, deadlock_detected, lock_not_available,
# query_canceled (a statement or lock timeout).
POSTGRES_BUSY_STATES = frozenset({"40001", "40P01", "55P03", "57014"})
# connection_exception (class 08), admin_shutdown, crash_shutdown, cannot_connect_now.
POSTGRES_UNREACHABLE_STATES = frozenset({"57P01", "57P02", "57P03"})


def database_failure(error: BaseException) -> DatabaseFailure:
    """Classify a SQLAlchemy error by the driver's codes, for SQLite and PostgreSQL alike."""
    if isinstance(error, PoolTimeout):
        return DatabaseFailure.BUSY  # every connection of the pool is in use
    if not isinstance(error, DBAPIError):
        return DatabaseFailure.ERROR
    if error.connection_invalidated:
        return DatabaseFailure.UNREACHABLE
    orig = error.orig
    if hasattr(orig, "sqlstate"):  # psycopg: every error carries its SQLSTATE (None off the wire)
        state = str(getattr(orig, "sqlstate", None) or "")
        if state in POSTGRES_BUSY_STATES:
            return DatabaseFailure.BUSY
        if state.startswith("08") or state in POSTGRES_UNREACHABLE_STATES:
            return DatabaseFailure.UNREACHABLE
        if not state and isinstance(error, OperationalError):
            return DatabaseFailure.UNREACHABLE  # no server answered at all
        return DatabaseFailure.ERROR
    code = getattr(orig, "sqlite_errorcode", None)
    if isinstance(code, int):
        return DatabaseFailure.BUSY if code & 0xFF in SQLITE_BUSY_CODES else DatabaseFailure.ERROR
    busy = isinstance(error, OperationalError) and "locked" in str(orig)
    return DatabaseFailure.BUSY if busy else DatabaseFailure.ERROR


class Lock(IntEnum):
    """The installation's PostgreSQL advisory locks, one place for every id ("LENTERA" + n).

    ``HOLDERS``: every change that can take a holder away from a case (a revoke,
    a reset, a deactivation) and every change of who administers, so that two
    at once cannot each count on the other's person. ``SWEEP``: one attachment
    sweep at a time per installation. ``HEAD_LOG``: one journal append at a time
    reads the head log's last link and adds the next (``services.cases.head_log``).
    ``WORKER``: one claim of a scheduled job at a time (``services.infra.worker``).
    """

    HOLDERS = 0x4C454E5445524131
    SWEEP = 0x4C454E5445524101
    HEAD_LOG = 0x4C454E5445524141
    WORKER = 0x4C454E5445524151


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
