"""The form a handler fills in for a report received by telephone, letter, LAPOR! and the rest."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from wbs_app.form_base import Form
from wbs_app.services.cases.intake import MAX_FIELD_CHARS
from wbs_app.services.cases.recorded_intake import MAX_REFERENCE_CHARS

LONG = [Optional(), Length(max=MAX_FIELD_CHARS, message=_l("This text is too long."))]


class RecordingForm(Form):
    """Filled from the streaming parser's fields: files come in the same post."""

    class Meta:
        csrf = False  # checked from the stream by ``web.uploads.receive``

    draft = HiddenField(validators=[Optional(), Length(max=200)])
    channel = SelectField(
        _l("Channel it came through"),
        validators=[DataRequired(message=_l("Choose the channel the report came through."))],
    )
    received_on = DateField(
        _l("Day it was received"),
        validators=[InputRequired(message=_l("Enter the day the report was received."))],
        description=_l("The deadlines count from this day."),
    )
    reference = StringField(
        _l("The channel's reference number (optional)"),
        validators=[
            Optional(),
            Length(
                max=MAX_REFERENCE_CHARS,
                message=_l("A reference number is at most %(max)d characters."),
            ),
        ],
        description=_l(
            "A LAPOR! or SIPIDU ticket, a letter number, an agenda number. Stored encrypted: "
            "it can lead to the reporter."
        ),
    )
    contact = RadioField(
        _l("Can the reporter be reached?"),
        choices=[
            SelectChoice("surat", _l("Yes: print a receipt letter for them")),
            SelectChoice(
                "tidak_ada", _l("No: an anonymous letter or box slip, nobody to give a receipt to")
            ),
        ],
        default="surat",
        validators=[DataRequired(message=_l("Say whether the reporter can be reached."))],
    )
    unit = SelectField(
        _l("Unit the report is about"),
        coerce=int,
        validators=[InputRequired(message=_l("Choose the unit."))],
    )
    category = SelectField(
        _l("Kind of violation"),
        coerce=int,
        validators=[InputRequired(message=_l("Choose the kind of violation."))],
    )
    what = TextAreaField(
        _l("What happened?"),
        validators=[
            DataRequired(message=_l("Write down what the reporter says happened.")),
            Length(max=MAX_FIELD_CHARS, message=_l("This text is too long.")),
        ],
        description=_l("In the reporter's words as far as you can: they will read it."),
    )
    who = TextAreaField(_l("Who is involved?"), validators=LONG)
    where = TextAreaField(_l("Where did it happen?"), validators=LONG)
    when = TextAreaField(_l("When did it happen?"), validators=LONG)
    how = TextAreaField(_l("How did it happen, and how does the reporter know?"), validators=LONG)
    identity_name = StringField(
        _l("Reporter's name, if they gave it"), validators=[Optional(), Length(max=200)]
    )
    identity_contact = StringField(
        _l("How the reporter can be reached, if they said"),
        validators=[Optional(), Length(max=300)],
    )
