"""The letterhead's logo, served from its file under ``instance/`` to signed-in staff.

Letters are drawn in the investigator zone and the letterhead is edited in the
administrator zone; the logo is the office's public emblem, so any signed-in
staff member may load it. It is re-checked on every request
(``services.office.letterhead.logo_file``), so a setting changed behind the page's
back can never serve another file.
"""

from __future__ import annotations

from pathlib import Path

from flask import abort, current_app
from werkzeug.wrappers import Response

from wbs_app.db import request_session
from wbs_app.security.zones import STAFF, zone
from wbs_app.services.office import letterhead
from wbs_app.services.office.letterhead import LetterheadError
from wbs_app.staff import bp


@bp.get("/kop-surat/logo")
@zone(STAFF)
def letterhead_logo() -> Response:
    logo_path = letterhead.current(request_session()).logo_path
    if not logo_path:
        abort(404)
    try:
        logo = letterhead.logo_file(Path(current_app.instance_path), logo_path)
    except LetterheadError:
        abort(404)
    response = Response(logo.path.read_bytes(), mimetype=logo.mimetype)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
