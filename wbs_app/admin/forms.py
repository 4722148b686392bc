"""Administrator forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from wbs_app.form_base import Form
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


class TopUnitForm(Form):
    """A new top unit: its own form, and a box that says what it does to the tree."""

    name = StringField(
        _l("Name of the new top unit"),
        id="top-name",
        validators=[DataRequired(), Length(min=2, max=200)],
    )
    confirm = BooleanField(
        _l("Yes: put this unit above the present top unit, which goes under it"),
        validators=[DataRequired(message=_l("Tick the box to confirm."))],
        id="top-confirm",
    )


class MoveUnitForm(Form):
    parent_id = SelectField(_l("Move under"), coerce=int, validators=[InputRequired()])


class ConfirmUnitForm(Form):
    """Deactivating or deleting a unit: posted with its box ticked, or nothing happens."""

    confirm = BooleanField(_l("Confirm"))


class IntakeUnitForm(Form):
    intake_unit_id = SelectField(
        _l("Unit that receives the reports of reporters who are not sure"),
        coerce=int,
        validators=[InputRequired()],
    )


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


WORKING_DAYS = _l("Count working days (no weekends, national holidays or collective leave)")


class DeadlinesForm(Form):
    """Each deadline's days (named as its ``DeadlineKind``) and ``<kind>_working``."""

    acknowledge = _days(_l("Acknowledge a report within (days)"))
    acknowledge_working = BooleanField(WORKING_DAYS)
    verification = _days(_l("Report the verification result within (days)"))
    verification_working = BooleanField(WORKING_DAYS)
    feedback = _days(_l("Give feedback to the reporter within (days)"))
    feedback_working = BooleanField(WORKING_DAYS)
    respondent = _days(_l("Time for the accused to answer (days)"))
    respondent_working = BooleanField(WORKING_DAYS)


class LeaveDayForm(Form):
    day = DateField(_l("Leave date"), validators=[InputRequired()])
    name = StringField(_l("What the day is"), validators=[DataRequired(), Length(max=120)])


class NationalLeaveForm(Form):
    year = IntegerField(validators=[InputRequired(), NumberRange(min=2000, max=2100)])


class InviteForm(Form):
    display_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("E-mail address"), validators=EMAIL)
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, validators=[DataRequired()])
    units = MultiCheckboxField(_l("Units"), coerce=int)


class RoleForm(Form):
    role = SelectField(_l("Role"), choices=HANDLER_ROLE_CHOICES, validators=[DataRequired()])
    units = MultiCheckboxField(_l("Units"), coerce=int)


FILL_IN = _l("Fill in this field.")
TOO_LONG = _l("This is too long.")


class LetterheadForm(Form):
    """What invitation letters print at the top and bottom.

    ``services.office.letterhead`` checks it.
    """

    office_name = StringField(
        _l("Office name"),
        validators=[DataRequired(message=FILL_IN), Length(max=200, message=TOO_LONG)],
    )
    address = TextAreaField(
        _l("Office address"),
        validators=[DataRequired(message=FILL_IN), Length(max=500, message=TOO_LONG)],
    )
    contact = TextAreaField(
        _l("Contact (telephone, e-mail)"),
        validators=[Optional(), Length(max=300, message=TOO_LONG)],
    )
    logo_path = StringField(
        _l("Logo file (optional)"),
        description=_l(
            "A PNG or JPEG file of at most 512 KiB that the server operator has placed in the "
            "instance folder, written as a path inside it, for example kop/logo.png. "
            "Never a web address."
        ),
        validators=[Optional(), Length(max=200, message=TOO_LONG)],
    )
    signatory_name = StringField(
        _l("Name of the signing official"),
        validators=[DataRequired(message=FILL_IN), Length(max=120, message=TOO_LONG)],
    )
    signatory_position = StringField(
        _l("Position of the signing official"),
        validators=[DataRequired(message=FILL_IN), Length(max=200, message=TOO_LONG)],
    )
    number_prefix = StringField(
        _l("Code in the letter number"),
        description=_l(
            "The part between the sequence and the month: with WBS a letter is numbered "
            "001/WBS/XII/2026. Capital letters, digits, dots and dashes."
        ),
        validators=[DataRequired(message=FILL_IN), Length(max=40, message=TOO_LONG)],
    )
