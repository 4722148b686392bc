"""Handler views for the right of reply: create invitations, read answers, decide extensions.

Creating an invitation redirects to the letter's own page (post/redirect/get),
so a reload prints the letter again and never makes a second invitation; the
form's one-time token makes the same form sent twice find the first one.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from wbs_app.appctx import argon2_gate, argon2_params, current_deadlines, external_url
from wbs_app.db import request_session
from wbs_app.investigator import bp
from wbs_app.investigator.cases import held_case
from wbs_app.investigator.forms import (
    CloseThreadsForm,
    ExtensionDecisionForm,
    InvitationForm,
    RespondentMessageForm,
)
from wbs_app.models import Case, InvitationRole, RespondentInvitation
from wbs_app.notices import refused
from wbs_app.refusals import refusal_message
from wbs_app.security.downloads import download_response
from wbs_app.security.staff_auth import signed_in
from wbs_app.security.zones import INVESTIGATOR, zone
from wbs_app.services.cases import casefile
from wbs_app.services.cases.case_keys import NoAccess
from wbs_app.services.infra.argon2_gate import SUBMIT
from wbs_app.services.infra.clock import today
from wbs_app.services.infra.transactions import begin_write
from wbs_app.services.office import letter_numbers, letterhead
from wbs_app.services.respondents import invitation_letter as letters
from wbs_app.services.respondents import respondent, right_of_reply
from wbs_app.services.respondents.respondent import RespondentError
from wbs_app.services.staff.staff_sessions import StaffContext
from wbs_app.settings import settings
from wbs_app.web import uploads

# What this page checks itself, before any service is asked.
FORM_TOKEN_MISSING = _l(
    "This invitation form is not complete: open the case page again and fill it in there."
)
NO_DECISION = _l("Choose whether to grant or refuse the request.")
ALREADY_MADE = _l("This form was already sent: no second invitation was made. Here is its letter.")


def _letter_page(invitation: RespondentInvitation, status: int = 303) -> Response:
    return redirect(
        url_for("investigator.invitation_letter", case_id=invitation.case_id, uid=invitation.uid),
        status,
    )


def _made_before(case: Case, token_hash: bytes) -> Response | None:
    """The letter of the invitation this form already made (in this case), if any."""
    earlier = letters.made_by_form(request_session(), token_hash)
    if earlier is None:
        return None
    if earlier.case_id != case.id:
        abort(400)  # a token of another case's form: not a form this page drew
    flash(str(ALREADY_MADE))
    return _letter_page(earlier)


@bp.post("/kasus/<int:case_id>/undangan")
@zone(INVESTIGATOR)
def create_invitation(case_id: int) -> Any:
    context = signed_in()
    case = held_case(case_id)
    form = InvitationForm()
    db = request_session()
    days = form.days.data or ""
    token_hash = letters.form_token_hash(form.once.data)
    if token_hash is None:
        refused(str(FORM_TOKEN_MISSING))
        return redirect(url_for("investigator.case_page", case_id=case_id))
    if made := _made_before(case, token_hash):
        return made
    if not form.validate_on_submit() or not (days.isascii() and days.isdigit()):
        refused(_("Write the official's name, what is alleged and the days to answer."))
        return redirect(url_for("investigator.case_page", case_id=case_id))
    role = InvitationRole.WITNESS if form.role.data == "witness" else InvitationRole.ACCUSED
    details = respondent.clean_allegation(
        {name: getattr(form, name).data or "" for name in respondent.ALLEGATION_FIELDS}
    )
    salt = settings().installation_salt
    try:
        invitation, _code = respondent.create_invitation(
            db,
            case,
            context.staff,
            context.identity,
            details,
            role,
            respondent.answer_due(current_deadlines(), int(days)),
            salt,
            argon2_params(),
            gate=argon2_gate(SUBMIT),
            form_token_hash=token_hash,
        )
    except NoAccess:
        abort(404)
    except RespondentError as error:
        db.rollback()
        if error.code == "form_used" and (made := _made_before(case, token_hash)):
            return made
        refused(refusal_message(error))
        return redirect(url_for("investigator.case_page", case_id=case_id))
    db.commit()
    return _letter_page(invitation)


@bp.get("/kasus/<int:case_id>/undangan/<uid>/surat")
@zone(INVESTIGATOR)
def invitation_letter(case_id: int, uid: str) -> Any:
    """The letter to print and hand over; shown again for a reprint while the code is kept."""
    context = signed_in()
    case = held_case(case_id)
    invitation = _invitation(case, uid)
    db = request_session()
    try:
        details, code = _letter_contents(case, invitation, context)
    except NoAccess:
        abort(404)
    first_shown = invitation.letter_shown_on
    head = letterhead.current(db)
    number = letter_numbers.issued(db, invitation)
    if code is not None and (first_shown is None or number is None):
        # The first showing numbers the letter; every reprint keeps that number.
        begin_write(db)
        letters.mark_shown(db, invitation)
        number = letter_numbers.issue(db, invitation, head.number_prefix, today())
        db.commit()
    return render_template(
        "investigator/invitation_letter.html",
        case=case,
        invitation=invitation,
        details=details,
        code=code,
        first_shown=first_shown,
        letterhead=head,
        number=number,
        address=external_url(url_for("respondent.login", lang=None)),
        deadlines=current_deadlines(),
    )


def _letter_contents(
    case: Case, invitation: RespondentInvitation, context: StaffContext
) -> tuple[dict[str, str], str | None]:
    """The summary as written for the respondent, and the code while it is kept."""
    db = request_session()
    staff, identity = context.staff, context.identity
    key = respondent.staff_key(db, case, invitation, staff, identity)
    details, _ = respondent.read_thread(db, case, invitation, key)
    return details, letters.kept_code(db, case, invitation, staff, identity)


@bp.post("/kasus/<int:case_id>/undangan/perpanjangan")
@zone(INVESTIGATOR)
def decide_extension(case_id: int) -> Response:
    context = signed_in()
    case = held_case(case_id)
    form = ExtensionDecisionForm()
    db = request_session()
    invitation = next(
        (i for i in respondent.invitations(db, case) if i.uid == form.invitation.data), None
    )
    if not form.validate_on_submit() or invitation is None:
        abort(400)
    if form.decision.data not in ("grant", "refuse"):
        refused(str(NO_DECISION))
        return redirect(url_for("investigator.case_page", case_id=case_id))
    try:
        right_of_reply.decide_extension(
            db,
            case,
            invitation,
            context.staff,
            context.identity,
            form.decision.data == "grant",
            form.days.data or "",
            form.reason.data or "",
            current_deadlines(),
        )
    except NoAccess:
        abort(404)
    except RespondentError as error:
        db.rollback()
        refused(refusal_message(error))
        return redirect(url_for("investigator.case_page", case_id=case_id))
    db.commit()
    flash(_("Decision recorded; the respondent is told at their next visit."))
    return redirect(url_for("investigator.case_page", case_id=case_id))


@bp.post("/kasus/<int:case_id>/undangan/tutup")
@zone(INVESTIGATOR)
def close_threads(case_id: int) -> Response:
    """Close the respondents' threads of a withdrawn case, with the same notice as any close.

    A withdrawal by the reporter changes nothing a respondent sees
    (``services.respondents.right_of_reply``): a handler closes their threads here.
    """
    context = signed_in()
    case = held_case(case_id)
    form = CloseThreadsForm()
    if not form.validate_on_submit():
        abort(400)
    db = request_session()
    try:
        right_of_reply.close_after_end(
            db, case, context.staff, context.identity, form.ahead_reason.data or ""
        )
    except NoAccess:
        abort(404)
    except right_of_reply.AnswerPeriodRunning as running:
        db.rollback()
        refused(refusal_message(running))
        return redirect(url_for("investigator.case_page", case_id=case_id))
    except RespondentError as error:
        db.rollback()
        refused(refusal_message(error))
        return redirect(url_for("investigator.case_page", case_id=case_id))
    db.commit()
    flash(
        _("The respondents' threads are closed; they read the outcome notice at their next visit.")
    )
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
        refused(_("Write a message first."))
        return redirect(url_for("investigator.case_page", case_id=case_id))
    invitation = _invitation(case, form.invitation.data)
    db = request_session()
    try:
        respondent.add_staff_message(
            db, case, invitation, context.staff, context.identity, form.text.data
        )
    except NoAccess:
        abort(404)
    except RespondentError as error:
        db.rollback()
        refused(refusal_message(error))
        return redirect(url_for("investigator.case_page", case_id=case_id))
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
