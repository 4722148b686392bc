"""The custodians' recovery page (/staf/pemulihan): no account, K shares, one action.

The actions: certify a handler's key (after comparing its fingerprint), or
give cases back to a certified handler whose key was lost.

Needs no administrator and no staff account: the shares are the credential.
The root seed exists only in memory while the one POST that carries the shares
runs; nothing of it is kept for a next request, not even sealed, so every
action asks for the shares again (``docs/crypto.md``, "Recovery session").
Shares are never drawn back into a page: the form is answered with empty
share fields, whatever happened.
"""

from __future__ import annotations

from typing import Any

from flask import render_template, request
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from wbs_app.db import request_session
from wbs_app.formats import local_time
from wbs_app.refusals import refusal_message
from wbs_app.security.zones import PUBLIC, zone
from wbs_app.services.infra.errors import DomainError
from wbs_app.services.office import organisation
from wbs_app.services.trust import recovery, root, rotation
from wbs_app.staff import bp
from wbs_app.staff.recovery_forms import RecoveryForm


def _form(*, empty: bool = False) -> RecoveryForm:
    """The page's form, as posted, or ``empty`` (after an action that was carried out)."""
    form = RecoveryForm(formdata=None) if empty else RecoveryForm()
    units = organisation.unit_tree(request_session())
    form.unit_id.choices = [SelectChoice(0, _("No unit: only the numbered cases"))] + [
        SelectChoice(node.unit.id, "\u2003" * node.depth + node.unit.name) for node in units
    ]
    return form


def _page(form: RecoveryForm, status: int = 200, **context: Any) -> tuple[str, int]:
    form.clear_shares()
    current = root.current_root(request_session())
    shown = {
        "error": None,
        "outcome": None,
        "certified": False,
        "target": None,
        "target_fingerprint": "",
    } | context
    return (
        render_template(
            "staff/recovery.html",
            form=form,
            root=current,
            threshold=current.threshold if current is not None else 0,
            running=rotation.pending(request_session()) is not None,
            **shown,
        ),
        status,
    )


@bp.route("/pemulihan", methods=["GET", "POST"])
@zone(PUBLIC)
def recovery_page() -> Any:
    form = _form()
    if request.method == "GET":
        return _page(form)
    if not form.validate_on_submit():
        return _page(form, 400)
    db = request_session()
    outcome = None
    try:
        if form.action.data == "certify":
            target = recovery.certify_with_shares(
                db, form.shares(), form.staff_email.data, form.fingerprint.data
            )
        else:
            target, outcome = recovery.regrant_with_shares(
                db, form.shares(), form.staff_email.data, form.case_ids(), form.unit_id.data or None
            )
    except recovery.RecoveryThrottled as locked:
        db.commit()  # the failure that locked it is counted
        message = _(
            "Too many wrong sets of shares. Try again after %(time)s.",
            time=local_time(locked.until),
        )
        return _page(form, 429, error=message)
    except root.SharesRefused as refused:
        db.commit()  # the failure counts towards the lock
        return _page(form, 400, error=refusal_message(refused))
    except DomainError as refused:
        db.rollback()
        return _page(form, 400, error=refusal_message(refused))
    db.commit()
    fingerprint = recovery.fingerprint_of(target)
    return _page(
        _form(empty=True),  # done: nothing left filled in as if it were still pending
        outcome=outcome,
        certified=outcome is None,
        target=target,
        target_fingerprint=fingerprint,
    )
