"""The reporter zone's views: making a report, its receipt, and coming back to it."""

from wbs_app.reporter import (  # noqa: F401 - registers the views
    case_views,
    intake_views,
    receipt_views,
    record_check_views,
    review_views,
)
