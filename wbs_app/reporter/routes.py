"""The reporter zone's views, in two modules: making a report, and coming back to it."""

from wbs_app.reporter import case_views, intake_views  # noqa: F401 - registers the views
