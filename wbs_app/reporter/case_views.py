"""Coming back with the receipt: status, deadlines, the report, the thread, replies, evidence."""

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

from wbs_app.db import request_session
from wbs_app.extensions import csrf
from wbs_app.notices import DONE, ERROR, refused
from wbs_app.refusals import MESSAGES, refusal_message
from wbs_app.reporter import bp
from wbs_app.reporter.forms import ActionForm, ReceiptForm, RetaliationForm, WithdrawForm
from wbs_app.reporter.labels import (
    KEPT_BEFORE_TAKE_OVER,
    KEPT_REPLY_ELSEWHERE,
    KEPT_REPLY_GONE,
    REPORTER_STATUS,
    RETALIATION_SENT,
)
from wbs_app.security.bodies import takes_files
from wbs_app.security.downloads import download_response
from wbs_app.security.kept import keeps_posts_after_session
from wbs_app.security.reporter_auth import COOKIE, ZONE, signed_in_reporter
from wbs_app.security.zones import PUBLIC, REPORTER, zone
from wbs_app.services.cases import (
    casefile,
    disk_caps,
    record_check,
    recorded_intake,
    reporter_channel,
    reporter_seen,
)
from wbs_app.services.cases.case_keys import NoAccess
from wbs_app.services.cases.case_records import FileInfo
from wbs_app.services.cases.casefile import CaseClosed
from wbs_app.services.codes import code_holders, held, receipt_takeover, reporter_access
from wbs_app.services.infra.errors import DomainError
from wbs_app.settings import settings
from wbs_app.web import kept, uploads
from wbs_app.web.code_sign_in import CodeSignInPage, sign_in
from wbs_app.web.reporter_notices import NOTICES


def replaced_message(error: DomainError) -> str:
    """A printed receipt typed again: it was replaced at the first sign-in, and when."""
    day = getattr(error, "taken_over_on", None)
    return str(
        _(
            "This report code was already used: at the first sign-in on %(date)s it was replaced "
            "by a new code, shown only to whoever signed in then. Sign in with that new code. If "
            "it was not you, someone else used your letter: tell the complaint team at once.",
            date=format_date(day) if day else "-",
        )
    )


PAGE = CodeSignInPage(
    zone=ZONE,
    template="reporter/login.html",
    home_endpoint="reporter.case",
    login=reporter_access.login,
    elsewhere=KEPT_REPLY_ELSEWHERE,
    refusals=(receipt_takeover.ReceiptReplaced,),
    refusal_message=replaced_message,
)


@bp.route("/masuk", methods=["GET", "POST"])
@zone(PUBLIC)
def login() -> Any:
    """The receipt goes in a POST body only, never in a URL (``code_sign_in``)."""
    return sign_in(PAGE, ReceiptForm(), _send_kept_reply)


def keep_reply() -> Response:
    """A reply posted after the session ended: kept encrypted, and the code page asks for the receipt.

    The page carries the kept message's key (the ``held`` field) and nothing of
    what was written; a wrong code shows it again for another try.
    """
    kept_reply = kept.keep_post(held.REPORTER, "message")
    if kept_reply is None:  # nothing was written: nothing to keep
        return redirect(url_for("reporter.login"))
    form = ReceiptForm(formdata=None, held=kept_reply.secret.cookie)
    return make_response(render_template("reporter/login.html", form=form, error=None))


def _keep_retaliation() -> Response:
    """A report of retaliation posted after the session ended: kept like a reply."""
    kept_report = kept.keep_post(held.RETALIATION, "account")
    if kept_report is None:
        return redirect(url_for("reporter.login"))
    form = ReceiptForm(formdata=None, held=kept_report.secret.cookie)
    return make_response(render_template("reporter/login.html", form=form, error=None))


def _send_kept_reply(cookie: str, field_value: str) -> tuple[str, str] | None:
    """Send the kept reply (or report of retaliation) to the case the receipt just opened.

    Returns what to tell the reporter; None when the receipt opened another
    report than the one the message was written to: the visit just begun is
    ended again and the message stays kept.
    """
    db = request_session()
    context = ZONE.visit_of(cookie)
    if context is None:  # the session made a moment ago: not expected, said plainly all the same
        return str(KEPT_REPLY_GONE), ERROR
    key, case_, identity = context.reporter_key, context.case, context.identity
    if receipt_takeover.awaits_take_over(db, case_):
        # A printed receipt's visit signs nothing: the post stays kept, unsent.
        return str(KEPT_BEFORE_TAKE_OVER), ERROR
    retaliation = held.kind_of(db, field_value) == held.RETALIATION

    def add(text: str, files: list[FileInfo]) -> list[str]:
        # Kept files join the case as a reply's would: within the case's caps.
        disk_caps.check_case(db, case_.id, [f.size for f in files], settings().disk_caps)
        if retaliation:
            return reporter_channel.report_retaliation(
                db, case_, key, identity, text, channel_days(), files
            )
        return casefile.add_reporter_message(
            db, case_, key, text, files, days_after_close=channel_days()
        )

    outcome = kept.send_kept(
        held.RETALIATION if retaliation else held.REPORTER, field_value, key, case_.uid, add
    )
    if outcome == "elsewhere":
        code_holders.finish(db, ZONE.kind, context.id_hash)
        db.commit()
        return None
    if outcome == "sent":
        return str(
            RETALIATION_SENT if retaliation else _("Your message was sent to the team.")
        ), DONE
    if outcome == "refused":
        return str(_("This report is closed; it no longer takes messages.")), ERROR
    if outcome == "case_files_full":
        return str(MESSAGES["case_files_full"]), ERROR
    return str(KEPT_REPLY_GONE), ERROR


def channel_days() -> int:
    return settings().reporter_channel_days_after_close


def _render_case(retaliation_form: RetaliationForm | None = None, status: int = 200) -> Any:
    context = signed_in_reporter()
    db = request_session()
    try:
        casefile_ = casefile.reporter_file(db, context.case, context.reporter_key)
    except NoAccess:
        abort(404)
    # What the team wrote since the last visit is marked new, once.
    shown = max((entry.seq for entry in casefile_.thread), default=0)
    seen = reporter_seen.advance(db, context.case, context.identity, shown)
    label, explanation = REPORTER_STATUS[context.case.status]
    return render_template(
        "reporter/case.html",
        file=casefile_,
        case=context.case,
        seen=seen,
        status_label=label,
        status_explanation=explanation,
        notices=NOTICES,
        can_withdraw=context.case.status in casefile.OPEN_STATUSES,
        channel=reporter_channel.channel(context.case, channel_days()),
        retaliation_form=retaliation_form or RetaliationForm(formdata=None),
        action_form=ActionForm(),
        max_upload_mib=settings().max_upload_mib,
        bind=held.binding_for(context.reporter_key),
        recorded=recorded_intake.recorded_intake(db, context.case),
        awaits_check=record_check.awaits_check(db, context.case),
    ), status


@bp.get("/kasus")
@zone(REPORTER)
def case() -> Any:
    return _render_case()  # a printed receipt's visit was sent to its new receipt first


@bp.post("/kasus/tindakan-balasan")
@takes_files
@zone(REPORTER)
@keeps_posts_after_session(_keep_retaliation)
@csrf.exempt
def report_retaliation() -> Any:
    """Laporkan tindakan balasan: the team is told, and the case is marked until they act.

    Streamed like a reply (evidence encrypted as it arrives) and, like a
    reply, kept after the session ended (``_keep_retaliation``).
    """
    context = signed_in_reporter()
    db = request_session()
    parsed = uploads.receive(lambda _form: (context.reporter_key, context.case.uid))
    files = uploads.file_infos(parsed.files)
    # The token was checked from the stream (``uploads.receive``); the form checks the text.
    form = RetaliationForm(formdata=parsed.fields, meta={"csrf": False})
    if not form.validate():
        parsed.discard_files()
        return _render_case(form, 400)  # what was typed comes back in the field
    account = form.account.data or ""
    try:
        disk_caps.check_case(db, context.case.id, [f.size for f in files], settings().disk_caps)
        names = reporter_channel.report_retaliation(
            db,
            context.case,
            context.reporter_key,
            context.identity,
            account,
            channel_days(),
            files,
        )
    except (reporter_channel.ChannelClosed, disk_caps.TooManyFiles) as closed:
        db.rollback()
        parsed.discard_files()
        refused(refusal_message(closed))
        return redirect(url_for("reporter.case"))
    uploads.commit_and_promote(names)
    flash(RETALIATION_SENT)
    return redirect(url_for("reporter.case"))


@bp.post("/kasus/pesan")
@takes_files
@zone(REPORTER)
@keeps_posts_after_session(keep_reply)
@csrf.exempt
def reply() -> Response:
    """A message to the team, with evidence files encrypted as they stream in.

    After the session ended the guard hands the post to ``keep_reply``.
    """
    context = signed_in_reporter()
    db = request_session()
    parsed = uploads.receive(lambda _form: (context.reporter_key, context.case.uid))
    files = uploads.file_infos(parsed.files)
    try:
        disk_caps.check_case(db, context.case.id, [f.size for f in files], settings().disk_caps)
        names = casefile.add_reporter_message(
            db,
            context.case,
            context.reporter_key,
            parsed.fields.get("message", ""),
            files,
            days_after_close=channel_days(),
        )
    except NoAccess:
        # The key does not open: the case does not exist for this visit, as on
        # every other reporter page; never "write something", which it was.
        db.rollback()
        parsed.discard_files()
        abort(404)
    except DomainError as error:  # closed to messages, or nothing written
        db.rollback()
        parsed.discard_files()
        refused(refusal_message(error))
        return redirect(url_for("reporter.case"))
    uploads.commit_and_promote(names)
    flash(MESSAGES["sent"])
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


def _withdraw_page(form: WithdrawForm, status: int = 200) -> tuple[str, int]:
    """What a withdrawal does, said before it is done; the reason and the button below."""
    return render_template(
        "reporter/withdraw.html",
        heading=_("Withdraw your report?"),
        consequences=[
            _(
                "Withdrawing tells the complaint team that you no longer want this report"
                ' handled. It is closed with the status "withdrawn".'
            ),
            _(
                "You cannot undo this yourself: only the team can reopen the report. With your"
                " report code you can still open this page and read the report and its messages."
            ),
        ],
        form=form,
        action=url_for("reporter.withdraw"),
        button=_("Yes, withdraw the report"),
        cancel=url_for("reporter.case"),
        nav=None,
        refusal=None,
    ), status


@bp.get("/kasus/cabut")
@zone(REPORTER)
def confirm_withdraw() -> Any:
    """The withdrawal's own page: one click on the case page no longer closes a report."""
    if signed_in_reporter().case.status not in casefile.OPEN_STATUSES:
        return redirect(url_for("reporter.case"))
    return _withdraw_page(WithdrawForm(formdata=None))


@bp.post("/kasus/cabut")
@zone(REPORTER)
def withdraw() -> Any:
    context = signed_in_reporter()
    form = WithdrawForm()
    if not form.validate_on_submit():
        form.reason.errors = [_("Give a reason to withdraw the report.")]
        return _withdraw_page(form, 400)  # what was typed is shown again
    db = request_session()
    try:
        casefile.withdraw(
            db, context.case, context.reporter_key, context.identity, form.reason.data
        )
    except CaseClosed as closed:
        db.rollback()
        refused(refusal_message(closed))
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
    # A new receipt never typed back goes with the visit; the printed one still works.
    receipt_takeover.forget_receipt(request_session(), request.cookies.get(COOKIE))
    return ZONE.finish(signed_in_reporter().id_hash)
