"""After purges: make deleted rows gone from the database's files, not only from its tables.

A delete removes a row from the table, not its bytes from disk. On SQLite
``secure_delete`` zeroes the freed space of the main file, but the WAL keeps
every page as it was written (a deleted draft's row, a session's times)
until a checkpoint has copied it back and the log is truncated; PostgreSQL
keeps a deleted row as a dead tuple in its page until a vacuum prunes it.
``compact`` is the step to run after each purge (``wbs sweep`` does, and the
worker's registry can name it as a job): on SQLite a ``wal_checkpoint
(TRUNCATE)``, which empties the WAL file to zero bytes once no reader still
needs its frames (retried briefly, since a reader of the running server may
hold a snapshot); on PostgreSQL a ``VACUUM`` of the tables reporters' and
respondents' visits write and purges empty (``HOT_TABLES``).

What remains is stated in docs/threat-model.md ("Metadata at rest"):
PostgreSQL's own write-ahead log segments and free space are the server's,
and a file system may keep old blocks.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.orm import Session

# Tables whose rows come and go with visits and expire: purged, then vacuumed.
HOT_TABLES = (
    "reporter_sessions",
    "respondent_sessions",
    "staff_sessions",
    "submission_drafts",
    "held_messages",
    "pending_files",
    "receipt_handovers",
    "sent_drafts",
    "login_throttles",
)
CHECKPOINT_TRIES = 20
CHECKPOINT_PAUSE = 0.05


@dataclass(frozen=True)
class Compaction:
    """What ``compact`` did: ``complete`` is False when a reader kept the WAL from emptying."""

    engine: str
    complete: bool

    def summary(self) -> str:
        if self.engine == "sqlite":
            return "WAL checkpointed and truncated" if self.complete else "WAL busy: not emptied"
        return f"vacuumed {len(HOT_TABLES)} tables"


def compact(engine: Engine) -> Compaction:
    """Checkpoint and truncate SQLite's WAL, or vacuum PostgreSQL's hot tables.

    Runs outside any transaction on a connection of its own (``VACUUM``
    cannot run inside one, and a checkpoint cannot pass a snapshot its own
    caller holds): call it after the purge has committed.
    """
    if engine.dialect.name == "sqlite":
        return Compaction("sqlite", _checkpoint_sqlite(engine))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        present = set(inspect(connection).get_table_names())
        for table in HOT_TABLES:
            if table in present:
                connection.execute(text(f'VACUUM "{table}"'))
    return Compaction(engine.dialect.name, True)


def compact_job(session: Session) -> Compaction:
    """``compact`` as a job of the worker's registry: commits ``session`` first, then compacts."""
    session.commit()
    bind = session.get_bind()
    return compact(bind if isinstance(bind, Engine) else bind.engine)


def _checkpoint_sqlite(engine: Engine) -> bool:
    connection: Connection
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        for _attempt in range(CHECKPOINT_TRIES):
            busy, _log_frames, _copied = connection.execute(
                text("PRAGMA wal_checkpoint(TRUNCATE)")
            ).one()
            if not busy:
                return True
            time.sleep(CHECKPOINT_PAUSE)
    return False
