"""Each side of the site keeps its cookies to its own URL prefix.

DESIGN.md section 1: the reporter side (``/lapor``), the respondent side
(``/klarifikasi``) and the staff side (``/staf``: sign-in, the investigator
and admin zones) each have a URL prefix, and a browser sends a cookie only to
the paths under the cookie's path. A staff member who files a report from
their work browser must therefore send nothing of their staff sign-in to
``/lapor``: not the staff session cookie, and not the Flask session cookie in
which Flask-WTF keeps the CSRF token (and Flask keeps flashed messages),
whose value is the same on every page it reaches and so ties the visits
together.

``SideSessionInterface`` gives Flask's signed-cookie session one cookie per
side, named for the side and on the side's path. Pages outside every side
(the landing page, the guide, assets, old addresses that redirect) get an
empty session that is never saved: a cookie on ``/`` would reach every side.
Cookies that older versions set on ``/`` are deleted when a browser still
sends them.
"""

from __future__ import annotations

from flask import Flask, Request, request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface, SessionMixin
from flask.wrappers import Response

from wbs_app.security.cookies import clear_session_cookie

STAFF_PATH = "/staf"
REPORTER_PATH = "/lapor"
RESPONDENT_PATH = "/klarifikasi"

# The Flask session (the CSRF token of the side's forms, flashed messages) of
# each side: path -> cookie name. Named apart from the "lentera_*" cookies,
# which open a signed-in session: this one opens nothing.
SESSION_COOKIES = {
    STAFF_PATH: "staf_form",
    REPORTER_PATH: "lapor_form",
    RESPONDENT_PATH: "klarifikasi_form",
}

# What versions before the staff side moved under /staf set on "/": the
# shared Flask session and the staff session. No cookie of this version has
# these names, so whoever still sends one sends a left-over to forget.
LEGACY_ROOT_COOKIES = ("lentera", "lentera_staff")


def side_of(path: str) -> str | None:
    """The side (its cookie path) a request path belongs to, as a browser matches cookie paths."""
    for prefix in SESSION_COOKIES:
        if path == prefix or path.startswith(prefix + "/"):
            return prefix
    return None


class OutsideEverySide(RuntimeError):
    """A page outside every side wrote to the session, which no cookie may carry."""


class SideSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, with the cookie's name and path chosen by the side."""

    def get_cookie_name(self, app: Flask) -> str:
        side = side_of(request.path)
        if side is None:
            raise OutsideEverySide(request.path)
        return SESSION_COOKIES[side]

    def get_cookie_path(self, app: Flask) -> str:
        side = side_of(request.path)
        if side is None:
            raise OutsideEverySide(request.path)
        return side

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if side_of(request.path) is None:
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        forget_legacy_cookies(app, response)
        if side_of(request.path) is None:
            if session:
                # Fail loudly: a form on such a page would need a cookie on "/".
                raise OutsideEverySide(
                    f"{request.path} wrote to the session but belongs to no side"
                )
            return
        super().save_session(app, session, response)


def forget_legacy_cookies(app: Flask, response: Response) -> None:
    """Delete a cookie an older version left on "/" (it would reach every side)."""
    for name in LEGACY_ROOT_COOKIES:
        if name in request.cookies:
            clear_session_cookie(response, name, "/")


def init_sides(app: Flask) -> None:
    app.session_interface = SideSessionInterface()
