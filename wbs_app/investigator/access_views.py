"""Handler views for access to a case: grant, revoke, assign (each a journal entry)."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from crypto import Identity
from wbs_app.db import request_session
from wbs_app.investigator import bp, labels
from wbs_app.investigator.cases import held_case
from wbs_app.investigator.forms import AccessForm
from wbs_app.models import Case, StaffMember
from wbs_app.security.staff_auth import signed_in
from wbs_app.security.zones import INVESTIGATOR, zone
from wbs_app.services import access
from wbs_app.services.access import AccessRefused
from wbs_app.services.case_keys import NoAccess

Change = Callable[[Session, Case, StaffMember, Identity, StaffMember], None]


def _change(case_id: int, action: Change, done: str) -> Response:
    context = signed_in()
    db = request_session()
    case = held_case(case_id)
    form = AccessForm()
    target = db.get(StaffMember, form.staff_id.data) if form.validate_on_submit() else None
    if target is None:
        abort(400)
    try:
        action(db, case, context.staff, context.identity, target)
    except NoAccess:
        abort(404)
    except AccessRefused as refused:
        db.rollback()
        flash(str(labels.ACCESS_ERRORS.get(refused.code, labels.ACCESS_ERRORS["refused"])))
        return redirect(url_for("investigator.case_page", case_id=case_id))
    db.commit()
    flash(done)
    return redirect(url_for("investigator.case_page", case_id=case_id))


@bp.post("/kasus/<int:case_id>/akses/beri")
@zone(INVESTIGATOR)
def grant_access(case_id: int) -> Response:
    return _change(case_id, access.grant, _("Access granted."))


@bp.post("/kasus/<int:case_id>/akses/cabut")
@zone(INVESTIGATOR)
def revoke_access(case_id: int) -> Response:
    return _change(case_id, access.revoke, _("Access revoked."))


@bp.post("/kasus/<int:case_id>/akses/tugaskan")
@zone(INVESTIGATOR)
def assign_case(case_id: int) -> Response:
    return _change(case_id, access.assign, _("Case assigned."))
