"""Administrator forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from wbs_app.forms import Form
from wbs_app.staff.forms import EMAIL

ROLE_CHOICES = [
    SelectChoice("investigator", _l("Investigator (the chosen units)")),
    SelectChoice("supervisor", _l("Supervisor (the chosen units and every unit below them)")),
    SelectChoice("admin", _l("Administrator (no access to reports)")),
]
HANDLER_ROLE_CHOICES = ROLE_CHOICES[:2]


class MultiCheckboxField(SelectMultipleField):
    """Checkboxes rather than a multi-select list: usable by keyboard and on phones."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class UnitForm(Form):
    name = StringField(_l("Unit name"), validators=[DataRequired(), Length(min=2, max=200)])
    parent_id = SelectField(_l("Part of"), coerce=int, validators=[InputRequired()])


class RenameUnitForm(Form):
    name = StringField(_l("New name"), validators=[DataRequired(), Length(min=2, max=200)])


class CategoryForm(Form):
    name_id = StringField(
        _l("Name (Bahasa Indonesia)"), validators=[DataRequired(), Length(max=200)]
    )
    name_en = StringField(_l("Name (English)"), validators=[DataRequired(), Length(max=200)])
    position = IntegerField(_l("Order"), validators=[Optional(), NumberRange(min=0, max=10_000)])
    active = BooleanField(_l("Offered to reporters"))


class NewCategoryForm(Form):
    name_id = StringField(
        _l("Name (Bahasa Indonesia)"), validators=[DataRequired(), Length(max=200)]
    )
    name_en = StringField(_l("Name (English)"), validators=[DataRequired(), Length(max=200)])


def _days(label: object) -> IntegerField:
    return IntegerField(label, validators=[InputRequired(), NumberRange(min=1, max=365)])


class DeadlinesForm(Form):
    acknowledge = _days(_l("Acknowledge a report within (days)"))
    verification = _days(_l("Report the verification result within (days)"))
    feedback = _days(_l("Give feedback to the reporter within (days)"))
    respondent = _days(_l("Time for the accused to answer (days)"))


class InviteForm(Form):
    display_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("E-mail address"), validators=EMAIL)
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, validators=[DataRequired()])
    units = MultiCheckboxField(_l("Units"), coerce=int)


class RoleForm(Form):
    role = SelectField(_l("Role"), choices=HANDLER_ROLE_CHOICES, validators=[DataRequired()])
    units = MultiCheckboxField(_l("Units"), coerce=int)
