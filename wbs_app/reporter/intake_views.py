"""Making a report: safety page, the form (streamed, encrypted uploads), review, send.

Nothing typed is lost on a mistake: every post of the form is saved as an
encrypted draft first, and the page comes back with the draft's key in a
hidden field, the files already attached listed, and the errors marked. The
send redirects to the receipt page (``receipt_views``); any of these forms
posted again once its draft became a case goes there too, and files nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import make_response, render_template, request
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from wbs_app.appctx import argon2_gate, argon2_params, current_deadlines
from wbs_app.db import request_session
from wbs_app.extensions import csrf
from wbs_app.i18n import current_language
from wbs_app.models import Category, Unit
from wbs_app.refusals import MESSAGES, refusal_message
from wbs_app.reporter import bp
from wbs_app.reporter.forms import NO_CATEGORY, DraftForm, ReportForm
from wbs_app.reporter.labels import (
    CHOOSE_CATEGORY_LABEL,
    NOT_SURE_LABEL,
    ROUTE_UP_OFFER,
    SEND_BUSY,
    TOO_MANY_FILES,
)
from wbs_app.reporter.receipt_views import if_already_sent, to_receipt_page
from wbs_app.security.zones import PUBLIC, zone
from wbs_app.services.cases import delivery, intake, routing
from wbs_app.services.cases.case_records import FileInfo
from wbs_app.services.cases.intake import DraftPayload, IntakeError, OpenDraft
from wbs_app.services.codes import receipt_handover
from wbs_app.services.infra import sessions
from wbs_app.services.infra.argon2_gate import Argon2Busy
from wbs_app.services.office import organisation
from wbs_app.services.office.catalogue import active_categories
from wbs_app.services.office.organisation import TreeNode
from wbs_app.settings import settings
from wbs_app.web import uploads

NOT_SURE = 0
# Said wherever the draft a page names is no longer stored.
DRAFT_GONE = MESSAGES["draft_gone"]


@bp.get("/")
@zone(PUBLIC)
def start() -> str:
    """Before the form: how to stay safe while reporting."""
    return render_template("reporter/start.html")


def _choices(form: ReportForm) -> list[TreeNode]:
    db = request_session()
    tree = organisation.unit_tree(db, active_only=True)
    form.unit.choices = [SelectChoice(NOT_SURE, str(NOT_SURE_LABEL))] + [
        SelectChoice(node.unit.id, "— " * node.depth + node.unit.name) for node in tree
    ]
    language = current_language()
    # Nothing chosen for the reporter: an untouched list would file every report as its first entry.
    form.category.choices = [SelectChoice(NO_CATEGORY, str(CHOOSE_CATEGORY_LABEL))] + [
        SelectChoice(category.id, category.name(language)) for category in active_categories(db)
    ]
    return tree


def _render_form(
    form: ReportForm, draft: OpenDraft | None, status: int = 200, notice: Any = None
) -> Any:
    files = draft.payload.files if draft and draft.payload else []
    return (
        render_template(
            "reporter/form.html",
            form=form,
            draft_secret=draft.secret.cookie if draft else "",
            new_draft=sessions.new_secret().cookie,
            files=files,
            notice=notice,
            max_upload_mib=settings().max_upload_mib,
        ),
        status,
    )


@bp.get("/formulir")
@zone(PUBLIC)
def form() -> Any:
    report_form = ReportForm(formdata=None)
    _choices(report_form)
    return _render_form(report_form, None)


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
    lifetime = _draft_lifetime()
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


def _draft_lifetime() -> timedelta:
    return settings().draft_lifetime


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
@zone(PUBLIC)
@csrf.exempt
def receive_form() -> Any:
    """The report form: files are encrypted as they stream in, then everything is a draft."""
    db = request_session()
    state: dict[str, Any] = {}
    checkpoint = uploads.checkpoint()

    def keying(streamed: Any) -> tuple[bytes, str]:
        if "posted" not in state:
            state["posted"] = _open_or_start(streamed.fields)
        return state["posted"].draft.key, state["posted"].draft.case_uid

    parsed = uploads.receive(keying, checkpoint)
    if "posted" not in state:
        keying(parsed)
    checkpoint("parsed")  # every file is ciphertext in pending/; nothing is in the database
    posted: _Posted = state["posted"]
    draft = posted.draft
    if posted.repeat:
        # The same first post again (back, then "resubmit"): its draft exists
        # and may have been edited since; show it as it stands, add nothing.
        parsed.discard_files()
        return _render_review(draft)
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
            return _render_review(intake.open_draft(db, draft.secret.cookie))
        except IntakeError:
            return _render_form(_empty_form(), None, 400, DRAFT_GONE)
    if not posted.new:
        # Read again now that the body is in: another tab may have sent the
        # draft, or the sweep expired it, while the file streamed.
        try:
            draft = intake.open_draft(db, draft.secret.cookie)
        except IntakeError:
            parsed.discard_files()
            return if_already_sent(draft.secret.cookie) or _render_form(
                _empty_form(), None, 400, DRAFT_GONE
            )
    new_files = uploads.file_infos(parsed.files)
    for info in new_files:
        intake.register_pending(db, draft, info.storage_name)
    previous = draft.payload.files if draft.payload else []
    removed = set(parsed.fields.getlist("remove_file"))
    kept = [info for info in previous if info.storage_name not in removed]
    dropped = [info.storage_name for info in previous if info.storage_name in removed]
    intake.release_pending(db, dropped)

    report_form = ReportForm(formdata=parsed.fields)
    _choices(report_form)
    valid = report_form.validate()
    payload = _payload(report_form, parsed.fields, kept + new_files)
    if len(payload.files) > settings().max_files_per_submission:
        valid = False
        report_form.form_errors.append(TOO_MANY_FILES)
    if valid:
        try:
            intake.validate_choice(db, payload.unit_id, payload.category_id)
        except IntakeError as error:
            valid = False
            report_form.form_errors.append(refusal_message(error))
    intake.save_draft(db, draft, payload, _draft_lifetime())
    draft = OpenDraft(draft.row, draft.secret, payload)
    uploads.commit_and_promote((), discard=dropped)
    notice = DRAFT_GONE if posted.expired else None
    if not valid:
        return _render_form(report_form, draft, 400, notice)
    return _render_review(draft)


def _render_review(
    draft: OpenDraft,
    error: Any = None,
    status: int = 200,
    excluded: frozenset[int] = frozenset(),
    offer: Unit | None = None,
) -> Any:
    """The review page; ``offer`` is the unit above to send to instead (``services.routing``).

    ``excluded`` are the people the reporter ticked, shown ticked again.
    """
    db = request_session()
    payload = draft.payload
    if payload is None:
        return _render_form(_empty_form(), None, 400, DRAFT_GONE)
    try:
        unit_id = intake.target_unit(db, payload)
    except IntakeError as problem:
        return _render_form(_empty_form(), draft, 503, refusal_message(problem))
    handlers = delivery.eligible_handlers(db, unit_id)
    undeliverable = delivery.delivery_problem(handlers)
    return (
        render_template(
            "reporter/review.html",
            draft=draft,
            handlers=handlers,
            # Said before the reporter presses send, unless sending just said it.
            warning=ROUTE_UP_OFFER
            if offer is not None
            else (MESSAGES[undeliverable] if undeliverable and error is None else None),
            excluded=excluded,
            offer=offer,
            can_route_up=routing.has_unit_above(db, unit_id),
            unit=db.get(Unit, unit_id),
            category=db.get(Category, payload.category_id) if payload.category_id else None,
            error=error,
            form=DraftForm(formdata=None),
        ),
        status,
    )


@bp.post("/formulir/ubah")
@zone(PUBLIC)
def edit() -> Any:
    """Back from the review page to the form, with everything as it was."""
    form = DraftForm()
    if not form.validate_on_submit():
        return _render_form(_empty_form(), None, 400, DRAFT_GONE)
    db = request_session()
    try:
        draft = intake.open_draft(db, form.draft.data)
    except IntakeError:
        return if_already_sent(form.draft.data) or _render_form(
            _empty_form(), None, 400, DRAFT_GONE
        )
    intake.renew_draft(db, draft, _draft_lifetime())
    db.commit()
    payload = draft.payload
    data: dict[str, Any] = {}
    if payload is not None:
        data = dict(payload.report)
        data.update(unit=payload.unit_id or NOT_SURE, category=payload.category_id)
        if payload.identity:
            data.update(
                give_identity=True,
                identity_name=payload.identity.get("name", ""),
                identity_contact=payload.identity.get("contact", ""),
            )
    report_form = ReportForm(formdata=None, data=data)
    _choices(report_form)
    return _render_form(report_form, draft)


def _send_refused(
    draft_field: str,
    error: Any,
    status: int = 400,
    excluded: frozenset[int] = frozenset(),
    code: str = "",
) -> Response:
    """The review page again, with everything kept and what to do; the draft is renewed.

    Where the reporter's exclusions left no supervisor, the page offers the
    unit above instead, if one can take the report (``services.routing``).
    """
    db = request_session()
    db.rollback()
    try:
        draft = intake.open_draft(db, draft_field)
    except IntakeError:  # sent twice at once: the other request made the case
        return make_response(
            if_already_sent(draft_field) or _render_form(_empty_form(), None, 400, DRAFT_GONE)
        )
    intake.renew_draft(db, draft, _draft_lifetime())
    db.commit()
    offer = None
    if code == delivery.EXCLUDED_SUPERVISORS and draft.payload is not None:
        offer = routing.unit_above(db, intake.target_unit(db, draft.payload), excluded)
        if offer is not None:
            error = None  # not an error: a choice, said as a warning with the offer
    return make_response(_render_review(draft, error, status, excluded, offer))


def _empty_form() -> ReportForm:
    report_form = ReportForm(formdata=None)
    _choices(report_form)
    return report_form


@bp.post("/kirim")
@zone(PUBLIC)
def send() -> Any:
    """Create the case in one transaction, then redirect to the page that shows the receipt once.

    Sent again (a reload, the back button, a second click), the same draft
    finds its marker and goes to the same page instead of filing twice.
    """
    form = DraftForm()
    if not form.validate_on_submit():
        return _render_form(_empty_form(), None, 400, DRAFT_GONE)
    salt = settings().installation_salt
    db = request_session()
    try:
        draft = intake.open_draft(db, form.draft.data)
    except IntakeError:
        return if_already_sent(form.draft.data) or _render_form(
            _empty_form(), None, 400, DRAFT_GONE
        )
    excluded = {
        int(v)
        for v in request.form.getlist("exclude")
        if v.isascii() and v.isdigit() and len(v) < 12
    }
    above = request.form.get("route_up", "")
    route_up = int(above) if above.isascii() and above.isdigit() and len(above) < 12 else None
    checkpoint = uploads.checkpoint()
    try:
        submitted = intake.submit(
            db,
            draft,
            excluded,
            current_deadlines(),
            salt,
            argon2_params(),
            gate=argon2_gate(),
            checkpoint=checkpoint,
            route_up=route_up,
        )
    except IntakeError as error:
        return _send_refused(
            form.draft.data,
            refusal_message(error),
            excluded=frozenset(excluded),
            code=error.code,
        )
    except Argon2Busy as busy:
        # Other people's sign-ins hold every Argon2 slot: nothing the reporter
        # can mend, so the review comes back to be sent again in a moment.
        response = _send_refused(form.draft.data, SEND_BUSY, 503)
        response.headers["Retry-After"] = str(busy.retry_after)
        return response
    handover = receipt_handover.keep(db, draft.secret, submitted.receipt, draft.row.first_post_tag)
    # The receipt is not sent until the case and its files are all in place.
    uploads.commit_and_promote(submitted.storage_names, checkpoint=checkpoint)
    return to_receipt_page(handover)
