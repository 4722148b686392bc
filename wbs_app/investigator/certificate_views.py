"""A handler's key and certificate, and certifying a colleague (issue 17).

A handler reads out their own fingerprint (``/kunci``) to a certified
colleague, who types what they hear on the certify page (``/sertifikasi``):
the colleague's key then receives case keys. Both pages sit in the
investigator zone, so an administrator reaches neither (403); the service
refuses an administrator all the same.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from wbs_app.db import request_session
from wbs_app.form_base import row_id
from wbs_app.investigator import bp
from wbs_app.investigator.forms import CertifyForm
from wbs_app.models import StaffMember
from wbs_app.refusals import refusal_message
from wbs_app.security.staff_auth import signed_in
from wbs_app.security.zones import INVESTIGATOR, zone
from wbs_app.services.trust import certificates
from wbs_app.services.trust.status import custodians_certify_first


@bp.get("/kunci")
@zone(INVESTIGATOR)
def own_key() -> str:
    """The fingerprint of the key the handler holds, and whether (and by whom) it is certified."""
    db, context = request_session(), signed_in()
    return render_template(
        "investigator/own_key.html",
        staff=context.staff,
        cert=certificates.own_certificate_view(db, context.staff, context.identity.public()),
        first_key=custodians_certify_first(db, context.staff),
    )


def _page(
    status: int = 200,
    failed: int | None = None,
    form: CertifyForm | None = None,
    error: str | None = None,
) -> Any:
    context = signed_in()
    db = request_session()
    own = certificates.own_certificate_view(db, context.staff, context.identity.public())
    waiting = certificates.waiting_for(db, context.staff)
    return (
        render_template(
            "investigator/certify.html",
            own=own,
            waiting=waiting,
            form=CertifyForm(formdata=None),
            failed=failed,
            failed_form=form,
            first_key=custodians_certify_first(db, context.staff),
            error=error,
        ),
        status,
    )


@bp.get("/sertifikasi")
@zone(INVESTIGATOR)
def certify_page() -> Any:
    return _page()


@bp.post("/sertifikasi")
@zone(INVESTIGATOR)
def certify() -> Any:
    context = signed_in()
    db = request_session()
    form = CertifyForm()
    subject_id = row_id(form.staff_id.data)
    subject = db.get(StaffMember, subject_id) if subject_id is not None else None
    if subject is None:
        return _page(400, error=_("Choose a colleague from the list, then type their fingerprint."))
    if not form.validate_on_submit():
        if not form.fingerprint.errors:
            form.fingerprint.errors = [_("Type the fingerprint your colleague reads out.")]
        return _page(400, subject_id, form)
    try:
        certificates.certify_by_handler(
            db, subject, context.staff, context.identity, form.fingerprint.data
        )
    except certificates.CertificationRefused as refusal:
        db.rollback()
        form.fingerprint.errors = [refusal_message(refusal)]
        return _page(400, subject.id, form)
    db.commit()
    flash(
        _(
            "%(name)s's key is certified: they receive reports from now on.",
            name=subject.display_name,
        )
    )
    return redirect(url_for("investigator.certify_page"))
