"""Generic, translated error pages for every failure; never a traceback.

The page says what happened in plain words and what to do next, and nothing
about the request: no path echo, no exception text, no stack.
"""

from __future__ import annotations

import logging
import sqlite3
import traceback
from typing import Any

from flask import Flask, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from wbs_app.services.argon2_gate import Argon2Busy

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
CSRF_MESSAGE = (
    _l("The form has expired"),
    _l("For your safety, forms expire. Please go back, reload the page and send it again."),
)


def render_error(status: int, title: object, message: object) -> tuple[str, int]:
    return render_template("errors/error.html", status=status, title=title, message=message), status


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(_error: CSRFError) -> tuple[str, int]:
        return render_error(400, *CSRF_MESSAGE)

    @app.errorhandler(Argon2Busy)
    def _busy(error: Argon2Busy) -> tuple[str, int, dict[str, str]]:
        # The bound on concurrent Argon2 work (services.argon2_gate) is full:
        # an immediate, cheap answer instead of one more thread waiting.
        body, status = render_error(503, *BUSY_MESSAGE)
        return body, status, {"Retry-After": str(error.retry_after)}

    @app.errorhandler(OperationalError)
    def _database_busy(error: OperationalError) -> Any:
        # SQLite's one writer: a request that read first and writes later
        # (a GET that marks a case read) can find the snapshot stale when
        # another request committed in between. Its transaction is rolled
        # back on teardown, so nothing half-done stays: answer "busy, come
        # back" rather than a 500. Any other database failure is a real error.
        if not (isinstance(error.orig, sqlite3.OperationalError) and "locked" in str(error.orig)):
            return _unexpected(error)
        log.warning("database busy: the request was refused with 503")
        body, status = render_error(503, *BUSY_MESSAGE)
        return body, status, {"Retry-After": "1"}

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> HTTPException | Response:
        status = error.code or 500
        if status < 400:
            return error  # redirects raised as exceptions pass through
        title, message = MESSAGES.get(status, MESSAGES[500 if status >= 500 else 400])
        response = error.get_response()
        body, _ = render_error(status, title, message)
        response.set_data(body)
        response.mimetype = "text/html"
        return response

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> tuple[str, int]:
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
