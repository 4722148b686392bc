"""Handler views that correct where a case is filed: its category and its unit (journaled)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _

from wbs_app.db import request_session
from wbs_app.investigator import bp
from wbs_app.investigator.case_views import render_case
from wbs_app.investigator.cases import held_case
from wbs_app.investigator.classification import category_form, classification, move_form
from wbs_app.investigator.forms import CategoryChangeForm, MoveCaseForm
from wbs_app.refusals import refusal_message
from wbs_app.security.staff_auth import signed_in
from wbs_app.security.zones import INVESTIGATOR, zone
from wbs_app.services.cases import case_routing
from wbs_app.services.cases.case_keys import NoAccess
from wbs_app.services.cases.case_routing import RoutingRefused


@bp.post("/kasus/<int:case_id>/kategori")
@zone(INVESTIGATOR)
def change_category(case_id: int) -> Any:
    context = signed_in()
    case = held_case(case_id)
    form = category_form(case, CategoryChangeForm())
    if not form.validate_on_submit():
        return render_case(case, classification=classification(case, category=form), status=400)
    db = request_session()
    try:
        case_routing.recategorise(
            db, case, context.staff, context.identity, form.category_id.data, form.reason.data
        )
    except NoAccess:
        abort(404)
    except RoutingRefused as refused:
        db.rollback()
        form.category_id.errors = [refusal_message(refused)]
        case = held_case(case_id)
        return render_case(case, classification=classification(case, category=form), status=400)
    db.commit()
    flash(_("Category changed and recorded in the journal."))
    return redirect(url_for("investigator.case_page", case_id=case_id))


@bp.post("/kasus/<int:case_id>/unit")
@zone(INVESTIGATOR)
def move_case(case_id: int) -> Any:
    context = signed_in()
    case = held_case(case_id)
    form = move_form(case, MoveCaseForm())
    if not form.validate_on_submit():
        return render_case(case, classification=classification(case, move=form), status=400)
    db = request_session()
    try:
        moved = case_routing.move(
            db, case, context.staff, context.identity, form.unit_id.data, form.reason.data
        )
    except NoAccess:
        abort(404)
    except RoutingRefused as refused:
        db.rollback()
        form.unit_id.errors = [refusal_message(refused)]
        case = held_case(case_id)
        return render_case(case, classification=classification(case, move=form), status=400)
    db.commit()
    flash(
        _(
            "Case moved and recorded in the journal. Access given to: %(granted)s. "
            "Access removed from: %(revoked)s.",
            granted=", ".join(moved.granted) or "—",
            revoked=", ".join(moved.revoked) or "—",
        )
    )
    return redirect(url_for("investigator.case_page", case_id=case_id))
