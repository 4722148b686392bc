"""The recovery page's form: K shares, then what the custodians do with them.

The share fields are drawn empty on every answer (the view clears them), so a
share typed once is never sent back to the browser, not even after a mistake.
"""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from wbs_app.form_base import Form
from wbs_app.services.trust.root import MAX_SHARES

# A SLIP-39 share is 20 to 33 words of at most 8 letters: 400 characters is plenty.
SHARE_LENGTH = 400
CASE_NUMBERS = re.compile(r"^[\d\s,;]*$")


class RecoveryForm(Form):
    """Regrant cases: by number, or every case of a unit, to the handler named by e-mail."""

    staff_email = EmailField(
        _l("E-mail address of the handler who receives the cases"),
        validators=[DataRequired(), Length(max=254)],
    )
    case_numbers = StringField(
        _l("Case numbers"),
        validators=[Optional(), Length(max=2000)],
        description=_l("Separated by commas, for example 12, 15, 31."),
    )
    unit_id = SelectField(_l("Or every case of a unit"), coerce=int, default=0)

    def validate_case_numbers(self, field: StringField) -> None:
        if field.data and not CASE_NUMBERS.fullmatch(field.data):
            raise ValidationError(_l("Write only case numbers, separated by commas."))

    def case_ids(self) -> list[int]:
        return [int(n) for n in re.findall(r"\d+", self.case_numbers.data or "")]

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
