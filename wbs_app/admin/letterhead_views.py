"""The administrator's letterhead page: parse, call ``services.office.letterhead``, render."""

from __future__ import annotations

from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from wbs_app.admin import bp
from wbs_app.admin.forms import LetterheadForm
from wbs_app.db import request_session
from wbs_app.refusals import refusal_message
from wbs_app.security.staff_auth import signed_in
from wbs_app.security.zones import ADMIN, zone
from wbs_app.services.office import letterhead
from wbs_app.services.office.letterhead import LetterheadError, LetterheadFields

FIELDS = tuple(field.name for field in fields(LetterheadFields))


def instance_dir() -> Path:
    return Path(current_app.instance_path)


@bp.route("/kop-surat", methods=["GET", "POST"])
@zone(ADMIN)
def letterhead_settings() -> Any:
    db = request_session()
    saved = letterhead.current(db)
    form = LetterheadForm(data=asdict(saved) if request.method == "GET" else None)
    status = 200
    if form.validate_on_submit():
        values = LetterheadFields(**{name: getattr(form, name).data or "" for name in FIELDS})
        try:
            letterhead.save(db, signed_in().staff, values, instance_dir())
        except LetterheadError as error:
            db.rollback()
            getattr(form, error.field).errors = [refusal_message(error)]
            status = 400
        else:
            db.commit()
            flash(_("Letterhead saved."))
            return redirect(url_for("admin.letterhead_settings"))
    elif request.method == "POST":
        status = 400
    return render_template(
        "admin/letterhead.html", form=form, saved=saved, has_logo=_has_logo(saved)
    ), status


def _has_logo(saved: LetterheadFields) -> bool:
    if not saved.logo_path:
        return False
    try:
        letterhead.logo_file(instance_dir(), saved.logo_path)
    except LetterheadError:
        return False
    return True
