"""The investigator zone: handlers' (investigators' and supervisors') pages."""

from flask import Blueprint

bp = Blueprint("investigator", __name__, url_prefix="/staf/pengelola", template_folder="templates")

from wbs_app.investigator import (  # noqa: E402,F401 - registers the views
    access_views,
    case_views,
    certificate_views,
    channel_views,
    classification_views,
    invitation_views,
    journal_views,
    notice_mail_views,
    recording_views,
    routes,
    takeover_views,
    triage_views,
)
