"""Respondent views: code login, the allegation and rights, statements, extension requests."""

from __future__ import annotations

from typing import Any

from flask import (
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from wbs_app.appctx import argon2_gate, argon2_params
from wbs_app.db import request_session
from wbs_app.extensions import csrf
from wbs_app.models import RespondentInvitation
from wbs_app.notices import DONE, ERROR, refused
from wbs_app.reporter.labels import KEPT_STATEMENT_ELSEWHERE, KEPT_STATEMENT_GONE
from wbs_app.respondent import bp
from wbs_app.respondent.forms import ActionForm, CodeForm, ExtensionForm
from wbs_app.security.brake import brake_response, busy_response
from wbs_app.security.kept import keeps_posts_after_session
from wbs_app.security.reporter_auth import policy
from wbs_app.security.respondent_auth import (
    COOKIE,
    clear_cookie,
    set_cookie,
    signed_in_respondent,
)
from wbs_app.security.zones import PUBLIC, RESPONDENT, zone
from wbs_app.services import (
    guessing,
    held,
    respondent,
    respondent_access,
    respondent_takeover,
    right_of_reply,
)
from wbs_app.services.argon2_gate import Argon2Busy
from wbs_app.services.respondent import RespondentError
from wbs_app.services.respondent_access import CodeMistyped, CodeRefused
from wbs_app.services.respondent_takeover import CodeReplaced, InvitationClosed
from wbs_app.web import kept, uploads


@bp.route("/masuk", methods=["GET", "POST"])
@zone(PUBLIC)
def login() -> Any:
    form = CodeForm()
    error = None
    status = 200
    if form.validate_on_submit():
        db = request_session()
        allowed = int(current_app.config["RECEIPT_FAILURES_PER_MINUTE"])
        delay = guessing.delay_seconds(db, respondent_access.SCOPE, allowed)
        if delay:
            db.commit()
            return brake_response("respondent/login.html", form, delay)
        salt = bytes.fromhex(current_app.config["INSTALLATION_SALT"])
        try:
            cookie = respondent_access.login(
                db,
                form.code.data,
                salt,
                argon2_params(),
                policy(),
                gate=argon2_gate(),
            )
        except Argon2Busy as busy:
            if not form.held.data:
                raise  # the app's busy page
            return busy_response("respondent/login.html", form, busy.retry_after)
        except CodeMistyped:
            error = _(
                "This is not a valid invitation code. Check each digit: the code has 20 digits."
            )
            status = 400
        except CodeRefused:
            db.commit()
            error = _("No invitation can be opened with this code. Check it and try again.")
            status = 404
        except CodeReplaced as replaced:
            db.rollback()
            error = _replaced_message(replaced)
            status = 403
        except InvitationClosed:
            db.rollback()
            error = _(
                "This invitation was closed and replaced by a new one. Sign in with the code "
                "of the new invitation letter."
            )
            status = 403
        else:
            db.commit()
            sent = _send_kept_statement(cookie, form.held.data) if form.held.data else ("", DONE)
            if sent is None:  # another invitation than the one the statement was written to
                return render_template(
                    "respondent/login.html", form=form, error=KEPT_STATEMENT_ELSEWHERE
                ), 409
            session.clear()  # a new CSRF token: none known before the sign-in works after it
            response = redirect(url_for("respondent.home"))
            set_cookie(response, cookie)
            if sent[0]:
                flash(*sent)
            return response
    elif form.is_submitted():
        status = 400
    return render_template("respondent/login.html", form=form, error=error), status


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
    context = respondent_access.resume(db, cookie, policy())
    if context is None:  # the session made a moment ago: not expected, said plainly all the same
        return str(KEPT_STATEMENT_GONE), ERROR
    outcome = kept.send_kept(
        held.RESPONDENT,
        field_value,
        context.key,
        context.case.uid,
        lambda text, files: respondent.submit_statement(db, context, text, files),
    )
    if outcome == "elsewhere":
        respondent_access.finish(db, context.id_hash)
        db.commit()
        return None
    if outcome == "sent":
        return str(_("Your statement was received.")), DONE
    if outcome == "refused":
        return _refused(context.invitation), ERROR
    return str(KEPT_STATEMENT_GONE), ERROR


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
        extension_form=ExtensionForm(formdata=None),
        action_form=ActionForm(),
        max_upload_mib=current_app.config["MAX_UPLOAD_BYTES"] // (1024 * 1024),
        bind=held.binding_for(context.key),
    )


@bp.post("/pernyataan")
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
        names = respondent.submit_statement(db, context, parsed.fields.get("statement", ""), files)
    except RespondentError as error:
        db.rollback()
        parsed.discard_files()
        refused(
            _refused(context.invitation)
            if error.code == "deadline_passed"
            else _("Write your statement or attach a file.")
        )
        return redirect(url_for("respondent.home"))
    uploads.commit_and_promote(names)
    flash(_("Your statement was received."))
    return redirect(url_for("respondent.home"))


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
        elif error.code == "already_requested":
            refused(_("Your request for more time waits for the team's decision."))
        else:
            refused(str(EXTENSION_INCOMPLETE))
        return redirect(url_for("respondent.home"))
    db.commit()
    flash(_("Your request for more time was sent; the team will decide."))
    return redirect(url_for("respondent.home"))


EXTENSION_INCOMPLETE = _l("Say how many more days you need (1 to 90) and why.")


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
    respondent_access.finish(request_session(), context.id_hash)
    request_session().commit()
    session.clear()
    response = redirect(url_for("public.index"))
    clear_cookie(response)
    response.headers["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    return response
