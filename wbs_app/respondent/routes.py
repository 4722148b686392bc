"""Respondent views: code login, the allegation and rights, statements, extension requests."""

from __future__ import annotations

from typing import Any

from flask import (
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_date
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from wbs_app.appctx import current_deadlines
from wbs_app.db import request_session
from wbs_app.extensions import csrf
from wbs_app.models import RespondentInvitation
from wbs_app.notices import DONE, ERROR, refused
from wbs_app.refusals import MESSAGES, refusal_message
from wbs_app.respondent import bp
from wbs_app.respondent.forms import ActionForm, CodeForm, ExtensionForm
from wbs_app.respondent.labels import KEPT_STATEMENT_ELSEWHERE, KEPT_STATEMENT_GONE
from wbs_app.security.bodies import takes_files
from wbs_app.security.kept import keeps_posts_after_session
from wbs_app.security.respondent_auth import COOKIE, ZONE, signed_in_respondent
from wbs_app.security.zones import PUBLIC, RESPONDENT, zone
from wbs_app.services.cases import disk_caps
from wbs_app.services.cases.case_records import FileInfo
from wbs_app.services.codes import code_holders, held, respondent_access
from wbs_app.services.infra.errors import DomainError
from wbs_app.services.office.deadlines import DeadlineKind
from wbs_app.services.respondents import respondent, respondent_takeover, right_of_reply
from wbs_app.services.respondents.respondent import RespondentContext, RespondentError
from wbs_app.services.respondents.respondent_takeover import CodeReplaced, InvitationClosed
from wbs_app.settings import settings
from wbs_app.web import kept, uploads
from wbs_app.web.code_sign_in import CodeSignInPage, sign_in


def _refusal(error: DomainError) -> str:
    """A real code that opens nothing any more: replaced at the first sign-in, or closed."""
    if isinstance(error, CodeReplaced):
        return _replaced_message(error)
    return str(refusal_message(error))


PAGE = CodeSignInPage(
    zone=ZONE,
    template="respondent/login.html",
    home_endpoint="respondent.home",
    login=respondent_access.login,
    elsewhere=KEPT_STATEMENT_ELSEWHERE,
    refusals=(CodeReplaced, InvitationClosed),
    refusal_message=_refusal,
)


@bp.route("/masuk", methods=["GET", "POST"])
@zone(PUBLIC)
def login() -> Any:
    return sign_in(PAGE, CodeForm(), _send_kept_statement)


def _replaced_message(replaced: CodeReplaced) -> str:
    """What whoever types a printed code again is told: it was replaced, and when."""
    return str(
        _(
            "This code was already used: at the first sign-in on %(date)s it was replaced by a new "
            "code, shown only to whoever signed in then. Sign in with that new code. If it was not "
            "you, someone else used your letter: tell the complaint team at once and ask for a new "
            "invitation.",
            date=format_date(replaced.taken_over_on) if replaced.taken_over_on else "-",
        )
    )


def _keep_statement() -> Response:
    """A statement posted after the session ended: kept encrypted; the code page asks for the code."""
    kept_statement = kept.keep_post(held.RESPONDENT, "statement")
    if kept_statement is None:  # nothing was written: nothing to keep
        return redirect(url_for("respondent.login"))
    form = CodeForm(formdata=None, held=kept_statement.secret.cookie)
    return make_response(render_template("respondent/login.html", form=form, error=None))


def _send_kept_statement(cookie: str, field_value: str) -> tuple[str, str] | None:
    """Submit the kept statement to the invitation the code just opened; what to tell them.

    None when the code opened another invitation than the statement's own: the
    visit just begun is ended again and the statement stays kept.
    """
    db = request_session()
    context = ZONE.visit_of(cookie)
    if context is None:  # the session made a moment ago: not expected, said plainly all the same
        return str(KEPT_STATEMENT_GONE), ERROR
    outcome = kept.send_kept(
        held.RESPONDENT,
        field_value,
        context.key,
        context.case.uid,
        lambda text, files: _submit_within_caps(context, text, files),
    )
    if outcome == "elsewhere":
        code_holders.finish(db, ZONE.kind, context.id_hash)
        db.commit()
        return None
    if outcome == "sent":
        return str(_("Your statement was received.")), DONE
    if outcome == "refused":
        return _refused(context.invitation), ERROR
    if outcome == "case_files_full":
        return str(MESSAGES["case_files_full"]), ERROR
    return str(KEPT_STATEMENT_GONE), ERROR


def _submit_within_caps(context: RespondentContext, text: str, files: list[FileInfo]) -> list[str]:
    """A statement's files join the case within its caps (``disk_caps``), kept or not."""
    db = request_session()
    disk_caps.check_case(db, context.case.id, [f.size for f in files], settings().disk_caps)
    return respondent.submit_statement(db, context, text, files)


@bp.get("/")
@zone(RESPONDENT)
def home() -> Any:
    context = signed_in_respondent()
    if respondent_takeover.pending_code(request_session(), request.cookies.get(COOKIE)):
        return redirect(url_for("respondent.new_code"))  # not confirmed yet: first things first
    allegation, thread = respondent.read_thread(
        request_session(), context.case, context.invitation, context.key
    )
    return render_template(
        "respondent/home.html",
        invitation=context.invitation,
        allegation=allegation,
        thread=right_of_reply.worded(thread),
        can_submit=respondent.can_submit(context.invitation, context.case),
        extension_form=_extension_form(),
        action_form=ActionForm(),
        max_upload_mib=settings().max_upload_mib,
        bind=held.binding_for(context.key),
    )


@bp.post("/pernyataan")
@takes_files
@zone(RESPONDENT)
@keeps_posts_after_session(_keep_statement)
@csrf.exempt
def statement() -> Response:
    """The defence statement, with evidence encrypted under the invitation's key as it arrives.

    After the session ended the guard hands the post to ``_keep_statement``.
    """
    context = signed_in_respondent()
    db = request_session()
    parsed = uploads.receive(lambda _form: (context.key, context.case.uid))
    files = uploads.file_infos(parsed.files)
    try:
        names = _submit_within_caps(context, parsed.fields.get("statement", ""), files)
    except disk_caps.TooManyFiles as full:
        db.rollback()
        parsed.discard_files()
        refused(refusal_message(full))
        return redirect(url_for("respondent.home"))
    except RespondentError as error:
        db.rollback()
        parsed.discard_files()
        refused(
            _refused(context.invitation)
            if error.code == "deadline_passed"
            else refusal_message(error)
        )
        return redirect(url_for("respondent.home"))
    uploads.commit_and_promote(names)
    flash(_("Your statement was received."))
    return redirect(url_for("respondent.home"))


def _extension_form() -> ExtensionForm:
    """The request for more time, in the days the office counts this deadline in."""
    form = ExtensionForm(formdata=None)
    if current_deadlines().counts_working_days(DeadlineKind.RESPONDENT):
        form.days.label.text = _("How many more working days do you need?")
        form.days.description = _("1 to 90 working days.")
    return form


@bp.post("/perpanjangan")
@zone(RESPONDENT)
def extension() -> Response:
    context = signed_in_respondent()
    form = ExtensionForm()
    if not form.validate_on_submit():
        refused(str(EXTENSION_INCOMPLETE))
        return redirect(url_for("respondent.home"))
    db = request_session()
    try:
        right_of_reply.request_extension(db, context, form.days.data or "", form.reason.data or "")
    except RespondentError as error:
        db.rollback()
        if error.code == "deadline_passed":
            refused(_refused(context.invitation))
        else:
            refused(refusal_message(error))
        return redirect(url_for("respondent.home"))
    db.commit()
    flash(_("Your request for more time was sent; the team will decide."))
    return redirect(url_for("respondent.home"))


EXTENSION_INCOMPLETE = MESSAGES["extension_incomplete"]


def _refused(invitation: RespondentInvitation) -> str:
    """Why nothing more can be sent: the team closed the thread, or the time ran out."""
    if invitation.closed_on is not None:
        return str(_("The examination has been concluded: nothing more can be sent."))
    return str(_("The deadline has passed."))


@bp.post("/selesai")
@zone(RESPONDENT)
def finish() -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    context = signed_in_respondent()
    respondent_takeover.forget_code(request_session(), request.cookies.get(COOKIE))
    return ZONE.finish(context.id_hash)
