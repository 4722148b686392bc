"""The reporter's zone: its cookie on ``/lapor`` only, opened by the receipt.

Built as every code holder's zone (``code_holder_auth``); its sessions last
``REPORTER_SESSION_IDLE_MINUTES`` without a request and
``REPORTER_SESSION_MAX_MINUTES`` in all.
"""

from __future__ import annotations

from flask import Flask

from wbs_app.security.code_holder_auth import CodeHolderZone
from wbs_app.security.sides import REPORTER_PATH
from wbs_app.security.zones import REPORTER
from wbs_app.services.codes import code_holders, reporter_access
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


def register_reporter_guard(app: Flask) -> None:
    ZONE.register_guard(app)
