"""Making a report: safety page, the form (streamed, encrypted uploads), review, send.

Nothing typed is lost on a mistake: every post of the form is saved as an
encrypted draft first, and the page comes back with the draft's key in a
hidden field, the files already attached listed, and the errors marked. The
send redirects to the receipt page (``receipt_views``); any of these forms
posted again once its draft became a case goes there too, and files nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import render_template
from werkzeug.datastructures import MultiDict

from wbs_app.db import request_session
from wbs_app.extensions import csrf
from wbs_app.refusals import refusal_message
from wbs_app.reporter import bp
from wbs_app.reporter.forms import NO_CATEGORY, ReportForm
from wbs_app.reporter.receipt_views import if_already_sent
from wbs_app.reporter.report_pages import (
    DRAFT_GONE,
    NOT_SURE,
    draft_lifetime,
    empty_form,
    fill_choices,
    gone_or_sent,
    render_form,
    render_review,
)
from wbs_app.security.bodies import takes_files
from wbs_app.security.zones import PUBLIC, zone
from wbs_app.services.cases import disk_caps, intake
from wbs_app.services.cases.case_records import FileInfo
from wbs_app.services.cases.intake import DraftPayload, IntakeError, OpenDraft
from wbs_app.services.codes import receipt_handover
from wbs_app.services.infra import sessions
from wbs_app.settings import settings
from wbs_app.web import uploads


@bp.get("/")
@zone(PUBLIC)
def start() -> str:
    """Before the form: how to stay safe while reporting."""
    return render_template("reporter/start.html")


@bp.get("/formulir")
@zone(PUBLIC)
def form() -> Any:
    report_form = ReportForm(formdata=None)
    fill_choices(report_form)
    return render_form(report_form, None)


@dataclass
class _Posted:
    """Which draft a post of the form writes to, decided when its first file arrives."""

    draft: OpenDraft
    expired: bool = False  # the posted draft was gone: this is a fresh one
    new: bool = True  # not yet stored
    repeat: bool = False  # the same first post again: its draft exists, change nothing
    first_post: bytes | None = None  # the tag of a first post on its own secret


def _open_or_start(fields: MultiDict[str, str]) -> _Posted:
    """The posted draft, or a new one not yet stored.

    The empty form is drawn with the secret its draft is to have (``new_draft``),
    so that the same first post sent again (back, then "resubmit") finds that
    draft, or once it was sent its marker, instead of starting a second report.
    Only the same answers make it the same post (``intake.first_post_tag``):
    other answers on that secret are a new report on a reused form page, and
    get a draft of their own rather than overwriting or losing anything.
    """
    db = request_session()
    lifetime = draft_lifetime()
    value = fields.get("draft")
    if value:
        try:
            return _Posted(intake.open_draft(db, value), new=False)
        except IntakeError:
            return _Posted(intake.start_draft(lifetime), expired=True)
    chosen = sessions.parse_cookie(fields.get("new_draft"))
    if chosen is None:
        return _Posted(intake.start_draft(lifetime))
    tag = intake.first_post_tag(chosen, fields)
    try:
        existing = intake.open_draft(db, chosen.cookie)
    except IntakeError:
        sent = receipt_handover.already_sent(db, chosen.cookie)
        if sent is not None and receipt_handover.already_sent(db, chosen.cookie, tag) is None:
            return _Posted(intake.start_draft(lifetime))  # sent before, with other answers
        return _Posted(intake.start_draft(lifetime, chosen, tag), first_post=tag)
    if existing.row.first_post_tag == tag:
        return _Posted(existing, new=False, repeat=True)
    return _Posted(intake.start_draft(lifetime))  # the form page reused for another report


def _payload(
    form: ReportForm, fields: MultiDict[str, str], files: list[FileInfo]
) -> DraftPayload:
    identity = None
    if form.give_identity.data and (form.identity_name.data or form.identity_contact.data):
        identity = {
            "name": form.identity_name.data or "",
            "contact": form.identity_contact.data or "",
        }
    unit = (
        form.unit.data if isinstance(form.unit.data, int) and form.unit.data != NOT_SURE else None
    )
    category = (
        form.category.data
        if isinstance(form.category.data, int) and form.category.data != NO_CATEGORY
        else None
    )
    report = {
        name: (fields.get(name) or "")[: intake.MAX_FIELD_CHARS] for name in intake.REPORT_FIELDS
    }
    return DraftPayload(
        unit_id=unit, category_id=category, report=report, identity=identity, files=files
    )


@bp.post("/formulir")
@takes_files
@zone(PUBLIC)
@csrf.exempt
def receive_form() -> Any:
    """The report form: files are encrypted as they stream in, then everything is a draft."""
    db = request_session()
    state: dict[str, Any] = {}
    checkpoint = uploads.checkpoint()
    caps = settings().disk_caps

    def keying(streamed: Any) -> tuple[bytes, str]:
        if "posted" not in state:
            state["posted"] = _open_or_start(streamed.fields)
        return state["posted"].draft.key, state["posted"].draft.case_uid

    def keying_a_file(streamed: Any) -> tuple[bytes, str]:
        # A file part arrived: refused (503) before its bytes are written if
        # the unsent drafts already hold their budget; a post without files
        # (the text alone) is still saved.
        disk_caps.check_drafts_budget(db, caps)
        return keying(streamed)

    parsed = uploads.receive(keying_a_file, checkpoint)
    if "posted" not in state:
        keying(parsed)
    checkpoint("parsed")  # every file is ciphertext in pending/; nothing is in the database
    posted: _Posted = state["posted"]
    draft = posted.draft
    if posted.repeat:
        # The same first post again (back, then "resubmit"): its draft exists
        # and may have been edited since; show it as it stands, add nothing.
        parsed.discard_files()
        return render_review(draft)
    if posted.first_post is not None:
        sent = if_already_sent(draft.secret.cookie, posted.first_post)
    else:  # a form whose draft is gone: sent from another tab, perhaps
        sent = if_already_sent(parsed.fields.get("draft")) if posted.expired else None
    if sent is not None:
        parsed.discard_files()  # the form posted again after sending: nothing to keep
        return sent
    if posted.new and not intake.keep_draft(db, draft):
        # The same first post sent twice at once (a double click): the other one
        # stored this draft with these fields and files; show it, add nothing twice.
        parsed.discard_files()
        try:
            return render_review(intake.open_draft(db, draft.secret.cookie))
        except IntakeError:
            return render_form(empty_form(), None, 400, DRAFT_GONE)
    if not posted.new:
        # Read again now that the body is in: another tab may have sent the
        # draft, or the sweep expired it, while the file streamed.
        try:
            draft = intake.open_draft(db, draft.secret.cookie)
        except IntakeError:
            parsed.discard_files()
            return gone_or_sent(draft.secret.cookie)
    new_files = uploads.file_infos(parsed.files)
    previous = draft.payload.files if draft.payload else []
    removed = set(parsed.fields.getlist("remove_file"))
    kept = [info for info in previous if info.storage_name not in removed]
    dropped = [info.storage_name for info in previous if info.storage_name in removed]
    intake.release_pending(db, dropped)
    over_caps = None
    try:
        # The files the draft keeps count too: posting it again adds none beyond its caps.
        disk_caps.check_draft([info.size for info in kept + new_files], caps)
    except disk_caps.TooManyFiles as full:
        over_caps = refusal_message(full)
        parsed.discard_files()  # what was typed is saved; these new files are not
        new_files = []
    for info in new_files:
        intake.register_pending(db, draft, info)

    report_form = ReportForm(formdata=parsed.fields)
    fill_choices(report_form)
    valid = report_form.validate()
    payload = _payload(report_form, parsed.fields, kept + new_files)
    if over_caps is not None:
        valid = False
        report_form.form_errors.append(over_caps)
    if valid:
        try:
            intake.validate_choice(db, payload.unit_id, payload.category_id)
        except IntakeError as error:
            valid = False
            report_form.form_errors.append(refusal_message(error))
    intake.save_draft(db, draft, payload, draft_lifetime())
    draft = OpenDraft(draft.row, draft.secret, payload)
    uploads.commit_and_promote((), discard=dropped)
    notice = DRAFT_GONE if posted.expired else None
    if not valid:
        return render_form(report_form, draft, 400, notice)
    return render_review(draft)
