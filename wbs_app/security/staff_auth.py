"""The staff session cookie and the guards of the admin, investigator and staff zones.

The cookie is a browser-session cookie (no expiry date), HttpOnly,
SameSite=Strict and Secure under TLS, on the staff side's path (``/staf``)
only, so a staff member's browser never sends it to the reporter's or the
respondent's pages (``security.sides``). The device cookie
(``set_device_cookie``) lives on the sign-in page's path only. It opens a row in ``staff_sessions``;
``g.staff`` holds the result for the request. A role that does not match the
zone gets 403, not a redirect, so nobody is bounced around between zones.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, abort, g, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from wbs_app.appctx import staff_session_policy
from wbs_app.db import request_session
from wbs_app.models import StaffRole
from wbs_app.notices import warned
from wbs_app.security.cookies import clear_session_cookie, set_session_cookie
from wbs_app.security.sides import STAFF_PATH
from wbs_app.security.zones import ADMIN, INVESTIGATOR, STAFF, register_guard
from wbs_app.services.staff import login_guard, staff_sessions
from wbs_app.services.staff.staff_sessions import StaffContext
from wbs_app.settings import settings

# Not "lentera_staff": that name was set on "/" before, and is forgotten as a left-over.
COOKIE = "lentera_staf"
COOKIE_PATH = STAFF_PATH
DEVICE_COOKIE = "lentera_staf_perangkat"
HANDLER_ROLES = (StaffRole.INVESTIGATOR, StaffRole.SUPERVISOR)
SESSION_ENDED = _l(
    "Your session has ended: it timed out, you signed out, or an administrator reset your"
    " password. If your password was reset, use the activation link you were given; your old"
    " password no longer works."
)


def current_staff() -> StaffContext | None:
    """The logged-in staff member of this request, resumed once and cached in ``g``."""
    if "staff" not in g:
        db = request_session()
        g.staff = staff_sessions.resume(db, request.cookies.get(COOKIE), staff_session_policy())
        db.commit()  # idle-clock touch, or deletion of an expired row
    context: StaffContext | None = g.staff
    return context


def loaded_staff() -> StaffContext | None:
    """The staff member this request has already resumed, if any; never a query."""
    context: StaffContext | None = g.get("staff")
    return context


def signed_in() -> StaffContext:
    """The staff member of a guarded view (the guard already checked there is one)."""
    context = current_staff()
    if context is None:
        abort(403)
    return context


def set_cookie(response: Response, value: str) -> None:
    set_session_cookie(response, COOKIE, value, COOKIE_PATH)


def device_cookie() -> str | None:
    """The browser's staff device cookie (``services.staff.login_guard``), if it sent one."""
    return request.cookies.get(DEVICE_COOKIE)


def set_device_cookie(response: Response, value: str) -> None:
    """Kept across browser restarts, on the sign-in page's path only.

    Unlike the session cookies it has an expiry: it is what lets the owner's
    own browser sign in while someone else spends the account's budget of
    wrong passwords. It names no account and opens nothing by itself.
    """
    response.set_cookie(
        DEVICE_COOKIE,
        value,
        max_age=int(timedelta(days=login_guard.DEVICE_DAYS).total_seconds()),
        httponly=True,
        secure=settings().tls,
        samesite="Strict",
        path=url_for("staff.login"),
    )


def clear_cookie(response: Response) -> None:
    clear_session_cookie(response, COOKIE, COOKIE_PATH)


def _require(roles: tuple[StaffRole, ...] | None) -> Response | None:
    context = current_staff()
    if context is None:
        response = redirect(url_for("staff.login"))
        if request.cookies.get(COOKIE):
            # Only the browser that held a session is told, so a stranger learns
            # nothing about any account; a reset ends sessions silently otherwise.
            warned(str(SESSION_ENDED))
            clear_cookie(response)
        return response
    if roles is not None and context.staff.role not in roles:
        abort(403)
    return None


def register_staff_guards(app: Flask) -> None:
    register_guard(app, ADMIN, lambda: _require((StaffRole.ADMIN,)))
    register_guard(app, INVESTIGATOR, lambda: _require(HANDLER_ROLES))
    register_guard(app, STAFF, lambda: _require(None))
