"""The report form's pages, drawn for the form's views and the review's alike.

The form (``intake_views``) and the review and send (``review_views``) show
one another's pages: a refused send comes back to the review, a draft gone to
an empty form. What draws them is here, once.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import current_app, make_response, render_template
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from wbs_app.db import request_session
from wbs_app.i18n import current_language
from wbs_app.models import Category, Unit
from wbs_app.refusals import MESSAGES, refusal_message
from wbs_app.reporter.forms import NO_CATEGORY, DraftForm, ReportForm
from wbs_app.reporter.labels import (
    CHOOSE_CATEGORY_LABEL,
    NOT_SURE_LABEL,
    ROUTE_UP_OFFER,
)
from wbs_app.reporter.receipt_views import if_already_sent
from wbs_app.security.headers import PUZZLE_PAGE_CSP
from wbs_app.services.cases import delivery, intake, routing
from wbs_app.services.cases.intake import IntakeError, OpenDraft
from wbs_app.services.infra import proof_of_work, sessions
from wbs_app.services.office import organisation
from wbs_app.services.office.catalogue import active_categories
from wbs_app.services.office.organisation import TreeNode
from wbs_app.services.trust import certificates
from wbs_app.settings import settings

NOT_SURE = 0
# Said wherever the draft a page names is no longer stored.
DRAFT_GONE = MESSAGES["draft_gone"]


def fill_choices(form: ReportForm) -> list[TreeNode]:
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


def render_form(
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


def empty_form() -> ReportForm:
    report_form = ReportForm(formdata=None)
    fill_choices(report_form)
    return report_form


def draft_lifetime() -> timedelta:
    return settings().draft_lifetime


def render_review(
    draft: OpenDraft,
    error: Any = None,
    status: int = 200,
    excluded: frozenset[int] = frozenset(),
    offer: Unit | None = None,
) -> Any:
    """The review page; ``offer`` is the unit above to send to instead (``services.cases.routing``).

    ``excluded`` are the people the reporter ticked, shown ticked again.
    """
    db = request_session()
    payload = draft.payload
    if payload is None:
        return render_form(empty_form(), None, 400, DRAFT_GONE)
    try:
        unit_id = intake.target_unit(db, payload)
    except IntakeError as problem:
        return render_form(empty_form(), draft, 503, refusal_message(problem))
    handlers = delivery.eligible_handlers(db, unit_id)
    undeliverable = delivery.delivery_problem(handlers)
    # Who vouched for each recipient's key, and when: the reporter sees whom the
    # keys go to, not only names an administrator typed.
    views = {staff.id: certificates.certificate_view(db, staff) for staff in handlers}
    bits = settings().puzzle_bits
    puzzle = (
        proof_of_work.challenge(
            puzzle_key(), draft.case_uid, bits, int(draft_lifetime().total_seconds())
        )
        if bits
        else ""
    )
    return (
        render_template(
            "reporter/review.html",
            draft=draft,
            handlers=handlers,
            certificates=views,
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
            puzzle=puzzle,
        ),
        status,
        {"Content-Security-Policy": PUZZLE_PAGE_CSP} if puzzle else {},
    )


def puzzle_key() -> bytes:
    """The key that binds a puzzle to its draft: from the app's secret, shared by every worker."""
    secret = current_app.secret_key
    return secret.encode() if isinstance(secret, str) else bytes(secret or b"")


def gone_or_sent(draft_field: str | None) -> Response:
    """A form whose draft is gone: its receipt page if it became a case, else a new form."""
    return make_response(
        if_already_sent(draft_field) or render_form(empty_form(), None, 400, DRAFT_GONE)
    )
