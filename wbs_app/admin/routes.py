"""Administrator views: parse a form, call an office or staff service, render."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from wbs_app.admin import audit_view, bp, worker_view
from wbs_app.admin.forms import (
    CategoryForm,
    InviteForm,
    NewCategoryForm,
    RoleForm,
)
from wbs_app.admin.unit_views import unit_choices
from wbs_app.appctx import external_url
from wbs_app.db import request_session
from wbs_app.form_base import row_id
from wbs_app.models import StaffMember, StaffRole, StaffStatus
from wbs_app.notices import refused
from wbs_app.refusals import refusal_message
from wbs_app.security.staff_auth import signed_in
from wbs_app.security.zones import ADMIN, zone
from wbs_app.services.cases import delivery, regrant_wait
from wbs_app.services.cases.access import SoleHolder
from wbs_app.services.office import organisation
from wbs_app.services.office.organisation import OrganisationError
from wbs_app.services.staff import accounts, audit, staff_admin, staff_sessions
from wbs_app.services.staff.accounts import AccountError
from wbs_app.services.trust import certificates, root
from wbs_app.staff.forms import EmptyForm

AUDIT_PAGE_SIZE = 50


def _actor() -> StaffMember:
    return signed_in().staff


@bp.get("/")
@zone(ADMIN)
def index() -> str:
    db = request_session()
    staff = staff_admin.list_staff(db)
    counts = {status: sum(1 for s in staff if s.status is status) for status in StaffStatus}
    return render_template(
        "admin/index.html",
        unit_count=len(organisation.unit_tree(db)),
        counts=counts,
        recent=audit_view.present(db, audit.page(db, 1, 10)[0]),
        undeliverable=delivery.undeliverable_units(db),
        ceremony_held=root.current_root(db) is not None,
        worker_late=worker_view.any_late(db),
    )


@bp.get("/kategori")
@zone(ADMIN)
def categories() -> str:
    db = request_session()
    forms = []
    for category in organisation.all_categories(db):
        form = CategoryForm(formdata=None, obj=category, prefix=f"c{category.id}")
        forms.append((category, form))
    return render_template(
        "admin/categories.html", forms=forms, new_form=NewCategoryForm(formdata=None)
    )


@bp.post("/kategori/<int:category_id>")
@zone(ADMIN)
def update_category(category_id: int) -> Response:
    form = CategoryForm(prefix=f"c{category_id}")
    db = request_session()
    if not form.validate_on_submit():
        refused(_("Check the category's names and order."))
        return redirect(url_for("admin.categories"))
    try:
        organisation.update_category(
            db,
            _actor(),
            category_id,
            form.name_id.data,
            form.name_en.data,
            form.position.data or 0,
            bool(form.active.data),
        )
    except OrganisationError as error:
        if error.code == "not_found":
            abort(404)
        db.rollback()
        refused(refusal_message(error))
    else:
        db.commit()
        flash(_("Category saved."))
    return redirect(url_for("admin.categories"))


@bp.post("/kategori")
@zone(ADMIN)
def create_category() -> Response:
    form = NewCategoryForm()
    db = request_session()
    if form.validate_on_submit():
        try:
            organisation.create_category(db, _actor(), form.name_id.data, form.name_en.data)
        except OrganisationError as error:
            db.rollback()
            refused(refusal_message(error))
        else:
            db.commit()
            flash(_("Category added."))
    else:
        refused(_("Check the category's names and order."))
    return redirect(url_for("admin.categories"))


@bp.get("/staf")
@zone(ADMIN)
def staff_list() -> str:
    db = request_session()
    staff = staff_admin.list_staff(db)
    # Status only: certifying is the handlers' and custodians' work, never an administrator's.
    certified = certificates.certified_ids(db, staff)
    return render_template("admin/staff_list.html", staff=staff, certified=certified)


@bp.route("/staf/undang", methods=["GET", "POST"])
@zone(ADMIN)
def invite() -> Any:
    form = InviteForm()
    form.units.choices = unit_choices()
    status = 200
    if form.validate_on_submit():
        db = request_session()
        try:
            staff, token = accounts.invite(
                db,
                _actor(),
                form.email.data,
                form.display_name.data,
                StaffRole(form.role.data),
                list(form.units.data or []),
            )
        except AccountError as error:
            db.rollback()
            if error.code in {"units_required", "admin_has_no_units"}:
                target = form.units
            elif error.code in {"name_taken", "name_mixed_scripts"}:
                target = form.display_name
            else:
                target = form.email
            target.errors = [refusal_message(error)]
            status = 400
        else:
            db.commit()
            return _show_link(staff, token, reset=False)
    elif request.method == "POST":
        status = 400
    return render_template("admin/invite.html", form=form), status


def _show_link(staff: StaffMember, token: str, *, reset: bool) -> str:
    """The activation link, shown once to the administrator to hand over."""
    link = external_url(url_for("staff.activate", kode=token, lang=None))
    return render_template(
        "admin/link.html",
        staff=staff,
        link=link,
        reset=reset,
        awaiting=regrant_wait.awaiting(request_session(), staff.id),
    )


@bp.get("/staf/<int:staff_id>")
@zone(ADMIN)
def staff_detail(staff_id: int) -> str:
    return _staff_page(_staff_or_404(staff_id))


def _staff_page(staff: StaffMember, refusal: SoleHolder | None = None, action: str = "") -> str:
    """The account's page; after a refused reset or deactivation, with the cases that stop it."""
    db = request_session()
    role_form = RoleForm(
        formdata=None,
        data={"role": staff.role.value, "units": [unit.id for unit in staff.units]},
    )
    role_form.units.choices = unit_choices()
    return render_template(
        "admin/staff_detail.html",
        staff=staff,
        role_form=role_form,
        action_form=EmptyForm(),
        sessions=staff_sessions.active_count(db, staff.id),
        cert=certificates.certificate_view(db, staff),
        is_self=staff.id == _actor().id,
        sole_cases=refusal.cases if refusal else [],
        refused_action=action,
        awaiting=regrant_wait.awaiting(db, staff.id),
    )


def _staff_or_404(staff_id: int) -> StaffMember:
    try:
        return staff_admin.get_staff(request_session(), staff_id)
    except AccountError:
        abort(404)


def _account_action(staff_id: int, action: str) -> Any:
    """Deactivate, reactivate, reset or re-invite: one button each, all by POST."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    db = request_session()
    _staff_or_404(staff_id)
    actor = _actor()
    try:
        if action == "deactivate":
            staff_admin.deactivate(db, actor, staff_id)
            message = _("Account deactivated; its sessions have ended.")
        elif action == "reactivate":
            staff_admin.reactivate(db, actor, staff_id)
            message = _("Account reactivated.")
        elif action == "reset":
            token = staff_admin.reset_password(db, actor, staff_id)
            db.commit()
            return _show_link(staff_admin.get_staff(db, staff_id), token, reset=True)
        else:
            token = staff_admin.reissue_activation(db, actor, staff_id)
            db.commit()
            return _show_link(staff_admin.get_staff(db, staff_id), token, reset=False)
    except SoleHolder as refusal:
        db.rollback()  # nothing changes: no status, no token, no session ended
        return _staff_page(staff_admin.get_staff(db, staff_id), refusal, action), 409
    except AccountError as error:
        db.rollback()
        refused(refusal_message(error))
    else:
        db.commit()
        flash(message)
    return redirect(url_for("admin.staff_detail", staff_id=staff_id))


@bp.post("/staf/<int:staff_id>/nonaktifkan")
@zone(ADMIN)
def deactivate(staff_id: int) -> Any:
    return _account_action(staff_id, "deactivate")


@bp.post("/staf/<int:staff_id>/aktifkan")
@zone(ADMIN)
def reactivate(staff_id: int) -> Any:
    return _account_action(staff_id, "reactivate")


@bp.post("/staf/<int:staff_id>/reset")
@zone(ADMIN)
def reset_password(staff_id: int) -> Any:
    return _account_action(staff_id, "reset")


@bp.post("/staf/<int:staff_id>/tautan")
@zone(ADMIN)
def reissue_link(staff_id: int) -> Any:
    return _account_action(staff_id, "reissue")


@bp.post("/staf/<int:staff_id>/peran")
@zone(ADMIN)
def change_role(staff_id: int) -> Response:
    _staff_or_404(staff_id)
    form = RoleForm()
    form.units.choices = unit_choices()
    db = request_session()
    if not form.validate_on_submit():
        refused(_("Choose a role and at least one unit."))
    else:
        try:
            staff_admin.change_role(
                db, _actor(), staff_id, StaffRole(form.role.data), list(form.units.data or [])
            )
        except AccountError as error:
            db.rollback()
            refused(refusal_message(error))
        else:
            db.commit()
            flash(_("Role and units saved."))
    return redirect(url_for("admin.staff_detail", staff_id=staff_id))


@bp.get("/audit")
@zone(ADMIN)
def audit_log() -> str:
    page_number = row_id(request.args.get("hal")) or 1
    db = request_session()
    rows, total = audit.page(db, page_number, AUDIT_PAGE_SIZE)
    pages = max((total + AUDIT_PAGE_SIZE - 1) // AUDIT_PAGE_SIZE, 1)
    return render_template(
        "admin/audit.html", rows=audit_view.present(db, rows), page=page_number, pages=pages
    )
