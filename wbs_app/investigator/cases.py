"""The one way a handler view gets hold of a case: only if the handler holds a key of it."""

from __future__ import annotations

from flask import abort, make_response, render_template

from wbs_app.db import request_session
from wbs_app.models import Case
from wbs_app.security.staff_auth import signed_in
from wbs_app.services.cases import case_keys, regrant_wait


def held_case(case_id: int) -> Case:
    """The case, if the signed-in handler holds a current key of it; 404 otherwise.

    Asked before the posted form is read, so that a case of another unit
    answers exactly like one that does not exist, whatever is posted: no
    "write a message first", no "already granted", no "excluded".
    """
    db = request_session()
    case = db.get(Case, case_id)
    staff = signed_in().staff
    if case is None or not case_keys.is_holder(db, case, staff):
        # A case whose key a reset erased: she held it and knows its number, so
        # the page says it waits to be given back (its content stays closed).
        if case is not None and case.id in regrant_wait.awaiting(db, staff.id):
            page = render_template("investigator/case_waiting.html", case_id=case.id)
            abort(make_response(page, 403))
        abort(404)
    return case
