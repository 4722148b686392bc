"""The journal checkpoint page: a supervisor downloads the file to hand to an outside witness.

The page explains what the file is for; the download is a POST, because it
is recorded in the audit log (who handed the office's journal to a witness,
and when). The file itself names no case (``crypto.headlog``).
"""

from __future__ import annotations

from flask import Response, abort, render_template

from wbs_app.db import request_session
from wbs_app.investigator import bp
from wbs_app.security.staff_auth import signed_in
from wbs_app.security.zones import INVESTIGATOR, zone
from wbs_app.services.cases import head_log
from wbs_app.services.infra.transactions import begin_write


@bp.get("/jurnal/titik-periksa")
@zone(INVESTIGATOR)
def journal_checkpoint_page() -> str:
    staff = signed_in().staff
    if not head_log.may_hand_to_witness(staff):
        abort(403)
    db = request_session()
    return render_template(
        "investigator/journal_checkpoint.html",
        summary=head_log.summary(db),
        fingerprint=head_log.installation_key(db).public().fingerprint(),
    )


@bp.post("/jurnal/titik-periksa")
@zone(INVESTIGATOR)
def journal_checkpoint_download() -> Response:
    staff = signed_in().staff
    db = request_session()
    try:
        begin_write(db)
        text = head_log.witness_checkpoint_text(db, staff)
    except head_log.SupervisorsOnly:
        abort(403)
    db.commit()
    name = f"lentera-titik-periksa-{text.position}.txt"
    return Response(
        text.body,
        mimetype="text/plain",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
