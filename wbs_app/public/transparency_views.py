"""``/transparansi``: how the office handles complaints, per quarter, for anyone (no script).

Only quarters that ended at least a month ago are shown (a quarter still running would tell
of the weeks just past), for the whole office, with small counts hidden
(``services.stats.transparency``).
"""

from __future__ import annotations

from datetime import timedelta

from flask import render_template

from wbs_app.db import request_session
from wbs_app.i18n import current_language
from wbs_app.public import bp
from wbs_app.security.zones import PUBLIC, zone
from wbs_app.services.infra.clock import local_today
from wbs_app.services.office import organisation
from wbs_app.services.stats import periods, transparency
from wbs_app.settings import settings
from wbs_app.web.case_words import STATUS
from wbs_app.web.stats_tables import period_name

QUARTERS_SHOWN = 4
# A quarter is published a month after it ends: reports recorded late from
# letters and the box, and reclassifications, have come in by then.
SETTLING = timedelta(days=30)


@bp.get("/transparansi")
@zone(PUBLIC)
def transparency_page() -> str:
    db = request_session()
    today = local_today(settings().timezone)
    ended = periods.last_quarters(today - SETTLING, QUARTERS_SHOWN + 1)[:-1]
    found = transparency.published(db, ended, today)
    counted = set(transparency.category_ids(found))
    return render_template(
        "public/transparency.html",
        quarters=found,
        quarter_names=[period_name(quarter) for quarter in ended],
        categories=[
            (str(c.id), c.name(current_language()))
            for c in organisation.all_categories(db)
            if str(c.id) in counted
        ],
        endings=[(ending, str(STATUS[ending])) for ending in transparency.ENDINGS],
        smallest=transparency.SMALLEST_RATE_BASE,
    )
