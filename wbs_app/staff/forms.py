"""Forms of the staff sign-in pages; limits are enforced here before any service runs."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Length, Regexp

from wbs_app.form_base import Form
from wbs_app.services.staff.password_policy import MAX_LENGTH

# The address only has to reach a person through the office's own channels;
# a plain shape check is enough and needs no extra dependency.
EMAIL = [
    DataRequired(),
    Length(max=254),
    Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("Enter a valid e-mail address.")),
]
CODE = [DataRequired(), Regexp(r"^\s*\d{3}\s?\d{3}\s*$", message=_l("Enter the 6 digits."))]


class LoginForm(Form):
    login = StringField(_l("Username or e-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=MAX_LENGTH)])
    code = StringField(_l("Authenticator code"), validators=[DataRequired(), Length(max=8)])


class CredentialsForm(Form):
    """Choose a username and password and enrol an authenticator app."""

    username = StringField(
        _l("Username"),
        validators=[DataRequired(), Length(min=3, max=64)],
        description=_l("Lower-case letters, digits, dots, dashes and underscores."),
    )
    password = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(max=MAX_LENGTH)]
    )
    password_confirm = PasswordField(
        _l("New password again"), validators=[DataRequired(), Length(max=MAX_LENGTH)]
    )
    totp_secret = HiddenField(validators=[DataRequired(), Length(max=64)])
    totp_code = StringField(_l("Code shown by the authenticator app"), validators=CODE)


class SetupForm(CredentialsForm):
    email = EmailField(_l("E-mail address"), validators=EMAIL)
    display_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=120)])


class PasswordChangeForm(Form):
    current = PasswordField(
        _l("Current password"), validators=[DataRequired(), Length(max=MAX_LENGTH)]
    )
    password = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(max=MAX_LENGTH)]
    )
    password_confirm = PasswordField(
        _l("New password again"), validators=[DataRequired(), Length(max=MAX_LENGTH)]
    )
    replace_keys = BooleanField(_l("Also replace my personal key"))


class EmptyForm(Form):
    """A form with only the CSRF token, for buttons that change state (logout)."""
