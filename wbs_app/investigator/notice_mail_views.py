"""A handler's choice of e-mail about notices: at once, a daily digest, or none; and its language.

The mail itself says only that there is something to see (``services.staff.notice_mail``);
this page also says whether the installation sends mail at all, so that
nobody counts on a mail that no server will send.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from wbs_app.db import request_session
from wbs_app.investigator import bp
from wbs_app.investigator.forms import NoticeMailForm
from wbs_app.models import NoticeMail
from wbs_app.security.staff_auth import signed_in
from wbs_app.security.zones import INVESTIGATOR, zone
from wbs_app.services.staff import notice_mail
from wbs_app.settings import settings


@bp.route("/pemberitahuan/surel", methods=["GET", "POST"])
@zone(INVESTIGATOR)
def notice_mail_settings() -> Any:
    staff = signed_in().staff
    form = NoticeMailForm()
    if not form.is_submitted():  # a post must carry both choices; a missing one is an error
        form.mode.data, form.language.data = staff.notice_mail.value, staff.mail_language
    if form.validate_on_submit():
        db = request_session()
        notice_mail.set_preferences(db, staff, NoticeMail(form.mode.data), form.language.data)
        db.commit()
        flash(_("Your choice of e-mail is saved."))
        return redirect(url_for("investigator.notice_mail_settings"))
    status = 400 if form.is_submitted() else 200
    return render_template(
        "investigator/notice_mail.html",
        form=form,
        mail_configured=settings().mail is not None,
        address=staff.email,
    ), status
