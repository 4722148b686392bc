"""The one way a handler view gets hold of a case: only if the handler holds a key of it."""

from __future__ import annotations

from flask import abort

from wbs_app.db import request_session
from wbs_app.models import Case
from wbs_app.security.staff_auth import signed_in
from wbs_app.services.cases import case_keys


def held_case(case_id: int) -> Case:
    """The case, if the signed-in handler holds a current key of it; 404 otherwise.

    Asked before the posted form is read, so that a case of another unit
    answers exactly like one that does not exist, whatever is posted: no
    "write a message first", no "already granted", no "excluded".
    """
    db = request_session()
    case = db.get(Case, case_id)
    if case is None or not case_keys.is_holder(db, case, signed_in().staff):
        abort(404)
    return case
