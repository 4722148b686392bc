"""Administrator views of the unit tree: create, new top, rename, move, retire, delete, intake unit.

Each parses its form and calls ``services.office.organisation`` or
``services.office.unit_admin``; a refusal draws the units page again with the
reason and a 400, so nothing half-done is ever shown as done.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from wbs_app.admin import bp
from wbs_app.admin.forms import (
    ConfirmUnitForm,
    IntakeUnitForm,
    MoveUnitForm,
    RenameUnitForm,
    TopUnitForm,
    UnitForm,
)
from wbs_app.db import request_session
from wbs_app.models import StaffMember
from wbs_app.refusals import MESSAGES, refusal_message
from wbs_app.security.staff_auth import signed_in
from wbs_app.security.zones import ADMIN, zone
from wbs_app.services.cases import delivery
from wbs_app.services.office import organisation, unit_admin
from wbs_app.services.office.organisation import OrganisationError
from wbs_app.staff.messages import CONFIRM_REQUIRED


def _actor() -> StaffMember:
    return signed_in().staff


def unit_choices(*, active_only: bool = False) -> list[SelectChoice]:
    """The unit tree as options, indented by depth."""
    return [
        SelectChoice(node.unit.id, "— " * node.depth + node.unit.name)
        for node in organisation.unit_tree(request_session(), active_only=active_only)
    ]


def _page(
    status: int = 200,
    error: str | None = None,
    form: UnitForm | None = None,
    top_form: TopUnitForm | None = None,
) -> tuple[str, int]:
    db = request_session()
    if form is None:
        form = UnitForm(formdata=None)
    form.parent_id.choices = unit_choices(active_only=True) or [
        SelectChoice(0, _("(none yet: this is the first unit, the top of the tree)"))
    ]
    intake = unit_admin.intake_unit(db)
    intake_form = IntakeUnitForm(formdata=None, data={"intake_unit_id": intake.id if intake else 0})
    intake_form.intake_unit_id.choices = unit_choices(active_only=True)
    tree = organisation.unit_tree(db)
    return render_template(
        "admin/units.html",
        form=form,
        top_form=top_form or TopUnitForm(formdata=None),
        rename_form=RenameUnitForm(formdata=None),
        action_form=ConfirmUnitForm(formdata=None),
        intake_form=intake_form,
        parents=unit_choices(active_only=True),
        tree=tree,
        top=organisation.top_unit(db),
        intake=intake,
        deletable=unit_admin.deletable_ids(db),
        undeliverable={
            blocked.unit.id: blocked.uncertified for blocked in delivery.undeliverable_units(db)
        },
        error=error,
    ), status


@bp.get("/unit")
@zone(ADMIN)
def units() -> Any:
    return _page()


@bp.post("/unit")
@zone(ADMIN)
def create_unit() -> Any:
    """A unit under a parent; the first unit of an empty tree is its top."""
    db = request_session()
    form = UnitForm()
    form.parent_id.choices = unit_choices(active_only=True) or [SelectChoice(0, "")]
    if not form.validate_on_submit():
        return _page(400, form=form)
    try:
        organisation.create_unit(db, _actor(), form.name.data, form.parent_id.data or None)
    except OrganisationError as error:
        db.rollback()
        form.name.errors = [refusal_message(error)]
        return _page(400, form=form)
    db.commit()
    flash(_("Unit created."))
    return redirect(url_for("admin.units"))


@bp.post("/unit/puncak")
@zone(ADMIN)
def create_top_unit() -> Any:
    """A new top unit above the present one: only with this form and its box ticked."""
    db = request_session()
    form = TopUnitForm()
    if not form.validate_on_submit():
        return _page(400, top_form=form)
    try:
        organisation.create_unit(db, _actor(), form.name.data, None, new_top=True)
    except OrganisationError as error:
        db.rollback()
        form.name.errors = [refusal_message(error)]
        return _page(400, top_form=form)
    db.commit()
    flash(_("Top unit created; the former top unit is now below it."))
    return redirect(url_for("admin.units"))


def _refused(error: OrganisationError) -> Any:
    if error.code == "not_found":
        abort(404)
    request_session().rollback()
    return _page(400, error=refusal_message(error))


@bp.post("/unit/<int:unit_id>/nama")
@zone(ADMIN)
def rename_unit(unit_id: int) -> Any:
    form = RenameUnitForm()
    if not form.validate_on_submit():
        return _page(400, error=_("A name has 2 to 200 characters."))
    db = request_session()
    try:
        organisation.rename_unit(db, _actor(), unit_id, form.name.data)
    except OrganisationError as error:
        return _refused(error)
    db.commit()
    flash(_("Unit renamed."))
    return redirect(url_for("admin.units"))


@bp.post("/unit/<int:unit_id>/pindah")
@zone(ADMIN)
def move_unit(unit_id: int) -> Any:
    form = MoveUnitForm()
    form.parent_id.choices = unit_choices(active_only=True)
    if not form.validate_on_submit():
        return _page(400, error=_("Choose the unit to move it under."))
    db = request_session()
    try:
        unit_admin.move_unit(db, _actor(), unit_id, form.parent_id.data)
    except OrganisationError as error:
        return _refused(error)
    db.commit()
    flash(_("Unit moved."))
    return redirect(url_for("admin.units"))


def _confirmed() -> bool:
    form = ConfirmUnitForm()
    return bool(form.validate_on_submit() and form.confirm.data)


@bp.post("/unit/<int:unit_id>/nonaktifkan")
@zone(ADMIN)
def deactivate_unit(unit_id: int) -> Any:
    if not _confirmed():
        return _page(400, error=str(CONFIRM_REQUIRED))
    db = request_session()
    try:
        unit_admin.deactivate_unit(db, _actor(), unit_id)
    except OrganisationError as error:
        return _refused(error)
    db.commit()
    flash(_("Unit deactivated: its cases stay with their handlers; it receives no new reports."))
    return redirect(url_for("admin.units"))


@bp.post("/unit/<int:unit_id>/aktifkan")
@zone(ADMIN)
def reactivate_unit(unit_id: int) -> Any:
    if not ConfirmUnitForm().validate_on_submit():
        abort(400)
    db = request_session()
    try:
        unit_admin.reactivate_unit(db, _actor(), unit_id)
    except OrganisationError as error:
        return _refused(error)
    db.commit()
    flash(_("Unit reactivated."))
    return redirect(url_for("admin.units"))


@bp.post("/unit/<int:unit_id>/hapus")
@zone(ADMIN)
def delete_unit(unit_id: int) -> Any:
    if not _confirmed():
        return _page(400, error=str(CONFIRM_REQUIRED))
    db = request_session()
    try:
        unit_admin.delete_unit(db, _actor(), unit_id)
    except OrganisationError as error:
        return _refused(error)
    db.commit()
    flash(_("Unit deleted."))
    return redirect(url_for("admin.units"))


@bp.post("/unit/penerimaan")
@zone(ADMIN)
def set_intake_unit() -> Any:
    form = IntakeUnitForm()
    form.intake_unit_id.choices = unit_choices(active_only=True)
    if not form.validate_on_submit():
        return _page(400, error=str(MESSAGES["intake_unreachable"]))
    db = request_session()
    try:
        unit_admin.set_intake_unit(db, _actor(), form.intake_unit_id.data)
    except OrganisationError as error:
        return _refused(error)
    db.commit()
    flash(_("Intake unit saved."))
    return redirect(url_for("admin.units"))
