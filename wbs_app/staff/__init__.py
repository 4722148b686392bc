"""Staff sign-in: first-run set-up, activation, login, logout, password change; recovery.

Shared by administrators and handlers; what they reach after signing in lives
in the ``admin`` and ``investigator`` zones.
"""

from flask import Blueprint

bp = Blueprint("staff", __name__, url_prefix="/staf", template_folder="templates")

from wbs_app.staff import logo_views, recovery_views, routes, stats_views  # noqa: E402,F401 - registers the views on bp
