"""Operator commands: ``flask --app wsgi wbs ...``.

Only what an operator needs from a shell lives here; each command is a thin
call into ``config``, ``wbs_app.migrate`` or a service.
"""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from wbs_app.db import app_database
from wbs_app.migrate import upgrade
from wbs_app.services.catalogue import ensure_default_categories

wbs = AppGroup("wbs", help="Lentera administration commands.")


@wbs.command("db-upgrade")
def db_upgrade() -> None:
    """Apply every pending migration, then add the default categories to an empty list."""
    database = app_database(current_app)
    upgrade(database.engine)
    with database.session() as session:
        added = ensure_default_categories(session)
    click.echo(f"database at head; {added} default categories added")
