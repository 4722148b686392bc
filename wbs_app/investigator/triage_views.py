"""Triage over HTTP: mark a case spam or duplicate, archive marked cases from the inbox.

The rules (who may, which cases, the journal entries) are in
``services.cases.triage``; these views parse, call it once and redirect.
"""

from __future__ import annotations

from flask import abort, redirect, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from wbs_app.db import request_session
from wbs_app.form_base import row_id
from wbs_app.investigator import bp
from wbs_app.investigator.cases import held_case
from wbs_app.notices import done, refused
from wbs_app.refusals import refusal_message
from wbs_app.security.staff_auth import signed_in
from wbs_app.security.zones import INVESTIGATOR, zone
from wbs_app.services.cases import triage
from wbs_app.services.cases.case_keys import NoAccess
from wbs_app.services.cases.triage import TriageRefused


@bp.post("/kasus/<int:case_id>/triase")
@zone(INVESTIGATOR)
def mark_triage(case_id: int) -> Response:
    context = signed_in()
    case = held_case(case_id)  # before the form is read: a foreign case is a 404
    if "mark" not in request.form:
        abort(400)
    db = request_session()
    try:
        chosen = triage.mark(
            db,
            case,
            context.staff,
            context.identity,
            request.form.get("mark", "")[:20],
            request.form.get("note", "")[: triage.MAX_NOTE_CHARS],
        )
    except NoAccess:
        abort(404)
    except TriageRefused as refusal:
        db.rollback()
        refused(str(refusal_message(refusal)))
        return redirect(url_for("investigator.case_page", case_id=case_id))
    db.commit()
    done(_("Marked in the journal.") if chosen else _("The mark was cleared in the journal."))
    return redirect(url_for("investigator.case_page", case_id=case_id))


@bp.post("/kasus/arsipkan")
@zone(INVESTIGATOR)
def archive_marked() -> Response:
    """Archive the ticked cases of the inbox, all of them or none."""
    context = signed_in()
    db = request_session()
    chosen = [
        case_id
        for value in request.form.getlist("case")[: triage.MAX_BULK + 1]
        if (case_id := row_id(value))
    ]
    back = url_for("investigator.inbox_page", triage="1")
    try:
        count = triage.archive(db, context.staff, context.identity, chosen)
    except NoAccess:
        abort(404)
    except TriageRefused as refusal:
        db.rollback()
        refused(str(refusal_message(refusal)))
        return redirect(back)
    db.commit()
    done(_("%(count)d cases archived; each step is in its journal.", count=count))
    return redirect(back)
