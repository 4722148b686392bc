"""The respondent's zone: its cookie on ``/klarifikasi`` only, opened by the invitation code.

Built as every code holder's zone (``code_holder_auth``). A respondent's
visit lasts as long as a reporter's: the same two settings govern both.
"""

from __future__ import annotations

from flask import Flask

from wbs_app.security.code_holder_auth import CodeHolderZone
from wbs_app.security.sides import RESPONDENT_PATH
from wbs_app.security.zones import RESPONDENT
from wbs_app.services.codes import code_holders, respondent_access
from wbs_app.services.respondents.respondent import RespondentContext

ZONE: CodeHolderZone[RespondentContext] = CodeHolderZone(
    name=RESPONDENT,
    kind=code_holders.RESPONDENT,
    cookie="lentera_respondent",
    path=RESPONDENT_PATH,
    login_endpoint="respondent.login",
    resume=respondent_access.resume,
)
COOKIE = ZONE.cookie
COOKIE_PATH = ZONE.path
signed_in_respondent = ZONE.signed_in  # the views' word for it


def register_respondent_guard(app: Flask) -> None:
    ZONE.register_guard(app)
