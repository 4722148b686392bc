"""Database failures provoked for real on a test app's engine, and what ran after them.

``write_lock_held`` is another connection holding SQLite's write lock (BEGIN
IMMEDIATE) for as long as the block lasts. ``refused`` is an event hook on the
app's engine: the first statement that matches raises the driver's own
exception class, so SQLAlchemy wraps it exactly as it wraps one the database
raised. ``backend_terminated`` ends the PostgreSQL backend of the connection
that is about to run a matching statement, so the statement meets a real lost
connection. ``Watch`` records every statement that runs after the first
database error: an error page must leave it empty.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from sqlalchemy import event, text
from sqlalchemy.engine import Engine

from wbs_app.database import make_engine
from wbs_app.db import app_database

WRITES = ("INSERT", "UPDATE", "DELETE")


def engine_of(app: Flask) -> Engine:
    return app_database(app).engine


def is_sqlite(app: Flask) -> bool:
    return engine_of(app).dialect.name == "sqlite"


def first_write(statement: str) -> bool:
    return statement.lstrip().upper().startswith(WRITES)


def integrity_error(app: Flask) -> Exception:
    """What the driver raises for a constraint violated at a flush."""
    if is_sqlite(app):
        return sqlite3.IntegrityError("UNIQUE constraint failed: refused by the test")
    import psycopg.errors

    return psycopg.errors.UniqueViolation("duplicate key value violates unique constraint")


@contextmanager
def write_lock_held(app: Flask) -> Iterator[None]:
    """Another writer holds SQLite's lock (longer than the app's busy timeout)."""
    holder = sqlite3.connect(engine_of(app).url.database or "", isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


@dataclass
class Watch:
    """Database errors seen on the engine, and the statements run after the first one."""

    errors: list[str] = field(default_factory=list)
    after_error: list[str] = field(default_factory=list)


@contextmanager
def watched(app: Flask) -> Iterator[Watch]:
    engine = engine_of(app)
    watch = Watch()

    def on_error(context: Any) -> None:
        watch.errors.append(type(context.original_exception).__name__)

    def on_statement(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        # Rolling back (a savepoint a service opened around the failed insert) is
        # what must follow an error; any other statement is a query too many.
        if watch.errors and not statement.lstrip().upper().startswith("ROLLBACK"):
            watch.after_error.append(statement)

    event.listen(engine, "handle_error", on_error)
    event.listen(engine, "before_cursor_execute", on_statement)
    try:
        yield watch
    finally:
        event.remove(engine, "before_cursor_execute", on_statement)
        event.remove(engine, "handle_error", on_error)


@contextmanager
def refused(
    app: Flask, error: Callable[[], Exception], when: Callable[[str], bool] = first_write
) -> Iterator[list[str]]:
    """The first statement ``when`` accepts raises ``error()``; yields the refused statements."""
    engine = engine_of(app)
    hits: list[str] = []

    def refuse(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not hits and when(statement):
            hits.append(statement)
            raise error()

    event.listen(engine, "before_cursor_execute", refuse)
    try:
        yield hits
    finally:
        event.remove(engine, "before_cursor_execute", refuse)


@contextmanager
def backend_terminated(
    app: Flask, when: Callable[[str], bool] = first_write
) -> Iterator[list[str]]:
    """PostgreSQL: the connection about to run the first matching statement is cut off for real."""
    engine = engine_of(app)
    killer = make_engine(engine.url.render_as_string(hide_password=False))
    hits: list[str] = []

    def terminate(_conn: Any, cursor: Any, statement: str, *_args: Any) -> None:
        if not hits and when(statement):
            hits.append(statement)
            pid = cursor.connection.info.backend_pid
            with killer.begin() as connection:
                connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})

    event.listen(engine, "before_cursor_execute", terminate)
    try:
        yield hits
    finally:
        event.remove(engine, "before_cursor_execute", terminate)
        killer.dispose()


@contextmanager
def inserts_refused(app: Flask, table: str) -> Iterator[None]:
    """A trigger in the database itself refuses every INSERT into ``table``, for every process."""
    engine = engine_of(app)
    if is_sqlite(app):
        create = [
            f"CREATE TRIGGER test_refuse BEFORE INSERT ON {table} "
            "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
        ]
        drop = ["DROP TRIGGER test_refuse"]
    else:
        create = [
            "CREATE FUNCTION test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "RAISE EXCEPTION 'refused by the test' USING ERRCODE = 'check_violation'; END $$",
            f"CREATE TRIGGER test_refuse BEFORE INSERT ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION test_refuse()",
        ]
        drop = [f"DROP TRIGGER test_refuse ON {table}", "DROP FUNCTION test_refuse()"]
    with engine.begin() as connection:
        for statement in create:
            connection.exec_driver_sql(statement)
    try:
        yield
    finally:
        with engine.begin() as connection:
            for statement in drop:
                connection.exec_driver_sql(statement)
