"""The respondent's session cookie (on /klarifikasi only) and the respondent zone's guard."""

from __future__ import annotations

from flask import Flask, abort, g, redirect, request, url_for
from werkzeug.wrappers import Response

from wbs_app.db import request_session
from wbs_app.security.cookies import clear_session_cookie, set_session_cookie
from wbs_app.security.kept import keeper_for_request
from wbs_app.security.reporter_auth import policy
from wbs_app.security.zones import RESPONDENT, register_guard
from wbs_app.services import respondent_access
from wbs_app.services.respondent_access import RespondentContext

COOKIE = "lentera_respondent"
COOKIE_PATH = "/klarifikasi"


def current_respondent() -> RespondentContext | None:
    if "respondent" not in g:
        db = request_session()
        g.respondent = respondent_access.resume(db, request.cookies.get(COOKIE), policy())
        db.commit()
    context: RespondentContext | None = g.respondent
    return context


def signed_in_respondent() -> RespondentContext:
    context = current_respondent()
    if context is None:
        abort(403)
    return context


def set_cookie(response: Response, value: str) -> None:
    set_session_cookie(response, COOKIE, value, COOKIE_PATH)


def clear_cookie(response: Response) -> None:
    clear_session_cookie(response, COOKIE, COOKIE_PATH)


def _guard() -> Response | None:
    if current_respondent() is None:
        # A post that must not be lost (a reply, a statement) is kept first.
        keeper = keeper_for_request()
        response = keeper() if keeper is not None else redirect(url_for("respondent.login"))
        if request.cookies.get(COOKIE):
            clear_cookie(response)
        return response
    return None


def register_respondent_guard(app: Flask) -> None:
    register_guard(app, RESPONDENT, _guard)
