"""Words for what a staff form checks itself; refusals of services are in ``wbs_app.refusals``."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

# A confirmation box left unticked (the form checks it; no service is asked).
CONFIRM_REQUIRED = _l("Tick the box to confirm.")
