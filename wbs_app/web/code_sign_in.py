"""The "enter your code" page of every code holder: its form and its sign-in, once.

A reporter types the receipt on ``/lapor/masuk``, a respondent the invitation
code on ``/klarifikasi/masuk``; the two pages do the same things in the same
order, so they are written here once and each zone describes its page
(``CodeSignInPage``): the guessing brake first (429 before any work, for
the browser whose own codes failed: ``services.codes.guessing``), one
Argon2id run through the zone's service, a typo told apart from a refused
code, a kept message or statement (``services.codes.held``) sent once the code
opens the visit it was written in, a new CSRF token, the zone's cookie. The
code goes in a POST body only, never in a URL.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from flask import flash, redirect, render_template, session, url_for
from flask_babel.speaklater import LazyString
from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired, Length, Optional

from wbs_app.appctx import argon2_gate, argon2_params
from wbs_app.db import request_session
from wbs_app.form_base import Form
from wbs_app.notices import DONE
from wbs_app.refusals import refusal_message
from wbs_app.security.brake import brake_response, busy_response
from wbs_app.security.code_holder_auth import CodeHolderZone
from wbs_app.services.codes.code_holders import CodeLogin, CodeMistyped, CodeRefused
from wbs_app.services.codes.guessing import GuessCount
from wbs_app.services.infra.argon2_gate import CODES, Argon2Busy
from wbs_app.services.infra.clock import utcnow
from wbs_app.services.infra.errors import DomainError
from wbs_app.settings import settings


def code_field(label: LazyString, wrong_length: LazyString, **kwargs: Any) -> StringField:
    """A field for a 20-digit code: required, and never longer than a code with spaces could be."""
    return StringField(
        label, validators=[DataRequired(), Length(max=64, message=wrong_length)], **kwargs
    )


class CodeEntryForm(Form):
    """The code page's form: the code (in the field ``code_name``) and a kept post's key."""

    code_name: ClassVar[str]
    # A post kept after the session ended (services.codes.held): sent once the code opens it.
    held = HiddenField(validators=[Optional(), Length(max=200)])

    def typed_code(self) -> str:
        return str(self[self.code_name].data)


# What to tell the visitor once the kept post was sent (text, notice kind), or
# None when the code opened another visit than the one it was written in.
SendKept = Callable[[str, str], tuple[str, str] | None]


@dataclass(frozen=True)
class CodeSignInPage:
    """What one zone's code page says and where it leads; the rest is ``sign_in``."""

    zone: CodeHolderZone[Any]
    template: str
    home_endpoint: str
    login: CodeLogin
    elsewhere: LazyString  # a kept post, and a code of another visit than its own
    # A zone's own refusals (403) and what each says: the respondent's replaced code.
    refusals: tuple[type[DomainError], ...] = ()
    refusal_message: Callable[[DomainError], str] = refusal_message


def sign_in(page: CodeSignInPage, form: CodeEntryForm, send_kept: SendKept) -> Any:
    """The code page's answer to a GET or a POST."""
    error: str | LazyString | None = None
    status = 200
    if form.validate_on_submit():
        db = request_session()
        guesses = _guesses(page)
        wait = guesses.wait_seconds(utcnow().timestamp())
        if wait:
            return brake_response(page.template, form, wait)
        salt = settings().installation_salt
        try:
            cookie = page.login(
                db,
                form.typed_code(),
                salt,
                argon2_params(),
                page.zone.policy(),
                gate=argon2_gate(CODES),
            )
        except Argon2Busy as busy:
            if not form.held.data:
                raise  # the app's busy page
            return busy_response(page.template, form, busy.retry_after)
        except CodeMistyped as mistyped:
            error, status = refusal_message(mistyped), 400
        except CodeRefused as refused:
            db.commit()
            counted = guesses.failed(utcnow().timestamp(), settings().code_free_failures)
            session[_guesses_key(page)] = counted.to_cookie()  # this browser's count only
            error, status = refusal_message(refused), 404
        except page.refusals as refusal:
            db.rollback()
            error, status = page.refusal_message(refusal), 403
        else:
            db.commit()
            sent = send_kept(cookie, form.held.data) if form.held.data else ("", DONE)
            if sent is None:
                return render_template(page.template, form=form, error=page.elsewhere), 409
            session.clear()  # a new CSRF token: none known before the sign-in works after it
            response = redirect(url_for(page.home_endpoint))
            page.zone.set_cookie(response, cookie)
            if sent[0]:
                flash(*sent)
            return response
    elif form.is_submitted():
        status = 400
    return render_template(page.template, form=form, error=error), status


def _guesses_key(page: CodeSignInPage) -> str:
    return f"guesses_{page.zone.kind.scope}"


def _guesses(page: CodeSignInPage) -> GuessCount:
    """This browser's failed codes, from the side's signed session cookie."""
    return GuessCount.from_cookie(session.get(_guesses_key(page)))
