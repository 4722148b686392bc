"""Handler views for the right of reply: create invitations, read answers, decide extensions."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from crypto import format_code
from wbs_app.appctx import argon2_gate, argon2_params, current_deadlines, external_url
from wbs_app.db import request_session
from wbs_app.investigator import bp
from wbs_app.investigator.cases import held_case
from wbs_app.investigator.forms import (
    ExtensionDecisionForm,
    InvitationForm,
    RespondentMessageForm,
)
from wbs_app.models import Case, InvitationRole, RespondentInvitation
from wbs_app.reporter import uploads
from wbs_app.security.downloads import download_response
from wbs_app.security.staff_auth import signed_in
from wbs_app.security.zones import INVESTIGATOR, zone
from wbs_app.services import casefile, respondent
from wbs_app.services.case_keys import NoAccess
from wbs_app.services.respondent import RespondentError

ERRORS = {
    "wrong_status": _l("Invitations are made while the case is under examination."),
    "missing_field": _l("Write the official's name and what is alleged."),
    "bad_deadline": _l("The time to answer is 1 to 365 days."),
    "no_request": _l("There is no pending request for more time."),
}


@bp.post("/kasus/<int:case_id>/undangan")
@zone(INVESTIGATOR)
def create_invitation(case_id: int) -> Any:
    context = signed_in()
    case = held_case(case_id)
    form = InvitationForm()
    db = request_session()
    days = form.days.data or ""
    if not form.validate_on_submit() or not days.isdigit():
        flash(_("Write the official's name, what is alleged and the days to answer."))
        return redirect(url_for("investigator.case_page", case_id=case_id))
    role = InvitationRole.WITNESS if form.role.data == "witness" else InvitationRole.ACCUSED
    details = respondent.clean_allegation(
        {name: getattr(form, name).data or "" for name in respondent.ALLEGATION_FIELDS}
    )
    salt = bytes.fromhex(current_app.config["INSTALLATION_SALT"])
    try:
        invitation, code = respondent.create_invitation(
            db,
            case,
            context.staff,
            context.identity,
            details,
            role,
            int(days),
            salt,
            argon2_params(),
            gate=argon2_gate(),
        )
    except NoAccess:
        abort(404)
    except RespondentError as error:
        db.rollback()
        flash(str(ERRORS.get(error.code, ERRORS["missing_field"])))
        return redirect(url_for("investigator.case_page", case_id=case_id))
    db.commit()
    return render_template(
        "investigator/invitation_letter.html",
        case=case,
        invitation=invitation,
        details=details,
        code=format_code(code),
        address=external_url(url_for("respondent.login", lang=None)),
        deadlines=current_deadlines(),
    )


@bp.post("/kasus/<int:case_id>/undangan/perpanjangan")
@zone(INVESTIGATOR)
def decide_extension(case_id: int) -> Response:
    context = signed_in()
    case = held_case(case_id)
    form = ExtensionDecisionForm()
    db = request_session()
    days = form.days.data or ""
    invitation = next(
        (i for i in respondent.invitations(db, case) if i.uid == form.invitation.data), None
    )
    if not form.validate_on_submit() or not days.isdigit() or invitation is None:
        abort(400)
    try:
        respondent.decide_extension(
            db, case, invitation, context.staff, context.identity, int(days)
        )
    except NoAccess:
        abort(404)
    except RespondentError as error:
        db.rollback()
        flash(str(ERRORS.get(error.code, ERRORS["no_request"])))
        return redirect(url_for("investigator.case_page", case_id=case_id))
    db.commit()
    flash(_("Decision recorded; the respondent is told at their next visit."))
    return redirect(url_for("investigator.case_page", case_id=case_id))


def _invitation(case: Case, uid: str | None) -> RespondentInvitation:
    found = next((i for i in respondent.invitations(request_session(), case) if i.uid == uid), None)
    if found is None:
        abort(404)
    return found


@bp.post("/kasus/<int:case_id>/undangan/pesan")
@zone(INVESTIGATOR)
def message_respondent(case_id: int) -> Response:
    context = signed_in()
    case = held_case(case_id)
    form = RespondentMessageForm()
    if not form.validate_on_submit():
        flash(_("Write a message first."))
        return redirect(url_for("investigator.case_page", case_id=case_id))
    invitation = _invitation(case, form.invitation.data)
    db = request_session()
    try:
        respondent.add_staff_message(
            db, case, invitation, context.staff, context.identity, form.text.data
        )
    except NoAccess:
        abort(404)
    db.commit()
    flash(_("Message sent; the respondent reads it at their next visit."))
    return redirect(url_for("investigator.case_page", case_id=case_id))


@bp.get("/kasus/<int:case_id>/undangan/<uid>/berkas/<int:file_id>")
@zone(INVESTIGATOR)
def respondent_file(case_id: int, uid: str, file_id: int) -> Response:
    """Evidence a respondent sent, decrypted with the handler's wrap of the invitation key."""
    context = signed_in()
    case = held_case(case_id)
    invitation = _invitation(case, uid)
    db = request_session()
    try:
        key = respondent.staff_key(db, case, invitation, context.staff, context.identity)
        found = casefile.open_file(db, uploads.store(), case, key, file_id)
    except NoAccess:
        abort(404)
    return download_response(found.file.filename, found.file.size, found.chunks)
