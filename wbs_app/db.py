"""The per-request database session: the glue between Flask and ``wbs_app.database``.

One ``Database`` is made by ``create_app`` and kept in ``app.extensions``;
a request opens its session on first use and closes it on teardown.
"""

from __future__ import annotations

import logging

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from wbs_app.database import Database

log = logging.getLogger("wbs_app.db")


def init_request_sessions(app: Flask, database: Database) -> None:
    """Keep one Session per request in ``g`` and close it on teardown.

    Views commit explicitly through services; whatever was not committed when
    the request ends is rolled back, so an error page never saves half a change.
    """
    app.extensions["lentera.db"] = database

    @app.teardown_appcontext
    def _close_session(_exc: BaseException | None) -> None:
        _close(g.pop("db_session", None))


def _close(session: Session | None) -> None:
    """Roll back and close; a connection already lost must not turn the answer into a crash."""
    if session is None:
        return
    try:
        session.close()  # rolls back what was not committed; loaded rows stay readable
    except SQLAlchemyError as error:
        log.warning("closing a request's session failed: %s", type(error).__name__)


def end_request_session() -> None:
    """Before an error page is drawn: roll back and close the request's session, for good.

    After a failed flush every loaded row is expired, after a lost connection
    there is nothing to query with, and behind SQLite's lock a second query
    waits out the busy timeout again and raises from the error handler itself,
    which gunicorn answers with its bare 500. So the page is drawn from what
    the request had already loaded, and ``request_session`` refuses to open
    another session for the rest of the request.
    """
    g.db_session_ended = True
    _close(g.pop("db_session", None))


def request_session_ended() -> bool:
    return bool(g.get("db_session_ended"))


def request_session() -> Session:
    """The current request's Session, opened on first use.

    Requests that may change state (POST and the like) write, so their
    transactions begin IMMEDIATE; reads stay deferred and never wait for a writer.
    Work that takes long (Argon2, a file streaming in) is done outside any
    transaction, so that the write lock is held for milliseconds.
    """
    session: Session | None = g.get("db_session")
    if session is None:
        if request_session_ended():
            raise RuntimeError("the request's session was ended for its error page")
        database: Database = current_app.extensions["lentera.db"]
        writes = has_request_context() and request.method not in ("GET", "HEAD", "OPTIONS")
        session = (database.writer_sessionmaker if writes else database.sessionmaker)()
        g.db_session = session
    return session


def app_database(app: Flask) -> Database:
    database: Database = app.extensions["lentera.db"]
    return database
