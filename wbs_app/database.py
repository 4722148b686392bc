"""The database without the web: Base, engines with their pragmas, the ``Database`` object.

Models, services, migrations and command-line tools use this module; it
imports no Flask. ``wbs_app.db`` binds a ``Database`` to requests. One
``Database`` per app (made by ``create_app``, kept in ``app.extensions``);
nothing here is a module-level singleton, so tests and tools can build as
many independent databases as they like.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import MetaData, create_engine, event, make_url
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

# A connection execution option: on SQLite the transaction starts with BEGIN
# IMMEDIATE, taking the write lock, waiting up to busy_timeout
# (``services.infra.transactions`` asks for it before a write).
BEGIN_IMMEDIATE = "lentera_begin_immediate"

# Stable constraint names, so that Alembic migrations are the same on SQLite
# and PostgreSQL and can be altered later.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def sqlite_url(instance_path: Path) -> str:
    return f"sqlite:///{instance_path / 'wbs.sqlite3'}"


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    """Durability and hygiene pragmas of DESIGN.md section 3, on every connection.

    pysqlite's own transaction handling is switched off and BEGIN is emitted
    by SQLAlchemy, so that SAVEPOINTs and the transaction boundaries are the
    ones the code asks for. A unit of work that writes begins IMMEDIATE
    (execution option ``BEGIN_IMMEDIATE``): SQLite has one writer, and a deferred
    transaction that read first and writes later fails at once with
    SQLITE_BUSY when another writer committed meanwhile, where an immediate
    one waits its turn under the busy timeout.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA secure_delete = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        immediate = connection.get_execution_options().get(BEGIN_IMMEDIATE)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _private_sqlite_files(url: str) -> None:
    """Create the database file 0600 before SQLite does, and narrow an existing one.

    SQLite gives the -wal and -shm files the database file's mode, and
    creates the file itself under the process umask (0644 as a rule): any
    local user could read every sealed row and every workflow fact.
    """
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    for part in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if part.exists() and part.stat().st_mode & 0o077:
            os.chmod(part, 0o600)


def make_engine(url: str, *, busy_timeout_ms: int = 10_000) -> Engine:
    if url.startswith("sqlite"):
        _private_sqlite_files(url)
        engine = create_engine(url, connect_args={"check_same_thread": False})
        _configure_sqlite(engine, busy_timeout_ms)
        return engine
    return create_engine(url, pool_pre_ping=True)


class Database:
    """The engine and its session factory for one application."""

    def __init__(
        self, url: str, *, busy_timeout_ms: int = 10_000, info: Mapping[str, Any] | None = None
    ) -> None:
        """``info`` goes into every session's ``Session.info``: what services need from the
        installation beside the database, without knowing Flask (the head log's signing key,
        ``services.cases.head_log``)."""
        self.url = url
        self.engine = make_engine(url, busy_timeout_ms=busy_timeout_ms)
        self.info = dict(info or {})
        self.sessionmaker = sessionmaker(self.engine, expire_on_commit=False, info=self.info)
        # Requests that will write: IMMEDIATE on SQLite, the same on PostgreSQL.
        self.writer_sessionmaker = sessionmaker(
            self.engine.execution_options(**{BEGIN_IMMEDIATE: True}),
            expire_on_commit=False,
            info=self.info,
        )
        # The statistics' running counts change with the cases they count, in
        # the same transaction. Imported here: the models take ``Base`` from this module.
        from wbs_app.services.stats import tallies

        tallies.keep_counted(self.sessionmaker)
        tallies.keep_counted(self.writer_sessionmaker)

    @contextmanager
    def session(self, immediate: bool = False) -> Iterator[Session]:
        """A unit of work outside a request (CLI, tests): commit or roll back.

        Deferred, so that such units may nest (a test reading while it writes);
        ``immediate`` begins like a writing request (for a command that may
        run beside the server, reading and then writing: ``wbs sweep``).
        """
        session = (self.writer_sessionmaker if immediate else self.sessionmaker)()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()
