"""Handler views."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from wbs_app.appctx import current_deadlines
from wbs_app.db import request_session
from wbs_app.investigator import bp, labels
from wbs_app.models import StaffRole
from wbs_app.security.staff_auth import signed_in
from wbs_app.security.zones import INVESTIGATOR, zone
from wbs_app.services.cases import case_routing, regrant_wait, staff_notices
from wbs_app.services.office import organisation
from wbs_app.services.trust import certificates, status
from wbs_app.staff.forms import EmptyForm


@bp.get("/")
@zone(INVESTIGATOR)
def index() -> str:
    """The handler's start page: the units they cover and the deadlines in force.

    A supervisor also sees whose cases of his units wait to be given back after
    a reset: he may hold them himself, or tell the custodians their numbers.
    """
    context = signed_in()
    staff = context.staff
    covered = case_routing.covered_units(request_session(), staff)
    team_waiting = (
        [
            waiting
            for waiting in regrant_wait.awaiting_people(request_session(), covered)
            if waiting.staff_id != staff.id
        ]
        if staff.role is StaffRole.SUPERVISOR
        else []
    )
    tree = [node for node in organisation.unit_tree(request_session()) if node.unit.id in covered]
    return render_template(
        "investigator/index.html",
        staff=staff,
        tree=tree,
        deadlines=current_deadlines(),
        cert=certificates.own_certificate_view(request_session(), staff, context.identity.public()),
        first_key=status.custodians_certify_first(request_session(), staff),
        awaiting=regrant_wait.awaiting(request_session(), staff.id),
        team_waiting=team_waiting,
        notices=staff_notices.unread(request_session(), staff),
        notice_labels=labels.resolved(labels.NOTICES),
        notices_form=EmptyForm(formdata=None),
    )


@bp.post("/pemberitahuan/dibaca")
@zone(INVESTIGATOR)
def read_all_notices() -> Response:
    """Mark every notice read: the person has seen the list (the cases keep their markers)."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    db = request_session()
    staff_notices.mark_all_read(db, signed_in().staff)
    db.commit()
    flash(_("Every notice is marked as read."))
    return redirect(url_for("investigator.index"))
