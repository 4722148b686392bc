"""The scheduled worker as its operator runs it: ``wbs worker`` through Flask's CLI runner."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import select

from wbs_app.db import app_database
from wbs_app.models import WorkerJob


def run_worker(app: Flask, *options: str) -> Any:
    with app.app_context():
        return app.test_cli_runner().invoke(args=["wbs", "worker", *options])


def jobs(app: Flask) -> dict[str, WorkerJob]:
    """Each job's row: when it ran, how it went, when it is due."""
    with app_database(app).session() as session:
        return {row.name: row for row in session.scalars(select(WorkerJob))}
