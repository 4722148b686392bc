"""The reporter's zone: its cookie on ``/lapor`` only, opened by the receipt.

Built as every code holder's zone (``code_holder_auth``); its sessions last
``REPORTER_SESSION_IDLE_MINUTES`` without a request and
``REPORTER_SESSION_MAX_MINUTES`` in all.
"""

from __future__ import annotations

from flask import Flask, redirect, request, url_for
from werkzeug.wrappers import Response

from wbs_app.db import request_session
from wbs_app.security.code_holder_auth import CodeHolderZone
from wbs_app.security.sides import REPORTER_PATH
from wbs_app.security.zones import REPORTER, register_guard
from wbs_app.services.codes import code_holders, receipt_takeover, reporter_access
from wbs_app.services.codes.reporter_access import ReporterContext

ZONE: CodeHolderZone[ReporterContext] = CodeHolderZone(
    name=REPORTER,
    kind=code_holders.REPORTER,
    cookie="lentera_reporter",
    path=REPORTER_PATH,
    login_endpoint="reporter.login",
    resume=reporter_access.resume,
)
COOKIE = ZONE.cookie
COOKIE_PATH = ZONE.path
signed_in_reporter = ZONE.signed_in  # the views' word for it


# What a visit opened with a printed receipt may do before it has typed the new one back.
BEFORE_TAKE_OVER = frozenset(
    {"reporter.new_receipt", "reporter.confirm_new_receipt", "reporter.finish"}
)


def _guard() -> Response | None:
    """Every code holder's guard, then: a printed receipt's visit sees its new receipt first.

    Until the reporter types the new receipt back, the visit holds the printed
    receipt's identity, which the office knew: nothing it did would be the
    reporter's own, and an entry it signed (a withdrawal, a report of
    retaliation) would no longer verify once the new identity replaces it
    (``services.codes.receipt_takeover``). So it can do nothing else.
    """
    refusal = ZONE.guard()
    if refusal is not None:
        return refusal
    visit = ZONE.current()
    if (
        visit is not None
        and request.endpoint not in BEFORE_TAKE_OVER
        and receipt_takeover.awaits_take_over(request_session(), visit.case)
    ):
        return redirect(url_for("reporter.new_receipt"))
    return None


def register_reporter_guard(app: Flask) -> None:
    register_guard(app, REPORTER, _guard)
