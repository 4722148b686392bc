"""Respondent forms (the statement arrives through the streaming parser)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import Length, Optional

from wbs_app.form_base import Form
from wbs_app.web.code_sign_in import CodeEntryForm, code_field


class CodeForm(CodeEntryForm):
    """The invitation code; a statement kept after the session ended goes in ``held``."""

    code_name = "code"
    code = code_field(
        _l("Your invitation code"),
        _l("An invitation code has 20 digits."),
        description=_l("20 digits, from the invitation letter."),
    )


class ExtensionForm(Form):
    """How many more days, and why (services.respondents.right_of_reply checks both)."""

    days = StringField(
        _l("How many more days do you need?"),
        validators=[Optional(), Length(max=3)],
        description=_l("1 to 90 days."),
    )
    reason = TextAreaField(
        _l("Why do you need more time?"), validators=[Optional(), Length(max=5000)]
    )


class ActionForm(Form):
    """Only a CSRF token: for the finish button."""


class NewCodeForm(Form):
    """The new code typed back: proof that it was written down before it is forgotten here."""

    code = code_field(
        _l("Type your new code to confirm that you wrote it down"),
        _l("An invitation code has 20 digits."),
    )
