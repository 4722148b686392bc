"""Reporter forms. The report form is filled from the streaming parser's fields."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NoneOf, Optional

from wbs_app.form_base import Form
from wbs_app.services.cases.intake import MAX_FIELD_CHARS
from wbs_app.web.code_sign_in import CodeEntryForm, code_field

LONG = [Optional(), Length(max=MAX_FIELD_CHARS)]
NO_CATEGORY = 0  # the list's first entry, "choose": never a category


class ReportForm(Form):
    """The 4W1H questions of DOMAIN.md, the unit, the category and optional identity."""

    class Meta:
        csrf = False  # checked by the view: this form arrives through the streaming parser

    draft = HiddenField()
    unit = SelectField(
        _l("Which unit is the report about?"), coerce=int, validators=[InputRequired()]
    )
    category = SelectField(
        _l("What kind of violation?"),
        coerce=int,
        validators=[
            InputRequired(),
            NoneOf(
                [NO_CATEGORY],
                message=_l(
                    "Choose the kind of violation. If you do not know, choose “Other / not sure”."
                ),
            ),
        ],
    )
    what = TextAreaField(
        _l("What happened?"),
        validators=[
            DataRequired(message=_l("Please describe what happened.")),
            Length(max=MAX_FIELD_CHARS),
        ],
        description=_l("Describe the violation in your own words."),
    )
    who = TextAreaField(
        _l("Who is involved?"),
        validators=LONG,
        description=_l("Names, positions or units of the officials concerned, if you know them."),
    )
    where = TextAreaField(_l("Where did it happen?"), validators=LONG)
    when = TextAreaField(
        _l("When did it happen?"), validators=LONG, description=_l("A date or a period is enough.")
    )
    how = TextAreaField(
        _l("How did it happen, and how do you know?"),
        validators=LONG,
        description=_l("For example: you saw it, you were asked to pay, or a colleague told you."),
    )
    give_identity = BooleanField(_l("I want to give my name and contact (optional)"))
    identity_name = StringField(_l("Your name"), validators=[Optional(), Length(max=200)])
    identity_contact = StringField(
        _l("How can the team reach you?"), validators=[Optional(), Length(max=300)]
    )


class DraftForm(Form):
    """The review page's buttons carry only the draft (and the exclusions)."""

    draft = HiddenField(validators=[DataRequired(), Length(max=200)])


class ReceiptForm(CodeEntryForm):
    """The receipt typed back; a reply kept after the session ended goes in ``held``."""

    code_name = "receipt"
    receipt = code_field(
        _l("Your report code"),
        _l("A report code has 20 digits."),
        description=_l("20 digits, as written down when you sent the report."),
    )


class WithdrawForm(Form):
    reason = TextAreaField(
        _l("Why do you withdraw the report?"),
        validators=[DataRequired(), Length(max=2000)],
    )


class RetaliationForm(Form):
    """A report of retaliation (tindakan balasan): encrypted like a reply, flagged for the team."""

    account = TextAreaField(
        _l("What happened to you, when, and who did it?"),
        validators=[
            DataRequired(message=_l("Describe what happened to you.")),
            Length(max=20000, message=_l("This text is too long.")),
        ],
        description=_l(
            "For example: a transfer, a threat, a worse assessment, being shut out. "
            "Only the team handling your report reads this."
        ),
    )


class ActionForm(Form):
    """Only a CSRF token: for the finish button."""


class NewReceiptForm(Form):
    """The new receipt typed back: proof that it was written down before it is forgotten here."""

    receipt = code_field(
        _l("Type your new report code to confirm that you wrote it down"),
        _l("A report code has 20 digits."),
    )
