"""Operator commands."""

from __future__ import annotations

from sqlalchemy import func, select

from wbs_app.db import app_database
from wbs_app.migrate import current_revision, head_revision
from wbs_app.models import Category
from wbs_app.services.office.catalogue import DEFAULT_CATEGORIES


def test_db_upgrade_is_idempotent(app) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["wbs", "db-upgrade"])
    assert result.exit_code == 0, result.output
    assert "database at head" in result.output
    again = runner.invoke(args=["wbs", "db-upgrade"])
    assert again.exit_code == 0
    assert "0 default categories added" in again.output
    database = app_database(app)
    assert current_revision(database.engine) == head_revision()
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Category)) == len(DEFAULT_CATEGORIES)
