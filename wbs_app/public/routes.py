"""Landing page, the anonymity guide and self-hosted assets: all public, all without JavaScript."""

from __future__ import annotations

from pathlib import Path

from flask import render_template, send_from_directory
from werkzeug.wrappers import Response

from wbs_app.appctx import current_deadlines
from wbs_app.db import request_session
from wbs_app.i18n import current_language
from wbs_app.public import bp
from wbs_app.security.zones import PUBLIC, zone
from wbs_app.services.office.catalogue import active_categories

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"


@bp.get("/")
@zone(PUBLIC)
def index() -> str:
    categories = active_categories(request_session())
    return render_template(
        "public/index.html",
        categories=[category.name(current_language()) for category in categories],
        deadlines=current_deadlines(),
    )


@bp.get("/panduan-anonim")
@zone(PUBLIC)
def anonymity_guide() -> str:
    return render_template("public/anonymity.html")


@bp.get("/static/<path:filename>")
@zone(PUBLIC)
def static(filename: str) -> Response:
    """Assets without ETag or Last-Modified, which could help correlate visits."""
    return send_from_directory(STATIC_DIR, filename, etag=False, last_modified=None, max_age=0)
