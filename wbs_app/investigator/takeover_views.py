"""A respondent who lost their new code: a new invitation, the old one closed.

Nobody holds the new code but the respondent (``services.respondents.respondent_takeover``),
so it cannot be printed again. The case page links to a confirmation page
that says what will happen (no JavaScript); its POST makes the new invitation
and redirects to its letter (post/redirect/get). The same confirmation sent
again finds the invitation it made and makes no third.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from wbs_app.appctx import argon2_gate, argon2_params
from wbs_app.db import request_session
from wbs_app.investigator import bp, labels
from wbs_app.investigator.cases import held_case
from wbs_app.investigator.forms import ConfirmForm
from wbs_app.models import Case, RespondentInvitation
from wbs_app.notices import refused
from wbs_app.refusals import refusal_message
from wbs_app.security.staff_auth import signed_in
from wbs_app.security.zones import INVESTIGATOR, zone
from wbs_app.services.cases.case_keys import NoAccess
from wbs_app.services.infra.argon2_gate import SUBMIT
from wbs_app.services.respondents import respondent, respondent_takeover
from wbs_app.services.respondents.respondent import RespondentError
from wbs_app.settings import settings


def _invitation(case: Case, uid: str) -> tuple[RespondentInvitation, dict[str, str]]:
    """The invitation and its summary, if the handler holds its key (404 otherwise)."""
    context = signed_in()
    db = request_session()
    found = next((i for i in respondent.invitations(db, case) if i.uid == uid), None)
    if found is None:
        abort(404)
    try:
        key = respondent.staff_key(db, case, found, context.staff, context.identity)
    except NoAccess:
        abort(404)
    allegation, _ = respondent.read_thread(db, case, found, key)
    return found, allegation


@bp.get("/kasus/<int:case_id>/undangan/<uid>/ganti")
@zone(INVESTIGATOR)
def reissue_page(case_id: int, uid: str) -> Any:
    case = held_case(case_id)
    invitation, allegation = _invitation(case, uid)
    return render_template(
        "investigator/reissue.html",
        case=case,
        invitation=invitation,
        allegation=allegation,
        labels=labels,
        form=ConfirmForm(),
    )


@bp.post("/kasus/<int:case_id>/undangan/<uid>/ganti")
@zone(INVESTIGATOR)
def reissue(case_id: int, uid: str) -> Response:
    context = signed_in()
    case = held_case(case_id)
    invitation, _allegation = _invitation(case, uid)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    db = request_session()
    salt = settings().installation_salt
    try:
        new, made = respondent_takeover.reissue(
            db,
            case,
            invitation,
            context.staff,
            context.identity,
            salt,
            argon2_params(),
            gate=argon2_gate(SUBMIT),
        )
    except NoAccess:
        abort(404)
    except RespondentError as error:
        db.rollback()
        refused(refusal_message(error))
        return redirect(url_for("investigator.case_page", case_id=case_id))
    db.commit()
    if not made:
        flash(_("This invitation was already replaced: no other invitation was made."))
    return redirect(url_for("investigator.invitation_letter", case_id=case_id, uid=new.uid), 303)
