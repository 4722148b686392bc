"""A reporter whose report a handler recorded: their own receipt, then the record checked.

The first sign-in with a printed receipt offered a new receipt to this visit
only (``services.codes.receipt_takeover``); it is shown until the reporter
types it back, which takes the case over. Then the report page asks them to confirm what was written
down, or correct it (``services.cases.record_check``). A correction is
written like a reply, so one posted after the visit ended is kept as a reply
is and sent once the receipt is entered again: nothing typed is lost.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from wbs_app.appctx import argon2_gate, argon2_params
from wbs_app.db import request_session
from wbs_app.extensions import csrf
from wbs_app.notices import refused
from wbs_app.refusals import refusal_message
from wbs_app.reporter import bp
from wbs_app.reporter.case_views import channel_days, keep_reply, replaced_message
from wbs_app.reporter.forms import ActionForm, NewReceiptForm
from wbs_app.security.bodies import takes_files
from wbs_app.security.kept import keeps_posts_after_session
from wbs_app.security.reporter_auth import COOKIE, ZONE, signed_in_reporter
from wbs_app.security.zones import REPORTER, zone
from wbs_app.services.cases import record_check
from wbs_app.services.cases.case_keys import NoAccess
from wbs_app.services.cases.reporter_channel import ChannelClosed
from wbs_app.services.codes import code_holders, receipt_takeover
from wbs_app.services.infra.argon2_gate import CODES
from wbs_app.settings import settings
from wbs_app.web import uploads


def _page(receipt: str | None, form: NewReceiptForm, error: str | None = None) -> str:
    return render_template("reporter/new_receipt.html", receipt=receipt, form=form, error=error)


@bp.get("/kode-baru")
@zone(REPORTER)
def new_receipt() -> Any:
    context = signed_in_reporter()
    db = request_session()
    receipt = receipt_takeover.pending_receipt(db, request.cookies.get(COOKIE))
    if receipt is None and receipt_takeover.awaits_take_over(db, context.case):
        # The visit's new receipt is gone (the visit outlived it): the letter starts again.
        code_holders.finish(db, ZONE.kind, context.id_hash)
        db.commit()
        refused(_("Sign in again with the code on your letter: you will be given a new code."))
        again = redirect(url_for("reporter.login"))
        ZONE.clear_cookie(again)
        return again
    return _page(receipt, NewReceiptForm(formdata=None))


@bp.post("/kode-baru")
@zone(REPORTER)
def confirm_new_receipt() -> Any:
    """The new receipt typed back: the case is taken over now, and the visit goes on under it."""
    context = signed_in_reporter()
    db = request_session()
    cookie = request.cookies.get(COOKIE)
    pending = receipt_takeover.pending_receipt(db, cookie)
    if pending is None:  # confirmed already (a second click): nothing left to do
        return redirect(url_for("reporter.case"))
    form = NewReceiptForm()
    typed = form.receipt.data if form.validate_on_submit() else ""
    receipt = receipt_takeover.offered(db, cookie, typed or "")
    if receipt is None:
        db.rollback()
        error = _("This is not the new code shown on this page. Copy it again, digit by digit.")
        return _page(pending, NewReceiptForm(formdata=None), error), 400
    try:
        seed = receipt_takeover.take_over(
            db,
            context.case,
            context.identity,
            receipt,
            settings().installation_salt,
            argon2_params(),
            gate=argon2_gate(CODES),
        )
    except receipt_takeover.AlreadyTakenOver:
        # The other click of a double click took it over: its answer carries the new visit.
        db.rollback()
        flash(_("Your new report code is confirmed. From now on, sign in with it."))
        return redirect(url_for("reporter.login"))
    except receipt_takeover.ReceiptReplaced as replaced:
        # Another visit with the same letter confirmed first: this one opens nothing.
        db.rollback()
        receipt_takeover.forget_receipt(db, cookie)
        code_holders.finish(db, ZONE.kind, context.id_hash)
        db.commit()
        response = make_response(
            _page(None, NewReceiptForm(formdata=None), replaced_message(replaced)), 403
        )
        ZONE.clear_cookie(response)
        return response
    receipt_takeover.forget_receipt(db, cookie)
    new_cookie = code_holders.restart(
        db, ZONE.kind, context.id_hash, context.case.id, seed, ZONE.policy()
    )
    db.commit()
    flash(_("Your new report code is confirmed. From now on, sign in with it."))
    onward = redirect(url_for("reporter.case"))
    ZONE.set_cookie(onward, new_cookie)
    return onward


@bp.post("/kasus/catatan-benar")
@zone(REPORTER)
def confirm_record() -> Response:
    """The reporter says the handler's record of their report is right."""
    if not ActionForm().validate_on_submit():
        abort(400)
    context = signed_in_reporter()
    db = request_session()
    try:
        record_check.confirm(
            db, context.case, context.reporter_key, context.identity, channel_days()
        )
    except (record_check.CheckRefused, ChannelClosed) as refusal:
        db.rollback()
        refused(refusal_message(refusal))
        return redirect(url_for("reporter.case"))
    db.commit()
    flash(_("Thank you: the team sees that you confirmed the record of your report."))
    return redirect(url_for("reporter.case"))


@bp.post("/kasus/koreksi")
@takes_files
@zone(REPORTER)
@keeps_posts_after_session(keep_reply)
@csrf.exempt
def correct_record() -> Response:
    """What the record got wrong, in the reporter's words (the field is a reply's)."""
    context = signed_in_reporter()
    db = request_session()
    parsed = uploads.receive(lambda _form: (context.reporter_key, context.case.uid))
    parsed.discard_files()  # the form has no file field; anything sent with it is not kept
    try:
        record_check.correct(
            db,
            context.case,
            context.reporter_key,
            context.identity,
            parsed.fields.get("message", ""),
            channel_days(),
        )
    except NoAccess:
        db.rollback()
        abort(404)
    except (record_check.CheckRefused, ChannelClosed) as refusal:
        db.rollback()
        refused(refusal_message(refusal))
        return redirect(url_for("reporter.case"))
    db.commit()
    flash(_("Your correction was sent to the team and recorded in the case's journal."))
    return redirect(url_for("reporter.case"))
