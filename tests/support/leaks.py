"""Everything at rest, as bytes, for the tests that scan it for plaintext a person wrote.

A reporter's or respondent's words must not be readable anywhere the server
keeps things: the database (every row of every table) and the files under a
folder (the instance, the temp directory).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import text

from wbs_app.database import Base
from wbs_app.db import app_database


def tree_bytes(folder: Path, since: float = 0.0) -> bytes:
    """The contents of every file under ``folder`` changed since ``since`` (below 200 MiB)."""
    found = []
    for path in folder.rglob("*"):
        try:
            if (
                path.is_file()
                and path.stat().st_mtime >= since
                and path.stat().st_size < 200 * 2**20
            ):
                found.append(path.read_bytes())
        except OSError:
            continue
    return b"\n".join(found)


def database_dump(app: Any) -> bytes:
    """Every row of every table of the app's database, as its repr."""
    rows = []
    with app_database(app).engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            for row in connection.execute(text(f'SELECT * FROM "{table.name}"')):
                rows.append(repr(tuple(row)).encode())
    return b"\n".join(rows)
