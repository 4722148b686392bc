"""Receipt guessing is slowed for everyone alike once failures pile up; nothing about who."""

from __future__ import annotations

from sqlalchemy import inspect

from wbs_app.db import app_database
from wbs_app.models import FailureWindow
from wbs_app.services.codes import guessing


def test_delay_grows_with_failures_over_the_limit(app) -> None:
    with app_database(app).session() as session:
        assert guessing.delay_seconds(session, "receipt", allowed_per_minute=3) == 0.0
        for _ in range(6):
            guessing.record_failure(session, "receipt")
        assert guessing.delay_seconds(session, "receipt", allowed_per_minute=3) == 0.0
        for _ in range(4):
            guessing.record_failure(session, "receipt")
        delay = guessing.delay_seconds(session, "receipt", allowed_per_minute=3)
        assert 0 < delay <= guessing.MAX_DELAY_SECONDS
        assert guessing.delay_seconds(session, "invitation", allowed_per_minute=3) == 0.0


def test_failure_windows_hold_counts_only() -> None:
    columns = {column.key for column in inspect(FailureWindow).columns}
    assert columns == {"scope", "window_start", "failures"}
