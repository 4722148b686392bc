"""Respondent forms (the statement arrives through the streaming parser)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from wbs_app.forms import Form


class CodeForm(Form):
    code = StringField(
        _l("Your invitation code"),
        validators=[
            DataRequired(),
            Length(max=64, message=_l("An invitation code has 20 digits.")),
        ],
        description=_l("20 digits, from the invitation letter."),
    )
    # A statement kept after the session ended (services.held): sent once the code opens it.
    held = HiddenField(validators=[Optional(), Length(max=200)])


class ExtensionForm(Form):
    reason = TextAreaField(
        _l("Why do you need more time?"), validators=[DataRequired(), Length(max=5000)]
    )


class ActionForm(Form):
    """Only a CSRF token: for the finish button."""
