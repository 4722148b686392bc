"""The reporter's session cookie and the reporter zone's guard.

The cookie is scoped to ``/lapor``, has no expiry date (it dies with the
browser), is HttpOnly, SameSite=Strict and Secure under TLS. It opens a
``reporter_sessions`` row; the receipt itself is never kept anywhere. Without
a live session the guard redirects to the code page, except for a post the
view keeps (``security.kept``: a reply written while the session ran out).
"""

from __future__ import annotations

from flask import Flask, abort, g, redirect, request, url_for
from werkzeug.wrappers import Response

from wbs_app.db import request_session
from wbs_app.security.cookies import clear_session_cookie, set_session_cookie
from wbs_app.security.kept import keeper_for_request
from wbs_app.security.zones import REPORTER, register_guard
from wbs_app.services import reporter_access
from wbs_app.services.reporter_access import ReporterContext, ReporterPolicy
from wbs_app.settings import settings

COOKIE = "lentera_reporter"
COOKIE_PATH = "/lapor"


def policy() -> ReporterPolicy:
    current = settings()
    return ReporterPolicy(idle=current.reporter_session_idle, absolute=current.reporter_session_max)


def current_reporter() -> ReporterContext | None:
    if "reporter" not in g:
        db = request_session()
        g.reporter = reporter_access.resume(db, request.cookies.get(COOKIE), policy())
        db.commit()
    context: ReporterContext | None = g.reporter
    return context


def signed_in_reporter() -> ReporterContext:
    context = current_reporter()
    if context is None:
        abort(403)
    return context


def set_cookie(response: Response, value: str) -> None:
    set_session_cookie(response, COOKIE, value, COOKIE_PATH)


def clear_cookie(response: Response) -> None:
    clear_session_cookie(response, COOKIE, COOKIE_PATH)


def _guard() -> Response | None:
    if current_reporter() is None:
        # A post that must not be lost (a reply, a statement) is kept first.
        keeper = keeper_for_request()
        response = keeper() if keeper is not None else redirect(url_for("reporter.login"))
        if request.cookies.get(COOKIE):
            clear_cookie(response)
        return response
    return None


def register_reporter_guard(app: Flask) -> None:
    register_guard(app, REPORTER, _guard)
