"""The administrator zone: units, categories, deadlines, letterhead, staff accounts, audit log.

Administrators hold no case keys and no page here shows report content.
"""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/staf/admin", template_folder="templates")


@bp.app_context_processor
def _labels() -> dict[str, object]:
    from wbs_app.admin.labels import AUDIT_ACTIONS, ROLES, STATUSES

    return {"audit_actions": AUDIT_ACTIONS, "role_labels": ROLES, "status_labels": STATUSES}


from wbs_app.admin import (  # noqa: E402,F401 - registers the views on bp
    confirm_views,
    deadline_views,
    letterhead_views,
    routes,
    unit_views,
    worker_view,
)
