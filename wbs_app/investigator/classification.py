"""The case page's two correction forms (category, unit), with the choices this handler has."""

from __future__ import annotations

from dataclasses import dataclass

from wtforms.fields.choices import SelectChoice

from wbs_app.db import request_session
from wbs_app.i18n import current_language
from wbs_app.investigator.forms import CategoryChangeForm, MoveCaseForm
from wbs_app.models import Case, Unit
from wbs_app.security.staff_auth import signed_in
from wbs_app.services.cases import case_routing
from wbs_app.services.office.catalogue import active_categories


@dataclass
class Classification:
    unit: Unit | None
    category_form: CategoryChangeForm
    move_form: MoveCaseForm


def category_form(case: Case, form: CategoryChangeForm | None = None) -> CategoryChangeForm:
    form = form or CategoryChangeForm(formdata=None, data={"category_id": case.category_id})
    language = current_language()
    form.category_id.choices = [
        SelectChoice(category.id, category.name(language))
        for category in active_categories(request_session())
    ]
    return form


def move_form(case: Case, form: MoveCaseForm | None = None) -> MoveCaseForm:
    """The units of the handler's remit other than the case's own; none: nowhere to move it."""
    form = form or MoveCaseForm(formdata=None)
    targets = case_routing.move_targets(request_session(), case, signed_in().staff)
    form.unit_id.choices = [
        SelectChoice(unit.id, "— " * depth + unit.name) for unit, depth in targets
    ]
    return form


def classification(
    case: Case,
    category: CategoryChangeForm | None = None,
    move: MoveCaseForm | None = None,
) -> Classification:
    return Classification(
        unit=request_session().get(Unit, case.unit_id),
        category_form=category_form(case, category),
        move_form=move_form(case, move),
    )
