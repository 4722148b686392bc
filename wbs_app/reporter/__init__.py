"""The reporter zone: anonymous reports, the receipt, and coming back with it."""

from flask import Blueprint

bp = Blueprint("reporter", __name__, url_prefix="/lapor", template_folder="templates")

from wbs_app.reporter import routes  # noqa: E402,F401 - registers the views on bp
