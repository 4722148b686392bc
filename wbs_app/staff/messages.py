"""Translated messages for the codes of account and organisation errors."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ERRORS = {
    "password_mismatch": _l("The two new passwords are not the same."),
    "weak_password": _l("Choose a stronger password."),
    "bad_totp": _l(
        "The authenticator code is not right. Check the app's clock and try the current code."
    ),
    "bad_username": _l(
        "A username has 3 to 64 lower-case letters, digits, dots, dashes or underscores."
    ),
    "username_taken": _l("That username is already in use. Choose another."),
    "email_taken": _l("An account with that e-mail address already exists."),
    "bad_invitation": _l("Enter a valid e-mail address and a name."),
    "units_required": _l("Choose at least one unit for an investigator or supervisor."),
    "admin_has_no_units": _l("Administrators are not members of units."),
    "wrong_password": _l("The current password is not right."),
    "changed_meanwhile": _l(
        "The account was changed elsewhere while this was saved. Nothing was changed; try again."
    ),
    "last_admin": _l("This is the last active administrator; the change would lock everyone out."),
    "reset_self": _l("You cannot reset your own password here; use the password page."),
    "not_activated": _l(
        "This account has not been activated yet; send a new activation link instead."
    ),
    "not_invited": _l("This account is already activated."),
    "not_deactivated": _l("This account is not deactivated."),
    "role_kind_fixed": _l(
        "An administrator account cannot become a handler account or the reverse. Create a separate account."
    ),
    "not_found": _l("Not found."),
    "bad_name": _l("A name has 2 to 200 characters."),
    "no_parent": _l("Choose an existing parent unit."),
    "duplicate": _l("That entry already exists."),
    "duplicate_name": _l("A unit with that name already exists at that place in the tree."),
    "parent_required": _l(
        "Choose the unit the new unit belongs to. A new top unit is made with its own form below."
    ),
    "parent_inactive": _l("That unit is deactivated; reactivate it first."),
    "bad_parent": _l("A unit cannot be moved under itself or under one of its own units."),
    "intake_unreachable": _l(
        "That unit cannot receive reports: it is deactivated, or no supervisor sits at or above it. Appoint a supervisor first."
    ),
    "intake_unit": _l(
        "This unit receives the reports of reporters who are not sure. Choose another intake unit first."
    ),
    "has_active_units": _l("Active units sit below this unit. Move or deactivate them first."),
    "in_use": _l(
        "This unit has cases, handlers or units below it, or is the intake unit: it can only be deactivated."
    ),
    "confirm_required": _l("Tick the box to confirm."),
    "bad_deadline": _l("A deadline is a number of days from 1 to 365."),
}

PASSWORD_PROBLEMS = {
    "too_short": _l("It must have at least 12 characters."),
    "too_long": _l("It must have at most 256 characters."),
    "common": _l("It is a common or easily guessed password."),
    "personal": _l("It must not contain your name, username or e-mail address."),
}


def error_message(code: str) -> str:
    return str(ERRORS.get(code, ERRORS["not_found"]))
