"""Coming back with the receipt: status, deadlines, the report, the thread, replies, evidence."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from wbs_app.appctx import argon2_gate, argon2_params
from wbs_app.db import request_session
from wbs_app.extensions import csrf
from wbs_app.reporter import bp, uploads
from wbs_app.reporter.forms import ActionForm, ReceiptForm, WithdrawForm
from wbs_app.reporter.labels import NOTICES, REPORTER_STATUS
from wbs_app.security.brake import brake_response
from wbs_app.security.downloads import download_response
from wbs_app.security.reporter_auth import clear_cookie, policy, set_cookie, signed_in_reporter
from wbs_app.security.zones import PUBLIC, REPORTER, zone
from wbs_app.services import casefile, reporter_access
from wbs_app.services.case_keys import NoAccess
from wbs_app.services.casefile import CaseClosed
from wbs_app.services.errors import DomainError
from wbs_app.services.reporter_access import ReceiptMistyped, ReceiptRefused


@bp.route("/masuk", methods=["GET", "POST"])
@zone(PUBLIC)
def login() -> Any:
    """The receipt goes in a POST body only, never in a URL."""
    form = ReceiptForm()
    error = None
    status = 200
    if form.validate_on_submit():
        db = request_session()
        delay = reporter_access.login_delay(
            db, int(current_app.config["RECEIPT_FAILURES_PER_MINUTE"])
        )
        if delay:
            db.commit()
            return brake_response("reporter/login.html", form, delay)
        salt = bytes.fromhex(current_app.config["INSTALLATION_SALT"])
        try:
            cookie = reporter_access.login(
                db,
                form.receipt.data,
                salt,
                argon2_params(),
                policy(),
                gate=argon2_gate(),
            )
        except ReceiptMistyped:
            error = _(
                "This is not a valid report code. Check each digit: the code has 20 digits in five groups of four."
            )
            status = 400
        except ReceiptRefused:
            db.commit()  # the anonymous failure count
            error = _("No report can be opened with this code. Check it and try again.")
            status = 404
        else:
            db.commit()
            session.clear()  # a new CSRF token: none known before the sign-in works after it
            response = redirect(url_for("reporter.case"))
            set_cookie(response, cookie)
            return response
    elif form.is_submitted():
        status = 400
    return render_template("reporter/login.html", form=form, error=error), status


@bp.get("/kasus")
@zone(REPORTER)
def case() -> str:
    context = signed_in_reporter()
    db = request_session()
    try:
        casefile_ = casefile.reporter_file(db, context.case, context.reporter_key)
    except NoAccess:
        abort(404)
    label, explanation = REPORTER_STATUS[context.case.status]
    return render_template(
        "reporter/case.html",
        file=casefile_,
        case=context.case,
        status_label=label,
        status_explanation=explanation,
        notices=NOTICES,
        is_open=context.case.status in casefile.OPEN_STATUSES,
        withdraw_form=WithdrawForm(formdata=None),
        action_form=ActionForm(),
        max_upload_mib=current_app.config["MAX_UPLOAD_BYTES"] // (1024 * 1024),
    )


@bp.post("/kasus/pesan")
@zone(REPORTER)
@csrf.exempt
def reply() -> Response:
    """A message to the team, with evidence files encrypted as they stream in."""
    context = signed_in_reporter()
    db = request_session()
    parsed = uploads.receive(lambda _form: (context.reporter_key, context.case.uid))
    files = uploads.file_infos(parsed.files)
    try:
        names = casefile.add_reporter_message(
            db, context.case, context.reporter_key, parsed.fields.get("message", ""), files
        )
    except CaseClosed:
        db.rollback()
        parsed.discard_files()
        flash(_("This report is closed; it no longer takes messages."))
        return redirect(url_for("reporter.case"))
    except DomainError:
        db.rollback()
        parsed.discard_files()
        flash(_("Write a message or attach a file."))
        return redirect(url_for("reporter.case"))
    db.commit()
    for name in names:
        uploads.store().promote(name)
    flash(_("Your message was sent to the team."))
    return redirect(url_for("reporter.case"))


@bp.get("/kasus/berkas/<int:file_id>")
@zone(REPORTER)
def download(file_id: int) -> Response:
    context = signed_in_reporter()
    try:
        found = casefile.open_file(
            request_session(), uploads.store(), context.case, context.reporter_key, file_id
        )
    except NoAccess:
        abort(404)
    return download_response(found.file.filename, found.file.size, found.chunks)


@bp.post("/kasus/cabut")
@zone(REPORTER)
def withdraw() -> Any:
    context = signed_in_reporter()
    form = WithdrawForm()
    if not form.validate_on_submit():
        flash(_("Give a reason to withdraw the report."))
        return redirect(url_for("reporter.case"))
    db = request_session()
    try:
        casefile.withdraw(db, context.case, context.reporter_key, form.reason.data)
    except CaseClosed:
        db.rollback()
        flash(_("This report is closed already."))
        return redirect(url_for("reporter.case"))
    db.commit()
    flash(_("Your report was withdrawn."))
    return redirect(url_for("reporter.case"))


@bp.post("/selesai")
@zone(REPORTER)
def finish() -> Response:
    """End the visit: delete the session and ask the browser to forget this site's data."""
    if not ActionForm().validate_on_submit():
        abort(400)
    context = signed_in_reporter()
    reporter_access.finish(request_session(), context.id_hash)
    request_session().commit()
    session.clear()
    response = redirect(url_for("public.index"))
    clear_cookie(response)
    response.headers["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    return response
