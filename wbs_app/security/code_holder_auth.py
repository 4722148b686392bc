"""The code holders' zones: their session cookie, their guard and the end of a visit, once.

A reporter (``reporter_auth``) and a respondent (``respondent_auth``) are the
same kind of visitor over HTTP: each zone's cookie is scoped to the zone's
own URL prefix only, has no expiry date (it dies with the browser), is
HttpOnly, SameSite=Strict and Secure under TLS, and opens a session row of
the zone's kind (``services.codes.code_holders``); the code itself is never kept
anywhere. Without a live session the guard redirects to the zone's code
page, except for a post the view keeps (``security.kept``: a reply or a
statement written while the session ran out). Each zone is one frozen
``CodeHolderZone``; what differs between the two is only in it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from flask import Flask, abort, g, redirect, request, session, url_for
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from wbs_app.db import request_session
from wbs_app.security.cookies import clear_session_cookie, set_session_cookie
from wbs_app.security.kept import keeper_for_request
from wbs_app.security.zones import register_guard
from wbs_app.services.codes import code_holders
from wbs_app.services.codes.code_holders import CodeHolderKind
from wbs_app.services.infra.sessions import SessionPolicy
from wbs_app.settings import settings

C = TypeVar("C")


@dataclass(frozen=True)
class CodeHolderZone(Generic[C]):
    """One code holder's zone: its kind, cookie, code page, settings and visit."""

    name: str  # the zone (``security.zones``)
    kind: CodeHolderKind
    cookie: str
    path: str  # the zone's URL prefix: the cookie is sent there only
    login_endpoint: str
    # The visit a cookie opens (``reporter_access.resume``, ``respondent_access.resume``).
    resume: Callable[[Session, str | None, SessionPolicy], C | None]

    def policy(self) -> SessionPolicy:
        """Every code holder's session lasts as long: ``REPORTER_SESSION_*`` settings."""
        current = settings()
        return SessionPolicy(
            idle=current.reporter_session_idle, absolute=current.reporter_session_max
        )

    def visit_of(self, cookie: str | None) -> C | None:
        """The visit a cookie opens, on this request's session (the caller commits)."""
        return self.resume(request_session(), cookie, self.policy())

    def current(self) -> C | None:
        """This request's visit, looked up once per request."""
        attribute = f"visit_{self.name}"
        if attribute not in g:
            db = request_session()
            setattr(g, attribute, self.visit_of(request.cookies.get(self.cookie)))
            db.commit()
        visit: C | None = getattr(g, attribute)
        return visit

    def signed_in(self) -> C:
        visit = self.current()
        if visit is None:
            abort(403)
        return visit

    def set_cookie(self, response: Response, value: str) -> None:
        set_session_cookie(response, self.cookie, value, self.path)

    def clear_cookie(self, response: Response) -> None:
        clear_session_cookie(response, self.cookie, self.path)

    def finish(self, id_hash: bytes) -> Response:
        """End the visit: delete the session and ask the browser to forget this site's data."""
        db = request_session()
        code_holders.finish(db, self.kind, id_hash)
        db.commit()
        session.clear()
        response = redirect(url_for("public.index"))
        self.clear_cookie(response)
        response.headers["Clear-Site-Data"] = '"cache", "cookies", "storage"'
        return response

    def guard(self) -> Response | None:
        """The zone's answer to a request without a live visit; None lets the view run."""
        if self.current() is None:
            # A post that must not be lost (a reply, a statement) is kept first.
            keeper = keeper_for_request()
            response = keeper() if keeper is not None else redirect(url_for(self.login_endpoint))
            if request.cookies.get(self.cookie):
                self.clear_cookie(response)
            return response
        return None

    def register_guard(self, app: Flask) -> None:
        register_guard(app, self.name, self.guard)
