"""The administrator's deadlines and collective leave pages: parse, call the service, render.

``services.office.deadlines`` keeps each deadline's days and way of counting
them, ``services.office.working_days`` the office's leave days; a due date
already promised never moves with either.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from wbs_app.admin import bp
from wbs_app.admin.forms import DeadlinesForm, LeaveDayForm, NationalLeaveForm
from wbs_app.appctx import current_deadlines
from wbs_app.db import request_session
from wbs_app.i18n import current_language
from wbs_app.notices import refused
from wbs_app.refusals import refusal_message
from wbs_app.security.staff_auth import signed_in
from wbs_app.security.zones import ADMIN, zone
from wbs_app.services.infra.clock import today
from wbs_app.services.infra.errors import DomainError
from wbs_app.services.office import deadlines, working_days
from wbs_app.services.office.deadlines import PRESETS, DeadlineKind
from wbs_app.staff.forms import EmptyForm


def _form_data(days: dict[DeadlineKind, int], working: set[DeadlineKind]) -> dict[str, Any]:
    data: dict[str, Any] = {kind.value: days[kind] for kind in DeadlineKind}
    data |= {f"{kind.value}_working": kind in working for kind in DeadlineKind}
    return data


@bp.route("/pengaturan", methods=["GET", "POST"])
@zone(ADMIN)
def settings() -> Any:
    """The deadlines; ``?preset=`` fills the form with a rule's values, saved only when posted."""
    db = request_session()
    current = current_deadlines()
    preset = PRESETS.get(request.args.get("preset", ""))
    if request.method == "GET":
        if preset is not None:
            days, working = deadlines.with_preset(current, preset)
        else:
            days = {kind: current.days(kind) for kind in DeadlineKind}
            working = set(current.working)
        form = DeadlinesForm(data=_form_data(days, working))
    elif (form := DeadlinesForm()).validate_on_submit():
        try:
            deadlines.set_deadlines(
                db,
                signed_in().staff,
                {kind: getattr(form, kind.value).data for kind in DeadlineKind},
                frozenset(
                    kind for kind in DeadlineKind if getattr(form, f"{kind.value}_working").data
                ),
            )
        except DomainError as error:
            db.rollback()
            refused(refusal_message(error))
        else:
            db.commit()
            flash(_("Deadlines saved."))
            return redirect(url_for("admin.settings"))
    status = 400 if request.method == "POST" else 200
    return render_template("admin/settings.html", form=form, presets=PRESETS, preset=preset), status


def _language() -> str:
    """The ``holidays`` package's name of the page's language."""
    return "en_US" if current_language() == "en" else "id"


@bp.get("/cuti-bersama")
@zone(ADMIN)
def leave_days() -> Any:
    return _leave_page(LeaveDayForm(), 200)


def _leave_page(form: LeaveDayForm, status: int) -> Any:
    db = request_session()
    entered = working_days.leave_days(db)
    known = {row.day for row in entered}
    year = today().year
    language = _language()
    national = [
        (
            y,
            sorted(working_days.national_collective_leave(y, language).items()),
        )
        for y in (year, year + 1)
    ]
    return render_template(
        "admin/leave_days.html",
        form=form,
        entered=entered,
        known=known,
        national=national,
        holidays=sorted(working_days.national_holidays(year, language).items()),
        year=year,
        action=EmptyForm(formdata=None),
    ), status


@bp.post("/cuti-bersama")
@zone(ADMIN)
def add_leave_day() -> Any:
    db = request_session()
    form = LeaveDayForm()
    if not form.validate_on_submit() or form.day.data is None:
        return _leave_page(form, 400)
    try:
        working_days.add_leave_days(db, signed_in().staff, [(form.day.data, form.name.data or "")])
    except DomainError as error:
        db.rollback()
        form.name.errors = [refusal_message(error)]
        return _leave_page(form, 400)
    db.commit()
    flash(_("Collective leave day saved."))
    return redirect(url_for("admin.leave_days"))


@bp.post("/cuti-bersama/nasional")
@zone(ADMIN)
def add_national_leave() -> Any:
    """Enter a year's national cuti bersama at once (the days already entered are kept)."""
    db = request_session()
    form = NationalLeaveForm()
    if not form.validate_on_submit() or form.year.data is None:
        abort(400)
    found = working_days.national_collective_leave(form.year.data, "id")
    added = working_days.add_leave_days(db, signed_in().staff, sorted(found.items()))
    db.commit()
    flash(
        ngettext(
            "%(num)d collective leave day saved.",
            "%(num)d collective leave days saved.",
            len(added),
        )
    )
    return redirect(url_for("admin.leave_days"))


@bp.post("/cuti-bersama/<day>/hapus")
@zone(ADMIN)
def remove_leave_day(day: str) -> Any:
    db = request_session()
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        parsed = date.fromisoformat(day)
        working_days.remove_leave_day(db, signed_in().staff, parsed)
    except (ValueError, DomainError):
        abort(404)
    db.commit()
    flash(_("The day is a working day again."))
    return redirect(url_for("admin.leave_days"))
