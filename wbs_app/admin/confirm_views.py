"""The pages that ask before an account is deactivated or its password reset.

Both were one click on the account's page. A reset erases the person's
personal key for good, so every case they hold must be granted to them again;
a deactivation ends their sessions at once. Each page says that in plain
words, and says beforehand when the action will be refused because the person
is the only one who can still open a case; its form posts to the action's own
view in ``routes.py``.
"""

from __future__ import annotations

from flask import abort, render_template, url_for
from flask_babel import gettext as _

from wbs_app.admin import bp
from wbs_app.admin.routes import _actor, _staff_or_404
from wbs_app.db import request_session
from wbs_app.models import StaffMember, StaffStatus
from wbs_app.security.zones import ADMIN, zone
from wbs_app.services.cases import access
from wbs_app.services.staff import staff_sessions
from wbs_app.staff.forms import EmptyForm


def _confirm(
    staff: StaffMember,
    heading: str,
    consequences: list[str],
    action: str,
    button: str,
    *,
    recovery_counts: bool = False,
) -> str:
    db = request_session()
    sole = access.sole_holder_cases(db, staff.id, recovery_counts=recovery_counts)
    refusal = (
        [
            _(
                "This will be refused: %(name)s is the only one who can open these cases. They"
                " must first grant each one to a colleague (on the case's page, under Access).",
                name=staff.display_name,
            )
        ]
        if sole
        else None
    )
    return render_template(
        "confirm.html",
        heading=heading,
        consequences=consequences,
        refusal=refusal,
        refusal_cases=sole,
        form=EmptyForm(),
        hidden={},
        action=url_for(action, staff_id=staff.id),
        button=button,
        cancel=url_for("admin.staff_detail", staff_id=staff.id),
        nav="admin/_nav.html",
    )


def _other(staff_id: int) -> StaffMember:
    """The account, if it is not the administrator's own (whose page offers neither action)."""
    staff = _staff_or_404(staff_id)
    if staff.id == _actor().id:
        abort(404)
    return staff


def _sessions(staff: StaffMember) -> str:
    count = staff_sessions.active_count(request_session(), staff.id)
    return str(_("Every session they have open ends at once (open now: %(count)s).", count=count))


@bp.get("/staf/<int:staff_id>/nonaktifkan")
@zone(ADMIN)
def confirm_deactivate(staff_id: int) -> str:
    staff = _other(staff_id)
    if staff.status is not StaffStatus.ACTIVE:
        abort(404)
    name = staff.display_name
    return _confirm(
        staff,
        _("Deactivate %(name)s's account?", name=name),
        [
            _("%(name)s can no longer sign in.", name=name),
            _sessions(staff),
            _(
                "Their key is kept, locked: the cases they hold cannot be opened by them until"
                " the account is reactivated, and then they can again."
            ),
            _(
                "Their key's certificate ends now: after a reactivation they receive no new"
                " report until a certified colleague certifies them again."
            ),
            _("The deactivation is recorded in the audit log."),
        ],
        "admin.deactivate",
        _("Yes, deactivate the account"),
    )


@bp.get("/staf/<int:staff_id>/reset")
@zone(ADMIN)
def confirm_reset(staff_id: int) -> str:
    staff = _other(staff_id)
    if staff.status is StaffStatus.INVITED:
        abort(404)
    name = staff.display_name
    return _confirm(
        staff,
        _("Reset %(name)s's password?", name=name),
        [
            _(
                "%(name)s's personal key is erased now and can never be recovered, together with"
                " their password and authenticator.",
                name=name,
            ),
            _(
                "They lose every case they hold: each one must be granted to them again by a"
                " colleague who holds it, or by the custodians together, after they have chosen"
                " a new password and their new key is certified."
            ),
            _(
                "Their new key receives no report until a certified colleague of their unit or"
                " above certifies it, after hearing its fingerprint from them."
            ),
            _sessions(staff),
            _(
                "You get a link to hand to them in person; with it they choose a new password"
                " and set up their authenticator again. The reset is recorded in the audit log."
            ),
        ],
        "admin.reset_password",
        _("Yes, reset the password and erase the key"),
        recovery_counts=True,
    )
