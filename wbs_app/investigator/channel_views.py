"""Handler views that link a case to another and refer it to the tier above (both journaled)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _

from wbs_app.db import request_session
from wbs_app.form_base import row_id
from wbs_app.investigator import bp
from wbs_app.investigator.case_views import render_case
from wbs_app.investigator.cases import held_case
from wbs_app.investigator.forms import LinkForm, ReferUpForm, UnlinkForm
from wbs_app.investigator.linking import linking
from wbs_app.models import LinkKind
from wbs_app.refusals import refusal_message
from wbs_app.security.staff_auth import signed_in
from wbs_app.security.zones import INVESTIGATOR, zone
from wbs_app.services.cases import case_keys, case_links, case_routing
from wbs_app.services.cases.case_keys import NoAccess
from wbs_app.services.cases.case_links import LinkRefused
from wbs_app.services.cases.case_routing import RoutingRefused


@bp.post("/kasus/<int:case_id>/tautan")
@zone(INVESTIGATOR)
def link_case(case_id: int) -> Any:
    context = signed_in()
    case = held_case(case_id)
    form = LinkForm()
    if not form.validate_on_submit():
        return render_case(case, linking=linking(case, link_form=form), status=400)
    db = request_session()
    try:
        other = case_links.link(
            db,
            case,
            row_id(form.other_case.data),
            LinkKind(form.kind.data),
            context.staff,
            context.identity,
            form.note.data or "",
        )
    except NoAccess:
        abort(404)
    except LinkRefused as refused:
        db.rollback()
        form.other_case.errors = [refusal_message(refused)]
        case = held_case(case_id)
        return render_case(case, linking=linking(case, link_form=form), status=400)
    db.commit()
    flash(
        _(
            "Case #%(id)s is linked to case #%(other)s, in both journals.",
            id=case.id,
            other=other.id,
        )
    )
    return redirect(url_for("investigator.case_page", case_id=case_id))


@bp.post("/kasus/<int:case_id>/tautan/hapus")
@zone(INVESTIGATOR)
def unlink_case(case_id: int) -> Any:
    context = signed_in()
    case = held_case(case_id)
    form = UnlinkForm()
    if not form.validate_on_submit():
        abort(400)
    db = request_session()
    try:
        other = case_links.unlink(
            db, case, row_id(form.other_case.data), context.staff, context.identity
        )
    except NoAccess:
        abort(404)
    except LinkRefused as refused:
        db.rollback()
        flash(refusal_message(refused), "error")
        return redirect(url_for("investigator.case_page", case_id=case_id))
    db.commit()
    flash(_("The link to case #%(other)s is removed, in both journals.", other=other.id))
    return redirect(url_for("investigator.case_page", case_id=case_id))


@bp.post("/kasus/<int:case_id>/teruskan-ke-atas")
@zone(INVESTIGATOR)
def refer_up(case_id: int) -> Any:
    context = signed_in()
    case = held_case(case_id)
    form = ReferUpForm()
    if not form.validate_on_submit():
        return render_case(case, linking=linking(case, refer_form=form), status=400)
    db = request_session()
    try:
        moved = case_routing.refer_up(
            db,
            case,
            context.staff,
            context.identity,
            form.reason.data,
            keep_access=bool(form.keep_access.data),
        )
    except NoAccess:
        abort(404)
    except RoutingRefused as refused:
        db.rollback()
        form.reason.errors = [refusal_message(refused)]
        case = held_case(case_id)
        return render_case(case, linking=linking(case, refer_form=form), status=400)
    db.commit()
    flash(
        _(
            "Case referred to the tier above and recorded in the journal; the reporter is told. "
            "Access given to: %(granted)s. Access removed from: %(revoked)s.",
            granted=", ".join(moved.granted) or "—",
            revoked=", ".join(moved.revoked) or "—",
        )
    )
    if not case_keys.is_holder(db, case, context.staff):
        return redirect(url_for("investigator.inbox_page"))  # no longer theirs to open
    return redirect(url_for("investigator.case_page", case_id=case_id))
