"""Generic, translated error pages for every failure; never a traceback.

The page says what happened in plain words and what to do next, and nothing
about the request: no path echo, no exception text, no stack. It is drawn
without the database: every handler ends the request's session first.
"""

from __future__ import annotations

import logging
import traceback
from typing import Any

from flask import Flask, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from wbs_app.db import end_request_session
from wbs_app.services.cases.disk_caps import DraftsFull
from wbs_app.services.infra.argon2_gate import Argon2Busy
from wbs_app.services.infra.transactions import DatabaseFailure, database_failure

log = logging.getLogger("wbs_app.errors")

MESSAGES = {
    400: (
        _l("The request could not be understood"),
        _l("Please go back, check what you entered and try again."),
    ),
    403: (_l("Access denied"), _l("You do not have access to this page.")),
    404: (_l("Page not found"), _l("The page you asked for does not exist.")),
    405: (_l("Method not allowed"), _l("This page cannot be used in that way.")),
    413: (
        _l("The upload is too large"),
        _l("The files you sent are larger than allowed. Send smaller files or fewer at once."),
    ),
    415: (
        _l("This page takes no files"),
        _l("Please go back and send the form without attaching anything."),
    ),
    429: (
        _l("Too many attempts"),
        _l("Please wait a few minutes before trying again."),
    ),
    500: (
        _l("Something went wrong"),
        _l("An unexpected error occurred. Nothing you sent was stored. Please try again later."),
    ),
}
BUSY_MESSAGE = (
    _l("The service is busy"),
    _l(
        "Many people are signing in or sending reports at this moment. "
        "Please wait a few seconds, go back and try again."
    ),
)
# The unsent drafts hold their disk budget (services.cases.disk_caps): uploads
# wait, sent reports do not.
DRAFTS_FULL_MESSAGE = (
    _l("Files cannot be received right now"),
    _l(
        "Too many unsent reports are holding files at this moment. Your report was not "
        "saved. Please try again in an hour, or send it now without attachments; if you "
        "already have a receipt code, you can still add files to your sent report."
    ),
)
CSRF_MESSAGE = (
    _l("The form has expired"),
    _l("For your safety, forms expire. Please go back, reload the page and send it again."),
)
UNREACHABLE_MESSAGE = (
    _l("The service is briefly unavailable"),
    _l(
        "Part of the service cannot be reached at the moment. Please wait a minute, then try again."
    ),
)
# Seconds a client is asked to wait: a lock is gone in a moment, a database
# being restarted takes longer.
RETRY_AFTER = {DatabaseFailure.BUSY: "1", DatabaseFailure.UNREACHABLE: "10"}
# What is sent if even the error template cannot be drawn.
PLAIN_PAGE = (
    '<!doctype html><html><head><meta charset="utf-8"><title>{title}</title></head>'
    "<body><h1>{title}</h1><p>{message}</p></body></html>"
)


def render_error(status: int, title: object, message: object) -> tuple[str, int]:
    """The error page; if drawing it fails too, a plain page, never an exception.

    An exception raised here would leave the app, and gunicorn would answer
    with its own bare 500, without the security headers.
    """
    try:
        page = render_template("errors/error.html", status=status, title=title, message=message)
    except Exception as error:  # the last place where an exception can still be stopped
        log.error("error page failed: %s", describe_without_message(error))
        page = PLAIN_PAGE.format(title=escape(str(title)), message=escape(str(message)))
    return page, status


def register_error_handlers(app: Flask) -> None:
    """Every handler first ends the request's database session (``db.end_request_session``).

    Whatever the request did not commit is rolled back before a page is drawn,
    and nothing on the page may query again: after a database error the
    database is the one thing the page cannot count on.
    """

    @app.errorhandler(CSRFError)
    def _csrf(_error: CSRFError) -> tuple[str, int]:
        end_request_session()
        return render_error(400, *CSRF_MESSAGE)

    @app.errorhandler(Argon2Busy)
    def _busy(error: Argon2Busy) -> tuple[str, int, dict[str, str]]:
        # The bound on concurrent Argon2 work (services.infra.argon2_gate) is full:
        # an immediate, cheap answer instead of one more thread waiting.
        end_request_session()
        body, status = render_error(503, *BUSY_MESSAGE)
        return body, status, {"Retry-After": str(error.retry_after)}

    @app.errorhandler(DraftsFull)
    def _drafts_full(_error: DraftsFull) -> tuple[str, int, dict[str, str]]:
        end_request_session()
        body, status = render_error(503, *DRAFTS_FULL_MESSAGE)
        return body, status, {"Retry-After": "3600"}

    @app.errorhandler(SQLAlchemyError)
    def _database(error: SQLAlchemyError) -> Any:
        # A lock held past the busy timeout (SQLite), a serialization failure
        # or deadlock (PostgreSQL), a pool with no connection free: the same
        # request succeeds in a moment, so "busy, come back". A lost
        # connection: come back a little later. Anything else is a real error.
        end_request_session()
        failure = database_failure(error)
        if failure is DatabaseFailure.ERROR:
            return _unexpected(error)
        log.warning("database %s: the request was refused with 503", failure.value)
        message = BUSY_MESSAGE if failure is DatabaseFailure.BUSY else UNREACHABLE_MESSAGE
        body, status = render_error(503, *message)
        return body, status, {"Retry-After": RETRY_AFTER[failure]}

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> HTTPException | Response:
        status = error.code or 500
        if status < 400:
            return error  # redirects raised as exceptions pass through
        if isinstance(error.response, Response):
            return error.response  # a page drawn for this refusal (``abort(response)``)
        end_request_session()
        title, message = MESSAGES.get(status, MESSAGES[500 if status >= 500 else 400])
        response = error.get_response()
        body, _ = render_error(status, title, message)
        response.set_data(body)
        response.mimetype = "text/html"
        return response

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> tuple[str, int]:
        end_request_session()
        log.error("unhandled %s", describe_without_message(error))
        return render_error(500, *MESSAGES[500])


def describe_without_message(error: BaseException) -> str:
    """The exception's type and where it was raised, without its message.

    Exception messages can quote user input (a report's text in a ValueError,
    say), so logs get the type and the frames, enough to find the bug.
    """
    frames = traceback.extract_tb(error.__traceback__)
    where = " <- ".join(
        f"{frame.filename}:{frame.lineno} {frame.name}" for frame in reversed(frames[-6:])
    )
    return f"{type(error).__module__}.{type(error).__qualname__} at {where}"
