"""SQLAlchemy models, one module per aggregate.

Importing this package registers every table on ``Base.metadata``, which
Alembic's autogenerate and the migration tests compare against.
"""

from wbs_app.models.organisation import Category, Unit

__all__ = ["Category", "Unit"]
