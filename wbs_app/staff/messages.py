"""Words for what a staff form checks itself; refusals of services are in ``wbs_app.refusals``."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

PASSWORD_PROBLEMS = {
    "too_short": _l("It must have at least 12 characters."),
    "too_long": _l("It must have at most 256 characters."),
    "common": _l("It is a common or easily guessed password."),
    "personal": _l("It must not contain your name, username or e-mail address."),
}


# A confirmation box left unticked (the form checks it; no service is asked).
CONFIRM_REQUIRED = _l("Tick the box to confirm.")
