"""Handler forms: inbox filters, messages, notes, lifecycle steps."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

TEXT = [Optional(), Length(max=20_000)]
SHORT = [Optional(), Length(max=200)]


class MessageForm(FlaskForm):
    text = TextAreaField(
        _l("Message to the reporter"), validators=[DataRequired(), Length(max=20_000)]
    )
    question = BooleanField(_l("This is a question the reporter should answer"))


class NoteForm(FlaskForm):
    text = TextAreaField(_l("Internal note"), validators=[DataRequired(), Length(max=20_000)])


class ConfirmForm(FlaskForm):
    """Only a CSRF token: the button of a confirmation page that said what will happen."""


class RevealForm(FlaskForm):
    """Showing the reporter's identity is a deliberate, journaled act."""


class StepForm(FlaskForm):
    """Every lifecycle step; ``services.lifecycle`` decides which fields each kind needs."""

    kind = HiddenField(validators=[DataRequired(), Length(max=30)])
    note = TextAreaField(_l("Note"), validators=TEXT)
    checked = TextAreaField(_l("What was checked"), validators=TEXT)
    evidence = TextAreaField(_l("Evidence considered"), validators=TEXT)
    conclusion = SelectField(_l("Conclusion"), validators=[Optional()], validate_choice=False)
    referred_to = StringField(_l("Referred to"), validators=SHORT)
    activity = SelectField(_l("Activity"), validators=[Optional()], validate_choice=False)
    description = TextAreaField(_l("Description"), validators=TEXT)
    record_number = StringField(_l("Examination record (BAP) number"), validators=SHORT)
    finding = SelectField(_l("Finding"), validators=[Optional()], validate_choice=False)
    reasoning = TextAreaField(_l("Reasoning"), validators=TEXT)
    level = SelectField(
        _l("Sanction level (PP 94/2021)"), validators=[Optional()], validate_choice=False
    )
    sanction_type = StringField(_l("Type of sanction"), validators=SHORT)
    decree_number = StringField(_l("Decree number"), validators=SHORT)
    decided_on = StringField(_l("Date decided (YYYY-MM-DD)"), validators=SHORT)
    carried_out_on = StringField(_l("Date carried out (YYYY-MM-DD)"), validators=SHORT)
    to = SelectField(_l("New status"), validators=[Optional()], validate_choice=False)
    reason = TextAreaField(_l("Reason"), validators=TEXT)

    FIELDS = (
        "note",
        "checked",
        "evidence",
        "conclusion",
        "referred_to",
        "activity",
        "description",
        "record_number",
        "finding",
        "reasoning",
        "level",
        "sanction_type",
        "decree_number",
        "decided_on",
        "carried_out_on",
        "to",
        "reason",
    )

    def values(self) -> dict[str, str]:
        return {name: str(getattr(self, name).data or "") for name in self.FIELDS}


class AccessForm(FlaskForm):
    """Grant, assign or revoke: the colleague concerned."""

    staff_id = SelectField(
        _l("Colleague"), coerce=int, validators=[DataRequired()], validate_choice=False
    )


class InvitationForm(FlaskForm):
    """An invitation for the accused or a witness; the summary is written fresh, not copied."""

    name = StringField(_l("Name of the official"), validators=[DataRequired(), Length(max=200)])
    position = StringField(_l("Position or unit"), validators=SHORT)
    allegation = TextAreaField(
        _l("What is alleged (written for them; never paste the report)"),
        validators=[DataRequired(), Length(max=5000)],
    )
    period = StringField(_l("In what period"), validators=SHORT)
    rules = StringField(_l("Which rules"), validators=SHORT)
    role = SelectField(_l("Invited as"), validators=[DataRequired()], validate_choice=False)
    days = StringField(_l("Days to answer"), validators=[DataRequired(), Length(max=3)])
    # One-time token drawn with the case page: the same form sent twice makes one invitation.
    once = HiddenField(validators=[DataRequired(), Length(max=64)])


class ExtensionDecisionForm(FlaskForm):
    invitation = HiddenField(validators=[DataRequired(), Length(max=40)])
    days = StringField(_l("Extra days (0 refuses)"), validators=[DataRequired(), Length(max=2)])


class RespondentMessageForm(FlaskForm):
    invitation = HiddenField(validators=[DataRequired(), Length(max=40)])
    text = TextAreaField(
        _l("Message to this respondent"), validators=[DataRequired(), Length(max=20_000)]
    )
