"""The public zone: pages anyone may read without a session (landing, guidance, assets)."""

from flask import Blueprint

bp = Blueprint("public", __name__, template_folder="templates")

from wbs_app.public import moved, routes, transparency_views  # noqa: E402,F401 - registers the views on bp
