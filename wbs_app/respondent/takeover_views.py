"""The respondent's new code, shown after the first sign-in until they confirm it.

``services.respondents.respondent_takeover`` made the code at the sign-in and keeps it
sealed for this visit's cookie. The page is a GET after the sign-in's
redirect (post/redirect/get): a reload shows the same code again, and the
code leaves the database only when the respondent types it back.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from wbs_app.db import request_session
from wbs_app.respondent import bp
from wbs_app.respondent.forms import NewCodeForm
from wbs_app.security.respondent_auth import COOKIE, signed_in_respondent
from wbs_app.security.zones import RESPONDENT, zone
from wbs_app.services.respondents import respondent_takeover


def _page(code: str | None, form: NewCodeForm, error: str | None = None) -> str:
    return render_template(
        "respondent/new_code.html",
        code=code,
        form=form,
        error=error,
    )


@bp.get("/kode-baru")
@zone(RESPONDENT)
def new_code() -> Any:
    signed_in_respondent()
    code = respondent_takeover.pending_code(request_session(), request.cookies.get(COOKIE))
    return _page(code, NewCodeForm(formdata=None))


@bp.post("/kode-baru")
@zone(RESPONDENT)
def confirm_new_code() -> Any:
    signed_in_respondent()
    db = request_session()
    cookie = request.cookies.get(COOKIE)
    code = respondent_takeover.pending_code(db, cookie)
    if code is None:  # confirmed already (a second click): nothing left to do
        return redirect(url_for("respondent.home"))
    form = NewCodeForm()
    if form.validate_on_submit() and respondent_takeover.confirm_code(db, cookie, form.code.data):
        db.commit()
        flash(_("Your new code is confirmed. From now on, sign in with it."))
        return redirect(url_for("respondent.home"))
    db.rollback()
    error = _("This is not the new code shown on this page. Copy it again, digit by digit.")
    return _page(code, NewCodeForm(formdata=None), error), 400
