"""Recording a report received elsewhere, and the receipt letter printed for its reporter.

The form posts once with its files (streamed and encrypted as they arrive,
``web.uploads``); a post refused for what was typed keeps its files in a
draft whose key only the re-drawn form carries, so nothing is attached twice
and nothing is lost. A recorded report redirects to its letter (a reload
records nothing twice: the form's draft token finds the case it made).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict
from wtforms.fields.choices import SelectChoice

from wbs_app.appctx import argon2_gate, argon2_params, current_deadlines, external_url
from wbs_app.db import request_session
from wbs_app.extensions import csrf
from wbs_app.i18n import current_language
from wbs_app.investigator import bp, labels
from wbs_app.investigator.cases import held_case
from wbs_app.investigator.recording_forms import RecordingForm
from wbs_app.models import RECORDED_CHANNELS, Channel, ReporterContact
from wbs_app.refusals import refusal_message
from wbs_app.security.bodies import takes_files
from wbs_app.security.staff_auth import signed_in
from wbs_app.security.zones import INVESTIGATOR, zone
from wbs_app.services.cases import case_routing, disk_caps, intake, recorded_intake
from wbs_app.services.cases.case_keys import NoAccess
from wbs_app.services.cases.intake import DraftPayload, IntakeError, OpenDraft
from wbs_app.services.cases.recorded_intake import AlreadyRecorded, Recording, RecordingRefused
from wbs_app.services.infra import sessions
from wbs_app.services.infra.argon2_gate import SUBMIT, Argon2Busy
from wbs_app.services.infra.clock import local_today
from wbs_app.services.office import letterhead, organisation
from wbs_app.services.office.catalogue import active_categories
from wbs_app.settings import settings
from wbs_app.web import uploads

# The answer a refusal is about, where it is one of the form's.
FIELD_OF = {
    "received_in_future": "received_on",
    "received_too_early": "received_on",
    "reference_too_long": "reference",
    "bad_channel": "channel",
    "not_your_unit": "unit",
    "bad_unit": "unit",
    "bad_category": "category",
    "incomplete": "what",
}


def _fill_choices(form: RecordingForm) -> None:
    db = request_session()
    covered = case_routing.covered_units(db, signed_in().staff)
    form.unit.choices = [
        SelectChoice(node.unit.id, "— " * node.depth + node.unit.name)
        for node in organisation.unit_tree(db, active_only=True)
        if node.unit.id in covered
    ]
    language = current_language()
    form.category.choices = [
        SelectChoice(category.id, category.name(language)) for category in active_categories(db)
    ]
    form.channel.choices = [SelectChoice("", _("Choose…"))] + [
        SelectChoice(channel.value, str(labels.CHANNELS[channel.value]))
        for channel in RECORDED_CHANNELS
    ]


def _page(form: RecordingForm, draft: OpenDraft | None, status: int = 200) -> Any:
    files = draft.payload.files if draft and draft.payload else []
    return (
        render_template(
            "investigator/record.html",
            form=form,
            draft_field=draft.secret.cookie if draft else sessions.new_secret().cookie,
            files=files,
            max_upload_mib=settings().max_upload_bytes // (1024 * 1024),
        ),
        status,
    )


@bp.get("/laporan-baru")
@zone(INVESTIGATOR)
def record_page() -> Any:
    """The empty form; it carries the token its draft will have, so a resent post is known."""
    signed_in()
    form = RecordingForm(formdata=None, data={"received_on": _office_today()})
    _fill_choices(form)
    return _page(form, None)


def _office_today() -> date:
    return local_today(settings().timezone)


def _open_or_start(field: str | None) -> tuple[OpenDraft, bool]:
    """The draft of this form (files of an earlier refused post), or a new one with its token."""
    try:
        return intake.open_draft(request_session(), field), False
    except IntakeError:
        return intake.start_draft(intake_lifetime(), sessions.parse_cookie(field)), True


def intake_lifetime() -> timedelta:
    return settings().draft_lifetime


@bp.post("/laporan-baru")
@takes_files
@zone(INVESTIGATOR)
@csrf.exempt
def record_report() -> Any:
    """The token is checked from the stream, after the body (``uploads.receive``)."""
    context = signed_in()
    db = request_session()
    state: dict[str, Any] = {}

    caps = settings().disk_caps

    def keying(streamed: Any) -> tuple[bytes, str]:
        if "draft" not in state:
            state["draft"] = _open_or_start(streamed.fields.get("draft"))
        draft: OpenDraft = state["draft"][0]
        return draft.key, draft.case_uid

    def keying_a_file(streamed: Any) -> tuple[bytes, str]:
        # Waiting files count in the drafts' budget, the reporters' and the handlers' alike.
        disk_caps.check_drafts_budget(db, caps)
        return keying(streamed)

    parsed = uploads.receive(keying_a_file)
    if "draft" not in state:
        keying(parsed)
    draft, new = state["draft"]
    made = recorded_intake.recorded_by_form(db, draft.row.id_hash)
    if made is not None:  # the same form sent again (a double click, a reload): it is done
        parsed.discard_files()
        return redirect(url_for("investigator.receipt_letter", case_id=made.id), 303)
    previous = draft.payload.files if draft.payload else []
    removed = set(parsed.fields.getlist("remove_file"))
    kept = [info for info in previous if info.storage_name not in removed]
    dropped = [info.storage_name for info in previous if info.storage_name in removed]
    new_files = uploads.file_infos(parsed.files)
    form = RecordingForm(formdata=parsed.fields)
    _fill_choices(form)
    over_caps = None
    try:
        disk_caps.check_draft([info.size for info in kept + new_files], caps)
    except disk_caps.TooManyFiles as full:
        over_caps = refusal_message(full)
        parsed.discard_files()  # what was typed is kept; these new files are not
        new_files = []
    files = kept + new_files
    payload = DraftPayload(
        unit_id=form.unit.data if isinstance(form.unit.data, int) else None,
        category_id=form.category.data if isinstance(form.category.data, int) else None,
        report={name: parsed.fields.get(name) or "" for name in intake.REPORT_FIELDS},
        identity=_identity(parsed.fields),
        files=files,
    )
    draft = OpenDraft(draft.row, draft.secret, payload)
    intake.release_pending(db, dropped)
    if over_caps is not None:
        form.form_errors.append(over_caps)
    if form.validate() and over_caps is None:
        try:
            recorded = recorded_intake.record(
                db,
                draft,
                _recording(form, payload),
                context.staff,
                context.identity,
                deadlines=current_deadlines(),
                office_today=_office_today(),
                installation_salt=settings().installation_salt,
                params=argon2_params(),
                gate=argon2_gate(SUBMIT),
            )
        except AlreadyRecorded as twice:  # the other post of a double click
            db.rollback()
            parsed.discard_files()
            return redirect(url_for("investigator.receipt_letter", case_id=twice.case.id), 303)
        except RecordingRefused as refused:
            db.rollback()
            field = getattr(form, FIELD_OF.get(refused.code, ""), None)
            if field is not None:  # said beside the answer it is about
                field.errors = [*field.errors, refusal_message(refused)]
            else:
                form.form_errors.append(refusal_message(refused))
        except Argon2Busy:
            db.rollback()  # nothing recorded: kept below, to send again in a moment
            form.form_errors.append(_("The server is busy. Nothing is lost: send it again."))
        else:
            uploads.commit_and_promote(recorded.storage_names, discard=dropped)
            flash(_("The report is recorded as case #%(id)s.", id=recorded.case.id))
            return redirect(url_for("investigator.receipt_letter", case_id=recorded.case.id), 303)
    # Refused: what was typed is drawn again, the files wait in the draft.
    if new and not intake.keep_draft(db, draft):
        # The same refused post sent twice at once: the other one kept its files.
        parsed.discard_files()
        return _page(form, intake.open_draft(db, draft.secret.cookie), 400)
    intake.release_pending(db, dropped)
    for info in new_files:
        intake.register_pending(db, draft, info)
    intake.save_draft(db, draft, payload, intake_lifetime())
    uploads.commit_and_promote((), discard=dropped)
    return _page(form, draft, 400)


def _identity(fields: MultiDict[str, str]) -> dict[str, str] | None:
    name = (fields.get("identity_name") or "").strip()
    contact = (fields.get("identity_contact") or "").strip()
    return {"name": name, "contact": contact} if name or contact else None


def _recording(form: RecordingForm, payload: DraftPayload) -> Recording:
    try:
        channel = Channel(form.channel.data)
    except ValueError:
        channel = Channel.WEB  # refused by the service, with its message
    return Recording(
        channel=channel,
        received_on=form.received_on.data,
        reference=(form.reference.data or "").strip(),
        contact=ReporterContact(form.contact.data),
        unit_id=form.unit.data,
        category_id=form.category.data,
        report={name: text.strip() for name, text in payload.report.items()},
        identity=payload.identity,
    )


@bp.get("/kasus/<int:case_id>/surat-kode")
@zone(INVESTIGATOR)
def receipt_letter(case_id: int) -> Any:
    """The receipt letter to print for the reporter; again for a reprint while it is kept."""
    context = signed_in()
    case = held_case(case_id)
    db = request_session()
    found = recorded_intake.recorded_intake(db, case)
    if found is None:
        abort(404)
    try:
        receipt = recorded_intake.kept_receipt(db, case, context.staff, context.identity)
    except NoAccess:
        abort(404)
    first_shown = found.letter_shown_on
    if receipt is not None and first_shown is None:
        recorded_intake.mark_letter_shown(db, case)
        db.commit()
    return render_template(
        "investigator/receipt_letter.html",
        case=case,
        intake=found,
        receipt=receipt,
        first_shown=first_shown,
        letterhead=letterhead.current(db),
        channel_label=labels.CHANNELS[case.channel.value],
        address=external_url(url_for("reporter.login", lang=None)),
    )
