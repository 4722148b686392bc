"""Handler forms: inbox filters, messages, notes, lifecycle steps."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from wbs_app.form_base import Form

TEXT = [Optional(), Length(max=20_000)]
SHORT = [Optional(), Length(max=200)]


class MessageForm(Form):
    # Explicit ids: the case page holds this form, the note's and the step forms
    # together, and a shared id="text" once sent a click on the note's label here.
    text = TextAreaField(
        _l("Message to the reporter"),
        validators=[DataRequired(), Length(max=20_000)],
        id="message-text",
    )
    question = BooleanField(_l("This is a question the reporter should answer"))


class NoteForm(Form):
    text = TextAreaField(
        _l("Internal note"), validators=[DataRequired(), Length(max=20_000)], id="note-text"
    )


class RetaliationAckForm(Form):
    """Taking up a reporter's report of retaliation: journaled, the case's marker cleared."""

    retaliation_note = TextAreaField(
        _l("What the team does about it"),
        validators=[
            DataRequired(message=_l("Write what the team does about it.")),
            Length(max=20_000, message=_l("This text is too long.")),
        ],
        description=_l("Recorded in the journal; the reporter does not see it."),
    )


class ConfirmForm(Form):
    """Only a CSRF token: the button of a confirmation page that said what will happen."""


class RevealForm(Form):
    """Showing the reporter's identity is a deliberate, journaled act."""


class StepForm(Form):
    """Every lifecycle step; ``services.cases.lifecycle`` decides which fields each kind needs."""

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
    outside_body = SelectField(_l("Referred to"), validators=[Optional()], validate_choice=False)
    outside_body_name = StringField(_l("Name of the body, if another"), validators=SHORT)
    referred_on = StringField(_l("Date referred (YYYY-MM-DD)"), validators=SHORT)
    referral_reference = StringField(
        _l("The referral letter's number or the body's reference"), validators=SHORT
    )
    reason = TextAreaField(_l("Reason"), validators=TEXT)
    # Only while a respondent's answer period runs (services.respondents.right_of_reply).
    ahead_reason = TextAreaField(
        _l("Reason to decide before the time to answer has ended (shown to the respondent)"),
        validators=TEXT,
    )

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
        "outside_body",
        "outside_body_name",
        "referred_on",
        "referral_reference",
        "reason",
        "ahead_reason",
    )

    def values(self) -> dict[str, str]:
        return {name: str(getattr(self, name).data or "") for name in self.FIELDS}


class AccessForm(Form):
    """Grant, assign or revoke: the colleague concerned."""

    staff_id = SelectField(
        _l("Colleague"), coerce=int, validators=[DataRequired()], validate_choice=False
    )


class CategoryChangeForm(Form):
    """Filing the case under another category: the reason goes into the journal."""

    category_id = SelectField(_l("New category"), coerce=int, validators=[DataRequired()])
    reason = TextAreaField(
        _l("Why the category changes"),
        validators=[DataRequired(message=_l("Say why.")), Length(max=2_000)],
        id="category-reason",
    )


class MoveCaseForm(Form):
    """Handing the case to another unit: its keys follow, the reason goes into the journal."""

    unit_id = SelectField(_l("Move to the unit"), coerce=int, validators=[DataRequired()])
    reason = TextAreaField(
        _l("Why the case moves"),
        validators=[DataRequired(message=_l("Say why.")), Length(max=2_000)],
        id="move-reason",
    )


class InvitationForm(Form):
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


class ExtensionDecisionForm(Form):
    """Grant (so many days) or refuse a request for more time, with a reason either way."""

    invitation = HiddenField(validators=[DataRequired(), Length(max=40)])
    # "grant" or "refuse": two radio buttons drawn per invitation on the case page.
    decision = StringField(_l("Decision"), validators=[Optional(), Length(max=10)])
    days = StringField(_l("Extra days, if granted"), validators=[Optional(), Length(max=3)])
    reason = TextAreaField(
        _l("Reason (the respondent reads it)"), validators=[Optional(), Length(max=5000)]
    )


class RespondentMessageForm(Form):
    invitation = HiddenField(validators=[DataRequired(), Length(max=40)])
    text = TextAreaField(
        _l("Message to this respondent"), validators=[DataRequired(), Length(max=20_000)]
    )


class CloseThreadsForm(Form):
    """Closing the respondents' threads of a case the reporter withdrew."""

    ahead_reason = TextAreaField(
        _l("Reason to close before the time to answer has ended (shown to the respondent)"),
        validators=TEXT,
    )


class CertifyForm(Form):
    """Certify one colleague: who, and the fingerprint they read out, as heard."""

    staff_id = HiddenField(validators=[DataRequired()])
    fingerprint = StringField(
        _l("Fingerprint as your colleague reads it out"),
        validators=[DataRequired(), Length(max=60)],
    )


class NoticeMailForm(Form):
    """How a handler hears of notices by e-mail, and in which language the mail is written."""

    mode = RadioField(
        _l("When the e-mail is sent"),
        choices=[
            SelectChoice("immediate", _l("At once: one e-mail, then none until I sign in")),
            SelectChoice("digest", _l("Once a day, in the morning")),
            SelectChoice("none", _l("No e-mail: I look in Lentera")),
        ],
        validators=[DataRequired()],
    )
    language = RadioField(
        _l("Language of the e-mail"),
        choices=[SelectChoice("id", "Bahasa Indonesia"), SelectChoice("en", "English")],
        validators=[DataRequired()],
    )


class ReferUpForm(Form):
    """Escalating the case to the tier above: its handlers receive the keys (journaled)."""

    reason = TextAreaField(
        _l("Why the tier above should handle it"),
        validators=[DataRequired(message=_l("Say why.")), Length(max=2_000)],
        id="refer-reason",
    )
    keep_access = BooleanField(_l("This unit's handlers keep access to the case"), default=True)


class LinkForm(Form):
    """Another case this one is the same matter as, or related to (both ways, journaled)."""

    other_case = StringField(
        _l("Number of the other case"),
        validators=[
            DataRequired(message=_l("Enter the other case's number.")),
            Length(max=20, message=_l("Enter the other case's number.")),
        ],
        id="link-other",
    )
    kind = RadioField(
        _l("How they are linked"),
        choices=[
            SelectChoice(
                "sama", _l("The same matter (for example sent through LAPOR! and this site)")
            ),
            SelectChoice("terkait", _l("Related")),
        ],
        default="sama",
        validators=[DataRequired()],
    )
    note = TextAreaField(_l("Note (optional)"), validators=SHORT, id="link-note")


class UnlinkForm(Form):
    other_case = HiddenField(validators=[DataRequired(), Length(max=20)])
