"""The respondent zone: the accused (or a witness) reads the allegation and answers it."""

from flask import Blueprint

bp = Blueprint("respondent", __name__, url_prefix="/klarifikasi", template_folder="templates")

from wbs_app.respondent import routes, takeover_views  # noqa: E402,F401 - registers the views
