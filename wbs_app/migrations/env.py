"""Alembic environment: run migrations on the connection or URL we are given.

There is no alembic.ini: ``wbs_app.migrate`` builds the configuration from the
application's own settings, so one database URL decides everything.
"""

from alembic import context
from sqlalchemy import Connection

import wbs_app.models  # noqa: F401 - registers every table on Base.metadata
from wbs_app.database import Base, make_engine

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as conn:
        _run(conn)
        conn.commit()
    engine.dispose()
