"""The review page's actions: back to the form with everything as it was, or send.

The send creates the case in one transaction and redirects to the receipt
page (``receipt_views``); a refused send shows the review again with
everything kept, and the unit above offered where the reporter's exclusions
left no supervisor (``services.cases.routing``).
"""

from __future__ import annotations

from typing import Any

from flask import make_response, request
from werkzeug.wrappers import Response

from wbs_app.appctx import argon2_gate, argon2_params, current_deadlines, send_lanes
from wbs_app.db import request_session
from wbs_app.form_base import row_id
from wbs_app.refusals import refusal_message
from wbs_app.reporter import bp
from wbs_app.reporter.forms import DraftForm, ReportForm
from wbs_app.reporter.labels import (
    SEND_BUSY,
    SENDS_CROWDED,
)
from wbs_app.reporter.receipt_views import to_receipt_page
from wbs_app.reporter.report_pages import (
    DRAFT_GONE,
    NOT_SURE,
    draft_lifetime,
    empty_form,
    fill_choices,
    gone_or_sent,
    puzzle_key,
    render_form,
    render_review,
)
from wbs_app.security.zones import PUBLIC, zone
from wbs_app.services.cases import delivery, intake, routing
from wbs_app.services.cases.intake import IntakeError
from wbs_app.services.codes import receipt_handover
from wbs_app.services.infra import proof_of_work
from wbs_app.services.infra.argon2_gate import SUBMIT, Argon2Busy
from wbs_app.services.infra.send_lanes import SendBusy, slot_outside_transaction
from wbs_app.settings import settings
from wbs_app.web import uploads


@bp.post("/formulir/ubah")
@zone(PUBLIC)
def edit() -> Any:
    """Back from the review page to the form, with everything as it was."""
    form = DraftForm()
    if not form.validate_on_submit():
        return render_form(empty_form(), None, 400, DRAFT_GONE)
    db = request_session()
    try:
        draft = intake.open_draft(db, form.draft.data)
    except IntakeError:
        return gone_or_sent(form.draft.data)
    intake.renew_draft(db, draft, draft_lifetime())
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
    fill_choices(report_form)
    return render_form(report_form, draft)


def _send_refused(
    draft_field: str,
    error: Any,
    status: int = 400,
    excluded: frozenset[int] = frozenset(),
    code: str = "",
) -> Response:
    """The review page again, with everything kept and what to do; the draft is renewed.

    Where the reporter's exclusions left no supervisor, the page offers the
    unit above instead, if one can take the report (``services.cases.routing``).
    """
    db = request_session()
    db.rollback()
    try:
        draft = intake.open_draft(db, draft_field)
    except IntakeError:  # sent twice at once: the other request made the case
        return gone_or_sent(draft_field)
    intake.renew_draft(db, draft, draft_lifetime())
    db.commit()
    offer = None
    if code == delivery.EXCLUDED_SUPERVISORS and draft.payload is not None:
        offer = routing.unit_above(db, intake.target_unit(db, draft.payload), excluded)
        if offer is not None:
            error = None  # not an error: a choice, said as a warning with the offer
    return make_response(render_review(draft, error, status, excluded, offer))


@bp.post("/kirim")
@zone(PUBLIC)
def send() -> Any:
    """Create the case in one transaction, then redirect to the page that shows the receipt once.

    Sent again (a reload, the back button, a second click), the same draft
    finds its marker and goes to the same page instead of filing twice.
    """
    form = DraftForm()
    if not form.validate_on_submit():
        return render_form(empty_form(), None, 400, DRAFT_GONE)
    salt = settings().installation_salt
    db = request_session()
    try:
        draft = intake.open_draft(db, form.draft.data)
    except IntakeError:
        return gone_or_sent(form.draft.data)
    excluded = {staff_id for v in request.form.getlist("exclude") if (staff_id := row_id(v))}
    route_up = row_id(request.form.get("route_up"))
    checkpoint = uploads.checkpoint()
    first = proof_of_work.solved(
        puzzle_key(),
        draft.case_uid,
        settings().puzzle_bits,
        request.form.get("puzzle", ""),
        request.form.get("puzzle_solution", ""),
    )
    try:
        with slot_outside_transaction(db, send_lanes(), first):
            submitted = intake.submit(
                db,
                draft,
                excluded,
                current_deadlines(),
                salt,
                argon2_params(),
                gate=argon2_gate(SUBMIT),
                checkpoint=checkpoint,
                route_up=route_up,
                caps=settings().disk_caps,
            )
    except SendBusy as crowded:
        # Many reports at once, and this one found no place in its lane: the
        # review again, the exclusions still ticked, to send in a moment.
        # Refused before anything was written, and nothing is written now
        # (no renewal): in a flood, a refusal must stay cheap.
        crowded_page = make_response(render_review(draft, SENDS_CROWDED, 503, frozenset(excluded)))
        crowded_page.headers["Retry-After"] = str(crowded.retry_after)
        return crowded_page
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
