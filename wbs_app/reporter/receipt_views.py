"""The page that shows a new report's receipt once, after the send's redirect.

``services.codes.receipt_handover`` keeps the receipt sealed between the send and
this page. The cookie that opens it is a browser-session cookie on this one
page's path (``/lapor/terkirim/<page>``), so two reports sent from two tabs
never share one, and no other page ever receives it; showing the page clears
it. A reload, the back button or a second post of the same form lands here
again and is told plainly that the report was sent and its code not kept.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import make_response, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from wbs_app.appctx import current_deadlines, external_url
from wbs_app.db import request_session
from wbs_app.reporter import bp
from wbs_app.security.cookies import clear_session_cookie, set_session_cookie
from wbs_app.security.zones import PUBLIC, zone
from wbs_app.services.codes import receipt_handover
from wbs_app.services.codes.receipt_handover import Handover
from wbs_app.services.infra.transactions import begin_write
from wbs_app.services.office import letterhead

COOKIE = "lentera_kode"


def _cookie_path(page: str) -> str:
    return urlsplit(url_for("reporter.receipt", page=page, lang=None)).path


def to_receipt_page(handover: Handover) -> Response:
    """The send's answer: 303 to the receipt page, with the cookie that opens it."""
    response = redirect(url_for("reporter.receipt", page=handover.page), 303)
    set_session_cookie(response, COOKIE, handover.cookie, _cookie_path(handover.page))
    return response


def if_already_sent(draft_field: str | None, first_post: bytes | None = None) -> Response | None:
    """For a form posted again after its draft became a case: the way to its receipt page."""
    handover = receipt_handover.already_sent(request_session(), draft_field, first_post)
    return to_receipt_page(handover) if handover is not None else None


@bp.get("/terkirim/<page>")
@zone(PUBLIC)
def receipt(page: str) -> Response:
    """The receipt, once; afterwards, what happened and what to do without it."""
    # A HEAD (a link checker, a prefetch) must not use the receipt up.
    cookie = request.cookies.get(COOKIE) if request.method == "GET" else None
    shown = None
    db = request_session()
    if cookie is not None:
        begin_write(db)  # the read that deletes the row holds the write lock from its start
        shown = receipt_handover.take(db, page, cookie)
    response = make_response(
        render_template(
            "reporter/receipt.html",
            receipt=shown,
            deadlines=current_deadlines(),
            # A printed code must say where it is used and whose service it is.
            office=letterhead.current(db).office_name,
            site=external_url(url_for("reporter.login", lang=None)),
        )
    )
    # Only a page drawn whole uses the receipt up: if drawing failed, the
    # hand-over is rolled back with the request and the next load shows it.
    db.commit()
    if cookie is not None:
        clear_session_cookie(response, COOKIE, _cookie_path(page))
    return response
