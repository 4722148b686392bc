"""Handler views for access to a case: grant, revoke, assign (each a journal entry)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from wbs_app.db import request_session
from wbs_app.investigator import bp
from wbs_app.investigator.cases import held_case
from wbs_app.investigator.forms import AccessForm
from wbs_app.models import StaffMember
from wbs_app.notices import refused
from wbs_app.refusals import MESSAGES, refusal_message
from wbs_app.security.staff_auth import signed_in
from wbs_app.security.zones import INVESTIGATOR, zone
from wbs_app.services.cases import access
from wbs_app.services.cases.access import AccessRefused
from wbs_app.services.cases.case_keys import NoAccess


def _change(case_id: int, action: access.HolderChange, done: str) -> Response:
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
    except AccessRefused as refusal:
        db.rollback()
        refused(refusal_message(refusal))
        return redirect(url_for("investigator.case_page", case_id=case_id))
    db.commit()
    if action is access.revoke and target.id == context.staff.id:
        # The case page is closed to them now: the inbox, saying what happened.
        flash(_("You gave up your access to case #%(id)s.", id=case_id))
        return redirect(url_for("investigator.inbox_page"))
    flash(done)
    return redirect(url_for("investigator.case_page", case_id=case_id))


@bp.get("/kasus/<int:case_id>/akses/cabut/<int:staff_id>")
@zone(INVESTIGATOR)
def confirm_revoke(case_id: int, staff_id: int) -> str:
    """What revoking this holder does, before the button that does it."""
    context = signed_in()
    db = request_session()
    case = held_case(case_id)
    holder = next((h for h in access.holders(db, case) if h.staff.id == staff_id), None)
    if holder is None:
        abort(404)
    name = holder.staff.display_name
    if staff_id == context.staff.id:
        heading = _("Give up your access to case #%(id)s?", id=case_id)
        consequences = [
            _(
                "Your key to this case is deleted: you can no longer open it, read its messages"
                " or its journal."
            ),
            _("Only a colleague who still holds the case can grant it to you again."),
            _("You are then taken to your list of cases."),
        ]
        button = _("Yes, give up my access")
    else:
        heading = _("Revoke %(name)s's access to case #%(id)s?", name=name, id=case_id)
        consequences = [
            _(
                "%(name)s's key to this case is deleted: they can no longer open it, read its"
                " messages or its journal.",
                name=name,
            ),
            _("A handler who holds the case can grant it to them again."),
        ]
        button = _("Yes, revoke the access")
    if case.assignee_id == staff_id:
        consequences.append(_("The case is no longer assigned to anyone."))
    consequences.append(_("The revocation is recorded in the case's journal."))
    last = bool(access.sole_holder_cases(db, staff_id, case.id))
    return render_template(
        "confirm.html",
        heading=heading,
        consequences=consequences,
        refusal=[str(MESSAGES["last_holder"])] if last else None,
        form=AccessForm(formdata=None),
        hidden={"staff_id": staff_id},
        action=url_for("investigator.revoke_access", case_id=case_id),
        button=button,
        cancel=url_for("investigator.case_page", case_id=case_id),
        nav="investigator/_nav.html",
    )


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
