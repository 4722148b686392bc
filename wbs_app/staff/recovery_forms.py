"""The recovery page's form: K shares, then what the custodians do with them.

The share fields are drawn empty on every answer (the view clears them), so a
share typed once is never sent back to the browser, not even after a mistake.
"""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from wbs_app.form_base import MAX_ID_DIGITS, Form, row_id
from wbs_app.services.trust.root import MAX_SHARES

# A SLIP-39 share is 20 to 33 words of at most 8 letters: 400 characters is plenty.
SHARE_LENGTH = 400
CASE_NUMBERS = re.compile(r"^[0-9\s,;]*$")
CASE_NUMBER = re.compile(r"[0-9]+")


class RecoveryForm(Form):
    """Certify a handler's key, or give cases (by number, or a unit's) back to a handler."""

    # Certifying comes first and is chosen: a new office's first use of the
    # page is certifying its first supervisors (issue 17 new-user walk, 7).
    action = RadioField(
        _l("What the custodians do"),
        choices=[
            SelectChoice("certify", _l("Certify a handler's key")),
            SelectChoice("regrant", _l("Give cases back to a handler")),
        ],
        default="certify",
        validators=[DataRequired()],
    )
    staff_email = EmailField(
        _l("The handler's e-mail address"),
        validators=[DataRequired(), Length(max=254)],
    )
    fingerprint = StringField(
        _l("Fingerprint the handler reads out"),
        validators=[Optional(), Length(max=64)],
        description=_l("24 digits, from the handler's own key page. Only to certify."),
    )
    case_numbers = StringField(
        _l("Case numbers"),
        validators=[Optional(), Length(max=2000)],
        description=_l("Separated by commas, for example 12, 15, 31. Only to give cases back."),
    )
    unit_id = SelectField(_l("Or every case of a unit"), coerce=int, default=0)

    def validate_fingerprint(self, field: StringField) -> None:
        if self.action.data == "certify" and not (field.data or "").strip():
            raise ValidationError(_l("Type the fingerprint the handler reads out."))

    def validate_case_numbers(self, field: StringField) -> None:
        if field.data and not CASE_NUMBERS.fullmatch(field.data):
            raise ValidationError(_l("Write only case numbers, separated by commas."))
        if any(row_id(n) is None for n in CASE_NUMBER.findall(field.data or "")):
            raise ValidationError(
                _l("A case number has at most %(digits)s digits.", digits=MAX_ID_DIGITS)
            )

    def case_ids(self) -> list[int]:
        """The case numbers typed (checked by ``validate_case_numbers``: at most nine digits)."""
        return [n for n in map(row_id, CASE_NUMBER.findall(self.case_numbers.data or "")) if n]

    def shares(self) -> list[str]:
        return [str(getattr(self, f"share_{n}").data or "") for n in range(1, MAX_SHARES + 1)]

    def clear_shares(self) -> None:
        for number in range(1, MAX_SHARES + 1):
            getattr(self, f"share_{number}").data = ""


for _number in range(1, MAX_SHARES + 1):
    setattr(
        RecoveryForm,
        f"share_{_number}",
        TextAreaField(
            _l("Share %(number)s", number=_number),
            validators=[Optional(), Length(max=SHARE_LENGTH)],
        ),
    )
